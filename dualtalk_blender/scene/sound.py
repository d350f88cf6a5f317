"""The dialogue on the sequencer: one place that adds and replaces sound strips.

Blender 5 calls the sequencer's collections ``strips``/``strips_all``; 4.x called them
``sequences``/``sequences_all``. Animate, the demo and the add-on's Generate all come here.
"""

from __future__ import annotations

import os
from typing import Any

MAX_CHANNEL = 128


def _collections(scene: Any) -> tuple[Any, Any]:
    se = scene.sequence_editor or scene.sequence_editor_create()
    strips = se.strips if hasattr(se, "strips") else se.sequences
    every = se.strips_all if hasattr(se, "strips_all") else se.sequences_all
    return strips, every


def remove_sound_strips(scene: Any, prefix: str) -> None:
    """Remove our earlier strips (names starting with ``prefix``) so a rerun replaces, not stacks."""
    strips, _ = _collections(scene)
    for strip in [s for s in strips if s.name.startswith(prefix)]:
        strips.remove(strip)


def add_sound_strip(
    scene: Any,
    name: str,
    path: str | os.PathLike[str],
    frame: int,
    *,
    channel: int | None = None,
    skip_frames: int = 0,
) -> Any:
    """A sound strip whose audio frame ``skip_frames`` lands on scene frame ``frame``.

    ``channel`` None puts it above every existing strip (so nothing of the user's is covered).
    """
    strips, every = _collections(scene)
    if channel is None:
        channel = min(max([s.channel for s in every] + [0]) + 1, MAX_CHANNEL)
    strip = strips.new_sound(name, str(path), channel=channel, frame_start=frame - skip_frames)
    if skip_frames:
        strip.frame_offset_start = skip_frames
    return strip
