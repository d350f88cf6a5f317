"""The panel's Export FBX after Apply Take in Blender's default scene (1-250): the file's clip is the
scene range, so the 2 s take came out as a 10 s clip, 8 s of it frozen, and with no take at all (or
after Remove Take) a clip of still faces; the line said only "exported" (review 32g). Each is now
said as its own warning in the Info editor (and the console), and the status line, which stays on
screen, gives the first and how many more; the scene stays as it was."""

from __future__ import annotations

import addon_helpers as ah
import bpy


def _export(scene, path, capfd) -> list[str]:
    capfd.readouterr()
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(path)) == {"FINISHED"}
    assert path.is_file()
    said = [ln for ln in capfd.readouterr().out.splitlines() if ln.startswith("Warning: DualTalk: FBX:")]
    first = said[0].removeprefix("Warning: DualTalk: ") if said else ""
    more = f" and {len(said) - 1} more" if len(said) > 1 else ""
    tail = f" (warning: {first}{more})" if said else ""  # was: a bare "exported"
    assert bpy.context.window_manager.dualtalk_status.last == f"DualTalk: exported {path}{tail}"
    return said


def test_export_fbx_says_the_clip_is_longer_than_the_take_and_when_no_take_is_left(
    scene, assets, tmp_path, capfd
):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    assert _export(scene, tmp_path / "none.fbx", capfd) == [
        "Warning: DualTalk: FBX: 'Alice' and 'Bob' carry no DualTalk take: the file holds their faces still"
    ]
    folder = ah.write_two_second_take(tmp_path / "take")
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    untouched = ah.scene_fingerprint(scene)
    assert _export(scene, tmp_path / "long.fbx", capfd) == [
        "Warning: DualTalk: FBX: the clip is the scene range 1-250 (10.0 s) but the take covers frames 1-50 "
        "(2.0 s): the faces hold still for the rest; set the scene's Start and End to 1-50 for a clip of "
        "the take alone"
    ]
    assert ah.scene_fingerprint(scene) == untouched
    scene.frame_end = 50
    assert _export(scene, tmp_path / "take.fbx", capfd) == []
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert _export(scene, tmp_path / "removed.fbx", capfd) == [
        "Warning: DualTalk: FBX: 'Alice' and 'Bob' carry no DualTalk take: the file holds their faces still"
    ]
