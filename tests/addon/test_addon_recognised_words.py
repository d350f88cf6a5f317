"""An animator with no script ticks *Recognise Words (English)* and presses Generate. The lips come from
the recognised words, and the words themselves are put into a text in the Text Editor ("DualTalk
Recognised Words"), which the status line names: there the animator reads them, corrects the
misheard ones, saves the text and chooses it as the *Transcript*, as README "No script?" promises.
Before, the words reached only ``infer``'s terminal (review 28a, finding 5).

The text is DualTalk's while it is as DualTalk wrote it: the next recognised take replaces it. Once the
animator has edited it or saved it to a file, it is theirs and stays; the next take's words go into a
new text beside it, unless they are the words that text was made with (a re-generated range hears
the whole recording again). A take made without recognition leaves every text alone."""

from __future__ import annotations

import json
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest

NAME = "DualTalk Recognised Words"
SCRIPT = "A: maybe we should bring the map\nB: bob will buy a boat\n"


def _report(script: str | None) -> dict:
    """A worker's transcript report: both characters' words aligned; ``script`` when recognised."""
    report: dict = {
        "a": {"words": 6, "aligned": 6, "lines": 1},
        "b": {"words": 5, "aligned": 5, "lines": 1},
    }
    if script is not None:
        report["script"] = script
    return report


def _kept_take(folder: Path, wav: Path, script: str | None, transcript: bool = True) -> Path:
    """A take kept on disk (as Generate keeps one), made with recognition when ``script`` is given."""
    ah.write_two_second_take(folder)
    kept: dict = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)]}
    if transcript:
        kept["transcript"] = _report(script)
    (folder / "result.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder


def _apply(folder: Path) -> str:
    """Apply Saved Take, as the button runs it (the keying step Generate runs too); the status line."""
    assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


@pytest.fixture
def panel(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    return scene


def test_a_recognised_take_puts_its_words_in_a_text_the_status_line_names(panel, assets, tmp_path):
    line = _apply(_kept_take(tmp_path / "take", assets["wav"], SCRIPT))

    assert "lips from the recognised words (A 6/6 words, B 5/5 words)" in line, line
    assert f"the words are in the text '{NAME}'" in line, line
    assert bpy.data.texts[NAME].as_string() == SCRIPT


def test_the_next_recognised_take_replaces_the_words_but_not_a_text_the_animator_edited(
    panel, assets, tmp_path
):
    _apply(_kept_take(tmp_path / "one", assets["wav"], SCRIPT))
    again = "A: maybe we should bring the cap\nB: bob will buy a boat\n"
    _apply(_kept_take(tmp_path / "two", assets["wav"], again))
    assert [t.name for t in bpy.data.texts] == [NAME] and bpy.data.texts[NAME].as_string() == again

    corrected = again.replace("cap", "map")  # the animator corrects a misheard word in the Text Editor
    bpy.data.texts[NAME].from_string(corrected)
    line = _apply(_kept_take(tmp_path / "three", assets["wav"], SCRIPT))

    assert bpy.data.texts[NAME].as_string() == corrected  # their correction stays
    new = next(t for t in bpy.data.texts if t.name != NAME)
    assert new.as_string() == SCRIPT and f"the words are in the text '{new.name}'" in line, line


def test_the_same_words_heard_again_stay_in_the_text_the_animator_corrected(panel, assets, tmp_path):
    """A re-generated range hears the whole recording again, and so does Generate with other options:
    the same words. Before, once the animator had corrected them, each such take put the uncorrected
    words into a second text beside theirs; now the line names their text and no text is added."""
    _apply(_kept_take(tmp_path / "one", assets["wav"], SCRIPT))
    corrected = SCRIPT.replace("bob", "rob")
    bpy.data.texts[NAME].from_string(corrected)

    line = _apply(_kept_take(tmp_path / "again", assets["wav"], SCRIPT))

    assert f"the same words as before: the text '{NAME}', kept as you changed it" in line, line
    assert [t.name for t in bpy.data.texts] == [NAME] and bpy.data.texts[NAME].as_string() == corrected
    other = _apply(_kept_take(tmp_path / "other", assets["wav"], "A: hello\n"))  # other words: a new text
    assert [t.as_string() for t in bpy.data.texts] == [corrected, "A: hello\n"], other


def test_a_text_saved_to_a_file_or_of_the_animators_own_is_never_written(panel, assets, tmp_path):
    own = bpy.data.texts.new(NAME)  # the animator's own text, by chance of that name
    own.write("my notes\n")
    notes = bpy.data.texts.new("scene notes")
    notes.write("B enters late\n")
    _apply(_kept_take(tmp_path / "one", assets["wav"], SCRIPT))
    assert own.as_string() == "my notes\n" and notes.as_string() == "B enters late\n"
    ours = next(t for t in bpy.data.texts if t.as_string() == SCRIPT)

    ours.filepath = str(tmp_path / "scene.txt")  # Text > Save As: the file is the animator's now
    line = _apply(_kept_take(tmp_path / "two", assets["wav"], "A: hello\n"))

    assert ours.as_string() == SCRIPT and own.as_string() == "my notes\n"
    newest = next(t for t in bpy.data.texts if t.as_string() == "A: hello\n")
    assert newest not in (own, notes, ours) and f"the text '{newest.name}'" in line, line


def test_a_take_without_recognition_leaves_the_texts_alone(panel, assets, tmp_path):
    _apply(_kept_take(tmp_path / "one", assets["wav"], SCRIPT))
    typed = _apply(_kept_take(tmp_path / "typed", assets["wav"], None))  # a typed transcript's take
    plain = _apply(_kept_take(tmp_path / "plain", assets["wav"], None, transcript=False))

    assert "lips from the transcript" in typed and "the words are in" not in typed, typed
    assert "the words are in" not in plain, plain
    assert [t.name for t in bpy.data.texts] == [NAME] and bpy.data.texts[NAME].as_string() == SCRIPT


def test_a_plain_generate_makes_no_text(panel):
    with bpy.context.temp_override(scene=panel):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    assert "animated" in line and "recognised" not in line, line
    assert NAME not in bpy.data.texts


def test_generate_with_recognise_words_puts_what_it_heard_in_the_text(scene, assets, tmp_path):
    """The whole story through the worker: two flite voices, the box ticked, no script."""
    pytest.importorskip("pocketsphinx")
    import numpy as np
    import soundfile as sf
    from dualtalk.inference.audio.tts import Voice, available_engines, speak

    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    ua = speak("Maybe we should bring the map.", Voice("flite", "kal"))
    ub = speak("Please pass me the blue cup.", Voice("flite", "slt"))
    n = len(ua.audio) + len(ub.audio) + 8000
    stereo = np.zeros((n, 2), np.float32)
    stereo[: len(ua.audio), 0] = ua.audio
    stereo[len(ua.audio) + 8000 :, 1] = ub.audio
    sf.write(tmp_path / "talk.wav", stereo, 16000)
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, tmp_path / "talk.wav", assets["ckpt"])
    scene.dualtalk.engine, scene.dualtalk.recognise = "lite", True

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    line = bpy.context.window_manager.dualtalk_status.last
    assert "lips from the recognised words" in line and f"the words are in the text '{NAME}'" in line, line
    heard = bpy.data.texts[NAME].as_string().splitlines()
    assert [h[:3] for h in heard] == ["A: ", "B: "], heard
    assert heard[0].startswith("A: maybe we should") and "pass" in heard[1], heard  # as flite says them
