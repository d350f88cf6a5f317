"""An animator fixes keys inside a DualTalk layer, then re-generates a range over them (review 30a,
finding 4).

Generate and Apply Saved Take say "held keys edited by hand ... they were replaced"; the range replaced
the fixed key at 230 and the deleted one at 240 without a word (and then forgot them, so no later run
said it either). Now the range says it too, from the same record, naming the layer, the character,
the channels and the frames; an edit the range keeps (outside its frames) is not named.
"""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import keying, layers
from test_hand_edits_in_layers import lips_curve, move_key, regenerate_range, shot

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def said(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "edited by hand" in w]


def delete_key(obj, frame: int) -> None:
    fc = lips_curve(obj)
    fc.keyframe_points.remove(next(k for k in fc.keyframe_points if k.co[0] == frame))


def test_a_range_over_keys_fixed_in_the_lips_layer_says_it_replaced_them():
    ann, ben, options = shot()
    move_key(ben, 230, 0.9)  # Tab on Ben's lips+jaw strip: a wider mouth at 230, a key deleted at 240
    delete_key(ben, 240)

    lines = said(regenerate_range(ann, ben, options, 200, 260))

    assert lines == [
        "the range replaced keys edited by hand in the DualTalk lips+jaw layer of 'Ben' (jawOpen, "
        "frames 224-247): keep fixes on your own track (docs/blender.md, Hand fixes)"
    ], lines
    bpy.context.scene.frame_set(230)
    assert lips_curve(ben).evaluate(230) != pytest.approx(0.9, abs=0.05)  # replaced, as documented


def test_a_range_next_to_a_fix_keeps_it_and_says_nothing():
    ann, ben, options = shot()
    move_key(ben, 150, 0.9)

    assert said(regenerate_range(ann, ben, options, 160, 200)) == []  # cross-faded from 156: 150 is kept
    assert lips_curve(ben).evaluate(150) == pytest.approx(0.9, abs=1e-4)
    assert said(regenerate_range(ann, ben, options, 60, 90)) == []


def test_a_range_over_untouched_keys_says_nothing_twice_over():
    ann, ben, options = shot()
    assert said(regenerate_range(ann, ben, options, 200, 260)) == []
    assert said(regenerate_range(ann, ben, options, 210, 250)) == []  # its own keys are DualTalk's


def test_a_take_recorded_before_tags_says_it_per_64_frames():
    """A take keyed by a build whose record kept only sums per 64 frames: said, coarser."""
    ann, ben, options = shot()
    strip = layers.our_strips(ben.data.shape_keys)["lips+jaw"]
    recorded = keying.read_digests(strip.action)
    assert recorded is not None
    keying.write_digests(strip.action, {k: keying.CurveDigest(d.count, d.sums) for k, d in recorded.items()})
    move_key(ben, 230, 0.9)

    lines = said(regenerate_range(ann, ben, options, 200, 260))

    assert len(lines) == 1 and "(jawOpen, frames 196-255)" in lines[0], lines
