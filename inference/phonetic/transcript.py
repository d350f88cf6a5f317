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
character's lines are joined and aligned against their whole stream.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import DualTalkError
from ..core.inputs import check_input_file
from ..core.motion import Motion
from ..core.timebase import SAMPLE_RATE

MAX_BYTES = 1_000_000  # a feature film's dialogue is ~150 kB; more is not a transcript
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
# speech shorter than ASIDE_S and set apart from every aligned word by a pause of JOIN_GAP_S or more
# is taken for such a sound and not counted; a line the script lacks runs longer, or on from a
# scripted word. With it, the measured own texts stay kept, each with a 1.2 s laugh or six mm-hmms
# added now all kept (before: 6 and 5 of 48; LibriVox, a check: 2 and 0 of 5), all wrong texts
# stay refused; an espeak-ng dialogue whose script leaves out its "ha ha ha" and "mm hmm"s went
# from 79 % to 88 % (docs/engine.md).
ASIDE_S = 1.5
MIN_INSIDE = 0.5  # share of the aligned words' stretches where the character speaks (own: 0.87-1.00)
MAX_GUESSED = 1 / 3  # share of the words the phone pass could not time (own: at most 1 in 9; wrong:
# up to 5 of 8)
log = logging.getLogger("dualtalk.transcript")
_LINE = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(.*)$")


@dataclass(frozen=True)
class Line:
    """One line of a transcript: where it is in the file, who says it (as written) and what."""

    number: int
    speaker: str
    text: str


def read_transcript(path: str | os.PathLike[str]) -> list[Line]:
    """The lines of a transcript file, or one-line errors naming the file and line."""
    # a pipe, a link loop or a folder is said to be one, not "not found" (docs/robustness.md section 7)
    p = check_input_file(path, "transcript")
    if p.stat().st_size > MAX_BYTES:
        raise DualTalkError(
            f"transcript {p.name} is larger than {MAX_BYTES // 1000} kB; is it the right file?"
        )
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DualTalkError(f"transcript {p.name} is not UTF-8 text") from None
    if "\x00" in text:
        raise DualTalkError(f"transcript {p.name} is not a text file")
    lines = []
    for number, row in enumerate(text.splitlines(), 1):
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        m = _LINE.match(row)
        if m is None or not m.group(1).strip():
            raise DualTalkError(
                f"{p.name} line {number}: start the line with who says it and a colon (A: ... or B: ...)"
            )
        lines.append(Line(number, m.group(1).strip(), m.group(2).strip()))
    if not any(line.text for line in lines):
        raise DualTalkError(f"transcript {p.name} has no lines (write one per turn: A: ... or B: ...)")
    return lines


def texts_by_speaker(lines: list[Line], names: tuple[str, str], where: str = "transcript") -> tuple[str, str]:
    """(A's words, B's words): each line goes to A or B by its tag (A/B or the dialogue's names)."""
    tags = {"a": 0, "b": 1, names[0].casefold(): 0, names[1].casefold(): 1}
    out: tuple[list[str], list[str]] = ([], [])
    for line in lines:
        who = tags.get(line.speaker.casefold())
        if who is None:
            known = ", ".join(dict.fromkeys(["A", "B", *names]))
            raise DualTalkError(
                f"{where} line {line.number}: unknown speaker {line.speaker!r} (expected {known})"
            )
        if line.text:
            out[who].append(line.text)
    return " ".join(out[0]), " ".join(out[1])


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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame of each run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _asides(speaking: np.ndarray, covered: np.ndarray, fps: float) -> np.ndarray:
    """The frames of ``speaking`` that are short sounds apart from the words (``covered``): runs of
    speech joined across pauses shorter than ``JOIN_GAP_S`` (as the words are) that hold no word,
    lie no nearer one than that pause, and last under ``ASIDE_S``."""
    join = JOIN_GAP_S * fps
    groups: list[list[int]] = []
    for start, end in _runs(speaking | covered):
        if groups and start - groups[-1][1] < join:
            groups[-1][1] = end
        else:
            groups.append([start, end])
    aside = np.zeros(len(speaking), bool)
    for start, end in groups:
        if not covered[start:end].any() and end - start < ASIDE_S * fps:
            aside[start:end] = True
    return aside & speaking


