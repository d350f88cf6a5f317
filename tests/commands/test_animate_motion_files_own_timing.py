"""A pipeline TD keys another tool's motion files with ``animate --motion-a/-b``. Before, their own
timing was not honoured everywhere: files saying ``start_time=2.0`` (made from seconds 2-6 of the
recording, no source recorded) got the recording from 0 s under ``--audio``, the face 2 s ahead of its
sound; A at 24 fps beside B at 60 keyed both faces right but compared the two speaking tracks frame by
frame at A's rate, and B's turn marker went missing, exit 0; a one-frame take was "1 frames". Now the
sound starts where the files say, two rates are refused in one line before anything is written, and
the line counts right (review rv41b F6, F2, F5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.channels import ARKIT55
from robustness_util import assert_refused, run_cli, snapshot
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


def _files(folder: Path, fps: tuple[float, float], seconds: float, **members: object) -> tuple[Path, Path]:
    """A's and B's files as another tool writes them: A talks the first half, B the second."""
    paths = []
    for role, rate in zip("AB", fps, strict=True):
        t = np.arange(int(round(seconds * rate))) / rate
        speaking = (t < seconds / 2) if role == "A" else (t >= seconds / 2)
        values = np.zeros((len(t), len(ARKIT55)), np.float32)
        values[:, ARKIT55.index("jawOpen")] = 0.3 * speaking
        path = folder / f"{role}{rate:g}.npz"
        np.savez(
            path, space="arkit55", channels=np.array(ARKIT55), values=values, fps=float(rate),
            speaking=speaking.astype(np.uint8), role=role, **members,
        )  # fmt: skip
        paths.append(path)
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("own_timing")
    return {
        "folder": folder,
        "scene": build_scene(folder / "in.blend"),
        "audio": two_voices(folder / "talk.wav", seconds=8.0),
    }


def _animate(kit, capsys, files: tuple[Path, Path], out: Path, *extra: str) -> tuple[int, list[str], str]:
    motion = ["--motion-a", str(files[0]), "--motion-b", str(files[1])]
    return run_cli(
        capsys, ["animate", "--blend", str(kit["scene"]), *CHARS, *motion, "--out", str(out), *extra]
    )


def test_the_sound_starts_where_files_that_record_no_source_say(kit, tmp_path, capsys):
    files = _files(tmp_path, (25.0, 25.0), 4.0, start_time=2.0)
    out = tmp_path / "shot.blend"
    code, err, line = _animate(kit, capsys, files, out, "--audio", str(kit["audio"]))
    assert code == 0 and not err, err
    assert "100 frames at 25 fps" in line
    mix, sr = sf.read(str(tmp_path / "shot.dualtalk" / "dialogue.wav"), dtype="float32")
    whole, _ = sf.read(str(kit["audio"]), dtype="float32")
    part = whole[2 * sr :].sum(axis=1)  # from 2 s: the whole 8 s recording played from 0 s before
    assert len(mix) == len(part)
    assert np.abs(mix - part * (0.99 / max(0.99, np.abs(part).max()))).max() < 1e-3


def test_a_part_given_by_hand_is_the_part_heard(kit, tmp_path, capsys):
    files = _files(tmp_path, (25.0, 25.0), 4.0, start_time=2.0)
    code, err, _ = _animate(
        kit, capsys, files, tmp_path / "shot.blend", "--audio", str(kit["audio"]), "--start", "1"
    )
    assert code == 0 and not err, err
    mix, sr = sf.read(str(tmp_path / "shot.dualtalk" / "dialogue.wav"), dtype="float32")
    assert len(mix) == 7 * sr  # the user's 1 s, not the files' 2 s


def test_a_and_b_at_different_rates_are_refused_before_anything_is_written(kit, tmp_path, capsys):
    files = _files(tmp_path, (24.0, 60.0), 4.0)
    out = tmp_path / "out"
    code, err, _ = _animate(kit, capsys, files, out / "shot.blend")
    line = assert_refused(code, err, "--motion-a A24.npz is at 24 fps but --motion-b B60.npz at 60 fps")
    assert "save both at one rate" in line
    assert snapshot(out) == {}


def test_a_one_frame_take_is_one_frame(kit, tmp_path, capsys):
    files = _files(tmp_path, (25.0, 25.0), 0.04)
    code, err, line = _animate(kit, capsys, files, tmp_path / "one.blend")
    assert code == 0 and not err, err
    assert "1 frame at 25 fps" in line


def test_the_python_api_and_the_add_on_refuse_two_rates_before_keying(kit, tmp_path):
    """apply_dialogue is where the add-on's Apply Saved Take and scripts key a pair (review rv41b
    F2: the add-on reported one turn marker for the same pair)."""
    import bpy
    from dualtalk.dualtalk_blender.scene.apply import apply_dialogue
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.core.motion import load_motion

    a, b = (load_motion(p) for p in _files(tmp_path, (24.0, 60.0), 4.0))
    bpy.ops.wm.open_mainfile(filepath=str(kit["scene"]))
    ann, bob = bpy.data.objects["Ann"], bpy.data.objects["Bob"]
    with pytest.raises(DualTalkError, match=r"^A is at 24 fps but B at 60 fps: "):
        apply_dialogue(ann, bob, a, b)
    assert not bpy.context.scene.timeline_markers and not any(o.animation_data for o in bpy.data.objects)


def test_a_start_past_the_recordings_end_says_where_it_came_from(kit, tmp_path, capsys):
    files = _files(tmp_path, (25.0, 25.0), 4.0, start_time=40.0)
    out = tmp_path / "out"
    code, err, _ = _animate(kit, capsys, files, out / "shot.blend", "--audio", str(kit["audio"]))
    line = assert_refused(code, err, "--start 40 s is at or past the end of talk.wav")
    assert "(the start_time of --motion-a A25.npz; give --start to hear another part)" in line
    assert snapshot(out) == {}


def test_a_and_b_starting_at_different_points_are_said(kit, tmp_path, capsys):
    a, _ = _files(tmp_path, (25.0, 25.0), 4.0, start_time=2.0)
    later = tmp_path / "later"
    later.mkdir()
    _, b = _files(later, (25.0, 25.0), 4.0, start_time=3.0)
    code, err, _ = _animate(kit, capsys, (a, b), tmp_path / "shot.blend", "--audio", str(kit["audio"]))
    assert code == 0 and len(err) == 1, err
    assert err[0] == (
        "warning: --motion-a A25.npz starts 2.00 s into its recording but --motion-b B25.npz 3.00 s "
        "(start_time): the sound plays from 2.00 s, so B's face is 1.00 s off its voice"
    )
