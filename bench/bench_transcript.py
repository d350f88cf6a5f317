"""``dualtalk bench transcript``: what ``--transcript`` adds to a take, on CPU.

Speaks a ``--seconds`` two-voice English dialogue with flite (two voices taking turns with
our corpus sentences, so the aligner has real words to find), then times drawing both
characters' lips from its script (:func:`~dualtalk.inference.phonetic.transcript.apply_transcript`:
pocketsphinx alignment of each stream, rendering, blending) on engine-shaped motion. The
engine's own time is ``bench lite``'s; this is the extra. Reports the median wall time, the
seconds of alignment per second of voice, the words aligned and peak RSS.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..inference.phonetic.transcript import Line
from .harness import BenchResult, peak_rss_mb, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=60.0, help="dialogue length (default 60)")


def _scene(seconds: float) -> tuple[np.ndarray, np.ndarray, list[Line]]:
    """Two flite voices taking turns with corpus sentences: streams A, B and the script's lines."""
    from ..inference.audio.tts import Voice, available_engines, speak
    from ..inference.core.errors import DualTalkError
    from ..training.lite.synth import SENTENCES

    if "flite" not in available_engines():
        raise DualTalkError("bench transcript needs flite (apt-get install flite) to speak its dialogue")
    sr = 16000
    n = int(seconds * sr)
    streams = (np.zeros(n, np.float32), np.zeros(n, np.float32))
    voices = (Voice("flite", "awb"), Voice("flite", "slt", pitch=80.0, female=True))
    lines: list[Line] = []
    t, k = 0.5, 0
    while True:
        who = k % 2
        utt = speak(SENTENCES[k % len(SENTENCES)], voices[who])
        i = int(t * sr)
        if i + len(utt.audio) > n:
            break
        streams[who][i : i + len(utt.audio)] = utt.audio
        lines.append(Line(k + 1, "AB"[who], utt.text))
        t += utt.duration + 0.3
        k += 1
    return streams[0], streams[1], lines


def run(args: argparse.Namespace) -> BenchResult:
    from ..inference.core.errors import DualTalkError
    from ..inference.core.motion import Motion
    from ..inference.phonetic.transcript import apply_transcript, check_available

    if not 2.0 <= args.seconds <= 3600.0:
        raise DualTalkError("--seconds must be between 2 and 3600")
    check_available()
    a, b, lines = _scene(args.seconds)
    frames = int(np.ceil(args.seconds * 25))
    rng = np.random.default_rng(0)
    motions = [Motion("arkit55", rng.uniform(0, 0.3, (frames, 55)).astype(np.float32)) for _ in range(2)]
    report: dict = {}

    def once() -> None:
        report.update(apply_transcript(lines, ("A", "B"), a, b, motions[0], motions[1])[2])

    t = timeit(once, repeats=args.repeats, warmup=args.warmup)
    voiced = float((np.abs(a) > 1e-4).sum() + (np.abs(b) > 1e-4).sum()) / 16000
    result = BenchResult(
        "transcript lips (pocketsphinx alignment + drawing), both characters",
        ["dialogue s", "median s", "min s", "s per voiced s", "words aligned", "peak RSS MiB"],
    )
    words = sum(report[k]["aligned"] for k in ("a", "b"))
    total = sum(report[k]["words"] for k in ("a", "b"))
    result.rows.append(
        [args.seconds, round(t["median"], 2), round(t["min"], 2), round(t["median"] / max(voiced, 1e-9), 3),
         f"{words}/{total}", round(peak_rss_mb())]
    )  # fmt: skip
    result.summary = {
        "seconds": args.seconds,
        "median_s": t["median"],
        "min_s": t["min"],
        "voiced_s": voiced,
        "words_aligned": words,
        "words": total,
        "peak_rss_mb": peak_rss_mb(),
    }
    result.notes.append("the engine's own time for the same take: bench lite")
    return result
