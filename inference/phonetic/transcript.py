"""Lips from a transcript: what each character says, aligned to their own voice, drawn as visemes.

Animators and pipeline TDs usually have the script. With it, the mouth does not have to be
guessed from sound: each character's lines are force-aligned to that character's stream
(``align.py``, pocketsphinx, English), and the viseme renderer the lite model was trained on
(``visemes.render_visemes(contact=True)``) draws the mouth from those phones. The lips then
close on every aligned /p b m/ and the lower lip meets the teeth on every /f v/, whatever
the voice or the room.

Only the mouth and jaw channels change, and only while the character says aligned words
(with short cross-fades at each stretch's ends). Everything else (head, brows, the mouth
while listening or laughing) stays the engine's, and the behaviour layer runs afterwards as
usual. A speaker with no lines keeps the engine's lips, and so does one whose lines cannot be
aligned with their voice (said in the report, the motion file's ``meta`` and the CLI's line).

The file: one line per turn, ``A: text`` or ``B: text`` (or the speakers' names from a turns
file), in the order spoken; blank lines and lines starting with ``#`` are skipped. A
character's lines are aligned together against their whole stream, then each line is judged on
its own (:func:`place_lines`): a line that does not fit the voice where it was placed (an ad-lib,
a rewritten line, a line said by the other character or not at all) keeps the engine's lips and is
named in the report, while the character's other lines are drawn. A text that does not fit at all
(another text, another language) still keeps the engine's lips for the whole character.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import math
import numbers
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..core.errors import CancelledError, DualTalkError
from ..core.inputs import check_input_file
from ..core.motion import Motion
from ..core.progress import Progress
from ..core.text_files import decode_text, text_lines
from ..core.timebase import SAMPLE_RATE
from . import directions
from .turn_edges import Placed

RECOGNISED_WORDS = "recognised words"  # how a script recognised from the voices (--recognise) is named
MAX_BYTES = 1_000_000  # a feature film's dialogue is ~150 kB; more is not a transcript
# A character's lines must be words that fit their speech before the aligners run (their cost grows
# with the words: a whole film's script handed to a 10 s shot took minutes and gigabytes, then did
# not align). People say 2-5 words a second, a fast talker 6-7; the voice-activity flags bridge short
# pauses, so a second of them holds no more. Written characters bound scripts without spaces
# (Chinese, Japanese: 4-8 a second spoken). Generous, so that a right script is never refused here.
MAX_WORDS_PER_S = 10.0
MAX_LETTERS_PER_S = 60.0
SPARE_WORDS = 40  # a line said where the voice activity missed it (a whisper, a word under the partner)
SPARE_LETTERS = 240
RAMP_S = 0.12  # cross-fade from the engine's mouth to the drawn one at each stretch's ends
JOIN_GAP_S = 0.35  # words closer than this are one stretch (no fade back between them)
PAD_S = 0.06  # the drawn mouth starts this much before the first phone (the renderer leads by 40 ms)
# An aligned /p b m f v/ tends to run into its neighbours: pocketsphinx places boundaries on a
# 10 ms grid and gives every phone at least 30 ms, so a contact drawn on its whole span shuts the
# first frame of the vowel after it. Trimming each end by up to 20 ms (at most a quarter of the
# phone; the renderer still shows the contact on the frame nearest a short one) was chosen on
# flite speech with exact phone times (open vowels shut 12 % -> 4 %, every closure kept; 30 and
# 40 ms gave the same), then checked on held-out espeak-ng voices (MODEL_CARD.md).
CONTACT_TRIM_S = 0.02
VOWEL_CLASSES = frozenset({"IY", "EH", "AE", "AA", "AO", "UW", "AH", "ER"})  # the renderer's vowel classes
LACKS_LINES = (
    ": the script lacks lines they say?"  # the coverage's likeliest cause, where nothing says another
)
RENDER_MARGIN_S = 1.0  # a part's mouth is drawn with this much of the take around it, then cut
# A transcript must fit the voice before it draws the lips (forced alignment fits any words to
# any speech: another sentence, another language, the other character's lines, a script of a few
# of the words spoken all "aligned"). Chosen on LJ Speech and espeak-ng voices with their own and
# wrong texts, checked on LibriVox (docs/engine.md, "Lips from a transcript"):
MIN_FIT = -40.0  # mean acoustic score per frame of the timed phones (pocketsphinx's units, 0 = best
# senone in each frame): own words -9..-15 on real voices, -21..-36 on espeak-ng; wrong ones -43..-57
MIN_COVER = 0.8  # share of the character's speaking frames inside the aligned words' stretches:
# own words 0.88-1.00; a script holding a third of the words 0.18-0.69, a wrong one 0.17-0.75
# A script leaves out the laughs, coughs and "mm-hmm"s the voice activity counts as speech (one
# 1.2 s laugh took a correct script's coverage from 100 % to 77 %, six mm-hmms to 73 %). A run of
# speech shorter than ASIDE_S and set apart from every aligned word by a pause of ASIDE_APART_S or
# more is taken for such a sound and not counted; a line the script lacks runs longer, or on from a
# scripted word. With it, the measured own texts stay kept, each with a 1.2 s laugh or six mm-hmms
# added now all kept (before: 6 and 5 of 48; LibriVox, a check: 2 and 0 of 5), all wrong texts
# stay refused; an espeak-ng dialogue whose script leaves out its "ha ha ha" and "mm hmm"s went
# from 79 % to 88 % (docs/engine.md). The pause was JOIN_GAP_S (0.35 s) until a laugh or "mm-hmm"
# made 0.2 s after a line was found to cost the character every line: at 0.15 s, 36 of 46 lines
# with such sounds between them are drawn on the 150 tuning takes (26 at 0.35 s; 0.10 s: also 36),
# every wrong text still refused; LibriVox, checked only, unchanged (9 of 10).
ASIDE_S = 1.5
ASIDE_APART_S = 0.15
# A whole line the script lacks (an ad-lib between scripted lines) is not counted either, while it,
# the short sounds above and the refused lines' speech are at most MAX_REFUSED of what is said
# (beyond that fewer are left out and the rest counts against MIN_COVER): it keeps the engine's lips
# and the report names when it was said. It is set apart from the words by a pause of
# UNSCRIPTED_APART_S, starts JOIN_GAP_S or more after a scripted line's speech (speech running on
# from a line is the rest of a line the script holds in part, or has wrong: a replaced line's
# leftover on real Italian and Russian prompts) and lies outside every drawn line's span (a piece
# the warp could not place is its line's). Until 2026-12-05 the pause was JOIN_GAP_S on the voice
# activity, which bridges up to ~0.3 s: an ad-lib a breath (0.2-0.45 s) before a line cost the
# character every line. Now, on 30 such tuning takes (LJ Speech and espeak-ng, MODEL_CARD.md "Ad-libs
# a breath before a line"), 106 -> 133 of 138 lines drawn (warp: 38 -> 129), and the 150 earlier
# tuning takes draw 397 -> 405 good lines, every bad line and wrong text refused as before or more.
UNSCRIPTED_APART_S = ASIDE_APART_S
# The voice activity bridges pauses up to ~0.3 s (it fills gaps of 0.2 s and keeps 40 ms either side,
# so mouths do not flicker); the transcript checks (each line's, the coverage; not the short sounds)
# read those pauses from the voice itself: PAUSE_S to BRIDGED_S of 10 ms frames PAUSE_GATE_DB below
# the loudest frame within PAUSE_AROUND_S is not speech, whatever the flags say (a longer quiet run
# is the voice activity's own call: quiet speech, not a breath; measured against the speech around
# it, a line said 25 dB softer than the rest keeps its flags).
PAUSE_S = ASIDE_APART_S
BRIDGED_S = 0.45
PAUSE_GATE_DB = 30.0
PAUSE_AROUND_S = 2.0
# untimed, acoustic, coverage, in silence; "lines": too many of the lines refused, the text judged whole
MisfitKind = Literal["phones", "fit", "cover", "silent", "lines"]
COVER_NEEDS = f"of the time the character speaks (needs {MIN_COVER:.0%})"  # after a coverage refusal's share
MIN_INSIDE = 0.5  # share of the aligned words' stretches where the character speaks (own: 0.87-1.00)
MAX_GUESSED = 1 / 3  # share of the words the phone pass could not time (own: at most 1 in 9; wrong:
# up to 5 of 8)
# Each line is judged on its own too (:func:`place_lines`), so that one ad-libbed, reworded or
# unsaid line does not cost the character every drawn line, nor mouth the wrong words. Chosen on 150
# takes of 10 scripts (4 LJ Speech, 6 espeak-ng voices; 4-5 lines, 0-2 lines replaced, left out or
# added, laughs between lines), LibriVox only checked (MODEL_CARD.md, "Per-line acceptance"):
LINE_FIT = -40.0  # a line's own acoustic fit (MIN_FIT's units): own lines -7..-22 (LJ), -15..-39
# (espeak-ng); wrong ones -38..-59 (LJ), -16..-59 (espeak-ng: the few that fit are missed)
LINE_INSIDE = 0.5  # share of a line's span where the character speaks (own lines 0.7-1.0)
LINE_GUESSED_WORDS = 3  # a line this long none of whose words the phone pass could time is refused
LINE_UNCOVERED_S = 1.0  # speech inside a line's span its words leave out (own lines: at most 0.8 s)
MAX_REFUSED = 0.5  # refusing lines that hold more of the words than this refuses the whole text
# The aligner sometimes gives a line's first or last few words to the utterance next to it (a line
# the script lacks, a laugh, the line before): a few words drawn 1-3 s from where they are said. A
# line whose first or last STRAY_WORDS words or fewer are set apart from the rest by STRAY_GAP_S
# between aligned words is aligned again alone, in the stretch of speech that holds the rest of it, and the new
# placement kept when its words fit the voice at least as well (MODEL_CARD.md, "stray words"): on
# the 150 tuning takes, with the unscripted-speech rule above, drawn lines more than 0.5 s from where
# they are said 25 of 387 -> 11 of 388 (22 of 360 before either). A line refused as split around
# speech it does not hold is aligned again alone in each stretch of speech in its span
# (MAX_WINDOWS alignments at most): 9 more good lines drawn there (388 -> 397), none far.
STRAY_WORDS = 3
STRAY_GAP_S = 0.5
MAX_WINDOWS = 4  # alignments of one line alone at most
LINE_PAUSE_S = 0.6  # a pause inside one line at most, as the windows around a line are measured
MAX_BESIDE = 8  # lines aligned again without the speech beside them, per character, at most
MAX_ROUNDS = 3  # alignments at most (unsaid lines are dropped and the rest aligned again)
log = logging.getLogger("dualtalk.transcript")
# who says it, then a colon: ":" or the full-width "：" a Japanese or Chinese keyboard types
_LINE = re.compile(r"^\s*([^:：]{1,40}?)\s*[:：]\s*(.*)$")


@dataclass(frozen=True)
class Line:
    """One line of a transcript: where it is in the file, who says it (as written) and what;
    ``language``, the language its speaker tag gives it (``A (fr):``, as ``--transcript-language``
    reads a language), else None: the character's, or the one its letters show (``line_language``)."""

    number: int
    speaker: str
    text: str
    language: str | None = None
    # the speaker part as typed where it ends in brackets ("JOHN (VO)", "B (fr)"): whether they are
    # a tag or part of a name is decided once the speakers are known (:func:`lines_by_speaker`)
    written: str = ""


def read_transcript(path: str | os.PathLike[str]) -> list[Line]:
    """The lines of a transcript file, or one-line errors naming the file and line."""
    # a pipe, a link loop or a folder is said to be one, not "not found" (docs/robustness.md section 7)
    p = check_input_file(path, "transcript")
    if p.stat().st_size > MAX_BYTES:
        raise DualTalkError(
            f"transcript {p.name} is larger than {MAX_BYTES // 1000} kB; is it the right file?"
        )
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DualTalkError(f"cannot read transcript {p}: {exc.strerror or exc}") from None
    # UTF-8, or UTF-16 with a byte-order mark (Notepad's "Unicode", PowerShell's ">"); the lines an
    # editor shows (a vertical tab from Word's Shift+Enter is a space, not a new line)
    text = decode_text(raw, f"transcript {p.name}")
    from ..audio.turns import speaker_name, strip_format_marks

    lines = []
    for number, row in enumerate(text_lines(text), 1):
        # an editor for Arabic or Hebrew marks a line's start or its colon with an invisible
        # right-to-left mark: it is neither part of the name nor of the words
        row = strip_format_marks(row)
        if not row or row.startswith("#"):
            continue
        m = _LINE.match(row)
        if m is None or not speaker_name(m.group(1)):
            raise DualTalkError(
                f"{p.name} line {number}: start the line with who says it and a colon (A: ... or B: ...)"
            )
        speaker, language, written = _as_read(speaker_name(m.group(1)), f"{p.name} line {number}")
        lines.append(Line(number, speaker, strip_format_marks(m.group(2)), language, written))
    if not any(line.text for line in lines):
        raise DualTalkError(f"transcript {p.name} has no lines (write one per turn: A: ... or B: ...)")
    return lines


