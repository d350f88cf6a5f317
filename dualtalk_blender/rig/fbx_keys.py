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

A bone's rotation is held to the angle a user sees, not per curve (:mod:`.rotation_keys`): its three
Euler curves together play the sampled turn within 0.1 deg on every frame, its holds exact.

Pure numpy; the exporter's curves are handed over by :mod:`..scene.fbx_bake`.
"""

from __future__ import annotations

import numpy as np

from .keyreduce import ROTATION_TOL_DEG, WEIGHT_TOL, reduce_keys, rotation_component_tol
from .rotation_keys import thin_rotations

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


def rotation_triples(curves: list[tuple[str, np.ndarray]]) -> list[list[int]]:
    """The indices of each bone's X, Y and Z rotation curves: the exporter hands a bone's three in a
    row, in that order (:func:`..scene.fbx_bake.thin_sampled`); a run of rotation curves that is not
    whole triples is left to :func:`tolerance`'s per-component bound (none seen)."""
    triples: list[list[int]] = []
    run: list[int] = []
    for j, (kind, _) in enumerate([*curves, ("", None)]):
        if kind == "rotation":
            run.append(j)
            continue
        if run and len(run) % 3 == 0:
            triples += [run[i : i + 3] for i in range(0, len(run), 3)]
        run = []
    return triples


def thin(curves: list[tuple[str, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each ``(kind, values)`` sampled on the same frames: ``(frame indices, key values)`` of the
    keys the file keeps (:func:`tolerance`, :func:`turning_points` pinned). A bone's rotation
    (:func:`rotation_triples`) is held to the angle instead (:mod:`.rotation_keys`): its three curves
    together play the sampled rotation within 0.1 deg on every frame, its holds and the clip's ends
    exact."""
    if not curves:
        return []
    values = np.stack([np.asarray(v, dtype=np.float64) for _, v in curves], axis=1)
    n, c = values.shape
    # a curve that plays a NaN or an infinity somewhere (a script's broken key, a driver gone wrong) has
    # no bound to keep: every frame, as sampled, as an every-frame take's file holds it; so does the rest
    # of its bone's rotation (its angle is no longer known)
    ok = np.all(np.isfinite(values), axis=0)
    triples = []
    for t in rotation_triples(curves):
        if ok[t].all():
            triples.append(t)
        else:
            ok[t] = False
    keep, keyed = np.ones((n, c), dtype=bool), values.copy()
    single = np.flatnonzero(ok)
    single = single[~np.isin(single, triples)]
    tol = np.zeros(c)
    tol[ok] = [tolerance(curves[j][0], values[:, j]) * FLOAT32_MARGIN for j in np.flatnonzero(ok)]
    noise = np.zeros(c)
    if n:
        noise[ok] = NOISE_SHARE * np.maximum(1.0, np.max(np.abs(values[:, ok]), axis=0))
    part = values[:, single]
    keep[:, single], keyed[:, single] = reduce_pinned(
        part, tol[single], turning_points(part, noise[single]), noise[single]
    )
    if triples:
        at = np.array(triples)  # bones x 3
        keep[:, at], keyed[:, at] = thin_rotations(
            values[:, at],
            ROTATION_TOL_DEG * FLOAT32_MARGIN,
            np.min(noise[at], axis=1),
            float(np.min(tol[at])),
        )
    return [(np.flatnonzero(keep[:, j]), keyed[keep[:, j], j]) for j in range(c)]
