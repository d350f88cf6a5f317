"""An animator picks a rig from Maya whose head bone points forward. Generate warns that the head may
roll where it should turn, and its second advice named command-line flags the panel had no control
for: "... or, on the command line, --up-axis-a/--up-axis-b Z" (closing40's leftover, after rv40b F2
gave the panel the map-file way). Now each picked rig with an armature has its own *A's up axis* /
*B's up axis* under its picker, the warning names those, and setting one keys the head about it."""

from __future__ import annotations

import sys
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.dualtalk_blender.rig.options import ApplyOptions
from dualtalk.dualtalk_blender.scene.apply import inspect_for
from test_addon_panel import draw_panel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scene"))
from test_maya_rig_up_axis import maya_rig  # noqa: E402


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def _up_axis_warning(options: ApplyOptions) -> list[str]:
    return [w for w in inspect_for(maya_rig(), options).warnings if "points along" in w]


def test_the_warning_in_the_panel_names_the_panel_s_up_axis_controls(scene):
    (warning,) = _up_axis_warning(ApplyOptions().for_role("A"))
    in_panel = in_panel_words(f"DualTalk: {warning}")

    assert in_panel.endswith("(A's map file or B's map file; the preset still keys the face) or set A's up "
                             "axis or B's up axis to Z")  # fmt: skip
    assert "--" not in in_panel and "command line" not in in_panel
    assert warning.endswith("or, on the command line, --up-axis-a/--up-axis-b Z")  # the CLI keeps its flags


def test_each_rig_with_an_armature_has_its_up_axis_under_its_picker(scene):
    hero = maya_rig()
    face = br.make_mesh("Face")  # shape keys alone: no head to turn
    s = scene.dualtalk
    s.char_a, s.char_b = hero, face
    props = [name for kind, name in draw_panel(scene) if kind == "prop"]
    assert props[:5] == ["char_a", "map_a", "up_axis_a", "char_b", "map_b"]
    assert "up_axis_b" not in props
    s.char_a, s.char_b = face, hero
    props = [name for kind, name in draw_panel(scene) if kind == "prop"]
    assert props[:5] == ["char_a", "map_a", "char_b", "map_b", "up_axis_b"]
    assert "up_axis_a" not in props


def test_set_in_the_panel_the_up_axis_keys_the_head_about_it(scene):
    s = scene.dualtalk
    assert (s.up_axis_a, s.up_axis_b) == ("auto", "auto")
    s.up_axis_a = "Z"
    options = panel_settings.apply_options(s)

    assert (options.up_axis_a, options.up_axis_b) == ("Z", "auto")
    report = inspect_for(maya_rig(), options.for_role("A"))
    assert report.head_frame == "Z"  # the panel's word, not the guess (Y)
    assert not [w for w in report.warnings if "points along" in w]  # said, so not guessed again
    assert _up_axis_warning(options.for_role("B")), "B's own rig is still guessed"
