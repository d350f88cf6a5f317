"""Re-generate Preview Range with eye contact keyed in steps, as Generate keys a take (fix34 keys).

A range with eye contact was keyed in one call on Blender's main thread: a 2-minute range of a
10-minute take froze Blender for 7.9 s and Esc was not heard. Now it yields while it keys: each
character's un-turned motion, the heads' reading, the take put back, and the range itself, each
curve-writing part every ``ROWS_PER_STEP`` keys, so a step's work follows the range's keys, not
the clock. Closed between two steps (the add-on's Esc), the take is as it was before; the keys at
the end are those of the fewest steps; and the percentage goes up steadily, without a jump.
"""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import apply as ap
from dualtalk.dualtalk_blender.scene import gaze, range_keys, range_plan
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.core.progress import Recorder
from test_blender_range_eye_contact import talking as eye_contact_take

FPS = 25
T = 240

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = T) -> Motion:
    """Frames ``first..`` of a take as the eye-contact range story's (the head nods and turns, the eyes
    seek the partner and glance away), 240 frames by default."""
    return eye_contact_take(role, first, frames)


def a_take() -> tuple[bpy.types.Object, bpy.types.Object, ap.ApplyOptions]:
    """Ann and Ben facing each other with a whole take keyed, eye contact on."""
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2
    options = ap.ApplyOptions(undo_push=False, head_turn=0.3)
    ap.apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    return ann, ben, options


def range_steps(ann, ben, options, first: int = 90, last: int = 150, progress=None, length: int = T):
    """The steps that re-generate timeline frames ``first..last`` of a take of ``length`` frames (the
    add-on's, ``pauses``)."""
    plan = range_plan.plan_range((ann, ben), FPS, first, last, options.crossfade)
    start = plan.start_frame - plan.take_start
    frames = min(length - start, int(round(plan.audio_end * FPS)) - start)
    redo = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    return ap.apply_dialogue_steps(
        ann,
        ben,
        talking("A", start, frames),
        talking("B", start, frames),
        redo,
        progress=progress,
        pauses=True,
    )


def the_take() -> dict:
    """Every key of every action as it is (points, handles, interpolation), each layer's frame range
    and its record of the keys DualTalk wrote."""
    out = {}
    for action in bpy.data.actions:
        out[action.name] = (tuple(action.frame_range), action.get("dualtalk_keys"))
        for fc in ap.compat.iter_fcurves(action, None):
            out[(action.name, fc.data_path, fc.array_index)] = [
                (*k.co, *k.handle_left, *k.handle_right, k.interpolation, k.handle_left_type)
                for k in fc.keyframe_points
            ]
    return out


def run(steps) -> int:
    """Run ``steps`` to the end; how many times they yielded."""
    n = 0
    for _ in steps:
        n += 1
    return n


def test_a_range_with_eye_contact_is_keyed_in_steps_whose_work_is_bounded_by_keys(monkeypatch):
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 400, raising=False)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 8)
    ann, ben, options = a_take()
    written = []  # keys each step rewrote or put back

    def counted(name):
        real = getattr(range_keys, name, None)
        if real is None:  # a build without it
            return

        def wrapper(fc, *args, **kwargs):
            got = real(fc, *args, **kwargs)
            keys = args[-1] if name == "_put_back_one" else args[2]
            written[-1] += len(keys.keys if name == "_put_back_one" else keys)
            return got

        monkeypatch.setattr(range_keys, name, wrapper)

    for name in ("_rewrite_window", "_rewrite_whole", "_put_back_one"):
        counted(name)
    steps = range_steps(ann, ben, options)
    taken = 0
    while True:
        written.append(0)
        try:
            next(steps)
        except StopIteration:
            break
        taken += 1
    curve = max(len(fc.keyframe_points) for a in bpy.data.actions for fc in ap.compat.iter_fcurves(a, None))
    # each character's motion twice (un-turned, then the range), the heads' reading and the put back
    assert taken >= 12, taken
    assert max(written) <= range_keys.ROWS_PER_STEP + curve, written  # a step: the bound and one curve
    assert sum(written) > 4 * range_keys.ROWS_PER_STEP  # the work was spread, not skipped


