"""Every Generate, ``infer`` and ``animate`` measured its voices' levels through a band-pass that
imported ``scipy.signal``: 0.6-0.9 CPU-s at each start for one filter (session 36's profile of the
add-on's worker). The levels decide every threshold, so they must stay the same bits: the band is
scipy's Butterworth design done with scipy's arithmetic, run by scipy's own compiled loop, and
``scipy.signal`` is no longer imported for it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import speech_band, vad

pytest.importorskip("scipy")


def _scipy_levels_squared(x: np.ndarray, sr: int, block: int) -> np.ndarray:
    """What frame_levels band-passed with before (scipy.signal's butter, sosfilt_zi and sosfilt)."""
    from scipy.signal import butter, sosfilt, sosfilt_zi

    sos = butter(2, [100.0, min(4000.0, 0.45 * sr)], btype="bandpass", fs=sr, output="sos")
    zi = sosfilt_zi(sos) * 0.0
    out = []
    for i in range(0, len(x), block):
        y, zi = sosfilt(sos, x[i : i + block].astype(np.float64), zi=zi)
        out.append(y * y)
    return np.concatenate(out).astype(np.float32)


def _speech(demo_clip) -> np.ndarray:
    a, _ = sf.read(demo_clip["wav1"], dtype="float32")
    return np.concatenate([np.zeros(4000, np.float32), a[: 8 * 16000]])  # digital silence, then speech


def _band_passed(x: np.ndarray, sr: int, block: int) -> np.ndarray:
    sos = speech_band.band_sos(sr, vad.BAND_LOW_HZ, min(vad.BAND_HIGH_HZ, 0.45 * sr))
    zi = speech_band.zero_state(sos)
    out = []
    for i in range(0, len(x), block):
        y, zi = speech_band.sosfilt(sos, x[i : i + block].astype(np.float64), zi)
        out.append(y * y)
    return np.concatenate(out).astype(np.float32)


@pytest.mark.parametrize("sr", [16000, 8000, 22050, 44100, 48000])
def test_a_recordings_levels_are_the_same_bits_as_scipys_filter_gave(demo_clip, sr, monkeypatch):
    x = _speech(demo_clip)
    block = 50_000  # several blocks: the filter's state carried across them as before
    assert np.array_equal(_band_passed(x, sr, block), _scipy_levels_squared(x, sr, block))
    monkeypatch.setattr(vad, "FILTER_BLOCK", block)
    now = vad.frame_levels(x, sr)
    from scipy.signal import butter, sosfilt, sosfilt_zi

    # frame_levels as it was: scipy.signal's design, initial state and filter
    monkeypatch.setattr(
        vad, "band_sos", lambda sr, lo, hi: butter(2, [lo, hi], "bandpass", fs=sr, output="sos")
    )
    monkeypatch.setattr(vad, "zero_state", lambda sos: sosfilt_zi(sos) * 0.0)
    monkeypatch.setattr(vad, "sosfilt", lambda sos, x, zi: sosfilt(sos, x, zi=zi))
    assert np.array_equal(now, vad.frame_levels(x, sr))


def test_the_band_is_scipys_butterworth_to_the_bit_at_any_rate():
    from scipy.signal import butter

    rates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 192000]
    rates += list(range(400, 200_000, 997))
    for sr in rates:
        high = min(4000.0, 0.45 * sr)
        want = butter(2, [100.0, high], btype="bandpass", fs=sr, output="sos")
        assert np.array_equal(speech_band.band_sos(sr, 100.0, high), want), sr


def test_without_scipys_loop_file_scipy_signal_filters_the_same(demo_clip, monkeypatch):
    x = _speech(demo_clip)
    fast = _band_passed(x, 16000, 1 << 20)
    monkeypatch.setattr(speech_band, "_kernel", lambda: None)  # another scipy's layout
    assert np.array_equal(_band_passed(x, 16000, 1 << 20), fast)


def test_a_scipy_whose_loop_takes_other_arguments_filters_the_same_through_scipy_signal(
    demo_clip, monkeypatch
):
    """A future scipy may change its private loop's arguments: every take's VAD raised a TypeError
    traceback (review rv37d F4); now the public ``scipy.signal.sosfilt`` filters instead."""
    x = _speech(demo_clip)
    fast = _band_passed(x, 16000, 1 << 20)

    def other_sosfilt(sos, x, zi, axis):  # one argument more than today's
        raise AssertionError("not called with today's arguments")

    monkeypatch.setattr(speech_band, "_kernel", lambda: other_sosfilt)
    assert np.array_equal(_band_passed(x, 16000, 1 << 20), fast)


def test_a_band_that_cannot_be_is_refused_as_scipy_refused_it():
    with pytest.raises(ValueError):
        speech_band.band_sos(200, 100.0, 90.0)


MEASURE = """
import sys
import numpy as np
from dualtalk.inference.audio.vad import voice_activity
rng = np.random.default_rng(0)
a = (0.1 * rng.standard_normal(3 * 16000)).astype(np.float32)
b = (0.01 * rng.standard_normal(3 * 16000)).astype(np.float32)
voice_activity(a, b)
print("scipy.signal" in sys.modules)
import scipy.signal  # a later user of scipy.signal finds the loop already loaded, and it works
y = scipy.signal.sosfilt(scipy.signal.butter(2, 0.1, output="sos"), a)
assert np.isfinite(y).all() and scipy.signal._sosfilt is sys.modules["scipy.signal._sosfilt"]
"""


def test_measuring_a_takes_voices_does_not_import_scipy_signal():
    proc = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"  # before: True (0.6-0.9 CPU-s at every Generate's start)
