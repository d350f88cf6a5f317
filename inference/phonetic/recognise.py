"""A script written by listening: each character's English words recognised from their own voice.

Without a transcript the lips come from the network alone. For English speech the words can be
recognised instead (pocketsphinx's English model, already the English aligner's) and the result
drawn exactly as a typed transcript would be (``transcript.apply_transcript``: aligned, judged line
by line, refused where it does not fit). Each stretch of a character's speech (voice activity,
joined across short pauses) is recognised on its own and becomes one of their lines, so a wrong
stretch is refused alone and keeps the engine's lips. Recognition makes mistakes (a word for a
similar-sounding one); the measured rows are in MODEL_CARD.md ("Lips from recognised words").

The recogniser always finds English words, in any language and in music: a stretch whose words fit
its sound markedly worse than English words fit English speech (:data:`MIN_FIT`) is not made a
line, and the take says how many of each character's stretches were left so.

Why per stretch: the streams are mostly the other character's turns (silence or bleed on this
stream); recognising the whole stream would hand the recogniser long silences and the partner's
bleed to turn into words.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..core.progress import Progress
from ..core.timebase import FPS, SAMPLE_RATE
from .align import Listener
from .transcript import Line, frame_centres

JOIN_S = 0.6  # pauses shorter than this stay inside one stretch (a breath between clauses)
PAD_S = 0.15  # each stretch is heard with this much around it (a soft onset, a trailing consonant)
MIN_S = 0.25  # stretches shorter than this are coughs and clicks: not recognised
MAX_S = 20.0  # longer stretches are cut at their quietest 0.2 s (recognition cost grows with length)
# A stretch is taken for English words when they fit its sound (``align.Heard.fit``, mean per frame
# of the words): most English voices -2.0..-3.5 (flite, LJ Speech), an 8 kHz voice and unscripted
# speech down to -4.5; the recogniser's English words in other languages -3.6..-7 (espeak-ng
# es/fr/de/it/ja, real Italian and Russian prompts). Chosen on those (MODEL_CARD.md, "Lips from
# recognised words"): it takes every stretch of the flite, LJ and LibriVox evaluation clips, 0-10 %
# of other languages' sentences.
MIN_FIT = -4.0
MOSTLY_FOREIGN = 0.5  # a character more of whose stretches than this fail it: none of theirs drawn
# said when no stretch of either voice sounded English (the take then has no transcript report)
# what to do instead, said with both (review 32n F5: "did not sound like English" alone read as a
# complaint about the recording's quality on a Japanese or Spanish take)
ENGLISH_ONLY = (
    "for speech in another language give its script with --transcript and its language with "
    "--transcript-language"
)
NOTHING_HEARD = (
    "--recognise heard no English words in either voice: the engine's lips are kept (it hears English "
    f"only: {ENGLISH_ONLY})"
)
RECOGNISING = 0.5  # the share of --recognise's transcript stage that recognition reports (then aligning)


def stretches(active: np.ndarray, fps: float = FPS) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech in per-frame voice activity ``active``:
    runs joined across pauses under :data:`JOIN_S`, runs under :data:`MIN_S` left out."""
    flags = np.asarray(active, bool).reshape(-1)
    runs: list[list[float]] = []
    k = 0
    while k < len(flags):
        if not flags[k]:
            k += 1
            continue
        j = k
        while j < len(flags) and flags[j]:
            j += 1
        start, end = k / fps, j / fps
        if runs and start - runs[-1][1] < JOIN_S:
            runs[-1][1] = end
        else:
            runs.append([start, end])
        k = j
    return [(a, b) for a, b in runs if b - a >= MIN_S]


def _cut_long(audio: np.ndarray, start: float, end: float) -> list[tuple[float, float]]:
    """A stretch longer than :data:`MAX_S` cut at the quietest 0.2 s of each window, recursively."""
    if end - start <= MAX_S:
        return [(start, end)]
    lo, hi = start + MAX_S / 4, start + MAX_S  # cut somewhere in the later part of the window
    hop = int(0.05 * SAMPLE_RATE)
    win = int(0.2 * SAMPLE_RATE)
    first, last = int(lo * SAMPLE_RATE), int(hi * SAMPLE_RATE)
    starts = list(range(first, max(first + 1, last - win), hop))
    levels = [float(np.mean(np.square(audio[s : s + win]))) if s < len(audio) else 0.0 for s in starts]
    cut = (starts[int(np.argmin(levels))] + win / 2) / SAMPLE_RATE
    return [(start, cut), *_cut_long(audio, cut, end)]


class Said(NamedTuple):
    """One stretch as recognised: where it is (seconds), the words, whether they sound English."""

    start: float
    end: float
    words: str
    english: bool


