"""The keys an FBX of a take keyed with reduced keys keeps: the exporter samples every frame, and a
game-engine user who chose reduced keys wants the lighter file too (review 32g).

Each sampled curve is thinned with :mod:`.keyreduce`'s swing filter, within the take's own bounds
(:func:`tolerance`: 0.01 on shape-key weights, 0.1 deg on rotations), so the file plays what Blender
plays as closely as Blender's reduced keys play the engine. Two additions, for the lips:

* **turning points are exact** (:func:`turning_points`): the frames where a curve stops rising or
  falling (a bilabial closure's peak of mouthClose, jawOpen's trough, every frame of a hold there)
  keep the sampled value itself (to float noise), not one within the bound: a closure shut in
  Blender is shut in the engine, and a held jaw does not dip below closed;
* the holds at the clip's ends are exact too.

Pure numpy; the exporter's curves are handed over by :mod:`..scene.fbx_bake`.
"""

from __future__ import annotations

import numpy as np

from .keyreduce import WEIGHT_TOL, reduce_keys, rotation_component_tol

FLOAT32_MARGIN = 0.999  # the file stores float32 values: aim a hair inside the bound
# Translation and scale: DualTalk keys neither; a bone's local location and scale hold still while it
# turns, up to the float noise of decomposing its matrix. Kept within this share of the curve's size
# (at least this much in file units), a still channel becomes two keys and a moving one stays exact
# to the eye (1e-5 of a 1.8 m character is 0.02 mm).
TRANSFORM_SHARE = 1e-5
# a step smaller than this (in the curve's units) is float noise, not a turn
NOISE_SHARE = 1e-6


def tolerance(kind: str, values: np.ndarray) -> float:
    """The bound for one curve of the file, in its own units: ``shape`` (DeformPercent, 0-100),
    ``rotation`` (Euler degrees, per component), ``translation`` and ``scale``."""
    if kind == "shape":
        return 100.0 * WEIGHT_TOL
    if kind == "rotation":
        return float(np.degrees(rotation_component_tol("XYZ")))
    if kind in ("translation", "scale"):
        size = float(np.max(np.abs(values))) if len(values) else 0.0
        return TRANSFORM_SHARE * max(1.0, size)
    raise ValueError(f"unknown FBX curve kind {kind!r}")


def turning_points(values: np.ndarray, noise: np.ndarray | float = 0.0) -> np.ndarray:
    """(frames x curves) bool: the frames where each curve turns, a hold at a turn included (a peak,
    a trough, a closure held shut), and the holds at its two ends. Steps within ``noise`` count as
    still. The first and last frames are included."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    n, c = v.shape
    out = np.zeros((n, c), dtype=bool)
    if n == 0:
        return out
    out[0] = out[n - 1] = True
    if n < 3:
        return out
    step = np.diff(v, axis=0)
    still = np.abs(step) <= np.broadcast_to(np.asarray(noise, dtype=np.float64), (c,))
    sign = np.where(still, 0, np.sign(step))
    for j in range(c):
        moving = np.flatnonzero(sign[:, j])
        if not moving.size:
            continue
        # step i goes from frame i to i + 1; frames first..last are a hold or a turn (one frame)
        turn = sign[moving[1:], j] != sign[moving[:-1], j]
        first = np.concatenate(([0], moving[:-1][turn] + 1, [moving[-1] + 1]))
        last = np.concatenate(([moving[0]], moving[1:][turn], [n - 1]))
        cover = np.zeros(n + 1, dtype=np.int64)
        np.add.at(cover, first, 1)
        np.add.at(cover, last + 1, -1)
        out[:, j] |= np.cumsum(cover[:n]) > 0
    return out


def reduce_pinned(
    values: np.ndarray, tol: np.ndarray | float, pinned: np.ndarray, exact: np.ndarray | float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Keys for each column of ``values`` (frames x curves) so linear interpolation stays within
    ``tol`` on every frame, and within ``exact`` (float noise) of the sampled value on the ``pinned``
    frames.

    :func:`.keyreduce.reduce_keys` with each frame's own bound. Returns ``keep``
    (frames x curves: frame is a key) and ``keyed`` (the keys' values)."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    n, c = v.shape
    tol_c = np.broadcast_to(np.asarray(tol, dtype=np.float64), (c,))
    exact_c = np.broadcast_to(np.asarray(exact, dtype=np.float64), (c,))
    bounds = np.concatenate([tol_c, exact_c])
    if np.any(~np.isfinite(bounds)) or np.any(bounds < 0):
        raise ValueError("tolerances must be finite and >= 0")
    bound = np.where(np.asarray(pinned, dtype=bool).reshape(n, c), np.minimum(exact_c, tol_c), tol_c)
    return reduce_keys(v, bound)


def thin(curves: list[tuple[str, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each ``(kind, values)`` sampled on the same frames: ``(frame indices, key values)`` of the
    keys the file keeps (:func:`tolerance`, :func:`turning_points` pinned)."""
    if not curves:
        return []
    values = np.stack([np.asarray(v, dtype=np.float64) for _, v in curves], axis=1)
    finite = np.all(np.isfinite(values), axis=0)
    if not finite.all():
        # a curve that plays a NaN or an infinity somewhere (a script's broken key, a driver gone wrong)
        # has no bound to keep: every frame, as sampled, as an every-frame take's file holds it
        every = (np.arange(len(values)), values)
        kept = iter(thin([c for c, ok in zip(curves, finite, strict=True) if ok]))
        return [next(kept) if ok else (every[0], every[1][:, j]) for j, ok in enumerate(finite)]
    tol = np.array([tolerance(kind, values[:, j]) for j, (kind, _) in enumerate(curves)]) * FLOAT32_MARGIN
    scale = np.maximum(1.0, np.max(np.abs(values), axis=0)) if len(values) else np.ones(len(curves))
    noise = NOISE_SHARE * scale
    keep, keyed = reduce_pinned(values, tol, turning_points(values, noise), noise)
    return [(np.flatnonzero(keep[:, j]), keyed[keep[:, j], j]) for j in range(len(curves))]
