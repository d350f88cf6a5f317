"""A pipeline TD made a take of seconds 1-3 of talk.wav with ``infer``; the editor hands the recording
back loudness-normalised as a FLAC for the edit. Before, ``animate --motion-a/-b ... --audio
talk_edit.flac`` was refused ("talk_edit.flac is not that recording (the contents differ) ... leave
--audio out"): the motion files recorded only the WAV's bytes. Now they record its sound too, so the
FLAC keys the take with its sound strip on the take's part, with one warning naming both files;
a trimmed copy is still refused in one line, and a gain-only copy is accepted."""

from __future__ import annotations

from pathlib import Path

import bpy
import test_animate_motion_and_audio_must_match as made
from recording_copies import ffmpeg, needs_ffmpeg
from robustness_util import assert_refused, run_cli, snapshot

pytestmark = needs_ffmpeg
take = made.take  # the scene, the recording and infer's take of its seconds 1-3: one fixture for both files
CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


def _animate(take, capsys, out: Path, audio: Path) -> tuple[int, list[str], str]:
    motion = ["--motion-a", str(take["take"] / "A.npz"), "--motion-b", str(take["take"] / "B.npz")]
    argv = [
        "animate",
        "--blend",
        str(take["scene"]),
        *CHARS,
        *motion,
        "--audio",
        str(audio),
        "--out",
        str(out),
    ]
    return run_cli(capsys, argv)


def _strip(blend: Path) -> tuple[int, int]:
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    (strip,) = list(bpy.context.scene.sequence_editor.strips_all)
    return strip.frame_final_start, strip.frame_final_end


def test_a_normalised_flac_of_the_recording_keys_the_take_with_its_sound(take, tmp_path, capsys):
    flac = ffmpeg(take["audio"], tmp_path / "talk_edit.flac", "-af", "volume=-9dB")
    out = tmp_path / "shot.blend"
    code, err, line = _animate(take, capsys, out, flac)
    assert code == 0, err
    assert len(err) == 1, err  # one warning, naming both files
    assert "talk_edit.flac is another encoding of talk.wav" in err[0], err[0]
    assert "50 frames at 25 fps" in line
    assert _strip(out) == (1, 51)  # the take's part (seconds 1-3) of the copy, in step with the keys


def test_an_mp3_of_the_recording_is_accepted(take, tmp_path, capsys):
    mp3 = ffmpeg(take["audio"], tmp_path / "talk.mp3", "-ar", "44100", "-b:a", "128k")
    code, err, _ = _animate(take, capsys, tmp_path / "mp3.blend", mp3)
    assert code == 0 and len(err) == 1 and "talk.mp3 is another encoding of talk.wav" in err[0], err


def test_a_gain_only_copy_is_accepted(take, tmp_path, capsys):
    louder = ffmpeg(take["audio"], tmp_path / "louder.wav", "-af", "volume=6dB", "-c:a", "pcm_f32le")
    code, err, _ = _animate(take, capsys, tmp_path / "gain.blend", louder)
    assert code == 0 and len(err) == 1 and "louder.wav is another encoding" in err[0], err


def test_a_trimmed_copy_is_refused_before_anything_is_written(take, tmp_path, capsys):
    trimmed = ffmpeg(take["audio"], tmp_path / "trimmed.flac", "-t", "3.5")  # the take's part is still in it
    out = tmp_path / "out"
    code, err, _ = _animate(take, capsys, out / "shot.blend", trimmed)
    line = assert_refused(code, err, "trimmed.flac is not that recording (the contents differ)")
    assert "leave --audio out" in line
    assert snapshot(out) == {}