@dataclass
class Hearing:
    """What recognition made of one character's speech: how many stretches it heard words in, and
    the spans (seconds) of those whose words did not sound like English."""

    heard: int = 0
    foreign: list[tuple[float, float]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the script's numbers of the foreign stretches

    @property
    def mostly_foreign(self) -> bool:
        """More of the stretches failed than :data:`MOSTLY_FOREIGN`: none of them is drawn."""
        return len(self.foreign) > MOSTLY_FOREIGN * self.heard

    def warning(self, name: str) -> str:
        """The take's warning for the character (called ``name``), when some stretches failed."""
        said = f"{name}: {len(self.foreign)} of {self.heard} stretches did not sound like English words; "
        if self.mostly_foreign:
            kept = f"the engine's lips are kept on all of {name}'s speech"
            return said + f"{kept} (--recognise hears English only: {ENGLISH_ONLY})"
        return (
            said + "the engine's lips are kept there (their lines are commented out in the recognised script)"
        )


def pieces(audio: np.ndarray, active: np.ndarray, fps: float = FPS) -> list[tuple[float, float]]:
    """(start, end) seconds of each piece of one character's speech heard on its own: the
    :func:`stretches`, the long ones cut (:data:`MAX_S`)."""
    audio = np.asarray(audio, np.float32).reshape(-1)
    return [piece for start, end in stretches(active, fps) for piece in _cut_long(audio, start, end)]


def hear(audio: np.ndarray, start: float, end: float, listener: Listener) -> Said:
    """The piece ``start``-``end`` of a 16 kHz stream recognised (heard with :data:`PAD_S` around
    it), judged English when its words fit its sound (:data:`MIN_FIT`)."""
    audio = np.asarray(audio, np.float32).reshape(-1)
    i = max(0, int((start - PAD_S) * SAMPLE_RATE))
    j = min(len(audio), int((end + PAD_S) * SAMPLE_RATE))
    heard = listener.hear(audio[i:j])
    english = heard.fit is not None and heard.fit >= MIN_FIT
    return Said(start, end, " ".join(heard.words.split()), english)


def recognised_lines(
    stream_a: np.ndarray,
    stream_b: np.ndarray,
    active_a: np.ndarray,
    active_b: np.ndarray,
    fps: float = FPS,
    *,
    names: tuple[str, str] = ("A", "B"),
    progress: Progress | None = None,
    hearing: dict[str, Hearing] | None = None,
) -> list[Line]:
    """Both characters' recognised stretches as a script's lines (tagged A and B, numbered in the
    order they are said), ready for ``transcript.apply_transcript``. ``hearing`` receives, per tag,
    which stretches did not sound like English: their lines stay in the script (they hold the
    aligner to where each line is said: without them it placed a later line's words there), and
    their lips are to be the engine's (:func:`engine_weight`). A character most of whose stretches
    fail (:data:`MOSTLY_FOREIGN`) gets no lines: the few that passed are most likely misheard too.
    ``progress`` hears of each stretch (a fraction of :data:`RECOGNISING`) and may cancel between."""
    hearing = {} if hearing is None else hearing
    streams = {"A": (stream_a, active_a, names[0]), "B": (stream_b, active_b, names[1])}
    todo = {tag: pieces(audio, active, fps) for tag, (audio, active, _name) in streams.items()}
    total = sum(len(p) for p in todo.values())
    listener: Listener | None = None  # one model for every stretch (loading it takes ~0.3 s)
    said: list[tuple[float, str, str, bool]] = []
    for tag, (audio, _active, name) in streams.items():
        heard: list[Said] = []
        for k, (a, b) in enumerate(todo[tag]):
            if progress is not None:
                done = len(heard) + (len(todo["A"]) if tag == "B" else 0)
                progress.update("transcript", RECOGNISING * done / total,
                                f"recognising {name}'s words ({k + 1} of {len(todo[tag])})")  # fmt: skip
                progress.check_cancel()  # a Progress need not check on update
            listener = listener or Listener()
            heard.append(hear(audio, a, b, listener))
        heard = [s for s in heard if s.words]  # silence, a click: nothing to judge
        hearing[tag] = Hearing(len(heard), [(s.start, s.end) for s in heard if not s.english])
        if not hearing[tag].mostly_foreign:
            said += [(s.start, tag, s.words, s.english) for s in heard]
    said.sort(key=lambda item: (item[0], item[1]))
    for k, (_t, who, _words, english) in enumerate(said):
        if not english:
            hearing[who].lines.append(k + 1)
    return [Line(k + 1, who, words) for k, (_t, who, words, _english) in enumerate(said)]


def engine_weight(
    spans: list[tuple[float, float]], num_frames: int, fps: float, offset: float = 0.0
) -> np.ndarray:
    """(T,) 0..1: how much of the engine's own lips a motion of ``num_frames`` starting ``offset``
    seconds into the recording keeps on ``spans`` (seconds): all of them over each span and the
    margin it was heard with (:data:`PAD_S`), fading out over half the shortest pause between two
    of a character's stretches (:data:`JOIN_S`), so the lines either side stay as drawn."""
    t = frame_centres(num_frames, fps, offset)
    fade = JOIN_S / 2
    w = np.zeros(num_frames)
    for start, end in spans:
        a, b = start - PAD_S, end + PAD_S
        w = np.maximum(w, np.clip(np.minimum((t - (a - fade)) / fade, ((b + fade) - t) / fade), 0.0, 1.0))
    return w


def as_script(lines: list[Line], foreign: Collection[int] = ()) -> str:
    """The lines as a transcript file reads them (``A: words``), to correct and give as ``--transcript``;
    the ``foreign`` ones (line numbers: words that did not sound like English) commented out, as the
    take left them to the engine's lips."""
    return "".join(f"{'# ' if line.number in foreign else ''}{line.speaker}: {line.text}\n" for line in lines)
