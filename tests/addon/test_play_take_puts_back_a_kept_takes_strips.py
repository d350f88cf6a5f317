"""An animator nudges Alice's lips+jaw strip 2 frames early in the NLA editor (lips leading the sound)
and scales Bob's strips 2, Generates take 'v2' to compare, deletes a shape key take 'v1' keys, then
presses Play Take on 'v1'. The nudge, scale and repeat came back as Generate left the strips (1001,
scale 1) and the line said nothing (review rv43a F3); nothing said that a scaled take plays the face at
half speed against its sound, at Play or at Export FBX (F4), nor that a part the played take keys is
gone (undo42's hand-off). Now v1's strips play as the animator left them, the line says so and warns,
and the saved file, Remove Take and the FBX clip warnings agree."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers, moved_take
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import clip_warnings
from dualtalk.inference.core.motion import Motion

# one worker run per job: the stories wait on the same take (addon_helpers.replayed_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

FRAMES = (11, 30, 60, 100)


def placed(obj) -> dict[str, tuple[float, float, float]]:
    """Layer -> (first frame, scale, repeat) of the character's DualTalk strips (the rest track aside)."""
    return {
        f"{idblock.name}:{layer}": (strip.frame_start, strip.scale, strip.repeat)
        for idblock in layers.character_idblocks(obj)
        for layer, strip in layers.our_strips(idblock).items()
        if layer != layers.REST
    }


def jaw(scene, obj) -> list[float]:
    out = []
    for frame in FRAMES:
        scene.frame_set(frame)
        out.append(round(obj.data.shape_keys.key_blocks["jawOpen"].value, 4))
    return out


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def test_play_take_plays_a_kept_take_where_its_strips_were_left_and_says_what_it_costs(
    scene, assets, tmp_path
):
    scene.frame_start, scene.frame_end = 11, 200
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s take: frames 11-60
    scene.dualtalk.take_name = "v1"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        layers.our_strips(a.data.shape_keys)["lips+jaw"].frame_start_ui = 9  # lips 2 frames early
        for idblock in layers.character_idblocks(b):
            for strip in layers.our_strips(idblock).values():
                strip.scale = 2.0
        edited = placed(a), placed(b), jaw(scene, b)
        scene.dualtalk.take_name = "v2"
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        unscaled = placed(a), placed(b)
        assert jaw(scene, b) != edited[2]  # v2 plays unscaled
        a.shape_key_remove(a.data.shape_keys.key_blocks["eyeBlinkLeft"])

        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}

    assert (placed(a), placed(b), jaw(scene, b)) == edited, status()  # was v2's 11, scale 1 on every strip
    line = status()
    assert (
        "(note: take 'v1' plays its strips as you left them in the NLA editor: Alice's lips+jaw -2 frames)"
        in line
    )
    half = "Bob's DualTalk strips are scaled 2 in the NLA editor, which plays the face at half speed against its sound"
    assert f"(warning: {half}; set Scale and Repeat back to 1 for lip sync)" in line, line
    assert "(warning: Alice: the shape key eyeBlinkLeft is missing (deleted since the take)" in line, line
    assert f"FBX: {half}; set Scale and Repeat back to 1 for lip sync" in clip_warnings([a, b], scene)

    path = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene, a, b = bpy.context.scene, bpy.data.objects["Alice"], bpy.data.objects["Bob"]
    assert (placed(a), placed(b), jaw(scene, b)) == edited
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take(character="BOTH") == {"FINISHED"}  # v2 plays again, as it was
    assert (placed(a), placed(b)) == unscaled, status()
    assert not any("scaled" in w for w in clip_warnings([a, b], scene))


def test_a_take_kept_before_placements_were_recorded_plays_as_keyed_and_the_line_says_so(scene):
    """A .blend from an older DualTalk: its kept take 'v1' has no record of where its strips played."""
    a, b = ah.two_characters()
    for take, value in (("v1", 0.2), ("v2", 0.3)):
        m = Motion("arkit55", np.full((50, 55), value, np.float32), role="A")
        apply_dialogue(
            a, b, m, Motion("arkit55", m.values.copy(), role="B"), ApplyOptions(take=take, undo_push=False)
        )
    layers.our_strips(a.data.shape_keys)["lips+jaw"].frame_start_ui = 4  # v2's own nudge
    for action in bpy.data.actions:
        if action.name.startswith("DualTalk_v1_"):
            action.pop(moved_take.PLACE_PROP, None)  # as the older build left it

    line = file_takes.play_take([a, b], "v1", scene)

    assert {p[0] for p in placed(a).values()} == {1.0}, placed(a)  # v2's nudge stays with v2 (was 4)
    assert (
        "(note: take 'v1' of Alice and Bob was kept before DualTalk recorded where its strips played" in line
    )
    assert "v2" in file_takes.play_take([a, b], "v2", scene) and placed(a)["Key:lips+jaw"][0] == 4.0
