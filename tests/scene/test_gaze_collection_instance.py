"""The layout artist keeps the guest character (rig and face) in its own collection, excluded from
the view layer, and shows it in the shot through a collection-instance empty placed (and maybe
animated) where the guest stands: the usual layout set-up. The host's eyes must meet the guest on
screen, not the hidden source collection's place; the eyes used to aim at the source (the audit's
``c4_visibility.py instance``: the host looked the opposite way on the guest's partner frames).

A collection shown twice (two instance empties) or through nested instances has no single place on
screen: the eyes are aimed at the collection's own place and one warning line says so.
"""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, gaze
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion, check_character
from test_blender_gaze_other_scene import eye_keys, facing_each_other, nodding
from test_gaze_sampling_scale import Evaluations, jittery

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

SOURCE = (-3.0, 4.0, 0.0)  # where the guest's collection really is (excluded from the view layer)


def guest_in_a_collection(scene, ben, name="Guests"):
    """Ben's rig and face moved into collection ``name`` at ``SOURCE``, facing +Y unturned, and the
    collection excluded from the view layer; its instance offset is the rig's place."""
    rig = ben.parent
    rig.location, rig.rotation_euler.z = SOURCE, 0.0
    coll = bpy.data.collections.new(name)
    scene.collection.children.link(coll)
    for obj in (ben, rig):
        scene.collection.objects.unlink(obj)
        coll.objects.link(obj)
    coll.instance_offset = SOURCE
    bpy.context.view_layer.layer_collection.children[name].exclude = True
    return coll


def instance(coll, name="GuestInstance", location=(0.6, 0.0, 0.0), turn=-math.pi / 2, into=None):
    """A collection-instance empty showing ``coll`` where Ben stands in the plain scene."""
    empty = bpy.data.objects.new(name, None)
    empty.instance_type, empty.instance_collection = "COLLECTION", coll
    empty.location, empty.rotation_euler.z = location, turn
    (into or bpy.context.scene.collection).objects.link(empty)
    return empty


def keyed(layout=None):
    """Both characters keyed with eye contact; (Ann's and Ben's eye keys, the warnings)."""
    br.reset()
    scene = bpy.context.scene
    ann, ben = facing_each_other(scene)
    if layout is not None:
        layout(scene, ben)
    rep_a, rep_b, _ = apply_dialogue(ann, ben, nodding("A"), nodding("B"), ApplyOptions(undo_push=False))
    return (eye_keys(ann), eye_keys(ben)), rep_a.warnings + rep_b.warnings


def test_the_eyes_meet_a_guest_shown_through_a_collection_instance():
    on_screen, _ = keyed()
    assert np.ptp(on_screen[0], axis=0).max() > 0.2  # Ann's eyes work against the nods

    def instanced(scene, ben):
        instance(guest_in_a_collection(scene, ben))

    got, warnings = keyed(instanced)
    for eyes, want in zip(got, on_screen, strict=True):
        assert np.abs(eyes - want).max() < 1e-5  # was 0.9 off: aimed at the hidden source
    assert not [w for w in warnings if "Guests" in w]
    layer = bpy.context.view_layer.layer_collection.children["Guests"]
    assert layer.exclude  # put back as the artist left it


N = 400  # frames of the take whose instance moves


