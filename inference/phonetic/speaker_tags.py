"""A line's language written after who says it (``B (fr): Merci.``), told apart from a note in a name.

A script's speaker part and a subtitle cue's ``NAME:`` are written alike, and both may end in
brackets: a bilingual character's language tag (``B (fr)``, ``MARY [Français]``) or a note that is
part of a name (``JOHN (VO)``, ``Anna (mom)``, ``Speaker (1)``). One word in brackets cannot say
which by itself (``(CA)`` is Catalan's code and California), so the transcript reader decides once
the speakers are known (``transcript.lines_by_speaker``) and the turns reader splits a cue's
``NAME (tag):`` the same way, with the helpers here, so both read one script line alike.
"""

from __future__ import annotations

import re

from ..core.errors import DualTalkError

# the bracket group at the end of a speaker part, round or square (ASCII or full-width, as a Japanese
# or Chinese keyboard types them): "A (fr)", "B [ja]", "B（日本語）"
_AT_END = re.compile(
    r"^(?P<who>.*?\S)\s*(?:[(（](?P<round>[^()（）\[\]［］]+)[)）]|[\[［](?P<square>[^()（）\[\]［］]+)[\]］])$"
)
# one word, as a language's code or name is written (xx, pt-BR, es-419, Klingon); not a name's
# "(1)", "(Ret.)", "(V.O.)", "(CONT'D)"
_ONE_WORD = re.compile(r"[^\W\d_]+(?:[-_][^\W_]+)*")
FORMS = (
    "tag a line's language after who says it: A (fr): ... or B [ja]: ...; "
    "a stage direction goes after the colon: A: (laughs) ..."
)


def split(part: str) -> tuple[str, str] | None:
    """(who, what the brackets at the end hold) of a speaker part ending in a bracket group, else None."""
    m = _AT_END.match(part)
    return None if m is None else (m["who"], (m["round"] or m["square"]).strip())


def may_be_tag(tag: str) -> bool:
    """Whether brackets holding ``tag`` may be meant as a language: a language's name (``Português do
    Brasil``) or one word; anything else (``1``, ``Ret.``, ``V.O.``) is always part of a name."""
    from ..core import language_names

    named = language_names.tag_for(tag)
    return named != language_names.SAME and bool(named or _ONE_WORD.fullmatch(tag))


def language_of(tag: str) -> str | None:
    """The language ``tag`` names, as the engine's code (``fr``, ``en-gb``, ``French`` -> ``fr``), when
    it names one that is read here (English, or one this machine's espeak-ng speaks); else None (a
    note such as ``VO`` or ``mom``; any code while espeak-ng is missing)."""
    from .script_languages import espeak_voice, is_english, normalise

    if not may_be_tag(tag):
        return None
    code = normalise(tag)
    if is_english(code):
        return code
    try:
        espeak_voice(tag)
    except DualTalkError:
        return None
    return code


def checked(tag: str, where: str) -> str:
    """The code of the language ``tag`` names; DualTalkError in one line naming ``where`` (file and
    line), the tag and the forms a tag takes when espeak-ng does not speak it (or is missing)."""
    from .script_languages import espeak_voice, is_english, normalise

    code = normalise(tag)
    if not is_english(code):  # read by espeak-ng: one line where it lacks the language
        try:
            espeak_voice(tag, flag=f"{where}: language tag")
        except DualTalkError as exc:  # (espeak-ng missing says so without the line: named here)
            said = str(exc) if str(exc).startswith(where) else f"{where}: {exc}"
            raise DualTalkError(f"{said}; {FORMS}") from None
    return code


def meant(tag: str) -> str:
    """A hint for a speaker refused whose brackets hold a near miss of a language's name (``Frnech``):
    `` (is 'Frnech' a language tag? did you mean 'French'?)``; "" for a note (``VO``, ``mom``)."""
    from ..core import language_names

    close = language_names.closest(tag) if _ONE_WORD.fullmatch(tag) else None
    return f" (is {tag!r} a language tag? did you mean {close!r}?)" if close else ""


def cue_speaker(name: str) -> str:
    """A turns file's ``NAME (tag):`` as the script reads it: the speaker without a tag that names a
    language (``MARY (fr)`` -> ``MARY``: the same script line pasted as a subtitle cue); a note that
    names none stays in the name (``JOHN (VO)``)."""
    found = split(name)
    return found[0] if found is not None and language_of(found[1]) else name
