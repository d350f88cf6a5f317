"""Fixtures shared by the robustness tests."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.inference.core.motion import Motion, save_motion


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A job folder: in/scene.blend with Ann and Bob, and their 30-frame motion files in/A.npz, in/B.npz."""
    root = tmp_path_factory.mktemp("kit")
    (root / "in").mkdir()
    br.reset()
    bpy.context.scene.render.fps = 25
    br.make_character("Ann")
    br.make_character("Bob", location=(1.0, 0.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(root / "in" / "scene.blend"))
    rng = np.random.default_rng(0)
    speak = np.arange(30) < 15
    for role, sp in (("A", speak), ("B", ~speak)):
        v = rng.uniform(0, 0.8, (30, 55)).astype(np.float32)
        v[:, 52:] = 0.02
        save_motion(root / "in" / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return root
