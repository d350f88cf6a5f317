"""An animator's Spanish conversation with its script, *Script Language* left at English (review
rv36b R5). The command line said which language and what to give ("its ¿ suggest Spanish; ...
--transcript-language es (panel: Script Language)"); the panel's status line was 300+ characters,
said "needs its language: Script Language" three times (A's reason, B's, then "is the script in
English, as Script Language says?") and never named Spanish. Now it says once what the script looks
like and what to set; the command line's words are as they were."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.dualtalk_blender.addon.take_keying import transcript_warnings

LINES = (
    ("A", "Buenos días, ¿cómo estás hoy? Me parece que va a llover."),
    ("B", "Muy bien, gracias. Sí, el cielo está muy gris."),
    ("A", "Entonces mejor llevamos el paraguas al mercado."),
    ("B", "Perfecto, vamos a las diez."),
)
SAID = "A's and B's lines keep the engine's lips: the script looks Spanish (its ¿); set Script Language to Spanish"
BEFORE = 328  # the warning's length before, with its closing bracket (characters; 106 now)


def _conversation(folder):
    """Two Spanish espeak-ng voices taking turns, A on the left; the script beside it."""
    from dualtalk.inference.audio.tts import Voice, available_engines, speak

    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    pytest.importorskip("pocketsphinx")
    parts = []
    for who, text in LINES:
        audio = speak(text, Voice("espeak", "es" if who == "A" else "es+f3")).audio
        turn = np.zeros((len(audio) + 6400, 2), np.float32)
        turn[: len(audio), 0 if who == "A" else 1] = audio
        parts.append(turn)
    sf.write(folder / "charla.wav", np.concatenate(parts), 16000)
    (folder / "guion.txt").write_text("".join(f"{who}: {text}\n" for who, text in LINES), encoding="utf-8")
    return folder / "charla.wav", folder / "guion.txt"


def test_the_panel_names_the_scripts_language_once_and_the_command_line_is_as_it_was(
    scene, assets, tmp_path, capsys
):
    audio, script = _conversation(tmp_path)
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, audio, assets["ckpt"])
    s = scene.dualtalk
    s.engine, s.transcript = "lite", str(script)
    assert s.transcript_language == "en"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    reading = "each script line as read is in the text 'DualTalk script read – take (Alice & Bob)'"
    assert line.endswith(
        f"lips from the transcript (A not aligned, B not aligned); {reading} (warning: {SAID})"
    ), line
    warning = line.split("(warning: ", 1)[1]
    assert len(warning) < BEFORE / 2, warning
    assert warning.count("Script Language") == 1 and "A: " not in warning and "B: " not in warning, warning

    # the command line, for the same recording and script
    from dualtalk.cli import main

    capsys.readouterr()
    argv = ["infer", "--quiet", "--out", str(tmp_path / "cli"), "--audio", str(audio), "--transcript",
            str(script), "--engine", "lite", "--device", "cpu"]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert (
        "guion.txt does not look English: 10 of its 32 words are not English words (estás, parece, va, "
        "llover, mejor, llevamos, paraguas, cielo); its ¿ suggest Spanish; a script in another language "
        "needs its language: --transcript-language es (panel: Script Language); A and B keep the engine's lips"
    ) in err, err

    # set as it says, the script is drawn
    s.transcript_language = "es"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    assert "lips from the transcript (A 18/18 words, B 14/14 words)" in line and "warning" not in line, line


def test_the_flag_with_its_language_reads_as_the_menus_entry():
    ask = "a script in another language needs its language: {} (panel: Script Language)"
    assert in_panel_words(ask.format("--transcript-language es")).endswith(": Script Language › Spanish")
    assert in_panel_words(ask.format("--transcript-language cmn|ja")).endswith(
        ": Script Language › Mandarin or Japanese"
    )
    # many languages, or none the menu has: the menu alone, as before
    assert in_panel_words(ask.format("--transcript-language es|fr|de|it")).endswith(": Script Language")
    assert in_panel_words(ask.format("--transcript-language CODE")).endswith(": Script Language")
    assert in_panel_words("give --transcript-language pt-br") == "give Script Language › Portuguese (Brazil)"
    # a path is the user's words
    assert (
        in_panel_words("see /takes/--transcript-language es/a.txt")
        == "see /takes/--transcript-language es/a.txt"
    )


def _report(error: str, **more) -> dict:
    rep = {"words": 9, "aligned": 0, "unknown": [], "seconds": 0.0, "error": error, "lines": 2,
           "lines_drawn": [], "lines_refused": [], "language": "en", **more}  # fmt: skip
    return {"a": dict(rep), "b": dict(rep)}


class Settings:
    transcript_language = "en"


def test_a_take_from_before_says_the_language_its_flag_names():
    """A take's result.json written before the report kept the script's letters: the flag it gives."""
    error = "the script does not look English: a script in another language needs its language: "
    report = _report(error + "--transcript-language es (panel: Script Language)")
    (said,) = transcript_warnings({"transcript": report}, Settings())
    assert in_panel_words(said) == (
        "A's and B's lines keep the engine's lips: the script does not look English: a script in another "
        "language needs its language: Script Language › Spanish"
    )


def test_a_reason_a_and_b_share_is_said_once():
    report = _report("9 of its 9 words were not found in the voice: another text?")
    (said,) = transcript_warnings({"transcript": report}, Settings())
    assert said.count("another text?") == 1 and "A: " not in said, said
    assert said.startswith("A's and B's lines keep the engine's lips, not aligned to their voices (9 of its")


def test_b_s_own_flag_reads_as_b_s_menu_entry():
    """B's lines alone in another language (review rv38a F2): B's menu, Script Language B."""
    said = "its lines look English ('the'), not Spanish; give --transcript-language-b en (panel: Script Language B)"
    assert (
        in_panel_words(said)
        == "its lines look English ('the'), not Spanish; give Script Language B › English"
    )
