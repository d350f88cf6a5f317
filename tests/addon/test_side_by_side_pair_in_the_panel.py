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


def _as_the_last_build_recorded_it() -> None:
    """The take's keying records as the build before *Side by side* wrote them (no side_by_side)."""
    import json

    from dualtalk.dualtalk_blender.scene.range_plan import KEYED_PROP

    for action in bpy.data.actions:
        if KEYED_PROP in action.keys():
            record = json.loads(action[KEYED_PROP])
            record.pop("side_by_side")
            action[KEYED_PROP] = json.dumps(record)


def test_an_upgraded_files_pair_keeps_turning_as_its_take_did(scene, assets, tmp_path):
    """An animator opens a file made before *Side by side* existed: its take turned the pair fully,
    and the animator keyed Alice's head over it (a Combine action: offsets from the take). The panel
    opens As the take: its box does not call Side by side different, Use Take's Settings fills it
    (Turn) and Head turn, a range keys with the take's Turn without a warning, and the next take
    turns fully again, so the animator's keys stay as they were (review rv43f F1-F3)."""
    from types import SimpleNamespace

    from dualtalk.dualtalk_blender.addon import file_takes
    from dualtalk.dualtalk_blender.addon.ui_run import GenerationRun
    from dualtalk.dualtalk_blender.rig.options import ApplyOptions
    from dualtalk.dualtalk_blender.scene import side_by_side
    from dualtalk.dualtalk_blender.scene.layers import character_idblocks

    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    take = _take(tmp_path / "take")
    s.side_by_side, s.head_turn = "turn", 0.4
    saved_takes.apply_take(scene, s, str(take))
    _as_the_last_build_recorded_it()
    s.property_unset("side_by_side")  # the panel as the upgraded file opens
    s.property_unset("head_turn")

    chosen = {"char_a": character_idblocks(alice), "char_b": character_idblocks(bob)}
    assert file_takes.differences(s, chosen) == ["Head turn"]  # 0.15, the take's 0.4
    unset = s.side_by_side
    s.side_by_side = "glance"
    assert file_takes.differences(s, chosen) == ["Side by side", "Head turn"]
    s.side_by_side = unset
    run = SimpleNamespace(settings=s, apply_opts=ApplyOptions(head_turn=0.4))  # a range of it
    assert GenerationRun._take_keying(run) == []  # type: ignore[arg-type]  # was: "Side by side Glance (the take's Turn)"
    assert (
        side_by_side.resolved(run.apply_opts, (alice, bob))[0].side_by_side == "turn"
    )  # as the range keys it

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    assert (s.side_by_side, round(s.head_turn, 6)) == ("turn", 0.4)
    assert "Side by side Turn, Head turn 0.4" in line, line

    s.property_unset("side_by_side")
    arm = alice.parent  # the animator's own key on the head, over the take
    arm.animation_data.action_blend_type = "COMBINE"
    scene.frame_set(25)
    arm.pose.bones["head"].keyframe_insert("rotation_quaternion", frame=25)
    before = _head_yaw(alice)
    line = in_panel_words(saved_takes.apply_take(scene, s, str(take)))
    assert abs(_head_yaw(alice) - before) < 0.5, (before, _head_yaw(alice))  # glancing leant it ~50 deg
    assert line.count("Side by side: Turn, as take 'take' (keyed before the setting)") == 1, line
    assert "face the same way" not in line, line
