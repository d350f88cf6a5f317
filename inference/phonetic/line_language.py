"""The language one line in Latin letters is read in, among a Russian, Arabic, Hindi or Korean character's lines.

espeak-ng's Russian, Arabic, Hindi and Korean voices read a word in Latin letters as English, which is
right for the English names and words these scripts carry, and for a line the character says in
English ("Okay, see you tomorrow."). A character whose lines are mostly in Latin letters is judged as a
whole before drawing (``script_languages.latin_lines``), but one Latin line among Cyrillic or Devanagari
ones was read as English with no word said: a Russian character's Turkish line ("Evet, ama akşam işe
gitmem lazım.") or a Hindi character's line in romanised Hindi put English sounds under the lips.

What an animator expects is the line said in the language it is written in. So a line mostly in Latin
letters whose letters and commonest words name one language espeak-ng speaks
(:func:`.script_guess.likely_language`: ş and "ama" say Turkish, ¿ and "muy" Spanish) is read in that
language's voice; a line that looks English, or whose words tell no language, is read as English, as
the voice always did, and so does an English line whose letters alone point elsewhere: a loanword or
a few names ("Thanks, señora, see you mañana.") do not make it Spanish (:func:`_mostly_english`). Under
Hindi, a line whose words are mostly romanised Hindi or not English ("Main kal office ja raha hoon",
"Main theek hoon": the dictionary knows main, kal, ja and hoon, so the commonest words of romanised
Hindi count for Hindi, :data:`ROMANISED_HINDI`) is said as no voice can read it: that line keeps the
engine's lips (:func:`unread`), as a character whose lines are all romanised does. The character's report lists the
lines read in another language, and the command line names them once (``transcript.draw_lips``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import directions

if TYPE_CHECKING:
    from .script_guess import Guess

# the voices that read Latin letters as English (script_languages' panel codes)
ENGLISH_FOR_LATIN = ("ru", "ar", "hi", "ko")
ENGLISH = "en"
# a Hindi line in Latin letters is romanised Hindi when at least this share of its words (and this
# many) are romanised Hindi's or not in the English dictionary (English prose: at most 0.20,
# script_languages.NOT_ENGLISH_SHARE). Two words, not three: "Meeting kab hai?", "Mujhe chai chahiye."
# passed as English; of 319 English and foreign lines (the lite corpus, real speech, the tests' own)
# and 63 short everyday English ones ("Hi!", "Sure, sounds good.") no English line is counted
# romanised at two
ROMANISED_SHARE = 0.5
ROMANISED_WORDS = 2
# the commonest words of romanised Hindi, which the English dictionary mostly also holds (main, kal,
# ja, hoon) or reads as English (hai): each counts for Hindi, so a short line of them ("Main theek
# hoon.") is found; none is a common English word but main, which alone does not make half a line
ROMANISED_HINDI = frozenset(
    "main mein hai hain hoon hun ho tha thi nahi nahin na kya kyun kyon kaise kahan kab kaun "
    "ja jaa jao jana raha rahi rahe kar karo karna karta karti kiya gaya gayi tum aap hum mujhe mera "
    "meri mere tera teri tumhara tumhe hamara unka uska yeh woh ye wo kal aaj abhi phir bahut accha "
    "acha achha theek thik haan ji bhai yaar chalo chal ghar kuch sab bhi toh pata chahiye lekin aur "
    "ek ka ki ke ko se wala wali dekho suno bolo".split()
)


@dataclass(frozen=True)
class LineReading:
    """How a Latin-letter line of such a character is read: ``code`` the language (``en``, ``tr``),
    ``signs`` what showed it (letters and words, as :func:`.script_guess.signs_said` quotes them)."""

    code: str
    signs: str = ""


def _own(language: str | None) -> str:
    from .script_languages import normalise

    return normalise(language).split("-")[0]


def is_latin_line(text: str, language: str | None) -> bool:
    """Whether ``text`` is a line mostly in Latin letters in the lines of a character given a
    language whose voice reads Latin letters as English (a name among Cyrillic words is not)."""
    from .script_languages import _scripts

    if _own(language) not in ENGLISH_FOR_LATIN:
        return False
    scripts = _scripts(directions.dropped(text))
    return scripts.get("LATIN", 0) > sum(scripts.values()) / 2


def reading(text: str, language: str | None) -> LineReading | None:
    """The language a line of a ``language`` character is read in when it is mostly Latin letters
    (:func:`is_latin_line`): another language its letters and words name, else English; None for the
    character's own lines."""
    from .script_guess import likely_language, looks_other, signs_said
    from .script_languages import _guessed_code

    if not is_latin_line(text, language):
        return None
    said = [directions.dropped(text)]
    strong = looks_other(said, ENGLISH)
    guess = strong or likely_language(said)
    if guess is None or not guess.code or guess.code == ENGLISH or not (strong or _shown(guess)):
        return LineReading(ENGLISH)
    if _mostly_english(said[0]):
        return LineReading(ENGLISH)  # an English line with a loanword or names: "see you mañana"
    return LineReading(_guessed_code(guess.code), signs_said(guess))


