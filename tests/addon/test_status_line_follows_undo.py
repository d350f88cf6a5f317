"""The animator applies a kept take, nudges a light, then presses Ctrl+Z twice and Ctrl+Shift+Z once.
The line under the panel follows the scene: the first undo (the light) leaves it, the second takes the
take back and the line says it was undone instead of stating a take that no longer plays, and the redo
brings the take and the plain line back. Reopening the file saved since keeps the line; opening
another file drops a line about the one open before
(review rv42a F4: after Ctrl+Z the line went on saying "Alice and Bob play take 'v1'").

``ed.undo_push`` after each step stands in for the step Blender's window manager records after an
operator with UNDO (headless bpy records none), as in test_apply_saved_take_picks_recorded_characters.
"""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.scene.layers import take_actions


def _line() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def _keyed() -> bool:
    return bool(take_actions(bpy.data.objects["Alice"].data.shape_keys))


_KEPT: list[str] = []


@bpy.app.handlers.persistent
def _as_the_ui_keeps_it(*_args) -> None:
    """Blender's UI keeps its window manager, the line with it, across File > Open; headless bpy
    takes the file's: the line put back first thing on ``load_post``, as the add-on's handler finds it
    in the UI."""
    bpy.context.window_manager.dualtalk_status.last = _KEPT[-1]


def test_ctrl_z_marks_the_line_undone_and_a_redo_or_another_file_follows(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    light = bpy.data.objects.new("Key light", None)
    scene.collection.objects.link(light)
    bpy.ops.ed.undo_push(message="set up the shot")

    assert bpy.ops.dualtalk.apply_take(directory=str(ah.write_two_second_take(tmp_path / "take"))) == {
        "FINISHED"
    }
    said = _line()
    _KEPT.append(said)
    assert said.startswith("DualTalk: ") and _keyed(), said
    bpy.ops.ed.undo_push(message="Apply Take")
    bpy.data.objects["Key light"].location.x = 2.0  # an edit of theirs, nothing to do with the take
    bpy.ops.ed.undo_push(message="Move")

    bpy.ops.ed.undo()  # takes the light back only
    assert _line() == said and _keyed()
    assert bpy.data.objects["Key light"].location.x == 0.0

    bpy.ops.ed.undo()  # takes the take back
    assert not _keyed()
    assert _line() == "DualTalk (undone): " + said.removeprefix("DualTalk: ")

    bpy.ops.ed.redo()
    assert _keyed() and _line() == said

    shot = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))
    bpy.app.handlers.load_post.insert(0, _as_the_ui_keeps_it)
    try:
        bpy.ops.wm.open_mainfile(filepath=str(shot))  # reopened (File > Revert): the file holds the step
        assert _line() == said
        bpy.ops.wm.read_homefile(use_empty=True)  # another file: nothing of this one's take
        assert _line() == ""
    finally:
        bpy.app.handlers.load_post.remove(_as_the_ui_keeps_it)
