"""``animate`` keys only characters of the scene the .blend opens with: a character of another
scene was keyed at the active scene's frame rate, and the sound strip, markers and range went into
a scene that did not hold it, silently. Refused in one line, single shot and job alike, naming
both scenes (as the add-on refuses a character not in its scene)."""

from __future__ import annotations

import json
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, save_motion


def build(path: Path, *, link_into_edit: bool = False) -> Path:
    """Ann and Bob in scene 'Shot' (25 fps); the file opens with an empty scene 'Edit' (30 fps)."""
    br.reset()
    shot = bpy.context.scene
    shot.name = "Shot"
    shot.render.fps = 25
    ann = br.make_character("Ann")
    bob = br.make_character("Bob", location=(1.0, 0.0, 0.0))
    edit = bpy.data.scenes.new("Edit")
    edit.render.fps = 30
    if link_into_edit:  # the characters in both scenes: keyed in the one the file opens with
        for obj in (ann, bob, ann.parent, bob.parent):
            edit.collection.objects.link(obj)
    bpy.context.window.scene = edit
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def motions(folder: Path, frames: int = 20) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    paths = []
    for role in ("A", "B"):
        v = rng.uniform(0, 1, (frames, 55)).astype(np.float32)
        paths.append(save_motion(folder / f"{role}.npz", Motion("arkit55", v, role=role)))
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def other_scene(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("scene") / "in.blend")


def test_single_shot_refuses_characters_of_another_scene(tmp_path, other_scene, capsys):
    a, b = motions(tmp_path)
    before = sha256_file(other_scene)
    rc = main(["animate", "--quiet", "--blend", str(other_scene), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "o.blend")])  # fmt: skip
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err == (
        "error: character A 'Ann' is not in scene 'Edit', the scene in.blend opens with "
        "(it is in scene 'Shot'; save in.blend with that scene active)"
    )
    assert sha256_file(other_scene) == before
    assert not (tmp_path / "o.blend").exists()


def test_job_shot_refuses_characters_of_another_scene(tmp_path, other_scene, capsys):
    jobs = tmp_path / "job"
    (jobs / "in").mkdir(parents=True)
    motions(jobs / "in")
    (jobs / "in" / "scene.blend").write_bytes(other_scene.read_bytes())
    spec = {
        "defaults": {"blend": "in/scene.blend", "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
        "shots": [{"name": "bad", "out": "out/bad.blend", "char_a": "Ann", "char_b": "Bob"}],
    }
    (jobs / "shots.json").write_text(json.dumps(spec))
    assert main(["animate", "--quiet", "--job", str(jobs / "shots.json")]) == 2
    err = capsys.readouterr().err
    assert (
        "error: shot bad: character A 'Ann' is not in scene 'Edit', the scene scene.blend opens with" in err
    )
    assert not (jobs / "out" / "bad.blend").exists()


def test_characters_also_in_the_active_scene_are_keyed_at_its_rate(tmp_path, capsys):
    blend = build(tmp_path / "both.blend", link_into_edit=True)
    a, b = motions(tmp_path)
    rc = main(["animate", "--quiet", "--blend", str(blend), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "o.blend")])  # fmt: skip
    assert rc == 0
    assert "at 30 fps" in capsys.readouterr().out