def test_a_range_keyed_in_many_steps_keys_what_it_keys_in_the_fewest(monkeypatch):
    ann, ben, options = a_take()
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 10**9, raising=False)
    few = run(range_steps(ann, ben, options))
    once = the_take()

    br.reset()
    bpy.context.scene.render.fps = FPS
    ann, ben, options = a_take()
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 300, raising=False)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 8)
    many = run(range_steps(ann, ben, options))
    assert many > few
    assert the_take() == once


class Said:
    """The last line the steps said (``progress``)."""

    def __init__(self) -> None:
        self.line = ""

    def update(self, _stage: str, fraction: float, message: str = "") -> None:
        self.line = message

    def check_cancel(self) -> None:
        pass


@pytest.mark.parametrize(
    "stop_at",
    [
        "Ann: un-turned",  # the un-turned motion keyed on one character
        "aiming the eyes",  # the heads being read
        "the take put back: curve",  # half put back
        "Ann: range keyed",  # the range keyed on one character
        "Ben: keying the range, curve",  # ... and on part of the other's curves
    ],
)
def test_esc_between_two_steps_of_a_range_leaves_the_take_as_it_was(monkeypatch, stop_at):
    """Closing the steps (what the add-on does on Esc between two steps) anywhere in the range:
    while the un-turned motion is keyed, while the heads are read, while the take is put back, or
    while the range itself is keyed: every key, frame range and record is as before the range."""
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 1500, raising=False)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 8)
    ann, ben, options = a_take()
    scene = bpy.context.scene
    scene.frame_set(33)
    before = the_take()
    said = Said()
    steps = range_steps(ann, ben, options, progress=said)
    for _ in steps:
        if stop_at in said.line:
            break
    else:
        pytest.fail(f"the steps ended before {stop_at!r}")
    steps.close()
    assert the_take() == before
    assert scene.frame_current == 33


def test_the_percentage_of_a_range_and_of_a_take_goes_up_steadily(monkeypatch):
    """The fraction said follows the work: no report goes back, none jumps (a take's used to leap
    from 20 to 80 % at the end of the heads' reading, a range's said nothing between them)."""
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 3000, raising=False)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 20)
    length = 1500  # a minute: the heads are read every 32nd frame, as a long take's
    take = Recorder()
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    options = ap.ApplyOptions(undo_push=False, head_turn=0.3)
    a, b = talking("A", 0, length), talking("B", 0, length)
    run(ap.apply_dialogue_steps(ann, ben, a, b, options, progress=take, pauses=True))
    ranged = Recorder()
    run(range_steps(ann, ben, options, 500, 1000, progress=ranged, length=length))
    for rec, jump in ((take, 0.2), (ranged, 0.2)):
        fractions = [f for _stage, f, _m in rec.events]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0
        assert max(np.diff([0.0, *fractions])) <= jump, fractions


@pytest.mark.parametrize(
    "stop_at", ["Ann: un-turned", "the take put back: curve", "Ben: keying the range, curve"]
)
def test_steps_closed_after_another_file_was_opened_write_nothing_to_the_file_that_went(monkeypatch, stop_at):
    """Another file opened between two steps (a script, Blender's File > Open from a timer): the
    steps' characters and curves went with the old file. Closing the steps then (the add-on does,
    and so does Python when it drops them) must not put anything back into them: Blender crashed."""
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 1500, raising=False)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 8)
    ann, ben, options = a_take()
    said = Said()
    steps = range_steps(ann, ben, options, progress=said)
    for _ in steps:
        if stop_at in said.line:
            break
    else:
        pytest.fail(f"the steps ended before {stop_at!r}")
    br.reset()  # another file: the take's actions and curves are freed
    steps.close()
    assert not bpy.data.actions  # nothing was written into the new file either
