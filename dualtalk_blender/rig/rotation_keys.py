"""The keys a bone's rotation keeps in a reduced take's FBX, held to an *angle*: the rotation the file
plays (its three Euler curves, XYZ, degrees, linear between keys) stays within ``tol`` degrees of the
sampled rotation on every frame, measured as the angle of the relative rotation.

Bounding each Euler curve by a third of the angle (:func:`.keyreduce.rotation_component_tol`) is
sound but costly, most of all near gimbal lock: the tests' heads sit at Y = +-70 deg, where X and Z
swing by degrees per frame against each other while the head turns by a third of one, and each
curve was held to 0.033 deg of its own swing (demo take: 368 keys per curve, more keys per head than
Blender's own reduced take of it, 4 quaternion curves of 244).

For XYZ Euler angles (R = Rz Ry Rx, Blender's and FBX's) a small error d turns the rotation by
``|J d|`` with ``J^T J = [[1, 0, -sin Y], [0, 1, 0], [-sin Y, 0, 1]]``: Y's error stands alone and
X's and Z's mix only through ``P = (X + Z) / sqrt 2`` and ``Q = (X - Z) / sqrt 2``, the matrix's axes,
at cost ``(1 - sin Y) dP^2 + (1 + sin Y) dQ^2``. So Y is thinned alone (:mod:`.keyreduce`, a share
of the angle), and X and Z within the rest in one of two ways, whichever keeps fewer keys:

* **together**, on shared frames: a swing filter on P and Q whose slopes must keep each frame's
  error in its ellipse (from inside: a polygon with fixed normals, a running minimum of its offsets
  and an empty test over the normals' triples, Helly's theorem in the plane). Linear in P and Q is
  linear in X and Z, so the file's curves play what was checked. Wins near gimbal lock;
* **apart**, each within the box that fits the ellipse: wins when the head turns about axes of its
  own (Y near 0), where X and Z need keys on frames of their own.

The ellipse is the small-angle model: every result is measured with the exact angle and a bone that
misses (never on the demo take; a bound of 20 deg does) is thinned again tighter, at last per
component.
"""

from __future__ import annotations

import itertools

import numpy as np

from .keyreduce import reduce_keys

Y_SHARE = 0.5  # Y's error takes half the angle, X and Z together the rest (sqrt(1 - 0.25) of it)
SIDES = 16  # the polygon inside each ellipse: offsets at cos(pi / 16) = 0.98 of it or better
# Near gimbal lock the ellipse grows long (1 - sin Y -> 0): cap its long axis at 5x the angle, where
# the small-angle model is still good to a few percent, and the ellipse's shape within a factor
# SHAPE_SPREAD of the bone's usual one (the fixed normals, seen round, then stay at most 45 deg apart).
MIN_METRIC = 0.04
SHAPE_SPREAD = 2.0
RETRIES = (1.0, 0.5, 0.25)  # bound scales tried before falling back to per-component bounds


def euler_quaternions(euler: np.ndarray) -> np.ndarray:
    """(..., 3) XYZ Euler degrees -> (..., 4) unit quaternions (w, x, y, z) of Rz Ry Rx."""
    half = np.radians(np.asarray(euler, dtype=np.float64)) / 2
    cx, cy, cz = np.cos(half[..., 0]), np.cos(half[..., 1]), np.cos(half[..., 2])
    sx, sy, sz = np.sin(half[..., 0]), np.sin(half[..., 1]), np.sin(half[..., 2])
    return np.stack(
        [
            cz * cy * cx + sz * sy * sx,
            cz * cy * sx - sz * sy * cx,
            cz * sy * cx + sz * cy * sx,
            sz * cy * cx - cz * sy * sx,
        ],
        axis=-1,
    )


def rotation_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Degrees between the XYZ Euler rotations ``a`` and ``b`` (..., 3): the relative rotation's angle."""
    qa, qb = euler_quaternions(a), euler_quaternions(b)
    w = np.sum(qa * qb, axis=-1)  # the relative rotation conj(qa) qb: its scalar and its vector's length
    v = qa[..., :1] * qb[..., 1:] - qb[..., :1] * qa[..., 1:] - np.cross(qa[..., 1:], qb[..., 1:])
    return np.degrees(2.0 * np.arctan2(np.linalg.norm(v, axis=-1), np.abs(w)))  # exact near 0 too


