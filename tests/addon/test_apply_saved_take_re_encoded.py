"""Apply Saved Take on a farm's ``infer --out`` folder while the panel holds the recording re-encoded
for the edit (a loudness-normalised FLAC of the WAV the farm animated): the strip plays the panel's
audio, with one warning saying it is another encoding of the take's recording. Before, its bytes
differed, so the strip went looking for the original and, not finding it, placed no sound at all."""

from __future__ import annotations

import os
from pathlib import Path

import addon_helpers as ah
import bpy
import numpy as np
import soundfile as sf
from dualtalk.dualtalk_blender.addon import saved_takes
from dualtalk.inference.audio.dialogue import recording_fingerprint, sound_signature
from dualtalk.inference.audio.loader import read_channels
from dualtalk.inference.core.motion import Motion, save_motion
from recording_copies import ffmpeg, needs_ffmpeg, speechy


def _infer_folder(folder: Path, recording: Path, recorded_as: str) -> Path:
    """A.npz and B.npz as ``infer --audio <recorded_as> --out <folder>`` records their source: the
    file's name, its bytes' fingerprint and its sound."""
    folder.mkdir(parents=True)
    heard, _info = read_channels(recording)
    seconds = heard.shape[1] / 16000
    source = {
        "audio": recorded_as,
        "fingerprint": recording_fingerprint([recording]),
        "sound": sound_signature([heard], [recording], 0.0, seconds),
        "form": "stereo",
        "start": 0.0,
        "end": seconds,
    }
    t = np.arange(int(seconds * 25))[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        save_motion(
            folder / f"{role}.npz",
            Motion("arkit55", values, role=role, engine="lite", meta={"source": source}),
        )
    return folder


def _strip_files(scene) -> list[str]:
    se = scene.sequence_editor
    return [os.path.abspath(bpy.path.abspath(s.sound.filepath)) for s in se.strips] if se else []


@needs_ffmpeg
def test_the_panels_re_encoded_copy_of_the_takes_recording_plays_under_it(scene, assets, tmp_path):
    farm = tmp_path / "farm"
    farm.mkdir()
    original = farm / "talk.wav"
    sf.write(str(original), speechy(4.0, seed=7), 16000)
    take = _infer_folder(farm / "take", original, "/mnt/farm/audio/talk.wav")  # not reachable from here
    edit = ffmpeg(original, tmp_path / "talk_edit.flac", "-af", "volume=-6dB")
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, edit, assets["ckpt"])

    line = saved_takes.apply_take(scene, scene.dualtalk, str(take))

    assert _strip_files(scene) == [str(edit)], line
    assert "the panel's audio (talk_edit.flac) is another encoding of talk.wav" in line, line
    assert "no sound strip" not in line, line


@needs_ffmpeg
def test_another_recording_in_the_panel_still_places_no_strip(scene, assets, tmp_path):
    original = tmp_path / "talk.wav"
    sf.write(str(original), speechy(4.0, seed=7), 16000)
    take = _infer_folder(tmp_path / "take", original, "/mnt/farm/audio/talk.wav")
    other = tmp_path / "other.wav"
    sf.write(str(other), speechy(4.0, seed=8), 16000)  # as long, another conversation
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, other, assets["ckpt"])

    line = saved_takes.apply_take(scene, scene.dualtalk, str(take))

    assert _strip_files(scene) == []
    assert "talk.wav, which was not found, and the panel's audio (other.wav) is another recording" in line, (
        line
    )
