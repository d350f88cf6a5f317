"""An animator keeps an old take folder: only ``A.npz`` and ``B.npz``, as an older DualTalk or an
``infer --out`` run left it, with no ``result.json`` beside them. Apply Saved Take keys it, and the
status line names the engine the motion files record ("animated lite engine"), not "? engine"."""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
from dualtalk.dualtalk_blender.addon import saved_takes, take_keying
from dualtalk.inference.core.motion import Motion, save_motion


def _old_take_folder(folder, engine: str = "lite"):
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        save_motion(folder / f"{role}.npz", Motion("arkit55", values, role=role, engine=engine))
    return folder


def test_a_kept_take_without_result_json_names_the_engine_its_motion_files_record(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    folder = _old_take_folder(tmp_path)
    assert not (folder / "result.json").exists()
    line = saved_takes.apply_take(scene, scene.dualtalk, str(folder))
    assert line.startswith("DualTalk: animated lite engine, "), line
    assert "?" not in line


def test_motion_files_that_name_no_engine_still_say_so_plainly():
    blank = Motion("arkit55", np.zeros((3, 55), np.float32))
    assert take_keying.engine_name({}, blank, blank) == ""
    assert take_keying.engine_name({"engine": "dualtalk"}, blank, blank) == "dualtalk"
    assert take_keying.made_by("lite") == "lite engine"


def test_another_tools_files_are_said_to_be_another_tools_not_a_question_mark(scene, assets, tmp_path):
    """Motion written by another system (no engine recorded) keyed through Apply Saved Take: the status
    line says what it is instead of "animated ? engine" (review rv41b F5)."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    folder = _old_take_folder(tmp_path, engine="")
    line = saved_takes.apply_take(scene, scene.dualtalk, str(folder))
    assert line.startswith("DualTalk: animated another tool's motion (no engine recorded), "), line
    assert "?" not in line
