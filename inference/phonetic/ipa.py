"""IPA -> viseme classes, for any language espeak-ng speaks.

espeak-ng reports every phone as an IPA string (``espeakINITIALIZE_PHONEME_IPA``), in
every one of its ~100 languages. Mouth shapes depend on few articulatory facts: is the
phone made with the lips (closure, lip-to-teeth), how open is the jaw, are the lips
rounded or spread. So instead of a table per language we map IPA *symbols* by place,
manner, height and rounding, and a phone string (``"tʃ"``, ``"aɪ"``, ``"ɔ̃ː"``,
``"th"``) by its parts:

1. stress and syllable marks (ˈ ˌ . -), length (ː ˑ) and combining diacritics (nasal
   tilde, tie bars, ...) are dropped: they do not change the lip shape;
2. modifier letters are dropped too, except rhoticity (˞ -> r-colouring) and labialisation
   (ʷ, ᵝ -> rounding);
3. an ``h`` after a consonant is aspiration (espeak writes pinyin ``th``/``tɕh`` that way);
4. every remaining symbol gets a class; a stop + fricative pair (affricate: tʃ, ts, dʒ,
   tɕ, pf) keeps the fricative's shape (pf keeps both, the lips close then meet the
   teeth); vowel sequences (diphthongs) become a sequence of classes, spoken in turn;
5. an unknown symbol is first reduced to its base letter (Unicode decomposition: ``ä`` ->
   ``a``); if still unknown it becomes ``AH``, the weak neutral vowel that borrows its
   shape from the neighbours (low dominance), so an odd symbol never closes or gapes
   the mouth on its own.

Before step 1, letters espeak-ng writes *for* IPA letters are replaced by them (``_STAND_INS``):
the ASCII mnemonics some voices pass off as IPA (ky, uz, chr: ``tS`` = tʃ, ``N`` = ŋ), Greek
look-alikes (Danish ε, Oromo Φ = ɸ) and affricate ligatures (Luxembourgish ʦ).

Bilabial fricatives/approximants (β ɸ, Spanish "haba") close the lips like /b/; the
labiodental approximant ʋ is /v/. The nasal onset of a prenasalised stop (ᵐb ⁿd ᵑɡ; Sinhala
gives it its own event) is made with the stop's closure already in place, so ᵐ closes the
lips. An empty string is a pause (``sil``); espeak's language-switch markers ``(en)`` are
not phones (``None``).
"""

from __future__ import annotations

import unicodedata

# Consonants by place and manner.
_CONS: dict[str, str] = {}
for _chars, _cls in (
    ("pbmɓʙɸβⱱ", "PBM"),  # bilabial (ⱱ: labiodental flap, lips meet teeth: handled below)
    ("fvɱʋ", "FV"),  # labiodental
    ("θð", "TH"),  # dental fricatives: tongue between the teeth
    ("tdnɾɗʈɖɳɽɺr", "DTN"),  # alveolar/retroflex stops, nasals, taps, trills
    ("lɫɭɬɮʎʟ", "L"),  # laterals
    ("szʂʐ", "SZ"),  # sibilants, spread
    ("ʃʒɕʑ", "SH"),  # post-alveolar/alveolo-palatal, protruded
    ("kgɡŋxɣqɢɴχʁʀcɟɲçʝ", "KG"),  # palatal, velar, uvular
    ("hɦʔħʕʜʢ", "H"),  # glottal, pharyngeal: the mouth keeps the vowel's shape
    ("ɹɻ", "R"),  # English-type r: rounded
    ("wʍɥ", "W"),  # labial-velar, labial-palatal approximants
    ("jɰ", "IY"),  # palatal / velar approximant: spread, close
):
    for _c in _chars:
        _CONS[_c] = _cls
_CONS["ⱱ"] = "FV"
# Prenasalisation (modifier letters): the nasal is made at the following stop's closure.
_CONS.update({"ᵐ": "PBM", "ⁿ": "DTN", "ᵑ": "KG"})

# Vowels by height, backness and rounding.
_VOW: dict[str, str] = {}
for _chars, _cls in (
    ("iɪɨɯᵻ", "IY"),  # close unrounded: spread, nearly closed jaw (ᵻ: en-us "wanted")
    ("eɛ", "EH"),  # mid front unrounded
    ("æ", "AE"),  # near-open front
    ("aɑɶ", "AA"),  # open
    ("ɐəɘɜɤʌ", "AH"),  # central / mid unrounded: neutral
    ("ɚɝ", "ER"),  # r-coloured
    ("ɒɔœɞ", "AO"),  # open-mid rounded
    ("oøɵ", "AO"),  # close-mid rounded (the rounding is in AO's funnel)
    ("uʊyʏʉ", "UW"),  # close rounded
):
    for _c in _chars:
        _VOW[_c] = _cls

