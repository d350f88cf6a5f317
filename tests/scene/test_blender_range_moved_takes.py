"""Re-generating a range of a take the animator has moved or re-keyed: the frames redone are the
ones that play under the chosen timeline range, with eye contact aimed at where the heads are
there; a range that cannot be mapped onto both characters' takes is refused in one line."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers, range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 60
SHIFT = 10

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def nodding(role: str, first: int = 0, frames: int = T) -> Motion:
    """A nods and turns while it keeps eye contact; frames ``first..`` of one take."""
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 52] = np.radians(10.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B"))
    v[:, 53] = np.radians(12.0) * np.sin(2 * np.pi * 0.7 * t)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t)  # jawOpen
    target = np.ones(frames, np.int8)  # eye contact the whole time
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


def pair():
    a = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    b = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    # each turned ~70 deg away from the other (rigs face -Y): eye contact turns the heads a long way
    a.parent.rotation_euler.z, b.parent.rotation_euler.z = -1.2, 1.2
    return a, b


def slide(objs, frames: int, layer_names=layers.LAYERS) -> None:
    """G in the NLA editor on the selected DualTalk strips."""
    for obj in objs:
        for idblock in layers.character_idblocks(obj):
            for name, strip in layers.our_strips(idblock).items():
                if name in layer_names:
                    strip.frame_start_ui = strip.frame_start + frames


def eyes(obj, frames) -> np.ndarray:
    blocks = obj.data.shape_keys.key_blocks
    names = [kb.name for kb in blocks if kb.name.startswith("eyeLook")]
    out = []
    for f in frames:
        bpy.context.scene.frame_set(f)
        out.append([blocks[n].value for n in names])
    return np.array(out)


def test_a_moved_take_redone_with_the_same_motion_looks_exactly_as_before():
    a, b = pair()
    # eyes only (no head turn toward the partner), so redoing a stretch with the same motion must
    # reproduce it exactly
    options = ApplyOptions(undo_push=False, head_turn=0.0)
    apply_dialogue(a, b, nodding("A"), nodding("B"), options)
    slide((a, b), SHIFT)
    timeline = np.arange(1, T + SHIFT + 1)
    before = eyes(a, timeline), eyes(b, timeline)
    assert np.ptp(before[0], axis=0).max() > 0.05  # the eyes work against the nods

    plan = range_plan.plan_range((a, b), FPS, 30, 40, options.crossfade)
    assert (plan.first, plan.last, plan.offset) == (30 - SHIFT, 40 - SHIFT, SHIFT)  # what plays there
    first = plan.start_frame - plan.take_start
    redo = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, _rep_b, _markers = apply_dialogue(
        a, b, nodding("A", first, T - first), nodding("B", first, T - first), redo
    )
    assert rep_a.replaced == (26 - SHIFT, 44 - SHIFT)
    after = eyes(a, timeline), eyes(b, timeline)
    for old, new in zip(before, after, strict=True):
        assert np.abs(new - old).max() < 2e-3  # same motion, same heads: the same eye contact


def test_strips_moved_apart_or_rescaled_are_refused_in_one_line():
    a, b = pair()
    apply_dialogue(a, b, nodding("A"), nodding("B"), ApplyOptions(undo_push=False))
    slide((b,), 5)  # only Ben's take was slid
    with pytest.raises(DualTalkError, match="move the DualTalk strips of both characters together"):
        range_plan.plan_range((a, b), FPS, 20, 30, 4)
    slide((a,), 5)  # now both: fine
    assert range_plan.plan_range((a, b), FPS, 20, 30, 4).first == 15
    layers.our_strips(a.data.shape_keys)["lips+jaw"].scale = 2.0
    with pytest.raises(DualTalkError, match="scaled or repeated") as err:
        range_plan.plan_range((a, b), FPS, 20, 30, 4)
    assert "\n" not in str(err.value)


def test_a_range_is_refused_when_the_two_takes_start_on_different_frames():
    a, b = pair()
    apply_dialogue(a, b, nodding("A"), nodding("B"), ApplyOptions(undo_push=False))
    apply_motion(b, nodding("B"), ApplyOptions(start_frame=11, undo_push=False))  # Ben re-keyed alone, later
    with pytest.raises(DualTalkError, match="Ben's take starts at frame 11"):
        range_plan.plan_range((a, b), FPS, 30, 40, 4)
    with pytest.raises(DualTalkError, match="Ben's take starts at frame 11"):
        range_plan.plan_range((b, a), FPS, 30, 40, 4)


def test_a_range_must_lie_within_both_takes_whichever_is_shorter():
    a, b = pair()
    apply_dialogue(a, b, nodding("A", frames=T), nodding("B", frames=40), ApplyOptions(undo_push=False))
    for order in ((a, b), (b, a)):
        with pytest.raises(DualTalkError, match=r"range 45-50 must lie within the take \(frames 1-40\)"):
            range_plan.plan_range(order, FPS, 45, 50, 4)
        assert range_plan.plan_range(order, FPS, 30, 35, 4).audio_end == pytest.approx(40 / FPS)
