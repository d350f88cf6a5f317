"""``dualtalk bench transcript``: what ``--transcript`` adds to a take, on CPU.

Speaks a ``--seconds`` two-voice English dialogue with flite (two voices taking turns with
our corpus sentences, so the aligner has real words to find), then times drawing both
characters' lips from its script (:func:`~dualtalk.inference.phonetic.transcript.apply_transcript`:
pocketsphinx alignment of each stream, rendering, blending) on engine-shaped motion. With
``--language es`` (any corpus language) two espeak-ng voices speak that language's corpus
sentences and the lips are drawn by the warp aligner (``script_warp``). With ``--recognise`` (English)
no script is given: the time includes recognising each voice's words (``recognise.recognised_lines``)
and drawing the lips from them as ``infer --recognise`` does. The
engine's own time is ``bench lite``'s; this is the extra. Reports the median wall time, the
seconds of alignment per second of voice, the words aligned and peak RSS.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..inference.phonetic.transcript import Line
from .harness import BenchResult, length, peak_rss_mb, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=length, default=60.0, help="dialogue length (default 60)")
    parser.add_argument(
        "--language",
        default="en",
        help="the script's language: en (default; flite voices, pocketsphinx) or a corpus language "
        "(es, fr, de, it, pt-br, ru, tr, ar, hi, cmn-latn-pinyin, ja, ko, nl, pl; espeak-ng voices, the warp)",
    )
    parser.add_argument(
        "--recognise",
        action="store_true",
        help="no script: time recognising each voice's words and drawing the lips from them (English only)",
    )


def _scene(seconds: float, language: str = "en") -> tuple[np.ndarray, np.ndarray, list[Line]]:
    """Two voices taking turns with corpus sentences: streams A, B and the script's lines (English:
    flite; another corpus language: espeak-ng)."""
    from ..inference.audio.tts import Voice, available_engines, speak
    from ..inference.core.errors import DualTalkError
    from ..inference.phonetic.script_languages import espeak_voice, is_english
    from ..training.lite.languages import LANGUAGES
    from ..training.lite.synth import SENTENCES

    if is_english(language):
        if "flite" not in available_engines():
            raise DualTalkError("bench transcript needs flite (apt-get install flite) to speak its dialogue")
        sentences: tuple[str, ...] = tuple(SENTENCES)
        voices = (Voice("flite", "awb"), Voice("flite", "slt", pitch=80.0, female=True))
    else:
        voice = espeak_voice(language)
        spoken = [lang for lang in LANGUAGES.values() if lang.voice == voice]
        if not spoken:
            corpus = ", ".join(lang.voice for lang in LANGUAGES.values())
            raise DualTalkError(
                f"--language {language}: bench transcript speaks the corpus languages ({corpus})"
            )
        sentences = spoken[0].sentences
        voices = (Voice("espeak", f"{voice}+m3"), Voice("espeak", f"{voice}+f2", pitch=70.0, female=True))
    sr = 16000
    n = int(seconds * sr)
    streams = (np.zeros(n, np.float32), np.zeros(n, np.float32))
    lines: list[Line] = []
    t, k = 0.5, 0
    while True:
        who = k % 2
        utt = speak(sentences[k % len(sentences)], voices[who])
        i = int(t * sr)
        if i + len(utt.audio) > n:
            break
        streams[who][i : i + len(utt.audio)] = utt.audio
        lines.append(Line(k + 1, "AB"[who], utt.text))
        t += utt.duration + 0.3
        k += 1
    return streams[0], streams[1], lines


def run(args: argparse.Namespace) -> BenchResult:
    from ..inference.audio.dialogue import Dialogue
    from ..inference.core.errors import DualTalkError
    from ..inference.core.motion import Motion
    from ..inference.phonetic.transcript import apply_transcript, check_available, uses_warp

    if not 2.0 <= args.seconds <= 3600.0:
        raise DualTalkError("--seconds must be between 2 and 3600")
    from ..inference.phonetic.script_languages import is_english

    language = getattr(args, "language", "en")
    recognising = bool(getattr(args, "recognise", False))
    if recognising and not is_english(language):
        raise DualTalkError(f"--recognise hears English only, not --language {language}")
    check_available(language)
    a, b, lines = _scene(args.seconds, language)
    # each voice's activity found as a take's is (Dialogue.from_arrays: each voice against the other's
    # bleed): the lines are weighed against the speech it flags, and a motion flagged silent throughout
    # is refused every line (0 of 175 words aligned, in 0.11 s)
    dialogue = Dialogue.from_arrays(a, b, sample_rate=16000)
    rng = np.random.default_rng(0)
    motions = [
        Motion("arkit55", rng.uniform(0, 0.3, (len(act), 55)).astype(np.float32), speaking=act)
        for act in (dialogue.active_a, dialogue.active_b)
    ]
    report: dict = {}

    def once() -> None:
        script = lines
        if recognising:  # infer --recognise: the words are heard, then drawn, closures kept
            from ..inference.phonetic.recognise import recognised_lines

            script = recognised_lines(a, b, dialogue.active_a, dialogue.active_b)
        drawn = apply_transcript(
            script, ("A", "B"), a, b, motions[0], motions[1], language=language, keep_closures=recognising
        )
        report.update(drawn[2])

    t = timeit(once, repeats=args.repeats, warmup=args.warmup)
    voiced = float((np.abs(a) > 1e-4).sum() + (np.abs(b) > 1e-4).sum()) / 16000
    how = (
        "recognition + pocketsphinx alignment"
        if recognising
        else ("warp alignment" if uses_warp(language) else "pocketsphinx alignment")
    )
    result = BenchResult(
        f"transcript lips ({how} + drawing), both characters, {language}",
        ["dialogue s", "median s", "min s", "s per voiced s", "words aligned", "peak RSS MiB"],
    )
    words = sum(report[k]["aligned"] for k in ("a", "b"))
    total = sum(report[k]["words"] for k in ("a", "b"))
    if words < total:  # a time for aligning part of the script is not the cost of aligning it
        raise DualTalkError(
            f"bench transcript aligned only {words} of the script's {total} words, so its time is not "
            "what aligning them costs (the warnings above say why)"
        )
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
