"""The animator re-generates frames 10-30 of a take (*Re-generate Preview Range*) and, while it runs,
the take itself is removed (Ctrl+Z back past the first Generate, or a script's remove_take). A range
re-does part of one take: with that take gone it can never be keyed, so nothing is kept and the line
says so plainly, instead of advising to animate the whole take and apply a range that would then be
refused."""

from __future__ import annotations

import time

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.addon.worker_client import RUNNING
from dualtalk.dualtalk_blender.scene import remove_take


def test_a_range_whose_take_was_removed_while_generating_keeps_nothing_and_says_why(
    scene, assets, private_tmp
):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=(10, 30)).start()
    remove_take.remove_take([alice, bob], scene, undo_push=False)  # the take the range re-does
    before = ah.scene_fingerprint(scene)
    deadline = time.monotonic() + 180
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)

    outcome = run.finish()

    assert not outcome.ok
    assert outcome.message == (
        "DualTalk: the take this range re-does was removed while generating; nothing was applied"
    )
    assert ah.scene_fingerprint(scene) == before
    assert list(private_tmp.glob("dualtalk_take_*")) == []  # nothing kept that could never be applied
    assert list(private_tmp.glob("dualtalk_run_*")) == []