def fit_problem(found: Any, speaking: np.ndarray, fps: float, offset: float = 0.0) -> str | None:
    """Why the aligned words (``found``, an :class:`~.align.Alignment`) are not what the character
    says, or None when they fit: the phones fit the voice acoustically (:data:`MIN_FIT`), the words
    cover the character's speech (``speaking``, per motion frame, whose first is second ``offset``;
    :data:`MIN_COVER`, short sounds apart from them left out: :data:`ASIDE_S`; :data:`MIN_INSIDE`)
    and the phone pass could time most of them (:data:`MAX_GUESSED`)."""
    n_words = max(len(found.words), 1)
    if len(found.guessed) > MAX_GUESSED * n_words:
        return f"the phones of {len(found.guessed)} of its {n_words} words could not be found in the voice"
    frames = sum(end - start for start, end, _s in found.scores)
    # words left out for want of a pronunciation are said but not aligned: the words around them
    # take their sound, so the acoustic fit cannot judge the rest (the coverage still does)
    if frames > 0 and not getattr(found, "unknown", []):
        fit = sum((end - start) * score for start, end, score in found.scores) / frames
        if fit < MIN_FIT:
            return (
                f"its words do not fit the voice (acoustic fit {fit:.1f}, needs {MIN_FIT:.0f}): another text?"
            )
    speaking = np.asarray(speaking, bool)
    if speaking.sum() >= 0.5 * fps:  # coverage needs the character to speak (half a second or more)
        t = (np.arange(len(speaking)) + 0.5) / fps + offset
        covered = np.zeros(len(speaking), bool)
        for start, end in _stretches(found.words):
            covered |= (t >= start) & (t < end)
        said = speaking & ~_asides(speaking, covered, fps)  # what the script should hold
        # none of it: the words all fall in silence, which the share below says
        cover = (covered & said).sum() / said.sum() if said.any() else 1.0
        if cover < MIN_COVER:
            return (
                f"its words cover {cover:.0%} of the time the character speaks (needs {MIN_COVER:.0%}): "
                "the script lacks lines they say?"
            )
        if covered.any() and (covered & speaking).sum() / covered.sum() < MIN_INSIDE:
            return "its words fall where the character is silent: the other character's lines?"
    return None


def speech_weight(words: list[tuple[str, float, float]], num_frames: int, fps: float) -> np.ndarray:
    """(T,) 0..1: 1 while the character says aligned words (stretches joined across short gaps),
    ramping from 0 over ``RAMP_S`` before each stretch and after it."""
    t = (np.arange(num_frames) + 0.5) / fps
    w = np.zeros(num_frames)
    for start, end in _stretches(words):
        a, b = start - PAD_S, end + PAD_S
        rise = np.clip((t - (a - RAMP_S)) / RAMP_S, 0.0, 1.0)
        fall = np.clip(((b + RAMP_S) - t) / RAMP_S, 0.0, 1.0)
        w = np.maximum(w, np.minimum(rise, fall))
    return w


