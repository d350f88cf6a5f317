"""B's lines are refused and the line says which language to give: the advice names B's own flag
and menu (``--transcript-language-b``, *Script Language B*) wherever changing A's would not mend B,
as the wrong-language refusal already did (fix38 bilingual38). Before, the other paths named A's:
B's lines refused for not fitting B's voice that look German ("is that their language?
--transcript-language de (panel: Script Language)"), B's lines in Cyrillic in an English script,
B given a language of their own whose lines look like A's wrong language, a B language espeak-ng
lacks, and the panel's "as Script Language says?" for B's own language."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr
from script_takes import two_mic_take

SR = 16000


_take = two_mic_take  # the two-mic take every script story here uses (tests/script_takes.py)


@pytest.fixture
def nothing_fits(monkeypatch):
    """Neither aligner places a word: each character is refused for another reason than language."""

    def refuse(*_args, **_kwargs):
        raise DualTalkError("its words do not fit the voice: another text?")

    monkeypatch.setattr(tr, "place_lines", refuse)
    monkeypatch.setattr(script_warp, "place_lines", refuse)


def test_b_s_lines_that_do_not_fit_and_look_german_name_b_s_flag(nothing_fits):
    script, mic_a, mic_b, (motion_a, motion_b) = _take(
        [("A", "Well, I think we should go now."), ("B", "Das ist schön.")]
    )
    _a, _b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    error = report["b"]["error"]
    assert (
        "its lines look German (ö, 'schön', 'das', 'ist'), not English: is that their language?" in error
    ), error
    assert error.endswith("--transcript-language-b de (panel: Script Language B)"), error
    assert "--transcript-language de" not in error and "--transcript-language" not in report["a"]["error"]


def test_b_s_lines_in_cyrillic_in_an_english_script_name_b_s_flag():
    script, mic_a, mic_b, (motion_a, motion_b) = _take(
        [("A", "Well, I think we should go now."), ("B", "Привет, как дела?")]
    )
    _a, _b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    error = report["b"]["error"]
    assert error == (
        "none of its 3 words is written in English letters; a script in another language needs its "
        "language: --transcript-language-b ru (panel: Script Language B)"
    )


FRENCH = (
    ("A", "Bonjour, je ne sais pas si tu viens avec nous ce soir."),
    ("B", "Oui, mais je suis très fatigué, c'est une longue journée."),
)


def test_b_given_a_language_of_their_own_is_told_b_s_flag_though_a_s_lines_look_the_same():
    """A French script with A at Spanish and B at German: both are refused as French; A's advice is
    A's flag, B's is B's (before: both ``--transcript-language fr``, which leaves B at German)."""
    script, mic_a, mic_b, (motion_a, motion_b) = _take(FRENCH)
    _a, _b, report = tr.apply_transcript(
        script, ("A", "B"), mic_a, mic_b, motion_a, motion_b, language="es", language_b="de"
    )
    assert report["a"]["error"].endswith(
        "not Spanish; give --transcript-language fr (panel: Script Language)"
    )
    assert report["b"]["error"].endswith(
        "not German; give --transcript-language-b fr (panel: Script Language B)"
    ), report["b"]["error"]
    # one language for both (B "same"): the script's flag mends both, so both are told it
    _a, _b, same = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b, language="es")
    assert same["b"]["error"].endswith("give --transcript-language fr (panel: Script Language)")


def test_the_panel_asks_about_script_language_b_for_b_s_own_language():
    refused = {"words": 5, "aligned": 0, "unknown": [], "seconds": 0.0, "lines": 1,
               "error": "its words do not fit the voice: another text?"}  # fmt: skip
    drawn = {"words": 5, "aligned": 5, "unknown": [], "seconds": 1.0, "language": "es"}
    own = tr.unaligned({"a": drawn, "b": {**refused, "language": "en"}}, "es")
    assert own is not None and own.endswith("is the script in English, as Script Language B says?"), own
    same = tr.unaligned({"a": drawn, "b": {**refused, "language": "es"}}, "es")
    assert same is not None and same.endswith("is the script in Spanish, as Script Language says?"), same


def test_a_b_language_espeak_ng_lacks_names_b_s_flag():
    from dualtalk.inference.audio.tts import available_engines

    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    with pytest.raises(DualTalkError) as refused:
        tr.check_available("klingon", language_flag="--transcript-language-b")
    assert str(refused.value).startswith(
        "--transcript-language-b 'klingon': espeak-ng speaks no such language"
    )
