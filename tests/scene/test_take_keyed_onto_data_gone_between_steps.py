"""A take keyed in steps (:func:`layers.write_take_steps`, Generate's last part) whose shape keys or
rig go between its two steps, from a script while Blender ran (review rv35a F5).

The steps held the datablock the take is keyed onto; the second step wrote to it though Blender
had freed it. Now it is told again by its ids before the second step, and the steps end with one
clear refusal that names it.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.keying import CurveSpec, TargetCurves
from dualtalk.inference.core.errors import DualTalkError

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

FRAMES = np.arange(1, 51, dtype=np.float64)


def jaw_take(idblock, path: str, name: str) -> TargetCurves:
    values = 0.3 + 0.2 * np.sin(FRAMES / 4)
    return TargetCurves(idblock, name, [CurveSpec(path, 0, values, layer="lips+jaw")])


def steps_over(target: TargetCurves):
    meta = {"take": "t1", "character": "Ann", "start_frame": 1, "fps": 25.0}
    return layers.write_take_steps("DualTalk_t1_Ann", [target], FRAMES, meta=meta)


def test_shape_keys_cleared_between_the_two_steps_end_them_with_one_line():
    ann = br.make_character("Ann")
    steps = steps_over(jaw_take(ann.data.shape_keys, 'key_blocks["jawOpen"].value', "Ann"))
    next(steps)  # the keys worked out; Blender runs a script
    ann.shape_key_clear()

    with pytest.raises(DualTalkError, match=r"^the shape keys of 'Ann' went while the take was keyed"):
        next(steps)
    assert not any(a.name.startswith("DualTalk_t1") for a in bpy.data.actions)  # nothing keyed


def test_a_rig_deleted_between_the_two_steps_ends_them_with_one_line():
    ann = br.make_character("Ann")
    rig = ann.parent
    steps = steps_over(jaw_take(rig, 'pose.bones["head"].rotation_euler', "Ann_rig"))
    next(steps)
    bpy.data.objects.remove(rig)

    with pytest.raises(DualTalkError, match=r"^'Ann_rig' went while the take was keyed"):
        next(steps)
