"""The languages a transcript may be written in, and which aligner each one takes.

English scripts are aligned by pocketsphinx (``align.py``): a real acoustic model of English.
Every other language espeak-ng speaks is aligned by warping espeak-ng's reading of each line
onto the character's voice (``script_warp.py``). The panel offers the common ones by name; the
command line and Python take any espeak-ng language tag or voice name (``espeak-ng --voices``).
"""

from __future__ import annotations

from ..core.errors import DualTalkError

ENGLISH = "en"

# (code, name shown on the panel, espeak-ng voice). Mandarin is read from tone-numbered pinyin and
# Japanese from kana: this espeak-ng reads many Han characters and every kanji letter by letter.
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
    ("cmn-latn-pinyin", "Mandarin (pinyin with tone numbers)", "cmn-latn-pinyin"),
    ("ja", "Japanese (kana)", "ja"),
    ("ko", "Korean", "ko"),
)
_VOICE = {code: voice for code, _name, voice in SCRIPT_LANGUAGES}
_SPELLING = {  # how a script in these must be written for espeak-ng to read it
    "cmn-latn-pinyin": "write it in pinyin with tone numbers (ni3 hao3)",
    "cmn": "write it in pinyin with tone numbers (ni3 hao3) and use cmn-latn-pinyin",
    "ja": "write it in kana (espeak-ng cannot read kanji)",
}


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
    if voice not in known:
        listed = ", ".join(c for c, _n, _v in SCRIPT_LANGUAGES)
        raise DualTalkError(
            f"transcript language {language!r}: espeak-ng speaks no such language "
            f"(try {listed}; `espeak-ng --voices` lists all {len(known)})"
        )
    return voice


def spelling_hint(language: str | None) -> str:
    """How a script in ``language`` must be written ("" when as usual)."""
    return _SPELLING.get(normalise(language), "")


def language_name(language: str | None) -> str:
    """The language's name for lines and reports ("Spanish", or the code itself)."""
    code = normalise(language)
    for c, name, _voice in SCRIPT_LANGUAGES:
        if c == code:
            return name
    return code
