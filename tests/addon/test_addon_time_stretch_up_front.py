"""Time Stretching plays the face at another speed than its sound. The animator hears of it before
pressing Generate (the panel) and when the run starts (Blender's report), not only in the line
after a minutes-long generation and keying."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from test_addon_panel import draw_panel

HALF_SPEED = "the scene's Time Stretching (Old 100, New 200) plays the face at half speed against its sound"


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stretch_up_front")
    return {
        "wav": ah.write_dialogue_wav(folder / "talk.wav", seconds=1.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def test_the_panel_warns_of_time_stretching_above_the_generate_button(scene):
    scene.render.frame_map_old, scene.render.frame_map_new = 100, 200
    log = draw_panel(scene)
    generate = log.index(("operator", "dualtalk.generate"))
    said = " ".join(text for kind, text in log[:generate] if kind == "label")
    assert HALF_SPEED in said
    scene.render.frame_map_new = 100
    assert not any("Time Stretching" in text for _kind, text in draw_panel(scene))


def test_generate_says_so_when_it_starts_and_again_when_it_ends(scene, assets, capfd):
    scene.render.frame_map_old, scene.render.frame_map_new = 100, 200
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    out = capfd.readouterr().out
    started = out.index(f"Warning: DualTalk: {HALF_SPEED}")
    assert started < out.index("DualTalk: animated")  # before the worker's take is keyed
    assert HALF_SPEED in bpy.context.window_manager.dualtalk_status.last


def test_a_run_in_a_plain_scene_has_nothing_to_say_up_front(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    run = ui_run.GenerationRun(scene, scene.dualtalk, bpy.context.preferences.addons["dualtalk"].preferences)
    try:
        assert run.warnings_at_start == []
    finally:
        run.cleanup()
