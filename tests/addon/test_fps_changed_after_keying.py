"""The animator keys a take at 25 fps, then sets the scene to 30 fps for delivery: the 25-fps keys
now play 20 % fast against the sound strip. Before, only Re-generate Preview Range knew (and refused
with no way out, "keyed at 25.0 fps ... now runs at 30"); the panel drew nothing and Export FBX wrote
the out-of-step keys without a word. Now the panel warns above Generate, Export FBX's line carries
the same warning, and the range refusal says how to get back in step."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from test_addon_panel import draw_panel

OUT_OF_STEP = (
    "Alice's and Bob's takes were keyed at 25 fps and the scene now runs at 30 fps: keys and sound are "
    "out of step; set the scene back to 25 fps or Generate again"
)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fps_changed")
    return {
        "wav": ah.write_dialogue_wav(folder / "talk.wav", seconds=2.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "take": ah.write_two_second_take(folder / "take"),
        "models": folder / "models",
    }


def _keyed_at_25(scene, assets):
    """A 2 s take keyed at 25 fps on Alice and Bob (Apply Saved Take: no worker needed)."""
    scene.render.fps, scene.render.fps_base = 25, 1.0
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(assets["take"])) == {"FINISHED"}
    return a, b


def _above_generate(scene) -> list[str]:
    log = draw_panel(scene)
    generate = log.index(("operator", "dualtalk.generate"))
    return [text for kind, text in log[:generate] if kind == "label"]


def test_the_panel_warns_above_generate_when_the_scene_fps_changed_after_keying(scene, assets):
    _keyed_at_25(scene, assets)
    assert not any("keyed at" in line for line in _above_generate(scene))  # in step: nothing to say
    scene.render.fps = 30
    said = " ".join(_above_generate(scene))  # the panel breaks the line between words
    assert OUT_OF_STEP in said, said
    scene.render.fps = 25  # set back: in step again
    assert not any("keyed at" in line for line in _above_generate(scene))


def test_a_generate_at_the_new_rate_is_not_warned_about_the_take_it_replaces(scene, assets):
    _keyed_at_25(scene, assets)
    scene.render.fps = 30
    run = ui_run.GenerationRun(scene, scene.dualtalk, bpy.context.preferences.addons["dualtalk"].preferences)
    try:
        assert run.warnings_at_start == []
    finally:
        run.cleanup()


def test_export_fbx_says_the_keys_are_out_of_step_with_the_sound(scene, assets, tmp_path):
    _keyed_at_25(scene, assets)
    status = bpy.context.window_manager.dualtalk_status
    out = tmp_path / "shot.fbx"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(out)) == {"FINISHED"}
    assert status.last.startswith(f"DualTalk: exported {out}") and OUT_OF_STEP not in status.last
    scene.render.fps = 30
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(out)) == {"FINISHED"}
    # first: the keys out of step with the sound; then how many more (the clip is the scene range)
    assert status.last.startswith(f"DualTalk: exported {out} (warning: {OUT_OF_STEP}"), status.last
    assert "\n" not in status.last


def test_the_range_refusal_gives_the_rates_alike_and_the_way_back(scene, assets):
    _keyed_at_25(scene, assets)
    scene.render.fps = 30
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 20, 30
    untouched = ah.scene_fingerprint(scene)
    with pytest.raises(RuntimeError) as err:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.regenerate_range()
    line = (
        "DualTalk: the take was keyed at 25 fps but the scene now runs at 30 fps; set the scene back to "
        "25 fps, or Generate the whole take again"
    )
    assert str(err.value).strip() == f"Error: {line}"
    assert bpy.context.window_manager.dualtalk_status.last == line
    assert ah.scene_fingerprint(scene) == untouched
