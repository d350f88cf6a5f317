"""Turns files: who speaks when, from RTTM, Audacity labels, SRT or WebVTT.

Every parser returns :class:`Segment` objects carrying the 1-based line they came
from, so a later check (say, a turn past the audio's end) can still point at the
line. A file that does not parse raises :class:`DualTalkError` naming the line.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import DualTalkError
from ..core.inputs import check_input_file
from ..core.text_files import decode_text, text_lines, typed_text

FORMATS = ("rttm", "audacity", "srt", "vtt")
MAX_TURNS_BYTES = 20 * 1024 * 1024  # a turns file is text; anything this big is something else
# A spoken turn lasts seconds (a backchannel "mm" a quarter of one); many turns whose median is shorter
# than a 25 fps frame are not who speaks when (a label track of clicks, a subtitle file of timestamps)
MIN_MEDIAN_TURN_S = 0.04
MANY_TURNS = 50
MAX_SECONDS = 4 * 60 * 60 * 10  # timestamps beyond 40 h are typos


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    speaker: str
    line: int = 0
    recording: str = ""  # RTTM's file id: one RTTM may hold the turns of several recordings


class TurnsError(DualTalkError):
    """A turns file that does not parse; the message names file and line."""


def _fail(name: str, line: int, msg: str) -> TurnsError:
    return TurnsError(f"{name} line {line}: {msg}" if line else f"{name}: {msg}")


def _number(text: str, name: str, line: int, what: str) -> float:
    try:
        v = float(text)
    except ValueError:
        # "1,5": seconds written with a decimal comma, as a German or French keyboard writes them
        comma = (
            f"; write seconds with a decimal point ({text.replace(',', '.')})"
            if _COMMA.fullmatch(text)
            else ""
        )
        raise _fail(name, line, f"{what} {text!r} is not a number{comma}") from None
    if not math.isfinite(v):
        raise _fail(name, line, f"{what} {text!r} is not a finite number")
    return v


_COMMA = re.compile(r"[+-]?\d+,\d+")
_JOINERS = "\u200c\u200d"  # zero-width (non-)joiner: part of how Persian or Indic names are spelt


def speaker_name(text: str) -> str:
    """A speaker's name as the user reads it: without the invisible format characters (Unicode
    category Cf: the right-to-left mark an editor for Arabic or Hebrew puts at a line's start or
    beside the colon, a byte-order mark, ...), spaces collapsed. A zero-width joiner or non-joiner
    between two letters is kept (it is spelling). Transcripts and turns files both read names
    through this, so that ``\\u200fA`` is ``A`` in either. A decomposed name is composed (NFC,
    :func:`_composed`): ``José`` typed on macOS or taken from a macOS file name is ``Jose`` and a
    combining accent, the same name as the ``José`` typed elsewhere."""
    text = _composed(text)
    kept = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            inside = 0 < i < len(text) - 1 and not text[i - 1].isspace() and not text[i + 1].isspace()
            if not (ch in _JOINERS and inside):
                continue
        kept.append(ch)
    return " ".join("".join(kept).split()).strip(_JOINERS)


def _composed(text: str) -> str:
    """``text`` in NFC where it holds what macOS decomposes (a combining mark, Hangul's conjoining
    letters); other text as written (NFC would also change letters no editor decomposes, e.g. the
    Angstrom sign and CJK compatibility ideographs, which a name is spelt with on purpose)."""
    if any(unicodedata.category(ch).startswith("M") or "\u1100" <= ch <= "\u11ff" for ch in text):
        return unicodedata.normalize("NFC", text)
    return text


def strip_format_marks(text: str) -> str:
    """``text`` without format characters (category Cf) and spaces at its two ends."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or unicodedata.category(text[start]) == "Cf"):
        start += 1
    while end > start and (text[end - 1].isspace() or unicodedata.category(text[end - 1]) == "Cf"):
        end -= 1
    return text[start:end]


def _segment(start: float, end: float, speaker: str, name: str, line: int, recording: str = "") -> Segment:
    speaker = speaker_name(speaker)
    if not speaker:
        raise _fail(name, line, "no speaker name")
    if start < 0:
        raise _fail(name, line, f"start time {start:g} s is negative")
    if end <= start:
        raise _fail(name, line, f"end time {end:g} s is not after start time {start:g} s")
    if end > MAX_SECONDS:
        raise _fail(name, line, f"time {end:g} s is implausibly large")
    return Segment(float(start), float(end), speaker, line, recording)


