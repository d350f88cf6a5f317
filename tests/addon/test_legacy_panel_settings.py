"""An animator opens a .blend whose DualTalk panel was set by a build from before 2026-12-02
(9f8dac4 renamed four panel properties): Keys *Reduced*, a custom map with the *Custom map* rig
preset, Head turn 0.4 and Eye contact off. The file keeps those values under their old names; before,
today's panel showed the defaults (every frame, no map, a blank rig, 0.15, eye contact on) without a
word, and the next Generate used them. Now they are carried over when the file opens, or when the
add-on is enabled with the file open, and the status line says so (review 33u F1).

The old layout is written straight into the scene's stored settings, as c7bf610 saved it (read from
a file that build saved: ``{'key_mode': 1, 'custom_map': '/tmp/map.json', 'behaviour_head_turn': 0.4,
'behaviour_gaze_on': 0, 'preset': 5}``)."""

from __future__ import annotations

import addon_helpers as ah
import bpy


def _save_with_old_settings(scene, path, **new):
    scene.dualtalk.rounds = 2  # the stored group exists once a setting is set
    stored = scene.bl_system_properties_get()["dualtalk"]
    stored["key_mode"] = 1  # REDUCED
    stored["custom_map"] = "//maps/hero.json"
    stored["behaviour_head_turn"] = 0.4
    stored["behaviour_gaze_on"] = 0
    stored["preset"] = 5  # the Custom map preset, gone since
    for name, value in new.items():
        setattr(scene.dualtalk, name, value)
    bpy.ops.wm.save_as_mainfile(filepath=str(path))


def test_an_old_files_panel_settings_come_back_when_it_opens(scene, tmp_path):
    _save_with_old_settings(scene, tmp_path / "shot.blend")
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))

    s = bpy.context.scene.dualtalk
    assert (s.keys, s.map, round(s.head_turn, 3), s.gaze, s.preset) == (
        "reduced",
        "//maps/hero.json",
        0.4,
        False,
        "auto",
    )
    line = bpy.context.window_manager.dualtalk_status.last
    assert (
        "was saved by an earlier DualTalk: its Keys, Map file, Head turn, Eye contact, Rig carried over"
        in line
    )
    stored = bpy.context.scene.bl_system_properties_get()["dualtalk"]
    assert not {"key_mode", "custom_map", "behaviour_head_turn", "behaviour_gaze_on"} & set(stored.keys())


def test_settings_also_come_back_when_the_addon_is_enabled_with_the_file_open(scene, tmp_path):
    _save_with_old_settings(scene, tmp_path / "shot.blend")
    ah.disable_addon()
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))
    import addon_utils

    addon_utils.enable(ah.ADDON, default_set=True)

    s = bpy.context.scene.dualtalk
    assert (s.keys, s.map, s.gaze) == ("reduced", "//maps/hero.json", False)


def test_a_value_a_newer_build_saved_is_kept(scene, tmp_path):
    """A file saved by an old build, then by a newer one where the animator set Keys again."""
    _save_with_old_settings(scene, tmp_path / "shot.blend", keys="every-frame", head_turn=0.2)
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))

    s = bpy.context.scene.dualtalk
    assert (s.keys, round(s.head_turn, 3)) == ("every-frame", 0.2)
    assert (s.map, s.gaze) == ("//maps/hero.json", False)  # never set under today's names: carried over


def test_a_damaged_old_value_leaves_the_default(scene, tmp_path):
    _save_with_old_settings(scene, tmp_path / "shot.blend")
    stored = bpy.context.scene.bl_system_properties_get()["dualtalk"]
    stored["key_mode"] = -1  # no such item in any build
    stored["behaviour_head_turn"] = 7.5
    stored["behaviour_gaze_on"] = "no"
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))

    s = bpy.context.scene.dualtalk
    assert (s.keys, round(s.head_turn, 3), s.gaze) == ("every-frame", 0.15, True)
    assert s.map == "//maps/hero.json"


def test_a_scene_linked_from_an_old_file_is_left_as_it_is(scene, tmp_path):
    """The shot file links its layout scene from last month's file: that scene is read-only here
    (its own file gets its settings carried over when opened); opening the shot neither fails nor
    changes it."""
    scene.name = "Layout"
    _save_with_old_settings(scene, tmp_path / "layout.blend")
    bpy.ops.wm.read_homefile(use_empty=True)
    with bpy.data.libraries.load(str(tmp_path / "layout.blend"), link=True) as (src, dst):
        dst.scenes = ["Layout"]
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))

    linked = next(sc for sc in bpy.data.scenes if sc.library is not None)
    assert "key_mode" in linked.bl_system_properties_get()["dualtalk"].keys()
