"""The depsgraph handler that keeps the panel's rig summaries fresh (``pickers.forget_rigs``) outlives
File > Open / New / Revert, as the save handlers do (Blender drops every app handler not marked
persistent when it loads a file), and disabling the add-on still removes it, once
(notes/audit_lifecycle.md W1)."""

from __future__ import annotations

import addon_helpers as ah
import addon_utils
import bpy
import pytest
from test_panel_redraw_cost import bind_bobs_face_after_a_draw


def ours() -> list:
    return [
        h
        for h in bpy.app.handlers.depsgraph_update_post
        if getattr(h, "__qualname__", "") == "forget_rigs"
        and "pickers" in (getattr(h, "__module__", "") or "")
    ]


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    if addon_utils.check(ah.ADDON)[1]:
        ah.disable_addon()


def load(how: str, blend) -> None:
    if how == "open":
        bpy.ops.wm.open_mainfile(filepath=str(blend))
    elif how == "new":
        bpy.ops.wm.read_homefile()
    else:
        bpy.ops.wm.revert_mainfile()


@pytest.mark.parametrize("how", ["open", "new", "revert"])
def test_the_rig_handler_is_still_there_after_a_file_load(scene, tmp_path, how):
    blend = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    assert len(ours()) == 1
    load(how, blend)
    assert len(ours()) == 1, [h.__name__ for h in bpy.app.handlers.depsgraph_update_post]


def test_after_opening_a_file_a_mesh_bound_to_the_picked_rig_becomes_its_face_at_once(scene, tmp_path):
    """test_panel_redraw_cost's scenario, in a file opened after the add-on was enabled (as a .blend
    opened at launch is). Before, the panel still said "armature 'Bob_rig' has no mesh child"."""
    ah.two_characters()
    blend = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    scene = bpy.context.scene
    bind_bobs_face_after_a_draw(scene, bpy.data.objects["Alice"], bpy.data.objects["Bob"])


def test_enabling_and_disabling_again_and_again_leaves_one_handler_then_none(scene, tmp_path):
    blend = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    for how in ("open", "revert", "new"):
        assert len(ours()) == 1
        load(how, blend)
        addon_utils.disable(ah.ADDON, default_set=True)
        assert ours() == []
        addon_utils.enable(ah.ADDON, default_set=True)
        assert len(ours()) == 1
        addon_utils.enable(ah.ADDON, default_set=True)  # enabled again without a disable: re-registered
        assert len(ours()) == 1
    load("open", blend)
    addon_utils.disable(ah.ADDON, default_set=True)
    assert ours() == []
