"""A pipeline TD's FBX from ``animate`` holds the clip a game engine will play, and says so when
that clip is not the take.

``animate`` fits the scene range to the take, except when the file holds another pair's take: then
the range is extended to both, and the FBX (which bakes the scene range) carries the shorter take's
faces frozen for the rest. The panel's Export FBX warned of this (review 32g); the command line did
not.
"""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import ufbx
from robustness_util import run_cli
from test_blender_animate import motions

QUIET = ["--quiet"]


def four_characters(path: Path) -> Path:
    br.reset()
    bpy.context.scene.render.fps = 25
    for i, name in enumerate(("Ann", "Bob", "Cat", "Dan")):
        br.make_character(name, location=(float(i), 0.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def test_an_fbx_of_a_short_take_beside_a_longer_one_warns_of_its_frozen_frames(tmp_path, capsys):
    scene = four_characters(tmp_path / "in.blend")
    (tmp_path / "long").mkdir()
    long_a, long_b = motions(tmp_path / "long", frames=60)
    first = tmp_path / "first.blend"
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--char-a", "Cat", "--char-b", "Dan",
                                    "--motion-a", str(long_a), "--motion-b", str(long_b), "--out", str(first),
                                    *QUIET])  # fmt: skip
    assert code == 0, err
    (tmp_path / "short").mkdir()
    a, b = motions(tmp_path / "short", frames=40)
    fbx = tmp_path / "ann_bob.fbx"
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(first), "--char-a", "Ann", "--char-b", "Bob",
                                    "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "both.blend"),
                                    "--fbx", str(fbx), *QUIET])  # fmt: skip
    assert code == 0, err
    said = [line for line in err if "FBX: the clip is the scene range" in line]
    assert len(said) == 1, err
    assert "1-60" in said[0] and "1-40" in said[0], said[0]
    scene_read = ufbx.load_file(str(fbx))
    stack = scene_read.anim_stacks[0]
    assert round((stack.time_end - stack.time_begin) * 25) >= 59  # the clip is the range, as said


def test_an_fbx_of_a_take_that_fills_the_range_says_nothing_of_its_clip(tmp_path, capsys):
    scene = four_characters(tmp_path / "in.blend")
    a, b = motions(tmp_path, frames=40)
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
                                    "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "o.blend"),
                                    "--fbx", str(tmp_path / "o.fbx"), *QUIET])  # fmt: skip
    assert code == 0, err
    assert not [line for line in err if "FBX:" in line], err
