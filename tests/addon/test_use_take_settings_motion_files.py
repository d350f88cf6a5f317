"""An animator opens a .blend that an older DualTalk's ``animate`` made with ``--behaviour-seed 7``
and presses *Use Take's Settings* before re-generating a range. A build of 2026-12-06 04:18 (17ba1fe)
recorded the take's recording but not its behaviour settings; builds before 2026-12-05 recorded
neither. Before, the panel kept Seed 0 (the range then blinked and nodded as another performance:
on 17ba1fe's take, re-generating frames 150-220 moved the eyelids by 0.13 on average, 0.03 with the
take's seed) and, for the older layout, said the audio was still to choose. The motion files
``animate`` kept beside the take's dialogue (``OUT.dualtalk/``) record both, and are read when they
are this take's (review 33u F3). The older layouts are made here by taking the fields out of a take
today's build made, as those builds wrote them."""

from __future__ import annotations

import json
import shutil

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP, is_ours

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--device", "cpu", "--quiet"]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("made_by_animate")
    br.save_pair(folder / "in.blend")
    wav = ah.write_dialogue_wav(folder / "talk.wav")
    ckpt = ah.write_tiny_lite(folder / "lite.pt")
    out = folder / "shot.blend"
    rc = main(["animate", "--blend", str(folder / "in.blend"), "--audio", str(wav), "--behaviour-seed", "7",
               "--mood", "friendly", "--checkpoint", str(ckpt), "--out", str(out), *CHARS])  # fmt: skip
    assert rc == 0
    return {"blend": out, "audio": wav, "folder": folder}


def _as_older_build(drop_audio: bool) -> None:
    """The take's records as an older build wrote them: no behaviour settings and lips (17ba1fe),
    or no record of the recording and no take id at all (before 2026-12-05)."""
    for action in bpy.data.actions:
        if is_ours(action):
            record = json.loads(action[OWNER_PROP])
            if drop_audio:
                record.pop("audio", None)
                record.pop("take_id", None)
            else:
                record["audio"].pop("settings", None)
                record["audio"].pop("lips", None)
            action[OWNER_PROP] = json.dumps(record)


@pytest.mark.parametrize("drop_audio", [False, True], ids=["17ba1fe", "before-12-05"])
def test_use_take_settings_reads_an_older_takes_seed_from_its_motion_files(made, scene, drop_audio):
    bpy.ops.wm.open_mainfile(filepath=str(made["blend"]))
    _as_older_build(drop_audio)
    s = bpy.context.scene.dualtalk

    assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.behaviour_seed, s.behaviour_mood) == (7, "friendly")
    assert (s.char_a.name, s.char_b.name, s.audio_form) == ("Ann", "Bob", "STEREO")
    line = bpy.context.window_manager.dualtalk_status.last
    assert "Seed 7, Mood friendly" in line and "still to choose" not in line, line


def test_motion_files_of_another_take_are_not_read(made, scene, tmp_path):
    """The folder beside the dialogue now holds another run's files (2 s long, the take 2.0 s too
    but from no recording): nothing is taken from them."""
    blend = tmp_path / "shot.blend"
    shutil.copy(made["blend"], blend)
    shutil.copytree(made["folder"] / "shot.dualtalk", tmp_path / "shot.dualtalk")
    ah.write_two_second_take(tmp_path / "shot.dualtalk")  # other tools' motion: records no recording
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    _as_older_build(drop_audio=True)
    s = bpy.context.scene.dualtalk
    for strip in bpy.context.scene.sequence_editor.strips_all:  # the strip plays the copy's folder
        if getattr(strip, "sound", None) is not None:
            strip.sound.filepath = str(tmp_path / "shot.dualtalk" / "dialogue.wav")

    assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert s.behaviour_seed == 0
    assert "still to choose: the audio (the take was keyed by an older DualTalk" in (
        bpy.context.window_manager.dualtalk_status.last
    )


def test_an_older_takes_record_is_read_from_its_motion_files_never_their_frames(made, scene, monkeypatch):
    """*Use Take's Settings* and each range re-generated from an older take read both motion files'
    records (``scene.older_takes``): loading them whole read every frame of both characters for it
    (a 20-minute take's two files: 8.7 MB of arrays for 2 KB of JSON). Now the frames stay on disk
    and the record is the same."""
    from dualtalk.dualtalk_blender.scene.older_takes import motion_record

    bpy.ops.wm.open_mainfile(filepath=str(made["blend"]))
    _as_older_build(drop_audio=False)
    meta = next(json.loads(a[OWNER_PROP]) for a in bpy.data.actions if is_ours(a))
    read = []
    real = np.lib.npyio.NpzFile.__getitem__
    monkeypatch.setattr(
        np.lib.npyio.NpzFile, "__getitem__", lambda self, key: read.append(key) or real(self, key)
    )

    found = motion_record(bpy.context.scene, {"Ann", "Bob"}, meta)

    assert found is not None and found["settings"]["seed"] == 7 and found["settings"]["mood"] == "friendly"
    assert read.count("meta") == 2 and not {"values", "speaking", "gaze_target", "gaze_dir"} & set(read), read


def test_a_broken_motion_file_beside_the_dialogue_gives_nothing(made, scene, tmp_path):
    """A's file cut short (a copy that stopped): nothing is read from the pair, as before."""
    blend = tmp_path / "shot.blend"
    shutil.copy(made["blend"], blend)
    shutil.copytree(made["folder"] / "shot.dualtalk", tmp_path / "shot.dualtalk")
    a = tmp_path / "shot.dualtalk" / "A.npz"
    a.write_bytes(a.read_bytes()[: a.stat().st_size // 2])
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    _as_older_build(drop_audio=True)
    for strip in bpy.context.scene.sequence_editor.strips_all:  # the strip plays the copy's folder
        if getattr(strip, "sound", None) is not None:
            strip.sound.filepath = str(tmp_path / "shot.dualtalk" / "dialogue.wav")

    assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert bpy.context.scene.dualtalk.behaviour_seed == 0
    assert "still to choose: the audio" in bpy.context.window_manager.dualtalk_status.last
