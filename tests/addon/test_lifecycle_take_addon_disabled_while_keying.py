"""The take has just come back (the worker is done, "keying the take…" is on the status line) when the
TD disables DualTalk, or Blender tears the add-on down. The scene's DualTalk settings are already
unregistered, so nothing can be keyed; the finished take must not be deleted with the run's temp
folder. It is kept in a folder of its own and the console gets the one line that says how to key it
once the add-on is back."""

from __future__ import annotations

import ast
import re
import shutil
import time
from pathlib import Path

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.addon.worker_client import DONE, RUNNING
from dualtalk.operators import modal
from dualtalk.panels import properties


def test_the_add_on_disabled_between_worker_done_and_keying_keeps_the_take(scene, assets, capsys):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    modal._LIVE[id(run)] = (run, None)  # as the Generate button's modal holds it
    deadline = time.monotonic() + 180
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker is not None and run.worker.state == DONE
    assert run.finishing  # "keying the take…" is shown; keying comes on the next tick
    capsys.readouterr()

    properties.unregister_props()  # disabling: the scene's DualTalk settings are gone first
    try:
        assert not hasattr(scene, "dualtalk")
        modal.stop_live_jobs()  # then the running jobs are stopped
    finally:
        properties.register_props()  # back, for the fixture's own disable

    out, err = capsys.readouterr()
    said = [ln for ln in out.splitlines() if ln.startswith("DualTalk:")]
    assert len(said) == 1, (out, err)
    assert "Traceback" not in err, err
    assert said[0].startswith(
        "DualTalk: the add-on was disabled before the take was keyed; nothing was applied"
    )
    found = re.search(r"apply_take\(directory=('[^']*')\)", said[0])
    assert found, said[0]
    folder = Path(ast.literal_eval(found.group(1)))
    try:
        assert (folder / "A.npz").is_file() and (folder / "B.npz").is_file()
        assert not run.work_dir.exists() and ui_run.ACTIVE is None
        # the add-on is back: the kept take keys without a second run
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
