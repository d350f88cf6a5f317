"""An animator ticks *Recognise Words (English)* on a scene where one character speaks Spanish. The
engine keeps its own lips wherever the words heard do not sound like English, and says so: before,
only in the worker's log, which the panel never shows, so the status line read as if B had simply
said nothing (``lips from the recognised words (A 17/17 words)``) and, when neither voice sounded
English, as a take made without recognition. Now the line warns, as it warns of a silent speaker or
an unaligned script: ``(warning: B: 2 of 2 stretches did not sound like English words; the engine's
lips are kept on all of B's speech)``, and ``Recognise Words (English) heard no English words in
either voice: the engine's lips are kept``.

Re-generating a preview range with recognition hears the whole recording again: its words are the
take's (not only the range's). Before, when the animator had corrected them in the Text Editor's
*DualTalk Recognised Words*, each such range put the uncorrected words into a second text beside it;
now the line names their text. A Cancel while the words are being recognised leaves the scene and
every text as they were."""

from __future__ import annotations

import json
import time

import addon_helpers as ah
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon import take_keying, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import CANCELLED, RUNNING
from dualtalk.inference import pipeline

SR = 16000
NAME = take_keying.RECOGNISED_TEXT
A_SAYS = ("My mother bought a warm coat for the long voyage home.", "Maybe we should bring the map.")
B_SAYS = (
    "Mañana vamos a comprar pan y mantequilla en el mercado.",
    "Prefiero tomar el autobús que caminar bajo la lluvia.",
)
# each says what to do instead: give the script and its language (review 32n F5)
INSTEAD = (
    "for speech in another language give its script with Transcript and its language with Script Language"
)
B_WARNING = (
    "B: 2 of 2 stretches did not sound like English words; the engine's lips are kept on all of B's speech "
    f"(Recognise Words (English) hears English only: {INSTEAD})"
)
NOTHING = (
    "Recognise Words (English) heard no English words in either voice: the engine's lips are kept (it hears "
    f"English only: {INSTEAD})"
)


def _recording(path, turns) -> str:
    """A stereo recording of ``turns`` ((who, text, voice) in order; A left, B right), 0.9 s apart."""
    from dualtalk.inference.audio.tts import speak

    gap = np.zeros(int(0.9 * SR), np.float32)
    a, b = [gap], [gap]
    for who, text, voice in turns:
        audio = speak(text, voice).audio
        mine, other = (a, b) if who == "A" else (b, a)
        mine += [audio, gap]
        other += [np.zeros_like(audio), gap]
    sf.write(path, np.stack([np.concatenate(a), np.concatenate(b)], 1), SR)
    return str(path)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recognise_not_english")
    found = {
        "wav": ah.write_dialogue_wav(folder / "tones.wav"),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
    }
    found["models"] = folder / "models"
    try:
        import pocketsphinx  # noqa: F401
        from dualtalk.inference.audio.tts import Voice, available_engines
    except ImportError:
        return found
    if not {"flite", "espeak"} <= set(available_engines()):
        return found
    english, spanish = Voice("flite", "rms"), Voice("espeak", "es+f2")
    found["spanish_b"] = _recording(
        folder / "spanish_b.wav",
        [
            ("A", A_SAYS[0], english),
            ("B", B_SAYS[0], spanish),
            ("A", A_SAYS[1], english),
            ("B", B_SAYS[1], spanish),
        ],
    )
    found["all_spanish"] = _recording(
        folder / "all_spanish.wav",
        [
            ("A", "Pablo prometió volver temprano para ayudarme.", Voice("espeak", "es+m3")),
            ("B", B_SAYS[0], spanish),
        ],
    )
    return found


def _voices(assets, name: str) -> str:
    if name not in assets:
        pytest.skip("pocketsphinx, flite and espeak-ng needed")
    return assets[name]


def _recognising_panel(scene, assets, audio) -> tuple:
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, audio, assets["ckpt"])
    scene.dualtalk.engine, scene.dualtalk.recognise = "lite", True
    return a, b


def _reported(capfd) -> str:
    """The operator's last report as Blender's info log shows it (``Info: DualTalk: ...``)."""
    lines = [ln for ln in capfd.readouterr().out.splitlines() if ln.startswith("Info: DualTalk:")]
    assert lines
    return lines[-1].removeprefix("Info: ")


def _texts() -> dict[str, str]:
    return {t.name: t.as_string() for t in bpy.data.texts}


