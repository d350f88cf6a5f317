"""Polyphase resampling by a rational factor: ``scipy.signal.resample_poly(x, up, down, axis=-1)``
without importing ``scipy.signal``.

A recording at 44.1 or 48 kHz (most are) is resampled to 16 kHz as it is read, and that was the
last reason a Generate imported ``scipy.signal`` (0.6-0.9 CPU-s at each start, see
:mod:`.scipy_kernels`). The samples must stay the same bits, so this is scipy's own work: the
low-pass is ``firwin(2 * 10 * max(up, down) + 1, 1 / max(up, down), window=("kaiser", 5.0))``
computed with scipy's arithmetic step for step (the Kaiser window by ``scipy.special.i0``), padded
as ``resample_poly`` pads it, and run by scipy's compiled ``upfirdn`` loop (``_upfirdn_apply``,
loaded alone); where that loop cannot be loaded, ``scipy.signal.resample_poly`` does it all.
tests/audio/test_polyphase.py holds it to scipy's for the rates recorders use.

After SciPy (BSD-3-Clause, Copyright (c) 2001-2002 Enthought, Inc. and 2003-2024 SciPy Developers),
``scipy/signal/_signaltools.py``, ``_fir_filter_design.py``, ``_upfirdn.py``, ``windows/_windows.py``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .scipy_kernels import scipy_kernel

KAISER_BETA = 5.0  # resample_poly's default window, ("kaiser", 5.0)
HALF_LENGTH = 10  # taps each side per step of the larger rate (resample_poly's "reasonable cutoff")


def kaiser(m: int, beta: float) -> np.ndarray:
    """``scipy.signal.windows.kaiser(m, beta, sym=True)``."""
    from scipy import special  # already loaded by the take's other stages (scipy.fft)

    if m <= 1:
        return np.ones(m, dtype=np.float64)
    n = np.arange(0, m, dtype=np.float64)
    alpha = (m - 1) / 2.0
    return special.i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / special.i0(
        np.asarray(beta, dtype=np.float64)
    )


def lowpass(numtaps: int, cutoff: float) -> np.ndarray:
    """``scipy.signal.firwin(numtaps, cutoff, window=("kaiser", 5.0))``: a windowed-sinc low-pass
    (``cutoff`` relative to Nyquist), scaled to unit gain at 0 Hz."""
    band = np.atleast_1d(np.asarray(cutoff, dtype=np.float64)) / float(0.5 * 2)
    if not 0 < band[0] < 1:
        raise ValueError(f"cutoff {cutoff} must lie between 0 and 1 (Nyquist)")
    bands = np.reshape(np.concatenate((np.zeros(1), band, np.ones(0))), (-1, 2))
    alpha = 0.5 * (numtaps - 1)
    m = np.arange(0, numtaps, dtype=bands.dtype) - alpha
    h: np.ndarray | int = 0
    for j in range(bands.shape[0]):
        left, right = bands[j, 0], bands[j, 1]
        h += right * np.sinc(right * m)
        h -= left * np.sinc(left * m)
    assert isinstance(h, np.ndarray)
    h *= kaiser(numtaps, KAISER_BETA)
    # scaled at 0 Hz (the band's left edge is 0): cos(pi * m * 0.0), as scipy computes it
    h /= np.sum(h * np.cos(np.pi * m * 0.0))
    return h


@functools.lru_cache(maxsize=8)
def _filter(up: int, down: int) -> np.ndarray:
    """The low-pass of :func:`resample_poly` for ``up/down`` (already reduced), times ``up``."""
    max_rate = max(up, down)
    half_len = HALF_LENGTH * max_rate
    h = np.asarray(lowpass(2 * half_len + 1, 1.0 / max_rate), dtype=np.float64)
    h *= up
    h.setflags(write=False)
    return h


def _transposed(h: np.ndarray, up: int) -> np.ndarray:
    """The taps by phase, each phase reversed (scipy's ``_pad_h``: the loop's layout)."""
    h_full = np.zeros(len(h) + (-len(h) % up), h.dtype)
    h_full[: len(h)] = h
    return np.ascontiguousarray(h_full.reshape(-1, up).T[:, ::-1].ravel())


def resample_poly(x: np.ndarray, up: int, down: int) -> np.ndarray:
    """``scipy.signal.resample_poly(x, up, down, axis=-1)`` for float64 ``x``, the same floats."""
    x = np.asarray(x, dtype=np.float64)
    g = math.gcd(up, down)
    up, down = up // g, down // g
    if up == down == 1:
        return x.copy()
    kernel = scipy_kernel("_upfirdn_apply")
    output_len, apply, mode_enum = (getattr(kernel, n, None) for n in ("_output_len", "_apply", "mode_enum"))
    if output_len is None or apply is None or mode_enum is None:
        from scipy.signal import resample_poly as scipy_resample_poly

        return np.asarray(scipy_resample_poly(x, up, down, axis=-1))
    n_in = x.shape[-1]
    n_out = n_in * up
    n_out = n_out // down + bool(n_out % down)
    h = _filter(up, down)
    half_len = HALF_LENGTH * max(up, down)
    n_pre_pad = down - half_len % down
    n_post_pad = 0
    n_pre_remove = (half_len + n_pre_pad) // down
    while output_len(len(h) + n_pre_pad + n_post_pad, n_in, up, down) < n_out + n_pre_remove:
        n_post_pad += 1
    h = np.concatenate((np.zeros(n_pre_pad, dtype=h.dtype), h, np.zeros(n_post_pad, dtype=h.dtype)))
    # upfirdn(h, x, up, down, axis=-1, mode="constant", cval=0)
    shape = np.asarray(x.shape, dtype=np.int64)
    shape[-1] = output_len(len(h), n_in, up, down)
    out = np.zeros(shape, dtype=np.float64, order="C")
    try:
        apply(x, _transposed(h, up), out, up, down, x.ndim - 1, mode_enum("constant"), 0)
    except (TypeError, ValueError):  # a scipy whose private loop takes other arguments (review rv37d F4)
        from scipy.signal import resample_poly as scipy_resample_poly

        return np.asarray(scipy_resample_poly(x, up, down, axis=-1))
    return out[..., n_pre_remove : n_pre_remove + n_out]
