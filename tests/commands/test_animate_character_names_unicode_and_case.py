"""A TD on a Mac copies a character's name from Finder ("Ävä", typed there as A + combining
diaeresis: Unicode NFD) into ``--char-a``; the .blend holds it as one letter (NFC). Before, animate
refused it with a list of names showing the very same "Ävä". Now the name matches in either form
(when exactly one object reads so); a name that differs only in case (``Ben`` for ``ben``) is still
refused, names being case-sensitive, but the line says which object was meant."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import blender_rigs as br
import bpy
import pytest
from robustness_util import assert_refused, run_cli
from test_blender_animate import motions

NFC = unicodedata.normalize("NFC", "Ävä 1")
NFD = unicodedata.normalize("NFD", "Ävä 1")


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    """Characters ``Ävä 1`` (stored NFC) and ``ben``."""
    path = tmp_path_factory.mktemp("names") / "uni.blend"
    br.reset()
    bpy.context.scene.render.fps = 25
    br.make_character(NFC)
    br.make_character("ben", location=(1.0, 0.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def _animate(scene, tmp_path, capsys, char_a: str, char_b: str) -> tuple[int, list[str], str]:
    a, b = motions(tmp_path)
    argv = ["animate", "--blend", str(scene), "--char-a", char_a, "--char-b", char_b, "--quiet",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "out.blend")]  # fmt: skip
    return run_cli(capsys, argv)


def test_a_name_typed_in_another_unicode_form_is_the_same_character(scene, tmp_path, capsys):
    assert NFC != NFD
    code, err, line = _animate(scene, tmp_path, capsys, NFD, "ben")
    assert code == 0 and not err, err
    assert f"A {NFC}:" in line


def test_a_name_differing_only_in_case_says_which_was_meant(scene, tmp_path, capsys):
    code, err, _ = _animate(scene, tmp_path, capsys, NFC, "Ben")
    line = assert_refused(code, err, "character B 'Ben' is not in the scene (did you mean 'ben'?")
    assert "names are case-sensitive" in line
    assert not (tmp_path / "out.blend").exists()
