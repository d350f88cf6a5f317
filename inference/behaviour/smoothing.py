"""Gaussian smoothing along one axis, and "any of these frames within a window", as
``scipy.ndimage`` gives them, without importing ``scipy.ndimage``.

The behaviour stage smooths with ``gaussian_filter1d`` (``mode="reflect"``, ``truncate=4.0``), and
the cues ask whether the partner speaks near a frame with ``uniform_filter1d(...) > 0``; these were
the behaviour stage's reasons to import scipy.ndimage (with scipy's array-API layers: 0.1-0.2 s of
every Generate's start, measured beside torch). The values must stay the same bits, so the filter is
scipy's own arithmetic: the weights as ``_gaussian_kernel1d`` makes them, and each output the centre
tap times the centre sample plus, from the farthest pair in, each symmetric pair's sum times its
weight, in double precision, cast back to the input's type (tests/behaviour/test_smoothing.py holds
it to scipy's on every sigma the layers use, 1-D and 2-D, float32 and float64).

After SciPy (BSD-3-Clause, Copyright (c) 2001-2002 Enthought, Inc. and 2003-2024 SciPy Developers),
``scipy/ndimage/_filters.py`` and ``src/ni_filters.c``.
"""

from __future__ import annotations

import numpy as np

TRUNCATE = 4.0  # gaussian_filter1d's default: taps out to 4 sigma


def gaussian_kernel(sigma: float, radius: int) -> np.ndarray:
    """scipy's ``_gaussian_kernel1d(sigma, 0, radius)``: the normalised taps, ``2 * radius + 1``."""
    sigma2 = sigma * sigma
    x = np.arange(-radius, radius + 1)
    phi_x = np.exp(-0.5 / sigma2 * x**2)
    return phi_x / phi_x.sum()


def gaussian_filter1d(x: np.ndarray, sigma: float, axis: int = -1) -> np.ndarray:
    """``scipy.ndimage.gaussian_filter1d(x, sigma, axis=axis)`` for a float array, the same floats."""
    x = np.asarray(x)
    if x.dtype.kind != "f":  # ints and bools: scipy's own casts
        from scipy.ndimage import gaussian_filter1d as scipy_gaussian_filter1d

        return np.asarray(scipy_gaussian_filter1d(x, sigma, axis=axis))
    radius = int(TRUNCATE * float(sigma) + 0.5)
    weights = np.ascontiguousarray(gaussian_kernel(sigma, radius)[::-1], dtype=np.float64)
    line = np.moveaxis(x, axis, -1).astype(np.float64)
    n = line.shape[-1]
    if n == 0:
        return np.zeros(x.shape, dtype=x.dtype)
    # "reflect": d c b a | a b c d | d c b a, repeated as far as the taps reach
    ext = np.pad(line, [(0, 0)] * (line.ndim - 1) + [(radius, radius)], mode="symmetric")
    out = ext[..., radius : radius + n] * weights[radius]
    for jj in range(-radius, 0):
        out += (ext[..., radius + jj : radius + jj + n] + ext[..., radius - jj : radius - jj + n]) * weights[
            radius + jj
        ]
    return np.moveaxis(out, -1, axis).astype(x.dtype)


def any_within(flags: np.ndarray, size: int) -> np.ndarray:
    """Per frame, whether any of ``flags`` is set in the ``size`` frames centred on it (the window
    reflected at the ends): ``scipy.ndimage.uniform_filter1d(flags.astype(float32), size) > 0``, whose
    values are the window's count over ``size``."""
    f = np.asarray(flags, dtype=bool).reshape(-1)
    if not len(f):
        return np.zeros(0, dtype=bool)
    before = size // 2
    ext = np.pad(f.astype(np.int64), (before, size - before - 1), mode="symmetric")
    counts = np.concatenate(([0], np.cumsum(ext)))
    return (counts[size:] - counts[:-size]) > 0
