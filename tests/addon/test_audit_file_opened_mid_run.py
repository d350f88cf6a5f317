"""The animator presses Generate, then opens another .blend before the take comes back. Blender
ends every running operator on a file load; the generation used to be cancelled with it and the
minutes of work lost. Now it carries on in the background, and when it ends the take is kept in a
folder of its own, named in the status line and the console with the call that keys it."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.operators import modal


def test_a_take_generating_when_another_file_is_opened_is_kept(scene, assets, tmp_path, capsys):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    other = tmp_path / "other_shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)

    ah.blender_ends_the_operator(run)
    assert run.running  # not cancelled with the operator
    bpy.ops.wm.open_mainfile(filepath=str(other))
    ah.follow_until_done()

    said = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]
    assert len(said) == 1, said
    assert "the scene was closed or deleted during generation; nothing was applied" in said[0]
    found = re.search(r"apply_take\(directory=('[^']*')\)", said[0])
    assert found, said[0]
    folder = Path(ast.literal_eval(found.group(1)))
    try:
        assert (folder / "A.npz").is_file() and (folder / "B.npz").is_file()
        assert not run.work_dir.exists()
        assert bpy.context.window_manager.dualtalk_status.last == said[0]
        # the opened file's characters can take it at once
        new_scene = bpy.context.scene
        a, b = bpy.data.objects["Alice"], bpy.data.objects["Bob"]
        new_scene.dualtalk.char_a, new_scene.dualtalk.char_b = a, b
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_disabling_the_add_on_stops_a_followed_generation(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    ah.blender_ends_the_operator(run)
    assert run.running

    modal.stop_live_jobs()  # what unregistering the add-on (or Blender quitting) runs

    assert not run.running and not run.work_dir.exists()
    assert modal.poll_followed() is None
