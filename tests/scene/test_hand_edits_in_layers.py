"""An animator fixes a key inside a DualTalk layer, then generates the take again (review 26, finding 7).

Generating again replaces our layers' keys, as documented (fixes belong on a `Fixes` track or the
active action), but it said nothing: headless there is no undo, and the fix was gone without a word.
Now the take records what it keyed on each layer action, and a take that replaces keys changed since
says so in one warning naming the layer, the character and the channels. DualTalk's own keys (a
re-generated range, reduced keys) and a take keyed before the record existed say nothing.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, keying, layers, range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.motion import Motion
from test_blender_layers import wavy_motion

FPS = 25
TAKE = 300
JAW = 'key_blocks["jawOpen"].value'

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = TAKE, seed: int = 0) -> Motion:
    """Frames ``first..`` of a take: lips, a nodding head, eyes on the partner now and then."""
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B") + seed)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t + seed)  # jawOpen
    v[:, 0] = 0.3 + 0.3 * np.sin(2 * np.pi * 0.4 * t)
    target = (np.sin(2 * np.pi * 0.3 * t + (role == "B")) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


def shot(keys: str = "every-frame") -> tuple[bpy.types.Object, bpy.types.Object, ApplyOptions]:
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    options = ApplyOptions(undo_push=False, keys=keys)
    generate(ann, ben, options)
    return ann, ben, options


def generate(ann, ben, options: ApplyOptions, seed: int = 0) -> list[str]:
    """Generate the whole take; the warnings both characters' reports carry."""
    rep_a, rep_b, _ = apply_dialogue(ann, ben, talking("A", seed=seed), talking("B", seed=seed), options)
    return rep_a.warnings + rep_b.warnings


def regenerate_range(ann, ben, options: ApplyOptions, first: int, last: int) -> list[str]:
    """Re-generate Preview Range ``first..last`` (with eye contact) from new motion over its context;
    the warnings it gives."""
    plan = range_plan.plan_range((ann, ben), FPS, first, last, options.crossfade)
    start = plan.start_frame - plan.take_start
    frames = min(TAKE - start, int(round(plan.audio_end * FPS)) - start)
    again = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, rep_b, _ = apply_dialogue(
        ann, ben, talking("A", start, frames, seed=3), talking("B", start, frames, seed=3), again
    )
    assert rep_a.replaced is not None
    return rep_a.warnings + rep_b.warnings


def lips_curve(obj, path: str = JAW):
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    return compat.channelbag(strip.action, strip.action_slot).fcurves.find(path)


def move_key(obj, frame: int, value: float, path: str = JAW) -> None:
    """What dragging a key in the Graph Editor (in the layer's tweak mode) leaves in the action."""
    fc = lips_curve(obj, path)
    key = next(k for k in fc.keyframe_points if k.co[0] == frame)
    key.co[1] = value
    fc.update()


def jaw_at(obj, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return obj.data.shape_keys.key_blocks["jawOpen"].value


def edits_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "edited by hand" in w]


def test_generate_again_replaces_a_key_fixed_in_the_lips_layer_and_says_so():
    ann, ben, options = shot()
    move_key(ann, 150, 0.9)  # the animator opens Ann's jaw wide at frame 150, in the layer itself
    assert jaw_at(ann, 150) == pytest.approx(0.9, abs=1e-3)

    warnings = generate(ann, ben, options)

    assert jaw_at(ann, 150) != pytest.approx(0.9, abs=0.05)  # replaced, as documented
    said = edits_warnings(warnings)
    assert len(said) == 1, warnings
    assert "DualTalk lips+jaw layer of 'Ann'" in said[0] and "(jawOpen)" in said[0], said
    assert "docs/blender.md, Hand fixes" in said[0]
    assert edits_warnings(generate(ann, ben, options)) == []  # said once: the new keys are DualTalk's


def test_a_key_added_or_a_curve_deleted_in_a_layer_counts_as_an_edit():
    ann, ben, options = shot()
    fc = lips_curve(ann)
    fc.keyframe_points.insert(150.5, 0.2)  # a key between two of ours
    strip = layers.our_strips(ann.data.shape_keys)["lips+jaw"]
    bag = compat.channelbag(strip.action, strip.action_slot)
    bag.fcurves.remove(bag.fcurves.find('key_blocks["mouthSmileLeft"].value'))  # a channel deleted

    said = edits_warnings(generate(ann, ben, options))

    assert len(said) == 1 and "(jawOpen, mouthSmileLeft)" in said[0], said


def test_generate_with_no_edits_says_nothing():
    ann, ben, options = shot()
    assert edits_warnings(generate(ann, ben, options, seed=1)) == []


def test_reduced_keys_are_dualtalks_own():
    ann, ben, options = shot(keys="reduced")
    assert edits_warnings(generate(ann, ben, options, seed=1)) == []
    regenerate_range(ann, ben, options, 60, 90)
    assert edits_warnings(generate(ann, ben, options)) == []


def test_a_regenerated_range_is_dualtalks_own_and_an_edit_outside_it_still_shows():
    ann, ben, options = shot()
    regenerate_range(ann, ben, options, 60, 90)
    assert edits_warnings(generate(ann, ben, options)) == []

    move_key(ann, 150, 0.9)  # review 26's story: the edit survives a range elsewhere...
    regenerate_range(ann, ben, options, 60, 90)
    assert jaw_at(ann, 150) == pytest.approx(0.9, abs=1e-3)
    said = edits_warnings(generate(ann, ben, options))  # ...and the whole take replaces it: said
    assert len(said) == 1 and "'Ann'" in said[0] and "jawOpen" in said[0], said


