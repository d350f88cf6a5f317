"""An animator renames a shape key or the head bone a take keys (review 30a, finding 2).

Blender renames the take's curves with it (``key_blocks["JawOpen_hero"]``), so the rig's map no
longer finds ``jawOpen``. The range skipped the renamed curve without a word; the next Generate
called the rename "keys edited by hand", dropped the curve from every DualTalk track and left the
mouth frozen at whatever it last played (or wide open at 1.0 under the animator's Combine fix key); a
renamed head bone stayed turned 70 degrees while the neck got the motion too. A rename is a rig
change: it is said as one ("jawOpen is missing (renamed to JawOpen_hero ...): the mouth will not
open"), the renamed channel is held at rest, and a spelling the preset knows keys on, unremarked.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

FPS = 25
TAKE = 300
JAW = ARKIT52.index("jawOpen")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = TAKE, seed: int = 0) -> Motion:
    """Frames ``first..`` of a take: a jaw opening and closing twice a second, a nodding head."""
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, JAW] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t + seed)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B") + seed)
    return Motion("arkit55", v, role=role)


def shot() -> tuple[bpy.types.Object, bpy.types.Object, ApplyOptions]:
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    options = ApplyOptions(undo_push=False, gaze=False)
    generate(ann, ben, options)
    return ann, ben, options


def generate(ann, ben, options: ApplyOptions, seed: int = 0) -> list[str]:
    rep_a, rep_b, _ = apply_dialogue(ann, ben, talking("A", seed=seed), talking("B", seed=seed), options)
    return rep_a.warnings + rep_b.warnings


def regenerate_range(ann, ben, options: ApplyOptions, first: int, last: int) -> list[str]:
    """Re-generate Preview Range ``first..last``; the warnings it gives."""
    plan = range_plan.plan_range((ann, ben), FPS, first, last, options.crossfade)
    start = plan.start_frame - plan.take_start
    frames = min(TAKE - start, int(round(plan.audio_end * FPS)) - start)
    again = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, rep_b, _ = apply_dialogue(
        ann, ben, talking("A", start, frames, seed=3), talking("B", start, frames, seed=3), again
    )
    return rep_a.warnings + rep_b.warnings


def value_at(obj, name: str, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return obj.data.shape_keys.key_blocks[name].value


def edited(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "edited by hand" in w]


def test_a_renamed_jaw_key_is_said_as_missing_not_as_edited_and_is_held_at_rest():
    ann, ben, options = shot()
    ann.data.shape_keys.key_blocks["jawOpen"].name = "JawOpen_hero"
    widest = max(range(100, 113), key=lambda f: value_at(ann, "JawOpen_hero", f))
    assert value_at(ann, "JawOpen_hero", widest) > 0.5  # the take still plays it, under its new name

    warnings = generate(ann, ben, options)

    assert edited(warnings) == [], warnings
    said = [w for w in warnings if "jawOpen is missing" in w]
    assert len(said) == 1, warnings
    assert said[0].startswith("Ann: the shape key jawOpen is missing (renamed to JawOpen_hero"), said
    assert "the mouth will not open" in said[0] and "rename it back to jawOpen" in said[0], said
    # held at rest, not frozen at the jaw the old take played last
    assert [value_at(ann, "JawOpen_hero", f) for f in (100, 150, 200)] == pytest.approx([0.0] * 3, abs=1e-6)


def test_a_combine_fix_on_the_renamed_jaw_counts_from_rest_not_from_one():
    """The documented hand-fix path (a key on top of the take, Combine) on the key renamed since."""
    ann, ben, options = shot()
    key = ann.data.shape_keys
    jaw = key.key_blocks["jawOpen"]
    bpy.context.scene.frame_set(100)
    jaw.value += 0.3  # a little wider at frame 100: stored as an offset of 0.3 over the take
    jaw.keyframe_insert("value", frame=100)
    assert key.animation_data.action_blend_type == "COMBINE"
    jaw.name = "JawOpen_hero"

    generate(ann, ben, options)

    assert value_at(ann, "JawOpen_hero", 150) == pytest.approx(0.3, abs=1e-4)  # 1.0 before: wide open
    again = generate(ann, ben, options, seed=1)  # still held at rest on the next take, and said again
    assert [w for w in again if "jawOpen is missing (renamed to JawOpen_hero" in w] == [
        w for w in again if w.startswith("Ann:")
    ]
    assert len(again) == 1, again
    assert value_at(ann, "JawOpen_hero", 150) == pytest.approx(0.3, abs=1e-4)


def test_a_range_says_it_leaves_the_renamed_jaw_as_the_take_had_it():
    ann, ben, options = shot()
    ann.data.shape_keys.key_blocks["jawOpen"].name = "JawOpen_hero"
    before = [value_at(ann, "JawOpen_hero", f) for f in range(100, 141, 10)]

    warnings = regenerate_range(ann, ben, options, 100, 140)

    said = [w for w in warnings if "jawOpen is missing (renamed to JawOpen_hero" in w]
    assert len(said) == 1 and "the range left JawOpen_hero's keys as the take had them" in said[0], warnings
    assert [value_at(ann, "JawOpen_hero", f) for f in range(100, 141, 10)] == pytest.approx(before)


def test_a_renamed_head_bone_is_held_at_rest_and_said():
    """Review 30a's s20/s36: the neck gets the motion, the renamed head stayed turned toward the
    partner on top of it, and the face looked over its shoulder."""
    ann, ben, options = shot()
    rig = ann.parent
    rig.data.bones["head"].name = "HeadCtrl"
    with pytest.raises(DualTalkError, match=r"keys HeadCtrl \(renamed from head since the take\)"):
        regenerate_range(ann, ben, options, 100, 140)

    warnings = generate(ann, ben, options)

    assert edited(warnings) == [], warnings
    said = [w for w in warnings if "the bone head is missing (renamed to HeadCtrl" in w]
    assert len(said) == 1, warnings
    neck = []
    for frame in range(100, 200, 5):
        bpy.context.scene.frame_set(frame)
        assert tuple(rig.pose.bones["HeadCtrl"].rotation_quaternion) == pytest.approx((1, 0, 0, 0), abs=1e-6)
        neck.append(rig.pose.bones["neck"].rotation_quaternion[0])
    assert min(neck) < 0.999  # the neck nods now, alone


def test_a_rename_the_preset_knows_keys_on_and_is_no_edit():
    ann, ben, options = shot()
    ann.data.shape_keys.key_blocks["jawOpen"].name = "jaw_open"
    assert regenerate_range(ann, ben, options, 100, 140) == []

    warnings = generate(ann, ben, options, seed=1)

    assert warnings == []  # was: "held keys edited by hand (jaw_open, jawOpen)"
    opens = [value_at(ann, "jaw_open", f) for f in range(0, 40, 4)]
    assert max(opens) > 0.8 and min(opens) < 0.2  # keyed: the mouth opens and closes


def test_every_generate_and_range_that_holds_the_renamed_jaw_at_rest_says_so():
    """Generate, Generate again twice, then a range: each holds JawOpen_hero at rest and says so in one
    line (until session 31 only the first Generate did; the rest kept the mouth shut without a word)."""
    said_line = "Ann: the shape key jawOpen is missing (renamed to JawOpen_hero since the take)"
    ann, ben, options = shot()
    ann.data.shape_keys.key_blocks["jawOpen"].name = "JawOpen_hero"

    def jaw_shut() -> bool:
        return max(value_at(ann, "JawOpen_hero", f) for f in range(60, 141, 8)) < 1e-6

    for seed in (0, 1, 2):
        said = [w for w in generate(ann, ben, options, seed=seed) if w.startswith(said_line)]
        assert len(said) == 1, (seed, said)
        assert "the mouth will not open" in said[0]
        assert jaw_shut()

    said = [w for w in regenerate_range(ann, ben, options, 80, 120) if w.startswith(said_line)]
    assert len(said) == 1, said
    assert "holds JawOpen_hero at rest" in said[0]
    assert jaw_shut()
