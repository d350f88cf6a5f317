"""Re-generating a few seconds of a long take costs what the range costs, not what the take costs.

An animator re-does 10 frames (with eye contact, the default) of an hour-long podcast take. Before,
the range read and rewrote every key of every curve of both characters several times over (the take
snapshot, the un-turned pass, the put-back, the range itself): a 100-frame redo of a 20-minute take
took 23 s, longer than keying the whole take. Now only the keys of the range, its context and a few
keys around it are read or written, and the take comes out the same, key for key, handles included.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, keying, layers, range_keys, range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

FPS = 25
TAKE = 2000  # 80 s: more than ten times the redo's frames (range, 2 s of context each side, cross-fade)
RANGE = (1000, 1009)

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = TAKE, seed: int = 0) -> Motion:
    """Frames ``first..`` of a take: lips, a nodding and turning head, eyes on the partner now and then."""
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B") + seed)
    v[:, 53] = np.radians(10.0) * np.sin(2 * np.pi * 0.7 * t)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t + seed)  # jawOpen
    v[:, 0] = 0.3 + 0.3 * np.sin(2 * np.pi * 0.4 * t)
    target = (np.sin(2 * np.pi * 0.3 * t + (role == "B")) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


def podcast(keys: str) -> tuple[bpy.types.Object, bpy.types.Object, ApplyOptions]:
    """Two characters facing each other with a take; the animator softened Ann's jaw by hand around
    the range (Bezier keys, one handle dragged just before it) and set a few reduced keys."""
    br.reset()
    bpy.context.scene.render.fps = FPS
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2
    options = ApplyOptions(undo_push=False, keys=keys)
    apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    strip = layers.our_strips(ann.data.shape_keys)["lips+jaw"]
    jaw = compat.channelbag(strip.action, strip.action_slot).fcurves.find('key_blocks["jawOpen"].value')
    for kp in jaw.keyframe_points:
        if 920 <= kp.co[0] <= 1100:
            kp.interpolation = "BEZIER"
    jaw.update()
    dragged = min(jaw.keyframe_points, key=lambda kp: abs(kp.co[0] - 990))
    dragged.handle_right_type = "FREE"
    dragged.handle_right = (dragged.co[0] + 2.0, dragged.co[1] + 0.3)
    return ann, ben, options


def redo(ann, ben, options: ApplyOptions) -> tuple[int, int]:
    """Re-generate RANGE (with eye contact) from new motion over the range and its context."""
    plan = range_plan.plan_range((ann, ben), FPS, *RANGE, options.crossfade)
    first = plan.start_frame - plan.take_start
    frames = min(TAKE - first, int(round(plan.audio_end * FPS)) - first)
    again = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, _rep_b, _ = apply_dialogue(
        ann, ben, talking("A", first, frames, seed=3), talking("B", first, frames, seed=3), again
    )
    assert rep_a.replaced is not None
    return plan.start_frame, plan.start_frame + frames - 1


def every_key(objs) -> dict[str, np.ndarray]:
    """Every attribute of every key of every curve of our layers, and each layer action's frames."""
    out: dict[str, np.ndarray] = {}
    for obj in objs:
        for idblock in layers.character_idblocks(obj):
            for layer, strip in layers.our_strips(idblock).items():
                where = f"{obj.name} {idblock.name} {layer}"
                out[f"{where} frames"] = np.array([strip.action.frame_start, strip.action.frame_end])
                for fc in compat.iter_fcurves(strip.action, strip.action_slot):
                    for name, values in keying.read_all(fc).props.items():
                        out[f"{where} {fc.data_path}[{fc.array_index}] {name}"] = values
    return out


@pytest.mark.parametrize("keys", ["every-frame", "reduced"])
def test_a_range_of_a_long_take_comes_out_key_for_key_as_the_whole_curve_rewrite_made_it(keys, monkeypatch):
    """The same redo, once rewriting whole curves (the way every range was keyed before) and once
    rewriting only the range: every key of every curve of both characters is the same."""
    ann, ben, options = podcast(keys)
    with monkeypatch.context() as m:
        m.setattr(range_keys, "_windowed", lambda fc: False)  # every curve rewritten whole
        redo(ann, ben, options)
    whole = every_key((ann, ben))

    ann, ben, options = podcast(keys)
    redo(ann, ben, options)
    ranged = every_key((ann, ben))

    assert whole.keys() == ranged.keys()
    for name, values in whole.items():
        assert values.shape == ranged[name].shape, name
        assert np.abs(values.astype(np.float64) - ranged[name]).max(initial=0.0) < 1e-6, name


def test_a_range_reads_and_writes_keys_for_its_own_frames_not_the_whole_take(monkeypatch):
    """Counting every key a redo reads or writes (bulk reads and writes of whole curves count every
    key of the curve): per curve, a small multiple of the frames redone (the range, its context, a
    few keys on each side), however long the take."""
    ann, ben, options = podcast("every-frame")
    curves = sum(len(layers.layer_fcurves(b)) for o in (ann, ben) for b in layers.character_idblocks(o))
    touched = [0]

    def whole(fn):
        def counted(fc, *args, **kwargs):
            touched[0] += len(fc.keyframe_points)
            return fn(fc, *args, **kwargs)

        return counted

    monkeypatch.setattr(range_keys, "read_all", whole(range_keys.read_all))
    monkeypatch.setattr(range_keys, "write_all", whole(range_keys.write_all))
    read_rows = range_keys._read_rows

    def rows(kp, start, stop):
        touched[0] += stop - start
        return read_rows(kp, start, stop)

    monkeypatch.setattr(range_keys, "_read_rows", rows)
    first, last = redo(ann, ben, options)
    redone = last - first + 1  # the frames the engine re-made: range, context and cross-fade
    assert TAKE >= 10 * redone
    per_curve = touched[0] / curves
    assert per_curve < 8 * redone, (
        f"{per_curve:.0f} keys per curve for {redone} frames of a {TAKE}-frame take"
    )


def test_a_range_decodes_the_takes_record_of_each_curve_once_not_at_every_look(monkeypatch):
    """The record of what DualTalk keyed (one digest per curve, over the whole take) is looked at
    many times by a redo: the check before writing, renamed channels, hand edits, the un-turned pass,
    the range itself. Decoding it at each look cost a 359-frame redo of a 20-minute take 1,536 decodes
    (1.2 s, review 31l F2); now each curve's digest is decoded once as the take left it and once as
    the range rewrote it, and the hand-edit tests still see every edit."""
    monkeypatch.setattr(keying, "_DECODED", OrderedDict(), raising=False)  # nothing decoded yet
    ann, ben, options = podcast("every-frame")
    recorded = sum(
        len(keying.read_digests(strip.action) or {})
        for o in (ann, ben)
        for b in layers.character_idblocks(o)
        for strip in layers.our_strips(b).values()
        if strip.action is not None
    )
    monkeypatch.setattr(keying, "_DECODED", OrderedDict(), raising=False)
    decode = keying.CurveDigest.decode
    decoded = [0]

    def counted(text: str) -> keying.CurveDigest:
        decoded[0] += 1
        return decode(text)

    monkeypatch.setattr(keying.CurveDigest, "decode", staticmethod(counted))
    redo(ann, ben, options)
    assert recorded > 20
    assert decoded[0] <= 2 * recorded, f"{decoded[0]} decodes of {recorded} recorded curves"