def test_an_edit_a_range_replaced_over_whole_chunks_is_forgotten():
    """A range over the frames of an edit replaces it (its documented job); the next Generate does
    not report an edit that is gone (where the range covers the record's whole chunks of frames)."""
    ann, ben, options = shot()
    move_key(ann, 150, 0.9)
    regenerate_range(ann, ben, options, 120, 200)  # covers frames 128-191, one whole chunk of 64
    assert jaw_at(ann, 150) != pytest.approx(0.9, abs=0.05)
    assert edits_warnings(generate(ann, ben, options)) == []


def test_an_edit_a_short_range_replaced_is_forgotten():
    """Review 26b, finding 4: a range is usually shorter than the record's 64-frame chunks; the edit
    it replaced is gone, and the next Generate does not report it."""
    ann, ben, options = shot()
    move_key(ann, 150, 0.9)
    regenerate_range(ann, ben, options, 140, 170)  # inside frames 128-191, which it shares with kept keys
    assert jaw_at(ann, 150) != pytest.approx(0.9, abs=0.05)
    assert edits_warnings(generate(ann, ben, options)) == []


def test_an_edit_next_to_a_short_range_is_still_reported():
    """The range replaces the fix at 150; the one at 180, in the same 64 frames but outside the
    range, stays, and the whole take that replaces it says so."""
    ann, ben, options = shot()
    move_key(ann, 150, 0.9)
    move_key(ann, 180, 0.1)
    regenerate_range(ann, ben, options, 140, 170)
    assert jaw_at(ann, 180) == pytest.approx(0.1, abs=1e-3)

    said = edits_warnings(generate(ann, ben, options))

    assert len(said) == 1 and "'Ann'" in said[0] and "(jawOpen)" in said[0], said


def test_a_record_from_before_the_tags_still_tells_edits():
    """A take keyed by the build that recorded sums alone: untouched, it says nothing; an edit
    shows; a range over it keeps the record as that build did."""
    ann, ben, options = shot()
    for obj in (ann, ben):
        for idblock in layers.character_idblocks(obj):
            for action in layers.take_actions(idblock):
                old = {k: keying.CurveDigest(d.count, d.sums) for k, d in keying.read_digests(action).items()}
                keying.write_digests(action, old)  # "count first-chunk sum,sum,..."
    lips = layers.our_strips(ann.data.shape_keys)["lips+jaw"].action
    assert all(d.tags is None for d in keying.read_digests(lips).values())
    regenerate_range(ann, ben, options, 60, 90)
    assert edits_warnings(generate(ann, ben, options, seed=1)) == []

    move_key(ann, 150, 0.9)
    said = edits_warnings(generate(ann, ben, options))
    assert len(said) == 1 and "(jawOpen)" in said[0], said


def test_a_take_keyed_before_the_record_existed_says_nothing():
    ann, ben, options = shot()
    for obj in (ann, ben):
        for idblock in layers.character_idblocks(obj):
            for action in layers.take_actions(idblock):
                del action[keying.DIGEST_PROP]  # what an earlier build left
    move_key(ann, 150, 0.9)
    assert edits_warnings(generate(ann, ben, options)) == []


def test_a_script_applying_one_character_hears_of_it_too():
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(80))
    head = layers.our_strips(obj.parent)["head"].action
    fc = next(iter(compat.iter_fcurves(head, layers.our_strips(obj.parent)["head"].action_slot)))
    fc.keyframe_points[40].co[1] += 0.2
    fc.update()

    rep = apply_motion(obj, wavy_motion(80, seed=1))

    assert len(edits_warnings(rep.warnings)) == 1 and rep.warnings[0].startswith(
        "the DualTalk head layer of 'Ann'"
    )


def test_a_take_of_a_new_name_says_the_edits_stay_with_the_earlier_take():
    """The animator fixed a key in take 'take', then Generates 'v2' to compare: the earlier take's
    actions stay in the file with the fix (the panel's Play Take brings them back), so the line says
    where the edit is, not that it was replaced (review 30a fix C's leftover)."""
    ann, ben, options = shot()
    move_key(ben, 100, 0.9)
    earlier = layers.our_strips(ben.data.shape_keys)["lips+jaw"].action

    lines = edits_warnings(generate(ann, ben, options.replace(take="v2"), seed=1))

    assert lines == [
        "the DualTalk lips+jaw layer of 'Ben' held keys edited by hand (jawOpen); they stay with take "
        "'take', kept in the file (Play Take plays it again)"
    ], lines
    assert earlier.name in bpy.data.actions and earlier.use_fake_user
    fc = next(f for f in compat.iter_fcurves(earlier, earlier.slots[0]) if f.data_path == JAW)
    assert fc.evaluate(100) == pytest.approx(0.9, abs=1e-4)  # the fix is there to play again
    # the same name again replaces it, and says so
    move_key(ben, 100, 0.8)
    assert "they were replaced" in edits_warnings(generate(ann, ben, options.replace(take="v2")))[0]
