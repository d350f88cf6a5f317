"""An animator generated a take with the panel's defaults (Seed 0, Mood Neutral, Eye contact on),
then tried other settings -- or simply left the panel as another take's -- and pressed Re-generate
Preview Range on a few frames. Before, the range silently used the panel's Seed, Mood and Eye
contact: the head swung to the camera and back within the cross-fades, a blink vanished, a smile
patch appeared. The take now records the behaviour settings it was made with and the range uses
them; the status line says in one line which panel values it did not use."""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

FRAMES = list(range(20, 61))  # the range 30-50 and the cross-fades around it
KEYS = ("eyeLookOutLeft", "eyeBlinkLeft", "mouthSmileLeft", "browInnerUp")


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("range_settings")
    return {
        "wav": ah.write_dialogue_wav(folder / "talk.wav", seconds=4.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def _played(obj) -> np.ndarray:
    return np.stack([br.played(obj, key, FRAMES) for key in KEYS])


def _run(scene, op) -> str:
    with bpy.context.temp_override(scene=scene):
        assert op() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def test_a_range_uses_the_takes_seed_mood_and_eye_contact_and_says_the_panels_were_not_used(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    _run(scene, bpy.ops.dualtalk.generate)
    before = _played(a)
    s.behaviour_seed, s.behaviour_mood, s.gaze = 12345, "friendly", False  # trying other settings
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 30, 50
    line = _run(scene, bpy.ops.dualtalk.regenerate_range)
    assert line.startswith("DualTalk: re-generated frames 30-50 "), line
    assert (
        "the range was made with the take's own settings, not the panel's Seed 12345 (the take's 0), "
        "Mood friendly (the take's neutral), Eye contact off (the take's on)"
    ) in line, line
    assert np.abs(_played(a) - before).max() < 1e-4  # the take's performance: no head snap, no smile patch


def test_a_panel_holding_the_takes_settings_says_nothing_more(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.behaviour_seed = 3
    _run(scene, bpy.ops.dualtalk.generate)
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 30, 50
    line = _run(scene, bpy.ops.dualtalk.regenerate_range)
    assert "settings" not in line and "(warning:" not in line, line


def _jaw_keys(obj, first: int, last: int) -> int:
    from dualtalk.dualtalk_blender.scene import compat

    strip = obj.data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"].strips[0]
    curve = next(
        fc for fc in compat.iter_fcurves(strip.action, strip.action_slot) if "jawOpen" in fc.data_path
    )
    return sum(first <= k.co[0] <= last for k in curve.keyframe_points)


def test_a_range_is_keyed_as_the_take_was_with_its_keys_and_intensities(scene, assets):
    """A take keyed with *Reduced* keys; the panel then back on *Every frame* with Mouth at 1.5. Before,
    the range put an every-frame patch into the sparse curves and the jaw at 1.5 inside the range only."""
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.keys = "reduced"
    _run(scene, bpy.ops.dualtalk.generate)
    before, sparse = br.played(a, "jawOpen", FRAMES), _jaw_keys(a, 30, 50)
    assert sparse < 21  # reduced: fewer keys than frames
    s.keys, s.intensity_mouth = "every-frame", 1.5
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 30, 50
    line = _run(scene, bpy.ops.dualtalk.regenerate_range)
    assert (
        "the range was made with the take's own settings, not the panel's Keys Every frame (the take's "
        "Reduced), Mouth intensity 1.5 (the take's 1)"
    ) in line, line
    assert _jaw_keys(a, 30, 50) < 21  # still sparse
    assert abs(br.played(a, "jawOpen", FRAMES) - before).max() < 0.011  # within the reduced keys' bound


def test_a_range_draws_its_lips_with_the_takes_release_and_rounding(scene, assets):
    """The animator tried *Lip Release* 0.3 for a take, then set it back to 0.75: a range drew its
    lips at 0.75 inside a 0.3 take. It now draws them as the take did and names the panel value."""
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.lip_release = 0.3
    _run(scene, bpy.ops.dualtalk.generate)
    lips = ("jawOpen", "mouthClose", "mouthFunnel", "mouthPucker")
    before = np.stack([br.played(a, key, FRAMES) for key in lips])
    s.lip_release = 0.75
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 30, 50
    line = _run(scene, bpy.ops.dualtalk.regenerate_range)
    assert "not the panel's Lip Release 0.75 (the take's 0.3)" in line, line
    after = np.stack([br.played(a, key, FRAMES) for key in lips])
    assert np.abs(after - before).max() < 1e-4  # the take's lips: no seam


def test_a_take_made_with_every_amount_at_0_is_redone_all_off(scene, assets):
    """The animator made a take with every behaviour amount at 0 (Eye contact and blinks off too),
    then set the amounts back to 1 and pressed Re-generate Preview Range: the take records "all off"
    like any other settings, so the range is all off and names the panel values it did not use; it
    never reads 'does not record the behaviour settings it was made with'."""
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.behaviour_custom, s.gaze, s.blinks = True, False, "off"
    s.behaviour_blinks = s.behaviour_gaze = s.behaviour_head = s.behaviour_brows = 0.0
    _run(scene, bpy.ops.dualtalk.generate)
    before = _played(a)
    s.behaviour_blinks = s.behaviour_gaze = s.behaviour_head = s.behaviour_brows = 1.0
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 30, 50
    line = _run(scene, bpy.ops.dualtalk.regenerate_range)
    assert "does not record the behaviour settings" not in line, line
    # Blinks and Eye contact still off on the panel: its Blink and Gaze Amounts are 0 as the take's
    assert "not the panel's Head Motion Amount 1 (the take's off), Brow Amount 1 (the take's off)" in line
    assert np.abs(_played(a) - before).max() < 1e-4
