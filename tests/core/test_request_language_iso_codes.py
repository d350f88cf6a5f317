"""A pipeline TD fills the script's language from a config or a subtitle file's metadata, which gives
ISO 639-2/3 codes: ``spa``, ``jpn``, ``ger``. Before, ``spa`` and ``jpn`` were refused by espeak-ng
with no "did you mean" (``kor`` was told 'ko' only by luck of spelling); each names one language, so
each is now read as its tag, and a code with a region (``por-BR``) is told the tag with that region."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.language_names import NAMES, tag_for
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic.script_languages import espeak_voice


@pytest.mark.parametrize(
    ("code", "tag", "voice"),
    [("spa", "es", "es"), ("jpn", "ja", "ja"), ("kor", "ko", "ko"), ("fra", "fr", "fr"), ("fre", "fr", "fr"),
     ("deu", "de", "de"), ("ger", "de", "de"), ("ita", "it", "it"), ("por", "pt", "pt"), ("rus", "ru", "ru"),
     ("zho", "cmn", "cmn-latn-pinyin"), ("chi", "cmn", "cmn-latn-pinyin"), ("ara", "ar", "ar"),
     ("hin", "hi", "hi"), ("tur", "tr", "tr"), ("nld", "nl", "nl"), ("dut", "nl", "nl"), ("pol", "pl", "pl"),
     ("swe", "sv", "sv"), ("eng", "en", "en-us"), ("SPA", "es", "es"), (" Jpn ", "ja", "ja")],
)  # fmt: skip
def test_an_iso_639_code_is_read_as_its_language(code, tag, voice):
    request = Request(transcript="t.txt", transcript_language=code, transcript_language_b=code).validate()
    assert request.transcript_language == tag
    assert request.script_language_b() == tag
    assert espeak_voice(code, "--transcript-language").startswith(voice)


def test_every_code_names_a_language_the_tool_knows_and_is_no_voice_of_its_own():
    from dualtalk.inference.audio.tts import espeak_voices
    from dualtalk.inference.core.language_names import CODES

    voices = espeak_voices()
    for tag, codes in CODES.items():
        assert tag in NAMES, tag
        for code in codes:
            assert tag_for(code) == tag
            assert code not in voices, f"{code} is an espeak-ng voice of its own"


@pytest.mark.parametrize(("typed", "meant"), [("por-BR", "pt-br"), ("spa_MX", "es-mx"), ("jpn-JP", "ja-jp")])
def test_a_code_with_its_region_is_told_the_tag_with_that_region(typed, meant):
    with pytest.raises(DualTalkError, match="espeak-ng speaks no such language") as refused:
        espeak_voice(typed, "--transcript-language")
    assert f"(did you mean {meant!r}? " in str(refused.value)
    espeak_voice(meant, "--transcript-language")  # what it is told is read


def test_a_three_letter_code_that_names_nothing_is_still_refused():
    with pytest.raises(DualTalkError, match="espeak-ng speaks no such language"):
        espeak_voice("xqz", "--transcript-language")
