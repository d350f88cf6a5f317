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
