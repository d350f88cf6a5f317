"""A TD's script builds ``--offset-b=$OFFSET`` and the variable held ``--`` (or the TD typed it by
mistake). argparse drops a ``--`` given as an option's value, so the run used to answer
"--offset-b must be a number, got []" (review 29a, nit 10h), ``--engine`` "must be one of ..., got []"
and ``--out=--`` an internal error. Now the ``--`` is read as the text it is, as ``--offset-b=-`` is:
one line naming the flag and what was given, exit 2."""

from __future__ import annotations

import argparse

import pytest
from dualtalk.cli import OneLineParser, main
from dualtalk.dualtalk_blender.rig import options
from dualtalk.inference.core import request


def _infer(capsys, *flags: str) -> str:
    """The one line ``infer`` answers with the given flags (it stops before reading any file)."""
    with pytest.raises(SystemExit) as stop:
        main(["infer", "--audio", "a.wav", "--audio-b", "b.wav", "--out", "o", *flags])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    ("flag", "said"),
    [
        ("--offset-b=--", "argument --offset-b: invalid float value: '--'"),
        ("--start=--", "argument --start: invalid float value: '--'"),
        ("--rounds=--", "argument --rounds: invalid int value: '--'"),
        ("--engine=--", "argument --engine: invalid choice: '--'"),
    ],
)
def test_a_double_dash_value_is_named_with_its_flag(capsys, flag, said):
    assert _infer(capsys, flag).startswith(f"error: {said}")


def test_the_same_line_as_a_single_dash_gets(capsys):
    one = _infer(capsys, "--offset-b=-").replace("'-'", "'--'")
    assert _infer(capsys, "--offset-b=--") == one


def test_a_double_dash_path_is_the_text_given_not_an_internal_error():
    parser = argparse.ArgumentParser()
    request.add_arguments(parser, (request.AUDIO,))
    parser.add_argument("--out", type=request.cli_path, action=request.OneValue)
    args = parser.parse_args(["--audio=--", "--out=--", "--transcript=--"])
    assert (args.audio, args.out, args.transcript) == ("--", "--", "--")


def test_scene_options_read_a_double_dash_as_text_too(capsys):
    """``animate``'s scene flags (``--intensity GROUP=X``, appended; ``--range FIRST-LAST``) come from the
    same declarations: the ``--`` meets their own readers' words."""
    parser = OneLineParser(prog="animate")
    request.add_arguments(parser, (options.RETARGET, options.KEYING), options=options.SCENE_OPTIONS)
    assert parser.parse_args(["--intensity", "mouth=0.5", "--intensity", "head=2"]).intensity == [
        ("mouth", 0.5),
        ("head", 2.0),
    ]
    for flag, said in (
        ("--intensity=--", "argument --intensity: expected"),
        ("--range=--", "argument --range"),
    ):
        with pytest.raises(SystemExit):
            parser.parse_args([flag])
        err = capsys.readouterr().err
        assert err.startswith(f"error: {said}") and "[]" not in err, err


def test_animates_own_flags_read_a_double_dash_as_text(capsys):
    """``animate``'s scene and output flags (``--out``, ``--char-a``, ``--samples`` ...) are its own
    declarations: ``--out=--`` was an internal error (a list where a path goes), ``--samples=--``
    asked for ``--blend`` as if the flag had not been given."""
    from dualtalk.dualtalk_blender.commands import animate

    parser = OneLineParser(prog="animate")
    animate.add_arguments(parser)
    args = parser.parse_args(["--out=--", "--char-a=--", "--blend=--", "--fbx-scope=face"])
    assert (args.out, args.char_a, args.blend, args.fbx_scope) == ("--", "--", "--", "face")
    with pytest.raises(SystemExit):
        parser.parse_args(["--samples=--"])
    err = capsys.readouterr().err
    assert err.startswith("error: argument --samples: invalid int value: '--'"), err


def test_animate_out_double_dash_is_one_line_not_an_internal_error(capsys):
    """Before, ``--out=--`` reached the output checks as a list: "internal error (TypeError ...)", exit 1.
    Now it is the path ``--``, and the run stops at its first real problem in one line."""
    try:
        code = main(
            [
                "animate",
                "--out=--",
                "--blend",
                "x.blend",
                "--char-a",
                "A",
                "--char-b",
                "B",
                "--audio",
                "x.wav",
            ]
        )
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err