def walks(empty):
    """Walks and turns over the take (Bezier keys)."""
    for f, x, turn in ((1, 0.6, -90.0), (N // 2, 1.4, -60.0), (N, 0.9, -120.0)):
        empty.location.x, empty.rotation_euler.z = x, math.radians(turn)
        empty.keyframe_insert("location", frame=f)
        empty.keyframe_insert("rotation_euler", frame=f)


def sways(empty):
    """Sways +-5 degrees every 16 frames: back in place at every 32nd frame, where the heads are
    first read, so only the empty's own keys show it."""
    for f in range(1, N + 2, 4):
        empty.rotation_euler.z = -math.pi / 2 + math.radians(5.0) * [0, 1, 0, -1][((f - 1) // 4) % 4]
        empty.keyframe_insert("rotation_euler", index=2, frame=f)


def shakes(empty):
    """A Noise modifier (a handheld shake): it moves between any two keys, so every frame is read."""
    empty.keyframe_insert("rotation_euler", index=2, frame=1)
    ad = empty.animation_data
    noise = next(compat.iter_fcurves(ad.action, ad.action_slot)).modifiers.new("NOISE")
    noise.scale, noise.strength = 8.0, math.radians(6.0)


@pytest.mark.parametrize(("move", "most"), [(walks, N / 2), (sways, N + 1), (shakes, N + 1)])
def test_a_guest_whose_instance_moves_during_the_take_is_read_as_played(move, most):
    """Sampled sparsely (the instance empty is read like what carries a head), the heads are the
    on-screen heads (the depsgraph's instances) of every frame."""
    scene = bpy.context.scene
    ann, ben = facing_each_other(scene)
    move(instance(guest_in_a_collection(scene, ben)))
    options = ApplyOptions(start_frame=1, blinks="off")
    for obj, seed in ((ann, 1), (ben, 2)):
        motion = jittery(obj.name, seed)
        apply_motion(obj, type(motion)(motion.space, motion.values[:N], role=motion.role), options)
    reports = [check_character(o, options) for o in (ann, ben)]
    frames = 1 + np.arange(N, dtype=np.float64)
    with Evaluations() as evaluations:
        new = gaze.sample(scene, reports, frames)
    # walking: 198, as many as for the guest parented to that empty; a key every 4 frames or a
    # shake: every frame
    assert evaluations.count <= most, evaluations.count
    if move is shakes:
        assert evaluations.count == N + 1  # noise on the empty, as on a rig: every frame read
    old = on_screen(reports, frames)
    reach = np.linalg.norm(old[0]["eye"][0] - old[1]["eye"][0])
    for got, want in zip(new, old, strict=True):
        assert np.abs(got["head"] - want["head"]).max() <= gaze.POINT_TOL * reach
        turn = np.einsum("tji,tjk->tik", got["rot"], want["rot"])
        cos = np.clip((np.trace(turn, axis1=1, axis2=2) - 1) / 2, -1, 1)
        assert np.degrees(np.arccos(cos)).max() <= gaze.ROT_TOL_DEG
    for i in range(2):
        aim = gaze.to_partner(new[i], new[1 - i], reports[i])
        assert np.abs(aim - gaze.to_partner(old[i], old[1 - i], reports[i])).max() < 0.1


def on_screen(reports, frames):
    """Each head as the depsgraph shows it, every frame: an instanced rig at its instance."""
    scene = bpy.context.scene
    out = [{"rot": [], "eye": [], "head": []} for _ in reports]
    for f in frames:
        scene.frame_set(int(f))
        depsgraph = bpy.context.evaluated_depsgraph_get()
        shown = {
            inst.object.original.name: (np.array(inst.matrix_world), inst.object)
            for inst in depsgraph.object_instances
            if inst.object.type == "ARMATURE"
        }
        for rep, dst in zip(reports, out, strict=True):
            world, rig = shown[rep.armature.name]
            pb = rig.pose.bones[rep.head_target]
            rot = world[:3, :3] @ np.array(pb.matrix)[:3, :3]
            mid = 0.5 * (np.array(pb.head) + np.array(pb.tail))
            head = world[:3, :3] @ mid + world[:3, 3]
            dst["rot"].append(rot / np.linalg.norm(rot, axis=0, keepdims=True))
            dst["eye"].append(head), dst["head"].append(head)
    return [{k: np.array(v) for k, v in d.items()} for d in out]


def by_two_instances(scene, ben):
    coll = guest_in_a_collection(scene, ben)
    instance(coll)
    instance(coll, "GuestInstance.001", location=(2.0, 1.0, 0.0))


def in_place_and_by_an_instance(scene, ben):
    instance(guest_in_a_collection(scene, ben), "GuestInstance.001")
    bpy.context.view_layer.layer_collection.children["Guests"].exclude = False


@pytest.mark.parametrize("twice", [by_two_instances, in_place_and_by_an_instance])
def test_a_guest_shown_twice_gets_eyes_aimed_at_its_own_place_and_one_warning(twice):
    def at_the_source(scene, ben):
        ben.parent.location, ben.parent.rotation_euler.z = SOURCE, 0.0

    want, _ = keyed(at_the_source)
    got, warnings = keyed(twice)
    for eyes, expected in zip(got, want, strict=True):
        assert np.abs(eyes - expected).max() < 1e-5
    said = [w for w in warnings if "Guests" in w]
    assert len(said) == 1 and "\n" not in said[0], warnings
    assert "own place" in said[0] and "GuestInstance.001" in said[0]


def test_a_guest_shown_through_nested_instances_gets_one_warning():
    def nested(scene, ben):
        coll = guest_in_a_collection(scene, ben)
        stage = bpy.data.collections.new("Stage")
        scene.collection.children.link(stage)
        instance(coll, into=stage)
        bpy.context.view_layer.layer_collection.children["Stage"].exclude = True
        instance(stage, "StageInstance", location=(0.0, 0.0, 0.0), turn=0.0)

    _, warnings = keyed(nested)
    said = [w for w in warnings if "Guests" in w]
    assert len(said) == 1 and "nested" in said[0] and "own place" in said[0], warnings