def _unit_normals() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygon's normals on the unit circle, the (pair of indices, weights) of every three of them
    that span the plane positively (their halfplanes are disjoint when the weighted offsets sum
    below 0), and the opposite pairs."""
    phi = 2 * np.pi * np.arange(SIDES) / SIDES
    n = np.stack([np.cos(phi), np.sin(phi)], axis=1)

    def cross(i: int, j: int) -> float:
        return float(n[i, 0] * n[j, 1] - n[i, 1] * n[j, 0])

    triples, weights = [], []
    for i, j, k in itertools.combinations(range(SIDES), 3):
        w = np.array([cross(j, k), cross(k, i), cross(i, j)])
        if np.all(w > 1e-9) or np.all(w < -1e-9):
            triples.append((i, j, k))
            weights.append(np.abs(w))
    spread = np.zeros((SIDES, len(triples) + SIDES // 2))
    for t, ((i, j, k), w) in enumerate(zip(triples, weights, strict=True)):
        spread[[i, j, k], t] = w
    for j in range(SIDES // 2):  # n_j and n_(j + SIDES/2) are opposite: disjoint when H_j + H_opp < 0
        spread[[j, j + SIDES // 2], len(triples) + j] = 1.0
    pairs = np.array([(i, j) for i, j in itertools.combinations(range(SIDES), 2) if abs(cross(i, j)) > 1e-9])
    return n, spread, pairs


UNIT, SPREAD, PAIRS = _unit_normals()


def _metric(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame and bone, the costs of P's and Q's errors: ``(1 - sin Y, 1 + sin Y)``, kept within
    :data:`MIN_METRIC` and :data:`SHAPE_SPREAD` of the bone's usual shape (only ever raised: the
    ellipse only shrinks); and that usual shape, the median ratio of the two per bone."""
    s = np.sin(np.radians(y))
    a, b = np.maximum(1.0 - s, MIN_METRIC), np.maximum(1.0 + s, MIN_METRIC)
    ratio = np.median(b / a, axis=0)  # the bone's usual shape
    most = SHAPE_SPREAD**2
    a = np.maximum(a, b / (ratio * most))
    b = np.maximum(b, a * ratio / most)
    return a, b, ratio