def _as_read(part: str, where: str) -> tuple[str, str | None, str]:
    """(who says it, the line's language or None, the part as typed where it ends in brackets) of a
    line's speaker part, before the speakers are known: a bilingual character's line in another
    language than theirs (``A (fr): Merci.``) says so, where a guess from its letters would be thin or
    wrong. After A or B (a script's own tags) brackets that may be meant as a language (a language's
    name, or one word: ``(xx)``, ``(Frnech)``, ``(whispering)``) are one, and one that espeak-ng does
    not speak is refused here, naming ``where``, before any audio is read. After any other name they
    are taken for a tag for now when they name a language, and decided by :func:`lines_by_speaker`
    against the dialogue's names (``JOHN (VO)``, ``MARY (CA)`` in a turns file stay names)."""
    from . import speaker_tags

    found = speaker_tags.split(part)
    if found is None:
        return part, None, ""
    who, tag = found
    if _tag(who) in _AB:
        if speaker_tags.may_be_tag(tag):
            return who, speaker_tags.checked(tag, where), part
        return part, None, part
    code = speaker_tags.language_of(tag)
    return (who, code, part) if code else (part, None, part)


def _decided(line: Line, tags: dict[str, int], where: str) -> Line | None:
    """``line`` with who says it and its language decided against the speakers known (``tags``: each
    name as matched, :func:`_tag`): a speaker part that is a known name whole stays that name, untagged
    (``JOHN (VO)``, ``MARY (CA)`` from a turns file); else brackets at its end are a language tag when
    the name before them is known and they name a language (:mod:`.speaker_tags`). None when neither
    is known: an unknown speaker, as typed."""
    from . import speaker_tags

    if not line.written:
        return line if _tag(line.speaker) in tags else None
    if _tag(line.written) in tags:
        return dataclasses.replace(line, speaker=line.written, language=None)
    found = speaker_tags.split(line.written)
    if found is None or _tag(found[0]) not in tags:
        return None
    who, tag = found
    if _tag(who) in _AB:  # decided as it was read (a refused tag never gets here)
        return line if line.language else None
    if not speaker_tags.language_of(tag) and not (speaker_tags.may_be_tag(tag) and _espeak_missing(tag)):
        return None  # a note in the name (VO, mom): the name as typed is unknown
    language = speaker_tags.checked(tag, f"{where} line {line.number}")  # (or: espeak-ng is missing)
    return dataclasses.replace(line, speaker=who, language=language)


def _espeak_missing(tag: str) -> bool:
    """Whether a tag cannot be told a language for want of espeak-ng (a code needs its voices)."""
    from ..audio.tts import espeak_voices
    from .script_languages import is_english, normalise

    if is_english(normalise(tag)):
        return False
    try:
        espeak_voices()
    except DualTalkError:
        return True
    return False


def lines_by_speaker(
    lines: list[Line],
    names: tuple[str, str],
    where: str = "transcript",
    characters: tuple[str | None, str | None] | None = None,
) -> tuple[list[Line], list[Line]]:
    """(A's lines, B's lines) in order: each line goes to A or B by its tag (A/B, the dialogue's
    names, or ``characters``: the names of the scene's characters that play A and B, ``--char-a``/
    ``--char-b`` or the panel's Character A/B, as a script names its speakers: ``花子: ...``); lines
    with no text are left out. A tag that is neither is refused naming its line; one that is a word
    said before a colon (``Look: I was at work``, subtitle text pasted in: the six languages of
    ``audio/turns.said_before_colon``) is said to be one, not an unknown speaker. A character's name
    that is already the other's tag (a character named "B" playing A) keeps the tag's meaning. Each
    line is returned as it is meant once those names are known (:func:`_decided`): ``JOHN (VO)`` as
    that name where a turns file or character has it, ``MARY (fr)`` as MARY's line in French where
    MARY is known."""
    from ..audio.turns import said_before_colon

    tags = {**OTHER_AB, "a": 0, "b": 1, _tag(names[0]): 0, _tag(names[1]): 1}
    played = [name for name in characters or () if name and _tag(name)]
    for side, name in enumerate(characters or ()):
        if name and _tag(name):
            tags.setdefault(_tag(name), side)
    out: tuple[list[Line], list[Line]] = ([], [])
    for typed in lines:
        line = _decided(typed, tags, where)
        if line is None:
            known = ", ".join(dict.fromkeys(["A", "B", *names, *played]))
            speaker = typed.written or typed.speaker
            if said_before_colon(speaker):  # "Look: I was at work" pasted from a subtitle cue
                raise DualTalkError(
                    f"{where} line {typed.number}: {speaker + ':'!r} is a word said, not who says it; "
                    f"start the line with who says it ({known}), e.g. 'A: {speaker}: ...'"
                )
            raise DualTalkError(
                f"{where} line {typed.number}: unknown speaker {speaker!r}{_look_alike(speaker)}"
                f"{_tag_meant(speaker)} (expected {known})"
            )
        if line.text:
            out[tags[_tag(line.speaker)]].append(line)
    return out


def _tag_meant(speaker: str) -> str:
    """For an unknown speaker ending in brackets that hold a near miss of a language's name, the hint."""
    from . import speaker_tags

    found = speaker_tags.split(speaker)
    return speaker_tags.meant(found[1]) if found else ""


# A and B as scripts in other alphabets write them: Cyrillic А/Б and Greek Α/Β (the first two letters
# of the alphabet, as "А:"/"Б:" in a Russian transcript), and 甲/乙, the first and second of a Chinese
# dialogue (crosstalk scripts, textbooks). A dialogue's own names (from a turns file) come first.
OTHER_AB = {"а": 0, "б": 1, "α": 0, "β": 1, "甲": 0, "乙": 1}
_AB = frozenset({"a", "b", *OTHER_AB})  # a script's own tags, known before any name is


def _look_alike(speaker: str) -> str:
    """What a one-letter tag that is no Latin letter is, when it is not an A or B of its own alphabet:
    Cyrillic В and Greek Ε... look like Latin letters, and "unknown speaker 'В' (expected A, B)" read
    as nonsense."""
    import unicodedata

    from ..audio.turns import speaker_name

    tag = unicodedata.normalize("NFKC", speaker_name(speaker))
    if len(tag) != 1 or tag.isascii() or not tag.isalpha():
        return ""
    return f" (the {unicodedata.name(tag, 'letter').lower()}, not a Latin letter)"


def _tag(speaker: str) -> str:
    """A speaker tag as it is matched: full-width letters (``Ａ``, typed by a Japanese or Chinese
    keyboard in full-width mode, and shown like ``A``) as their usual width, any case, without the
    invisible marks a right-to-left editor adds."""
    import unicodedata

    from ..audio.turns import speaker_name

    return unicodedata.normalize("NFKC", speaker_name(speaker)).casefold()


def texts_by_speaker(
    lines: list[Line],
    names: tuple[str, str],
    where: str = "transcript",
    characters: tuple[str | None, str | None] | None = None,
) -> tuple[str, str]:
    """(A's words, B's words): each line goes to A or B by its tag (A/B, the dialogue's names or the
    characters', :func:`lines_by_speaker`)."""
    a, b = lines_by_speaker(lines, names, where, characters)
    return " ".join(line.text for line in a), " ".join(line.text for line in b)


def trim_contacts(phones: list[Any], trim: float = CONTACT_TRIM_S) -> list[Any]:
    """``phones`` with each bilabial and labiodental shortened by ``trim`` at both ends (at most a
    quarter of its length), the others as they are."""
    from ..audio.tts import Phone
    from .visemes import viseme_classes

    out = []
    for p in phones:
        if viseme_classes(p) in (("PBM",), ("FV",)):
            d = min(trim, 0.25 * (p.end - p.start))
            p = Phone(p.symbol, p.start + d, p.end - d, p.alphabet)
        out.append(p)
    return out


def _stretches(words: list[tuple[str, float, float]]) -> list[list[float]]:
    """The words' spans joined across pauses shorter than ``JOIN_GAP_S``, in time order."""
    spans: list[list[float]] = []
    for _word, start, end in sorted(words, key=lambda x: x[1]):
        if spans and start - spans[-1][1] < JOIN_GAP_S:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return spans


def frame_centres(n: int, fps: float, offset: float = 0.0, first: int = 0) -> np.ndarray:
    """(n,) the second each of ``n`` motion frames' centre lies at, from frame ``first`` of a motion
    whose frame 0 starts at second ``offset``: the one rule by which spans in seconds (words, lines,
    stretches heard) become frames, so a part and the whole take meet at the same seconds."""
    return (np.arange(n) + first + 0.5) / fps + offset


