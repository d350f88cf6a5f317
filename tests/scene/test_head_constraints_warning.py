"""A head bone held by a constraint (Copy Rotation / Copy Transforms from a control bone, a Damped
Track at a target) or by drivers lost the take's head motion with no warning: the run "succeeded"
with a still head, or one the constraint aimed. Said up front, as for driven shape keys; a Child Of
(which carries the keyed rotation) and a muted or additive constraint stay quiet."""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene.characters import inspect_character


def _empty(name: str = "Target"):
    t = bpy.data.objects.new(name, None)
    bpy.context.scene.collection.objects.link(t)
    t.location = (0.0, -1.0, 1.6)
    return t


def _character():
    mesh = br.make_character("Ann")
    return mesh, mesh.parent


def _warnings(mesh) -> list[str]:
    return [w for w in inspect_character(mesh).warnings if "head bone" in w]


def test_copy_rotation_from_a_control_bone_names_the_control_bone(fresh_scene):
    mesh, arm = _character()
    con = arm.pose.bones["head"].constraints.new("COPY_ROTATION")
    con.target, con.subtarget = arm, "neck"
    assert _warnings(mesh) == [
        "Ann: head bone 'head' has a Copy Rotation constraint 'Copy Rotation' that overrides the head "
        "rotation DualTalk keys, so the take's head motion will not show; key the control bone 'neck' "
        'instead ("head": "neck" in a --map file), or mute the constraint'
    ]


@pytest.mark.parametrize(
    "kind, label", [("COPY_TRANSFORMS", "Copy Transforms"), ("DAMPED_TRACK", "Damped Track")]
)
def test_constraints_that_set_the_rotation_warn(fresh_scene, kind, label):
    mesh, arm = _character()
    con = arm.pose.bones["head"].constraints.new(kind)
    con.target = _empty()
    (line,) = _warnings(mesh)
    assert line.startswith(f"Ann: head bone 'head' has a {label} constraint ") and "\n" not in line
    assert line.endswith("mute the constraint (or set its influence to 0) to see the take's head motion")


def test_partial_influence_is_said(fresh_scene):
    mesh, arm = _character()
    con = arm.pose.bones["head"].constraints.new("DAMPED_TRACK")
    con.target, con.influence = _empty(), 0.5
    (line,) = _warnings(mesh)
    assert "that partly overrides (influence 0.5) the head rotation" in line


def test_drivers_on_the_head_rotation_warn(fresh_scene):
    mesh, arm = _character()
    arm.pose.bones["head"].rotation_mode = "XYZ"
    arm.pose.bones["head"].driver_add("rotation_euler", 0)
    (line,) = _warnings(mesh)
    assert line.startswith("Ann: head bone 'head' has drivers on its rotation (euler)")


@pytest.mark.parametrize("case", ["child_of", "muted", "additive", "no_target", "none"])
def test_constraints_that_keep_the_keyed_rotation_are_quiet(fresh_scene, case):
    mesh, arm = _character()
    cons = arm.pose.bones["head"].constraints
    if case == "child_of":
        cons.new("CHILD_OF").target = _empty()
    elif case == "muted":
        con = cons.new("DAMPED_TRACK")
        con.target, con.mute = _empty(), True
    elif case == "additive":
        con = cons.new("COPY_ROTATION")
        con.target, con.subtarget, con.mix_mode = arm, "neck", "ADD"
    elif case == "no_target":  # an invalid constraint does nothing
        cons.new("DAMPED_TRACK")
    assert _warnings(mesh) == []