class _Corners:
    """Where the polygons' lines cross, for a point inside each polygon ``{s: normals . s <= h}``
    (bones x sides; the normals fixed per bone): first the neighbouring lines' crossings, all pairs'
    where none of those is a corner (a line between held none of the polygon). Both are linear in
    ``h``: one product each."""

    def __init__(self, normals: np.ndarray) -> None:
        # P's and Q's spans: normals 0 and SIDES/4 and their opposites, (1, 0) and (0, sqrt ratio)
        self.normals = normals
        self.along, self.against = np.array([0, SIDES // 4]), np.array([SIDES // 2, 3 * SIDES // 4])
        self.middle = 0.5 / np.stack([normals[:, 0, 0], normals[:, SIDES // 4, 1]], axis=1)
        neighbours = np.stack([np.arange(SIDES), (np.arange(SIDES) + 1) % SIDES], axis=1)
        self.sets = [self._maps(normals, pairs) for pairs in (neighbours, PAIRS)]

    @staticmethod
    def _maps(normals: np.ndarray, pairs: np.ndarray) -> tuple[int, np.ndarray]:
        """For ``h`` (sides): each pair's corner (pairs x 2) and each normal's reach there (pairs x
        sides), as one matrix (bones x sides x pairs * (2 + sides))."""
        nb, count = len(normals), len(pairs)
        lines = np.stack([normals[:, pairs[:, 0]], normals[:, pairs[:, 1]]], axis=2)  # bones x pairs x 2 x 2
        solve = np.linalg.inv(lines)  # corner = solve @ (h_i, h_j)
        corner = np.zeros((nb, SIDES, count, 2))
        for k in range(2):
            corner[:, pairs[:, k], np.arange(count), :] += solve[..., k]
        reach = np.einsum("bspd,bqd->bspq", corner, normals)
        return count, np.concatenate([corner, reach], axis=3).reshape(nb, SIDES, -1)

    def center(self, bone: int, h: np.ndarray) -> np.ndarray:
        """A point inside bone ``bone``'s polygon with offsets ``h`` (sides): the middle of its span
        along P and along Q where that is inside (most often), else the mean of its corners found (to
        float noise; the least outside where float noise hides them all)."""
        middle = self.middle[bone] * (h[self.along] - h[self.against])
        if (self.normals[bone] @ middle <= h).all():
            return middle
        size = 1e-9 * (1.0 + np.abs(h).max())
        for last, (count, maps) in enumerate(self.sets):
            got = (h @ maps[bone]).reshape(count, 2 + SIDES)
            miss = (got[:, 2:] - h).max(axis=1)
            inside = miss <= (max(miss.min(), 0.0) if last else 0.0) + size
            if inside.any():
                break
        return got[inside, :2].mean(axis=0)


def _joint_filter(
    w: np.ndarray, a: np.ndarray, b: np.ndarray, ratio: np.ndarray, rho: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Shared keys for the pair ``w`` (frames x bones x 2: P, Q) so that on every frame the played
    error e satisfies ``a e_P^2 + b e_Q^2 <= rho^2`` (each frames x bones; b / a within
    :data:`SHAPE_SPREAD` squared of ``ratio``, per bone). Returns ``keep`` (frames x bones) and
    ``keyed`` (frames x bones x 2)."""
    n, nb, _ = w.shape
    keep = np.zeros((n, nb), dtype=bool)
    keyed = np.zeros((n, nb, 2))
    if n == 0:
        return keep, keyed
    keep[0], keyed[0] = True, w[0]
    if n == 1:
        return keep, keyed
    # fixed normals per bone (bones x sides x 2): uniform around the bone's usual ellipse
    normals = UNIT[None, :, :] * np.stack([np.ones(nb), np.sqrt(ratio)], axis=1)[:, None, :]
    # each frame's ellipse of radius 1: support along the normals, and the share of it a polygon with
    # these normals can take and stay inside (cos of half the widest gap between them, seen round)
    support = np.sqrt(normals[None, ..., 0] ** 2 / a[..., None] + normals[None, ..., 1] ** 2 / b[..., None])
    seen = np.arctan2(
        normals[None, ..., 1] / np.sqrt(b[..., None]), normals[None, ..., 0] / np.sqrt(a[..., None])
    )
    gaps = np.diff(np.concatenate([seen, seen[..., :1] + 2 * np.pi], axis=-1), axis=-1) % (2 * np.pi)
    room = support * (np.cos(np.max(gaps, axis=-1) / 2) * rho)[..., None]  # frames x bones x sides
    corners = _Corners(normals)
    # frame k's halfplanes, for the slope s from the key A "span" frames before: normals . (A + s span) <= reach
    reach = np.einsum("bsd,fbd->fbs", normals, w) + room
    anchor_value = w[0].copy()
    at_anchor = np.einsum("bsd,bd->bs", normals, anchor_value)
    span = np.zeros((nb, 1))  # frames since the anchor
    bound, new = np.full((nb, SIDES), np.inf), np.empty((nb, SIDES))
    for k in range(1, n):
        span += 1.0
        np.subtract(reach[k], at_anchor, out=new)
        np.minimum(bound, np.divide(new, span, out=new), out=new)
        # SPREAD's weights hold for the stretched normals too (a linear map keeps their sum at 0); a
        # segment's first frame is one ellipse, never empty (but to float noise when pinned)
        spread = new @ SPREAD
        if spread.min() < 0:
            for bone in ((spread.min(axis=1) < 0) & (span[:, 0] > 1)).nonzero()[0].tolist():
                slope = corners.center(bone, bound[bone])  # finite: frame k-1 narrowed it already
                value = anchor_value[bone] + slope * (span[bone, 0] - 1.0)
                keep[k - 1, bone] = True
                keyed[k - 1, bone] = anchor_value[bone] = value
                at_anchor[bone] = normals[bone] @ value
                new[bone] = reach[k, bone] - at_anchor[bone]
                span[bone] = 1.0
        bound, new = new, bound
    keep[n - 1] = True
    for bone in range(nb):
        keyed[n - 1, bone] = anchor_value[bone] + corners.center(bone, bound[bone]) * span[bone, 0]
    return keep, keyed


def held_still(euler: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """(frames x bones) bool: the frames of each bone's holds (every axis still to ``noise``, per
    bone, between a frame and the next) and the clip's first and last frames."""
    n = len(euler)
    out = np.zeros(euler.shape[:2], dtype=bool)
    if n == 0:
        return out
    out[0] = out[n - 1] = True
    still = np.all(np.abs(np.diff(euler, axis=0)) <= noise[None, :, None], axis=2)
    out[:-1] |= still
    out[1:] |= still
    return out


def played(keep: np.ndarray, keyed: np.ndarray) -> np.ndarray:
    """Linear interpolation of each column's keys on every frame (frames x ...), as the file's
    values (float32)."""
    n = len(keep)
    flat_keep = keep.reshape(n, -1)
    flat = keyed.reshape(n, -1).astype(np.float32).astype(np.float64)
    frames = np.arange(n, dtype=np.float64)
    out = np.empty_like(flat)
    for j in range(flat.shape[1]):
        at = np.flatnonzero(flat_keep[:, j])
        out[:, j] = np.interp(frames, at, flat[at, j])
    return out.reshape(keyed.shape)


def _thin_scaled(
    euler: np.ndarray, tol: float, pinned: np.ndarray, noise: np.ndarray
) -> tuple[np.ndarray, ...]:
    """One try at (frames x bones x 3) ``keep`` and ``keyed`` within ``tol`` degrees (small-angle
    model): Y alone; X and Z together (:func:`_joint_filter` on P and Q) or apart, each within the
    box that fits the error ellipse (``t^2 (2 + 2 |sin Y|) <= rest^2``: X's and Z's errors add at
    worst), whichever keeps fewer keys for the bone."""
    y = euler[..., 1]
    rest = tol * np.sqrt(1.0 - Y_SHARE**2)
    # apart: each axis alone, Y within its share and X and Z within the box (one pass for all three)
    box = rest / np.sqrt(2.0 + 2.0 * np.abs(np.sin(np.radians(y))))
    bound = np.stack([box, np.full_like(y, tol * Y_SHARE), box], axis=-1)
    bound = np.where(pinned[..., None], noise[None, :, None], bound)
    apart_keep, apart_keyed = (
        r.reshape(euler.shape)
        for r in reduce_keys(euler.reshape(len(euler), -1), bound.reshape(len(euler), -1))
    )
    keep_y, keyed_y = apart_keep[..., 1], apart_keyed[..., 1]
    w = np.stack([euler[..., 0] + euler[..., 2], euler[..., 0] - euler[..., 2]], axis=-1) / np.sqrt(2)
    a, b, ratio = _metric(y)
    keep_pq, keyed_pq = _joint_filter(w, a, b, ratio, np.where(pinned, noise[None, :], rest))
    p, q = keyed_pq[..., 0], keyed_pq[..., 1]
    together = (2 * keep_pq.sum(axis=0) < apart_keep[..., ::2].sum(axis=(0, 2)))[None, :, None]  # per bone
    joint_keep = np.stack([keep_pq, keep_y, keep_pq], axis=-1)
    joint_keyed = np.stack([(p + q) / np.sqrt(2), keyed_y, (p - q) / np.sqrt(2)], axis=-1)
    return np.where(together, joint_keep, apart_keep), np.where(together, joint_keyed, apart_keyed)


def thin_rotations(
    euler: np.ndarray, tol: float, noise: np.ndarray | float, fallback_tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Keys for bones' XYZ Euler curves (frames x bones x 3, degrees) so the played rotation stays
    within ``tol`` degrees of the sampled one on every frame (exact angle, values as float32), and
    within float ``noise`` (degrees, per bone) on its holds and at the clip's ends. A bone the
    tries miss is thinned per component within ``fallback_tol``, which bounds the angle whatever the
    rotation. Returns ``keep`` and ``keyed``, both frames x bones x 3."""
    e = np.asarray(euler, dtype=np.float64)
    n, nb, _ = e.shape
    noise_b = np.broadcast_to(np.asarray(noise, dtype=np.float64), (nb,)).copy()
    keep = np.zeros(e.shape, dtype=bool)
    keyed = np.zeros(e.shape)
    if n == 0 or nb == 0:
        return keep, keyed
    pinned = held_still(e, noise_b)
    todo = np.arange(nb)
    for scale in RETRIES:
        k, v = _thin_scaled(e[:, todo], tol * scale, pinned[:, todo], noise_b[todo])
        miss = np.max(rotation_angle(played(k, v), e[:, todo]), axis=0) > tol
        keep[:, todo[~miss]], keyed[:, todo[~miss]] = k[:, ~miss], v[:, ~miss]
        todo = todo[miss]
        if not todo.size:
            return keep, keyed
    for bone in todo:  # never seen; sound for any rotation (each axis's error turns it by at most its size)
        bound = np.where(pinned[:, bone, None], np.minimum(noise_b[bone], fallback_tol), fallback_tol)
        keep[:, bone], keyed[:, bone] = reduce_keys(e[:, bone], np.broadcast_to(bound, (n, 3)))
    return keep, keyed
