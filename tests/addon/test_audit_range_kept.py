"""The animator re-generates frames 20-30 of a take (*Re-generate Preview Range*), then opens another
.blend before it comes back. The re-generated stretch used to be dropped with the run. Now it is
kept like a whole take, and keyed later onto that same take only: the status line says to reopen
the file that held the take and run ``bpy.ops.dualtalk.apply_take(directory=...)``; onto a take
that changed meanwhile (another fps, a new whole take, even over the same frames) it is refused, the scene untouched.
The take and its kept range are made once (``range_kept``); each story keys its own copy."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shutil
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run

FRAMES = range(1, 51)  # the 2 s take at 25 fps


def _jaw() -> list[float]:
    scene = bpy.context.scene
    kb = bpy.data.objects["Alice"].data.shape_keys.key_blocks["jawOpen"]
    values = []
    for f in FRAMES:
        scene.frame_set(f)
        values.append(kb.value)
    return values


def _edit_jaw(alice, frame: int, value: float) -> None:
    """Move the take's own jawOpen key at ``frame`` (inside its lips+jaw layer), as by hand. (A range
    is made with the take's own settings, so another panel value no longer makes it differ.)"""
    from dualtalk.dualtalk_blender.scene import compat

    strip = alice.data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"].strips[0]
    curve = next(
        fc for fc in compat.iter_fcurves(strip.action, strip.action_slot) if "jawOpen" in fc.data_path
    )
    key = next(k for k in curve.keyframe_points if int(round(k.co[0])) == frame)
    key.co[1] = value
    curve.update()


@pytest.fixture(scope="module")
def range_kept(assets, tmp_path_factory):
    """A whole take, the shot saved, frames 20-30 re-generated while another file is opened, made
    once for both stories: the shot's path (read-only: the stories open it and never save it), the
    kept folder and the jaw before. Each story keys its own copy of the folder (:func:`kept_copy`)."""
    folder = tmp_path_factory.mktemp("range_kept")
    said = io.StringIO()

    def make(scene):
        scene.render.fps = 25
        alice, bob = ah.two_characters()
        ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
        prefs = bpy.context.preferences.addons["dualtalk"].preferences
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        _edit_jaw(alice, 25, 0.9)  # a key moved by hand inside the range: the re-generated stretch differs
        before = _jaw()
        shot, other = folder / "shot.blend", folder / "other_shot.blend"
        bpy.ops.wm.save_as_mainfile(filepath=str(shot))
        bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)

        run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=(20, 30)).start()
        ah.blender_ends_the_operator(run)
        assert run.running
        bpy.ops.wm.open_mainfile(filepath=str(other))
        with contextlib.redirect_stdout(said):
            ah.follow_until_done()
        assert not run.work_dir.exists()
        return shot, before

    shot, before = ah.made_and_saved(folder / "after.blend", assets["models"], make)
    lines = [ln for ln in said.getvalue().splitlines() if ln.startswith("DualTalk:")]
    assert len(lines) == 1, lines
    assert "the scene was closed or deleted during generation; nothing was applied" in lines[0]
    assert (
        "; the take for Alice & Bob in shot.blend › Scene is kept: reopen shot.blend, then run" in lines[0]
    ), lines[0]
    found = re.search(r"bpy\.ops\.dualtalk\.apply_take\(directory=('[^']*')\)", lines[0])
    assert found, lines[0]
    kept = Path(ast.literal_eval(found.group(1)))
    assert (kept / "A.npz").is_file() and (kept / "B.npz").is_file()
    shot.chmod(0o444)
    yield shot, kept, before
    shutil.rmtree(kept, ignore_errors=True)


def kept_copy(range_kept, tmp_path) -> tuple[Path, Path, list]:
    """The shot, this story's own copy of the kept folder, the jaw before."""
    shot, kept, before = range_kept
    folder = tmp_path / kept.name
    shutil.copytree(kept, folder)
    return shot, folder, before


def test_a_range_regenerated_while_another_file_is_opened_is_kept_and_keyed_later(
    scene, range_kept, tmp_path
):
    shot, folder, before = kept_copy(range_kept, tmp_path)
    try:
        bpy.ops.wm.open_mainfile(filepath=str(shot))  # the file that held the take
        assert _jaw() == before
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
        after = _jaw()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    status = bpy.context.window_manager.dualtalk_status.last
    assert "re-generated frames 20-30 (cross-faded over 16-34)" in status, status
    changed = [f for f, x, y in zip(FRAMES, before, after, strict=True) if abs(x - y) > 1e-6]
    assert changed and min(changed) >= 16 and max(changed) <= 34, changed  # frames outside untouched
    assert any(20 <= f <= 30 for f in changed)


def _refused(folder: Path, refusal: str) -> None:
    """Apply the kept range: refused in one line (the operator's error report and the status)."""
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.apply_take(directory=str(folder))
    assert str(err.value).strip() == f"Error: {refusal}"
    assert bpy.context.window_manager.dualtalk_status.last == refusal


def test_a_kept_range_is_refused_on_a_take_that_changed(scene, range_kept, tmp_path):
    shot, folder, _before = kept_copy(range_kept, tmp_path)
    refusal = (
        "DualTalk: the take changed since this range was made; "
        "select frames 20-30 and press Re-generate Preview Range again"
    )
    try:
        bpy.ops.wm.open_mainfile(filepath=str(shot))
        scene = bpy.context.scene
        scene.render.fps = 30  # another fps
        untouched = ah.scene_fingerprint(scene)
        _refused(folder, refusal)
        assert ah.scene_fingerprint(scene) == untouched

        scene.render.fps = 25
        with bpy.context.temp_override(scene=scene):  # a new whole take over the same frames and audio
            assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        untouched, jaw = ah.scene_fingerprint(scene), _jaw()
        _refused(folder, refusal)
        assert ah.scene_fingerprint(scene) == untouched and _jaw() == jaw

        scene.frame_start = 5  # a new whole take meanwhile, starting later
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        untouched, jaw = ah.scene_fingerprint(scene), _jaw()
        _refused(folder, refusal)
        assert ah.scene_fingerprint(scene) == untouched and _jaw() == jaw
    finally:
        shutil.rmtree(folder, ignore_errors=True)
