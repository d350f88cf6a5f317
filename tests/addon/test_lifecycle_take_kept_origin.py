"""The animator presses Generate in shot1.blend for Alice and Bob, then opens shot2.blend (or reverts
shot1) before the take comes back. The take is kept in a temp folder; days later that folder alone
must still say where it came from. Its ``result.json`` records the .blend, the scene, the two
characters and the scene-side options of the press, and the line names them: "the take for Alice &
Bob in shot1.blend › Scene is kept: reopen shot1.blend, then run ...". A folder kept by an older
version, whose ``result.json`` records none of this, is still applied as before."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import saved_takes, ui_run
from dualtalk.dualtalk_blender.scene.layers import take_actions
from dualtalk.inference.core.motion import Motion, save_motion

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


def _generate_then(scene, assets, tmp_path, capsys, load) -> tuple[str, Path, Path]:
    """Generate pressed in the saved shot1.blend, then ``load`` (another file opened, a revert):
    the one line said, the kept folder and shot1.blend."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.intensity_mouth = 0.7
    scene.frame_start = 12  # the take is keyed from frame 12
    shot1, shot2 = tmp_path / "shot1.blend", tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot1))
    bpy.ops.wm.save_as_mainfile(filepath=str(shot2), copy=True)
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    capsys.readouterr()
    ah.blender_ends_the_operator(run)
    assert run.running
    load(shot1, shot2)
    ah.follow_until_done()
    said = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]
    assert len(said) == 1, said
    found = re.search(r"apply_take\(directory=('[^']*')\)", said[0])
    assert found, said[0]
    return said[0], Path(ast.literal_eval(found.group(1))), shot1


def test_a_take_kept_when_another_shot_is_opened_says_and_records_where_it_came_from(
    scene, assets, tmp_path, capsys
):
    scene_name = scene.name
    line, folder, shot1 = _generate_then(
        scene, assets, tmp_path, capsys, lambda _shot1, shot2: bpy.ops.wm.open_mainfile(filepath=str(shot2))
    )
    try:
        said = (
            f"; the take for Alice & Bob in shot1.blend › {scene_name} is kept: reopen shot1.blend, then run "
        )
        assert said in line, line
        record = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        assert record["blend_file"] == str(shot1)
        assert record["scene"] == scene_name
        assert record["characters"] == ["Alice", "Bob"]
        assert record["scene_options"]["intensity"]["mouth"] == 0.7
        assert record["scene_options"]["markers"] is True
        assert record["scene_options"]["start_frame"] == 12
        # the animator does what the line says
        bpy.ops.wm.open_mainfile(filepath=str(shot1))
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
        assert take_actions(bpy.data.objects["Alice"].data.shape_keys)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_take_kept_across_a_revert_asks_to_check_the_characters_there(scene, assets, tmp_path, capsys):
    scene_name = scene.name
    line, folder, _shot1 = _generate_then(
        scene, assets, tmp_path, capsys, lambda _shot1, _shot2: bpy.ops.wm.revert_mainfile()
    )
    try:
        said = f"is kept: check the characters in scene {scene_name!r}, then run "
        assert said in line and "choose the characters in a scene" not in line, line
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_kept_by_an_older_version_without_its_origin_is_still_applied(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        save_motion(tmp_path / f"{role}.npz", Motion("arkit55", values, role=role, engine="lite"))
    old = {  # what a kept take's result.json held before it recorded its origin
        "a": str(tmp_path / "A.npz"),
        "b": str(tmp_path / "B.npz"),
        "engine": "lite",
        "start_time": 0.0,
        "audio_files": [str(assets["wav"])],
    }
    (tmp_path / "result.json").write_text(json.dumps(old), encoding="utf-8")

    line = saved_takes.apply_take(scene, scene.dualtalk, str(tmp_path))

    assert line.startswith("DualTalk: animated lite engine, "), line
    assert "1 sound strip" in line  # the recording it names is placed, as before
    assert take_actions(alice.data.shape_keys) and take_actions(bob.data.shape_keys)


def test_a_kept_take_applied_with_a_and_b_exchanged_goes_back_to_its_characters(scene, assets, tmp_path):
    """The kept take records its characters; applied with the panel picking them the other way round,
    it keys them as recorded, the panel picks them and the line says so."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, bob, alice, assets["wav"], assets["ckpt"])  # A and B exchanged since
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        save_motion(tmp_path / f"{role}.npz", Motion("arkit55", values, role=role, engine="lite"))
    kept = {
        "engine": "lite",
        "start_time": 0.0,
        "audio_files": [str(assets["wav"])],
        "characters": ["Alice", "Bob"],
    }
    (tmp_path / "result.json").write_text(json.dumps(kept), encoding="utf-8")

    line = saved_takes.apply_take(scene, scene.dualtalk, str(tmp_path))

    assert line.startswith("DualTalk: animated lite engine, "), line
    said = "keyed Alice and Bob, the characters the take was made for (the panel now picks Alice for A and Bob for B)"
    assert said in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, bob)
    assert "made for" not in saved_takes.apply_take(scene, scene.dualtalk, str(tmp_path))
