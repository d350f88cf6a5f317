"""An animator keys Ann's head (upright at the shot's start, a 34-degree tilt at its end) and presses
Generate with the playhead wherever they left it. The take's head was built on the pose the head held
at the playhead, their key there: Generate at the shot's end leant the whole take 28 degrees, at its
start 2, and a second Generate kept the lean (review rv43a F1). Now the take is the same whatever the
playhead, their keys play under its head layer, and a take an older build leant is re-read, said once.

A pose held by one key (a 30-degree bow auto-key left) is a pose they set, not motion: the take bowed
with it until that fix, then dropped it on every frame (review rv43e F1). Now the take composes onto
it again, whichever frame Generate runs on, and the take's line says which of the two it did.

While the eyes are aimed, the progress counts the scene's frames (48 for 2 s at 24 fps), not the
motion's 25-a-second samples (review rv43a F5)."""

from __future__ import annotations

import json
import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import keying
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

START, END = 1001, 1048  # 2 s at 24 fps
TILT = Quaternion((0.0, 0.0, 1.0), 0.6)  # the animator's key at the shot's end
FRAMES = (START, 1016, 1032, END)

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene (conftest)


def talking(role: str) -> Motion:
    t = np.arange(50) / 25.0
    v = np.zeros((50, 55), np.float32)
    v[:, 52] = np.radians(6.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B"))
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t)  # jawOpen
    target = (np.sin(2 * np.pi * 0.5 * t) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((50, 2), np.float32))


class Heard:
    """The progress lines the keying says."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.lines.append(message)

    def check_cancel(self) -> None:
        pass


def generate(
    ann, ben, playhead: int, progress: Heard | None = None, notes: list[str] | None = None
) -> list[str]:
    bpy.context.scene.frame_set(playhead)
    options = ApplyOptions(start_frame=START, undo_push=False)
    rep_a, _rep_b, _ = apply_dialogue(ann, ben, talking("A"), talking("B"), options, progress=progress)
    if notes is not None:
        notes += [n for n in rep_a.notes if n.startswith("Ann: your keys")]
    return rep_a.warnings


def heads(rig) -> np.ndarray:
    out = []
    for f in FRAMES:
        bpy.context.scene.frame_set(f)
        out.append(list(rig.pose.bones["head"].rotation_quaternion))
    return np.array(out)


def degrees_apart(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a / np.linalg.norm(a, axis=1, keepdims=True), b / np.linalg.norm(b, axis=1, keepdims=True)
    return float(np.degrees(2 * np.arccos(np.clip(np.abs((a * b).sum(axis=1)), 0.0, 1.0))).max())


def test_the_take_is_the_same_whatever_frame_generate_ran_on():
    bpy.context.scene.render.fps = 24
    ann, ben = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Ben", location=(0.5, 0, 0))
    rig = ann.parent
    head = rig.pose.bones["head"]
    head.rotation_quaternion = (1.0, 0.0, 0.0, 0.0)
    head.keyframe_insert("rotation_quaternion", frame=START)
    head.rotation_quaternion = TILT
    head.keyframe_insert("rotation_quaternion", frame=END)

    heard = Heard()
    first = generate(ann, ben, END, heard)  # the playhead left at the shot's end
    assert [w for w in first if "your keys on" in w and "key your pose again on top of the take" in w], first
    at_end = heads(rig)
    counted = {line.rsplit("/", 1)[1] for line in heard.lines if line.startswith("aiming the eyes: frame ")}
    assert counted == {"48"}, heard.lines  # the scene's frames, not 50 motion samples

    remove_take([ann, ben], undo_push=False)
    notes: list[str] = []
    generate(ann, ben, START, notes=notes)
    at_start = heads(rig)
    assert notes == [
        "Ann: your keys turn bone 'head' during the shot: the take turns it from its rest pose, the same on "
        "whichever frame you Generate, and your keys play under the take's layer"
    ]
    assert degrees_apart(at_end, at_start) < 0.05, "the take leans by the animator's key at the playhead"
    kept = next(t for t in rig.animation_data.nla_tracks if t.name.endswith("(kept by DualTalk)"))
    kept.mute = True
    assert degrees_apart(heads(rig), at_start) < 0.05  # their keys play under the head layer, not in it
    kept.mute = False

    # a take an older build keyed recorded their key at the playhead as the head's rest
    for action in [a for a in bpy.data.actions if keying.is_ours(a)]:
        meta = keying.action_meta(action)
        if meta.get("character") == "Ann" and "head" in meta.get("rest", {}):
            meta["rest"]["head"] = list(TILT)
            action[keying.OWNER_PROP] = json.dumps(meta)
    said = [w for w in generate(ann, ben, START) if "from its rest pose now" in w]
    assert said == [
        "Ann: the take turns bone 'head' from its rest pose now, where the earlier take turned it from "
        f"your keys' pose on the frame it was generated on (a {math.degrees(0.6):.0f}-degree turn held on "
        "every frame); your keys play under the take's layer as before"
    ]
    assert degrees_apart(heads(rig), at_start) < 0.05
    assert not [w for w in generate(ann, ben, END) if "from its rest pose now" in w]  # said once
    assert degrees_apart(heads(rig), at_start) < 0.05


def test_a_pose_held_by_one_key_is_kept_under_the_take():
    ann, ben = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Ben", location=(0.5, 0, 0))
    rig = ann.parent
    head = rig.pose.bones["head"]
    head.rotation_quaternion = Quaternion((1.0, 0.0, 0.0), math.radians(30.0))  # a bow
    head.keyframe_insert("rotation_quaternion", frame=START)  # one key, as auto-key leaves it

    notes: list[str] = []
    first = generate(ann, ben, START, notes=notes)
    bowed = heads(rig)
    kept_line = [w for w in first if "your keys on" in w]
    assert kept_line and "the take turns from the pose they hold" in kept_line[0], first
    assert "key your pose again" not in kept_line[0]  # the take already keeps that pose
    assert notes == [
        "Ann: your keys hold bone 'head' in one pose (a 30-degree turn): the take turns from that pose, as from a pose you set"
    ]
    generate(ann, ben, END)  # again, the take now playing over their key, the playhead elsewhere
    assert degrees_apart(heads(rig), bowed) < 0.05

    remove_take([ann, ben], undo_push=False)
    rig.animation_data.action = None
    head.rotation_quaternion = (1.0, 0.0, 0.0, 0.0)
    generate(ann, ben, START)  # the same take with no bow
    upright = heads(rig)
    for a, b in zip(bowed, upright, strict=True):
        assert degrees_apart(a[None], b[None]) == pytest.approx(30.0, abs=0.5), (
            "the bow their key holds is dropped"
        )