# RTTM ---------------------------------------------------------------------------
def parse_rttm(text: str, name: str = "turns.rttm") -> list[Segment]:
    """NIST RTTM: ``SPEAKER file chan tbeg tdur <NA> <NA> name <NA> <NA>``; other types are skipped."""
    out: list[Segment] = []
    for i, raw in enumerate(text_lines(text), 1):
        line = raw.strip()
        if not line or line.startswith(";;") or line.startswith("#"):
            continue
        f = line.split()
        if f[0].upper() != "SPEAKER":
            if f[0].upper() in {"SPKR-INFO", "NOSCORE", "NO_RT_METADATA", "LEXEME", "SEGMENT", "NON-SPEECH",
                                "NON-LEX", "FILLER", "IP", "SU", "CB", "A/P", "EDIT"}:  # fmt: skip
                continue
            raise _fail(name, i, f"unknown RTTM record type {f[0]!r} (expected SPEAKER)")
        if len(f) < 8:
            raise _fail(name, i, f"RTTM SPEAKER line needs at least 8 fields, found {len(f)}")
        start = _number(f[3], name, i, "onset")
        dur = _number(f[4], name, i, "duration")
        if dur <= 0:
            raise _fail(name, i, f"duration {dur:g} s must be positive")
        out.append(_segment(start, start + dur, f[7], name, i, f[1]))
    return out


# Audacity labels -----------------------------------------------------------------
def parse_audacity(text: str, name: str = "labels.txt") -> list[Segment]:
    """Audacity label track export: ``start<TAB>end<TAB>label`` per line.

    The label is the speaker name; ``NAME: words`` (or ``NAME：words``) keeps only ``NAME``, without a
    language tag as a script line has it (``MARY (fr): Merci`` is MARY's turn). Spectral
    selection lines (starting with a tab or ``\\``) are skipped.
    """
    out: list[Segment] = []
    for i, raw in enumerate(text_lines(text), 1):
        if not raw.strip():
            continue
        if raw.startswith("\t") or raw.lstrip().startswith("\\"):
            continue  # Audacity's optional frequency line under a label
        f = raw.split("\t") if "\t" in raw else []
        if len(f) < 3:  # spaces between the fields, or a tab and spaces mixed (a hand-typed file)
            f = raw.split(None, 2)
        if len(f) < 3:
            raise _fail(name, i, "expected 'start<TAB>end<TAB>speaker' (an Audacity label line)")
        start = _number(f[0].strip(), name, i, "start time")
        end = _number(f[1].strip(), name, i, "end time")
        label = f[2].strip()
        speaker, *said = re.split("[:：]", label, maxsplit=1)
        if said:  # "MARY (fr): Merci": a script line as label, its language tag read as the script's
            speaker = _untagged(speaker)
        if end == start:
            raise _fail(name, i, f"point label at {start:g} s; a turn needs a region label (start < end)")
        out.append(_segment(start, end, speaker, name, i))
    return out


# SRT / WebVTT ----------------------------------------------------------------------
_TS = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?"
_CUE_RE = re.compile(rf"^\s*{_TS}\s*-->\s*{_TS}(?:\s+.*)?$")
_VOICE_RE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG_RE = re.compile(r"<[^>]*>")
# NAME: [NAME] (NAME), and the full-width forms a Japanese or Chinese keyboard types: NAME： 【NAME】
# ［NAME］ （NAME） (the transcript reader takes the full-width colon too)
_PREFIX_RE = re.compile(
    r"^\s*(?:-\s*)?(?:\[([^\]\n]{1,60})\]|\(([^)\n]{1,60})\)|【([^】\n]{1,60})】|［([^］\n]{1,60})］"
    r"|（([^）\n]{1,60})）|([^:：\n]{1,60}?)\s*[:：])\s*"
)


def _ts(groups: tuple[str | None, ...]) -> float:
    h, m, s, frac = groups
    if m is None or s is None:
        raise ValueError("a timestamp needs minutes and seconds")
    mm, ss = int(m), int(s)
    if mm >= 60 or ss >= 60:
        raise ValueError("minutes/seconds out of range")
    return int(h or 0) * 3600 + mm * 60 + ss + (int(frac) / (10 ** len(frac)) if frac else 0.0)


