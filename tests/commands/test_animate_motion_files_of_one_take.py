"""A TD keys ``--motion-a`` from one take folder and ``--motion-b`` from another (a tab-completion
slip). Before, both were keyed without a word: B talked on alone past A's end, and the result line
said A's 2 s although the scene range was set to B's 4 s. Now two files whose recorded sources differ
are refused in one line naming both; files of older takes (no recorded source) still key, and the
line gives the take's real length. The files the other way round (B's on A) are keyed -- casting is
the animator's choice -- with a warning."""

from __future__ import annotations

from pathlib import Path

import bpy
import pytest
from dualtalk.cli import main
from dualtalk.inference.core.motion import load_motion, save_motion
from robustness_util import assert_refused, run_cli, snapshot
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


@pytest.fixture(scope="module")
def takes(tmp_path_factory) -> dict[str, Path]:
    """Two takes of one recording: seconds 1-3 (50 frames) and the whole 4 s (100 frames)."""
    folder = tmp_path_factory.mktemp("two_takes")
    audio = two_voices(folder / "talk.wav", seconds=4.0)
    engine = ["--engine", "lite", "--device", "cpu", "--quiet"]
    assert (
        main(
            [
                "infer",
                "--audio",
                str(audio),
                "--start",
                "1",
                "--end",
                "3",
                "--out",
                str(folder / "part"),
                *engine,
            ]
        )
        == 0
    )
    assert main(["infer", "--audio", str(audio), "--out", str(folder / "whole"), *engine]) == 0
    return {"folder": folder, "scene": build_scene(folder / "in.blend"), "part": folder / "part",
            "whole": folder / "whole"}  # fmt: skip


def _animate(takes, capsys, a: Path, b: Path, out: Path) -> tuple[int, list[str], str]:
    argv = ["animate", "--blend", str(takes["scene"]), *CHARS, "--motion-a", str(a), "--motion-b", str(b),
            "--out", str(out)]  # fmt: skip
    return run_cli(capsys, argv)


def test_files_of_two_takes_are_refused_naming_both(takes, tmp_path, capsys):
    out = tmp_path / "out"
    code, err, _ = _animate(takes, capsys, takes["part"] / "A.npz", takes["whole"] / "B.npz", out / "m.blend")
    line = assert_refused(code, err, "--motion-a A.npz and --motion-b B.npz are from two takes")
    assert "A.npz: talk.wav 1.00-3.00 s; B.npz: talk.wav 0.00-4.00 s" in line, line
    assert snapshot(out) == {}


def _without_source(src: Path, dst: Path) -> Path:
    """The file as takes wrote it before they recorded their source."""
    motion = load_motion(src)
    motion.meta.pop("source", None)
    dst.parent.mkdir(parents=True, exist_ok=True)
    return save_motion(dst, motion)


def test_older_files_still_key_and_the_line_gives_the_length_the_scene_is_set_to(takes, tmp_path, capsys):
    a = _without_source(takes["part"] / "A.npz", tmp_path / "old" / "A.npz")
    b = _without_source(takes["whole"] / "B.npz", tmp_path / "old" / "B.npz")
    code, err, line = _animate(takes, capsys, a, b, tmp_path / "m.blend")
    assert code == 0 and not err, err
    assert "100 frames (A 50, B 100) at 25 fps" in line, line
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "m.blend"))
    assert (bpy.context.scene.frame_start, bpy.context.scene.frame_end) == (1, 100)


def test_files_the_other_way_round_are_keyed_with_a_warning(takes, tmp_path, capsys):
    whole = takes["whole"]
    code, err, line = _animate(takes, capsys, whole / "B.npz", whole / "A.npz", tmp_path / "swapped.blend")
    assert code == 0 and "100 frames at 25 fps" in line
    assert err == [
        "warning: --motion-a B.npz and --motion-b A.npz hold the take's characters B and A, the other way "
        "round: Ann plays B's part and Bob A's (give --motion-a the take's A.npz and --motion-b its B.npz "
        "if that is not meant)"
    ]
    code, err, _ = _animate(takes, capsys, whole / "A.npz", whole / "B.npz", tmp_path / "plain.blend")
    assert code == 0 and not err, err
