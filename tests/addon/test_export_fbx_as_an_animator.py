"""An animator presses Export FBX and carries on working while the other Blender writes the file
(review rv38g 1, 2, 7): what the end of the export warns of is the file's, worked out when its copy was
saved, not the scene as it is by then; Generate, Apply Take and the other buttons that write the one
status line wait for the export (and the export for them), each saying why; Cancel names the export.
The modal is driven as in ``test_export_fbx_esc``: one timer tick or one Esc at a time."""

from __future__ import annotations

import time
from types import SimpleNamespace

import bpy
import pytest
import test_export_fbx_esc as esc
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.operators import generate as generate_ops
from dualtalk.operators import modal
from test_export_fbx_esc import Button

pair, temp = esc.pair, esc.temp  # the Esc story's fixtures: a keyed pair over 3,000 frames, a private temp

RUNNING = "an FBX export is running; wait for it to end or press Esc to cancel it"


def _run_to_the_end(button: Button) -> set[str]:
    end = time.monotonic() + 180
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end, button.said
        time.sleep(0.05)
    return ended


def _refusal(name: str, scene, **props) -> str:
    """Why ``bpy.ops.dualtalk.<name>`` is greyed (its tooltip, a script's error)."""
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as err:
        getattr(bpy.ops.dualtalk, name)(**props)
    return str(err.value).strip().splitlines()[-1].split(".poll() ", 1)[-1]


def test_a_range_fitted_to_the_take_during_the_export_still_warns_of_the_clip_the_file_has(
    scene, pair, tmp_path, temp
):
    scene.frame_end = 400  # the take covers 50 frames: the file's clip is 16 s
    button = Button(scene, tmp_path / "pair.fbx")
    scene.frame_end = 50  # the animator fits the range while the other Blender writes

    assert _run_to_the_end(button) == {"FINISHED"}, button.said

    kinds, lines = zip(*button.said, strict=True)
    assert kinds[0] == {"INFO"} and "(warning: FBX: the clip is the scene range 1-400" in lines[0], lines
    assert any("scene range 1-400" in line for line in lines[1:]), lines


def test_a_range_widened_during_the_export_adds_no_warning_about_a_clip_the_file_does_not_have(
    scene, pair, tmp_path, temp
):
    scene.frame_end = 50
    path = tmp_path / "pair.fbx"
    button = Button(scene, path)
    scene.frame_end = 400

    assert _run_to_the_end(button) == {"FINISHED"}
    assert button.said == [({"INFO"}, f"DualTalk: exported {path}")]


def test_while_the_export_runs_generate_and_apply_take_wait_for_it_and_say_why(scene, pair, tmp_path, temp):
    button = Button(scene, tmp_path / "pair.fbx")
    with bpy.context.temp_override(scene=scene):
        assert not generate_ops.DUALTALK_OT_generate.poll(bpy.context)
    assert _refusal("generate", scene) == RUNNING
    assert _refusal("regenerate_range", scene) == RUNNING
    assert _refusal("apply_take", scene, directory=str(tmp_path / "cafe")) == RUNNING
    assert _refusal("delete_saved_takes", scene) == RUNNING
    assert bpy.context.window_manager.dualtalk_status.task == "FBX export"

    assert button.tick("ESC") == {"CANCELLED"}
    with bpy.context.temp_override(scene=scene):
        assert generate_ops.DUALTALK_OT_generate.poll(bpy.context)
        assert generate_ops.DUALTALK_OT_apply_take.poll(bpy.context)


def test_while_a_generation_runs_export_fbx_waits_for_it(scene, pair, tmp_path, temp, monkeypatch):
    monkeypatch.setattr(ui_run, "ACTIVE", SimpleNamespace(running=True, keying=False))
    assert _refusal("export_fbx", scene, filepath=str(tmp_path / "pair.fbx")) == modal.WAIT_FOR_RUN
    assert not list(temp.iterdir())  # nothing was started: no copy saved

    monkeypatch.setattr(ui_run, "ACTIVE", None)
    with bpy.context.temp_override(scene=scene):
        assert generate_ops.DUALTALK_OT_export_fbx.poll(bpy.context)


PREFS_CANCEL = "(Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences)"


@pytest.mark.parametrize(
    ("task", "words"),
    [
        ("deps", f"an install is running; wait for it to end or cancel it {PREFS_CANCEL}"),
        ("download", f"a download is running; wait for it to end or cancel it {PREFS_CANCEL}"),
    ],
)
def test_while_an_install_or_a_download_runs_export_fbx_waits_for_it(
    scene, pair, tmp_path, monkeypatch, task, words
):
    job = SimpleNamespace(task=task, state="running")
    monkeypatch.setitem(modal._LIVE, id(job), (job, None))
    assert _refusal("export_fbx", scene, filepath=str(tmp_path / "pair.fbx")) == words
    assert "generation" not in words


def test_cancel_names_the_fbx_export_in_its_tooltip_and_when_nothing_runs(scene):
    assert "FBX export" in bpy.ops.dualtalk.cancel.get_rna_type().description
    assert _refusal("cancel", scene) == (
        "no DualTalk generation, FBX export, install or download is running; there is nothing to cancel"
    )
