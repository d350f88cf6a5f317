"""Text files users hand us (turns, transcripts, maps, job files), read as the editor that saved them meant.

Every editor on every system saves text a little differently: Windows' Notepad and PowerShell 5.1
(``>``, ``Out-File``) write UTF-16 with a byte-order mark, Notepad and Excel put a UTF-8 byte-order
mark first, old editors and PowerShell's ``Set-Content`` write the Windows code page (``José`` as
``Jos\\xe9``), Word's Shift+Enter pastes a vertical tab. A byte-order mark says the encoding for
certain, so such files are read as what they are; anything else must be UTF-8, and a file that is
not is refused in one line that names the line, shows the word and says how to save it (a code page
is never guessed: a Cyrillic or Japanese one read as Latin-1 would be wrong words, silently).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import DualTalkError

SAVE_AS_UTF8 = "save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"
# byte-order marks, longest first: UTF-32 LE's begins with UTF-16 LE's
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")
# what str.splitlines() also breaks at and no editor shows as a new line: vertical tab (Word's
# Shift+Enter, pasted), form feed (a page break), the information separators, NEL, and Unicode's line
# and paragraph separators. Inside a line they are a space.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def decode_text(raw: bytes, label: str, kind: str = "text file") -> str:
    """``raw`` as text: UTF-8 (a byte-order mark or none), or UTF-16/UTF-32 with a byte-order mark.
    Otherwise one :class:`DualTalkError` starting with ``label`` (e.g. ``"transcript scene.txt"``):
    UTF-16 without a mark, bytes that are not UTF-8 (the line and the word, as Windows-1252 reads
    it), or NUL bytes (``kind`` names what the file should have been)."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                line = _line_of(text_before(body, exc.start, codec))
                raise DualTalkError(
                    f"{label} is not valid {name} text (line {line}: it is cut short or damaged); "
                    f"{SAVE_AS_UTF8}"
                ) from None
            _refuse_nul(text, label, kind)
            return text
    if looks_utf16(raw):
        raise DualTalkError(f"{label} is UTF-16 text without a byte-order mark; {SAVE_AS_UTF8}")
    if b"\x00" in raw:  # binary (a WAV given as a script): said so, not "not UTF-8" at its first byte
        _refuse_nul(raw.decode("latin-1"), label, kind)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # a copy cut short inside its last character
            line = _byte_line(raw, exc.start)
            raise DualTalkError(
                f"{label} ends in the middle of a character (line {line}): the file is cut short; "
                "copy it again"
            ) from None
        raise DualTalkError(_not_utf8(raw, exc.start, label)) from None


def text_lines(text: str) -> list[str]:
    """The lines an editor shows: broken at CRLF, CR or LF only (``str.splitlines`` also breaks at a
    vertical tab, a form feed, U+2028..., which split a line in two and put every later line's number
    off by one), those other breaks read as spaces. A byte-order mark opening a line (two files joined
    with ``cat`` or ``copy a+b``) is dropped. A final line end makes no extra empty line."""
    lines = [line.removeprefix("\ufeff") for line in _LINE_END.split(_OTHER_BREAKS.sub(" ", text))]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def looks_utf16(raw: bytes) -> bool:
    """UTF-16 text without a byte-order mark: mostly ASCII with every other byte 0."""
    head = raw[:4096]
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even)) or (
        even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd)
    )


def escaped(text: str) -> str:
    """``text`` as a message can show it on one line: a byte that is not UTF-8 as ``\\xff`` (as the
    user typed it in ``$'\\xff'``), any other surrogate, control or format character escaped
    (``\\t``, ``\\u202e``: a right-to-left override would turn the rest of the line around)."""
    out = []
    for c in text:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(c.encode("unicode_escape").decode("ascii"))
        else:
            out.append(c)
    return "".join(out)


