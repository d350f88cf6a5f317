"""More of the names people type for a script's language: what the add-on's own interface calls
Chinese (Simplified Chinese, 简体中文), Traditional Chinese, Arabic written with its vowel marks
(العربيّة) or as a phrase (اللغة العربية), Korean's everyday 한국말, and the neighbouring languages
espeak-ng reads (Українська, Български, اردو). Before, each was "must be a language tag of letters,
digits, - and _", and a name one slip from a known one got no "did you mean" on that path (review
rv39h F6)."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("Simplified Chinese", "cmn"), ("Chinese (Simplified)", "cmn"), ("chinese simplified", "cmn"),
     ("简体中文", "cmn"), ("繁體中文", "cmn"), ("Traditional Chinese", "cmn"), ("中文（简体）", "cmn"),
     ("العربيّة", "ar"), ("اللغة العربية", "ar"), ("اللُّغَةُ العَرَبِيَّةُ", "ar"), ("العربـــية", "ar"),
     ("한국말", "ko"), ("Українська", "uk"), ("Ukrainian", "uk"), ("Български", "bg"), ("اردو", "ur"),
     ("Urdu", "ur"), ("فارسی", "fa"), ("हिंदी भाषा", "hi")],
)  # fmt: skip
def test_a_name_as_people_type_it_is_its_tag(typed, tag):
    request = Request(transcript="t.txt", transcript_language=typed).validate()
    assert request.transcript_language == tag
    assert Request(transcript="t.txt", transcript_language_b=typed).validate().script_language_b() == tag


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Simplfied Chinese", "Simplified Chinese"), ("Brazilian Portugese", "Brazilian Portuguese"),
     ("Portuguese Brasil", "Português (Brasil)"), ("Русскйи", "Русский"),
     ("Chinese Simplifed", "Chinese (Simplified)")],
)  # fmt: skip
def test_a_name_one_slip_away_is_told_the_name_it_was_meant_to_be(typed, meant):
    with pytest.raises(DualTalkError, match=r"^--transcript-language must be a language tag") as refused:
        Request(transcript="t.txt", transcript_language=typed).validate()
    assert str(refused.value).endswith(f"got {typed!r} (did you mean {meant!r}?)")


def test_no_guess_where_none_is_close():
    with pytest.raises(DualTalkError) as refused:
        Request(transcript="t.txt", transcript_language="Klingon please").validate()
    assert "did you mean" not in str(refused.value)
