"""Any language espeak-ng speaks becomes mouth shapes: IPA phones map to viseme classes."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.inference.phonetic.ipa import espeak_phone, ipa_classes, unknown_symbols
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


def test_stand_ins_espeak_writes_for_ipa_letters_map_like_the_letters():
    # en-us "wanted" -> ᵻ (near-close central unrounded, between ɪ and ɨ); Danish "tre" -> Greek ε;
    # Oromo "ph" -> Greek Φ (espeak's ASCII mnemonic P, i.e. ɸ); Luxembourgish "Zuch" -> ligature ʦ
    assert ipa_classes("ᵻ") == ipa_classes("ɨ") == ("IY",)
    assert ipa_classes("ε") == ipa_classes("ɛ") == ("EH",)
    assert ipa_classes("Φ") == ipa_classes("ɸ") == ("PBM",)
    assert ipa_classes("ʦ") == ipa_classes("ts") == ("SZ",)
    assert ipa_classes("ʧ") == ipa_classes("tʃ") == ("SH",)
    assert [s for p in ("ᵻ", "ε", "Φ", "ʦ", "ʧ") for s in unknown_symbols(p)] == []


def test_espeak_ascii_mnemonics_in_ipa_events_read_as_espeak_means_them():
    # Some voices (ky, uz, chr) give ASCII mnemonics as their IPA names: S = ʃ, Z = ʒ, N = ŋ
    # (espeak's own mnemonic-to-IPA table), not s, z, n.
    assert ipa_classes("tS") == ipa_classes("S") == ipa_classes("dZ") == ipa_classes("ʃ") == ("SH",)
    assert ipa_classes("N") == ipa_classes("ŋ") == ("KG",)
    assert ipa_classes("V") == ipa_classes("ʌ") == ("AH",)  # a vowel, never a lip-teeth contact
    assert ipa_classes("ɑ:") == ("AA",)  # lower-case and ":" unchanged


def test_prenasalised_stop_onsets_close_like_their_stop():
    # Sinhala ඹ (ᵐb): espeak gives the nasal onset its own event; the lips are already shut on it
    assert ipa_classes("ᵐ") == ipa_classes("ᵐb") == ("PBM",)
    assert ipa_classes("ⁿ") == ipa_classes("ⁿd") == ("DTN",)
    assert ipa_classes("ᵑ") == ipa_classes("ᵑɡ") == ("KG",)
    assert ipa_classes("ʰ") == ipa_classes("ʲ") == ("H",)  # other modifiers alone stay weak


@needs_espeak
@pytest.mark.parametrize(
    ("voice", "text", "expected"),
    [
        ("en-us", "wanted roses", "IY"),
        ("da", "Tre fem.", "EH"),
        ("om", "Phaphaa", "PBM"),
        ("lb", "Zuch", "SZ"),
        ("ky", "чоң шаар", "SH"),
        ("uz", "choy", "SH"),
        ("si", "අඹ", "PBM"),
    ],
)
def test_espeak_phones_outside_plain_ipa_get_their_articulation(voice, text, expected):
    utt = speak(text, Voice("espeak", voice))
    assert [s for p in utt.phones for s in unknown_symbols(p.symbol)] == []
    classes = [viseme_classes(p) for p in utt.phones]
    assert any(expected in c for c in classes), classes
    if voice == "si":
        assert classes[1:3] == [("PBM",), ("PBM",)]  # ɐ ᵐ b ə: the lips shut from the nasal onset
    if voice == "ky":
        assert ("SZ",) not in classes and ("KG",) in classes  # ч ш are ʃ, ң is ŋ


@needs_espeak
@pytest.mark.parametrize(
    ("voice", "text", "vowel"),
    [
        ("ru", "мы ты был", "ɨ"),  # ы
        ("ru+f3", "мы", "ɨ"),  # a variant of the voice speaks the same language
        ("pt-br", "disse que o filme de", "ɪ"),  # unstressed final e
        ("vi", "những người", "ɯ"),  # ư
        ("uz", "bilan kitob", "ɪ"),  # i
    ],
)
def test_espeak_y_in_languages_where_it_is_unrounded_is_spread_not_pursed(voice, text, vowel):
    """espeak-ng prints its own name "y" as if it were IPA [y] for these vowels: read as [y] the
    lips pursed on Russian ы and on every Brazilian "de", in training targets and in scoring."""
    utt = speak(text, Voice("espeak", voice))
    symbols = [p.symbol for p in utt.phones]
    assert "y" not in "".join(symbols) and any(vowel in s for s in symbols), symbols
    classes = [viseme_classes(p) for p in utt.phones if vowel in p.symbol]
    assert classes and all("UW" not in c for c in classes), classes


@needs_espeak
@pytest.mark.parametrize(("voice", "text"), [("fr", "tu lune"), ("de", "über müde"), ("tr", "üzüm")])
def test_espeak_y_stays_rounded_where_the_language_has_it(voice, text):
    utt = speak(text, Voice("espeak", voice))
    assert any(viseme_classes(p) == ("UW",) for p in utt.phones if p.symbol.startswith("y"))


def test_language_stand_ins_follow_the_voice_language_tag():
    assert espeak_phone("y", "ru") == "ɨ" and espeak_phone("ˈy", "vi-vn-x-central") == "ˈɯ"
    assert espeak_phone("y", "pt-br") == "ɪ" and espeak_phone("y", "pt") == "y"  # Portugal writes ɨ itself
    assert espeak_phone("y", "fr") == espeak_phone("y", "") == "y"


def test_a_russian_fronted_u_in_a_written_label_is_a_rounded_vowel_to_the_evaluator():
    # espeak-ng writes ю after a soft consonant ("люди") as u" (its mark for a centralised vowel);
    # a .phone.json written from those events must read as a rounded vowel, not a phone in no table
    from dualtalk.inference.phonetic.ipa import as_ipa
    from dualtalk.training.evaluation.phone_classes import ROUNDED, classify

    assert as_ipa('u"') == "u\u0308"
    assert ROUNDED in (classify(as_ipa('u"'), "ipa") or ())
    assert ipa_classes('u"') == ipa_classes("u") == ("UW",)
