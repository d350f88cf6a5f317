"""The speech band the VAD measures its levels in (a 2nd-order Butterworth band-pass), without
importing ``scipy.signal``.

``import scipy.signal`` costs 0.6-0.9 CPU-s (its ``__init__`` pulls in scipy.stats, optimize,
interpolate, spatial, ...), and every Generate, ``infer`` and ``animate`` paid it at its start for
this one filter (session 36's profile of the add-on's worker). The levels must stay the same bits
(every threshold, every take's activity and motion hangs on them), so nothing here is a new filter:

- :func:`band_sos` is ``scipy.signal.butter(2, [low, high], "bandpass", fs=sr, output="sos")``
  done with scipy's own arithmetic, step for step (``iirfilter`` -> ``buttap``, ``lp2bp_zpk``,
  ``bilinear_zpk``, ``zpk2sos`` with its ``nearest`` pairing) for this one case, so the coefficients
  are the same floats (tests/audio/test_speech_band.py holds it to scipy's at 200 sample rates);
- :func:`sosfilt` runs scipy's compiled second-order-section loop (the ``_sosfilt`` extension that
  ``scipy.signal.sosfilt`` itself calls) loaded from its file alone (:mod:`.scipy_kernels`), and
  where it cannot be loaded (another scipy's layout) ``scipy.signal.sosfilt``, the same loop, does it.

Design code after SciPy (BSD-3-Clause, Copyright (c) 2001-2002 Enthought, Inc. and 2003-2024
SciPy Developers), ``scipy/signal/_filter_design.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from .scipy_kernels import scipy_kernel

ORDER = 2


def _poly(roots: np.ndarray) -> np.ndarray:
    """scipy's ``_polyutils.poly``: coefficients from roots by repeated convolution, real when the
    roots are conjugate pairs."""
    a = np.ones((1,), dtype=roots.dtype)
    one = np.ones_like(roots[0])
    for zero in roots:
        a = np.convolve(a, np.stack((one, -zero)), mode="full")
    if np.iscomplexobj(a):
        imag = np.imag(np.asarray(roots, dtype=np.complex128))
        if np.all(np.sort(imag) == np.sort(-imag)):
            a = np.real(a).copy()
    return a


def _section(zeros: list[np.float64], poles: list[np.complex128]) -> np.ndarray:
    """scipy's ``_single_zpksos(zeros, poles, 1)``: one second-order section."""
    sos = np.zeros(6)
    b = np.multiply(np.float64(1.0), _poly(np.asarray(zeros)))
    a = _poly(np.asarray(poles))
    sos[3 - len(b) : 3] = b
    sos[6 - len(a) : 6] = a
    return sos