# Words a line of dialogue opens with before a colon that are said, not a speaker's name ("- Look: I
# was at work", "- Listen: don't lie"): interjections, imperatives and discourse words of the
# languages subtitles are most often written in. After a dialogue dash they are never a speaker
# (SDH's unnamed speakers, MAN: WOMAN: ALL:, and role labels are no such word).
_SAID_BEFORE_COLON = frozenset(
    """look listen wait hey hi hello well okay ok so now yes yeah yep no nope right alright please see
    note remember stop come go oh ah uh um hmm sorry thanks honestly seriously anyway and but then
    also sure fine really what why how careful quiet shh psst yo attention warning mira oye escucha
    espera bueno vale sí si pues écoute ecoute regarde attends bon alors oui non hör schau warte ja
    nein na senti guarda aspetta ecco olha escuta""".split()
) | {"listen up", "look here", "hold on", "hör mal", "guess what"}


def said_before_colon(name: str) -> bool:
    """Whether a tag is a word said before a colon (``- Look:``, ``Look:``), not a speaker's name
    (subtitle cues here, a transcript's lines in ``phonetic/transcript.py``)."""
    return " ".join(name.split()).casefold().strip(".!,") in _SAID_BEFORE_COLON


def _said_first(payload: list[str]) -> str:
    """A cue's first line's dash-led word said before a colon (``- Look:``), else ""."""
    first = strip_format_marks(_TAG_RE.sub("", payload[0])) if payload else ""
    m = _PREFIX_RE.match(first)
    name = next((g for g in m.groups() if g is not None), "") if m else ""
    return f"- {name.strip()}:" if first.startswith("-") and name and said_before_colon(name) else ""


def _said_undashed(payload: list[str]) -> str:
    """A cue's first line's word said before a colon with no dash (``Look: I was at work``), where no
    voice tag names the cue's speaker, else ""; whether it names nobody depends on the file's other
    speakers (:func:`_parse_cues`)."""
    if not payload or any(_VOICE_RE.search(text) for text in payload):
        return ""
    first = strip_format_marks(_TAG_RE.sub("", payload[0]))
    m = _PREFIX_RE.match(first)
    if m is None or first.lstrip().startswith("-") or m.group(6) is None:  # only NAME:, never [NAME]
        return ""
    name = m.group(6).strip()
    return f"{name}:" if said_before_colon(name) else ""


def _no_tag(said: str, vtt: bool) -> str:
    """Why a cue names no speaker, and how to tag it; ``said``: the word said that opens it, if any."""
    forms = "'NAME: ', '[NAME] ' or '(NAME) ' (or full-width 'NAME：', '【NAME】')"
    forms = f"'<v NAME>', {forms}" if vtt else forms
    why = f" ({said!r} is a word said, not a speaker's name)" if said else ""
    return f"cue has no speaker tag{why}; start its text with {forms}"


def _line_speaker(text: str) -> str | None:
    """The speaker a cue line opens with (``NAME:``, ``- NAME:``, ``[NAME]``, ...), if any; a dash-led
    interjection (``- Look: I was at work``) is the line's first word, not a speaker. ``NAME (fr):``
    is NAME's, as the same line of a transcript is (:func:`_untagged`)."""
    first = strip_format_marks(_TAG_RE.sub("", text))
    m = _PREFIX_RE.match(first)
    if m:
        name = next(g for g in m.groups() if g is not None)
        if first.startswith("-") and said_before_colon(name):
            return None
        if speaker_name(name) and "://" not in first:
            return _untagged(name) if m.group(6) is not None else name
    return None


def _untagged(name: str) -> str:
    """``NAME (tag):`` as a transcript reads the same script line: MARY's turn where the brackets name
    a language (``MARY (fr)``), the name whole where they hold a note (``JOHN (VO)``)."""
    from ..phonetic.speaker_tags import cue_speaker

    return cue_speaker(speaker_name(name))


def _cue_speaker(payload: list[str]) -> str | None:
    for text in payload:
        m = _VOICE_RE.search(text)
        if m:
            return m.group(1)
    return _line_speaker(payload[0]) if payload else None