def typed_text(value: str) -> str:
    """A name typed on the command line, as text. Where the locale's encoding is not UTF-8
    (``LC_ALL=C`` with Python's UTF-8 mode off, ``en_US.ISO-8859-1``), Python keeps the bytes it
    could not decode as lone surrogates: ``María`` arrives as ``Mar\\udcc3\\udcada`` and matches no
    name in any file. Bytes that are UTF-8 are read as UTF-8; anything else is left as it was. For
    names only: a path's surrogates are how its bytes reach the file system again."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return value


def text_before(raw: bytes, end: int, codec: str) -> str:
    """The text of ``raw[:end]`` as far as it decodes (to count the lines before a bad byte)."""
    return raw[:end].decode(codec, errors="replace")


def _line_of(before: str) -> int:
    return len(_LINE_END.findall(before)) + 1


def _byte_line(raw: bytes, end: int) -> int:
    """The line (from 1) that byte ``end`` of undecoded ``raw`` is on."""
    return len(_LINE_END_BYTES.findall(raw[:end])) + 1


def _refuse_nul(text: str, label: str, kind: str) -> None:
    at = text.find("\x00")
    if at >= 0:
        raise DualTalkError(
            f"{label} holds NUL bytes (line {_line_of(text[:at])}), so it is binary, not a {kind}"
        )


# East Asian code pages a file not in UTF-8 may be saved in, tried in this order (a Shift_JIS file
# decodes as GBK too, into the wrong Han characters; GBK's common characters are half-width katakana
# as Shift_JIS, which a real Shift_JIS script hardly uses): Japanese Notepad before 2019, Excel's CSV
# and many subtitle tools write Shift_JIS (CP932), Chinese Windows GBK (review rv38a F6)
_EAST_ASIAN = (("cp932", "Shift_JIS"), ("gbk", "GBK"))
_WIDE_RUN = re.compile(r"[^\x00-\x7f]+")
_GLUED = re.compile(
    r"(?:(?<=[A-Za-z])[^\x00-\x7f](?![^\x00-\x7f]))|(?:(?<![^\x00-\x7f])[^\x00-\x7f](?=[A-Za-z]))"
)
_QUOTED_CHARS = 30  # of the line quoted in its code page's reading


def _east_asian(raw: bytes) -> tuple[str, str] | None:
    """(``raw`` as text, the code page's name) when the whole file decodes as Shift_JIS or GBK into
    kana, Han characters and CJK punctuation between its ASCII, else None. Latin text in
    Windows-1252 seldom decodes so (an accent before a space or line end is no valid second byte),
    and where it does its characters stand alone against Latin letters (``tr鑣``), which real text's
    seldom do."""
    import unicodedata

    for codec, name in _EAST_ASIAN:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = others = 0
        for ch in {ch for ch in text if ord(ch) > 0x7F}:
            char_name = unicodedata.name(ch, "")
            if char_name.startswith(("CJK", "HIRAGANA", "KATAKANA", "FULLWIDTH")):
                letters += 1
            # punctuation, symbols and spaces (、。「」…※) may be there; half-width katakana may not
            elif unicodedata.category(ch)[0] not in "PSZ" or "HALFWIDTH" in char_name:
                others += 1
        # one character glued to Latin letters ("tr鑣", "莂 va"), in half the runs or more: an accented
        # Latin letter and the one after it read as one Han character
        found = _WIDE_RUN.findall(text)
        glued = len(_GLUED.findall(text))
        if letters and not others and glued * 2 < len(found) and _written_so(text, found):
            return text, name
    return None


def _written_so(text: str, runs: list[str]) -> bool:
    """Positive evidence that ``text`` is Japanese or Chinese, not Latin text misread: kana, CJK
    punctuation (、。，「」), or words of two characters or more in half the runs at least. A French
    "ça va" in Windows-1252 reads in GBK as one Han character between spaces ("莂 va"), every time
    (review rv38h 2)."""
    import unicodedata

    for ch in text:
        if ord(ch) > 0x7F and unicodedata.name(ch, "").startswith(("HIRAGANA", "KATAKANA", "IDEOGRAPHIC")):
            return True
        if ch in "、。，「」『』！？（）：；":
            return True
    return sum(len(run) >= 2 for run in runs) * 2 >= len(runs) > 0


def _not_utf8(raw: bytes, start: int, label: str) -> str:
    """The one line for bytes that are not UTF-8: the line, the byte, and the word around it as
    Windows-1252 (Latin-1's superset, what Windows and old editors write) reads it; a file that
    reads cleanly as Shift_JIS or GBK, its line quoted in that reading instead (never read as it:
    a guessed code page can be wrong, and a script read wrong draws the wrong words)."""
    line = _byte_line(raw, start)
    east = _east_asian(raw)
    if east is not None:
        text, name = east
        shown = text_lines(text)[line - 1].strip() if line <= len(text_lines(text)) else ""
        if len(shown) > _QUOTED_CHARS:
            shown = shown[:_QUOTED_CHARS] + "..."
        return f"{label} is not UTF-8 text (line {line} looks saved as {name}: {shown!r}); {SAVE_AS_UTF8}"
    begin = max(raw.rfind(sep, max(0, start - 40), start) for sep in (b" ", b"\t", b"\n", b"\r")) + 1
    begin = max(begin, start - 40)
    ends = [i for i in (raw.find(sep, start, start + 40) for sep in (b" ", b"\t", b"\n", b"\r")) if i >= 0]
    word = raw[begin : min(ends, default=min(len(raw), start + 40))]
    shown = word.decode("cp1252", errors="replace")
    return (
        f"{label} is not UTF-8 text (line {line}, byte 0x{raw[start]:02X}: {shown!r} if it was saved as "
        f"Windows-1252 / Latin-1); {SAVE_AS_UTF8}"
    )
