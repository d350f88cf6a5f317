"""``Request(recognise=True)`` asks for what can never run with it (a script language other than
English, a transcript too): ``validate`` refuses it in one line, before any audio is read, as the
command line, the panel and a job file's reading all do. English is what the aligner calls English."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic.script_languages import is_english


def test_recognising_spanish_is_refused_before_any_audio_is_read():
    request = Request(
        audio="missing.wav", audio_b="also_missing.wav", recognise=True, transcript_language="es"
    )
    with pytest.raises(DualTalkError) as refused:
        request.validate()
    assert str(refused.value) == (
        "--recognise hears English only; for es give the words as --transcript with --transcript-language"
    )


@pytest.mark.parametrize("tag", ["en", "EN", "en-us", "en_GB", "en-gb-x-rp", "eng", "es", "fr", "pt-br"])
def test_english_is_what_the_aligner_calls_english(tag):
    request = Request(audio="talk.wav", recognise=True, transcript_language=tag)
    if is_english(tag):
        assert request.validate() is request
    else:
        with pytest.raises(DualTalkError, match="hears English only"):
            request.validate()


def test_a_script_with_recognition_is_refused_in_words_that_read_anywhere():
    request = Request(audio="talk.wav", recognise=True, transcript="script.txt")
    with pytest.raises(DualTalkError) as refused:
        request.validate()
    assert str(refused.value) == (
        "--recognise writes a script from the voices, and a transcript is given too: use one of them"
    )
