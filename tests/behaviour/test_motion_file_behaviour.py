"""The motion file carries the gaze intent and the FLAME overlay; older readers and files still work."""

from __future__ import annotations

import numpy as np
import pytest
from behaviour_takes import base_motion
from dualtalk.inference.behaviour import apply_behaviour
from dualtalk.inference.core.channels import SPACE_FLAME
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion


def test_gaze_and_overlay_survive_a_save_and_load(tmp_path, demo_dialogue):
    d = demo_dialogue
    a = base_motion(d, "A", SPACE_FLAME, engine="dualtalk")
    b = base_motion(d, "B", SPACE_FLAME, engine="dualtalk")
    ma, _ = apply_behaviour(a, b, d)
    back = load_motion(save_motion(tmp_path / "A.npz", ma))
    assert back.gaze_target.dtype == np.int8 and np.array_equal(back.gaze_target, ma.gaze_target)
    assert np.array_equal(back.gaze_dir, ma.gaze_dir) and back.gaze_dir.shape == (ma.num_frames, 2)
    assert back.overlay_channels == ma.overlay_channels and np.array_equal(back.overlay, ma.overlay)
    assert back.meta["behaviour"]["amounts"]["head"] == 0.0  # the published engine keeps its head


def test_a_motion_file_without_the_layer_loads_with_no_gaze(tmp_path, demo_dialogue):
    plain = base_motion(demo_dialogue, "A")
    back = load_motion(save_motion(tmp_path / "A.npz", plain))
    assert back.gaze_target is None and back.gaze_dir is None and back.overlay is None
    with np.load(tmp_path / "A.npz") as data:
        assert "gaze_target" not in data.files and int(data["version"]) == 1


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"gaze_target": np.full(10, 3)}, "gaze_target"),
        ({"gaze_target": np.ones(9)}, "gaze_target"),
        ({"gaze_dir": np.full((10, 2), np.nan)}, "gaze_dir"),
        ({"overlay": np.zeros((10, 1)), "overlay_channels": ("notAKey",)}, "ARKit"),
        ({"overlay": np.zeros((10, 2)), "overlay_channels": ("eyeBlinkLeft",)}, "overlay"),
    ],
)
def test_broken_behaviour_arrays_are_refused(kwargs, words):
    with pytest.raises(DualTalkError, match=words):
        Motion(space="arkit55", values=np.zeros((10, 55)), **kwargs)
