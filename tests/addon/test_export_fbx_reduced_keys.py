"""An animator who keyed the take with Keys: Reduced (for a game engine's lighter curves) exports it
from the panel's Export FBX, in one file or one file per character: the files hold reduced keys too,
not one key per frame (review 32g: the exporter sampled every frame whatever the take held). Read
back with ufbx."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from fbx_curves import read_fbx_curves

FRAMES = 50


def keyed(scene, assets, tmp_path, keys: str) -> None:
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.keys = keys
    with bpy.context.temp_override(scene=scene):
        folder = ah.write_two_second_take(tmp_path / "cafe")
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    scene.frame_start, scene.frame_end = 1, FRAMES


def shape_keys_per_curve(path) -> list[int]:
    curves = read_fbx_curves(path, 25, 1, FRAMES)
    shapes = [c["keys"] for name, c in curves.items() if name.split(" ")[1] == "BLEND_CHANNEL"]
    assert shapes, curves.keys()
    return shapes


@pytest.mark.parametrize("per_character", [False, True])
def test_export_fbx_of_a_reduced_take_writes_reduced_keys(scene, assets, tmp_path, per_character):
    keyed(scene, assets, tmp_path, "reduced")
    scene.dualtalk.fbx_per_character = per_character
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.fbx")) == {"FINISHED"}
    files = (
        [tmp_path / "pair_Alice.fbx", tmp_path / "pair_Bob.fbx"] if per_character else [tmp_path / "pair.fbx"]
    )
    for path in files:
        keys = shape_keys_per_curve(path)
        assert np.mean(keys) < FRAMES / 2, (path.name, np.mean(keys))  # was 50: one key per frame


def test_export_fbx_of_an_every_frame_take_keeps_one_key_per_frame(scene, assets, tmp_path):
    keyed(scene, assets, tmp_path, "every-frame")
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.fbx")) == {"FINISHED"}
    assert set(shape_keys_per_curve(tmp_path / "pair.fbx")) == {FRAMES}