def _cue_others(payload: list[str], speaker: str) -> tuple[list[str], list[str]]:
    """Speakers tagged in a cue besides its first: a subtitle gives two people speaking at once one
    cue (``- ANN: and the water`` / ``- BOB: yeah``, or two ``<v>`` tags). Returns (sure, maybe):
    a ``<v NAME>`` tag is always a speaker (WebVTT's own speaker markup), and so is a dash-led
    ``- NAME:`` line in a cue written as dialogue (its first line dash-led or voice-tagged); any
    other later line that opens with ``NAME:`` or ``[NAME]`` may be prose ("Note: ...") and is a
    speaker only if that name opens a cue of its own."""
    sure = [m.group(1) for text in payload for m in _VOICE_RE.finditer(text)]
    maybe: list[str] = []
    dialogue = bool(payload) and (_VOICE_RE.search(payload[0]) is not None or _dash_led(payload[0]))
    for text in payload[1:]:
        if _VOICE_RE.search(text):
            continue
        n = _line_speaker(text)
        if n:
            (sure if dialogue and _dash_name(text) else maybe).append(n)
    return _other_names(sure, speaker), _other_names(maybe, speaker)


def _other_names(names: list[str], speaker: str) -> list[str]:
    out: list[str] = []
    for n in map(speaker_name, names):
        if n and n != speaker_name(speaker) and n not in out:
            out.append(n)
    return out


def _dash_led(text: str) -> bool:
    return strip_format_marks(_TAG_RE.sub("", text)).startswith("-")


# "- BOB: yeah": a dash, a name of at most three words, a colon not followed by a digit ("- at 10:30")
_DASH_NAME_RE = re.compile(r"^-\s*[^\W\d_][^:：\n\[\]()\s]*(?:\s+[^:：\n\[\]()\s]+){0,2}\s*[:：](?!\d)")


def _dash_name(text: str) -> bool:
    """Whether a dialogue cue's later line ``- NAME:`` names its speaker for sure: the name written
    as a name (its first letter not lower case: ``- ANN:``, ``- Bob:``) and no word said before a
    colon (``- Listen:``); other tags count only when the name opens a cue of its own."""
    m = _DASH_NAME_RE.match(strip_format_marks(_TAG_RE.sub("", text)))
    if m is None:
        return False
    name = m.group(0).lstrip("-").strip().rstrip(":：").strip()
    return not name[:1].islower() and not said_before_colon(name)


def _parse_cues(text: str, name: str, vtt: bool) -> list[Segment]:
    lines = text_lines(text)
    out: list[Segment] = []
    others: list[tuple[list[str], list[str]]] = []  # each cue's other tagged speakers (sure, maybe)
    opened_by_said: list[tuple[int, int, str]] = []  # cues opened by "Look:" with no dash: (index, line, tag)
    i = 0
    if vtt:
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines) or not lines[i].lstrip("\ufeff").startswith("WEBVTT"):
            raise _fail(name, i + 1 if i < len(lines) else 1, "a WebVTT file must start with 'WEBVTT'")
        i += 1
        while i < len(lines) and lines[i].strip():  # header lines
            i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        head = block[0].strip()
        if (
            vtt
            and (
                head.startswith("NOTE")
                or head in ("STYLE", "REGION")
                or head.startswith(("STYLE ", "REGION "))
                # a second file's header, the two files joined (cat a.vtt b.vtt)
                or (head.startswith("WEBVTT") and not any("-->" in b for b in block[:2]))
            )
        ):
            continue
        # optional identifier (SRT: the cue number) then the timing line
        t_idx = next((k for k, b in enumerate(block[:2]) if "-->" in b), None)
        if t_idx is None:
            raise _fail(name, block_start + 1, "expected a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm'")
        line_no = block_start + t_idx + 1
        m = _CUE_RE.match(block[t_idx])
        if not m:
            raise _fail(name, line_no, f"bad timing line {block[t_idx].strip()[:60]!r}")
        try:
            start, end = _ts(m.groups()[:4]), _ts(m.groups()[4:])
        except ValueError:
            raise _fail(name, line_no, "minutes and seconds must be below 60") from None
        payload = [b for b in block[t_idx + 1 :]]
        speaker = _cue_speaker(payload)
        if speaker is None:
            raise _fail(name, line_no, _no_tag(_said_first(payload), vtt))
        said = _said_undashed(payload)
        if said:
            opened_by_said.append((len(out), line_no, said))
        out.append(_segment(start, end, speaker, name, line_no))
        others.append(_cue_others(payload, speaker))
    # a cue opened by a word said before a colon with no dash ("Look: I was at work") is no speaker
    # where the file names two others (ANN and BOB, A and B): it was a third speaker, and the file was
    # refused as naming three, pointing at no line. A file naming no two others keeps it (MIRA and TOM:
    # Mira is a name too).
    said_at = {i for i, _l, _s in opened_by_said}
    named = {speaker_name(g.speaker).casefold() for i, g in enumerate(out) if i not in said_at}
    if opened_by_said and len(named) >= 2:
        _i, line_no, said = opened_by_said[0]
        raise _fail(name, line_no, _no_tag(said, vtt))
    # a later tag names a speaker: a voice tag or a dialogue dash line always (Bob's "yeah" under Ann
    # in every cue is still Bob), any other line's tag only when that name also opens a cue of its own
    # (a line of the text such as "Note: ..." is not a third speaker). A name is spelt as the cue that
    # opens with it spells it (<v bob> under Ann, Bob's own cues <v Bob>: Bob), else as first tagged.
    spelt = {g.speaker.casefold(): g.speaker for g in out}
    for sure, _maybe in others:
        for n in sure:
            spelt.setdefault(n.casefold(), n)
    opened = {g.speaker.casefold() for g in out}
    both: list[Segment] = []
    for g, (sure, maybe) in zip(out, others, strict=True):
        both.append(g)
        tagged = sure + [n for n in maybe if n.casefold() in opened]
        found = dict.fromkeys(spelt[n.casefold()] for n in tagged)
        both += [_segment(g.start, g.end, n, name, g.line) for n in found if n != g.speaker]
    return both


