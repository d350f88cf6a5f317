"""A meeting take made from a mono mix with ``--turns meeting.rttm --speaker-a bob`` (Ann is bob in
the turns file, though ann talks first), redone later with ``animate --range`` and another or no
``--speaker-a``. Before, the take did not record its turns file nor its speaker label: inside the
range Ann went silent mid-sentence and Bob mouthed her words (rc 0). The take now records both; a
range reads the turns with the take's label when none is given, and refuses another label or
another turns file in one line, as it refuses ``--swap``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from robustness_util import assert_refused, run_cli, snapshot
from test_animate_moved_take import jaw
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]
FRAMES = np.arange(15, 46)  # the range 20-40 and the cross-fades around it
MADE_FROM = (
    "the take was made from meeting.wav with --turns meeting.rttm --speaker-a bob from 0.00 s to 4.00 s"
)


def rttm(path: Path, rows: list[tuple[str, float, float]]) -> Path:
    path.write_text(
        "".join(f"SPEAKER meeting 1 {s:.2f} {d:.2f} <NA> <NA> {who} <NA> <NA>\n" for who, s, d in rows)
    )
    return path


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("range_speaker")
    scene = build_scene(folder / "in.blend")
    stereo = two_voices(folder / "talk.wav", seconds=4.0)  # one voice in the first half, one in the second
    x, sr = sf.read(str(stereo), dtype="float32")
    sf.write(str(folder / "meeting.wav"), x.mean(axis=1), sr)
    turns = rttm(folder / "meeting.rttm", [("ann", 0.0, 2.0), ("bob", 2.0, 2.0)])
    take = folder / "take.blend"
    rc = main(["animate", "--blend", str(scene), "--audio", str(folder / "meeting.wav"), "--turns", str(turns),
               "--speaker-a", "bob", "--out", str(take), *CHARS])  # fmt: skip
    assert rc == 0
    return {"folder": folder, "audio": folder / "meeting.wav", "turns": turns, "take": take}


def _range(shot, out: Path, *flags: str, capsys) -> tuple[int, list[str], str]:
    argv = ["animate", "--blend", str(shot["take"]), "--audio", str(shot["audio"]), "--out", str(out),
            "--range", "20-40", *flags, *CHARS]  # fmt: skip
    return run_cli(capsys, argv)


def test_a_range_without_speaker_a_reads_the_turns_as_the_take_did(shot, tmp_path, capsys):
    before = jaw(shot["take"], FRAMES)
    out = tmp_path / "range.blend"
    code, err, said = _range(shot, out, "--turns", str(shot["turns"]), capsys=capsys)
    assert code == 0, err
    assert "re-generated frames 20-40" in said and not err, err
    named = tmp_path / "named.blend"
    code, err, _ = _range(shot, named, "--turns", str(shot["turns"]), "--speaker-a", "bob", capsys=capsys)
    assert code == 0, err
    assert np.abs(jaw(out, FRAMES) - jaw(named, FRAMES)).max() < 1e-6  # read as the take was: bob is A
    assert np.abs(jaw(out, FRAMES) - before).max() < 2e-3  # Ann's lips stay Ann's


def test_another_speaker_label_is_refused_before_anything_is_written(shot, tmp_path, capsys):
    before = snapshot(tmp_path)
    code, err, _ = _range(shot, tmp_path / "no.blend", "--turns", str(shot["turns"]), "--speaker-a", "ann",
                          capsys=capsys)  # fmt: skip
    line = assert_refused(code, err, f"--range 20-40: {MADE_FROM}, but --speaker-a is ann")
    assert (
        "(A's and B's lips would swap in the range); give --speaker-a bob, or leave --speaker-a out" in line
    )
    assert snapshot(tmp_path) == before


def test_the_label_in_another_case_is_the_takes(shot, tmp_path, capsys):
    code, err, _ = _range(shot, tmp_path / "ok.blend", "--turns", str(shot["turns"]), "--speaker-a", "BOB",
                          capsys=capsys)  # fmt: skip
    assert code == 0, err


def test_another_turns_file_is_refused(shot, tmp_path, capsys):
    other = rttm(
        tmp_path / "meeting.rttm", [("bob", 0.0, 2.0), ("ann", 2.0, 2.0)]
    )  # the same name, relabelled
    code, err, _ = _range(shot, tmp_path / "no.blend", "--turns", str(other), capsys=capsys)
    line = assert_refused(
        code, err, f"--range 20-40: {MADE_FROM}, but --turns meeting.rttm is not that turns file"
    )
    assert line.endswith("give the same --audio, --turns, --speaker-a and --start/--end"), line


def test_no_turns_file_for_a_take_read_with_one_is_refused(shot, tmp_path, capsys):
    code, err, _ = _range(shot, tmp_path / "no.blend", capsys=capsys)
    assert code == 2 and len(err) == 1, err
