"""A studio hands in its Spanish script and forgets the language (review 32n, F3). The command line
tells them the flag to give, and the panel says the same in its own words. Before, the panel read
"needs its language: Script Language es (its ñ, ¿ suggest Spanish), the panel's Script Language": the
flag's code turned into a menu that shows names, and the menu named twice."""

from __future__ import annotations

import logging

import pytest
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import transcript as tr
from test_script_not_english import SPANISH, _voices

ASK = "a script in another language needs its language:"


def _told(lines, caplog):
    """(the command line's warning, its summary, the panel's warning, the panel's status line)."""
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    pytest.importorskip("pocketsphinx")
    mic_a, mic_b, (motion_a, motion_b) = _voices(lines)
    script = [tr.Line(k + 1, who, text) for k, (who, text) in enumerate(lines)]
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _a, _b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    status = tr.unaligned(report, "en")
    assert status is not None
    return warning, tr.describe(report), in_panel_words(f"DualTalk: {warning}"), in_panel_words(status)


def _reads_as_the_panel(text: str, entry: str = "") -> None:
    """The panel's words: the menu (with its entry, ``› Spanish``, where the flag names one language)."""
    said = f"{ASK} Script Language{entry}"
    assert f"{said};" in text or f"{said})" in text or text.endswith(said), text
    assert "--" not in text and "Script Language es" not in text and "the panel's Script Language" not in text


def test_a_spanish_script_given_as_english_is_told_the_flag_and_the_panel_its_menu(caplog):
    cli, summary, panel, status = _told(SPANISH, caplog)
    said = "its ñ, ¿ suggest Spanish"
    assert f"{said}; {ASK} --transcript-language es (panel: Script Language);" in cli
    assert f"{ASK} --transcript-language es (panel: Script Language)" in summary
    assert f"{said}; {ASK} Script Language › Spanish; A and B keep the engine's lips" in panel
    _reads_as_the_panel(panel, " › Spanish")
    # the status line says it once, shorter (review rv36b R5)
    said = "A's and B's lines keep the engine's lips: the script looks Spanish (its ñ, ¿); set Script Language to Spanish"
    assert status == said, status


def test_without_letters_of_one_language_its_commonest_words_name_it(caplog):
    """Before (review rv38a F5), a script without ñ or ¿ was told a list of ten codes."""
    plain = [(who, text.replace("ñ", "n").replace("¿", "")) for who, text in SPANISH]
    cli, _summary, panel, status = _told(plain, caplog)
    assert f"its 'mi', 'una', 'los', 'muy' suggest Spanish; {ASK} --transcript-language es (panel" in cli
    _reads_as_the_panel(panel, " › Spanish")
    assert status.endswith(
        "the script looks Spanish (its 'mi', 'una', 'los'); set Script Language to Spanish"
    )


def test_words_of_no_language_on_the_menu_list_the_codes_and_the_panel_its_menu(caplog):
    indonesian = [("A", "Saya mau makan nasi goreng di rumah nanti malam bersama keluarga."),
                  ("B", "Jangan lupa membawa payung karena hujan turun sangat deras hari ini.")]  # fmt: skip
    cli, _summary, panel, status = _told(indonesian, caplog)
    assert f"{ASK} --transcript-language es|fr|de|it|pt-br|pt|nl|pl|sv|tr (panel: Script Language)" in cli
    assert "suggest" not in cli
    _reads_as_the_panel(panel)
    _reads_as_the_panel(status)
