"""Stage directions in a script line, which nobody says: dropped before a line is read or aligned.

Scripts and subtitle text pasted into a transcript carry what the character does, not what they
say: ``(laughs)``, ``[laughter]``, ``[MUSIC]``, ``{\\an8}``, ``<i>…</i>``, ``♪``. Read aloud, the
lips mouth words nobody says and the aligner spends the voice on them. What is dropped (the
conventions of screenplays and SDH subtitles, SRT and WebVTT):

* anything in round, square or curly brackets, ASCII or full-width, and in 【】 〔〕 (parentheticals,
  sound descriptions, ASS override tags ``{\\an8}`` SRT files carry), nested ones whole; a word a
  script means said is written without brackets. A bracket closes only its own kind (``a (b [c) d]``
  drops nothing: no group is written whole) and only within the one line: callers drop directions
  line by line, never on a character's lines joined (a ``(`` in one line and a ``)`` three lines
  on would eat every line between). A bracket left unpaired is no word and is dropped alone, its
  words kept (``(laughs well`` says ``laughs well``), so dropped text joined holds no bracket to pair;
  an emoticon's bracket (``:(``, ``;-)``, ``>:(``, ``(:``, ``):``) is no bracket: the emoticon goes,
  the words around it stay. A kana reading in brackets right after kanji is
  their written-out reading and takes their place (``東京（とうきょう）`` -> ``とうきょう``; the Japanese
  reader drops directions with this function too);
* ruby (furigana) as Aozora Bunko, web novels and script tools write it, ``｜赤狐《あかぎつね》``
  (``|`` ASCII too) or ``電柱《でんちゅう》`` right after kanji: the kana in 《》 is what is said, so it
  takes the base's place (the base alone was read with its dictionary reading and then the ruby again,
  the ``｜`` left in: review rv41c F1, closure 90 % -> 67 %);
* markup tags (``<i>``, ``</b>``, ``<font color="…">``, WebVTT's ``<v Bob>``, ``<c.yellow>`` and
  ``<00:01.500>``); the words inside them are said (italics mark a voice off screen);
* the music signs ♪ ♫ ♬ ♩; the words between them are kept, as a character may sing them.

Quotation marks and title brackets (「」 《三国志》 〈〉) hold words that are said and are kept: 《》 is
ruby only with kana inside, after kanji or a ``｜``. A line
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
# the kinds of bracket: an opener pairs only with a closer of its own kind (ASCII or full-width)
_KINDS = (("(（", ")）"), ("[［", "]］"), ("{｛", "}｝"), ("【", "】"), ("〔", "〕"))
_OPEN, _CLOSE = "".join(o for o, _c in _KINDS), "".join(c for _o, c in _KINDS)
_ANY = re.escape(_OPEN + _CLOSE)
# an innermost bracketed group of one kind (no bracket of any kind inside): dropped until none is
# left, so nested groups go whole and crossed ones ("(b [c) d]") pair none
_GROUP = re.compile("|".join(f"[{re.escape(o)}]([^{_ANY}]*)[{re.escape(c)}]" for o, c in _KINDS))
_STRAY = str.maketrans(dict.fromkeys(_OPEN + _CLOSE, " "))
# an emoticon, whose bracket opens or closes nothing: eyes, an optional nose, mouths (":(", ";-)",
# ":'(", ">:[", ":((") not written against a word before or after; or the other way round ("(:",
# "):", "(-:") with a space or the line's edge on both sides ("(O.S.):" and "(quietly): go" close
# a group)
_BR = re.escape("()[]{}")
_EMOTICON = re.compile(
    rf"(?<![\w{_BR}])>?[:;=][-'^o]?[{_BR}]+(?![\w{_BR}])|(?<!\S)[{_BR}]+[-'^o]?[:;=]<?(?!\S)"
)
# a reading in kana, written out in brackets after kanji (東京（とうきょう）), which takes their place
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30faー・ 　]+")
_MUSIC = str.maketrans(dict.fromkeys("♪♫♬♩", " "))
# ruby: "｜base《kana》" (the base is what the bar marks) or "kanji《kana》" (the kanji right before it)
_RUBY = re.compile(r"[｜|]([^｜|《》\n]+)《([\u3041-\u3096\u30a1-\u30faー・]+)》")
_KANJI_RUBY = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]+《([\u3041-\u3096\u30a1-\u30faー・]+)》"
)
# a letter of a script written with spaces between words: a group written against one ("my(laughs)
# brother") leaves a space, not "mybrother"; kana and kanji are written without spaces
_SPACED = "A-Za-z0-9\u00c0-\u024f\u0370-\u052f\u0590-\u06ff\u0900-\u0dff\u0e00-\u0eff\uac00-\ud7af"
_AGAINST = re.compile(f"(?<=[{_SPACED}])(?=[{re.escape(_OPEN)}])|(?<=[{re.escape(_CLOSE)}])(?=[{_SPACED}])")


def dropped(text: str) -> str:
    """``text`` without its stage directions and markup (see the module's notes): ``"(laughs) well
    [laughter]"`` -> ``" well "``; ``"<i>Who's there?</i>"`` -> ``"Who's there?"``. Spacing is left
    as it falls (each reader splits or keeps it as it does for any line); ``text`` itself when it
    holds none."""
    if "《" in text:
        text = _KANJI_RUBY.sub(r"\1", _RUBY.sub(r"\2", text))
    if not any(ch in text for ch in "<♪♫♬♩" + _OPEN + _CLOSE):
        return text
    text = _AGAINST.sub(" ", _TAG.sub("", _BREAK.sub(" ", text)).translate(_MUSIC))
    text = _EMOTICON.sub(" ", text)
    text = _readings_in_place(text)  # one level; a kana reading after kanji takes their place
    while (less := _GROUP.sub(" ", text)) != text:
        text = less
    return text.translate(_STRAY)


def _readings_in_place(text: str) -> str:
    """``text`` with its innermost bracketed groups gone, one written-out kana reading right after
    kanji put in the kanji's place (``東京（とうきょう）へ`` -> ``とうきょうへ``), as the Japanese reader
    reads it; a group goes without a space, as kana and kanji are written without spaces (a group
    written against a spaced word was given one already)."""
    from .japanese_reading import has_kanji

    out, at = [], 0
    for m in _GROUP.finditer(text):
        head = text[at : m.start()]
        inner = next(g for g in m.groups() if g is not None).strip(" \u3000")
        if inner and _KANA.fullmatch(inner) and head and has_kanji(head[-1]):
            kanji = len(head)
            while kanji and has_kanji(head[kanji - 1]):
                kanji -= 1
            head = head[:kanji] + inner
        out.append(head)
        at = m.end()
    return "".join(out) + text[at:] if out else text