def in_spans(t: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    """(len(t),) bool: whether each second of ``t`` lies inside one of ``spans`` (start in, end out)."""
    out = np.zeros(len(t), bool)
    for start, end in spans:
        out |= (t >= start) & (t < end)
    return out


def _spans(spans: Sequence[tuple[float, float]], n: int, fps: float, offset: float) -> np.ndarray:
    """(n,) per motion frame (the first at second ``offset``): inside one of ``spans`` (seconds)."""
    return in_spans(frame_centres(n, fps, offset), spans)


def _covered(words: list[tuple[str, float, float]], n: int, fps: float, offset: float) -> np.ndarray:
    """(n,) per motion frame (the first at second ``offset``): inside the words' stretches."""
    return _spans([(start, end) for start, end in _stretches(words)], n, fps, offset)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame of each run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _joined(mask: np.ndarray, join: float) -> list[tuple[int, int]]:
    """(start, end) frame of each run of True in ``mask``, runs closer than ``join`` frames joined."""
    groups: list[list[int]] = []
    for start, end in _runs(mask):
        if groups and start - groups[-1][1] < join:
            groups[-1][1] = end
        else:
            groups.append([start, end])
    return [(start, end) for start, end in groups]


def _wordless(
    speaking: np.ndarray,
    covered: np.ndarray,
    fps: float,
    longest: float | None,
    apart: float = JOIN_GAP_S,
    runs_on: float = 0.0,
) -> np.ndarray:
    """The frames of ``speaking`` said apart from the words (``covered``): runs of speech joined
    across pauses shorter than ``apart`` seconds that hold no word (so no word's speech lies nearer
    than that pause: the speech, not the words' looser edges, says where the pause is), those
    shorter than ``longest`` seconds only (None: of any length), and none that starts less than
    ``runs_on`` seconds after a run holding words ends (it runs on from them: the rest of a line the
    script has only in part, or has wrong)."""
    out = np.zeros(len(speaking), bool)
    last_words = -np.inf  # where the last run holding words ended (frame)
    for start, end in _joined(speaking, apart * fps):
        if covered[start:end].any():
            last_words = end
        elif start - last_words < runs_on * fps:
            last_words = end  # it runs on, and so does what follows it as closely
        elif longest is None or end - start < longest * fps:
            out[start:end] = True
    return out & speaking


def heard_speech(speaking: np.ndarray, audio: np.ndarray, fps: float, offset: float = 0.0) -> np.ndarray:
    """``speaking`` (per motion frame, the first at second ``offset`` of ``audio``) less the frames
    that lie wholly in a pause of the voice the flags bridged (:data:`PAUSE_S` to :data:`BRIDGED_S`,
    :data:`PAUSE_GATE_DB` below the loudest frame within :data:`PAUSE_AROUND_S`)."""
    from scipy.ndimage import maximum_filter1d

    from .warp import HOP, N_FFT, frame_db

    speaking = np.asarray(speaking, bool)
    if not len(speaking) or not len(audio):
        return speaking
    db = frame_db(np.asarray(audio, np.float32))
    around = int(round(PAUSE_AROUND_S * SAMPLE_RATE / HOP))
    quiet = db < maximum_filter1d(db, 2 * around + 1, mode="nearest") - PAUSE_GATE_DB
    pause = np.zeros(len(db), bool)
    for start, end in _runs(quiet):
        heard = (end - start) * HOP + N_FFT  # a gap of silence reads a window's length short
        if PAUSE_S * SAMPLE_RATE <= heard <= BRIDGED_S * SAMPLE_RATE:
            pause[start:end] = True
    # motion frame j spans seconds [offset + j/fps, offset + (j+1)/fps); 10 ms frame k is centred at k*HOP
    edges = np.round((offset + np.arange(len(speaking) + 1) / fps) * SAMPLE_RATE / HOP).astype(np.int64)
    edges = np.clip(edges, 0, len(db))
    outside = np.concatenate([[0], np.cumsum(~pause)])  # 10 ms frames outside pauses, up to each frame
    voiced = outside[edges[1:]] - outside[edges[:-1]]  # 10 ms frames of each motion frame outside pauses
    inside = edges[1:] > edges[:-1]
    return speaking & ~(inside & (voiced == 0))


def _script_speech(
    found: Any,
    speaking: np.ndarray,
    fps: float,
    offset: float = 0.0,
    excused: np.ndarray | None = None,
    lines: Sequence[tuple[float, float]] = (),
    flags: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(covered, said, unscripted) per motion frame: inside the aligned words' stretches; the speech
    the script should hold; whole stretches of speech the script lacks, left to the engine's lips.

    Left out of ``said``, while together they are at most :data:`MAX_REFUSED` of the speech (as
    refused lines may hold at most that share of the words; more is a script that lacks what is
    said): short sounds apart from the words (laughs, "mm-hmm"s: :data:`ASIDE_S`,
    :data:`ASIDE_APART_S`), stretches of speech holding none of the words (a line the script lacks,
    said between scripted ones) and ``excused`` speech (where refused lines were said). When all of
    them are more than that, fewer are left out: the short sounds and the refused lines, the refused
    lines, the short sounds, none. Short sounds are found on the voice activity's ``flags`` (which
    bridge a breath, as they did when the short sounds' rules were chosen; default ``speaking``),
    lines the script lacks on ``speaking`` (:func:`heard_speech`)."""
    covered = _covered(found.words, len(speaking), fps, offset)
    speaking = np.asarray(speaking, bool)
    none = np.zeros(len(speaking), bool)
    # speech inside a drawn line's span is that line's, said or not as written (a piece the warp
    # could not place, words the aligner squeezed): it counts, however a pause sets it apart
    within = _spans(lines, len(speaking), fps, offset)
    shorts = speaking if flags is None else np.asarray(flags, bool)
    asides = _wordless(shorts, covered | within, fps, ASIDE_S, ASIDE_APART_S) & speaking
    unscripted = _wordless(speaking, covered | within, fps, None, UNSCRIPTED_APART_S, JOIN_GAP_S) & ~asides
    refused = np.asarray(excused, bool) & speaking if excused is not None else none
    most = MAX_REFUSED * speaking.sum()
    for gone, named in (
        (asides | unscripted | refused, unscripted & ~refused),
        (asides | refused, none),
        (refused, none),
        (asides, none),
    ):
        if (speaking & gone).sum() <= most:
            return covered, speaking & ~gone, named
    return covered, speaking, none


@dataclass(frozen=True)
class Misfit:
    """Why aligned words are not what the character says (:func:`misfit`): the test that failed, the
    sentence for a person, and a coverage refusal's share as a number, so that the refusal can be
    worded again (:func:`_not_aligned`) without reading it back out of its own sentence."""

    kind: MisfitKind
    sentence: str  # ends with :data:`LACKS_LINES` when :attr:`lacks_lines`
    cover: float | None = None  # share of the speech the words cover (kind "cover")

    @property
    def lacks_lines(self) -> bool:
        """The sentence guesses the script lacks lines: a coverage refusal's likeliest cause."""
        return self.kind == "cover"

    def __iter__(self) -> Iterator[str]:
        """Unpacks as ``(kind, sentence)``, as the pair it replaced did."""
        return iter((self.kind, self.sentence))


def fit_problem(
    found: Any,
    speaking: np.ndarray,
    fps: float,
    offset: float = 0.0,
    excused: np.ndarray | None = None,
    lines: Sequence[tuple[float, float]] = (),
    flags: np.ndarray | None = None,
) -> str | None:
    """Why the aligned words do not fit the voice (:func:`misfit`'s sentence), or None when they fit."""
    problem = misfit(found, speaking, fps, offset, excused, lines, flags)
    return problem.sentence if problem else None


def misfit(
    found: Any,
    speaking: np.ndarray,
    fps: float,
    offset: float = 0.0,
    excused: np.ndarray | None = None,
    lines: Sequence[tuple[float, float]] = (),
    flags: np.ndarray | None = None,
) -> Misfit | None:
    """Why the aligned words (``found``, an :class:`~.align.Alignment`) are not what the character
    says, or None when they fit: the phones fit the voice acoustically (:data:`MIN_FIT`), the words
    cover the character's speech (``speaking``, per motion frame, whose first is second ``offset``;
    :data:`MIN_COVER`, short sounds apart from them left out: :data:`ASIDE_S`; :data:`MIN_INSIDE`)
    and the phone pass could time most of them (:data:`MAX_GUESSED`). ``excused`` (per frame) is
    speech the coverage does not ask for: where refused lines were said; ``lines``, the drawn lines'
    spans (seconds), whose speech always counts; ``flags``, the voice activity's own (see
    :func:`_script_speech`). The record's kind names the test that failed.
    """
    n_words = max(len(found.words), 1)
    if len(found.guessed) > MAX_GUESSED * n_words:
        return Misfit(
            "phones",
            f"the phones of {len(found.guessed)} of its {n_words} words could not be found in the voice",
        )
    frames = sum(end - start for start, end, _s in found.scores)
    # words left out for want of a pronunciation are said but not aligned: the words around them
    # take their sound, so the acoustic fit cannot judge the rest (the coverage still does)
    if frames > 0 and not getattr(found, "unknown", []):
        fit = sum((end - start) * score for start, end, score in found.scores) / frames
        if fit < MIN_FIT:
            return Misfit(
                "fit",
                f"its words do not fit the voice (acoustic fit {fit:.1f}, needs {MIN_FIT:.0f}): another text?",
            )
    speaking = np.asarray(speaking, bool)
    if speaking.sum() >= 0.5 * fps:  # coverage needs the character to speak (half a second or more)
        covered, said, _unscripted = _script_speech(found, speaking, fps, offset, excused, lines, flags)
        # none of it: the words all fall in silence, which the share below says
        cover = (covered & said).sum() / said.sum() if said.any() else 1.0
        if cover < MIN_COVER:
            return Misfit("cover", f"its words cover {cover:.0%} {COVER_NEEDS}{LACKS_LINES}", float(cover))
        if covered.any() and (covered & speaking).sum() / covered.sum() < MIN_INSIDE:
            return Misfit(
                "silent", "its words fall where the character is silent: the other character's lines?"
            )
    return None


def speech_weight(words: list[tuple[str, float, float]], num_frames: int, fps: float) -> np.ndarray:
    """(T,) 0..1: 1 while the character says aligned words (stretches joined across short gaps),
    ramping from 0 over ``RAMP_S`` before each stretch and after it."""
    t = frame_centres(num_frames, fps)
    w = np.zeros(num_frames)
    for start, end in _stretches(words):
        a, b = start - PAD_S, end + PAD_S
        rise = np.clip((t - (a - RAMP_S)) / RAMP_S, 0.0, 1.0)
        fall = np.clip(((b + RAMP_S) - t) / RAMP_S, 0.0, 1.0)
        w = np.maximum(w, np.minimum(rise, fall))
    return w


@dataclass
class Placement:
    """Where a character's lines were placed in their voice (:func:`place_lines`): the last
    alignment (every line still in it, drawn or not), each placed line's words in it, and the lines
    not drawn with why."""

    found: Any  # an :class:`~.align.Alignment`
    words: dict[int, tuple[int, int]]  # line index -> (first, end) of its words in ``found.words``
    refused: dict[int, str]  # line index -> why it is not drawn
    rounds: int = 1  # alignments made
    judged: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)  # each line's measures
    counts: list[int] = dataclasses.field(default_factory=list)  # each line's words, as aligned
    # each placed line's words placed, where a word may have several spans in ``found.words`` (the warp
    # draws a word split by a pause on both sides); a line not here has one span per word
    said: dict[int, int] = dataclasses.field(default_factory=dict)

    @property
    def drawn(self) -> list[int]:
        return sorted(i for i in self.words if i not in self.refused)

    def placed_words(self, lines: Iterable[int] | None = None) -> int:
        """How many of the script's words were placed, in ``lines`` (line indices; all placed lines
        when None): a report's ``aligned`` counts words, never more than the script has."""
        keep = set(self.words if lines is None else lines)
        return sum(self.said.get(i, end - first) for i, (first, end) in self.words.items() if i in keep)

    def span(self, i: int) -> tuple[float, float]:
        """(start s, end s) of line ``i``'s words."""
        first, end = self.words[i]
        return self.found.words[first][1], self.found.words[end - 1][2]


def _line_words(found: Any, words: list[list[str]]) -> list[tuple[int, int] | None]:
    """Each line's (first, end) in ``found.words`` (the lines' words in order, those nobody can
    pronounce left out), or None for a line whose words are not all there."""
    unknown = set(getattr(found, "unknown", []))
    got = [w for w, _b, _e in found.words]
    out: list[tuple[int, int] | None] = []
    k = 0
    for line in words:
        said = [w for w in line if w not in unknown]
        if said and got[k : k + len(said)] == said:
            out.append((k, k + len(said)))
            k += len(said)
        elif said and k < len(got) and said[: len(got) - k] == got[k:]:  # the pass stopped inside it
            out.append((k, len(got)))
            k = len(got)
        else:  # the word pass left it out (or nothing of it can be said)
            out.append(None)
            k += len(said) if got[k : k + len(said)] == said else 0
    return out


def _untimed(
    found: Any, keep: Callable[[float, float], bool], names: Collection[str]
) -> list[tuple[str, tuple[float, float] | None]]:
    """The words of ``found.guessed`` (placed, their phones evenly timed) with their spans: those
    whose span ``keep`` takes, or, from an alignment that does not say where they are, those in
    ``names`` (each with span None)."""
    spans = getattr(found, "guessed_spans", [])
    if len(spans) == len(found.guessed):
        return [(g, sp) for g, sp in zip(found.guessed, spans, strict=True) if keep(*sp)]
    return [(g, None) for g in found.guessed if g in names]


def _within(t0: float, t1: float) -> Callable[[float, float], bool]:
    """Whether a span's middle falls in [t0, t1)."""
    return lambda a, b: t0 <= 0.5 * (a + b) < t1


def _judge_line(
    found: Any, first: int, end: int, speaking: np.ndarray, fps: float, offset: float
) -> dict[str, Any]:
    """How one line's words (``found.words[first:end]``) sit in the voice: acoustic fit of their
    timed phones, the share of their span where the character speaks, the share of them the phone
    pass could not time, seconds per word."""
    t0, t1 = found.words[first][1], found.words[end - 1][2]
    inner = [(a, b, sc) for a, b, sc in found.scores if t0 <= 0.5 * (a + b) < t1]
    frames = sum(b - a for a, b, _sc in inner)
    fit = sum((b - a) * sc for a, b, sc in inner) / frames if frames > 0 else None
    t = frame_centres(len(speaking), fps, offset)
    span = (t >= t0) & (t < t1)
    inside = float((span & speaking).sum() / span.sum()) if span.any() and speaking.any() else None
    covered = _covered(found.words[first:end], len(t), fps, offset)
    # speech inside the line's span that its words leave out: a word placed apart from the others
    spread = float((span & speaking & ~covered).sum() / fps)
    guessed = len(_untimed(found, _within(t0, t1), {w for w, _b, _e in found.words[first:end]}))
    return {
        "fit": fit,
        "inside": inside,
        "guessed": guessed / (end - first),
        "words": end - first,
        "seconds_per_word": (t1 - t0) / (end - first),
        "uncovered_s": spread,
        "start": t0,
        "end": t1,
    }


SPLIT = "its words are split around speech they do not hold (said differently?)"
MISFIT = "it does not fit the voice (ad-libbed, reworded or someone else's line?)"


def line_problem(judged: dict[str, Any]) -> str | None:
    """Why a line (measured by :func:`_judge_line`) is not what the voice says where it was
    placed, in an animator's words, or None when it fits."""
    if judged["guessed"] >= 1.0 and judged["words"] >= LINE_GUESSED_WORDS:
        return "its sounds could not be found in the voice"
    if judged["inside"] is not None and judged["inside"] < LINE_INSIDE:
        return "it falls where the character is silent (not said?)"
    if judged["uncovered_s"] > LINE_UNCOVERED_S:
        return SPLIT
    if judged["fit"] is not None and judged["fit"] < LINE_FIT:
        return MISFIT
    return None


def place_lines(
    audio: np.ndarray,
    texts: list[str],
    speaking: np.ndarray,
    fps: float,
    offset: float = 0.0,
    progress: Progress | None = None,
) -> Placement:
    """Align a character's lines (``texts``, in order) with their voice and judge each one.

    All lines are aligned together (so each is placed between its neighbours); a line that does
    not fit where it fell is refused. A refused line the voice says something else over (an
    ad-lib, a reworded line) stays in the alignment, where it holds that speech so its neighbours
    keep their places; one placed where the character is silent (a line the voice never says) is
    dropped and the rest re-aligned without it (:data:`MAX_ROUNDS` alignments at most), and every
    line is judged again. DualTalkError when the words cannot be aligned at all. ``progress`` hears
    of each stretch aligned (:func:`~.align.align_words`) and may cancel there."""
    from .align import align_words, normalise_words, progress_at, share

    words = [normalise_words(text)[0].split() for text in texts]
    active = [i for i, w in enumerate(words) if w]
    speaking = np.asarray(speaking, bool)
    dropped: dict[int, str] = {}  # left out of the alignment: placed where the voice is silent
    placement = None
    shares = (0.0, 0.8, 0.88, 0.92)  # the progress reported up to each round; then lines aligned alone
    for round_ in range(1, MAX_ROUNDS + 1):
        text = " ".join(" ".join(words[i]) for i in active)
        try:
            found = align_words(
                audio,
                text,
                drop_unknown=True,
                persist=True,
                last_resort=True,
                lines=[len(words[i]) for i in active],
                progress=share(progress, shares[round_ - 1], shares[round_]),
            )
        except CancelledError:
            raise
        except DualTalkError:
            if placement is None:
                raise
            break  # without the unsaid lines it no longer aligns: keep the last placement
        spans = _line_words(found, [words[i] for i in active])
        if len(active) == 1 and spans[0] is None and found.words:  # one line: all it found is that line
            spans = [(0, len(found.words))]
        placed = {i: sp for i, sp in zip(active, spans, strict=True) if sp is not None}
        refused = {i: "it could not be placed in the voice" for i in active if i not in placed}
        judged = {i: _judge_line(found, a, b, speaking, fps, offset) for i, (a, b) in placed.items()}
        for i in placed:  # a word left out for want of a pronunciation: its neighbours take its sound,
            if set(words[i]) & set(found.unknown):  # so the acoustic fit cannot judge the line
                judged[i]["fit"] = None
        for i, measures in judged.items():
            why = line_problem(measures)
            if why:
                refused[i] = why
        placement = Placement(found, placed, {**dropped, **refused}, round_, judged, [len(w) for w in words])
        # not said where the voice is (silent there, or passed over by the word pass): out, then again
        unsaid = [i for i in refused if i not in judged or "silent" in refused[i]]
        if not unsaid or len(unsaid) == len(active) or round_ == MAX_ROUNDS:
            break
        dropped.update({i: refused[i] for i in unsaid})
        active = [i for i in active if i not in unsaid]
    assert placement is not None
    progress_at(progress, shares[-1])
    _realign_strays(placement, audio, speaking, fps, offset, progress=share(progress, shares[-1], 1.0))
    progress_at(progress, 1.0)
    return placement


def _stray(words: list[tuple[str, float, float]]) -> tuple[str, int] | None:
    """(``"start"``, k) when a line's first few words (:data:`STRAY_WORDS`, under half of them) are
    set apart from the rest by :data:`STRAY_GAP_S` or more after word k, (``"end"``, k) when its last
    few are after word k, else None."""
    n = len(words)
    gaps = [words[k + 1][1] - words[k][2] for k in range(n - 1)]
    few = min(STRAY_WORDS, (n - 1) // 2)
    for k in range(few):
        if gaps[k] >= STRAY_GAP_S:
            return "start", k
    for k in range(n - 2, n - 2 - few, -1):
        if gaps[k] >= STRAY_GAP_S:
            return "end", k
    return None


def _speech_around(
    speaking: np.ndarray, fps: float, offset: float, at: float, step: int, pause: float = JOIN_GAP_S
) -> float | None:
    """The start (``step`` -1) or end (+1) in seconds of the stretch of speech holding second ``at``:
    runs of speech joined across pauses shorter than ``pause``. None when ``at`` lies outside the
    motion's frames or the stretch may run on past them (speech within that pause of their edge:
    where it starts or ends is not in them)."""
    n = len(speaking)
    k = int(np.floor((at - offset) * fps))
    if not 0 <= k < n:
        return None
    gap, join = 0, int(round(pause * fps))
    while gap < join:
        if not 0 <= k + step < n:  # speech, or a short pause, up to the motion's edge
            return None
        k += step
        gap = 0 if speaking[k] else gap + 1
    k -= step * gap
    return offset + (k + (1 if step > 0 else 0)) / fps


def _shifted(found: Any, by: float) -> Any:
    """``found`` (an :class:`~.align.Alignment`) with every time moved by ``by`` seconds."""
    from ..audio.tts import Phone

    return dataclasses.replace(
        found,
        phones=[Phone(p.symbol, p.start + by, p.end + by, p.alphabet) for p in found.phones],
        words=[(w, b + by, e + by) for w, b, e in found.words],
        scores=[(b + by, e + by, sc) for b, e, sc in found.scores],
        guessed_spans=[(b + by, e + by) for b, e in getattr(found, "guessed_spans", [])],
    )


def _speech_stretches(
    speaking: np.ndarray, fps: float, offset: float, lo: float, hi: float
) -> list[tuple[float, float]]:
    """The stretches of speech (runs joined across pauses shorter than :data:`JOIN_GAP_S`) lying
    whole inside seconds [lo, hi) of the motion, as (start, end) seconds."""
    out = [
        (offset + s / fps, offset + e / fps) for s, e in _joined(np.asarray(speaking, bool), JOIN_GAP_S * fps)
    ]
    return [(s, e) for s, e in out if s >= lo and e <= hi]


def _windows(
    placement: Placement, i: int, speaking: np.ndarray, fps: float, offset: float
) -> list[tuple[str, float, float]]:
    """Where to align line ``i`` again alone, as (why, start s, end s): the stretch of speech that
    holds the rest of a line with stray words (:func:`_stray`); for a line refused as split around
    speech it does not hold (:data:`SPLIT`), also each whole stretch of speech inside its span."""
    first, end = placement.words[i]
    words = placement.found.words[first:end]
    out = []
    stray = _stray(words) if len(words) >= 3 else None
    if stray is not None:
        side, k = stray
        lo, hi = words[0][1] - 0.1, words[-1][2] + 0.1
        at = words[k + 1][1] if side == "start" else words[k][2]
        edge = _speech_around(speaking, fps, offset, at, -1 if side == "start" else +1)
        if edge is not None:  # (None: it runs on past the part animated, where it starts is unknown)
            out.append((side, edge - 0.1, hi) if side == "start" else (side, lo, edge + 0.1))
    stretches: list[tuple[str, float, float]] = []
    if placement.refused.get(i) == SPLIT:
        t0, t1 = placement.span(i)
        stretches = [
            ("stretch", s - 0.1, e + 0.1)
            for s, e in _speech_stretches(speaking, fps, offset, t0 - 0.5, t1 + 0.5)
        ]
    beside = (
        _without_neighbours(speaking, fps, offset, *placement.span(i))
        if placement.refused.get(i) in (SPLIT, MISFIT)
        else []
    )
    # the stretches first (chosen so on the tuning takes: taken in turns with the windows without the
    # speech beside the line, 3 lines left out of the script and refused as split were lost)
    out += stretches + beside
    return out


def _without_neighbours(
    speaking: np.ndarray, fps: float, offset: float, t0: float, t1: float
) -> list[tuple[str, float, float]]:
    """Windows for a line whose words were spread over speech said just before or after it (a line
    the script lacks, set apart from it by a pause shorter than :data:`JOIN_GAP_S`), as (why,
    start s, end s): the stretches of speech around its span (which its words may cover only in
    part; joined across pauses shorter than :data:`LINE_PAUSE_S`, as a line's commas are) less their
    first run of speech, less their last, less their first two, less their last two (runs set apart
    by :data:`ASIDE_APART_S`), where what is left out is :data:`LINE_UNCOVERED_S` of speech or more
    (a line the script lacks, not "Okay, so," said before the line's own words)."""
    lo = _speech_around(speaking, fps, offset, t0, -1, LINE_PAUSE_S)
    hi = _speech_around(speaking, fps, offset, max(t0, t1 - 1e-6), +1, LINE_PAUSE_S)
    lo, hi = t0 if lo is None else min(lo, t0), t1 if hi is None else max(hi, t1)
    runs = [
        (offset + s / fps, offset + e / fps)
        for s, e in _joined(np.asarray(speaking, bool), ASIDE_APART_S * fps)
        if offset + e / fps > lo and offset + s / fps < hi
    ]
    out = []
    for k in (1, 2):  # a window leaves out speech the size of a line the script lacks, not a word
        if len(runs) > k and sum(e - s for s, e in runs[:k]) >= LINE_UNCOVERED_S:
            out.append(("after", runs[k][0] - 0.1, hi + 0.1))
        if len(runs) > k and sum(e - s for s, e in runs[-k:]) >= LINE_UNCOVERED_S:
            out.append(("before", lo - 0.1, runs[-1 - k][1] + 0.1))
    return out


def _realign_strays(
    placement: Placement,
    audio: np.ndarray,
    speaking: np.ndarray,
    fps: float,
    offset: float,
    beside: bool = False,
    against: np.ndarray | None = None,
    progress: Progress | None = None,
) -> int:
    """Align again, alone, each line with stray words, split around speech it does not hold or not
    fitting where it fell, in each of its :func:`_windows`, and keep the placement whose words fit the
    voice best when they fit at least as well as before and the line passes :func:`line_problem`.
    ``beside``: instead, each drawn line in its windows without the speech said just before or after
    it (:func:`_without_neighbours`: the words of a line that passed may still reach into a line the
    script lacks, said a moment before it, whose speech then counts against the coverage): only the
    lines with such speech (``against``, per motion frame) inside their span or within
    :data:`LINE_PAUSE_S` of it, :data:`MAX_BESIDE` at most. Returns how many lines moved.
    ``progress`` hears of each line and may cancel before each alignment alone (a take's lines that
    did not fit: a pocketsphinx pass each, up to :data:`MAX_WINDOWS` a line)."""
    from .align import align_words, progress_at

    moved = tried = 0
    lines = sorted(placement.words)
    for k, i in enumerate(lines):
        if beside:
            if i in placement.refused or tried >= MAX_BESIDE or against is None:
                continue
            t0, t1 = placement.span(i)
            if not (
                _spans([(t0 - LINE_PAUSE_S, t1 + LINE_PAUSE_S)], len(speaking), fps, offset) & against
            ).any():
                continue
            tried += 1
        elif placement.refused.get(i, SPLIT) not in (SPLIT, MISFIT):  # refused for what it says
            continue
        old = placement.judged[i]["fit"]
        if old is None:  # no fit to compare with (a word nobody can pronounce)
            continue
        first, end = placement.words[i]
        words = placement.found.words[first:end]
        # bounded by the lines around it that stand (a refused neighbour's span may hold this line's speech)
        before = [placement.span(j)[1] for j in placement.words if j < i and j not in placement.refused]
        after = [placement.span(j)[0] for j in placement.words if j > i and j not in placement.refused]
        best = None
        windows = (
            _without_neighbours(speaking, fps, offset, *placement.span(i))
            if beside
            else _windows(placement, i, speaking, fps, offset)
        )
        for why, lo, hi in windows[:MAX_WINDOWS]:
            lo, hi = max(lo, before[-1] if before else 0.0, 0.0), min(hi, after[0] if after else np.inf)
            a, b = int(lo * SAMPLE_RATE), min(int(hi * SAMPLE_RATE), len(audio))
            if b - a < SAMPLE_RATE // 4:
                continue
            progress_at(progress, k / len(lines))  # a cancel is heard before each alignment alone
            try:
                again = align_words(audio[a:b], " ".join(w for w, _b, _e in words), persist=True)
            except CancelledError:
                raise
            except Exception as exc:  # a refinement: whatever stops it, the line keeps its first placement
                log.debug("line %d not aligned again alone: %s", i + 1, exc)
                continue
            again = _shifted(again, a / SAMPLE_RATE)
            if [w for w, _b, _e in again.words] != [w for w, _b, _e in words]:
                continue
            judged = _judge_line(again, 0, len(again.words), speaking, fps, offset)
            # (beside: the old fit counted the other speech its words reached into; the line must fit)
            if judged["fit"] is None or (judged["fit"] < old and not beside) or line_problem(judged):
                continue
            if best is None or judged["fit"] > best[1]["fit"]:
                best = (again, {**judged, "realigned": why})
        if best is not None:
            _splice(placement, i, best[0])
            placement.judged[i] = best[1]
            placement.refused.pop(i, None)
            moved += 1
    return moved


def _splice(placement: Placement, i: int, again: Any) -> None:
    """Put line ``i``'s new alignment (``again``, the same words) into ``placement.found`` in place
    of its old one: its words, and the phones, scores and untimed words inside its old span."""
    found = placement.found
    first, end = placement.words[i]
    t0, t1 = placement.span(i)

    inside = _within(t0, t1)

    def out(a: float, b: float) -> bool:
        return not inside(a, b)

    phones = sorted([p for p in found.phones if out(p.start, p.end)] + again.phones, key=lambda p: p.start)
    scores = sorted([sc for sc in found.scores if out(sc[0], sc[1])] + again.scores)
    line = {w for w, _b, _e in found.words[first:end]}
    both = _untimed(found, out, set(found.guessed) - line) + _untimed(again, lambda a, b: True, line)
    timed = [(g, sp) for g, sp in both if sp is not None]
    if len(timed) == len(both):  # both say where: in time order
        timed.sort(key=lambda x: x[1])
        guessed, gspans = [g for g, _sp in timed], [sp for _g, sp in timed]
    else:
        guessed, gspans = [g for g, _sp in both], []
    placement.found = dataclasses.replace(
        found,
        phones=phones,
        words=found.words[:first] + again.words + found.words[end:],
        scores=scores,
        guessed=guessed,
        guessed_spans=gspans,
    )


def _drawn_part(placement: Placement) -> Any:
    """The alignment of the drawn lines only (their words, phones, scores and untimed words)."""
    from .align import Alignment

    found = placement.found
    spans = [placement.span(i) for i in placement.drawn]

    def inside(a: float, b: float) -> bool:
        mid = 0.5 * (a + b)
        return any(t0 <= mid < t1 for t0, t1 in spans)

    words = [w for i in placement.drawn for w in found.words[slice(*placement.words[i])]]
    guessed = [g for g, _sp in _untimed(found, inside, {w for w, _b, _e in words})]
    return Alignment(
        [p for p in found.phones if inside(p.start, p.end)],
        words,
        list(found.unknown),
        guessed,
        [sc for sc in found.scores if inside(sc[0], sc[1])],
    )


def _refused_spans(placement: Placement) -> list[tuple[float, float]]:
    """Where each refused line was said (seconds): between the drawn lines around it."""
    drawn = placement.drawn
    between = []
    for i in placement.refused:
        before = [placement.span(j)[1] for j in drawn if j < i]
        after = [placement.span(j)[0] for j in drawn if j > i]
        between.append((before[-1] if before else -np.inf, after[0] if after else np.inf))
    return between


def _refused_speech(placement: Placement, n: int, fps: float, offset: float) -> np.ndarray:
    """(n,) the frames where refused lines were said: between the drawn lines around each one."""
    return _spans(_refused_spans(placement), n, fps, offset)


def _refused_lines(lines: list[Line], refused: dict[int, str]) -> list[dict[str, Any]]:
    """The report's ``lines_refused``: each refused line's number in the file, a clip of its text, why."""
    return [
        {"line": lines[i].number, "text": _clip(lines[i].text, 40), "why": why}
        for i, why in sorted(refused.items())
    ]


ALIGNERS = {False: "pocketsphinx", True: "warp"}  # as a report names the aligner that placed the lines


def uses_warp(language: str | None) -> bool:
    """Whether a script in ``language`` is placed by warping espeak-ng's reading (``script_warp``)
    rather than by pocketsphinx: every language but English, and English too when
    ``DUALTALK_TRANSCRIPT_ALIGNER=warp`` (how ``eval lipsync --transcript-aligner warp`` measures
    the warp on real English with true phone timings)."""
    from .script_languages import is_english

    return not is_english(language) or os.environ.get("DUALTALK_TRANSCRIPT_ALIGNER", "") == "warp"


def warped(lines: Iterable[Line], language: str | None) -> bool:
    """Whether a character's ``lines`` in ``language`` are placed by the warp: as :func:`uses_warp`
    says, and an English character's too when a line of theirs is tagged another language
    (``A (ja): ...``): pocketsphinx reads English only, the warp reads each line in its own voice."""
    from .script_languages import is_english

    return uses_warp(language) or any(line.language and not is_english(line.language) for line in lines)


class Unweighed(enum.Enum):
    """:func:`draw_lips`' ``too_many`` when its caller has not weighed the lines (None: weighed, fit)."""

    NOT_YET = "not yet"


def draw_lips(
    motion: Motion,
    audio: np.ndarray,
    text: str | list[Line],
    who: str = "A",
    offset: float = 0.0,
    language: str = "en",
    others: Sequence[str] = (),
    whole_speaking: np.ndarray | None = None,
    partner: np.ndarray | None = None,
    keep_closures: bool = False,
    engine_spans: Sequence[tuple[float, float]] = (),
    recognised: bool = False,
    progress: Progress | None = None,
    too_many: str | None | Unweighed = Unweighed.NOT_YET,
    language_flag: str = "--transcript-language",
    partner_advice: str = "",
    placed: Placed | None = None,
) -> tuple[Motion, dict[str, Any]]:
    """``motion`` with its mouth drawn from ``text`` (one text, or the character's script lines in
    order, in ``language``) aligned to ``audio`` (16 kHz, the character's own stream, whose second
    ``offset`` is the motion's first frame) and a report (words, aligned words, the ones left out,
    seconds drawn, the lines drawn and those refused with why). ``others``, the other character's
    lines, are what a line placed by the warp (any language but English) must out-fit where it is
    found, as it must this character's other lines. ``whole_speaking``: the character's speaking
    flags over all of ``audio`` (the first at second 0, at the motion's rate), when the motion is a
    part of it: the lines are judged on the whole take, so a part draws what the whole take draws
    there (judged on its own frames, an ad-lib near its edge could refuse the part). ``partner``: the
    other character's stream (as ``audio``), whose bleed the warp does not take for this voice.
    ``engine_spans``: stretches (seconds of ``audio``) whose lines stay in the script to hold the
    aligner but whose lips are the engine's (recognised words that did not sound English;
    :func:`.recognise.engine_weight`): the drawn mouth fades out over them in the same blend.
    ``recognised``: the lines are words recognised from the voice, not the user's script: a refusal
    says so and asks nothing about a script. ``progress`` hears of each line and stretch aligned and
    may cancel there (CancelledError); it changes nothing drawn. ``too_many``: what
    :func:`too_many_words` said of these lines and this speech, when the caller weighed them
    (:func:`apply_transcript`); weighed here when not given, so a call alone still refuses a film's
    script. ``language_flag``: the flag that sets these lines' language (B's own,
    ``--transcript-language-b``: a refusal's advice to give a language names it and B's menu, unless
    it is the advice of ``partner_advice``, the partner's refusal in the same language: one change of
    the script's language mends both). ``placed``, when given, is filled in with the drawn words and
    the refused lines' stretches (seconds of ``audio``): :func:`apply_transcript` bounds each
    character's turns by them (:mod:`.turn_edges`), and says the speech the script lacks after that
    (:func:`_said_elsewhere`: a turn edge may find some of it the partner's voice)."""
    from ..audio.tts import Phone
    from ..audio.vad import without_bleed
    from . import script_warp
    from .align import normalise_words, progress_at, share
    from .script_languages import normalise
    from .visemes import drawn_channels, render_visemes

    if motion.space != "arkit55":
        raise DualTalkError(
            f"--transcript draws ARKit lips; the {motion.engine or 'engine'}'s motion is {motion.space} "
            "(use --engine lite)"
        )
    lines = [Line(1, who, text)] if isinstance(text, str) else [line for line in text if line.text]
    # what is said: a line that is only a stage direction ("(laughs)") has no words to draw; dropped
    # line by line, as a bracket opened in one line and closed lines later pairs nothing
    whole = " ".join(directions.dropped(line.text) for line in lines)
    warp = warped(lines, language)
    written = [w for w in whole.split() if any(ch.isalnum() for ch in w)]
    dropped: list[str] = []
    if too_many is Unweighed.NOT_YET:
        too_many = too_many_words(whole, speech_seconds(motion, audio, offset, whole_speaking))
    if warp or too_many:  # espeak-ng reads the words as written; too many are refused unspelled below
        words = written
    else:
        spelled, dropped = normalise_words(whole)
        words = spelled.split()
    if not written:
        return motion, {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
    per_line: dict[str, Any] = {
        "lines": len(lines),
        "lines_drawn": [],
        "lines_refused": [],
        "aligner": ALIGNERS[warp],
    }
    if warp:
        per_line["language"] = normalise(language)
    placement: Placement | None = None
    # judged on the whole take when its flags are given (``at``: the judged frames' first second)
    on_whole = whole_speaking is not None and offset > 0 and len(whole_speaking) >= round(offset * motion.fps)
    flags = np.asarray(whole_speaking if on_whole else motion.speaking, bool)
    at = 0.0 if on_whole else offset
    judged = len(flags)
    speaking = heard_speech(flags, audio, motion.fps, at)
    total = len(words)  # the words the report counts: the aligner's own (espeak-ng's words, when warped)
    try:
        if too_many:  # another script (a whole film's): refused before the aligners spend on it
            raise DualTalkError(too_many)
        if not words:  # Cyrillic, Arabic, kana...: nothing the English aligner can spell
            from .script_languages import NOT_ENGLISH_ASK, flag_for_letters

            ask = NOT_ENGLISH_ASK.format(flag=flag_for_letters([line.text for line in lines]))
            raise DualTalkError(f"none of its {len(written)} words is written in English letters; {ask}")
        texts = [line.text for line in lines]
        if warp:
            try:
                tags = [line.language for line in lines]  # a tagged line is read in its own voice
                placement = script_warp.place_lines(
                    audio,
                    texts,
                    speaking,
                    motion.fps,
                    at,
                    language,
                    others,
                    partner,
                    progress,
                    languages=tags,
                )
            except MemoryError:  # the take is still written; this character keeps the engine's lips
                raise DualTalkError(
                    "its lines are too long to align in the memory left (split long lines)"
                ) from None
        else:  # the partner's words in this mic are not this voice's: the aligner hears them turned down
            heard = without_bleed(audio, partner)
            placement = place_lines(heard, texts, speaking, motion.fps, at, progress=progress)
        unscripted = np.zeros(judged, bool)
        found = placement.found
        counts = placement.counts
        if warp:
            total = sum(counts)
        refused_words = sum(counts[i] for i in placement.refused)
        problem: Misfit | None = None
        if not placement.drawn or refused_words > MAX_REFUSED * sum(counts):
            # most of it does not fit: another text, not a few wrong lines
            problem = misfit(found, speaking, motion.fps, at, flags=flags) or Misfit(
                "lines",
                f"{len(placement.refused)} of its {len(lines)} lines do not fit the voice: another text?",
            )
        else:
            excused = _refused_speech(placement, judged, motion.fps, at)
            found = _drawn_part(placement)
            line_spans = [placement.span(i) for i in placement.drawn]
            problem = misfit(found, speaking, motion.fps, at, excused, line_spans, flags)
            if problem and problem.kind == "cover" and not warp:
                # a line's words may have reached into a line the script lacks, said a breath before
                # or after it: each line beside speech that counts against the script, aligned alone
                covered, said, _ = _script_speech(found, speaking, motion.fps, at, excused, line_spans, flags)
                against = said & ~covered
                progress_at(progress, 1.0)  # (a cancel is heard before these lines are aligned again)
                if _realign_strays(placement, heard, speaking, motion.fps, at, beside=True, against=against,
                                   progress=share(progress, 1.0, 1.0)):  # fmt: skip
                    excused = _refused_speech(placement, judged, motion.fps, at)
                    found = _drawn_part(placement)
                    line_spans = [placement.span(i) for i in placement.drawn]
                    problem = misfit(found, speaking, motion.fps, at, excused, line_spans, flags)
            if not problem and speaking.sum() >= 0.5 * motion.fps:
                unscripted = _script_speech(found, speaking, motion.fps, at, excused, line_spans, flags)[2]
        if problem:  # aligned, but not to what this voice says: drawn, it would mouth the wrong words
            uncovered = _uncovered(placement, speaking, motion.fps, at, flags)
            raise DualTalkError(
                _not_aligned(placement, lines, language, total, problem, uncovered, recognised)
            )
    except CancelledError:
        raise
    except DualTalkError as exc:  # the take is still good: this character keeps the engine's lips
        if not recognised and not too_many and words:
            untagged = [line.text for line in lines if not line.language]  # (a tagged line says its own)
            exc = DualTalkError(_with_language(str(exc), untagged, language, warp))
        given = _advice(str(exc))
        if language_flag != "--transcript-language" and given and given != _advice(partner_advice):
            exc = DualTalkError(for_b(str(exc)))  # B's lines alone: B's own flag and menu to give
        if placement is not None:  # the lines that did not fit, though none is drawn
            per_line["lines_refused"] = _refused_lines(lines, placement.refused)
        elif warp:  # every line in another writing system: no placement, but the lines are named
            per_line["lines_refused"] = [
                {"line": line.number, "text": _clip(line.text, 40), "why": why}
                for line in lines
                if (why := script_warp.foreign_writing(line.text, line.language or language))
            ]
        report = {
            "words": total or len(written),
            "aligned": 0,
            "unknown": [],
            "seconds": 0.0,
            "error": str(exc),
            **per_line,
        }
        if dropped:
            report["dropped"] = dropped
        log.warning("could not align %s's %s with %s's voice (%s); %s keeps the engine's lips",
                    who, RECOGNISED_WORDS if recognised else "transcript", who, exc, who)  # fmt: skip
        return dataclasses.replace(motion, meta={**motion.meta, "transcript": report}), report
    n = motion.num_frames
    # A part (offset > 0) is drawn on the frames of the whole take around it, RENDER_MARGIN_S either
    # side, then cut: the renderer blends each phone with its neighbours, so a part drawn alone would
    # lose the phones just outside it. Times are rounded to 0.1 ms (the renderer's gap test is exact,
    # and x - offset differs from x in the last bits), so a part and the whole take draw the same mouth.
    before = int(round(min(offset, RENDER_MARGIN_S) * motion.fps))
    after = int(round(RENDER_MARGIN_S * motion.fps))
    origin = offset - before / motion.fps
    phones = [
        Phone(p.symbol, round(p.start - origin, 4), round(p.end - origin, 4), p.alphabet)
        for p in found.phones
    ]
    spans = [(w, round(b - origin, 4), round(e - origin, 4)) for w, b, e in found.words]
    frames = before + n + after
    drawn = render_visemes(trim_contacts(phones), frames, fps=motion.fps, contact=True, spare_open=warp)[
        before : before + n
    ]
    weight = speech_weight(spans, frames, motion.fps)[before : before + n, None]
    blend = weight
    if engine_spans:  # one blend: the words' mouth where drawn, less where the engine's is kept
        from .recognise import engine_weight

        blend = weight * (1.0 - engine_weight(list(engine_spans), n, motion.fps, offset)[:, None])
    cols = list(drawn_channels())
    values = motion.values.copy()
    values[:, cols] = (1.0 - blend) * values[:, cols] + blend * drawn[:, cols]
    if keep_closures:  # recognised words: a misheard bilabial is a consonant the engine closes on
        keep = engine_closures(motion.values, phones, before, n, motion.fps)
        from ..core.channels import ARKIT55
        from .release import APERTURE_WEIGHTS

        # the lips' gap only: the words keep the tuck and the rounding
        gap = np.array([ARKIT55.index(name) for name in APERTURE_WEIGHTS])
        rows = np.flatnonzero(keep)
        values[np.ix_(rows, gap)] = motion.values[np.ix_(rows, gap)]
    refused = _refused_lines(lines, placement.refused)
    if placed is not None:
        placed.words = list(found.words)
        placed.kept = _refused_spans(placement)
    read_in = _read_in(lines, language, placement.drawn) if warp else []
    report = {
        "words": total,
        "aligned": placement.placed_words(placement.drawn),
        "unknown": found.unknown,
        "seconds": round(float(weight.sum()) / motion.fps, 2),
        "lines": len(lines),
        "lines_drawn": [lines[i].number for i in placement.drawn],
        # where each drawn line's words are, seconds of ``audio`` (the take folder's script_read.tsv)
        "lines_at": [[lines[i].number, *(round(t, 2) for t in placement.span(i))] for i in placement.drawn],
        "lines_refused": refused,
        "aligner": per_line["aligner"],
    }
    if warp:
        report["language"] = per_line["language"]
    if found.guessed:  # placed by the word pass, but their phones share the word's span evenly
        report["guessed"] = found.guessed
    if read_in:  # lines in Latin letters, read in the language they look written in (line_language)
        report["read_in"] = read_in
    part_end = offset + motion.num_frames / motion.fps
    said_elsewhere = [  # speech the script lacks (an ad-libbed line): the engine's lips; recording time
        [round(max(start / motion.fps + at, offset), 2), round(min(end / motion.fps + at, part_end), 2)]
        for start, end in _runs(unscripted)
        if end / motion.fps + at > offset and start / motion.fps + at < part_end  # in the part
    ]
    if said_elsewhere:
        report["unscripted"] = said_elsewhere
    if dropped:  # written words with no English letters or digits: not aligned, not drawn
        report["dropped"] = dropped
    if refused:
        log.warning("%s keeps the engine's lips on %s", who, _refusals(refused))
    if read_in:
        log.warning("%s's %s", who, _read_in_said(read_in, language))
    if said_elsewhere and placed is None:  # else said by the caller, after the turn edges (_said_elsewhere)
        _said_elsewhere(who, report)
    return dataclasses.replace(motion, values=values, meta={**motion.meta, "transcript": report}), report


def _said_elsewhere(who: str, report: dict[str, Any]) -> None:
    """The warning for a character's speech the script lacks (``report["unscripted"]``), when any."""
    if spans := report.get("unscripted"):
        log.warning("%s keeps the engine's lips where they say what the script lacks (%s)", who,
                    ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in spans[:5]))  # fmt: skip


def _not_theirs(report: dict[str, Any], fps: float) -> None:
    """``report["unscripted"]`` less the speech the turn edges found to be the partner's voice
    (``report["turn_edges"]``): drawn at rest, it is not the character's speech the script lacks (review
    rv42b F1: A's label over B's whole line was reported as A's unscripted speech, 8.2-10.9 s, the line
    before the one saying it is B's voice). What is left of a stretch shorter than two frames goes."""
    spans, taken = report.get("unscripted"), report.get("turn_edges")
    if not spans or not taken:
        return
    left: list[list[float]] = []
    for start, end in spans:
        pieces = [(start, end)]
        for cut_start, cut_end in taken:
            pieces = [
                piece
                for a, b in pieces
                for piece in ((a, min(b, cut_start)), (max(a, cut_end), b))
                if piece[1] - piece[0] >= 2.0 / fps
            ]
        left += [[round(a, 2), round(b, 2)] for a, b in pieces]
    if left:
        report["unscripted"] = left
    else:
        del report["unscripted"]


def _read_in(lines: list[Line], language: str, drawn: list[int]) -> list[dict[str, Any]]:
    """The drawn lines of a Russian, Arabic, Hindi or Korean character that are in Latin letters, each
    with the language it was read in (``en``: by the character's voice, which reads Latin letters as
    English) and what showed it (:func:`.line_language.reading`)."""
    from .line_language import reading

    out = []
    for i in drawn:
        if lines[i].language:  # tagged: read in the language its tag gives, as the writer asked
            continue
        read = reading(lines[i].text, language)
        if read is not None:
            out.append({"line": lines[i].number, "language": read.code, "signs": read.signs})
    return out


def _tagged_other(lines: list[Line], language: str) -> list[list[Any]]:
    """[line number, language read in, the tag as typed] of each line whose speaker tag gives it
    another language than the character's ``language`` (an English variant on an English character's
    line is English)."""
    from . import speaker_tags
    from .script_languages import is_english, normalise

    out: list[list[Any]] = []
    for line in lines:
        code = line.language
        if not code or code == normalise(language) or (is_english(code) and is_english(language)):
            continue
        found = speaker_tags.split(line.written)
        out.append([line.number, code, found[1] if found else code])
    return out


def _tagged_said(rep: dict[str, Any], most: int = 6) -> str:
    """`` (line 2 read in ca, as tagged (CA))``: the lines a character's tags had read in another
    language than theirs, once on the run's line (a note such as ``(CA)`` taken for Catalan is seen
    there, not only in ``script_read.tsv``)."""
    tagged = [t for t in rep.get("tagged") or () if isinstance(t, list | tuple) and len(t) == 3]
    if not tagged:
        return ""
    if len(tagged) == 1:
        number, code, tag = tagged[0]
        return f" (line {number} read in {code}, as tagged ({tag}))"
    listed = ", ".join(f"{number} in {code} ({tag})" for number, code, tag in tagged[:most])
    more = f" and {len(tagged) - most} more" if len(tagged) > most else ""
    return f" (lines read in the language tagged: {listed}{more})"


def _read_in_said(read_in: list[dict[str, Any]], language: str) -> str:
    """Which lines in Latin letters were read in which language, said once for a character: "line 4
    is in Latin letters: read in Turkish (ı, ş, 'evet'), not Russian"."""
    from .script_languages import guess_name, language_name

    def said(r: dict[str, Any]) -> str:
        name = "English" if r["language"] == "en" else guess_name(r["language"])
        return f"{name} ({r['signs']})" if r["signs"] else name

    own = language_name(language)
    if len(read_in) == 1:
        return f"line {read_in[0]['line']} is in Latin letters: read in {said(read_in[0])}, not {own}"
    listed = ", ".join(f"line {r['line']} in {said(r)}" for r in read_in[:6])
    more = f" and {len(read_in) - 6} more" if len(read_in) > 6 else ""
    return f"lines in Latin letters are not read as {own}: {listed}{more}"


def speech_seconds(
    motion: Motion, audio: np.ndarray, offset: float = 0.0, whole_speaking: np.ndarray | None = None
) -> float | None:
    """Seconds the character speaks in all of ``audio`` (the flags over the whole recording when
    given, else the motion's own when it covers the recording), or None when only a part's flags are
    known: the script is the whole recording's and cannot be weighed against a part."""
    if whole_speaking is not None:
        return float(np.count_nonzero(whole_speaking)) / motion.fps
    if len(audio) / SAMPLE_RATE > offset + motion.num_frames / motion.fps + 1.0 or offset > 0:
        return None
    return float(np.count_nonzero(motion.speaking)) / motion.fps


def too_many_words(text: str, seconds: float | None) -> str | None:
    """Why ``text`` (one character's lines) holds far more than ``seconds`` of speech can say
    (:data:`MAX_WORDS_PER_S`, :data:`MAX_LETTERS_PER_S`), or None when it may fit or the speech
    is not known."""
    if seconds is None:
        return None
    words = sum(1 for w in text.split() if any(ch.isalnum() for ch in w))
    letters = sum(1 for ch in text if ch.isalnum())
    if (
        words <= MAX_WORDS_PER_S * seconds + SPARE_WORDS
        and letters <= MAX_LETTERS_PER_S * seconds + SPARE_LETTERS
    ):
        return None
    return (
        f"its lines hold {words:,} words ({letters:,} letters) for {seconds:.1f} s of speech, more than "
        f"anyone says in that time: is it this recording's script?"
    )


def apply_transcript(
    lines: list[Line], names: tuple[str, str], stream_a: np.ndarray, stream_b: np.ndarray,
    motion_a: Motion, motion_b: Motion, where: str = "transcript", offset: float = 0.0,
    language: str = "en", whole_active: tuple[np.ndarray, np.ndarray] | None = None,
    keep_closures: bool = False,
    engine_spans: tuple[Sequence[tuple[float, float]], Sequence[tuple[float, float]]] = ((), ()),
    progress: Progress | None = None,
    characters: tuple[str | None, str | None] | None = None,
    language_b: str | None = None,
) -> tuple[Motion, Motion, dict[str, Any]]:  # fmt: skip
    """Both characters' mouths drawn from their lines (written in ``language``; B's in ``language_b``
    where given: a conversation in two languages, each character's lines read in their own); the report per
    character (``a``, ``b``). The streams may be the whole recording when the motions are a part of
    it starting ``offset`` seconds in (the words are aligned on the whole, then cut); with the whole
    recording's voice activity (``whole_active``, A's and B's at the motions' rate) the lines are
    also judged on the whole, as the whole take judges them. ``engine_spans``: A's and B's stretches
    (seconds of the streams) that keep the engine's lips though their lines are aligned
    (:func:`draw_lips`). ``where`` names the lines in messages: the transcript's file name, or
    :data:`RECOGNISED_WORDS` for words recognised from the voices. ``progress`` (stage
    ``"transcript"``, 0 to 1) hears of each line and stretch aligned, A's then B's, and may cancel
    there (CancelledError, nothing drawn); it changes nothing drawn. ``characters``: the names of the
    scene's characters playing A and B, which the lines may be tagged with (:func:`lines_by_speaker`)."""
    from .align import share

    language_a = language
    language_b = language_b or language
    lines_a, lines_b = lines_by_speaker(lines, names, where, characters)
    if len(stream_a) / SAMPLE_RATE + 1.0 < offset + motion_a.num_frames / motion_a.fps:
        raise DualTalkError("the audio is shorter than the motion; cannot place the transcript")
    texts_a, texts_b = [line.text for line in lines_a], [line.text for line in lines_b]
    whole_a, whole_b = whole_active if whole_active is not None else (None, None)
    # a character's lines far too many for their speech are refused (draw_lips, told so here: weighed
    # once) and compete with none of the partner's lines: the warp would weigh each of the partner's
    # lines against them all
    said_a, said_b = (" ".join(directions.dropped(t) for t in texts) for texts in (texts_a, texts_b))
    too_many_a = too_many_words(said_a, speech_seconds(motion_a, stream_a, offset, whole_a))
    too_many_b = too_many_words(said_b, speech_seconds(motion_b, stream_b, offset, whole_b))
    # a character's lines clearly in another language than the one given (a French script read as
    # Spanish, a Spanish one left at English): refused before drawing, naming the language they look
    # in, as espeak-ng's reading of the wrong language still fits the voice (review rv38a F1, F4)
    # (judged on the lines not tagged with a language of their own: ``A (fr):`` says its own)
    wrong_a = wrong_b = looks_a = looks_b = ""
    if where != RECOGNISED_WORDS:
        from .script_languages import wrong_language

        own_a, own_b = ([line.text for line in mine if not line.language] for mine in (lines_a, lines_b))
        wrong_a, looks_a = wrong_language(own_a, language_a) if not too_many_a else ("", "")
        wrong_b, looks_b = wrong_language(own_b, language_b) if not too_many_b else ("", "")
        # B's alone, or B's language set apart from A's: B's own language to give (draw_lips)
        too_many_a, too_many_b = too_many_a or wrong_a or None, too_many_b or wrong_b or None
    if too_many_a:
        texts_a = []
    if too_many_b:
        texts_b = []
    # the whole script given as English (both characters'): judged whole, as one language
    if where != RECOGNISED_WORDS and not uses_warp(language_a) and not uses_warp(language_b):
        from .script_languages import NOT_ENGLISH_ASK, NOT_ENGLISH_SAID, looks_like

        # a script in another language given as English: said once, and not aligned (the English
        # aligner's passes over words it cannot say cost most of the take, and what it draws is wrong)
        untagged = [line for line in lines_a + lines_b if not line.language]
        why, flag = not_english_script(lines_a, lines_b)
        if why:
            ask = NOT_ENGLISH_ASK.format(flag=flag)
            short = NOT_ENGLISH_ASK.format(flag=flag.split(" (")[0])
            reps = [_unaligned_report(mine, f"{NOT_ENGLISH_SAID}: {short}") for mine in (lines_a, lines_b)]
            code, letters = looks_like([line.text for line in untagged])
            for rep in reps:  # the language its letters suggest, for the panel's line (unaligned)
                if code and rep["words"]:
                    rep["looks"] = {"language": code, "letters": letters}
            who = " and ".join(k for k, rep in zip("AB", reps, strict=True) if rep["words"])
            log.warning("%s does not look English: %s; %s; %s keep%s the engine's lips", where, why, ask, who,
                        "" if " and " in who else "s")  # fmt: skip
            from .script_languages import normalise

            for rep in reps:
                rep["language"] = normalise(language)
            motion_a, motion_b = (
                dataclasses.replace(m, meta={**m.meta, "transcript": rep})
                for m, rep in zip((motion_a, motion_b), reps, strict=True)
            )
            return motion_a, motion_b, {"a": reps[0], "b": reps[1]}
    # each character's share of the bar: half for the passes over their whole stream, half by words
    words_a, words_b = (sum(len(t.split()) for t in texts) for texts in (texts_a, texts_b))
    half = 0.5 * (0.5 + 0.5 * words_a / max(words_a + words_b, 1))
    from .script_languages import normalise

    placed_a, placed_b = Placed(), Placed()
    motion_a, rep_a = draw_lips(
        motion_a,
        stream_a,
        lines_a,
        "A",
        offset,
        language_a,
        texts_b,
        whole_a,
        partner=stream_b,
        keep_closures=keep_closures,
        engine_spans=engine_spans[0],
        recognised=where == RECOGNISED_WORDS,
        progress=share(progress, 0.0, half, f"aligning {names[0]}'s lines"),
        too_many=too_many_a,
        placed=placed_a,
    )
    # A's refusal in B's language too: advice both share is the script's (A's flag mends both)
    a_refused = str(rep_a.get("error") or "") if normalise(language_b) == normalise(language_a) else ""
    motion_b, rep_b = draw_lips(
        motion_b,
        stream_b,
        lines_b,
        "B",
        offset,
        language_b,
        texts_a,
        whole_b,
        partner=stream_a,
        keep_closures=keep_closures,
        engine_spans=engine_spans[1],
        recognised=where == RECOGNISED_WORDS,
        progress=share(progress, half, 1.0, f"aligning {names[1]}'s lines"),
        too_many=too_many_b,
        language_flag="--transcript-language-b",
        partner_advice=a_refused,
        placed=placed_b,
    )
    motion_a, motion_b = _bounded_turns(
        (motion_a, motion_b), (rep_a, rep_b), (placed_a, placed_b), names, offset, whole_active,
        words="recognised" if where == RECOGNISED_WORDS else "scripted",
    )  # fmt: skip
    for who, rep, motion in (("A", rep_a, motion_a), ("B", rep_b, motion_b)):
        _not_theirs(rep, motion.fps)
        _said_elsewhere(who, rep)
    # the character's script language, English too: a line that fails names it
    for rep, wrong, looks, own, mine in (
        (rep_a, wrong_a, looks_a, language_a, lines_a),
        (rep_b, wrong_b, looks_b, language_b, lines_b),
    ):
        rep.setdefault("language", normalise(own))
        if other := _tagged_other(mine, own):  # said on the run's line: a mistaken (CA) is seen there
            rep["tagged"] = other
        if wrong and looks:  # the language the lines look in, for the panel's line (unaligned)
            rep["looks"] = {"language": looks, "letters": []}
    return motion_a, motion_b, {"a": rep_a, "b": rep_b}


def _bounded_turns(
    motions: tuple[Motion, Motion],
    reports: tuple[dict[str, Any], dict[str, Any]],
    placed: tuple[Placed, Placed],
    names: tuple[str, str],
    offset: float,
    whole_active: tuple[np.ndarray, np.ndarray] | None,
    words: str = "scripted",
) -> tuple[Motion, Motion]:
    """Both motions with each turn edge that runs past the character's aligned words into the
    partner's moved to the words (:mod:`.turn_edges`): one mix split by turns or diarization only
    (two microphones hear each voice apart). The speech taken is off the character's speaking flags,
    its mouth at rest there, named in a warning (``words``: what the lines are, "scripted" or
    "recognised") and the report's ``turn_edges`` (seconds)."""
    from . import turn_starts
    from .turn_edges import SPLIT_FORMS, loose_edges, outside, said, speech_cut
    from .visemes import drawn_channels

    source = motions[0].meta.get("source")
    form = source.get("form") if isinstance(source, dict) else None
    if form not in SPLIT_FORMS:
        return motions
    turns = source.get("turns") if isinstance(source, dict) else None
    where = Path(str(turns)).name if form == "turns" and turns else "the diarized turns"
    cols = list(drawn_channels())
    out = []
    for i, motion in enumerate(motions):
        own, other = placed[i], placed[1 - i]
        n, fps = motion.num_frames, motion.fps
        # a part's turns are the whole recording's (as its lines are judged), else the motion's own
        whole = whole_active[i] if whole_active is not None and offset > 0 else None
        flags, at = (whole, 0.0) if whole is not None else (motion.speaking, offset)
        flags = np.asarray(flags, bool)
        edges = loose_edges(flags, fps, at, own.words, other.words, own.kept)
        # a label starting early, inside the partner's last words, past a pause (review rv42b F1's mirror)
        starts, early = turn_starts.early_starts(flags, fps, at, own.words, other.words, own.kept, edges)
        part_end = offset + n / fps
        edges, starts = (
            [e for e in found if e.span[1] > offset and e.span[0] < part_end] for found in (edges, starts)
        )
        early = [run for run in early if run.end > offset and run.start < part_end]  # in the part
        lines = [said(edges, names[i], names[1 - i], where, words)] if edges else []
        for line in lines + turn_starts.said(starts, early, names[i], names[1 - i], where, words):
            log.warning("%s", line)
        if not edges and not starts:
            out.append(motion)
            continue
        moved = sorted([*edges, *starts], key=lambda e: e.span)
        values = motion.values.copy()
        values[:, cols] *= outside(moved, n, fps, offset)[:, None]
        speaking = np.asarray(motion.speaking, bool) & ~speech_cut(moved, n, fps, offset)
        reports[i]["turn_edges"] = [[round(a, 2), round(b, 2)] for a, b in (e.span for e in moved)]
        meta = {**motion.meta, "transcript": reports[i]}
        out.append(dataclasses.replace(motion, values=values, speaking=speaking.astype(np.uint8), meta=meta))
    return out[0], out[1]


def _advice(error: str) -> list[str]:
    """The script languages a refusal advises to give (``--transcript-language fr``), as written."""
    return re.findall(r"--transcript-language [^\s;,)]+", error)


def for_b(advice: str) -> str:
    """Advice to give the script's language, for B's lines alone: B's own flag and menu (A's lines
    fit A's language; changing it would misread them: review rv38a F2)."""
    advice = re.sub(r"--transcript-language(?= )", "--transcript-language-b", advice)
    return advice.replace("(panel: Script Language)", "(panel: Script Language B)")


def not_english_script(lines_a: list[Line], lines_b: list[Line]) -> tuple[str, str]:
    """(why, the flag to give) when a script given as English, judged whole on its lines not tagged
    with a language of their own, does not look English (:func:`.script_languages.not_english`);
    ("", "") when it does, or one character's lines alone look English (a bilingual script: each is
    judged alone). The run refuses such a script before aligning; ``infer --show-reading`` too."""
    from .script_languages import not_english

    why, flag = not_english([line.text for line in lines_a + lines_b if not line.language])
    if why and any(
        _looks_english([ln.text for ln in mine if not ln.language]) for mine in (lines_a, lines_b)
    ):
        return "", ""  # one character speaks English, the other not: each judged alone (wrong_language)
    return why, flag


def _looks_english(texts: list[str]) -> bool:
    """Whether a character's lines, alone, clearly look English by their commonest words (a
    bilingual script: the English character keeps their lines though the whole does not look English)."""
    from .script_guess import likely_language

    guess = likely_language(texts) if texts else None
    return guess is not None and guess.code == "en"


def _with_language(error: str, texts: list[str], language: str, warp: bool) -> str:
    """A character's refusal with the language its lines look written in, where that is not the one
    given (review rv38a F4: "the script lacks lines they say?" for a Spanish script left at English):
    a script given as English that does not look English (:func:`.script_languages.not_english`), or
    lines whose letters and commonest words name another language clearly enough
    (:func:`.script_guess.likely_language`); the guess that lines are missing is then left out."""
    from .script_guess import likely_language, profile, signs_said
    from .script_languages import NOT_ENGLISH_ASK, guess_flag, guess_name, language_name, not_english

    if not warp:  # one character's script in another language (the take's looked English)
        why, flag = not_english(texts)
        if why:
            return f"{error.removesuffix(LACKS_LINES)}; {why}: {NOT_ENGLISH_ASK.format(flag=flag)}"
    own = profile(language)
    guess = likely_language(texts, not_this=own) if own not in (None, "cmn") else None
    if guess is None:
        return error
    code = "pt-br" if guess.code == "pt" else guess.code
    return (
        f"{error.removesuffix(LACKS_LINES)}; its lines look {guess_name(code)} ({signs_said(guess)}), "
        f"not {language_name(language)}: is that their language? {guess_flag(code)} (panel: Script Language)"
    )


def _unaligned_report(lines: list[Line], error: str) -> dict[str, Any]:
    """A character's report when its lines were not aligned at all (``error``: why)."""
    written = [w for line in lines for w in line.text.split() if any(ch.isalnum() for ch in w)]
    if not written:
        return {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
    return {"words": len(written), "aligned": 0, "unknown": [], "seconds": 0.0, "error": error,
            "lines": len(lines), "lines_drawn": [], "lines_refused": [], "aligner": ALIGNERS[False]}  # fmt: skip


def engine_closures(values: np.ndarray, phones: list[Any], before: int, n: int, fps: float) -> np.ndarray:
    """(n,) bool: the frames whose centre lies in an aligned consonant (not a vowel, not a pause)
    where the engine's lips are shut (aperture at most :data:`release.CLOSED_FRACTION` of its median
    over the aligned vowels' frames). ``phones`` are timed from ``before`` frames ahead of the
    motion's first. Recognised words can be misheard ("be" as "the"): the aligned phone is then a
    consonant the engine closes on, and the closure is the engine's to keep; on vowels the words
    decide (the engine's shut vowels are what they fix). Chosen on flite, LJ Speech and MFA's
    unscripted clips (MODEL_CARD.md, "Lips from recognised words")."""
    from ..core.channels import ARKIT55
    from .release import CLOSED_FRACTION, aperture
    from .visemes import viseme_classes

    opening = aperture(values, ARKIT55)
    centres = frame_centres(n, fps, first=before)
    kind = np.zeros(n, np.int8)  # 0 nothing aligned, 1 consonant, 2 vowel
    for p in phones:
        classes = viseme_classes(p)
        if not classes or classes == ("sil",):
            continue
        inside = in_spans(centres, [(p.start, p.end)])
        kind[inside] = 2 if any(c in VOWEL_CLASSES for c in classes) else 1
    vowel = kind == 2
    if not vowel.any():
        return np.zeros(n, bool)
    line = CLOSED_FRACTION * float(np.median(opening[vowel]))
    return (kind == 1) & (opening <= line)


def _uncovered(
    placement: Placement, speaking: np.ndarray, fps: float, offset: float, flags: np.ndarray
) -> list[tuple[float, float]]:
    """Where (seconds) the character speaks inside a placed line's span and none of the words placed
    is: all of a line's words placed, its speech not covered means a word was placed apart from
    where it is said (a mid-line ``？`` read as a pause matched the partner's bleed)."""
    if not placement.words:
        return []
    spans = [placement.span(i) for i in placement.words]
    covered, said, _ = _script_speech(placement.found, speaking, fps, offset, None, spans, flags)
    within = _spans(spans, len(speaking), fps, offset)
    return [(offset + a / fps, offset + b / fps) for a, b in _runs(said & within & ~covered)]


def _not_aligned(
    placement: Placement,
    lines: list[Line],
    language: str,
    total: int,
    problem: Misfit,
    uncovered: list[tuple[float, float]],
    recognised: bool = False,
) -> str:
    """Why a character's placed lines are not drawn, true to what was placed: the lines refused for
    their writing system named first (the rest could not cover the speech without them), all words
    placed said as such (the shortfall is then where the speech lies outside them, not lines the
    script lacks; recognised words are no script, so nothing is guessed about one), and a Mandarin
    script in Latin letters told how Mandarin is written."""
    from . import script_warp
    from .script_languages import latin_for_mandarin

    placed = placement.placed_words()
    writing = {
        i: why
        for i, why in placement.refused.items()
        if uses_warp(language) and script_warp.foreign_writing(lines[i].text, language)
    }
    hint = latin_for_mandarin([line.text for line in lines], language) if uses_warp(language) else ""
    guess = LACKS_LINES if problem.lacks_lines and not recognised else ""
    if guess:
        if writing or hint:  # the cause is known: not lines the script lacks
            guess = ""
        elif placed >= total and uncovered:
            at = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in uncovered[:3])
            guess = f": no word is placed on their speech at {at} (one placed apart from its line?)"
    reason = problem.sentence.removesuffix(LACKS_LINES)
    if problem.cover is not None:
        share = f"{problem.cover:.0%}"  # as the sentence says it
        if share == "0%" and placed:  # placed in the voice, but none on its speech
            reason = f"none where the character speaks (they cover 0% of it, needs {MIN_COVER:.0%})"
        else:
            reason = f"they cover {share} {COVER_NEEDS}"
    said = f"all {total} words placed" if placed >= total else f"{placed} of {total} words placed"
    if not placed:
        said = f"none of its {total} words could be placed where the character speaks"
        reason = "" if problem.cover is not None else reason
    why = f"{said}, but {reason}{guess}" if reason else said
    if writing:
        others = "it" if len(writing) == 1 else "them"
        why = f"{_refusals(_refused_lines(lines, writing))}; without {others}, {why}"
    return f"{why}; {hint}" if hint else why


def _clip(text: str, most: int = 160) -> str:
    """The aligner's reason, whole when it is short: its messages quote at most 40 characters of
    the words, and a cut at 60 left that quote open."""
    return text if len(text) <= most else text[: most - 3].rstrip() + "..."


def _refusals(refused: list[dict[str, Any]], most: int = 5) -> str:
    """The refused lines for a person: ``line 5 'We should go...': it does not fit the voice (...)``;
    lines refused for the same reason are said once with their count (a Japanese script in kanji
    repeated "written in kanji ...; write it in kana ..." for every line: 2.6 kB; review 32n, F8)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in refused:
        groups.setdefault(str(r["why"]), []).append(r)
    parts = []
    for why, same in list(groups.items())[:most]:
        if len(same) == 1:
            parts.append(f"line {same[0]['line']} {same[0]['text']!r}: {why}")
            continue
        shown = ", ".join(f"{r['line']} {_clip(str(r['text']), 18)!r}" for r in same[:most])
        shown += f" and {len(same) - most} more" if len(same) > most else ""
        each = "each " + why.removeprefix("it ") if why.startswith("it ") else why
        each = each.replace("; write it in", "; write them in")
        parts.append(f"{len(same)} lines ({shown}): {each}")
    rest = sum(len(same) for same in list(groups.values())[most:])
    if rest:
        parts.append(f"{rest} more")
    return "; ".join(parts)


def _count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= 0


def _time(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _texts(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def _refused_entry(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and _count(value.get("line"))
        and isinstance(value.get("text"), str)
        and isinstance(value.get("why"), str)
    )


# What describe, brief and unaligned read of a character's report, and the shape each must have
# where it is given (``words`` always; ``aligned`` where the words are counted, :func:`_character_problem`)
_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "words": (_count, "a whole number of 0 or more"),
    "aligned": (_count, "a whole number of 0 or more"),
    "seconds": (lambda v: _time(v) and v >= 0, "seconds, 0 or more"),
    "unknown": (_texts, "a list of words"),
    "error": (lambda v: isinstance(v, str), "text"),
    "dropped": (_texts, "a list of words"),
    "guessed": (_texts, "a list of words"),
    "lines": (_count, "a whole number of 0 or more"),
    "lines_drawn": (lambda v: isinstance(v, list | tuple), "a list of line numbers"),
    "lines_refused": (
        lambda v: isinstance(v, list | tuple) and all(_refused_entry(r) for r in v),
        "a list of {line, text, why}",
    ),
    "unscripted": (
        lambda v: (
            isinstance(v, list | tuple)
            and all(isinstance(s, list | tuple) and len(s) == 2 and all(_time(t) for t in s) for s in v)
        ),
        "a list of [start, end] seconds",
    ),
    "language": (lambda v: isinstance(v, str) and len(v) <= 64, "a language code"),
    "tagged": (
        lambda v: (
            isinstance(v, list | tuple)
            and all(isinstance(t, list | tuple) and len(t) == 3 and _count(t[0]) and _texts(t[1:]) for t in v)
        ),
        "a list of [line, language, tag]",
    ),
    "looks": (
        lambda v: (
            isinstance(v, dict)
            and isinstance(v.get("language"), str)
            and len(v["language"]) <= 64
            and _texts(v.get("letters"))
        ),
        "{language, letters}",
    ),
    "not_english": (
        lambda v: isinstance(v, list | tuple) and len(v) == 2 and all(_count(n) for n in v),
        "[stretches not English, stretches heard]",
    ),
}


def _shown_value(value: Any) -> str:
    """A wrong value in a reason: a short one as written, else its kind."""
    if isinstance(value, dict | list | tuple):
        return f"a list of {len(value)}" if isinstance(value, list | tuple) else "an object"
    said = repr(value)
    return said if len(said) <= 24 else f"{type(value).__name__} {said[:20]}..."


def report_problem(report: Any) -> str | None:
    """Why ``report`` is not a take's transcript report as :func:`apply_transcript` and the
    pipeline write it, in the fields :func:`describe`, :func:`brief` and :func:`unaligned` read; None
    when it is one. A take folder's ``result.json`` is edited by hand or written by another version:
    a report of another shape is said so, never a TypeError after the take was keyed. Fields these
    do not read are not looked at (a newer version may add its own)."""
    if not isinstance(report, dict):
        return f"must be an object with A's and B's reports, got {_shown_value(report)}"
    if report.get("script") is not None and not isinstance(report["script"], str):
        return f"its script must be text, got {_shown_value(report['script'])}"
    for key in ("a", "b"):
        rep = report.get(key)
        if not isinstance(rep, dict):
            got = f"got {_shown_value(rep)}" if key in report else "it has none"
            return f"{key.upper()}'s report must be an object, {got}"
        problem = _character_problem(rep)
        if problem:
            return f"{key.upper()}'s {problem}"
    return None


def _character_problem(rep: dict[str, Any]) -> str | None:
    """The first field of one character's report that is not as written (see :func:`report_problem`):
    ``words`` must be there, ``aligned`` where the words are counted (a character with lines whose
    alignment did not fail), ``lines`` where refused lines are counted; any other field where given."""
    needed = {"words"}
    if _count(rep.get("words")) and rep["words"] and not rep.get("error"):
        needed.add("aligned")
        if rep.get("lines_refused"):
            needed.add("lines")
    for name, (fits, what) in _FIELDS.items():
        if (name not in needed and rep.get(name) is None) or fits(rep.get(name)):
            continue
        return (
            f"{name} must be {what}, got {_shown_value(rep[name])}" if name in rep else f"{name} is missing"
        )
    return None


def describe(report: dict[str, Any]) -> str:
    """One line for a person: how much of each character's transcript drew their lips (a report of
    another shape, :func:`report_problem`, is said so)."""
    problem = report_problem(report)
    if problem:
        return f"lips: the take's transcript report cannot be read (it {problem})"
    parts = []
    for key in ("a", "b"):
        rep = report[key]
        if not rep["words"]:
            parts.append(f"{key.upper()} had no lines (engine lips)")
            continue
        if rep.get("error"):
            # whole up to a line refused for its writing and how to write it, with the rest's coverage;
            # B's reason or advice as A's is not said twice (review 32n F8: a kanji script, F3)
            error = str(rep["error"])
            if key == "b" and report["a"].get("error") == error:
                error = "as A"
            elif key == "b" and report["a"].get("error"):
                error = _said_before(error, str(report["a"]["error"]))
            text = f"{key.upper()} could not be aligned (engine lips kept: {_clip(error, 320)})"
            if rep.get("dropped"):
                text += f" (not in English letters: {', '.join(rep['dropped'][:5])})"
            parts.append(text + _tagged_said(rep))
            continue
        seconds = rep.get("seconds") or 0.0
        text = f"{key.upper()} {rep['aligned']} of {rep['words']} words aligned, {seconds:.1f} s drawn"
        if rep.get("lines_refused"):
            drawn = len(rep.get("lines_drawn") or [])
            text = (
                f"{key.upper()} {drawn} of {rep['lines']} lines drawn ({_refusals(rep['lines_refused'])}; "
                f"engine lips there), {rep['aligned']} of {rep['words']} words aligned, {seconds:.1f} s drawn"
            )
        if rep.get("unscripted"):
            spans = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in rep["unscripted"][:5])
            more = len(rep["unscripted"]) - 5
            text += f" (speech the script lacks, engine lips there: {spans}{f' and {more} more' if more > 0 else ''})"
        if rep.get("unknown"):
            text += f" (left out, no pronunciation: {', '.join(rep['unknown'][:5])})"
        if rep.get("guessed"):
            got = rep["guessed"]
            text += f" ({len(got)} with evenly timed phones: {', '.join(got[:5])})"
        if rep.get("dropped"):
            text += f" (left out, not in English letters: {', '.join(rep['dropped'][:5])})"
        parts.append(text + _tagged_said(rep))
    return f"lips from {_source(report)}: " + "; ".join(parts)


def _said_before(error: str, before: str) -> str:
    """``error`` without the explanation of a writing system and the advice on how to write it that
    ``before`` (the other character's reason, said first) already gives."""
    for phrase in re.findall(r", which espeak-ng spells out letter by letter in [^;)]*(?:\))?", error):
        if phrase in before:
            error = error.replace(phrase, " (as A's)")
    for sentence in re.findall(r"; write (?:it|them) in [^;]*", error):
        if sentence in before:
            error = error.replace(sentence, "")
    return error


def _source(report: dict[str, Any]) -> str:
    """What the lines came from: a typed transcript, or words recognised from the voices (a
    ``script`` in the report, ``--recognise``)."""
    return "the recognised words" if report.get("script") is not None else "the transcript"


def brief(report: dict[str, Any]) -> str:
    """A few words for a status line: ``lips from the transcript (A 21/21 words, B not aligned)``, or
    ``A 12/14 lines`` when some of a character's lines were refused; for a report of another
    shape (:func:`report_problem`), that its words cannot be read."""
    if report_problem(report):
        return "the transcript's report cannot be read"
    parts = []
    for key in ("a", "b"):
        rep = report[key]
        if rep["words"]:
            got = "not aligned" if rep.get("error") else f"{rep['aligned']}/{rep['words']} words"
            if not rep.get("error") and rep.get("lines_refused"):
                got = f"{len(rep.get('lines_drawn') or [])}/{rep['lines']} lines"
            parts.append(f"{key.upper()} {got}")
    return f"lips from {_source(report)} ({', '.join(parts)})" if parts else f"{_source(report)} had no words"


def unaligned(report: dict[str, Any], language: str = "en") -> str | None:
    """The status line's warning when a character's lines could not be aligned at all (they keep
    the engine's lips), with the aligner's reason and the likeliest slip, the script's language;
    None when every character with lines was aligned, or when ``report`` is not such a report
    (:func:`report_problem`: nothing can be said of it). :func:`brief` says only "not aligned".
    A reason A and B share is said once; a script that does not look English, as what to set
    (:func:`_not_english`)."""
    from .script_languages import LOOKS_SAID, NOT_ENGLISH_ASK, advice, language_name

    if report_problem(report):
        return None
    failed = [key for key in ("a", "b") if report[key]["words"] and report[key].get("error")]
    if not failed:
        return None
    who = " and ".join(f"{k.upper()}'s" for k in failed)
    said = report[failed[0]].get("language") or language
    errors = [str(report[k]["error"]) for k in failed]
    recognised = report.get("script") is not None  # no script of the user's: no language to question
    looks = None if recognised else _not_english(report, failed, errors)
    if looks:
        return f"{who} lines keep the engine's lips: {looks}"
    # how to write the script (write kana; Han characters or pinyin), said once and whole, after the
    # reasons; then no guess that the script is in another language (a kanji script is Japanese)
    told = [a for a in advice(said) if any(a in e for e in errors)]
    reasons = [_panel_reason(e, told) for e in errors]
    if len(set(reasons)) == 1 and len(reasons) > 1:  # A's and B's the same: said once
        why = reasons[0]
    else:
        why = "; ".join(f"{k.upper()}: {r}" for k, r in zip(failed, reasons, strict=True))
    ask = "; ".join(told)
    placed_all = all(e.startswith("all ") for e in errors)  # every word placed: not the language
    named = any(  # the reason names the language
        NOT_ENGLISH_ASK.split("{")[0] in e or LOOKS_SAID in e or "its lines look " in e for e in errors
    )
    if not told and not recognised and not placed_all and not named:
        # B's lines alone, in B's own language: Script Language B says it
        own_b = failed == ["b"] and said != (report["a"].get("language") or language)
        ask = f"is the script in {language_name(said)}, as Script Language{' B' if own_b else ''} says?"
    voices = "their voices" if len(failed) > 1 else "the voice"
    if recognised:
        return f"{who} recognised words keep the engine's lips, not aligned to {voices} ({why})"
    return f"{who} lines keep the engine's lips, not aligned to {voices} ({why})" + (
        f"; {ask}" if ask else ""
    )


def _not_english(report: dict[str, Any], failed: list[str], errors: list[str]) -> str | None:
    """What the status line says of a script given as English that does not look English (A's and
    B's reports say it alike, :func:`apply_transcript`), once: ``the script looks Spanish (its ¿);
    set Script Language to Spanish`` where its letters name one of the panel's languages, else the
    reason with the flag to give (the panel names the menu); None for other reasons. The command
    line's warning has the words that are not English (review rv36b R5: the panel's line said
    "needs its language: Script Language" three times, 300+ characters, and never named Spanish)."""
    from .script_languages import LOOKS_SAID, NOT_ENGLISH_SAID, guess_name, language_name, panel_code

    looks = report[failed[0]].get("looks")
    if looks and all(e.startswith(LOOKS_SAID) for e in errors):  # refused before drawing (wrong_language)
        same = {str((report[k].get("looks") or {}).get("language")) for k in failed}
        code = panel_code(looks.get("language")) if len(same) == 1 else None
        if code:
            name = guess_name(code)
            # B's lines alone, told to give B's own language (a conversation in two languages)
            menu = (
                "Script Language B"
                if failed == ["b"] and "--transcript-language-b " in errors[0]
                else "Script Language"
            )
            return (
                f"{'the script looks' if len(failed) > 1 else 'its lines look'} {name}; set {menu} to {name}"
            )
    if len(set(errors)) != 1 or not errors[0].startswith(NOT_ENGLISH_SAID + ": "):
        return None
    code = panel_code(looks["language"]) if looks else None
    if not looks or not code:  # no one language: which to give is the user's (a report from before)
        return errors[0]
    name = language_name(code)
    letters = f" (its {', '.join(looks['letters'][:3])})" if looks["letters"] else ""
    return f"the script looks {name}{letters}; set Script Language to {name}"


def _panel_reason(error: str, told: list[str], most: int = 170) -> str:
    """A character's reason for the status line, short: the writing system's explanation and the
    advice said after all reasons (``told``) left out (the command line's report has them whole)."""
    short = re.sub(r", which espeak-ng spells out letter by letter in [^;]*", "", error)
    for sentence in told:
        short = re.sub(r"[:;] " + re.escape(sentence), "", short)
    return _clip(short, most)


def check_available(language: str = "en", flag: str = "--transcript", language_flag: str = "") -> None:
    """One line if the aligner a script in ``language`` needs is missing, before a long run starts:
    pocketsphinx for English, espeak-ng speaking that language for any other. ``flag``: what asked
    for it (``--recognise`` needs pocketsphinx too); ``language_flag``: the flag that gave ``language``,
    named where espeak-ng lacks it (``--transcript-language-b 'klingon': ...``, B's own)."""
    import importlib.util

    if uses_warp(language):
        from .script_languages import espeak_voice

        espeak_voice(language, flag=language_flag)
        return

    if importlib.util.find_spec("pocketsphinx") is None:
        raise DualTalkError(
            f"{flag} needs pocketsphinx (pip install pocketsphinx; the add-on's Install dependencies adds it)"
        )
