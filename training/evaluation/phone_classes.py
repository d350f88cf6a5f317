"""Phone classes for judging lips, in ARPAbet and IPA.

These tables are written from phonetics, not from the training renderer
(``inference/phonetic/visemes.py``): an evaluator that shared the renderer's tables would
only check that the model learned the renderer. The classes are the ones the lip-sync
measures need:

=================  ===========================================  ==========================
class              ARPAbet                                      IPA (base letters)
=================  ===========================================  ==========================
``bilabial``       M B P (EM)                                   m b p ɓ  (stops, nasal)
``labiodental``    F V                                          f v ɱ ʋ
``rounded``        UW OW OY UH (UX)                             u ʉ ʊ o y ʏ ø ɵ œ ᵿ, oʊ əʊ ɔɪ
``spread``         IY IH EY EH AE                               i ɪ e ɛ æ, eɪ
``open``           AA AE AH AO AW AY                            a ɑ æ ʌ ɐ ɔ ɒ ɶ, aɪ aʊ
``vowel``          every vowel (the classes above and the rest)
``consonant``      every consonant
``silence``        SIL, SP, <sil>, +NOISE+ ...                  _ | ‖ # (and empty)
=================  ===========================================  ==========================

"Other consonants" are consonants that are neither bilabial nor labiodental. A phone
may be in two classes (AE is both spread and open, as in the issue's definition).
Bilabial fricatives and approximants (ɸ β, e.g. Spanish intervocalic b) are *other*
consonants in IPA: the lips approach but need not meet, so the closure test would be
unfair to them.

IPA symbols are reduced to base letters first: stress and length marks, tone letters,
combining diacritics and modifier letters (ʰ ʲ ʷ) are dropped. A diphthong is
classified by the table above when listed, else by its first vowel letter; a
consonant cluster or affricate by its first letter (so ``pf`` is bilabial, ``tʃ`` is
not). The ``lang`` tag of an IPA file does not change the classes: IPA is already
language-neutral, and the tag is carried into the report so scores can be pooled per
language.
"""

from __future__ import annotations

import unicodedata

from ...inference.core.errors import DualTalkError

BILABIAL = "bilabial"
LABIODENTAL = "labiodental"
ROUNDED = "rounded"
SPREAD = "spread"
OPEN = "open"
VOWEL = "vowel"
CONSONANT = "consonant"
SILENCE = "silence"
ALPHABETS = ("arpabet", "ipa")

# --- ARPAbet (CMU dictionary set plus the TIMIT extras pocketsphinx may print) -----------
_ARPA_VOWELS = {
    "AA": {OPEN},
    "AE": {SPREAD, OPEN},
    "AH": {OPEN},
    "AO": {OPEN},
    "AW": {OPEN},
    "AY": {OPEN},
    "EH": {SPREAD},
    "ER": set(),
    "EY": {SPREAD},
    "IH": {SPREAD},
    "IY": {SPREAD},
    "OW": {ROUNDED},
    "OY": {ROUNDED},
    "UH": {ROUNDED},
    "UW": {ROUNDED},
    "AX": set(),
    "AXR": set(),
    "IX": set(),
    "UX": {ROUNDED},
}
_ARPA_CONSONANTS = {
    "M": {BILABIAL},
    "B": {BILABIAL},
    "P": {BILABIAL},
    "EM": {BILABIAL},
    "F": {LABIODENTAL},
    "V": {LABIODENTAL},
    **{c: set() for c in ("CH D DH G HH JH K L N NG R S SH T TH W Y Z ZH DX EL EN NX Q WH").split()},
}
_ARPA_SILENCE = {"SIL", "SP", "SPN", "NSN", "PAU", "H#", "#", "", "<S>", "</S>", "<SIL>"}

