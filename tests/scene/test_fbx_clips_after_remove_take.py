"""An animator keeps a nod fix on a ``Fixes`` track (Combine) over Ben's head, which he held tilted
before the take, removes the take, and exports the NLA strips as clips (Blender's *NLA Strips* bake,
``exporter_options={"bake_anim_use_nla_strips": True}``) for a game engine.

Remove Take left a track ``Before take`` under ``Fixes`` holding the tilt (session 37). The exporter
made it a clip of its own, and baked the ``Fixes`` clip with it muted: the engine got a "Before take"
clip nobody made, and a nod turned from rest, the tilt lost. ``Before take`` is no take: no clip of its
own, and each clip of the animator's plays over it, as Blender plays it. Read back with ufbx, never
with Blender reading its own output.
"""

from __future__ import annotations

import json
import subprocess
import sys

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.dualtalk_blender.scene.remove_take import BASE_TRACK, remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

FPS = 25
TAKE = 60
TILT = Quaternion((0.0, 0.0, 1.0), 0.2)  # Ben's head before the take
NOD = Quaternion((1.0, 0.0, 0.0), 0.15)  # the animator's fix, a turn from what plays under it

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

# each clip's head rotations (w, x, y, z) at its start and 1 s in, per head node in the file's order;
# ufbx's objects borrow the scene's memory: all kept alive, the process ends without clean-up
HEADS = r"""
import json, os, sys
import ufbx
scene = ufbx.load_file(sys.argv[1])
keep = [scene]
nodes = [scene.nodes[i] for i in range(len(scene.nodes))]
heads = [n for n in nodes if n.name == "head"]
stacks = [scene.anim_stacks[i] for i in range(len(scene.anim_stacks))]
keep += nodes + stacks
out = {}
for stack in stacks:
    anim = stack.anim
    keep.append(anim)
    rows = []
    for head in heads:
        for t in (stack.time_begin, stack.time_begin + 1.0):
            transform = ufbx.evaluate_transform(anim, head, t)
            keep.append(transform)
            r = transform.rotation
            rows.append([r.w, r.x, r.y, r.z])
    out[stack.name] = rows
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def heads_in_clips(path) -> dict[str, list[Quaternion]]:
    pytest.importorskip("ufbx")
    proc = subprocess.run(
        [sys.executable, "-c", HEADS, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {name: [Quaternion(q) for q in rows] for name, rows in json.loads(proc.stdout).items()}


def talking(role: str) -> Motion:
    v = np.zeros((TAKE, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = 0.4 + 0.3 * np.sin(2 * np.pi * 2 * np.arange(TAKE) / FPS)
    return Motion("arkit55", v, role=role)


def nod_fixed_then_removed():
    """Ann and Ben talk; Ben's head held TILT before the take; a NOD on a Fixes track of the animator's
    (Combine) over the take; then Remove Take."""
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    rig = ben.parent
    rig.pose.bones["head"].rotation_quaternion = TILT
    apply_dialogue(ann, ben, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))
    fix = bpy.data.actions.new("HeadFix")
    slot = fix.slots.new("OBJECT", "Rig")
    bag = layers.compat.channelbag(fix, slot)
    for i in range(4):
        curve = bag.fcurves.new('pose.bones["head"].rotation_quaternion', index=i)
        for frame in (1, TAKE):
            curve.keyframe_points.insert(frame, NOD[i])
    track = rig.animation_data.nla_tracks.new()
    track.name = "Fixes"
    strip = track.strips.new("Fixes", 1, fix)
    strip.action_slot, strip.blend_type = slot, "COMBINE"
    remove_take([ann, ben])
    assert [t.name for t in rig.animation_data.nla_tracks] == [BASE_TRACK, "Fixes"]
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end = 1, TAKE
    return ann, ben


def turned(q: Quaternion) -> float:
    """How far ``q`` is from what Blender plays over the take: the nod turned from the tilt."""
    return q.rotation_difference(TILT @ NOD).angle


def strips_muted(obj) -> list[tuple[str, bool]]:
    return [(t.name, s.mute) for t in obj.animation_data.nla_tracks for s in t.strips]


def test_nla_strips_as_clips_leave_before_take_out_and_play_the_fix_over_it(tmp_path):
    ann, ben = nod_fixed_then_removed()
    muted = strips_muted(ben.parent)
    path = tmp_path / "clips.fbx"

    export_fbx([ann, ben], path, exporter_options={"bake_anim_use_nla_strips": True})

    clips = heads_in_clips(path)
    assert list(clips) == ["Fixes"]  # ["Before take", "Fixes"] before
    ann_head, ben_head = clips["Fixes"][:2], clips["Fixes"][2:]
    assert [turned(q) for q in ben_head] == pytest.approx([0.0, 0.0], abs=1e-3)  # 0.2 rad off: the tilt lost
    assert [q.angle for q in ann_head] == pytest.approx([0.0, 0.0], abs=1e-3)
    assert strips_muted(ben.parent) == muted  # the animator's NLA as it was


def test_all_actions_as_clips_make_no_clip_of_before_take(tmp_path):
    ann, ben = nod_fixed_then_removed()
    path = tmp_path / "actions.fbx"

    export_fbx([ann, ben], path, exporter_options={"bake_anim_use_all_actions": True})

    assert list(heads_in_clips(path)) == ["Ben_rig|HeadFix"]  # and "Ben_rig|Ben before take" before


def test_the_one_clip_of_the_scene_plays_the_fix_over_the_values_before_the_take(tmp_path):
    ann, ben = nod_fixed_then_removed()
    path = tmp_path / "scene.fbx"

    export_fbx([ann, ben], path)

    clips = heads_in_clips(path)
    assert len(clips) == 1
    assert [turned(q) for q in next(iter(clips.values()))[2:]] == pytest.approx([0.0, 0.0], abs=1e-3)