def draw_lips(
    motion: Motion, audio: np.ndarray, text: str, who: str = "A", offset: float = 0.0
) -> tuple[Motion, dict[str, Any]]:
    """``motion`` with its mouth drawn from ``text`` aligned to ``audio`` (16 kHz, the character's
    own stream, whose second ``offset`` is the motion's first frame) and a report (words, aligned
    words, the ones left out, seconds drawn)."""
    from ..audio.tts import Phone
    from .align import align_words, normalise_words
    from .visemes import drawn_channels, render_visemes

    if motion.space != "arkit55":
        raise DualTalkError(
            f"--transcript draws ARKit lips; the {motion.engine or 'engine'}'s motion is {motion.space} "
            "(use --engine lite)"
        )
    spelled, dropped = normalise_words(text)
    words = spelled.split()
    written = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if not written:
        return motion, {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
    try:
        if not words:  # Cyrillic, Arabic, kana...: nothing the English aligner can spell
            raise DualTalkError(
                f"none of its {len(written)} words is written in English letters (the transcript "
                "aligner reads English only)"
            )
        found = align_words(np.asarray(audio, np.float32), text, drop_unknown=True, persist=True)
        problem = fit_problem(found, motion.speaking, motion.fps, offset)
        if problem:  # aligned, but not to what this voice says: drawn, it would mouth the wrong words
            raise DualTalkError(f"{len(found.words)} of {len(words)} words placed, but {problem}")
    except DualTalkError as exc:  # the take is still good: this character keeps the engine's lips
        report = {
            "words": len(words or written),
            "aligned": 0,
            "unknown": [],
            "seconds": 0.0,
            "error": str(exc),
        }
        if dropped:
            report["dropped"] = dropped
        log.warning("could not align %s's transcript with %s's voice (%s); %s keeps the engine's lips",
                    who, who, exc, who)  # fmt: skip
        return dataclasses.replace(motion, meta={**motion.meta, "transcript": report}), report
    n = motion.num_frames
    phones = [Phone(p.symbol, p.start - offset, p.end - offset, p.alphabet) for p in found.phones]
    spans = [(w, b - offset, e - offset) for w, b, e in found.words]
    drawn = render_visemes(trim_contacts(phones), n, fps=motion.fps, contact=True)
    weight = speech_weight(spans, n, motion.fps)[:, None]
    cols = list(drawn_channels())
    values = motion.values.copy()
    values[:, cols] = (1.0 - weight) * values[:, cols] + weight * drawn[:, cols]
    report = {
        "words": len(words),
        "aligned": len(found.words),
        "unknown": found.unknown,
        "seconds": round(float(weight.sum()) / motion.fps, 2),
    }
    if found.guessed:  # placed by the word pass, but their phones share the word's span evenly
        report["guessed"] = found.guessed
    if dropped:  # written words with no English letters or digits: not aligned, not drawn
        report["dropped"] = dropped
    return dataclasses.replace(motion, values=values, meta={**motion.meta, "transcript": report}), report


def apply_transcript(
    lines: list[Line], names: tuple[str, str], stream_a: np.ndarray, stream_b: np.ndarray,
    motion_a: Motion, motion_b: Motion, where: str = "transcript", offset: float = 0.0,
) -> tuple[Motion, Motion, dict[str, Any]]:  # fmt: skip
    """Both characters' mouths drawn from their lines; the report per character (``a``, ``b``).
    The streams may be the whole recording when the motions are a part of it starting ``offset``
    seconds in (the words are aligned on the whole, then cut)."""
    text_a, text_b = texts_by_speaker(lines, names, where)
    if len(stream_a) / SAMPLE_RATE + 1.0 < offset + motion_a.num_frames / motion_a.fps:
        raise DualTalkError("the audio is shorter than the motion; cannot place the transcript")
    motion_a, rep_a = draw_lips(motion_a, stream_a, text_a, "A", offset)
    motion_b, rep_b = draw_lips(motion_b, stream_b, text_b, "B", offset)
    return motion_a, motion_b, {"a": rep_a, "b": rep_b}


def _clip(text: str, most: int = 160) -> str:
    """The aligner's reason, whole when it is short: its messages quote at most 40 characters of
    the words, and a cut at 60 left that quote open."""
    return text if len(text) <= most else text[: most - 3].rstrip() + "..."


def describe(report: dict[str, Any]) -> str:
    """One line for a person: how much of each character's transcript drew their lips."""
    parts = []
    for key in ("a", "b"):
        rep = report[key]
        if not rep["words"]:
            parts.append(f"{key.upper()} had no lines (engine lips)")
            continue
        if rep.get("error"):
            text = f"{key.upper()} could not be aligned (engine lips kept: {_clip(rep['error'])})"
            if rep.get("dropped"):
                text += f" (not in English letters: {', '.join(rep['dropped'][:5])})"
            parts.append(text)
            continue
        text = f"{key.upper()} {rep['aligned']} of {rep['words']} words aligned, {rep['seconds']:.1f} s drawn"
        if rep["unknown"]:
            text += f" (left out, no pronunciation: {', '.join(rep['unknown'][:5])})"
        if rep.get("guessed"):
            got = rep["guessed"]
            text += f" ({len(got)} with evenly timed phones: {', '.join(got[:5])})"
        if rep.get("dropped"):
            text += f" (left out, not in English letters: {', '.join(rep['dropped'][:5])})"
        parts.append(text)
    return "lips from the transcript: " + "; ".join(parts)


def brief(report: dict[str, Any]) -> str:
    """A few words for a status line: ``lips from the transcript (A 21/21 words, B not aligned)``."""
    parts = []
    for key in ("a", "b"):
        rep = report[key]
        if rep["words"]:
            got = "not aligned" if rep.get("error") else f"{rep['aligned']}/{rep['words']} words"
            parts.append(f"{key.upper()} {got}")
    return f"lips from the transcript ({', '.join(parts)})" if parts else "the transcript had no words"


def check_available() -> None:
    """One line if pocketsphinx (the aligner) is missing, before a long run starts."""
    import importlib.util

    if importlib.util.find_spec("pocketsphinx") is None:
        raise DualTalkError(
            "--transcript needs pocketsphinx (pip install pocketsphinx; the add-on's "
            "Install dependencies adds it)"
        )