def parse_srt(text: str, name: str = "turns.srt") -> list[Segment]:
    """SubRip cues whose text starts with ``NAME:``, ``[NAME]`` or carries ``<v NAME>``."""
    return _parse_cues(text, name, vtt=False)


def parse_vtt(text: str, name: str = "turns.vtt") -> list[Segment]:
    """WebVTT cues with ``<v NAME>`` voice tags or ``NAME:`` prefixes."""
    return _parse_cues(text, name, vtt=True)


PARSERS = {"rttm": parse_rttm, "audacity": parse_audacity, "srt": parse_srt, "vtt": parse_vtt}


def sniff_format(text: str, suffix: str = "") -> str:
    """Pick a parser from the extension, else from the content."""
    suffix = suffix.lower().lstrip(".")
    if suffix in ("rttm",):
        return "rttm"
    if suffix in ("srt",):
        return "srt"
    if suffix in ("vtt", "webvtt"):
        return "vtt"
    head = text.lstrip("\ufeff").lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    first = next((ln for ln in text_lines(head) if ln.strip() and not ln.startswith(";;")), "")
    if first.split()[:1] and first.split()[0].upper() in ("SPEAKER", "SPKR-INFO"):
        return "rttm"
    if "-->" in head[:400]:
        return "srt"
    return "audacity"


def parse_turns_text(text: str, fmt: str | None = None, name: str = "turns") -> list[Segment]:
    fmt = fmt or sniff_format(text, Path(name).suffix)
    if fmt not in PARSERS:
        raise DualTalkError(f"unknown turns format {fmt!r} (expected one of {', '.join(FORMATS)})")
    segs = PARSERS[fmt](text, name)
    if not segs:
        raise _fail(name, 0, f"no speaker turns found (read as {fmt})")
    return sorted(segs, key=lambda s: (s.start, s.end, s.line))


def read_turns(path: str | os.PathLike[str], fmt: str | None = None) -> list[Segment]:
    """Read and parse a turns file; format from the extension or the content. UTF-8 (with or
    without a byte-order mark) and UTF-16 with one (Notepad's "Unicode", PowerShell's ``>``)."""
    p = check_input_file(path, "turns file")
    try:
        size = p.stat().st_size
        if size > MAX_TURNS_BYTES:
            raise DualTalkError(f"{p.name} is {size / 1e6:.0f} MB; a turns file is a small text file")
        raw = p.read_bytes()
    except OSError as exc:
        raise DualTalkError(f"cannot read {p}: {exc.strerror or exc}") from None
    kind = "text turns file (RTTM, Audacity labels, SRT or WebVTT)"
    text = decode_text(raw, p.name, kind)
    segments = parse_turns_text(text, fmt, p.name)
    _check_turn_lengths(segments, p.name)
    return segments


