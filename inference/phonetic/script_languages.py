"""The languages a transcript may be written in, and which aligner each one takes.

English scripts are aligned by pocketsphinx (``align.py``): a real acoustic model of English.
Every other language espeak-ng speaks is aligned by warping espeak-ng's reading of each line
onto the character's voice (``script_warp.py``). The panel offers the common ones by name; the
command line and Python take any espeak-ng language tag or voice name (``espeak-ng --voices``).
"""

from __future__ import annotations

from ..core.errors import DualTalkError

ENGLISH = "en"

# (code, name shown on the panel, espeak-ng voice). Mandarin is read by cmn-latn-pinyin, from Han
# characters or tone-numbered pinyin (espeak-ng's plain "cmn" reads pinyin's tone digits as English
# numbers); Japanese from kana (espeak-ng names every kanji "Chinese letter").
SCRIPT_LANGUAGES: tuple[tuple[str, str, str], ...] = (
    (ENGLISH, "English", "en-us"),
    ("es", "Spanish", "es"),
    ("fr", "French", "fr"),
    ("de", "German", "de"),
    ("it", "Italian", "it"),
    ("pt-br", "Portuguese (Brazil)", "pt-br"),
    ("pt", "Portuguese (Portugal)", "pt"),
    ("nl", "Dutch", "nl"),
    ("pl", "Polish", "pl"),
    ("sv", "Swedish", "sv"),
    ("ru", "Russian", "ru"),
    ("tr", "Turkish", "tr"),
    ("ar", "Arabic", "ar"),
    ("hi", "Hindi", "hi"),
    ("cmn-latn-pinyin", "Mandarin", "cmn-latn-pinyin"),
    ("ja", "Japanese (kana)", "ja"),
    ("ko", "Korean", "ko"),
)
_MANDARIN = "cmn-latn-pinyin"
_VOICE = {code: voice for code, _name, voice in SCRIPT_LANGUAGES} | {
    "cmn": _MANDARIN, "zh": _MANDARIN, "zh-cn": _MANDARIN, "zh-hans": _MANDARIN,
    "zh-hk": "yue", "zh-mo": "yue",  # Chinese as Hong Kong and Macau speak it: Cantonese
}  # fmt: skip
_SPELLING = {  # how a script in these must be written for espeak-ng to read it
    "ja": "write it in kana (espeak-ng cannot read kanji)",
}
# the letters each language's script is written in (Unicode script names): a line mostly in others is
# spelt out letter by letter by espeak-ng ("cirílico pe...") and cannot be said by the voice
_LETTERS = {
    "es": ("LATIN",), "fr": ("LATIN",), "de": ("LATIN",), "it": ("LATIN",), "pt-br": ("LATIN",),
    "pt": ("LATIN",), "nl": ("LATIN",), "pl": ("LATIN",), "sv": ("LATIN",), "tr": ("LATIN",),
    "ru": ("CYRILLIC",), "ar": ("ARABIC",), "hi": ("DEVANAGARI",), "ko": ("HANGUL",),
    "ja": ("HIRAGANA", "KATAKANA"), _MANDARIN: ("CJK", "LATIN"), ENGLISH: ("LATIN",),
}  # fmt: skip
_SCRIPT_NAMES = {"CJK": "Han characters", "HIRAGANA": "kana", "KATAKANA": "kana", "HANGUL": "Hangul"}


def normalise(language: str | None) -> str:
    """``language`` as the code the rest of the engine uses: lower case, ``_`` as ``-``; None is English."""
    code = (language or ENGLISH).strip().lower().replace("_", "-")
    return code or ENGLISH


def is_english(language: str | None) -> bool:
    """English scripts go to pocketsphinx (any English accent tag: en, en-us, en-gb-x-rp...)."""
    code = normalise(language)
    return code == ENGLISH or code.startswith(ENGLISH + "-")


def espeak_voice(language: str | None) -> str:
    """The espeak-ng voice that reads a script in ``language``; DualTalkError in one line when this
    machine's espeak-ng has no such language (or espeak-ng is missing)."""
    from ..audio.tts import espeak_voices

    code = normalise(language)
    voice = _VOICE.get(code, code)
    try:
        known = espeak_voices()
    except DualTalkError as exc:
        raise DualTalkError(f"a {code} transcript is read by espeak-ng: {exc}") from None
    if voice not in known and "-" in voice:  # de-de, es-es, zh-tw: the language itself (zh: Mandarin)
        base = voice.split("-")[0]
        voice = _VOICE.get(base, base) if _VOICE.get(base, base) in known else voice
    if voice in known:
        return known[voice]
    # the codes the README teaches: Mandarin as cmn or zh (the panel's cmn-latn-pinyin is espeak-ng's)
    listed = ", ".join("cmn or zh" if c == _MANDARIN else c for c, _n, _v in SCRIPT_LANGUAGES)
    raise DualTalkError(
        f"transcript language {language!r}: espeak-ng speaks no such language "
        f"(try {listed}; `espeak-ng --voices` lists all {len(known)})"
    )


