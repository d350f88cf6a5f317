"""A scene where A and B speak different languages: ``Request(transcript_language="es",
transcript_language_b="en")`` reads B's lines in English. Left at ``same`` (the default), B's lines
are in A's language, as before B could have their own; a tag that cannot be a language is refused
in one line naming B's flag."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import BY_NAME, Request


def test_b_s_language_is_a_s_unless_given():
    assert Request().transcript_language_b == "same" == BY_NAME["transcript_language_b"].default
    assert Request(transcript_language="es").script_language_b() == "es"
    assert Request(transcript_language="es", transcript_language_b="").script_language_b() == "es"
    assert Request(transcript_language="es", transcript_language_b="SAME").script_language_b() == "es"
    assert (
        Request(transcript_language="es", transcript_language_b="en").validate().script_language_b() == "en"
    )


def test_b_s_language_sits_on_the_panel_as_script_language_b():
    option = BY_NAME["transcript_language_b"]
    assert option.panel and option.title == "Script Language B" and option.flag == "--transcript-language-b"


@pytest.mark.parametrize("tag", ["es fr", "../en", "español please"])  # español alone: Spanish
def test_a_tag_that_cannot_be_a_language_is_refused_naming_b_s_flag(tag):
    with pytest.raises(
        DualTalkError, match=r"^--transcript-language-b must be same, or a language tag"
    ) as refused:
        Request(transcript="t.txt", transcript_language_b=tag).validate()
    assert "\n" not in str(refused.value)


def test_recognising_with_b_in_spanish_is_refused_naming_b_s_flag():
    request = Request(audio="talk.wav", recognise=True, transcript_language_b="es")
    with pytest.raises(DualTalkError) as refused:
        request.validate()
    assert str(refused.value) == (
        "--recognise hears English only; for es give the words as --transcript with --transcript-language-b"
    )
