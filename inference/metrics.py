"""Motion-quality metrics of the DualTalk paper (after "Learning to Listen", Ng et al. 2022).

Every metric is computed per sequence on one channel group, then averaged over
sequences. For a sequence let ``P`` be the predicted motion of the character (T, d),
``G`` its ground truth and ``Q`` the ground truth of the partner (the other speaker),
all trimmed to their common length T (they may differ by at most 1 s: :func:`same_take_length`).
Groups for the FLAME space: ``exp`` (50 expression coefficients), ``jaw`` (3, jaw rotation) and
``pose`` (3, neck/head rotation), in that column order (:class:`Sequence`); for ARKit:
``blendshapes`` (52) and ``head`` (3). See ``docs/metrics.md``.

* **FD** (Fréchet distance, lower is better): fit a Gaussian to the frames of each
  sequence, ``mu_P, S_P`` and ``mu_G, S_G`` (mean, covariance over time), then
  ``FD = |mu_P - mu_G|^2 + tr(S_P + S_G - 2 (S_P S_G)^(1/2))``.
* **P-FD** (paired FD): the same on the frame-wise concatenation with the partner,
  ``[Q, P]`` against ``[Q, G]`` (2d dimensions), so it also scores whether the reaction
  fits what the partner did at the same time.
* **MSE**: ``mean((P - G)^2)`` over frames and channels.
* **SID** (shannon index diversity, higher is more varied): k-means with k clusters
  (40 for groups of 10+ channels, 10 for the 3-channel rotations) on the frames of the
  ground truth; assign each predicted frame to its nearest centre and take the entropy
  (bits) of the cluster histogram ``-sum p log2 p`` (empty clusters add 0; the published
  script's ``log2(p + 1e-6)`` differs by under 1e-4 bits). A model stuck in one pose
  scores 0. (The published evaluation script passes its arguments the other way round,
  clustering the prediction and histogramming the ground truth; ``sid_fit="pred"``
  reproduces that.) Our k-means is k-means++ seeded with 0 plus Lloyd iterations, so
  values agree with scikit-learn's to clustering noise, not to the digit.
* **rPCC** (residual Pearson correlation, lower is better): how far the prediction's
  coupling with the partner is from the real coupling,
  ``|pcc(G, Q) - pcc(P, Q)|`` with ``pcc`` the Pearson correlation of the flattened
  arrays. A constant array has no correlation; we define its ``pcc`` as 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .core.channels import SPACE_ARKIT, SPACE_FLAME
from .core.errors import DualTalkError

GROUPS: dict[str, tuple[tuple[str, slice], ...]] = {
    SPACE_FLAME: (("exp", slice(0, 50)), ("jaw", slice(50, 53)), ("pose", slice(53, 56))),
    SPACE_ARKIT: (("blendshapes", slice(0, 52)), ("head", slice(52, 55))),
}
METRICS = ("FD", "P-FD", "MSE", "SID", "rPCC")


def frechet_distance(x: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> float:
    """FD between Gaussians fitted to the rows of ``x`` and ``y`` (each (T, d), T >= 2)."""
    from scipy import linalg

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or min(len(x), len(y)) < 2:
        raise DualTalkError(
            f"Fréchet distance needs two (frames>=2, dims) arrays, got {x.shape} and {y.shape}"
        )
    mu1, mu2 = x.mean(0), y.mean(0)
    s1 = np.atleast_2d(np.cov(x, rowvar=False))
    s2 = np.atleast_2d(np.cov(y, rowvar=False))
    with warnings.catch_warnings():  # singular products are expected (still poses, few frames)
        warnings.simplefilter("ignore")
        covmean = linalg.sqrtm(s1 @ s2)
        if not np.isfinite(covmean).all():  # near-singular product: nudge the diagonals
            off = np.eye(s1.shape[0]) * eps
            covmean = linalg.sqrtm((s1 + off) @ (s2 + off))
    covmean = np.real(covmean)
    diff = mu1 - mu2
    return float(max(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean), 0.0))


def paired_frechet_distance(pred: np.ndarray, gt: np.ndarray, partner: np.ndarray) -> float:
    """FD of ``[partner, pred]`` against ``[partner, gt]`` (frame-wise concatenation)."""
    return frechet_distance(np.concatenate([partner, pred], axis=1), np.concatenate([partner, gt], axis=1))


def mse(pred: np.ndarray, gt: np.ndarray) -> float:
    return float(np.mean((np.asarray(pred, np.float64) - np.asarray(gt, np.float64)) ** 2))


def kmeans(x: np.ndarray, k: int, *, seed: int = 0, iters: int = 100) -> np.ndarray:
    """Cluster centres (k', d) of the rows of ``x``: k-means++ start, Lloyd iterations.

    k' = min(k, number of distinct rows), so constant data gives one centre.
    """
    x = np.asarray(x, dtype=np.float64)
    distinct = np.unique(x, axis=0)
    k = max(1, min(int(k), len(distinct)))
    rng = np.random.default_rng(seed)
    centres = [distinct[rng.integers(len(distinct))]]
    d2 = ((x - centres[0]) ** 2).sum(1)
    for _ in range(1, k):
        total = d2.sum()
        idx = rng.choice(len(x), p=d2 / total) if total > 0 else rng.integers(len(x))
        centres.append(x[idx])
        d2 = np.minimum(d2, ((x - x[idx]) ** 2).sum(1))
    c = np.array(centres)
    for _ in range(iters):
        labels = assign(x, c)
        new = np.array([x[labels == j].mean(0) if np.any(labels == j) else c[j] for j in range(k)])
        if np.allclose(new, c):
            break
        c = new
    return c


ASSIGN_BYTES = 32 << 20  # the most one block of frame-to-centre differences may hold


def assign(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre for each row of ``x``.

    Worked out in blocks of rows, each difference array at most :data:`ASSIGN_BYTES` (the whole
    (N, k, d) array was 1.44 GB for an hour of motion, built on every k-means pass); each row's
    distances are the same sums as in one piece, so the labels are identical.
    """
    x = np.asarray(x, np.float64)
    centres = np.asarray(centres, np.float64)
    rows = max(1, ASSIGN_BYTES // max(1, 8 * centres.shape[0] * max(1, x.shape[1] if x.ndim > 1 else 1)))
    out = np.empty(len(x), dtype=np.intp)
    for lo in range(0, len(x), rows):
        d = ((x[lo : lo + rows, None, :] - centres[None]) ** 2).sum(-1)
        out[lo : lo + rows] = d.argmin(1)
    return out


def sid(pred: np.ndarray, gt: np.ndarray, k: int, *, fit: str = "gt", seed: int = 0) -> float:
    """Entropy (bits) of the histogram of ``pred`` frames over k-means clusters of ``gt``."""
    if fit not in ("gt", "pred"):
        raise DualTalkError("SID clusters must be fitted on 'gt' or 'pred'")
    ref, other = (gt, pred) if fit == "gt" else (pred, gt)
    labels = assign(other, kmeans(ref, k, seed=seed))
    hist = np.bincount(labels, minlength=k).astype(np.float64)
    p = hist[hist > 0] / hist.sum()
    return float(-(p * np.log2(p)).sum()) + 0.0  # + 0.0 turns -0.0 into 0.0


def pcc(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of the flattened arrays; 0 when either is constant."""
    a = np.asarray(a, np.float64).ravel()
    b = np.asarray(b, np.float64).ravel()
    a = a - a.mean()
    b = b - b.mean()
    den = np.sqrt((a @ a) * (b @ b))
    return float(a @ b / den) if den > 0 else 0.0


def rpcc(pred: np.ndarray, gt: np.ndarray, partner: np.ndarray) -> float:
    """``|pcc(gt, partner) - pcc(pred, partner)|``."""
    return abs(pcc(gt, partner) - pcc(pred, partner))


def sid_clusters(dims: int) -> int:
    """40 clusters for expression-sized groups, 10 for 3-channel rotations (as published)."""
    return 40 if dims >= 10 else 10


MAX_LENGTH_MISMATCH_S = 1.0  # a frame or two is rounding (the dataset's 587 frames for 588 of audio)


def same_take_length(frames: int, reference: int, fps: float) -> bool:
    """Whether ``frames`` and ``reference`` frames (at ``fps``) cover the same take: within
    :data:`MAX_LENGTH_MISMATCH_S`. The metrics cut every array to the shortest, so a prediction of a
    part of the take (``infer --start/--end``) would be scored against the wrong stretch of the
    ground truth. ``eval`` and :func:`sequence_metrics` both refuse by this one rule."""
    return abs(int(frames) - int(reference)) <= MAX_LENGTH_MISMATCH_S * fps


@dataclass
class Sequence:
    """One scored sequence: prediction, ground truth and partner ground truth, ``(T, C)`` each, at
    ``fps`` frames per second (25: the dataset's and the engines' rate).

    **Column order.** ``C`` is the motion space's channels in :data:`.core.channels.CHANNELS` order:

    * ``flame56``: ``[exp 0:50, jaw 50:53, neck 53:56]``: **jaw before neck**. The DualTalk dataset
      stores ``pose`` as ``[neck, jaw]``, the other way round, so ``np.concatenate([exp, pose], 1)``
      scores jaw errors as ``pose`` (neck) errors and neck errors as ``jaw``, with nothing to tell
      (both are 3 axis-angle radians: no check can see the swap). Build the arrays with
      ``Motion.from_flame(exp, pose).values`` or ``load_motion(path).values``
      (:mod:`.core.motion`), which put them in this order.
    * ``arkit55``: the 52 ARKit shape keys, then ``head_rx, head_ry, head_rz``, as the lite engine
      writes them (``take.motion_a.values``).

    :func:`sequence_metrics` refuses (:class:`DualTalkError`) arrays of another column count, NaN or
    Inf, and a prediction or partner more than 1 s (:func:`same_take_length`) longer or shorter than
    the ground truth; within that, all three are cut to the shortest.
    """

    name: str
    pred: np.ndarray
    gt: np.ndarray
    partner: np.ndarray
    fps: float = 25.0


def _checked(seq: Sequence, space: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sequence's three arrays, refused in one line naming the array when they cannot be scored."""
    from .core.channels import CHANNELS
    from .core.motion import check_fps

    fps = check_fps(seq.fps)
    width = len(CHANNELS[space])
    order = (
        "exp 0:50, jaw 50:53, neck 53:56; Motion.from_flame(exp, pose).values builds it from the dataset's "
        "exp and pose = [neck, jaw]"
        if space == SPACE_FLAME
        else "52 ARKit shape keys, then head_rx, head_ry, head_rz"
    )
    arrays = []
    for what in ("pred", "gt", "partner"):
        x = np.asarray(getattr(seq, what))
        if x.ndim != 2 or x.shape[1] != width:
            raise DualTalkError(
                f"{seq.name}: {what} has shape {x.shape}; {space} needs (frames, {width}) in the order {order}"
            )
        if x.dtype.kind not in "fiu":
            raise DualTalkError(f"{seq.name}: {what} holds {x.dtype} values, not numbers")
        if x.dtype.kind == "f" and not np.isfinite(x).all():
            rows = np.flatnonzero(~np.isfinite(x).all(axis=1))
            raise DualTalkError(
                f"{seq.name}: {what} holds NaN or Inf in {len(rows)} frame(s), the first at frame {rows[0]}"
            )
        arrays.append(x)
    pred, gt, partner = arrays
    for what, x in (("pred", pred), ("partner", partner)):
        if not same_take_length(len(x), len(gt), fps):
            raise DualTalkError(
                f"{seq.name}: {what} has {len(x)} frames but gt has {len(gt)} ({abs(len(x) - len(gt)) / fps:.2f} s "
                f"apart at {fps:g} fps); score motion of the whole take: the metrics would cut both to the "
                "shorter and compare the wrong stretches"
            )
    return pred, gt, partner


def sequence_metrics(
    seq: Sequence,
    space: str,
    *,
    sid_fit: str = "gt",
    progress: Any = None,
    share: tuple[float, float] = (0.0, 1.0),
) -> dict[str, dict[str, float]]:
    """``{group: {metric: value}}`` for one sequence; ``progress`` hears stage ``eval`` before each
    metric group (the clustering of a long sequence takes a while), within ``share`` of the stage.

    ``space``: ``"flame56"`` or ``"arkit55"``; the arrays' columns must be in its order (see
    :class:`Sequence`: FLAME is ``[exp, jaw, neck]``, not the dataset's ``[exp, neck, jaw]``).
    Refused in one line (:class:`DualTalkError`): another column count, NaN/Inf, a prediction or
    partner more than 1 s longer or shorter than the ground truth, fewer than two frames."""
    if space not in GROUPS:
        raise DualTalkError(f"no metric groups for motion space {space!r}")
    pred, gt, partner = _checked(seq, space)
    t = min(len(pred), len(gt), len(partner))
    if t < 2:
        raise DualTalkError(f"{seq.name}: needs at least two frames to score")
    pred, gt, partner = pred[:t], gt[:t], partner[:t]
    out: dict[str, dict[str, float]] = {}
    groups = GROUPS[space]
    for k, (group, sl) in enumerate(groups):
        if progress is not None:
            lo, hi = share
            progress.update("eval", lo + (hi - lo) * k / len(groups), f"{seq.name}: {group} ({t:,} frames)")
        p, g, q = pred[:, sl], gt[:, sl], partner[:, sl]
        out[group] = {
            "FD": frechet_distance(p, g),
            "P-FD": paired_frechet_distance(p, g, q),
            "MSE": mse(p, g),
            "SID": sid(p, g, sid_clusters(p.shape[1]), fit=sid_fit),
            "rPCC": rpcc(p, g, q),
        }
    return out


def evaluate_sequences(
    sequences: Iterable[Sequence], space: str, *, sid_fit: str = "gt", progress: Any = None
) -> dict[str, dict[str, float]]:
    """Mean of :func:`sequence_metrics` over sequences: ``{group: {metric: mean}}``."""
    seqs = list(sequences)
    if not seqs:
        raise DualTalkError("no sequences to score")
    per = []
    for i, s in enumerate(seqs):
        share = (i / len(seqs), (i + 1) / len(seqs))
        per.append(sequence_metrics(s, space, sid_fit=sid_fit, progress=progress, share=share))
    if progress is not None:
        progress.update("eval", 1.0, f"{len(seqs)} sequences")
    return {
        group: {m: float(np.mean([r[group][m] for r in per])) for m in METRICS} for group, _ in GROUPS[space]
    }


def format_table(result: dict[str, dict[str, float]], count: int | None = None) -> str:
    """A plain-text table: one row per metric, one column per channel group."""
    groups = list(result)
    head = ["metric", *groups]
    rows = [[m, *(f"{result[g][m]:.4g}" for g in groups)] for m in METRICS]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if count is not None:
        lines.append(f"({count} sequences; FD, P-FD, MSE, rPCC: lower is better; SID: higher is more varied)")
    return "\n".join(lines)