# What espeak-ng writes in place of IPA letters. Upper-case ASCII is never IPA: it is one of
# espeak's own phoneme mnemonics, read by espeak's mnemonic-to-IPA table (dictionary.c ``ipa1``;
# F and K have no IPA there and fall back to lower case), not as the lower-case letter (S is ʃ,
# not s). Greek ε and Φ stand for ɛ and ɸ (espeak's ipa1 writes P as Φ); ligatures are two letters.
_STAND_INS: dict[str, str] = {
    **dict(zip("ABCDEGHIJLMNOPQRSTUVWXYZ", "ɑβçðɛɢħɪɟɫɱŋɔɸɣʀʃθʊʌœχøʒ", strict=True)),
    "Φ": "ɸ", "φ": "ɸ", "ε": "ɛ", ":": "ː", "[": "\u032a",  # espeak's length mark; "d[": dental d̪
    '"': "\u0308",  # espeak's centralised vowel (Russian "люди" l;'u"d;I): IPA's diaeresis, u" is ü
    "ʦ": "ts", "ʣ": "dz", "ʧ": "tʃ", "ʤ": "dʒ", "ʨ": "tɕ", "ʥ": "dʑ",
}  # fmt: skip
# espeak-ng also prints some of its own phoneme names as IPA in a few languages only: its "y" is IPA
# [y] (rounded) in French, German or Turkish but names an unrounded vowel in these (espeak-ng 1.51;
# ~80 voices spoken with words holding such letters). Read as [y], the lips would purse on them.
_LANGUAGE_STAND_INS: dict[str, dict[str, str]] = {
    "ru": {"y": "ɨ"},  # ы: "мы", "был"
    "pt-br": {"y": "ɪ"},  # unstressed final e: "de", "que", "filme" (European pt already writes ɨ)
    "vi": {"y": "ɯ"},  # ư: "những", "người"
    "uz": {"y": "ɪ"},  # i: "bilan", "kitob"
}
_KEEP_MODIFIERS = {"˞": "r", "ʷ": "w", "ᵝ": "w"}
_DROP = set("ˈˌ.-ːˑ'‿|‖_!~^")


def _base(ch: str) -> str:
    """The base letter of a decorated symbol (``ä`` -> ``a``), or the symbol itself."""
    return unicodedata.normalize("NFD", ch)[0]


def as_ipa(phone: str) -> str:
    """``phone`` as IPA: espeak-ng's stand-ins (``tS``, ``N``, ε, Φ, ʦ) replaced by the letters they
    stand for, so a ``.phone.json`` written from espeak's events reads right to any IPA reader."""
    return "".join(_STAND_INS.get(c, c) for c in unicodedata.normalize("NFC", phone))


def espeak_phone(phone: str, language: str) -> str:
    """One of espeak-ng's phoneme events, spoken by a voice of ``language`` (espeak's tag, e.g.
    ``pt-br``), with the letters that voice uses for other sounds replaced (:data:`_LANGUAGE_STAND_INS`)."""
    tag = language.lower()
    for lang, table in _LANGUAGE_STAND_INS.items():
        if tag == lang or tag.startswith(lang + "-"):
            return "".join(table.get(c, c) for c in phone)
    return phone


def _symbols(phone: str) -> list[str]:
    """The phone's articulatory symbols, with length, stress and diacritics removed."""
    out: list[str] = []
    for ch in as_ipa(phone):
        if ch in _DROP or ch.isspace() or ch.isdigit():
            continue
        if ch in _KEEP_MODIFIERS:
            out.append(_KEEP_MODIFIERS[ch])
            continue
        cat = unicodedata.category(ch)
        if cat.startswith("M") or (cat == "Lm" and ch not in _CONS) or cat.startswith(("P", "S")):
            continue
        out.append(ch)
    return out


def _symbol_class(sym: str) -> tuple[str, bool]:
    """(class, is_vowel) of one symbol; unknown symbols fall back to the neutral vowel."""
    for s in (sym, _base(sym), _base(sym).lower()):
        if s in _VOW:
            return _VOW[s], True
        if s in _CONS:
            return _CONS[s], False
    return "AH", True


def unknown_symbols(phone: str) -> list[str]:
    """The symbols of ``phone`` that fall back to the neutral vowel (for coverage checks)."""
    return [
        s
        for s in _symbols(phone)
        if not any(c in _VOW or c in _CONS for c in (s, _base(s), _base(s).lower()))
    ]


def is_language_switch(phone: str) -> bool:
    """espeak-ng's marker for a change of language mid-sentence, e.g. "(en)": an event, not a phone."""
    phone = phone.strip()
    return phone.startswith("(") and phone.endswith(")")


def ipa_classes(phone: str) -> tuple[str, ...] | None:
    """Viseme classes of one IPA phone string; ``("sil",)`` for a pause, None for a non-phone."""
    phone = phone.strip()
    if is_language_switch(phone):
        return None
    syms = _symbols(phone)
    if not syms:
        return ("sil",) if not phone or all(c in _DROP for c in phone) else ("H",)
    classes: list[tuple[str, bool]] = []
    for k, s in enumerate(syms):
        if s == "h" and k > 0 and not classes[-1][1]:
            continue  # aspiration after a consonant ("th", "tɕh")
        if s == "r" and classes and classes[-1][1]:
            cls = ("ER", True)  # rhotic vowel: "ɑːɹ" spelled with ˞ or trailing r
        else:
            cls = _symbol_class(s)
        if classes and classes[-1] == cls:
            continue
        classes.append(cls)
    # Affricates: a stop followed by a fricative shows the fricative's shape.
    merged: list[tuple[str, bool]] = []
    for cls in classes:
        if merged and not merged[-1][1] and not cls[1]:
            if merged[-1][0] in ("DTN", "KG") and cls[0] in ("SZ", "SH", "FV", "KG", "TH"):
                merged[-1] = cls
                continue
        merged.append(cls)
    return tuple(c for c, _v in merged)


def is_open_vowel(classes: tuple[str, ...]) -> bool:
    """True when a phone is (or starts as) an open vowel: the mouth must not be closed on it."""
    return bool(classes) and classes[0] in ("AA", "AE", "AO")
