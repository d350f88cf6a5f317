"""The languages a transcript may be written in, and which aligner each one takes.

English scripts are aligned by pocketsphinx (``align.py``): a real acoustic model of English.
Every other language espeak-ng speaks is aligned by warping espeak-ng's reading of each line
onto the character's voice (``script_warp.py``). The panel offers the common ones by name; the
command line and Python take any espeak-ng language tag or voice name (``espeak-ng --voices``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ..core import language_names
from ..core.errors import DualTalkError

ENGLISH = "en"

# (code, name shown on the panel, espeak-ng voice). Mandarin is read by cmn-latn-pinyin, from Han
# characters or tone-numbered pinyin (espeak-ng's plain "cmn" reads pinyin's tone digits as English
# numbers); Japanese from kanji and kana where SudachiPy reads them into kana first
# (``japanese_reading``, an optional install), else from kana only (espeak-ng names every kanji
# "Chinese letter"): the panel says so under the menu then (:func:`spelling_hint`).
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
    ("ja", "Japanese", "ja"),
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
# spelt out letter by letter by espeak-ng ("cirílico pe...") and cannot be said by the voice. The
# Russian, Arabic, Hindi and Korean voices read a word in Latin letters as English (`espeak-ng -v hi
# "मेरा दोस्त John Smith है"`: "... (en)dʒˈɒn smˈɪθ(hi) hɛː"), as Indian, Arab, Russian and Korean
# scripts write English names and words; the Japanese voice spells them out (review 32n, F4).
_LETTERS = {
    "es": ("LATIN",), "fr": ("LATIN",), "de": ("LATIN",), "it": ("LATIN",), "pt-br": ("LATIN",),
    "pt": ("LATIN",), "nl": ("LATIN",), "pl": ("LATIN",), "sv": ("LATIN",), "tr": ("LATIN",),
    "ru": ("CYRILLIC", "LATIN"), "ar": ("ARABIC", "LATIN"), "hi": ("DEVANAGARI", "LATIN"),
    "ko": ("HANGUL", "LATIN"), "ja": ("HIRAGANA", "KATAKANA"), _MANDARIN: ("CJK", "LATIN"),
    ENGLISH: ("LATIN",),
}  # fmt: skip
_SCRIPT_NAMES = {"CJK": "Han characters", "HIRAGANA": "kana", "KATAKANA": "kana", "HANGUL": "Hangul"}


def normalise(language: str | None) -> str:
    """``language`` as the code the rest of the engine uses: lower case, ``_`` as ``-``, a language's
    name as its tag (``Spanish``, ``español`` -> ``es``: ``core.language_names``); None is English."""
    code = language_names.tag_for(language or "") or (language or ENGLISH).strip().lower().replace("_", "-")
    return code or ENGLISH


def is_english(language: str | None) -> bool:
    """English scripts go to pocketsphinx (any English accent tag: en, en-us, en-gb-x-rp...)."""
    code = normalise(language)
    return code == ENGLISH or code.startswith(ENGLISH + "-")


def espeak_voice(language: str | None, flag: str = "") -> str:
    """The espeak-ng voice that reads a script in ``language``; DualTalkError in one line when this
    machine's espeak-ng has no such language (or espeak-ng is missing), naming ``flag`` where given
    (the option that set it: ``--transcript-language-b`` for B's own)."""
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
    meant = language_names.closest(str(language or ""))
    guess = f"did you mean {meant!r}? " if meant else ""
    raise DualTalkError(
        f"{flag or 'transcript language'} {language!r}: espeak-ng speaks no such language ({guess}try {listed}; a "
        f"language's name also works: {', '.join(language_names.EXAMPLES)}; `espeak-ng --voices` lists all {len(known)})"
    )


# what reads a Japanese script's kanji, said where a line in kanji is refused for want of it
KANJI_READER_PACKAGES = ("sudachipy", "sudachidict_core")
KANJI_READER = f"pip install {' '.join(KANJI_READER_PACKAGES)} (the add-on's Install dependencies adds them)"
# the dictionary file itself: a package folder left without it (a broken or half-removed install)
# does not read (japanese_reading says so, and to reinstall), so the panel gives the advice
KANJI_DICTIONARY = Path("sudachidict_core", "resources", "system.dic")
# a Python found without the reader is looked at again after this long (Install dependencies may add
# it while Blender runs); one found with it is not looked at again
KANJI_READER_RECHECK_S = 5.0
_KANJI_READER_SEEN: dict[str, tuple[bool, float]] = {}


def kanji_reader_installed(python: str | None = None) -> bool:
    """Whether ``python`` (the worker's interpreter; None: this one) has the kanji reader's packages.
    Looked up, never imported: SudachiPy maps its 200 MB dictionary at import, and the panel asks
    on every redraw (cached per interpreter). Another interpreter is looked up on disk, in its own
    environment's site-packages (the add-on's venv, where Install dependencies puts them)."""
    key = python or sys.executable
    seen = _KANJI_READER_SEEN.get(key)
    if seen is not None and (seen[0] or time.monotonic() - seen[1] < KANJI_READER_RECHECK_S):
        return seen[0]
    found = _reader_here() if key == sys.executable else _reader_beside(Path(key))
    _KANJI_READER_SEEN[key] = (found, time.monotonic())
    return found


def _reader_here() -> bool:
    import importlib.util

    try:
        specs = [importlib.util.find_spec(name) for name in KANJI_READER_PACKAGES]
    except (ImportError, ValueError):  # a module set to None in sys.modules, a broken parent package
        return False
    found = [spec for spec in specs if spec is not None]
    if len(found) < len(specs):
        return False
    places = [Path(p) for spec in found for p in (spec.submodule_search_locations or [])]
    return any((place.parent / KANJI_DICTIONARY).is_file() for place in places)


def _reader_beside(python: Path) -> bool:
    """Whether the environment ``python`` runs in (``<env>/bin/python``; Windows ``<env>/Scripts/
    python.exe``) holds the packages: its site-packages (a venv, a conda env) or a system Python's
    dist-packages."""
    env = python.parent.parent
    places = [*env.glob("lib/python3*/site-packages"), *env.glob("lib/python3*/dist-packages")]
    places += [env / "Lib" / "site-packages", env / "lib" / "python3" / "dist-packages"]
    return any(
        all((place / name).is_dir() for name in KANJI_READER_PACKAGES)
        and (place / KANJI_DICTIONARY).is_file()
        for place in places
    )


def spelling_hint(language: str | None, python: str | None = None) -> str:
    """What the panel says under Script Language about how a script in ``language`` must be written
    for ``python`` (the worker's interpreter; None: this one) to read it, "" when as usual: for
    Japanese, the refusal's advice (kana, or the kanji reader's install) while that Python lacks the
    reader, nothing once it has it."""
    if is_japanese(language) and kanji_reader_installed(python):
        return ""
    return writing_advice(language)


def is_japanese(language: str | None) -> bool:
    """A Japanese script (ja, ja-JP, JA): its kanji are read by ``japanese_reading`` where installed."""
    code = normalise(language)
    return _VOICE.get(code, code) == "ja" or code.split("-")[0] == "ja"


def writing_advice(language: str | None) -> str:
    """How to make a line refused for its writing readable: the spelling hint, and for Japanese the
    install that reads kanji ("" when the language has no such advice)."""
    hint = _SPELLING.get(normalise(language), "")
    if hint and is_japanese(language):
        return f"{hint}, or let kanji be read: {KANJI_READER}"
    return hint


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


def _scripts(text: str) -> dict[str, int]:
    """How many of ``text``'s letters each writing system holds (Unicode script names: LATIN,
    CYRILLIC, CJK, HIRAGANA...)."""
    import unicodedata

    scripts: dict[str, int] = {}
    name = ""
    for ch in text:
        # a vowel sign, anusvara or virama (Devanagari's मैंने is 5 characters, 2 of them letters to
        # isalpha) is part of its letter: counted with the script it is named for, a combining accent
        # with the letter before it
        mark = unicodedata.category(ch) in ("Mn", "Mc")
        if ch.isalpha() or mark:
            parts = unicodedata.name(ch, "UNKNOWN").split()
            if not (mark and parts[0] == "COMBINING"):
                # (full-width Latin and half-width kana are the same letters, set in another width)
                name = parts[1] if parts[0] in ("FULLWIDTH", "HALFWIDTH") and len(parts) > 1 else parts[0]
            if name:
                scripts[name] = scripts.get(name, 0) + 1
    return scripts


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
    scripts = _scripts(text)
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
    # a tone number is a digit on a pinyin syllable (ni3): "9 h 30" in a French line is a time
    from .script_guess import tone_numbers

    if latin <= sum(1 for ch in text if ch.isalpha()) / 2 or tone_numbers(text):
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
        a for a in (writing_advice(code), MANDARIN_ADVICE if _VOICE.get(code, code) == _MANDARIN else "") if a
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


# A script in Spanish, German, French... given no language is aligned as English: pocketsphinx then
# spends a take's worth of passes on words it has no pronunciation of, and may draw a character from
# English readings of German words (review 32n, F3: worse lips than none). Such a script is told
# apart by its words: of the words written in lower case (a capitalised name is the unknown word an
# English script has), the share pocketsphinx's English dictionary lacks. English prose, in chunks
# of 24 words: at most 0.20 (this project's README, with its jargon; GPL-3 0.05, LJ Speech 0.04,
# the lite corpus's English 0.00); the lite corpus's sentences in es, fr, de, it, pt, nl, pl, sv, tr:
# 0.15-0.62, whole scripts of the review's conversations 0.28 (de), 0.31 (es); English 0.02.
NOT_ENGLISH_SHARE = 0.25
NOT_ENGLISH_WORDS = 5  # and at least this many such words (a short script proves nothing)
# letters of one language only among the panel's Latin-script ones: the language a script holding
# them is in, offered in the hint (none, or several: the codes are listed instead)
_OWN_LETTERS = {"es": "ñ¿¡", "de": "ß", "pl": "łąęśźżćń", "tr": "ğış"}


def _english_words() -> frozenset[str]:
    """The words pocketsphinx's English dictionary spells (empty when pocketsphinx is missing)."""
    cached: frozenset[str] | None = globals().get("_ENGLISH_WORDS")
    if cached is not None:
        return cached
    words: set[str] = set()
    try:
        from pathlib import Path

        from pocketsphinx import get_model_path

        path = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"
        with open(path, encoding="utf-8", errors="ignore") as f:
            words = {line.split(None, 1)[0].split("(")[0] for line in f if line.strip()}
    except (ImportError, OSError):
        pass
    globals()["_ENGLISH_WORDS"] = out = frozenset(words)
    return out


def not_english_words(texts: list[str]) -> tuple[list[str], int]:
    """(the words of ``texts`` written in lower case that the English dictionary lacks, as written,
    in order; how many words were counted): see :data:`NOT_ENGLISH_SHARE`."""
    from .align import normalise_words
    from .directions import dropped

    known = _english_words()
    if not known:
        return [], 0
    unknown: list[str] = []
    counted = 0
    # a direction ("(sighs heavily)") is not said; dropped line by line (a bracket pairs within its line)
    for token in " ".join(dropped(text) for text in texts).split():
        spelled = normalise_words(token)[0].split()
        counted += len(spelled)
        if not any(ch.isupper() for ch in token) and any(w not in known for w in spelled):
            unknown.append(token.strip('.,;:!?"()[]{}¿¡«»\u201c\u201d'))
    return unknown, counted


def not_english(texts: list[str]) -> tuple[str, str]:
    """Why ``texts`` (a script given as English) look like another language ("16 of its 51 words are
    not English words (prepara, ...); its ñ, ¿ suggest Spanish") and the language flag to give
    (:func:`language_flag`, for :data:`NOT_ENGLISH_ASK`); ("", "") when they look English."""
    unknown, counted = not_english_words(texts)
    from .script_guess import looks_other, signs_said

    if len(unknown) < NOT_ENGLISH_WORDS or len(unknown) < NOT_ENGLISH_SHARE * counted:
        # few unknown words (la, mi, pan, casa are English words too), but letters and common words
        # only another language uses: ¿ ¡ ñ, "muy", "ich", "avec" (review rv38a F4)
        guess = looks_other(texts, ENGLISH)
        if guess is None or not guess.code:
            return "", ""
        code = _guessed_code(guess.code)
        return f"its {signs_said(guess)} look {guess_name(code)}", guess_flag(code)
    shown = ", ".join(dict.fromkeys(unknown[:8]))
    why = f"{len(unknown)} of its {counted} words are not English words ({shown})"
    code, chars = looks_like(texts)
    if code:
        why += f"; its {', '.join(chars)} suggest {guess_name(code)}"
    return why, language_flag(texts)


# what to do about it, said after the reason on the command line ("... needs its language:
# --transcript-language es (panel: Script Language)") and in the panel, whose messages give the
# panel's words alone ("... needs its language: Script Language › Spanish", the menu's entry where the
# flag names one language: ``panel_options.in_panel_words``). The panel's status line says it shorter
# still (``transcript.unaligned``: "the script looks Spanish (its ¿); set Script Language to Spanish").
# The flag has no brackets of its own: a character's report gives it as it is up to its first " ("
NOT_ENGLISH_ASK = "a script in another language needs its language: {flag} (panel: Script Language)"
# how a character's report begins when its script was not aligned for not looking English
NOT_ENGLISH_SAID = "the script does not look English"


def own_letters(texts: list[str]) -> tuple[str, list[str]]:
    """(the one panel language whose own letters the script holds, those letters: ``("es", ["¿"])``),
    ("", []) when none or several do."""
    text = " ".join(texts).lower()
    seen = {code: [ch for ch in own if ch in text] for code, own in _OWN_LETTERS.items()}
    seen = {code: chars for code, chars in seen.items() if chars}
    return next(iter(seen.items())) if len(seen) == 1 else ("", [])


# writing systems of one language off the panel's list that espeak-ng reads (Thai: its voice th)
_BEYOND_PANEL = {"THAI": ["th"]}


def flag_for_letters(texts: list[str]) -> str:
    """``--transcript-language ru`` for a script written in the letters of one panel language
    (Cyrillic: ru, Hangul: ko, kana: ja...; Han characters alone: ``cmn|ja``), else
    ``--transcript-language CODE``: what to give for a script with no English letters at all."""
    scripts = _scripts(" ".join(texts))
    scripts.pop("LATIN", None)
    if not scripts:
        return "--transcript-language CODE"
    if "HIRAGANA" in scripts or "KATAKANA" in scripts:
        return "--transcript-language ja"
    most = max(scripts, key=lambda k: scripts[k])
    if most == "CJK":  # Chinese, or Japanese in kanji alone
        return "--transcript-language cmn|ja"
    codes = [c for c, letters in _LETTERS.items() if letters[0] == most] or _BEYOND_PANEL.get(most, ["CODE"])
    return f"--transcript-language {'|'.join(codes)}"


def looks_like(texts: list[str]) -> tuple[str, list[str]]:
    """(the one panel language other than English ``texts`` look written in, what shows it: its
    own letters, else letters and common words, as :func:`.script_guess.signs_said` quotes them),
    ("", []) when neither names one (review rv38a F5: French, German and Portuguese were a list of
    ten codes)."""
    from .script_guess import likely_language, signs_said

    code, chars = own_letters(texts)
    if code:  # ¿, ß, ł: said alone, as before
        return code, chars
    guess = likely_language(texts, not_this=ENGLISH)
    if guess is None:
        return "", []
    return _guessed_code(guess.code), signs_said(guess).split(", ")


def _guessed_code(profile: str) -> str:
    """The panel code for a guessed profile (Portuguese: Brazil's, the one the corpus speaks)."""
    return "pt-br" if profile == "pt" else profile


def guess_name(code: str) -> str:
    """A guessed language's name ("Portuguese" for either variety: the letters cannot tell)."""
    return "Portuguese" if code in ("pt", "pt-br") else language_name(code)


def guess_flag(code: str) -> str:
    """The flag for a guessed language: ``--transcript-language fr``; Portuguese, both varieties."""
    return "--transcript-language " + ("pt-br|pt" if code in ("pt", "pt-br") else code)


def language_flag(texts: list[str]) -> str:
    """``--transcript-language es`` when the script holds letters only Spanish of the panel's
    languages uses (ñ, ¿, ¡; German ß, Polish ł..., Turkish ğ ı ş) or its letters and common words
    point to one language (:func:`looks_like`), else the flag with the codes of the panel's
    languages written in Latin letters, one of which it is likely in
    (``--transcript-language es|fr|de|...``)."""
    code, _chars = looks_like(texts)
    if code:
        return guess_flag(code)
    latin = [c for c, *_ in SCRIPT_LANGUAGES if _LETTERS.get(c) == ("LATIN",) and c != ENGLISH]
    return f"--transcript-language {'|'.join(latin)}"


# how a character's refusal begins when its lines look written in another language than the one
# given (review rv38a F1, F4): said before drawing, as espeak-ng reads any Latin-script language in
# any Latin-script voice well enough to pass the line-fit bar, and the lips are then worse than none
LOOKS_SAID = "its lines look"


def wrong_language(texts: list[str], language: str | None) -> tuple[str, str]:
    """(why a character's ``texts`` are refused before drawing, the language they look written in),
    when they clearly are not in ``language``: ``its lines look French (ç, 'avec', 'les'), not
    Spanish; give --transcript-language fr (panel: Script Language)``; ("", "") when they fit it or
    the evidence is thin (:func:`.script_guess.looks_other`)."""
    from .script_guess import looks_other, signs_said
    from .script_guess import profile as guess_profile

    bare = unvocalised(texts, language)
    if bare:
        return bare, ""
    not_latin, code = other_letters(texts, language)
    if not_latin:
        return not_latin, code
    neighbour, code = neighbour_letters(texts, language)
    if neighbour:
        return neighbour, code
    latin, code = latin_lines(texts, language)
    if latin:
        return latin, code
    guess = looks_other(texts, language)
    if guess is None:
        return "", ""
    given = language_name(language)
    if not guess.code:  # a Mandarin script whose Latin-letter words are not pinyin, nor clearly another
        return (
            f"its lines are in Latin letters that are not pinyin ({signs_said(guess)}): {MANDARIN_ADVICE}",
            "",
        )
    code = _guessed_code(guess.code)
    if guess_profile(language) == "cmn":  # how Mandarin is written, said as the other refusals say it
        return (
            f"{LOOKS_SAID} {guess_name(code)} ({signs_said(guess)}), not pinyin (give {guess_flag(code)} "
            f"if it is {guess_name(code)}): {MANDARIN_ADVICE}",
            code,
        )
    return (
        f"{LOOKS_SAID} {guess_name(code)} ({signs_said(guess)}), not {given}; give {guess_flag(code)} "
        "(panel: Script Language)",
        code,
    )


# Arabic's short vowels are marks over and under its letters (harakat), left out of nearly all written
# Arabic. espeak-ng reads a word without them as its consonants (سأذهب: "s?Dhb"), and lips drawn from
# that reading are worse than the engine's own (review rv39h F3, 8 clips: closure 89 % against 100 %,
# open vs M/B/P 0.885 against 0.994). The share of a line's Arabic letters that carry a mark, on the
# review's lines: written as usual 0.00-0.14 (a tanwin on ًا, one vocalised word among bare ones),
# fully vocalised 0.62-0.90. A character's lines below this share keep the engine's lips.
HARAKAT = frozenset(chr(c) for c in range(0x064B, 0x0653))  # tanwin x3, fatha, damma, kasra, shadda, sukun
HARAKAT_SHARE = 0.35
# how such a refusal begins (the language given is right; its writing is what is refused)
UNVOCALISED_SAID = "its Arabic is written without harakat"


def harakat_share(texts: list[str]) -> tuple[int, int]:
    """(how many of ``texts``' Arabic letters carry a vowel mark, how many Arabic letters they hold);
    a letter carrying two marks (shadda and fatha) counts once, a tatweel is no letter."""
    import unicodedata

    letters = marked = 0
    carrying = False
    for ch in " ".join(texts):
        if unicodedata.name(ch, "").startswith("ARABIC LETTER"):
            letters += 1
            carrying = False
        elif ch in HARAKAT and letters and not carrying:
            marked += 1
            carrying = True
    return marked, letters


def unvocalised(texts: list[str], language: str | None) -> str:
    """Why a character's Arabic lines are not drawn when too few of their letters carry harakat
    (:data:`HARAKAT_SHARE`), else "" (another language, or lines written with their vowels)."""
    code = normalise(language)
    if _VOICE.get(code, code).split("-")[0] != "ar":
        return ""
    marked, letters = harakat_share(texts)
    if not letters or marked >= HARAKAT_SHARE * letters:
        return ""
    return (
        f"{UNVOCALISED_SAID} ({marked} of its {letters} letters carry a vowel mark): "
        "espeak-ng then reads its words without their short vowels, so they cannot show where the mouth "
        "opens; write the harakat (fatha, damma, kasra) or leave the script out"
    )


# writing systems set without spaces between words, as their scripts are named in a refusal: a line
# in them is one "word" to str.split, so their letters are counted instead
_UNSPACED = {"CJK": "Chinese characters", "THAI": "Thai letters", "LAO": "Lao letters",
             "KHMER": "Khmer letters", "MYANMAR": "Burmese letters"}  # fmt: skip


def _unspaced(scripts: dict[str, int]) -> str:
    """How a script written without spaces is named ("Japanese kana and kanji", "Chinese characters",
    "Thai letters"), else "". Japanese, Chinese and Thai put no space between words, so a line is one
    "word" to str.split: "1 of its 2 words" or "none of its 2 words" was said of a two-line script
    (review rv41c F4); its letters are counted instead. Hangul is written with spaces: words stay."""
    if scripts.get("HIRAGANA", 0) + scripts.get("KATAKANA", 0):
        return "Japanese kana and kanji" if "CJK" in scripts else "Japanese kana"
    other = {k: v for k, v in scripts.items() if k != "LATIN"}
    most = max(other, key=lambda k: other[k]) if other else ""
    return _UNSPACED.get(most, "")


def other_letters(texts: list[str], language: str | None) -> tuple[str, str]:
    """(why lines given as English are refused when most of their letters are in another writing
    system, the panel language those letters name or ""), else ("", ""). Judged on the letters: a
    Russian script with "9:30" in it holds a word the English aligner spells, and was refused later
    for a wrong reason, never told its language (review rv39h F5)."""
    from .directions import dropped

    if not is_english(language):
        return "", ""
    said = [dropped(text) for text in texts]
    scripts = _scripts(" ".join(said))
    if sum(v for k, v in scripts.items() if k != "LATIN") <= sum(scripts.values()) / 2:
        return "", ""
    written = [w for text in said for w in text.split() if any(ch.isalnum() for ch in w)]
    latin = sum(1 for w in written if "LATIN" in _scripts(w))
    flag = flag_for_letters(said)
    ask = NOT_ENGLISH_ASK.format(flag=flag)
    unspaced = _unspaced(scripts)
    if unspaced:  # written without spaces: a line is no word, its letters are counted
        other = sum(v for k, v in scripts.items() if k != "LATIN")
        why = f"its lines are written in {unspaced} ({other} of its {sum(scripts.values())} letters); {ask}"
    elif latin:
        why = f"{len(written) - latin} of its {len(written)} words are not written in English letters; {ask}"
    else:
        why = f"none of its {len(written)} words is written in English letters; {ask}"
    code = flag.split()[-1]
    return why, code if code in _LETTERS else ""


# Languages beside the panel's, written in the same letters, that espeak-ng reads in its own voice:
# a Russian script given as Ukrainian or Bulgarian, a Hindi one given as Urdu, was drawn with no check
# (review rv39h F7: Russian as Ukrainian rounding 0.917 -> 0.821, as Bulgarian closure 100 % -> 89 %;
# Hindi as Urdu F/V 1.000 -> 0.845). The letters decide: Russian writes ы э ё (and ъ), which Ukrainian
# never writes and Bulgarian never writes but ъ; neither writes і ї є ґ, which Ukrainian does. Urdu
# is written in Arabic letters, Hindi in Devanagari.
_RUSSIAN_ONLY = {"uk": "ыэъё", "bg": "ыэё"}
# and everyday Russian words each neighbour says otherwise (Ukrainian: і, що, це, дякую, будь ласка;
# Bulgarian: че, това, моля, благодаря), only words the neighbour never writes itself: Bulgarian's past
# tense is купил, купила too (е купила, съм купил), Ukrainian points with он ("он він іде", there)
_RUSSIAN_WORDS = {
    "uk": ("и", "что", "это", "она", "как", "очень", "нет", "спасибо", "хорошо", "сегодня", "пожалуйста",
           "меня", "тебя", "его", "говорит", "сейчас", "здесь", "где", "когда", "почему"),
    "bg": ("что", "это", "он", "она", "очень", "нет", "спасибо", "хорошо", "сегодня", "пожалуйста", "меня",
           "тебя", "мне", "сейчас", "здесь", "где", "когда", "почему"),
}  # fmt: skip
_UKRAINIAN_ONLY = "іїєґ"
_RUSSIAN_SIGNS = 2  # at least this many of Russian's own letters, and none of Ukrainian's
_DEVANAGARI_FOR = ("ur",)  # languages written in Arabic letters whose speakers' neighbour writes Devanagari


def _given_name(code: str) -> str:
    """A language's name for a message: the panel's, else its first English name, else the tag."""
    name = language_name(code)
    return language_names.NAMES.get(code, (name,))[0] if name == code else name


def neighbour_letters(texts: list[str], language: str | None) -> tuple[str, str]:
    """(why lines given in a neighbour of a panel language are refused, that panel language) when
    their letters say they are the panel one: Russian given as Ukrainian or Bulgarian, Hindi in
    Devanagari given as Urdu; ("", "") otherwise."""
    code = normalise(language).split("-")[0]
    text = " ".join(texts).lower()
    if code in _RUSSIAN_ONLY:
        import re

        words = re.findall(r"\w+", text)
        seen = [ch for ch in dict.fromkeys(text) if ch in _RUSSIAN_ONLY[code]]
        said = [w for w in dict.fromkeys(words) if w in _RUSSIAN_WORDS[code]]
        count = sum(text.count(ch) for ch in seen) + sum(words.count(w) for w in said)
        seen += [repr(w) for w in said]
        if count < _RUSSIAN_SIGNS or any(ch in text for ch in _UKRAINIAN_ONLY):
            return "", ""
        return (
            f"{LOOKS_SAID} Russian ({', '.join(seen[:4])}, which {_given_name(code)} does not use), not "
            f"{_given_name(code)}; give --transcript-language ru (panel: Script Language)",
            "ru",
        )
    if code in _DEVANAGARI_FOR:
        scripts = _scripts(text)
        if scripts.get("DEVANAGARI", 0) <= sum(scripts.values()) / 2:
            return "", ""
        return (
            f"its lines are in Devanagari, as Hindi is written, not in {_given_name(code)}'s Arabic letters; "
            "give --transcript-language hi (panel: Script Language)",
            "hi",
        )
    return "", ""


# the panel languages whose voices read a word in Latin letters as English (names and English words in
# an Indian, Arab, Russian or Korean script): a character whose lines are mostly in Latin letters is
# then read as English, whatever language they are in (review rv39h F4: Turkish lines under Russian,
# closure 97 % -> 84 %, F/V 0.993 -> 0.743; romanised Hindi under Hindi, rounding 1.000 -> 0.769)
_ENGLISH_FOR_LATIN = ("ru", "ar", "hi", "ko")


def latin_lines(texts: list[str], language: str | None) -> tuple[str, str]:
    """(why a character's lines are refused when most of their letters are Latin under a language
    whose voice reads Latin letters as English, the language they look written in or ""), else
    ("", ""): Turkish lines given as Russian name Turkish; Hindi in Latin letters (lines that do not
    look English) is asked for in Devanagari. Lines that look English pass: the voice reads English."""
    from .script_guess import looks_other, signs_said

    code = normalise(language).split("-")[0]
    if code not in _ENGLISH_FOR_LATIN:
        return "", ""
    scripts = _scripts(" ".join(texts))
    if scripts.get("LATIN", 0) <= sum(scripts.values()) / 2:
        return "", ""
    guess = looks_other(texts, ENGLISH)
    if guess is not None and guess.code:
        other = _guessed_code(guess.code)
        return (
            f"{LOOKS_SAID} {guess_name(other)} ({signs_said(guess)}), not {language_name(code)}, whose voice "
            f"reads Latin letters as English; give {guess_flag(other)} (panel: Script Language)",
            other,
        )
    if code == "hi":  # counted as a line is (line_language.unread): "Sure, sounds good." is English
        from .line_language import romanised, romanised_words

        hindi, counted = romanised_words(texts)
        if romanised(hindi, counted):
            return (
                f"its lines are in Latin letters that are not English ({hindi} of their {counted} words), "
                "which the Hindi voice reads as English: write Hindi in Devanagari (romanised Hindi cannot "
                "be read as said)",
                "",
            )
    return "", ""
