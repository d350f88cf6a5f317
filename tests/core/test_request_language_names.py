"""A user sets the script's language by its name, as they would say it: ``Request(transcript_language=
"español")``, a job file's ``"transcript_language": "Français"``, ``Same as A`` for B. Before, a name
with an accent or a script of its own was "must be a language tag of letters, digits, - and _", and
one in plain letters (``Spanish``) passed to fail later: espeak-ng speaks no language "spanish"."""

from __future__ import annotations

import pytest
from dualtalk.inference.core import language_names
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("español", "es"), ("Español", "es"), ("ESPAÑOL", "es"), ("espanol", "es"), ("Spanish", "es"),
     ("castellano", "es"), ("français", "fr"), ("Francais", "fr"), ("French", "fr"), ("Deutsch", "de"),
     ("german", "de"), ("italiano", "it"), ("português", "pt"), ("Portugues", "pt"),
     ("Portuguese (Brazil)", "pt-br"), ("português do Brasil", "pt-br"), ("Nederlands", "nl"),
     ("polski", "pl"), ("svenska", "sv"), ("Türkçe", "tr"), ("turkce", "tr"), ("русский", "ru"),
     ("العربية", "ar"), ("हिन्दी", "hi"), ("日本語", "ja"), ("にほんご", "ja"), ("中文", "cmn"),
     ("普通话", "cmn"), ("Mandarin", "cmn"), ("한국어", "ko"), ("スペイン語", "es"), ("西班牙语", "es"),
     ("  English ", "en"), ("Cantonese", "yue")],
)  # fmt: skip
def test_a_language_s_name_is_its_tag(typed, tag):
    request = Request(transcript="t.txt", transcript_language=typed).validate()
    assert request.transcript_language == tag
    assert Request(transcript="t.txt", transcript_language_b=typed).validate().script_language_b() == tag


def test_tags_and_b_s_same_are_kept_as_typed():
    for tag in ("es", "pt-br", "cmn-latn-pinyin", "en-gb-x-rp", "es_MX", "ES"):
        assert Request(transcript_language=tag).validate().transcript_language == tag
    for same in ("same", "Same as A", "SAME AS A"):
        request = Request(transcript_language="Deutsch", transcript_language_b=same).validate()
        assert request.script_language_b() == "de"
        assert request.transcript_language_b == "same"


def test_a_job_file_and_the_python_mapping_take_names_too(tmp_path):
    job = {
        "audio": {"transcript": "t.txt", "transcript_language": "Français", "transcript_language_b": "inglés"}
    }
    request = Request.from_job(job, tmp_path).validate()
    assert (request.transcript_language, request.script_language_b()) == ("fr", "en")
    assert request.to_job()["audio"]["transcript_language"] == "fr"  # the worker gets the tag
    mapped = Request.from_mapping({"transcript_language": "日本語"}).validate()
    assert mapped.transcript_language == "ja"


@pytest.mark.parametrize("typed", ["Klingon please", "日本人", "español latino", "中文字"])
def test_a_name_of_no_language_is_one_line_listing_names_to_type(typed):
    with pytest.raises(DualTalkError, match=r"^--transcript-language must be a language tag") as refused:
        Request(transcript="t.txt", transcript_language=typed).validate()
    line = str(refused.value)
    assert (
        "\n" not in line and "or a language's name (Spanish, español, 日本語)" in line and repr(typed) in line
    )


def test_no_name_means_two_languages():
    seen: dict[str, str] = {}
    for tag, names in language_names.NAMES.items():
        for name in names:
            assert seen.setdefault(language_names.key(name), tag) == tag, name
    assert language_names.tag_for("es") is None  # a tag is no name: left for the tag check
