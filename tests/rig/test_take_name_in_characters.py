"""A take named in Japanese, Chinese or Hindi: its limit said in characters a user can count.

A take name holds 40 bytes as Blender stores it, and a kana, kanji or Devanagari letter takes 3:
``--take`` refused a 20-character Japanese name as "must be 1-40 printable bytes", while the same
name from ``--out`` was cut to 13 characters without a word (review 32n F9).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import bpy
import pytest
from dualtalk.dualtalk_blender.addon.panel_settings import panel_take
from dualtalk.dualtalk_blender.rig.options import take_name_cut, take_name_fit
from dualtalk.inference.core.errors import DualTalkError
from robustness_util import assert_refused, make_kit, run_cli

NAME = "日本語の会話テイク・第一幕・最初のシーン"  # 20 characters, 60 bytes
FITS = "日本語の会話テイク・第一幕"  # its first 13 characters: 39 bytes


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    return make_kit(tmp_path_factory.mktemp("kit"))


def _animate(kit: Path, out: Path, *extra: str) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(kit / "in" / "A.npz"),
            "--motion-b", str(kit / "in" / "B.npz"), "--out", str(out), *extra]  # fmt: skip


def _takes(blend: Path) -> set[str]:
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    return {json.loads(a["dualtalk"])["take"] for a in bpy.data.actions if "dualtalk" in a}


def test_a_japanese_take_name_too_long_is_refused_in_characters(kit, tmp_path, capsys):
    """The studio names its take in Japanese: the one line says how many characters it is, how
    many fit, and which ones, so the animator can shorten it without counting bytes."""
    code, err, _ = run_cli(capsys, _animate(kit, tmp_path / "out" / "shot.blend", "--take", NAME))
    line = assert_refused(code, err, "--take (the take's name) is too long")
    assert "is 20 characters, 60 bytes" in line and "13 Japanese, Chinese, Korean or Hindi" in line, line
    assert f"its first 13 characters: '{FITS}'" in line and "printable bytes" not in line, line
    assert not (tmp_path / "out").exists()


def test_the_13_characters_that_fit_make_the_take(kit, tmp_path, capsys):
    out = tmp_path / "shot.blend"
    code, err, _ = run_cli(capsys, _animate(kit, out, "--take", FITS))
    assert code == 0 and err == [], err
    assert _takes(out) == {FITS}


def test_the_same_name_from_out_is_cut_between_characters(kit, tmp_path, capsys):
    """No ``--take``: the take is named after ``--out``, its first 13 characters (never half a one)."""
    out = tmp_path / f"{NAME}.blend"
    code, err, _ = run_cli(capsys, _animate(kit, out))
    assert code == 0, err
    assert _takes(out) == {FITS}


def test_the_line_that_says_a_name_from_out_was_cut():
    """What ``animate`` is to say once a take named after ``--out`` is keyed under a cut name: the
    take's name, where it came from, in characters, and how to name it instead."""
    line = take_name_cut(NAME, take_name_fit(NAME))
    assert line is not None and line.startswith(f"the take is named '{FITS}', cut from the shot's name: ")
    assert "is 20 characters, 60 bytes" in line and "13 Japanese" in line and "--take NAME" in line, line
    assert take_name_cut(FITS, FITS) is None and take_name_cut("x" * 40, "x" * 40) is None
    assert take_name_fit("x" * 41) == "x" * 40 and take_name_fit("é" * 21) == "é" * 20


def test_a_name_that_fits_from_out_says_nothing(kit, tmp_path, capsys):
    out = tmp_path / f"{FITS}.blend"
    code, err, _ = run_cli(capsys, _animate(kit, out))
    assert code == 0 and err == [], err
    assert _takes(out) == {FITS}


def test_the_panels_take_name_shares_the_check_in_its_own_words():
    """The add-on's *Take* field is checked by the same rule, named as the panel names it."""
    with pytest.raises(DualTalkError, match=r"^the Take name is too long: '日本語") as exc:
        panel_take(SimpleNamespace(take_name=NAME))
    assert f"its first 13 characters: '{FITS}'" in str(exc.value)
    assert panel_take(SimpleNamespace(take_name=FITS)) == FITS
