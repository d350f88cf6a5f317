"""A .blend made by ``animate`` opens with an empty panel (review 30a, finding 8): no characters, the
audio form Stereo, no path, Keys Every frame though the take was reduced; re-entering the audio by
hand is how a range hears the wrong speaker. The panel now says its settings are not the take's and
*Use Take's Settings* fills them from the take: the characters by role, Mono + turns with the
recording and the turns file (found where the take's motion files say they were read), Speaker A,
the part of the recording and the keys; Re-generate Preview Range then plans on the take's own
recording. A recording that has gone is named in the line, the rest is still filled."""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_remove_take_button import EnabledLayout

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--device", "cpu", "--quiet"]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """A take animate made from a mono meeting recording with its turns file: speaker S2 is A, only
    0.2-2.8 s of it, reduced keys."""
    folder = tmp_path_factory.mktemp("made_by_animate")
    scene = br.save_pair(folder / "in.blend")
    sr, seconds = 16000, 3.0
    t = np.arange(int(seconds * sr)) / sr
    voice = 0.3 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 4 * t))
    sf.write(folder / "meeting.wav", voice.astype(np.float32), sr)
    turns = folder / "meeting.rttm"
    turns.write_text(
        "SPEAKER meeting 1 0.000 1.500 <NA> <NA> S1 <NA> <NA>\n"
        "SPEAKER meeting 1 1.500 1.500 <NA> <NA> S2 <NA> <NA>\n"
    )
    ckpt = ah.write_tiny_lite(folder / "lite.pt")
    out = folder / "shot.blend"
    rc = main(["animate", "--blend", str(scene), "--audio", str(folder / "meeting.wav"), "--turns", str(turns),
               "--speaker-a", "S2", "--start", "0.2", "--end", "2.8", "--keys", "reduced",
               "--checkpoint", str(ckpt), "--out", str(out), *CHARS])  # fmt: skip
    assert rc == 0
    return {"blend": out, "audio": folder / "meeting.wav", "turns": turns}


def drawn(scene) -> list:
    layout = EnabledLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return [e[1] for e in layout.log if e[0] in ("label", "operator")]


def test_a_file_made_by_animate_fills_the_panel_from_its_take(made, scene):
    bpy.ops.wm.open_mainfile(filepath=str(made["blend"]))
    sc = bpy.context.scene
    s = sc.dualtalk
    assert (s.char_a, s.audio_form, s.audio, s.keys) == (None, "STEREO", "", "every-frame")  # as reported
    panel = drawn(sc)
    assert "The panel's settings are not the take's" in panel and "dualtalk.use_take_settings" in panel

    assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.char_a.name, s.char_b.name) == ("Ann", "Bob")
    assert (s.audio_form, s.audio, s.turns, s.speaker_a) == (
        "MONO_TURNS",
        str(made["audio"]),
        str(made["turns"]),
        "S2",
    )
    assert s.use_range and (round(s.start, 3), round(s.end, 3)) == (0.2, 2.8)
    assert s.keys == "reduced" and not s.swap
    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: the panel now holds the take's settings: Ann and Bob, Mono + turns")
    assert "Speaker A S2" in line and "Keys Reduced" in line and "still to choose" not in line
    panel = drawn(sc)
    assert "dualtalk.use_take_settings" not in panel  # the panel is the take's now
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(sc, s, prefs, frame_range=(10, 30))  # the range plans on the take's audio
    run.cleanup()


def test_a_recording_that_has_gone_is_named_and_the_rest_is_filled(made, scene, tmp_path):
    moved = tmp_path / "meeting.wav"
    made["audio"].rename(moved)
    try:
        bpy.ops.wm.open_mainfile(filepath=str(made["blend"]))
        s = bpy.context.scene.dualtalk
        ann, bob = bpy.data.objects["Ann"], bpy.data.objects["Bob"]
        s.char_a, s.char_b, s.audio_form, s.speaker_a = ann, bob, "MONO_TURNS", "S1"  # an animator's guess
        said = drawn(bpy.context.scene)  # while drawing, from the take's record alone (no file is read)
        differ = said[said.index("The panel's settings are not the take's") + 1]
        assert differ.startswith("Audio, ") and differ.endswith(", Part of the recording, Keys"), differ
        assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}
        assert (s.char_a.name, s.audio_form, s.audio, s.speaker_a) == ("Ann", "MONO_TURNS", "", "S2")
        line = bpy.context.window_manager.dualtalk_status.last
        assert (
            "(still to choose: meeting.wav (not found where its sound strip plays nor beside the .blend))"
            in line
        )
    finally:
        moved.rename(made["audio"])


def test_several_pairs_and_no_take_are_refused_in_one_line(scene):
    with pytest.raises(
        RuntimeError, match="no character in scene 'Scene' plays a DualTalk take; Generate one"
    ):
        bpy.ops.dualtalk.use_take_settings()
    assert "dualtalk.use_take_settings" not in drawn(scene)  # nothing to offer


def test_the_behaviour_settings_a_take_records_come_back_too(scene):
    """A take that records its behaviour settings (seed, moods, eye contact, amounts) gives them back:
    a range made after Use Take's Settings gets the take's blinks and glances, not the panel's last."""
    import json

    from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
    from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP
    from dualtalk.inference.core.motion import Motion

    alice, bob = ah.two_characters()
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(alice, bob, m, m, ApplyOptions(undo_push=False))
    settings = {"seed": 3_000_000_000, "mood": "friendly", "mood_b": None, "gaze_on": False,
                "blinks": None, "gaze": None, "head": 0.5, "brows": None}  # fmt: skip
    audio = {"files": ["gone.wav", "gone_b.wav"], "start": 0.0, "end": 0.4, "swap": True,
             "fingerprint": "", "offset_b": 0.25, "settings": settings}  # fmt: skip
    for action in bpy.data.actions:
        if OWNER_PROP in action.keys():
            action[OWNER_PROP] = json.dumps({**json.loads(action[OWNER_PROP]), "audio": audio})
    s = scene.dualtalk
    s.behaviour_seed, s.behaviour_mood = 99, "animated"

    assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.char_a, s.char_b, s.audio_form, s.swap, s.offset_b) == (alice, bob, "TWO_FILES", True, 0.25)
    assert (s.behaviour_seed, s.behaviour_mood, s.behaviour_mood_b, s.gaze) == (
        -1294967296,
        "friendly",
        "same",
        False,
    )
    assert s.behaviour_custom and s.behaviour_head == 0.5
    line = bpy.context.window_manager.dualtalk_status.last
    assert "Seed 3000000000, Mood friendly" in line and "gone.wav and gone_b.wav (not found" in line
    assert "still to choose: which character is A (the take does not record it" in line  # no roles


def test_a_panel_take_whose_panel_was_changed_since_comes_back_from_its_sound_strip(scene, assets, tmp_path):
    """Generate (stereo file), then the panel is set up for something else and the file saved and
    reopened: the panel names what is no longer the take's, and Use Take's Settings puts the
    recording back from the take's own sound strip (and the form the take read it in)."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    outcome = ah.take_comes_back(ui_run.GenerationRun(scene, scene.dualtalk, prefs).start())
    assert outcome.ok, outcome.message
    s = scene.dualtalk
    s.audio_form, s.audio, s.keys = "MONO_AUTO", str(tmp_path / "other.wav"), "reduced"
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))
    s = bpy.context.scene.dualtalk
    said = drawn(bpy.context.scene)
    assert said[said.index("The panel's settings are not the take's") + 1] == "Form, Audio, Keys"

    assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.audio_form, s.audio, s.keys, s.use_range) == (
        "STEREO",
        str(assets["wav"]),
        "every-frame",
        False,
    )
    assert "The panel's settings are not the take's" not in drawn(bpy.context.scene)
