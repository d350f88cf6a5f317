"""An animator applies a saved take to a pair standing side by side, both facing the camera. The
status line says once that they glance at each other, naming the panel's own *Side by side* control
(not the command line's flag); set to Turn, the next take turns the heads fully and says nothing.
Headless: no worker runs (the take's motion files are written here)."""

from __future__ import annotations

from pathlib import Path

import addon_helpers as ah
import bpy
import numpy as np
from dualtalk.dualtalk_blender.addon import saved_takes
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.inference.core.motion import Motion, save_motion


def _take(folder: Path) -> Path:
    """A 2 s take with eye contact: each looks at the other throughout."""
    folder.mkdir()
    for role in "AB":
        motion = Motion("arkit55", np.zeros((50, 55), np.float32), role=role, engine="lite",
                        gaze_target=np.ones(50, np.int8), gaze_dir=np.zeros((50, 2), np.float32))  # fmt: skip
        save_motion(folder / f"{role}.npz", motion)
    return folder


def _head_yaw(face) -> float:
    """How far the head is turned from the body at the take's middle, in degrees."""
    bpy.context.scene.frame_set(25)
    arm = face.parent
    forward = (
        np.array(arm.pose.bones["head"].matrix)[:3, :3]
        @ np.array(arm.data.bones["head"].matrix_local)[:3, :3].T
        @ np.array([0.0, -1.0, 0.0])
    )
    return abs(float(np.degrees(np.arctan2(forward[0], -forward[1]))))


def test_the_status_line_says_the_pair_glances_in_the_panels_words(scene, assets, tmp_path):
    alice, bob = ah.two_characters()  # 1 m apart, both facing the camera
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    take = _take(tmp_path / "take")

    line = in_panel_words(saved_takes.apply_take(scene, scene.dualtalk, str(take)))
    assert line.count("Alice and Bob face the same way (side by side)") == 1, line
    assert "at most 20 deg" in line and "; Side by side set to Turn turns them to face each other" in line, (
        line
    )
    assert "(warning" not in line, line
    assert 15.0 < _head_yaw(alice) <= 20.5

    scene.dualtalk.side_by_side = "turn"
    line = saved_takes.apply_take(scene, scene.dualtalk, str(take))
    assert "face the same way" not in line, line
    assert _head_yaw(alice) > 60.0
