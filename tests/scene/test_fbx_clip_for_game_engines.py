"""A game developer imports the FBX into an engine, which plays the file's clip (its animation stack)
from start to end under the clip's name. Read back with ufbx, the reader Godot imports FBX with, never
with Blender reading its own output (review 32g):

* every file's clip was called "Scene" (Blender's scene name), whatever the take: ten shots gave ten
  clips of one name. The clip is now named after the take the characters carry;
* the clip is the scene range: a 2 s take in Blender's default 1-250 range was a 10.4 s clip, 8.4 s of
  it frozen, and a character never keyed (or its take removed) was written with a still face, both
  without a word. :func:`clip_warnings` says each."""

from __future__ import annotations

import json
import subprocess
import sys

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import clip_name, clip_warnings, export_fbx
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion

FRAMES = 50  # 2 s of motion at 25 fps

# ufbx's Python objects borrow memory from the loaded scene and may crash when freed out of order:
# the read runs in its own process, keeps every object alive and exits without clean-up.
STACKS = r"""
import json, os, sys
import ufbx
scene = ufbx.load_file(sys.argv[1])
keep, out = [], []
stacks = scene.anim_stacks
for i in range(len(stacks)):
    st = stacks[i]
    keep.append(st)
    out.append({"name": st.name, "begin": st.time_begin, "end": st.time_end})
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def clips(path) -> list[dict]:
    pytest.importorskip("ufbx")
    proc = subprocess.run(
        [sys.executable, "-c", STACKS, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def motion(seed: int) -> Motion:
    values = np.random.default_rng(seed).uniform(0, 1, (FRAMES, 55)).astype(np.float32)
    values[:, 52:] = 0.0
    return Motion("arkit55", values)


def pair(take: str = "take", frame_range: str = "fit", start: int | None = None, x: float = 0.0):
    a = br.make_character(f"Ann{x:g}", location=(x, 0, 0))
    b = br.make_character(f"Bob{x:g}", location=(x + 1.0, 0, 0))
    apply_dialogue(
        a, b, motion(1), motion(2), ApplyOptions(take=take, frame_range=frame_range, start_frame=start)
    )
    return a, b


@pytest.fixture
def scene():
    br.reset()
    sc = bpy.context.scene
    sc.render.fps, sc.render.fps_base = 25, 1.0
    return sc


def test_the_clip_is_named_after_the_take_not_the_scene(scene, tmp_path):
    a, b = pair(take="cafe_01")
    (clip,) = clips(export_fbx([a, b], tmp_path / "cafe_01.fbx"))
    assert clip["name"] == "cafe_01"
    assert clip["begin"] == pytest.approx(1 / 25) and clip["end"] == pytest.approx(FRAMES / 25)
    (face,) = clips(export_fbx([a, b], tmp_path / "face.fbx", scope="face"))
    assert face["name"] == "cafe_01"
    assert scene.name == "Scene"  # the scene itself is not renamed


def test_characters_with_different_takes_name_the_clip_after_both(scene):
    a, _b = pair(take="one")
    c, _d = pair(take="two", x=3.0)
    assert clip_name([a, c]) == "one+two"
    assert clip_name([a, _b]) == "one"


def test_characters_without_a_take_keep_the_scene_name(scene, tmp_path):
    a = br.make_character("Ann")
    b = br.make_character("Bob", location=(1.0, 0, 0))
    assert clip_name([a, b]) is None
    scene.frame_end = 20
    # the still shape keys are still written as curves, in a clip named after the scene
    assert [c["name"] for c in clips(export_fbx([a, b], tmp_path / "still.fbx"))] == ["Scene"]


def test_a_take_exported_over_its_own_range_is_not_warned_about(scene):
    a, b = pair(frame_range="fit")
    assert (scene.frame_start, scene.frame_end) == (1, FRAMES)
    assert clip_warnings([a, b], scene) == []


def test_a_scene_range_longer_than_the_take_is_said_with_the_frozen_length(scene, tmp_path):
    a, b = pair(frame_range="extend")  # Blender's default range 1-250 is kept
    assert (scene.frame_start, scene.frame_end) == (1, 250)
    (said,) = clip_warnings([a, b], scene)
    assert said == (
        "FBX: the clip is the scene range 1-250 (10.0 s) but the take covers frames 1-50 (2.0 s): the "
        "faces hold still for the rest; set the scene's Start and End to 1-50 for a clip of the take alone"
    )
    (clip,) = clips(export_fbx([a, b], tmp_path / "long.fbx"))
    assert clip["end"] == pytest.approx(250 / 25)  # what the warning says: the file's clip is 10 s
    scene.frame_start, scene.frame_end = 1, 50  # as it says: the clip is the take
    assert clip_warnings([a, b], scene) == []
    (clip,) = clips(export_fbx([a, b], tmp_path / "take.fbx"))
    assert clip["end"] == pytest.approx(FRAMES / 25)


def test_a_take_placed_later_than_the_range_start_is_said_too(scene):
    a, b = pair(frame_range="extend", start=1001)
    assert (scene.frame_start, scene.frame_end) == (1, 1050)
    (said,) = clip_warnings([a, b], scene)
    assert said.startswith(
        "FBX: the clip is the scene range 1-1050 (42.0 s) but the take covers frames 1001-1050"
    )


def test_a_scene_range_that_cuts_the_take_is_said(scene):
    a, b = pair(frame_range="fit")
    scene.frame_end = 30
    (said,) = clip_warnings([a, b], scene)
    assert said == (
        "FBX: the clip is the scene range 1-30, which cuts the take (frames 1-50): frames outside the "
        "range are not in the file; set the scene's Start and End to 1-50 for a clip of the take alone"
    )


def test_characters_never_keyed_or_whose_take_was_removed_are_named(scene):
    a, b = pair(frame_range="fit")
    c = br.make_character("Cleo", location=(3.0, 0, 0))
    assert clip_warnings([a, c], scene) == [
        "FBX: 'Cleo' carries no DualTalk take: the file holds its face still"
    ]
    remove_take([a, b], scene)
    assert clip_warnings([a, b], scene) == [
        "FBX: 'Ann0' and 'Bob0' carry no DualTalk take: the file holds their faces still"
    ]