def _mostly_english(text: str) -> bool:
    """Whether ``text`` is an English line that carries a loanword or names ("Thanks, señora, see you
    mañana.", "I met Señor López at the café in São Paulo."): more of its words are English than not,
    one of them among English's commonest (the, you, is). A capitalised word after the first is a name
    and counts for neither side; a word on another language's list of commonest words and not on
    English's (la, de), or one with an accent, is not English. The dictionary alone knows perro, agua and fuente, so
    "El perro blanco bebe agua de la fuente." has no common English word and stays Spanish."""
    import unicodedata

    from .script_guess import _SHARED
    from .script_languages import _english_words

    known = _english_words()
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text))
    english = other = 0
    common = False
    for i, word in enumerate(words):
        if i > 0 and word[0].isupper():
            continue
        word = word.lower()
        sharers = _SHARED.get(word, [])
        if word.isascii() and word in known and (not sharers or "en" in sharers):
            english += 1
            common = common or "en" in sharers
        else:
            other += 1
    return common and english > other


def _shown(guess: Guess) -> bool:
    """Whether the likely language of one line is shown clearly enough to read the line in it: by a
    letter of its own (ş, ñ, ß) or by three signs (the strong test, :func:`.script_guess.looks_other`,
    always is). On 95 English lines (the README's, the lite corpus's, real speech) none is then named
    another language; of the lite corpus's 64 sentences in es, fr, de, it, pt, tr, nl and pl, 45 are
    named right and the other 19 read as English, as before (a line alone is thin evidence: "is met"
    leans Dutch)."""
    return len(guess.signs) >= 3 or any(len(sign) == 1 and not sign.isascii() for sign in guess.signs)


def voice(text: str, language: str | None, tagged: str | None = None) -> str | None:
    """The espeak-ng voice a line is read in when it is not the character's (a Latin line that looks
    another language: ``tr``); None to read it in the character's voice (its own lines, and English,
    which that voice reads itself). ``tagged``, the language the line's speaker tag gives it
    (``A (fr):``, ``transcript.Line.language``), is read in its voice whatever the letters look: the
    writer knows a short French line ("Merci, Paul.") the guess cannot tell from English."""
    from .script_languages import espeak_voice

    if tagged:
        return espeak_voice(tagged)
    read = reading(text, language)
    if read is None or read.code == ENGLISH:
        return None
    return espeak_voice(read.code)


def romanised_words(texts: list[str]) -> tuple[int, int]:
    """(how many of ``texts``' words count for romanised Hindi: on :data:`ROMANISED_HINDI` or unknown
    to the English dictionary, capitalised or not; how many words were counted). One count for a line
    (:func:`unread`) and for a character's whole script (``script_languages.latin_lines``), so both
    tell romanised Hindi from English alike."""
    from .script_languages import not_english_words

    unknown, counted = not_english_words([text.lower() for text in texts])
    strange = set(unknown)
    words = [w.strip(".,;:!?\"'()[]{}") for text in texts for w in directions.dropped(text).lower().split()]
    return sum(1 for w in words if w in ROMANISED_HINDI or w in strange), counted


def romanised(hindi: int, counted: int) -> bool:
    """Whether ``hindi`` of ``counted`` words (:func:`romanised_words`) make romanised Hindi: at least
    half of them, and at least two (all of a one-word line's)."""
    return hindi >= min(ROMANISED_WORDS, counted) and hindi >= ROMANISED_SHARE * counted and hindi > 0


def unread(text: str, language: str | None) -> str:
    """Why a Hindi character's line in romanised Hindi is not drawn, else "": the Hindi voice reads
    Latin letters as English, and no voice reads romanised Hindi as it is said."""
    if _own(language) != "hi" or not is_latin_line(text, language):
        return ""
    read = reading(text, language)
    if read is not None and read.code != ENGLISH:
        return ""  # another language, read in its voice
    hindi, counted = romanised_words([text])
    if not romanised(hindi, counted):
        return ""
    return (
        f"it is in Latin letters that are not English ({hindi} of its {counted} words), which the Hindi "
        "voice reads as English: write Hindi in Devanagari (romanised Hindi cannot be read as said)"
    )
