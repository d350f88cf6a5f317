"""The animator re-generates frames 20-30 of a take (*Re-generate Preview Range*), then opens another
.blend before it comes back. The re-generated stretch used to be dropped with the run. Now it is
kept like a whole take, and keyed later onto that same take only: the status line says to reopen
the file that held the take and run ``bpy.ops.dualtalk.apply_take(directory=...)``; onto a take
that changed meanwhile (another fps, a new whole take, even over the same frames) it is refused, the scene untouched."""

from __future__ import annotations

import ast
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


def _range_kept_while_another_file_opened(scene, assets, tmp_path, capsys) -> tuple[Path, Path, list]:
    """A whole take, the shot saved, frames 20-30 re-generated while another file is opened: the
    shot's path, the kept folder and the jaw before."""
    scene.render.fps = 25
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    _edit_jaw(alice, 25, 0.9)  # a key moved by hand inside the range: the re-generated stretch differs
    before = _jaw()
    shot, other = tmp_path / "shot.blend", tmp_path / "other_shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    capsys.readouterr()

    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=(20, 30)).start()
    ah.blender_ends_the_operator(run)
    assert run.running
    bpy.ops.wm.open_mainfile(filepath=str(other))
    ah.follow_until_done()

    said = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]
    assert len(said) == 1, said
    assert "the scene was closed or deleted during generation; nothing was applied" in said[0]
    assert (
        "; the take for Alice & Bob in shot.blend › Scene is kept: reopen shot.blend, then run" in said[0]
    ), said[0]
    found = re.search(r"bpy\.ops\.dualtalk\.apply_take\(directory=('[^']*')\)", said[0])
    assert found, said[0]
    folder = Path(ast.literal_eval(found.group(1)))
    assert (folder / "A.npz").is_file() and (folder / "B.npz").is_file()
    assert not run.work_dir.exists()
    return shot, folder, before


def test_a_range_regenerated_while_another_file_is_opened_is_kept_and_keyed_later(
    scene, assets, tmp_path, capsys
):
    shot, folder, before = _range_kept_while_another_file_opened(scene, assets, tmp_path, capsys)
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


def test_a_kept_range_is_refused_on_a_take_that_changed(scene, assets, tmp_path, capsys):
    shot, folder, _before = _range_kept_while_another_file_opened(scene, assets, tmp_path, capsys)
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
