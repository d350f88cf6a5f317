"""Any language espeak-ng speaks becomes mouth shapes: IPA phones map to viseme classes."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.inference.phonetic.ipa import ipa_classes, unknown_symbols
from dualtalk.inference.phonetic.visemes import viseme_classes

needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


def test_symbols_map_by_articulation_not_by_language():
    assert ipa_classes("m") == ipa_classes("b") == ipa_classes("pʰ") == ("PBM",)
    assert ipa_classes("f") == ipa_classes("v") == ipa_classes("ɱ") == ("FV",)
    assert ipa_classes("ˈaː") == ipa_classes("ä") == ipa_classes("ɑ̃") == ("AA",)
    assert ipa_classes("uː") == ipa_classes("y") == ("UW",)
    assert ipa_classes("aɪ") == ("AA", "IY")  # diphthongs are spoken in turn
    assert ipa_classes("tʃ") == ipa_classes("ʃ") == ("SH",)  # affricates show the fricative
    assert ipa_classes("ts") == ("SZ",)
    assert ipa_classes("pf") == ("PBM", "FV")  # German Pferd: lips close, then meet the teeth
    assert ipa_classes("th") == ("DTN",)  # pinyin aspiration written as h
    assert ipa_classes("") == ("sil",)
    assert ipa_classes("(en)") is None  # language switch marker, not a phone


def test_unknown_symbols_fall_back_to_the_weak_neutral_vowel():
    assert ipa_classes("ʘ") == ("AH",)  # a click: not in our tables
    assert unknown_symbols("ʘ") == ["ʘ"] and unknown_symbols("ˈaː") == []
    assert viseme_classes(Phone("(de)", 0.0, 0.1, "ipa")) == ()


@needs_espeak
@pytest.mark.parametrize(
    ("voice", "text", "bilabials", "labiodentals"),
    [
        ("es", "Mi mamá me mima mucho.", 5, 0),
        ("de", "Vater fährt mit dem Fahrrad.", 1, 3),
        ("fr", "Mon père vient avec une pomme.", 3, 2),
    ],
)
def test_real_espeak_sentences_give_lip_classes_where_the_words_have_them(
    voice, text, bilabials, labiodentals
):
    utt = speak(text, Voice("espeak", voice))
    classes = [viseme_classes(p) for p in utt.phones]
    assert sum(c[:1] == ("PBM",) for c in classes) >= bilabials
    assert sum("FV" in c for c in classes) >= labiodentals
    assert any(c[:1] in (("AA",), ("AE",)) for c in classes), "an open vowel is there"


@needs_espeak
@pytest.mark.parametrize(
    ("voice", "text"),
    [
        ("sw", "Habari ya asubuhi, mama."),
        ("fi", "Hyvää huomenta, mummo."),
        ("vi", "Xin chào, bạn có khỏe không?"),
        ("hu", "Jó napot, hogy van?"),
        ("el", "Καλημέρα, μαμά."),
        ("ta", "வணக்கம் அம்மா"),
        ("ko", "엄마 밥 먹어요"),
        ("ar", "مرحبا يا أمي"),
    ],
)
def test_languages_outside_the_corpus_map_without_unknown_symbols(voice, text):
    utt = speak(text, Voice("espeak", voice))
    assert len(utt.phones) >= 5
    unknown = [s for p in utt.phones for s in unknown_symbols(p.symbol)]
    assert unknown == []
    assert any(viseme_classes(p)[:1] == ("PBM",) for p in utt.phones)
