"""The panel speaks the panel's names, not the command line's flags.

One declaration serves the command line, shot files, the Python API and the panel, so the engine's
messages and the options' help name flags: an animator who picked *Stereo file* for a mono
recording read "say who speaks when with --turns FILE ..., give B's own file with --audio-b, or try
--diarize", and hovering *B Starts Earlier By* read "With --audio-b: ...". Neither flag is anywhere
on the panel. Both now name the panel's fields and the *Audio* form's choices."""

from __future__ import annotations

import re

import addon_helpers as ah
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon import panel_options
from dualtalk.inference.audio.dialogue import load_dialogue
from dualtalk.inference.core.errors import DualTalkError

FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _mono(path, seconds: float = 2.0):
    rng = np.random.default_rng(0)
    sf.write(path, (0.1 * rng.standard_normal(int(16000 * seconds))).astype(np.float32), 16000)
    return path


def _tooltips(rna) -> list[tuple[str, str]]:
    out = []
    for prop in rna.properties:
        out.append((prop.identifier, prop.description))
        for item in getattr(prop, "enum_items", []):
            out.append((f"{prop.identifier}.{item.identifier}", item.description))
    return out


def test_no_tooltip_on_the_panel_names_a_command_line_flag(scene):
    tips = _tooltips(scene.dualtalk.bl_rna)
    assert len(tips) > 40, "the panel's properties were not found"
    named = [(name, text) for name, text in tips if FLAG.search(text)]
    assert not named, named
    offset = dict(tips)["offset_b"]
    assert offset.startswith("With Two files: B's file starts this many seconds before A's"), offset


def test_the_mono_mix_refusal_reads_as_the_panels_audio_choices(tmp_path):
    with pytest.raises(DualTalkError) as refused:
        load_dialogue(_mono(tmp_path / "mix.wav"))
    engine = str(refused.value)
    assert "--turns FILE" in engine  # the command line's words, where the command line reads them
    panel = panel_options.in_panel_words(engine)
    assert not FLAG.search(panel), panel
    for choice in ("Audio: Mono + turns", "Audio: Two files", "Audio: Mono, automatic"):
        assert choice in panel, panel


def test_each_panel_option_flag_reads_as_its_label_and_other_flags_stay():
    words = panel_options.in_panel_words
    assert words("--offset-b must be a number") == "B Starts Earlier By must be a number"
    assert words("--start/--end lie outside the recording") == "Start/End lie outside the recording"
    assert (
        words("--blinks 3 is over 2") == "Blink Amount 3 is over 2"
    )  # the engine's amount, not the keying choice
    assert words("--no-gaze") == "Eye contact off"
    assert words("--out exists; --not-a-flag") == "--out exists; --not-a-flag"  # not on the panel
    # the user's names and paths stay as they are, quoted or not
    kept = "the take is kept: run bpy.ops.dualtalk.apply_take(directory='/takes/--audio/b--turns')"
    assert words(kept) == kept
    assert (
        words("not found: /shots/--audio/my--diarize-test.wav")
        == "not found: /shots/--audio/my--diarize-test.wav"
    )
    assert (
        words("'my--diarize.wav' is a mono mix; give --audio-b")
        == "'my--diarize.wav' is a mono mix; give Audio B"
    )
    # where the engine already names the panel's field beside the flag, that alone
    assert words("give --offset-b 2 (panel: B Starts Earlier By 2 s)") == "give B Starts Earlier By 2 s"
    assert (
        words("give --offset-b 2 instead (panel: B Starts Earlier By 2 s; --offset-b 0.5 s already applied)")
        == "give B Starts Earlier By 2 s instead (B Starts Earlier By 0.5 s already applied)"
    )
    for option in panel_options.PANEL_OPTIONS:
        assert not FLAG.search(words(option.flag)), option.flag


def test_generate_on_a_mono_recording_in_the_stereo_form_says_what_to_pick(scene, assets, tmp_path):
    """The animator chose *Stereo file* (the default) for a mono mix: the status line, and the error a
    script gets, say which *Audio* choice to make, and the scene is untouched."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, _mono(tmp_path / "mix.wav"), assets["ckpt"])
    before = ah.scene_fingerprint(scene)
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.generate()
    status = bpy.context.window_manager.dualtalk_status.last
    for text in (status, str(refused.value)):
        assert "is a mono mix" in text and "Audio: Mono + turns" in text, text
        assert not FLAG.search(text), text
    assert ah.scene_fingerprint(scene) == before


def test_apply_saved_take_says_its_takes_warnings_in_the_panels_words(scene, monkeypatch, tmp_path):
    """A kept take keyed with Apply Saved Take carries the engine's words about its audio; the
    status line reads them as the panel names things, the folder it names as it is."""
    from dualtalk.dualtalk_blender.addon import saved_takes

    folder = tmp_path / "--audio take"
    folder.mkdir()
    said = f"DualTalk: applied the take in '{folder}' (warning: the mix may be one voice: give --turns FILE or --diarize)"
    monkeypatch.setattr(saved_takes, "apply_take", lambda *a, **k: said)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    status = bpy.context.window_manager.dualtalk_status.last
    assert (
        f"'{folder}'" in status and "a Turns file (Audio: Mono + turns) or Audio: Mono, automatic" in status
    )
    assert not FLAG.search(status.replace(str(folder), "")), status
