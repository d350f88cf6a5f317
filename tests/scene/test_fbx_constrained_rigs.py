"""Bone constraints no longer turn the FBX export back into the stock every-bone bake.

The audit's finding: one Limit Rotation on one still bone made ``fbx_bake.animated_bones`` give up
(sample the whole rig: a production pair 7x slower and 12x larger). A constrained bone is now sampled
only when it can move during the take (its targets move, its parent moves, its constraint reads
time); every other bone keeps its held, evaluated transform. Each rig here is exported the fast way
and with Blender's stock bake (``speedups=()``, every bone sampled) and both files are read back with
ufbx: every node must match on every frame, and the constrained bones that move must really move.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.bench.fbx_readback import read_fbx
from dualtalk.dualtalk_blender.scene import fbx_bake
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.motion import Motion

FPS = 25
FRAMES = 40
STILL = 30  # still extra bones on each rig: what the stock bake samples for nothing

pytestmark = pytest.mark.usefixtures("fresh_scene")


def motion(seed: int = 0) -> Motion:
    rng = np.random.default_rng(seed)
    t = np.arange(FRAMES)[:, None] / FPS
    v = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.2, 2, (1, 55)) * t + rng.uniform(0, 6, (1, 55)))
    v[:, 52:] = 0.4 * np.sin(2 * np.pi * rng.uniform(0.5, 1.5, (1, 3)) * t + rng.uniform(0, 6, (1, 3)))
    return Motion("arkit55", v.astype(np.float32))


def rig(extra: dict[str, tuple[str, tuple, tuple]]):
    """A keyed test character (only the head is keyed) plus ``STILL`` still bones under the spine
    and the ``extra`` bones (name: (parent, head, tail))."""
    mesh = br.make_character("Ann")
    arm = mesh.parent
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    edit = arm.data.edit_bones
    for i in range(STILL):
        e = edit.new(f"still_{i}")
        e.head, e.tail, e.parent = (0.1, 0, 0.9 + 0.01 * i), (0.1, 0.05, 0.9 + 0.01 * i), edit["spine"]
    for name, (parent, head, tail) in extra.items():
        e = edit.new(name)
        e.head, e.tail, e.parent = head, tail, edit[parent]
    bpy.ops.object.mode_set(mode="OBJECT")
    apply_motion(mesh, motion(), ApplyOptions(frame_range="fit", undo_push=False))
    return mesh, arm


def exported(mesh, folder, **kwargs) -> tuple[dict, dict]:
    """(fast read, stock read) of the nodes."""
    pytest.importorskip("ufbx")
    fast = export_fbx([mesh], folder / "fast.fbx", **kwargs)
    stock = export_fbx([mesh], folder / "stock.fbx", speedups=())
    return read_fbx(fast, FPS, FRAMES)["nodes"], read_fbx(stock, FPS, FRAMES)["nodes"]


def assert_same(fast: dict, stock: dict, moving: set[str]) -> None:
    assert fast.keys() == stock.keys()
    for name in fast:
        assert np.abs(fast[name] - stock[name]).max() < 1e-4, name
    moved = {n.split("/", 1)[1] for n, v in stock.items() if np.ptp(v, axis=0).max() > 1e-4}
    assert moving <= moved, moved  # the rig really exercises what it is meant to


def test_one_limit_on_a_still_bone_no_longer_samples_the_whole_rig(tmp_path):
    mesh, arm = rig({"lid": ("head", (0, -0.1, 1.6), (0, -0.15, 1.6))})
    still = arm.pose.bones["still_0"]
    still.rotation_mode = "XYZ"
    still.rotation_euler = (1.0, 0.0, 0.0)  # held past the limit: the file must hold the clamped pose
    limit = still.constraints.new("LIMIT_ROTATION")
    limit.use_limit_x, limit.min_x, limit.max_x = True, -0.3, 0.3
    lid = arm.pose.bones["lid"].constraints.new("LIMIT_ROTATION")  # under the moving head: it moves
    lid.use_limit_z, lid.owner_space = True, "WORLD"
    assert fbx_bake.animated_bones(arm) == {"head", "lid"}
    assert fbx_bake._keep_bones(arm) == {"spine", "neck", "head", "lid"}
    fast, stock = exported(mesh, tmp_path)
    assert_same(fast, stock, {"head", "lid"})
    held = fast["0/still_0"]
    assert np.ptp(held, axis=0).max() < 1e-6 and np.abs(held - stock["0/still_0"]).max() < 1e-4


def test_a_bone_copying_the_head_rotation_is_sampled(tmp_path):
    mesh, arm = rig({"copy": ("spine", (0.2, 0, 1.2), (0.2, 0, 1.4))})
    con = arm.pose.bones["copy"].constraints.new("COPY_ROTATION")
    con.target, con.subtarget = arm, "head"
    arm.pose.bones["still_1"].constraints.new("LIMIT_SCALE")
    assert fbx_bake.animated_bones(arm) == {"head", "copy"}
    fast, stock = exported(mesh, tmp_path)
    assert_same(fast, stock, {"head", "copy"})


def test_a_copy_of_the_head_exports_with_scope_face(tmp_path):
    mesh, arm = rig({"copy": ("spine", (0.2, 0, 1.2), (0.2, 0, 1.4))})
    con = arm.pose.bones["copy"].constraints.new("DAMPED_TRACK")
    con.target, con.subtarget = arm, "still_3"  # a still target the cut skeleton must keep
    con = arm.pose.bones["copy"].constraints.new("COPY_ROTATION")
    con.target, con.subtarget, con.influence = arm, "head", 0.5
    keep = fbx_bake._keep_bones(arm)
    assert {"copy", "head", "still_3"} <= keep and "still_4" not in keep
    pytest.importorskip("ufbx")
    face = read_fbx(export_fbx([mesh], tmp_path / "face.fbx", scope="face"), FPS, FRAMES)["nodes"]
    stock = read_fbx(export_fbx([mesh], tmp_path / "stock.fbx", speedups=()), FPS, FRAMES)["nodes"]
    assert "0/copy" in face and "0/still_4" not in face
    for name in face:
        assert np.abs(face[name] - stock[name]).max() < 1e-4, name
    assert np.ptp(stock["0/copy"], axis=0).max() > 1e-4


def test_a_bone_tracking_a_moving_empty_is_sampled(tmp_path):
    mesh, arm = rig({"aim": ("spine", (-0.2, 0, 1.2), (-0.2, 0, 1.4))})
    target = bpy.data.objects.new("Target", None)
    bpy.context.scene.collection.objects.link(target)
    holder = bpy.data.objects.new("Holder", None)  # the empty moves through its parent
    bpy.context.scene.collection.objects.link(holder)
    target.parent, target.location = holder, (0, -1, 1.5)
    holder.keyframe_insert("location", frame=1)
    holder.location = (1.0, 0.5, 0.3)
    holder.keyframe_insert("location", frame=FRAMES)
    con = arm.pose.bones["aim"].constraints.new("DAMPED_TRACK")
    con.target = target
    still = arm.pose.bones["still_2"].constraints.new("DAMPED_TRACK")  # a still empty: stays still
    parked = bpy.data.objects.new("Parked", None)
    bpy.context.scene.collection.objects.link(parked)
    parked.location = (0, -1, 0)
    still.target = parked
    assert fbx_bake.animated_bones(arm) == {"head", "aim"}
    fast, stock = exported(mesh, tmp_path)
    assert_same(fast, stock, {"head", "aim"})


def test_an_ik_chain_ending_at_a_moving_bone_is_sampled(tmp_path):
    mesh, arm = rig(
        {
            "upper": ("spine", (0.3, 0, 1.3), (0.3, -0.1, 1.5)),
            "lower": ("upper", (0.3, -0.1, 1.5), (0.3, 0, 1.7)),
            "pole": ("spine", (0.3, -0.5, 1.5), (0.3, -0.6, 1.5)),
            "nose": ("head", (0, -0.2, 1.75), (0, -0.3, 1.75)),  # not keyed: moves with the head
        }
    )
    ik = arm.pose.bones["lower"].constraints.new("IK")
    ik.target, ik.subtarget, ik.chain_count = arm, "nose", 2
    ik.pole_target, ik.pole_subtarget = arm, "pole"
    assert fbx_bake.animated_bones(arm) == {"head", "upper", "lower"}
    fast, stock = exported(mesh, tmp_path)
    assert_same(fast, stock, {"head", "upper", "lower"})


def test_an_ik_without_use_tail_samples_the_chain_above_its_owner(tmp_path):
    """Without "Use Tail" Blender starts the chain at the owner's parent: the top bone of the chain
    turned every frame while the file held its first pose (the chain was counted from the owner)."""
    mesh, arm = rig(
        {
            "upper": ("spine", (0.3, 0, 1.3), (0.3, -0.1, 1.5)),
            "lower": ("upper", (0.3, -0.1, 1.5), (0.3, 0, 1.7)),
            "hand": ("lower", (0.3, 0, 1.7), (0.3, 0.1, 1.8)),
            "nose": ("head", (0, -0.2, 1.75), (0, -0.3, 1.75)),
        }
    )
    ik = arm.pose.bones["hand"].constraints.new("IK")
    ik.target, ik.subtarget, ik.chain_count, ik.use_tail = arm, "nose", 2, False
    assert {"upper", "lower"} <= fbx_bake.animated_bones(arm)
    fast, stock = exported(mesh, tmp_path)
    assert_same(fast, stock, {"head", "upper", "lower"})


def test_what_cannot_be_proven_still_is_sampled():
    mesh, arm = rig(
        {
            "acted": ("spine", (0.4, 0, 1.2), (0.4, 0, 1.4)),
            "lost": ("spine", (0.5, 0, 1.2), (0.5, 0, 1.4)),
            "driven": ("spine", (0.6, 0, 1.2), (0.6, 0, 1.4)),
            "noinherit": ("head", (0.6, 0, 1.6), (0.6, 0, 1.8)),
            "child": ("driven", (0.6, 0, 1.4), (0.6, 0, 1.5)),
        }
    )
    arm.data.bones["noinherit"].use_inherit_rotation = False  # its local changes as the head turns
    act = arm.pose.bones["acted"].constraints.new("ACTION")
    act.target = arm
    lost = arm.pose.bones["lost"].constraints.new("COPY_LOCATION")
    lost.target, lost.subtarget = arm, "no such bone"
    drv = arm.pose.bones["driven"].constraints.new("COPY_SCALE")
    drv.target, drv.subtarget = arm, "still_0"
    fc = drv.driver_add("influence")
    fc.driver.expression = "frame / 100"
    child = arm.pose.bones["child"].constraints.new("LIMIT_LOCATION")  # under a moving bone
    child.use_min_x = True
    assert fbx_bake.animated_bones(arm) == {"head", "acted", "lost", "driven", "noinherit", "child"}
