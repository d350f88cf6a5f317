"""The Blender benchmarks' starting point: an empty factory scene at a frame rate."""

from __future__ import annotations

from typing import Any


def empty_scene(fps: int) -> Any:
    """Reset Blender to its factory settings with no objects and return the scene, at ``fps``."""
    import bpy

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    if scene is None:
        raise RuntimeError("Blender has no scene after a factory reset")
    scene.render.fps = fps
    return scene
