"""A pipeline TD made a take of seconds 1-3 of a recording with ``infer --start 1 --end 3`` and keys
it into the scene with ``animate --motion-a/-b ... --audio talk.wav``. Before, the sound strip played
the recording from 0 s: every mouth was 25 frames late against its voice and the strip ran 58 frames
past the take; a wholly different recording was placed without a word. Now the take's own part of
its recording is placed (the motion files record where it starts and ends, as Apply Saved Take reads
them), and another recording, or another part of it, is refused in one line naming both."""

from __future__ import annotations

from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from robustness_util import assert_refused, run_cli, snapshot
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict[str, Path]:
    """The scene, a 4 s recording and the take infer made of its seconds 1-3."""
    folder = tmp_path_factory.mktemp("motion_audio")
    audio = two_voices(folder / "talk.wav", seconds=4.0)
    rc = main(["infer", "--audio", str(audio), "--start", "1", "--end", "3", "--out", str(folder / "take"),
               "--engine", "lite", "--device", "cpu", "--quiet"])  # fmt: skip
    assert rc == 0
    return {
        "folder": folder,
        "scene": build_scene(folder / "in.blend"),
        "audio": audio,
        "take": folder / "take",
    }


def _animate(take, capsys, out: Path, *extra: str) -> tuple[int, list[str], str]:
    motion = ["--motion-a", str(take["take"] / "A.npz"), "--motion-b", str(take["take"] / "B.npz")]
    return run_cli(
        capsys, ["animate", "--blend", str(take["scene"]), *CHARS, *motion, "--out", str(out), *extra]
    )


def _strip(blend: Path) -> tuple[int, int]:
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    scene = bpy.context.scene
    (strip,) = list(scene.sequence_editor.strips_all)
    return strip.frame_final_start, strip.frame_final_end


def test_the_sound_strip_plays_the_takes_own_part_of_the_recording(take, tmp_path, capsys):
    out = tmp_path / "shot.blend"
    code, err, line = _animate(take, capsys, out, "--audio", str(take["audio"]))
    assert code == 0 and not err, err
    assert "50 frames at 25 fps" in line
    assert _strip(out) == (1, 51)  # the take's 50 frames, not the 4 s file's 100
    mix, sr = sf.read(str(tmp_path / "shot.dualtalk" / "dialogue.wav"), dtype="float32")
    whole, _ = sf.read(str(take["audio"]), dtype="float32")
    part = whole[sr : 3 * sr].sum(axis=1)  # seconds 1-3, as the take heard them
    assert len(mix) == len(part) and np.abs(mix - part * (0.99 / max(0.99, np.abs(part).max()))).max() < 1e-3


def test_the_same_part_given_again_is_accepted(take, tmp_path, capsys):
    out = tmp_path / "again.blend"
    code, err, _ = _animate(take, capsys, out, "--audio", str(take["audio"]), "--start", "1", "--end", "3")
    assert code == 0 and not err, err
    assert _strip(out) == (1, 51)


def test_another_recording_is_refused_naming_both_before_anything_is_written(take, tmp_path, capsys):
    x, sr = sf.read(str(take["audio"]), dtype="float32")
    other = tmp_path / "other.wav"  # as long as the take's, the voices backwards
    sf.write(str(other), x[::-1], sr)
    out = tmp_path / "out"
    code, err, _ = _animate(take, capsys, out / "shot.blend", "--audio", str(other))
    line = assert_refused(code, err, "the take was made from talk.wav from 1.00 s to 3.00 s")
    assert "other.wav is not that recording" in line and "leave --audio out" in line, line
    assert snapshot(out) == {}


def test_another_part_of_the_recording_is_refused(take, tmp_path, capsys):
    code, err, _ = _animate(take, capsys, tmp_path / "x.blend", "--audio", str(take["audio"]), "--start", "0")
    assert "but --start/--end ask for 0.00 s to the end" in assert_refused(code, err, "A.npz")
