"""A .blend saved on Windows keeps its relative paths with backslashes (``//scripts\\scene.txt``).
Opened on Linux or macOS, the panel's transcript, turns, audio and map, and an FBX path, still lead
to the files beside the .blend instead of "not found" for one odd file name."""

from __future__ import annotations

import os

import bpy
import pytest
from dualtalk.dualtalk_blender.scene.paths import abspath, blend_path

pytestmark = pytest.mark.skipif(os.sep != "/", reason="backslashes are separators on Windows")


@pytest.fixture
def saved(tmp_path):
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    yield tmp_path
    bpy.ops.wm.read_homefile(use_empty=True)


def test_a_script_chosen_on_windows_is_found_beside_the_blend(saved):
    (saved / "scripts").mkdir()
    (saved / "scripts" / "scene.txt").write_text("A: hello\n")
    assert abspath("//scripts\\scene.txt") == str(saved / "scripts" / "scene.txt")
    assert abspath("//scripts/scene.txt") == str(saved / "scripts" / "scene.txt")  # as before


def test_a_folder_above_the_blend_written_the_windows_way(saved):
    media = saved.parent / f"{saved.name}_media"
    media.mkdir()
    (media / "talk.wav").write_bytes(b"RIFF")
    assert abspath(f"//..\\{media.name}\\talk.wav") == str(media / "talk.wav")


def test_an_fbx_to_write_into_a_folder_named_the_windows_way(saved):
    (saved / "exports").mkdir()
    assert blend_path("FBX path", "//exports\\take.fbx") == str(saved / "exports" / "take.fbx")


def test_a_real_file_name_holding_a_backslash_is_kept(saved):
    odd = saved / "a\\b.txt"  # a legal name on Linux
    odd.write_text("x")
    (saved / "a").mkdir()
    (saved / "a" / "b.txt").write_text("y")
    assert abspath("//a\\b.txt") == str(odd)


def test_a_path_found_nowhere_is_named_as_given(saved):
    assert abspath("//nothing\\here.txt") == str(saved / "nothing\\here.txt")
