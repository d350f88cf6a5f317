"""An animator in the panel picks a rig from Maya whose head bone points forward. Generate warned
"give --up-axis-a/--up-axis-b Z or the map's "up_axis"": flags the panel has no control for, and a map
file holding only ``"up_axis"`` was refused ("'map' must be a non-empty object"), so the only way was
a whole channel map that replaced the preset's keys (review rv40b F2). Now the warning's first advice
is a map file of just the up axis, named as the panel names the map file, and such a file works: the
preset still keys the face, the map says only which way the rig is up (or which bone is its head)."""

from __future__ import annotations

import json

import bpy
import pytest
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.dualtalk_blender.rig.mapping import parse_mapping
from dualtalk.dualtalk_blender.rig.options import ApplyOptions
from dualtalk.dualtalk_blender.scene.apply import inspect_for
from dualtalk.inference.core.errors import DualTalkError
from test_maya_rig_up_axis import maya_rig

pytestmark = pytest.mark.usefixtures("fresh_scene")


def up_axis_warning(report) -> str:
    said = [w for w in report.warnings if "points along" in w]
    assert len(said) == 1
    return said[0]


def test_the_panel_s_warning_names_a_map_file_the_panel_has(tmp_path):
    hero = maya_rig()
    warning = up_axis_warning(inspect_for(hero, ApplyOptions().for_role("A")))
    in_panel = in_panel_words(f"DualTalk: {warning}")
    assert '{"version": 1, "up_axis": "Z"}' in in_panel
    assert "A's map file or B's map file" in in_panel  # was: give --up-axis-a/--up-axis-b Z
    # and then the panel's own up-axis controls, not flags (closing40; tests/addon/test_up_axis_of_each_...)
    assert "--" not in in_panel and in_panel.endswith("or set A's up axis or B's up axis to Z")
    # the command line's own words: the flags for the map file and for the up axis
    assert "(--map-a or --map-b;" in warning and warning.endswith("--up-axis-a/--up-axis-b Z")


def test_a_map_file_of_only_the_up_axis_keeps_the_preset_s_keys(tmp_path):
    hero = maya_rig()
    as_found = inspect_for(hero, ApplyOptions().for_role("A"))
    path = tmp_path / "hero_up.json"
    path.write_text(json.dumps({"version": 1, "up_axis": "Z"}), encoding="utf-8")

    report = inspect_for(hero, ApplyOptions(mapping_a=str(path)).for_role("A"))  # was refused

    assert report.head_frame == "Z"  # the file's word, not the guess (Y)
    assert report.family == as_found.family and report.keys == as_found.keys  # 52 keys, not none
    assert report.head_target == "head"
    assert not [w for w in report.warnings if "points along" in w]  # said, so not guessed again


def test_a_map_file_of_only_the_head_bone_keys_that_bone():
    hero = maya_rig()
    preset = inspect_for(hero, ApplyOptions())
    report = inspect_for(hero, ApplyOptions(mapping=parse_mapping({"head": "neck", "up_axis": "y"})))
    assert report.head_target == "neck" and report.head_frame == "Y" and report.keys == preset.keys
    with pytest.raises(DualTalkError, match="mapping names head bone 'Skull', which 'Hero'"):
        inspect_for(hero, ApplyOptions(mapping=parse_mapping({"head": "Skull"})))
    assert bpy.context.scene.objects["Hero"].data.shape_keys is not None  # nothing changed


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"version": 1}, r"'map' must be a non-empty object .* give only 'up_axis' and/or 'head'"),
        ({"map": {}, "up_axis": "Z"}, r"'map' must be a non-empty object"),
        ({"up_axis": "Z", "clip": [0, 1]}, r"mapping: 'clip' needs a 'map' of channels"),
        ({"up_axis": "Z", "space": "arkit55", "clip": [0, 1]}, r"'space' and 'clip' need a 'map'"),
        ({"up_axis": "X"}, r"mapping.up_axis: expected one of auto, Y, Z, got 'X'"),
    ],
)
def test_a_map_without_channels_says_in_one_line_what_it_may_hold(data, said):
    with pytest.raises(DualTalkError, match=said):
        parse_mapping(data)
