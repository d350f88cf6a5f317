"""What a killed worker leaves in the temp folder goes with its run (review 33s, the soak).

The worker's libraries make temp folders of their own (espeak-ng reads a Spanish or Japanese script
through a private copy of its library in ``dualtalk-espeak-*``; flite voices a line in another) and
remove them when the worker exits on its own, Cancel's SIGTERM included. A worker that never gets to
(the system's out-of-memory killer, Cancel's SIGKILL after its grace, Blender dying under it) left
them in the system's temp folder: one more ``dualtalk-espeak-*`` per killed run, over a day of takes.
Now the worker's temp folder is one inside the run's own folder, removed after every run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import state, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import CRASHED, RUNNING


def killed_worker(folder: Path) -> str:
    """An "interpreter" that makes its temp folder as espeak-ng's copy does, then is killed (-9)."""
    exe = folder / "fakepython"
    exe.write_text(
        "#!/bin/sh\n"
        'mktemp -d "${TMPDIR:-/tmp}/dualtalk-espeak-XXXXXXXX" >/dev/null\n'
        'echo \'{"event": "progress", "stage": "transcript", "fraction": 0.3}\'\n'
        "kill -9 $$\n"
    )
    exe.chmod(0o755)
    return str(exe)


def test_a_worker_killed_mid_run_leaves_nothing_in_the_temp_folder(
    scene, assets, tmp_path, private_tmp, monkeypatch
):
    monkeypatch.setenv("TMPDIR", str(private_tmp))  # the user's temp folder, the worker's too
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    prefs = state.get_prefs(bpy.context)
    for _run in range(2):
        run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, python=killed_worker(tmp_path)).start()
        end = time.monotonic() + 30
        while run.step() == RUNNING and time.monotonic() < end:
            time.sleep(0.02)
        assert run.worker is not None and run.worker.state == CRASHED, run.worker and run.worker.error
        assert "SIGKILL" in run.finish().message
    assert sorted(os.listdir(private_tmp)) == [], "the killed workers' temp folders stayed"
