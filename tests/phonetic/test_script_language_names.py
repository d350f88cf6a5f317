"""Lines name a script's language as the animator knows it: a region's tag reads as its language
("is the script in Mandarin?", not "in zh-tw?"), except where the region speaks another language
(Hong Kong's zh-hk is Cantonese, never Mandarin), which the panel then refuses rather than
setting Mandarin."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.script_languages import language_name, panel_code


@pytest.mark.parametrize(
    ("tag", "name", "panel"),
    [
        ("zh-tw", "Mandarin", "cmn-latn-pinyin"),
        ("zh_TW", "Mandarin", "cmn-latn-pinyin"),
        ("en-gb", "English", "en"),
        ("de-at", "German", "de"),
        ("fr-ca", "French", "fr"),
        ("es-MX", "Spanish", "es"),
        ("zh-hk", "zh-hk", None),
        ("zh-MO", "zh-mo", None),
        ("yue", "yue", None),
    ],
)
def test_a_regions_tag_is_named_and_set_as_its_language(tag, name, panel):
    assert language_name(tag) == name
    assert panel_code(tag) == panel


@pytest.mark.parametrize(
    ("typed", "name", "panel"),
    [("español", "Spanish", "es"), ("Français", "French", "fr"), ("DEUTSCH", "German", "de"),
     ("中文", "Mandarin", "cmn-latn-pinyin"), ("日本語", "Japanese", "ja"),
     ("Portuguese (Brazil)", "Portuguese (Brazil)", "pt-br"), ("Cantonese", "yue", None)],
)  # fmt: skip
def test_a_language_typed_by_its_name_is_read_as_its_tag(typed, name, panel):
    """The panel's ``set_panel(transcript_language="español")`` and the engine's own lines read a
    language's name as the tag it means (before: "the panel has no Script Language 'español'")."""
    assert language_name(typed) == name
    assert panel_code(typed) == panel


def test_a_name_espeak_ng_lacks_is_told_with_the_name_it_was_likely_meant_to_be():
    from dualtalk.inference.audio.tts import available_engines
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.phonetic.script_languages import espeak_voice

    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    assert espeak_voice("Español") == espeak_voice("es")
    with pytest.raises(DualTalkError) as refused:
        espeak_voice("Spansih")
    line = str(refused.value)
    assert (
        "did you mean 'Spanish'?" in line and "a language's name also works: Spanish, español, 日本語" in line
    )
