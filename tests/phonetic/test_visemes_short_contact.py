"""A script warped onto a voice says "ama" with a 30 ms /m/. The warp keeps so short a bilabial off its
timing shift while the vowels take it, so the first /a/'s placed end reaches over the /m/. The /m/
is too short to hold a frame centre and shows on one frame: it used to be the frame holding its
midpoint, inside the first /a/, and the lips shut that vowel. Drawn for a script, it now takes the
frame on the midpoint's other side, outside both vowels; the bilabial test (its frames widened by
one) still finds the lips closed. The training targets are drawn as before."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.audio.tts import Phone
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.phonetic.transcript import trim_contacts
from dualtalk.inference.phonetic.visemes import render_visemes
from dualtalk.training.evaluation.lipsync import (
    CLOSED_FRACTION,
    AlignedPhone,
    classify,
    mouth_features,
    score_phones,
)

FPS = 25.0
FRAMES = 40
# as the warp places them: the /a/ before ends 20 ms late (shifted), the short /m/ is not shifted
PLACED = [Phone("a", 0.50, 0.76, "ipa"), Phone("m", 0.74, 0.77, "ipa"), Phone("a", 0.79, 1.00, "ipa")]
VOWELS = [(0.50, 0.76), (0.79, 1.00)]


def _mouth(**kw: bool) -> np.ndarray:
    return render_visemes(trim_contacts(PLACED), FRAMES, fps=FPS, contact=True, **kw)


def _scores(values: np.ndarray):
    truth = [AlignedPhone(p.symbol, p.start, p.end, classify(p.symbol, "ipa")) for p in PLACED]
    return score_phones(mouth_features(values, ARKIT52), truth, FPS)


def _closed_frames(values: np.ndarray) -> list[int]:
    """The frames of the word (not the rest around it) whose lips the evaluator calls closed."""
    aperture = mouth_features(values, ARKIT52)["aperture"]
    closed = aperture <= CLOSED_FRACTION * _scores(values).median_vowel_aperture
    return [k for k in range(FRAMES) if closed[k] and PLACED[0].start <= (k + 0.5) / FPS < PLACED[-1].end]


def test_a_short_bilabial_drawn_for_a_script_keeps_off_the_vowels() -> None:
    values = _mouth(spare_open=True)
    closed = _closed_frames(values)
    assert closed, "the /m/ must still close the lips"
    for k in closed:
        centre = (k + 0.5) / FPS
        assert not any(a <= centre < b for a, b in VOWELS), f"frame {k} ({centre:.2f} s) lies in a vowel"
    scores = _scores(values)
    assert scores.closed_bilabial == [True]
    assert scores.closed_open == [False, False]


def test_the_training_targets_are_drawn_as_before() -> None:
    """Without ``spare_open`` (how the synthetic corpus is drawn) the /m/ stays on its midpoint's frame."""
    values = _mouth()
    assert _closed_frames(values) == [18]  # centre 0.74 s, inside the first /a/ as placed
    assert np.array_equal(values, _mouth(spare_open=False))
