"""The numpy half of applying motion, without Blender: what a rig will be keyed with is
decided here, by channel name, before any key is written."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig import plan
from dualtalk.inference.core.channels import ARKIT55, FLAME56, SPACE_ARKIT, SPACE_FLAME
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion


def flame_motion(frames: int = 50) -> Motion:
    values = np.zeros((frames, len(FLAME56)), np.float32)
    values[:, FLAME56.index("jaw_rx")] = 0.2  # mouth open
    values[:, FLAME56.index("neck_ry")] = 0.1  # head turned
    return Motion(SPACE_FLAME, values, speaking=np.arange(frames) < frames // 2, role="A")


def test_flame_motion_on_an_arkit_rig_opens_the_jaw_turns_the_head_and_says_what_is_missing():
    warnings: list[str] = []
    out = plan.convert_space(flame_motion(), SPACE_ARKIT, None, warnings)
    assert out.shape == (50, len(ARKIT55))
    assert out[:, ARKIT55.index("jawOpen")].min() > 0
    assert np.allclose(out[:, ARKIT55.index("head_ry")], 0.1)
    assert warnings and "no FLAME->ARKit map" in warnings[0]


def test_rig_values_blink_flame_motion_scale_groups_and_resample_to_the_scene_rate():
    warnings: list[str] = []
    args = dict(
        flame_map=None, smoothing=0.0, blinks="auto", seed=plan.blink_seed(0, "A", "Ann"), character="Ann"
    )
    out = plan.rig_values(
        flame_motion(), SPACE_ARKIT, intensities={"mouth": 2.0}, has_blink_keys=False, fps=50.0, warnings=warnings, **args
    )  # fmt: skip
    assert len(out) == 100  # 2 s at 50 fps
    base = plan.rig_values(
        flame_motion(), SPACE_ARKIT, intensities={}, has_blink_keys=True, fps=50.0, warnings=[], **args
    )  # fmt: skip
    jaw = ARKIT55.index("jawOpen")
    assert np.allclose(out[:, jaw], 2.0 * base[:, jaw])
    assert out[:, ARKIT55.index("eyeBlinkLeft")].max() > 0.5  # FLAME has no eyelids: blinks are added
    assert any("no eyelid keys" in w for w in warnings)


def test_smoothing_leaves_the_behaviour_layers_blinks_shut_and_smooths_the_rest():
    """--smoothing 2 ("gentle") spread each 4-frame blink to a peak of 0.64-0.75: the eyes stopped closing."""
    values = np.zeros((50, len(ARKIT55)), np.float32)
    lids = [ARKIT55.index("eyeBlinkLeft"), ARKIT55.index("eyeBlinkRight")]
    jaw = ARKIT55.index("jawOpen")
    values[20:24, lids] = 1.0  # one blink from the layer
    values[::2, jaw] = 0.5  # jitter for smoothing to take out
    motion = Motion(SPACE_ARKIT, values, role="A", meta={"behaviour": {"seed": 0}})
    out = plan.rig_values(
        motion, SPACE_ARKIT, flame_map=None, intensities={}, smoothing=2.0, blinks="auto", seed=0,
        has_blink_keys=True, character="Ann", fps=25.0, warnings=[],
    )  # fmt: skip
    assert np.array_equal(out[:, lids], values[:, lids])
    assert np.ptp(out[5:45, jaw]) < 0.05  # everything else is smoothed as asked


def test_an_empty_motion_is_refused():
    with pytest.raises(DualTalkError, match="no frames"):
        plan.rig_values(
            flame_motion(0), SPACE_FLAME, flame_map=None, intensities={}, smoothing=0.0, blinks="off",
            seed=0, has_blink_keys=True, character="Ann", fps=25.0, warnings=[],
        )  # fmt: skip


def test_shape_keys_are_weighted_sums_clipped_to_the_preset_and_the_slider_limit():
    out = np.zeros((3, len(ARKIT55)), np.float32)
    out[:, ARKIT55.index("jawOpen")] = [0.2, 0.8, 30.0]
    out[:, ARKIT55.index("mouthClose")] = 0.1
    keys = {"Jaw": [("jawOpen", 1.0)], "Mix": [("jawOpen", 0.5), ("mouthClose", 1.0)]}
    values = plan.shape_key_values(out, SPACE_ARKIT, keys, clip=None)
    assert np.allclose(values[:2, 0], [0.2, 0.8]) and values[2, 0] == plan.SLIDER_LIMIT
    assert np.allclose(values[:2, 1], [0.2, 0.5])
    assert plan.shape_key_values(out, SPACE_ARKIT, keys, clip=(0.0, 1.0)).max() == 1.0
    assert plan.slider_range(values[:, 0], 0.0, 1.0) == (0.0, plan.SLIDER_LIMIT)
    assert plan.slider_range(np.array([-0.25, 0.5]), 0.0, 1.0) == (-0.3, 1.0)


def test_flame_correctives_are_zero_at_rest_and_follow_the_jaw():
    motion = flame_motion(4)
    weights = plan.flame_corrective_weights(np.zeros((4, len(FLAME56)), np.float32))
    assert weights.shape == (4, 18) and np.abs(weights).max() < 1e-6
    moved = plan.flame_corrective_weights(motion.values)
    assert np.abs(moved[:, 9:]).max() > 0.01  # Pose10..18 = the jaw


@pytest.mark.parametrize(("mode", "expected"), [("fit", (10, 19)), ("extend", (1, 100)), ("keep", (1, 100))])
def test_the_scene_range_fits_extends_or_keeps(mode, expected):
    span = plan.FrameSpan(10, 10)
    assert span.last == 19 and span.frames[0] == 10.0 and len(span.frames) == 10
    assert plan.scene_range(span, 1, 100, mode) == expected
    assert plan.scene_range(plan.FrameSpan(90, 20), 1, 100, "extend") == (1, 109)