def spelling_hint(language: str | None) -> str:
    """How a script in ``language`` must be written ("" when as usual)."""
    return _SPELLING.get(normalise(language), "")


def language_name(language: str | None) -> str:
    """The language's name for lines and reports ("Spanish", or the code itself)."""
    code = normalise(language)
    for tag in _tags(code):
        for c, name, _voice in SCRIPT_LANGUAGES:
            if c in (tag, _VOICE.get(tag)):  # cmn, zh: Mandarin
                return name
    return code


def _tags(code: str) -> tuple[str, ...]:
    """``code``, then its language without the region (``zh-tw`` -> ``zh``, ``de-at`` -> ``de``),
    unless the full tag names a language of its own (``zh-hk``: Cantonese, not Mandarin)."""
    base = code.split("-")[0]
    return (code,) if code in _VOICE or base == code else (code, base)


def foreign_letters(text: str, language: str | None) -> str:
    """The writing system most of ``text``'s letters are in when it is not one ``language`` is
    written in ("Cyrillic letters", "Han characters"), else "": espeak-ng would spell such a line out
    letter by letter. Languages outside the panel's list are not checked."""
    import unicodedata

    code = normalise(language)
    code = _VOICE.get(code, code)
    if code not in _LETTERS and "-" in code:  # es-ES, ru-RU, es-419: the language's own letters
        code = _VOICE.get(code.split("-")[0], code.split("-")[0])
    expected = _LETTERS.get(code)
    if expected is None:
        return ""
    if code == "ja" and any("CJK" in unicodedata.name(ch, "") for ch in text):
        return "kanji"
    scripts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            parts = unicodedata.name(ch, "UNKNOWN").split()
            # (full-width Latin and half-width kana are the same letters, set in another width)
            name = parts[1] if parts[0] in ("FULLWIDTH", "HALFWIDTH") and len(parts) > 1 else parts[0]
            scripts[name] = scripts.get(name, 0) + 1
    letters = sum(scripts.values())
    foreign = {k: v for k, v in scripts.items() if k not in expected}
    if not letters or sum(foreign.values()) <= letters / 2:
        return ""
    most = max(foreign, key=lambda k: foreign[k])
    return _SCRIPT_NAMES.get(most, f"{most.title()} letters")


def latin_for_mandarin(texts: list[str], language: str | None) -> str:
    """How Mandarin must be written, when a Mandarin script's lines are mostly Latin letters with no
    tone numbers (an English script given Script Language Mandarin: it passes the writing check,
    pinyin being Latin, and only fails later, on the voice); "" otherwise."""
    code = normalise(language)
    if _VOICE.get(code, code) != _MANDARIN:
        return ""
    text = " ".join(texts)
    latin = sum(1 for ch in text if ch.isalpha() and ch.isascii())
    if latin <= sum(1 for ch in text if ch.isalpha()) / 2 or any(ch in "12345" for ch in text):
        return ""
    return f"its lines are in Latin letters without tone numbers: {MANDARIN_ADVICE}"


# how a Mandarin script is written (said where an English one was given for Mandarin)
MANDARIN_ADVICE = (
    "Mandarin is read from Han characters or tone-numbered pinyin (ni3 hao3); is the script in Mandarin?"
)


def advice(language: str | None) -> list[str]:
    """The sentences that tell how to write a script in ``language``, as the reasons quote them."""
    code = normalise(language)
    return [
        a for a in (spelling_hint(code), MANDARIN_ADVICE if _VOICE.get(code, code) == _MANDARIN else "") if a
    ]


def panel_code(language: str | None) -> str | None:
    """The panel's Script Language code for ``language`` as the command line takes it (``cmn``,
    ``zh``, ``zh-tw`` -> ``cmn-latn-pinyin``; ``es-MX``, ``ES`` -> ``es``; ``en-us`` -> ``en``), or
    None when the panel offers no such language."""
    code = normalise(language)
    codes = {c: voice for c, _name, voice in SCRIPT_LANGUAGES}
    for tag in _tags(code):
        voice = _VOICE.get(tag, tag)
        if tag in codes:
            return tag
        match = next((c for c, v in codes.items() if v == voice), None)
        if match is not None:
            return match
    return None
