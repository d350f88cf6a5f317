"""A pipeline TD's script places each shot's recording with ``add_dialogue_strip`` from a shot list: a
typo'd path, the shot's folder instead of its wav, the rig's map file, a role spelled "C", a frame
computed as NaN or 12.5. Each is refused in one line (``DualTalkError``) before the scene changes: no
dead strip saved with the .blend, no sound datablock, the user's own strips as they were."""

from __future__ import annotations

import os

import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.sound import add_dialogue_strip, our_strips
from dualtalk.inference.core.errors import DualTalkError


@pytest.fixture
def shot(fresh_scene, tmp_path):
    """A shot folder with its recording, a map file, and the user's own music strip in the scene."""
    import soundfile as sf

    talk = tmp_path / "talk.wav"
    sf.write(str(talk), np.zeros((16000, 2), np.float32), 16000)
    (tmp_path / "alice_map.json").write_text('{"version": 1}', encoding="utf-8")
    (tmp_path / "take.wav").write_bytes(b"RIFF....WAVEfmt ")  # a truncated render: not audio
    scene = bpy.context.scene
    scene.sequence_editor_create().strips.new_sound("score", str(talk), 1, 1)
    return scene, tmp_path


def _scene_state(scene) -> tuple:
    strips = [(s.name, s.channel, s.frame_final_start) for s in scene.sequence_editor.strips_all]
    return strips, sorted(s.name for s in bpy.data.sounds)


BAD = [
    ("missing.wav", "dialogue", 1, "audio file not found: {d}/missing.wav"),
    ("", "dialogue", 1, "audio file {d} is a directory, not a file"),
    (
        "alice_map.json",
        "dialogue",
        1,
        "the dialogue audio {d}/alice_map.json is not a sound file Blender can read",
    ),
    ("take.wav", "A", 1, "the dialogue audio {d}/take.wav is not a sound file Blender can read"),
    ("talk.wav", "C", 1, "role must be 'dialogue' (one recording) or 'A'/'B' (one file each), got 'C'"),
    ("talk.wav", "dialogue", float("nan"), "frame_start must be a whole number of frames, got nan"),
    ("talk.wav", "dialogue", float("inf"), "frame_start must be a whole number of frames, got inf"),
    ("talk.wav", "dialogue", 12.5, "frame_start must be a whole number of frames, got 12.5"),
    ("talk.wav", "dialogue", "12", "frame_start must be a whole number of frames, got '12'"),
]


@pytest.mark.parametrize(("name", "role", "frame", "said"), BAD)
def test_a_bad_path_role_or_frame_is_one_line_and_adds_nothing(shot, name, role, frame, said):
    scene, folder = shot
    path = os.path.join(str(folder), name) if name else str(folder)
    before = _scene_state(scene)
    with pytest.raises(DualTalkError) as refused:
        add_dialogue_strip(scene, path, role, frame)
    line = str(refused.value)
    assert line.startswith(said.format(d=str(folder))) and "\n" not in line, line
    assert _scene_state(scene) == before and our_strips(scene) == []


def test_a_path_given_as_bytes_or_none_is_one_line(shot):
    scene, folder = shot
    for bad in (os.fsencode(str(folder / "talk.wav")), None):
        with pytest.raises(DualTalkError, match="the dialogue audio must be a file path, got"):
            add_dialogue_strip(scene, bad, "dialogue", 1)
    assert our_strips(scene) == []


def test_a_whole_frame_as_a_float_or_numpy_number_still_places_the_strip(shot):
    """What a script computes (``round(t * fps)`` as a float, a numpy frame) is a frame all the same."""
    scene, folder = shot
    strip = add_dialogue_strip(scene, folder / "talk.wav", "dialogue", 12.0, skip_frames=np.int64(2))
    assert strip.frame_final_start == 12 and our_strips(scene) == [strip]


def test_a_pipe_a_link_loop_a_broken_link_or_an_empty_file_is_said_as_such(shot):
    """The shot list names ``<(sox ...)``, a link that points at itself, a link to a deleted render, a
    0-byte file: the strip was refused as "audio file not found" or "not a sound file", sending the TD
    to look for a file that is there. Each is now said as ``dualtalk infer --audio`` says it."""
    scene, folder = shot
    os.mkfifo(folder / "live.wav")
    os.symlink(folder / "loop.wav", folder / "loop.wav")
    os.symlink(folder / "deleted.wav", folder / "gone.wav")
    (folder / "empty.wav").write_bytes(b"")
    before = _scene_state(scene)
    for name, said in [
        ("live.wav", f"audio file {folder}/live.wav is a pipe (like <(...) in a shell)"),
        ("loop.wav", f"audio file {folder}/loop.wav is a symbolic link loop"),
        ("gone.wav", f"audio file {folder}/gone.wav is a broken link (it points to {folder}/deleted.wav"),
        ("empty.wav", "audio file empty.wav is empty (0 bytes)"),
    ]:
        with pytest.raises(DualTalkError) as refused:
            add_dialogue_strip(scene, folder / name, "dialogue", 1)
        line = str(refused.value)
        assert line.startswith(said) and "\n" not in line, line
    assert _scene_state(scene) == before and our_strips(scene) == []
