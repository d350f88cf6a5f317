"""Most recordings are 44.1 or 48 kHz and are resampled to 16 kHz as they are read; that resampler
was the last reason a Generate imported ``scipy.signal`` (0.6-0.9 CPU-s at every start). The
samples must stay the same bits (the voices, the levels and every take hang on them): the filter is
scipy's ``resample_poly`` filter in scipy's arithmetic, run by scipy's compiled upfirdn loop."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import loader, polyphase

pytest.importorskip("scipy")

RATES = (44100, 48000, 8000, 11025, 12000, 22050, 24000, 32000, 37800, 88200, 96000, 192000, 7999, 16001)


def _scipys(x: np.ndarray, up: int, down: int) -> np.ndarray:
    from scipy.signal import resample_poly

    return resample_poly(x, up, down, axis=-1)


@pytest.mark.parametrize("sr", RATES)
def test_every_recorders_rate_resamples_to_scipys_samples(sr):
    ratio = Fraction(16000, sr)
    rng = np.random.default_rng(sr)
    for shape in [(4321,), (2, 3000), (1, 1), (2, 7), (2, 0)]:
        x = rng.standard_normal(shape)
        got = polyphase.resample_poly(x, ratio.numerator, ratio.denominator)
        want = _scipys(x, ratio.numerator, ratio.denominator)
        assert got.shape == want.shape and np.array_equal(got, want), (sr, shape)


def test_a_real_44_1_khz_recording_reads_as_scipy_resampled_it(demo_clip, tmp_path):
    voice, _ = sf.read(demo_clip["wav1"], dtype="float64")
    at_441 = _scipys(voice[: 6 * 16000], 441, 160)  # what a 44.1 kHz recorder would have written
    path = tmp_path / "take.wav"
    sf.write(path, np.stack([at_441, at_441[::-1]], 1), 44100, subtype="PCM_24")
    x, info = loader.read_channels(path)
    raw, _ = sf.read(path, dtype="float64", always_2d=True)
    assert info.samplerate == 44100
    assert np.array_equal(x, _scipys(raw.T, 160, 441).astype(np.float32))


def test_without_scipys_loop_file_scipy_signal_resamples_the_same(monkeypatch):
    x = np.random.default_rng(0).standard_normal((2, 5000))
    fast = polyphase.resample_poly(x, 1, 3)
    monkeypatch.setattr(polyphase, "scipy_kernel", lambda name: None)  # another scipy's layout
    assert np.array_equal(polyphase.resample_poly(x, 1, 3), fast)


def test_a_scipy_whose_loop_takes_other_arguments_resamples_the_same_through_scipy_signal(monkeypatch):
    """scipy before 1.6 had no mode/cval arguments, a future one may add some: a 44.1 kHz read raised
    a TypeError traceback (review rv37d F4); now the public ``resample_poly`` resamples instead."""
    import types

    x = np.random.default_rng(0).standard_normal((2, 5000))
    fast = polyphase.resample_poly(x, 160, 441)
    real = polyphase.scipy_kernel("_upfirdn_apply")

    def other_apply(data, h, out, up, down, axis):  # no mode/cval
        raise AssertionError("not called with today's arguments")

    older = types.SimpleNamespace(_apply=other_apply, _output_len=real._output_len, mode_enum=real.mode_enum)
    monkeypatch.setattr(polyphase, "scipy_kernel", lambda name: older)
    assert np.array_equal(polyphase.resample_poly(x, 160, 441), fast)


READ = """
import sys
import numpy as np
import soundfile as sf
from dualtalk.inference.audio.loader import read_channels
path = sys.argv[1]
t = np.arange(48000) / 48000
sf.write(path, np.stack([0.3 * np.sin(2 * np.pi * 220 * t), 0.2 * np.sin(2 * np.pi * 150 * t)], 1), 48000)
x, _ = read_channels(path)
assert x.shape == (2, 16000), x.shape
print("scipy.signal" in sys.modules)
"""


def test_reading_a_48_khz_recording_does_not_import_scipy_signal(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", READ, str(tmp_path / "t.wav")], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"  # before: True (resample_poly)