def _conjugate_halves(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's ``_cplxreal``: the upper halves of the conjugate pairs (averaged with their partners)
    and the real values, each sorted as scipy sorts them."""
    tol = 100 * np.finfo((1.0 * z).dtype).eps
    z = z[np.lexsort((abs(z.imag), z.real))]
    real_indices = abs(z.imag) <= tol * abs(z)
    zr = z[real_indices].real
    if len(zr) == len(z):
        return np.array([]), zr
    z = z[~real_indices]
    zp = z[z.imag > 0]
    zn = z[z.imag < 0]
    if len(zp) != len(zn):
        raise ValueError("a complex value has no matching conjugate")
    same_real = np.diff(zp.real) <= tol * abs(zp[:-1])
    diffs = np.diff(np.concatenate(([0], same_real, [0])))
    run_starts = np.nonzero(diffs > 0)[0]
    run_stops = np.nonzero(diffs < 0)[0]
    for start, stop in zip(run_starts, run_stops + 1, strict=True):
        for chunk in (zp[start:stop], zn[start:stop]):
            chunk[...] = chunk[np.lexsort([abs(chunk.imag)])]
    if any(abs(zp - zn.conj()) > tol * abs(zn)):
        raise ValueError("a complex value has no matching conjugate")
    return (zp + zn.conj()) / 2, zr


def _nearest(fro: np.ndarray, to: np.complex128) -> int:
    """scipy's ``_nearest_real_complex_idx`` for real ``fro``: the index of the value nearest ``to``."""
    return int(np.argsort(np.abs(fro - to))[0])


def _worst(p: np.ndarray) -> int:
    """The pole nearest the unit circle (scipy's digital ``idx_worst``): its section goes last."""
    return int(np.argmin(np.abs(1 - np.abs(p))))


def band_sos(sr: float, low: float, high: float) -> np.ndarray:
    """``scipy.signal.butter(2, [low, high], btype="bandpass", fs=sr, output="sos")``, the same floats."""
    return _design(float(sr), float(low), float(high)).copy()


@functools.lru_cache(maxsize=8)
def _design(fs: float, low: float, high: float) -> np.ndarray:
    """:func:`band_sos`, once per band (each stream of a take asks for it)."""
    wn = np.asarray([low, high], dtype=np.float64) / (fs / 2)
    if np.any(wn <= 0) or not wn[0] < wn[1] or np.any(wn >= 1):
        raise ValueError(f"a band of {low:g}-{high:g} Hz needs 0 < low < high < {fs / 2:g} Hz (sr={fs:g})")
    # iirfilter: the analog prototype (buttap), pre-warped band edges
    m = np.arange(-ORDER + 1, ORDER, 2, dtype=np.float64)
    p = -np.exp(1j * np.pi * m / (2 * ORDER))
    k = 1.0
    digital_fs = 2.0
    warped = 2 * digital_fs * np.tan(np.pi * wn / digital_fs)
    bw = float(warped[1] - warped[0])
    wo = float(np.sqrt(warped[0] * warped[1]))
    # lp2bp_zpk (no zeros: all ORDER of them go to the origin)
    p_lp = (p * bw / 2).astype(np.complex128)
    p_bp = np.concatenate((p_lp + np.sqrt(p_lp**2 - wo**2), p_lp - np.sqrt(p_lp**2 - wo**2)))
    z_bp = np.concatenate((np.zeros(0, dtype=np.complex128), np.zeros(ORDER)))
    k_bp = k * bw**ORDER
    # bilinear_zpk
    fs2 = 2.0 * digital_fs
    z_z = np.concatenate(((fs2 + z_bp) / (fs2 - z_bp), -np.ones(len(p_bp) - len(z_bp))))
    p_z = (fs2 + p_bp) / (fs2 - p_bp)
    k_z = k_bp * np.real(np.multiply.reduce(fs2 - z_bp) / np.multiply.reduce(fs2 - p_bp))  # np.prod
    # zpk2sos, "nearest" pairing: each pole pair with the zeros nearest it, the worst pair last
    z_cplx, z = _conjugate_halves(z_z)
    poles, p_real = _conjugate_halves(p_z)
    if len(z_cplx) or len(p_real):  # not this band's shape (real zeros, complex poles): scipy's own
        from scipy.signal import butter

        return np.asarray(butter(ORDER, [low, high], btype="bandpass", fs=fs, output="sos"))
    sos = np.zeros((len(poles), 6))
    for si in range(len(poles) - 1, -1, -1):
        p1 = poles[_worst(poles)]
        poles = np.delete(poles, _worst(poles))
        z1_idx = _nearest(z, p1)
        z1 = z[z1_idx]
        z = np.delete(z, z1_idx)
        z2_idx = _nearest(z, p1)
        z2 = z[z2_idx]
        z = np.delete(z, z2_idx)
        sos[si] = _section([z1, z2], [p1, p1.conj()])
    sos[0][:3] *= np.asarray(k_z).real
    return sos


def _kernel() -> Callable[[np.ndarray, np.ndarray, np.ndarray], None] | None:
    """scipy's compiled ``_sosfilt(sos, x, zi)`` (filters ``x`` and updates ``zi`` in place); None
    where this scipy has no such file."""
    module = scipy_kernel("_sosfilt")
    kernel = getattr(module, "_sosfilt", None)
    return kernel if callable(kernel) else None


def zero_state(sos: np.ndarray) -> np.ndarray:
    """The filter's state at rest, to carry from one block of a stream to the next."""
    return np.zeros((len(sos), 2))


def sosfilt(sos: np.ndarray, x: np.ndarray, zi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``scipy.signal.sosfilt(sos, x, zi=zi)`` for one float64 stream: the filtered block and the
    state after it (``zi`` is not changed)."""
    kernel = _kernel()
    if kernel is not None:
        y = np.array(x, dtype=np.float64, order="C").reshape(1, -1)  # a copy: the loop works in place
        state = np.array(zi, dtype=np.float64, order="C").reshape(1, len(sos), 2)
        try:
            kernel(np.ascontiguousarray(sos, dtype=np.float64), y, state)
            return y[0], state[0]
        except (TypeError, ValueError):  # a scipy whose private loop takes other arguments (review rv37d F4)
            pass
    from scipy.signal import sosfilt as scipy_sosfilt

    y, after = scipy_sosfilt(
        sos, np.asarray(x, dtype=np.float64), zi=np.asarray(zi, dtype=np.float64).reshape(len(sos), 2)
    )
    return np.asarray(y), np.asarray(after)
