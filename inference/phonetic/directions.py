"""Stage directions in a script line, which nobody says: dropped before a line is read or aligned.

Scripts and subtitle text pasted into a transcript carry what the character does, not what they
say: ``(laughs)``, ``[laughter]``, ``[MUSIC]``, ``{\\an8}``, ``<i>…</i>``, ``♪``. Read aloud, the
lips mouth words nobody says and the aligner spends the voice on them. What is dropped (the
conventions of screenplays and SDH subtitles, SRT and WebVTT):

* anything in round, square or curly brackets, ASCII or full-width, and in 【】 〔〕 (parentheticals,
  sound descriptions, ASS override tags ``{\\an8}`` SRT files carry), nested ones whole; a word a
  script means said is written without brackets. A kana reading in brackets right after kanji is
  their written-out reading and takes their place (``japanese_reading.directions_dropped``:
  ``東京（とうきょう）``), as the Japanese reader does;
* markup tags (``<i>``, ``</b>``, ``<font color="…">``, WebVTT's ``<v Bob>``, ``<c.yellow>`` and
  ``<00:01.500>``); the words inside them are said (italics mark a voice off screen);
* the music signs ♪ ♫ ♬ ♩; the words between them are kept, as a character may sing them.

Quotation marks and title brackets (「」 《》 〈〉) hold words that are said and are kept. A line
that is only directions reads as nothing: it is neither drawn nor refused.
"""

from __future__ import annotations

import re

# a markup tag: a name right after "<" (<i>, </b>, <c.yellow>, <laugh>; "a < b" is no tag), one of
# subtitles' tags with attributes (<font color="...">, WebVTT's <v Bob>), or a WebVTT timestamp; not
# "x<y and y>z"
_TAG = re.compile(
    r"</?[A-Za-z][\w.-]*\s*/?>|<(?:font|v|lang|span|c)(?:\.[\w.-]+)?\s[^<>]*>|<\d{1,2}(?::\d{2}){1,2}\.\d{3}>",
    re.IGNORECASE,
)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_OPEN, _CLOSE = "([{（［｛【〔", ")]}）］｝】〕"
# an innermost bracketed group (no bracket inside): dropped until none is left, so nested groups go whole
_GROUP = re.compile(f"[{re.escape(_OPEN)}][^{re.escape(_OPEN + _CLOSE)}]*[{re.escape(_CLOSE)}]")
_MUSIC = str.maketrans(dict.fromkeys("♪♫♬♩", " "))
# a letter of a script written with spaces between words: a group written against one ("my(laughs)
# brother") leaves a space, not "mybrother"; kana and kanji are written without spaces
_SPACED = "A-Za-z0-9\u00c0-\u024f\u0370-\u052f\u0590-\u06ff\u0900-\u0dff\u0e00-\u0eff\uac00-\ud7af"
_AGAINST = re.compile(f"(?<=[{_SPACED}])(?=[{re.escape(_OPEN)}])|(?<=[{re.escape(_CLOSE)}])(?=[{_SPACED}])")


def dropped(text: str) -> str:
    """``text`` without its stage directions and markup (see the module's notes): ``"(laughs) well
    [laughter]"`` -> ``" well "``; ``"<i>Who's there?</i>"`` -> ``"Who's there?"``. Spacing is left
    as it falls (each reader splits or keeps it as it does for any line); ``text`` itself when it
    holds none."""
    if not any(ch in text for ch in "<♪♫♬♩" + _OPEN):
        return text
    from .japanese_reading import directions_dropped

    text = _AGAINST.sub(" ", _TAG.sub("", _BREAK.sub(" ", text)).translate(_MUSIC))
    text = directions_dropped(text)  # one level; a kana reading after kanji takes their place
    while (less := _GROUP.sub(" ", text)) != text:
        text = less
    return text
