"""A take named after a long ``--out`` in Japanese is cut to fit a take name, and says so.

A take name holds 40 bytes: 13 Japanese characters. ``--take`` with a longer name is refused with
the count in characters (review 32n F9), but the same name coming from ``--out`` was cut to its first
13 characters without a word, so the take in the file was not the name the TD gave.
"""

from __future__ import annotations

from robustness_util import run_cli
from test_blender_animate import build_scene, motions

LONG = "日本語の会話テイク・第一幕・最初のシーン"  # 20 characters, 60 bytes


def test_a_take_named_after_a_long_japanese_out_says_where_it_was_cut(tmp_path, capsys):
    scene = build_scene(tmp_path / "in.blend")
    a, b = motions(tmp_path)
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
                                    "--motion-a", str(a), "--motion-b", str(b), "--out",
                                    str(tmp_path / f"{LONG}.blend"), "--quiet"])  # fmt: skip
    assert code == 0, err
    said = [line for line in err if "cut from the shot's name" in line]
    assert len(said) == 1, err
    assert "'日本語の会話テイク・第一幕'" in said[0], said[0]


def test_a_short_out_name_says_nothing_of_a_cut(tmp_path, capsys):
    scene = build_scene(tmp_path / "in.blend")
    a, b = motions(tmp_path)
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
                                    "--motion-a", str(a), "--motion-b", str(b), "--out",
                                    str(tmp_path / "会話.blend"), "--quiet"])  # fmt: skip
    assert code == 0, err
    assert not [line for line in err if "cut from" in line], err
