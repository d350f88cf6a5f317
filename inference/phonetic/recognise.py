"""A script written by listening: each character's English words recognised from their own voice.

Without a transcript the lips come from the network alone. For English speech the words can be
recognised instead (pocketsphinx's English model, already the English aligner's) and the result
drawn exactly as a typed transcript would be (``transcript.apply_transcript``: aligned, judged line
by line, refused where it does not fit). Each stretch of a character's speech (voice activity,
joined across short pauses) is recognised on its own and becomes one of their lines, so a wrong
stretch is refused alone and keeps the engine's lips. Recognition makes mistakes (a word for a
similar-sounding one); the measured rows are in MODEL_CARD.md ("Lips from recognised words").

Why per stretch: the streams are mostly the other character's turns (silence or bleed on this
stream); recognising the whole stream would hand the recogniser long silences and the partner's
bleed to turn into words.
"""

from __future__ import annotations

import numpy as np

from ..core.timebase import FPS, SAMPLE_RATE
from .transcript import Line

JOIN_S = 0.6  # pauses shorter than this stay inside one stretch (a breath between clauses)
PAD_S = 0.15  # each stretch is heard with this much around it (a soft onset, a trailing consonant)
MIN_S = 0.25  # stretches shorter than this are coughs and clicks: not recognised
MAX_S = 20.0  # longer stretches are cut at their quietest 0.2 s (recognition cost grows with length)


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


def recognise_stream(audio: np.ndarray, active: np.ndarray, fps: float = FPS) -> list[tuple[float, str]]:
    """(start seconds, words) of each stretch of one character's 16 kHz stream, in order; stretches
    with no words recognised are left out."""
    from .align import transcribe

    audio = np.asarray(audio, np.float32).reshape(-1)
    out: list[tuple[float, str]] = []
    for start, end in stretches(active, fps):
        for a, b in _cut_long(audio, start, end):
            i = max(0, int((a - PAD_S) * SAMPLE_RATE))
            j = min(len(audio), int((b + PAD_S) * SAMPLE_RATE))
            words = " ".join(transcribe(audio[i:j]).split())
            if words:
                out.append((a, words))
    return out


def recognised_lines(
    stream_a: np.ndarray,
    stream_b: np.ndarray,
    active_a: np.ndarray,
    active_b: np.ndarray,
    fps: float = FPS,
) -> list[Line]:
    """Both characters' recognised stretches as a script's lines (tagged A and B, numbered in the
    order they are said), ready for ``transcript.apply_transcript``."""
    said = [(t, "A", words) for t, words in recognise_stream(stream_a, active_a, fps)]
    said += [(t, "B", words) for t, words in recognise_stream(stream_b, active_b, fps)]
    said.sort(key=lambda item: (item[0], item[1]))
    return [Line(k + 1, who, words) for k, (_t, who, words) in enumerate(said)]


def as_script(lines: list[Line]) -> str:
    """The lines as a transcript file reads them (``A: words``), to correct and give as ``--transcript``."""
    return "".join(f"{line.speaker}: {line.text}\n" for line in lines)
