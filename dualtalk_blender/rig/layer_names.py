"""The layers a take is split into, and which motion channels feed each (pure, no bpy).

An animator dials these separately: ``lips+jaw`` (mouth, jaw, tongue, FLAME expression),
``head``, ``eyes`` (blinks and gaze), ``brows+cheeks`` (brows, cheeks, nose). A shape key or
bone fed by channels of several groups (VRM/MMD mixes, custom maps) goes to the layer that
drives it the most, so each keyed property lives in exactly one layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ...inference.core.errors import DualTalkError
from .retarget import channel_group

LAYERS = ("lips+jaw", "head", "eyes", "brows+cheeks")
GROUP_LAYER = {
    "mouth": "lips+jaw",
    "head": "head",
    "eyes": "eyes",
    "brows": "brows+cheeks",
    "cheeks": "brows+cheeks",
}
LAYER_ALIASES = {"lips": "lips+jaw", "jaw": "lips+jaw", "brows": "brows+cheeks", "expression": "brows+cheeks"}


def layer_name(text: str) -> str:
    """A layer as an animator types it (``head``, ``lips``, ``brows+cheeks``...) -> its name."""
    name = LAYER_ALIASES.get(text, text)
    if name not in LAYERS:
        raise DualTalkError(f"unknown layer {text!r} (expected {', '.join(LAYERS)})")
    return name


def dominant_layer(group_weights: Iterable[tuple[str, float]]) -> str:
    """The layer whose channel groups drive a key or bone the most."""
    totals: dict[str, float] = {}
    for group, weight in group_weights:
        layer = GROUP_LAYER[group]
        totals[layer] = totals.get(layer, 0.0) + abs(float(weight))
    if not totals:
        return LAYERS[0]
    return max(LAYERS, key=lambda layer: (totals.get(layer, -1.0), -LAYERS.index(layer)))


def mix_layer(mix: Iterable[tuple[str, float]]) -> str:
    """The layer of a shape key fed by a mix of (channel, weight)."""
    return dominant_layer((channel_group(ch), w) for ch, w in mix)


def drive_layer(channels: Sequence[str], matrix: np.ndarray) -> str:
    """The layer of a bone turned by ``channels`` through a (channels, 3) matrix: each channel
    counts with the sum of its row's magnitudes."""
    weights = np.abs(np.asarray(matrix, dtype=np.float64)).sum(axis=1)
    return dominant_layer((channel_group(ch), float(w)) for ch, w in zip(channels, weights, strict=True))