def test_a_voice_that_is_not_english_is_warned_of_after_generate_and_after_a_range(scene, assets, capfd):
    _recognising_panel(scene, assets, _voices(assets, "spanish_b"))
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    line = bpy.context.window_manager.dualtalk_status.last
    assert "lips from the recognised words (A 17/17 words)" in line, line
    assert line.endswith(f"(warning: {B_WARNING})"), line
    assert _reported(capfd) == line  # Blender's info report says it too
    words = _texts()
    assert list(words) == [NAME] and [w[:2] for w in words[NAME].splitlines()] == ["A:", "A:"], words

    # the animator corrects a word in the text, then re-generates frames inside A's first line only:
    # the engine hears the whole recording again, and its words are the take's (not only the
    # range's), which the corrected text holds: no second text of the uncorrected words
    corrected = words[NAME].replace("coat", "cloak")
    bpy.data.texts[NAME].from_string(corrected)
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 30, 60
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}

    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: re-generated frames 30-60"), line
    assert f"the same words as before: the text '{NAME}', kept as you changed it" in line, line
    assert line.endswith(f"(warning: {B_WARNING})"), line
    assert _texts() == {NAME: corrected}


def test_no_voice_that_sounds_english_is_said_not_taken_for_a_plain_take(scene, assets):
    _recognising_panel(scene, assets, _voices(assets, "all_spanish"))
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: animated lite engine") and line.endswith(f"(warning: {NOTHING})"), line
    assert "lips from" not in line and NAME not in bpy.data.texts


def _kept(folder, wav, transcript: dict | None, recognise: bool) -> str:
    """A take kept on disk as Generate keeps one (its worker's result), made with recognition."""
    ah.write_two_second_take(folder)
    kept: dict = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)]}
    if transcript:
        kept["transcript"] = transcript
    if recognise:  # as Generate records a take it asked to recognise
        kept["recognise"] = True
    (folder / "result.json").write_text(json.dumps(kept), encoding="utf-8")
    return str(folder)


def test_apply_saved_take_warns_as_generate_does(scene, assets, tmp_path):
    """A kept take (its scene was closed while it generated) keyed later says the same."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    report = {
        "a": {"words": 6, "aligned": 6, "lines": 2, "not_english": [1, 3]},
        "b": {"words": 0, "aligned": 0, "lines": 0, "not_english": [2, 2]},
        "script": "A: maybe we should bring the map\n# A: pablo from me to\nA: hello there\n",
    }
    assert bpy.ops.dualtalk.apply_take(directory=_kept(tmp_path / "one", assets["wav"], report, True)) == {
        "FINISHED"
    }
    line = bpy.context.window_manager.dualtalk_status.last
    partly = (
        "A: 1 of 3 stretches did not sound like English words; the engine's lips are kept there (their "
        "lines are commented out in the recognised script)"
    )
    assert line.endswith(f"(warning: {partly} and 1 more)"), line

    assert bpy.ops.dualtalk.apply_take(directory=_kept(tmp_path / "two", assets["wav"], None, True)) == {
        "FINISHED"
    }
    assert bpy.context.window_manager.dualtalk_status.last.endswith(f"(warning: {NOTHING})")
    plain = _kept(tmp_path / "three", assets["wav"], None, False)  # made without recognition
    assert bpy.ops.dualtalk.apply_take(directory=plain) == {"FINISHED"}
    assert "warning" not in bpy.context.window_manager.dualtalk_status.last


@pytest.mark.parametrize("frames", [None, (10, 30)], ids=["generate", "range"])
def test_cancel_while_recognising_leaves_the_scene_and_the_texts_untouched(
    scene, assets, monkeypatch, frames
):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.engine = "lite"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}  # the take a range re-does
    take_keying.recognised_words_text("A: the words an earlier take heard\n")
    bpy.data.texts.new("scene notes").write("B enters late\n")
    before, texts = ah.scene_fingerprint(scene), _texts()

    scene.dualtalk.recognise = True
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@transcript")  # the worker stops while recognising
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=frames).start()
    deadline = time.monotonic() + 120
    while run.worker.stage != "transcript" and run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    # a range reads the whole recording first, on the transcript stage's bar (ad612c7): the worker
    # stalls on that line, still before any word is recognised or written
    said = run.worker.message
    assert run.worker.stage == "transcript", run.worker.error
    assert "recognising" in said or (frames is not None and pipeline.WHOLE_FOR_CONTEXT in said), said
    with bpy.context.temp_override(scene=scene):
        bpy.ops.dualtalk.cancel()
    assert run.step() == CANCELLED
    outcome = run.finish()

    assert not outcome.ok and "the scene was not changed" in outcome.message, outcome.message
    assert ah.scene_fingerprint(scene) == before and _texts() == texts
