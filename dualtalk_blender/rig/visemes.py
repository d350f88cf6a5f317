"""VRM/MMD vowel visemes (A I U E O, aa ih ou ee oh, あいうえお) from ARKit lips (pure numpy).

Each of these keys is a whole spoken vowel at 1, so adding fixed mixes of ARKit channels stacked
all five at once on every open mouth (0.64 in all on an "ah", 'A' itself at 0.2) and an 'E' fed by
the smile. Instead the five share one budget: how far the lips are from rest (the aperture
``jawOpen - mouthClose``, the rounding, the spread), and each vowel gets the share of it that its
shape matches (the cosine to its signature, sharpened), so A+I+U+E+O never exceeds 1 and one
vowel leads. The smile is an expression (VRM Joy/happy, MMD にこり), not a vowel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MARKER = "viseme."  # the pseudo-channel a preset's vowel key carries: "viseme.aa"
VOWELS = ("aa", "ih", "ou", "ee", "oh")

# Lip shape of each vowel in three ARKit terms (aperture, rounding, spread): 'a' open and slack,
# 'i' spread over a nearly closed jaw, 'u' rounded and small, 'e' half open and spread, 'o' open
# and rounded. Only directions count (each is normalised).
SIGNATURES: dict[str, tuple[float, float, float]] = {
    "aa": (1.0, 0.25, 0.1),
    "ih": (0.4, 0.0, 1.0),
    "ou": (0.25, 1.0, 0.1),
    "ee": (0.8, 0.0, 0.6),
    "oh": (0.6, 1.0, 0.0),
}
SHARPNESS = 16.0  # cosine ** 16: a 0.99 match keeps about 5 times the share of a 0.9 one
# A vowel key at 1 is a clearly spoken vowel, which an ARKit face shows at about jawOpen 0.5
# (jawOpen 1 is the jaw's limit, wider than speech): the budget is twice the lips' travel.
GAIN = 2.0
BUDGET_WEIGHTS = (1.0, 0.5, 0.5)  # aperture, rounding, spread: rounding and spread move the lips less

READS = (
    "jawOpen",
    "mouthClose",
    "mouthFunnel",
    "mouthPucker",
    "mouthStretchLeft",
    "mouthStretchRight",
)


def mix(vowel: str) -> tuple[tuple[str, float], ...]:
    """A vowel target's mix: its marker, then the channels it reads at weight 0 (they set the
    key's layer, and a jaw bone stays still beside a key that reads jawOpen)."""
    if vowel not in SIGNATURES:
        raise ValueError(f"unknown vowel {vowel!r}")
    return ((MARKER + vowel, 1.0),) + tuple((ch, 0.0) for ch in READS)


def vowel_of(mix_: Sequence[tuple[str, float]]) -> tuple[str, float] | None:
    """(vowel, weight) where a key's mix carries a vowel marker, else None (a linear mix)."""
    for ch, w in mix_:
        if ch.startswith(MARKER):
            return ch[len(MARKER) :], float(w)
    return None


def features(values: np.ndarray, channels: Sequence[str]) -> np.ndarray:
    """(T, 3) aperture, rounding, spread of ARKit ``values`` whose columns are ``channels``."""
    col = {c: i for i, c in enumerate(channels)}

    def ch(name: str) -> np.ndarray:
        return values[:, col[name]].astype(np.float64)

    aperture = np.maximum(ch("jawOpen") - ch("mouthClose"), 0.0)  # lips sealed over an open jaw: m b p
    rounding = np.maximum(0.5 * (ch("mouthFunnel") + ch("mouthPucker")), 0.0)
    spread = np.maximum(0.5 * (ch("mouthStretchLeft") + ch("mouthStretchRight")), 0.0)
    return np.stack([aperture, rounding, spread], axis=1)


def vowel_weights(values: np.ndarray, channels: Sequence[str]) -> np.ndarray:
    """(T, 5) weights of :data:`VOWELS`: one budget (clipped to 1) split by shape. Scaling the lips
    (``--intensity mouth=k``) scales the budget and leaves the split as it was."""
    f = features(values, channels)
    budget = np.clip(GAIN * (f @ np.asarray(BUDGET_WEIGHTS)), 0.0, 1.0)
    sig = np.array([SIGNATURES[v] for v in VOWELS], dtype=np.float64)
    sig /= np.linalg.norm(sig, axis=1, keepdims=True)
    norm = np.linalg.norm(f, axis=1, keepdims=True)
    match = np.clip((f / np.maximum(norm, 1e-9)) @ sig.T, 0.0, 1.0) ** SHARPNESS
    total = match.sum(axis=1, keepdims=True)
    share = np.divide(match, total, out=np.zeros_like(match), where=total > 0)
    return (share * budget[:, None]).astype(np.float32)
