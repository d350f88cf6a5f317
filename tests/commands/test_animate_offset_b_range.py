"""A take made from two files recorded apart (``--offset-b 2``: B's recorder was started 2 s before
A's) and a range of it redone a week later with ``animate --range``: the take records the shift, so
the range reads B's file with it too (also when ``--offset-b`` is left out) and comes out as the take
had it; another ``--offset-b`` is refused in one line, before anything is written. Before, the range
read B's file unshifted: B's face followed B's voice 2 s off inside the range."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import layers
from robustness_util import assert_refused, run_cli
from test_blender_animate import build_scene

SR = 16000
CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]
FRAMES = np.arange(1, 101)  # the take: A's 4 s at 25 fps


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("offset_b_range")
    rng = np.random.default_rng(3)
    a, b = place(4.0, [(0.3, 1.4), (2.4, 3.4)], rng), place(4.0, [(1.5, 2.3), (3.5, 3.9)], rng)
    head = (3e-4 * rng.standard_normal(2 * SR)).astype(np.float32)
    sf.write(str(folder / "maya.wav"), a + 0.1 * b, SR, subtype="FLOAT")
    sf.write(str(folder / "tom.wav"), np.concatenate([head, b + 0.1 * a]), SR, subtype="FLOAT")  # 2 s early
    scene = build_scene(folder / "in.blend")
    take = folder / "take.blend"
    files = ["--audio", str(folder / "maya.wav"), "--audio-b", str(folder / "tom.wav")]
    rc = main(["animate", "--blend", str(scene), *files, "--offset-b", "2", "--out", str(take), *CHARS])
    assert rc == 0
    return {"take": take, "files": files}


def bob_jaw(path: Path) -> np.ndarray:
    bpy.ops.wm.open_mainfile(filepath=str(path))
    return br.played(bpy.data.objects["Bob"], "jawOpen", [int(f) for f in FRAMES])


def _range(shot, out: Path, capsys, *more: str):
    argv = ["animate", "--blend", str(shot["take"]), "--out", str(out), "--range", "40-60", *shot["files"]]
    return run_cli(capsys, [*argv, *more, *CHARS])


def test_a_range_reads_b_with_the_takes_shift(shot, tmp_path, capsys):
    before = bob_jaw(shot["take"])
    bpy.ops.wm.open_mainfile(filepath=str(shot["take"]))
    record = layers.take_meta(bpy.data.objects["Bob"])["audio"]
    assert record["offset_b"] == 2.0
    for more in ([], ["--offset-b", "2"]):  # left out: the take's own shift
        out = tmp_path / f"fixed{len(more)}.blend"
        code, err, text = _range(shot, out, capsys, *more)
        assert code == 0 and not err, err
        assert "re-generated frames 40-60" in text
        assert np.abs(bob_jaw(out) - before).max() < 1e-5, more


def test_another_shift_is_refused_before_anything_is_written(shot, tmp_path, capsys):
    out = tmp_path / "wrong.blend"
    code, err, _ = _range(shot, out, capsys, "--offset-b", "1")
    line = assert_refused(code, err, "--range 40-60: the take was made from maya.wav and tom.wav")
    assert line.endswith(
        "from 0.00 s to 4.00 s with --offset-b 2, but --offset-b 1 is given; give --offset-b 2, "
        "or leave --offset-b out"
    ), line
    assert not out.exists()
