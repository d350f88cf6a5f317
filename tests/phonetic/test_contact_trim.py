"""An animator's Spanish script drawn on a voice: the lips close on each /p b m/ and are open again
for the vowel after it. A short bilabial (a frame or less) shows on one frame, and the warp's timing
shift used to put that frame on the next vowel ("papá" said with its first /a/ shut)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript
from dualtalk.inference.phonetic.visemes import render_visemes
from dualtalk.training.evaluation.lipsync import (
    CLOSED_FRACTION,
    AlignedPhone,
    classify,
    mouth_features,
    phone_frames,
)

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SR, FPS = 16000, 25.0
LINES = (
    "Papá baja a la playa a pescar.",
    "La lámpara de mamá está rota.",
    "Pablo bebe mucha agua.",
)


def _take(voice: str) -> tuple[np.ndarray, list[Phone], list[AlignedPhone]]:
    """The lines said by an espeak-ng voice, a second apart, with where each phone truly is."""
    pieces, truth, t = [], [], 0.0
    for text in LINES:
        utt = speak(text, Voice("espeak", voice))
        t += 1.0
        truth += [Phone(p.symbol, p.start + t, p.end + t, p.alphabet) for p in utt.phones]
        pieces += [np.zeros(SR, np.float32), utt.audio]
        t += utt.duration
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    audio += np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)
    aligned = [
        AlignedPhone(p.symbol, p.start, p.end, classify(p.symbol, "ipa") or frozenset()) for p in truth
    ]
    return audio, truth, aligned


def _aperture(values: np.ndarray, phones: list[AlignedPhone]) -> tuple[np.ndarray, float]:
    """The lips' gap per frame, and the evaluator's "shut" line (a share of the vowels' median gap)."""
    gap = mouth_features(values, ARKIT55)["aperture"]
    vowel = np.zeros(len(gap), bool)
    for p in phones:
        if "vowel" in p.classes:
            lo, hi = phone_frames(p, FPS, len(gap))
            vowel[lo:hi] = True
    return gap, CLOSED_FRACTION * float(np.median(gap[vowel]))


def _after_bilabials(phones: list[AlignedPhone]) -> list[tuple[AlignedPhone, AlignedPhone]]:
    return [(b, v) for b, v in pairwise(phones) if "bilabial" in b.classes and "open" in v.classes]


@pytest.mark.parametrize("voice", ["es+m7", "es+f5"])
def test_a_vowel_after_a_short_bilabial_opens_on_its_first_frame_and_long_ones_keep_their_closure(voice):
    audio, phones, truth = _take(voice)
    n = int(len(audio) / SR * FPS)
    values = np.full((n, 55), 0.2, np.float32)
    values[:, ARKIT55.index("mouthClose")] = 0.0
    drawn, report = transcript.draw_lips(
        Motion("arkit55", values, engine="lite"), audio, "\n".join(LINES), language="es"
    )
    assert report["aligner"] == "warp" and report["lines_refused"] == []
    gap, shut = _aperture(drawn.values, truth)
    # the ceiling: the same renderer drawing the true phones (a bilabial and its vowel can share a frame)
    ceiling = values.copy()
    ceiling[:, :52] = render_visemes(transcript.trim_contacts(phones), n, fps=FPS, contact=True)
    true_gap, true_shut = _aperture(ceiling, truth)

    pairs = _after_bilabials(truth)
    assert sum(b.end - b.start <= 1 / FPS for b, _v in pairs) >= 4  # espeak-ng says /p/ in ~30 ms

    def first_shut(gap: np.ndarray, line: float, b: AlignedPhone, v: AlignedPhone) -> bool:
        return bool(gap[phone_frames(v, FPS, n)[0]] <= line)

    papa = pairs[0]  # "Papá": the line's first /a/ opens as soon as it sounds
    assert not first_shut(true_gap, true_shut, *papa)
    assert not first_shut(gap, shut, *papa), "drawn from the script, 'Papá' shuts its first /a/"
    drawn_shut = sum(first_shut(gap, shut, *pair) for pair in pairs)
    renderer_shut = sum(first_shut(true_gap, true_shut, *pair) for pair in pairs)
    assert drawn_shut <= renderer_shut  # no more than the renderer shuts on the true phones
    for p in truth:
        if "bilabial" in p.classes:
            lo, hi = phone_frames(p, FPS, n)
            near = gap[max(0, lo - 1) : hi + 1]
            assert near.min() <= shut, f"/{p.symbol}/ at {p.start:.2f} s does not close"
            if p.end - p.start > 2 / FPS:  # a long /m/ closes on its own frames, not only beside them
                assert gap[lo:hi].min() <= shut, f"/{p.symbol}/ at {p.start:.2f} s closes only beside itself"