# --- IPA -----------------------------------------------------------------------------------
_IPA_VOWEL_LETTERS = set("iyɨʉɯuɪʏʊeøɘɵɤoəɛœɜɞʌɔæɐaɶɑɒɚɝᵻᵿ")
_IPA_VOWEL_CLASSES: dict[str, set[str]] = {
    **{v: {ROUNDED} for v in "uʉʊoyʏøɵœᵿ"},
    **{v: {SPREAD} for v in "iɪeɛ"},
    "æ": {SPREAD, OPEN},
    **{v: {OPEN} for v in "aɑʌɐɔɒɶ"},
}
_IPA_DIPHTHONGS: dict[str, set[str]] = {
    "aɪ": {OPEN},
    "aʊ": {OPEN},
    "ɑɪ": {OPEN},
    "ɑʊ": {OPEN},
    "ɔɪ": {ROUNDED},
    "oɪ": {ROUNDED},
    "oʊ": {ROUNDED},
    "əʊ": {ROUNDED},
    "eɪ": {SPREAD},
}
_IPA_CONSONANT_FIRST: dict[str, set[str]] = {
    **{c: {BILABIAL} for c in "mbpɓ"},
    **{c: {LABIODENTAL} for c in "fvɱʋ"},
}
_IPA_CONSONANT_LETTERS = set(
    "mbpɓʙɸβfvɱʋtdʈɖcɟkɡgqɢʔnɳɲŋɴrʀɾɽʁθðszʃʒʂʐçʝxɣχħʕhɦɬɮlɭʎʟɫɺɹɻjwɥʍɰɕʑɧʜʢʡʘǀǃǂǁɗʄɠʛ"
)
_IPA_SILENCE = {"", "_", "|", "‖", "||", "#", "sil", "sp", "pau"}
# stress, length, syllable and linking marks that are ordinary (non-combining) characters
_IPA_DROP = set("ˈˌːˑ.‿ˀ'-")


def normalize_arpabet(symbol: str) -> str:
    """Upper case without the stress digit: ``ah0`` -> ``AH``."""
    return str(symbol).strip().upper().rstrip("012")


def normalize_ipa(symbol: str) -> str:
    """Base letters of an IPA phone: drop diacritics, stress, length, tone and modifier letters."""
    out = []
    for ch in unicodedata.normalize("NFD", str(symbol).strip()):
        cat = unicodedata.category(ch)
        if cat.startswith("M") or cat in ("Lm", "Sk") or ch in _IPA_DROP or ch.isspace() or ch.isdigit():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("g", "ɡ")


def classify(symbol: str, alphabet: str = "arpabet") -> frozenset[str] | None:
    """The classes of one phone, or ``None`` when the symbol is not in the alphabet's table."""
    if alphabet == "arpabet":
        raw = str(symbol).strip().upper()
        if raw.startswith("+") or raw in _ARPA_SILENCE:
            return frozenset({SILENCE})
        s = normalize_arpabet(raw)
        if s in _ARPA_VOWELS:
            return frozenset({VOWEL, *_ARPA_VOWELS[s]})
        if s in _ARPA_CONSONANTS:
            return frozenset({CONSONANT, *_ARPA_CONSONANTS[s]})
        return None
    if alphabet == "ipa":
        if str(symbol).strip().lower() in _IPA_SILENCE:
            return frozenset({SILENCE})
        s = normalize_ipa(symbol)
        if not s:  # a bare mark (espeak-ng's lone "ʲ"): no articulation of its own
            return frozenset()
        if any(ch not in _IPA_VOWEL_LETTERS and ch not in _IPA_CONSONANT_LETTERS for ch in s):
            return None
        vowels = [ch for ch in s if ch in _IPA_VOWEL_LETTERS]
        if vowels:
            if s in _IPA_DIPHTHONGS:
                return frozenset({VOWEL, *_IPA_DIPHTHONGS[s]})
            return frozenset({VOWEL, *_IPA_VOWEL_CLASSES.get(vowels[0], set())})
        return frozenset({CONSONANT, *_IPA_CONSONANT_FIRST.get(s[0], set())})
    raise DualTalkError(f"unknown phone alphabet {alphabet!r} (expected one of {', '.join(ALPHABETS)})")


def is_other_consonant(classes: frozenset[str]) -> bool:
    """A consonant that is neither bilabial nor labiodental (the F/V measure's negatives)."""
    return CONSONANT in classes and BILABIAL not in classes and LABIODENTAL not in classes
