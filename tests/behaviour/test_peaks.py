"""The cues' stress beats and laughter bursts are peaks of the loudness envelope; finding them was
the other reason every Generate imported ``scipy.signal`` (0.6-0.9 CPU-s at each start). The peaks
are now found here, and they must be scipy's: same peaks, same ties, on plateaus, NaN and real speech."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.behaviour import cues
from dualtalk.inference.behaviour.peaks import find_peaks

pytest.importorskip("scipy")


def _scipys(x: np.ndarray, distance: float, prominence: float) -> np.ndarray:
    from scipy.signal import find_peaks as scipy_find_peaks

    with np.errstate(invalid="ignore"):
        return scipy_find_peaks(x, distance=distance, prominence=prominence)[0]


def _signals(rng: np.random.Generator):
    for trial in range(1200):
        n = int(rng.integers(0, 300))
        kind = trial % 4
        if kind == 0:
            x = 10 * rng.standard_normal(n)
        elif kind == 1:  # ties and plateaus
            x = np.round(3 * rng.standard_normal(n))
        elif kind == 2:  # a walk: long slopes, plateaus, far walks to a higher value
            x = np.round(np.cumsum(rng.standard_normal(n)))
        else:  # holes and infinities
            x = np.round(2 * rng.standard_normal(n))
            if n:
                x[rng.integers(0, n, size=max(1, n // 20))] = rng.choice(
                    [np.nan, np.inf, -np.inf], max(1, n // 20)
                )
        yield x, float(rng.choice([1, 1.5, 2, 3, 4, 7.2])), float(rng.choice([0.0, 0.5, 2.0, 9.0]))


def test_the_peaks_are_scipys_on_plateaus_ties_and_holes():
    for x, distance, prominence in _signals(np.random.default_rng(0)):
        assert np.array_equal(find_peaks(x, distance, prominence), _scipys(x, distance, prominence)), (
            x.tolist(),
            distance,
            prominence,
        )


def test_a_real_voices_beats_and_bursts_are_the_peaks_scipy_found(demo_clip):
    x, _ = sf.read(demo_clip["wav1"], dtype="float32")
    t = len(x) * 25 // 16000
    loud = cues.loudness_db(x, t, 25.0)
    env = cues.gaussian_filter1d(loud.astype(np.float64), 1.0)
    for signal, distance, prominence in ((env, 4, 2.0), (loud.astype(np.float64), 3, 9.0)):
        found = find_peaks(signal, distance, prominence)
        assert len(found) > 10
        assert np.array_equal(found, _scipys(signal, distance, prominence))


def test_an_hours_envelope_is_the_same_too():
    walk = np.cumsum(np.random.default_rng(1).standard_normal(25 * 3600))  # an hour of frames
    assert np.array_equal(find_peaks(walk, 4, 2.0), _scipys(walk, 4, 2.0))


CUES = """
import sys
import numpy as np
from dualtalk.inference.behaviour.cues import conversation_cues
rng = np.random.default_rng(0)
x = (0.1 * rng.standard_normal(4 * 16000)).astype(np.float32)
active = np.zeros(100, bool)
active[10:60] = True
conversation_cues(x, active, ~active)
print("scipy.signal" in sys.modules)
"""


def test_a_speakers_cues_do_not_import_scipy_signal():
    proc = subprocess.run([sys.executable, "-c", CUES], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"  # before: True (cues imported find_peaks from scipy.signal)
