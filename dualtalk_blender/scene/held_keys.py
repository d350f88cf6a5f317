"""Keys that hold one pose: a curve whose keys say one value on every frame.

An animator who sets a pose with auto-key on leaves one key (or several of one value). Under a take
such keys are a pose the take composes onto (``apply``), not motion the take turns over, and the
first take's line says so (``layers``); both ask here, one rule.
"""

from __future__ import annotations

from typing import Any


def one_value(fc: Any) -> float | None:
    """The value ``fc`` holds on every frame, or None where it changes: keys of two values, a handle
    that bends it between them, an unmuted modifier (Noise), a slope past its ends."""
    points = fc.keyframe_points
    if not len(points) or any(not m.mute for m in fc.modifiers):
        return None
    frames = [float(p.co[0]) for p in points]
    value = float(points[0].co[1])
    between = [(a + b) / 2.0 for a, b in zip(frames, frames[1:], strict=False)]
    probes = [frames[0] - 10.0, *frames, *between, frames[-1] + 10.0]
    if any(abs(float(fc.evaluate(f)) - value) > 1e-5 for f in probes):
        return None
    return value


def holds_one_pose(curves: list[Any]) -> bool:
    """Whether every curve in ``curves`` holds one value (:func:`one_value`); False for none."""
    return bool(curves) and all(one_value(fc) is not None for fc in curves)