def _check_turn_lengths(segments: list[Segment], name: str) -> None:
    """Refuse many turns far shorter than anyone speaks: keyed, they make both characters talk in
    flickers the recording does not hold."""
    if len(segments) < MANY_TURNS:
        return
    median = float(np.median([s.end - s.start for s in segments]))
    if median < MIN_MEDIAN_TURN_S:
        raise DualTalkError(
            f"{name} holds {len(segments):,} turns with a median length of {median * 1000:.2g} ms (a "
            "spoken turn lasts seconds): is it a turns file of who speaks when?"
        )


def for_recording(segments: list[Segment], audio: str | os.PathLike[str], name: str) -> list[Segment]:
    """The turns of the recording ``audio`` when the file holds several (an RTTM's file ids).

    Diarization corpora ship one RTTM for a whole set (AMI: every meeting of a split); the
    lines whose file id is the audio file's stem are that recording's. A file with one id
    (or none) is taken whole, whatever its id, so a renamed recording keeps its turns.
    """
    ids = list(dict.fromkeys(s.recording for s in segments if s.recording))
    if len(ids) <= 1:
        return segments
    stem = Path(audio).stem
    mine = [s for s in segments if s.recording == stem] or [
        s for s in segments if s.recording.lower() == stem.lower()
    ]
    if mine:
        return mine
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    raise DualTalkError(
        f"{name} holds the turns of {len(ids)} recordings ({shown}), none of them {Path(audio).name}; "
        "keep only this recording's lines, or name the audio file after its recording id"
    )


def speakers_in_order(segments: list[Segment]) -> list[str]:
    """Speaker names in order of first appearance in time."""
    seen: list[str] = []
    for s in sorted(segments, key=lambda s: (s.start, s.line)):
        if s.speaker not in seen:
            seen.append(s.speaker)
    return seen


def assign_speakers(segments: list[Segment], speaker_a: str | None = None) -> tuple[str, str | None]:
    """Map speakers to (A, B): first to appear is A unless ``speaker_a`` names one.

    More than two speakers is refused with their names; a single speaker gives B=None.
    """
    names = speakers_in_order(segments)
    # typed in a locale whose encoding is not UTF-8, "María" arrives as undecoded bytes
    speaker_a = None if speaker_a is None else speaker_name(typed_text(speaker_a))
    if len(names) > 2:
        raise DualTalkError(
            f"turns name {len(names)} speakers ({', '.join(names)}); DualTalk animates two - "
            "merge or relabel the others"
        )
    if speaker_a is not None:
        match = [n for n in names if n == speaker_a] or [n for n in names if n.lower() == speaker_a.lower()]
        if not match:
            raise DualTalkError(
                f"--speaker-a {speaker_a!r} is not in the turns (speakers: {', '.join(names)})"
            )
        a = match[0]
        rest = [n for n in names if n != a]
        return a, (rest[0] if rest else None)
    return names[0], (names[1] if len(names) > 1 else None)


# Writers (diarization output, tests, fuzzing) -----------------------------------------
def _clock(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def format_turns(segments: list[Segment], fmt: str, file_id: str = "take") -> str:
    """Serialise segments as ``fmt`` text (the parsers read it back to the millisecond)."""
    lines: list[str] = []
    if fmt == "rttm":
        for s in segments:
            name = "_".join(s.speaker.split())
            lines.append(
                f"SPEAKER {file_id} 1 {s.start:.3f} {s.end - s.start:.3f} <NA> <NA> {name} <NA> <NA>"
            )
    elif fmt == "audacity":
        for s in segments:
            lines.append(f"{s.start:.6f}\t{s.end:.6f}\t{s.speaker}")
    elif fmt == "srt":
        for i, s in enumerate(segments, 1):
            # a speaker named like a word said before a colon ("JA:", "Look:") reads back as that word
            # beside two other speakers: its cue is tagged [JA], which always names the speaker
            tag = f"[{s.speaker}]" if said_before_colon(s.speaker) else f"{s.speaker}:"
            lines += [str(i), f"{_clock(s.start, ',')} --> {_clock(s.end, ',')}", f"{tag} ...", ""]
    elif fmt == "vtt":
        lines += ["WEBVTT", ""]
        for s in segments:
            lines += [f"{_clock(s.start, '.')} --> {_clock(s.end, '.')}", f"<v {s.speaker}>...", ""]
    else:
        raise DualTalkError(f"unknown turns format {fmt!r} (expected one of {', '.join(FORMATS)})")
    return "\n".join(lines) + "\n"
