"""A typed path read one way (inference/core/typed_paths.py): a leading ``//`` is POSIX's one slash
where the root has that folder and refused where it is a Blender user's "beside the .blend"; an
unexpanded ``$HOME`` is refused in the same words on the command line and in job files."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands.jobs import resolve_path
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.typed_paths import (
    BLEND_RELATIVE,
    command_line_path,
    for_blender,
    one_leading_slash,
    unexpanded_variable,
)

posix = pytest.mark.skipif(os.name == "nt", reason="'//server/share' is a Windows share there")
MISSING = f"dualtalk_missing_{uuid.uuid4().hex[:8]}"


@posix
@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("//tmp/renders/frames", "/tmp/renders/frames"),  # "$ROOT/tmp/..." with ROOT=/
        ("///tmp/x.blend", "/tmp/x.blend"),
        ("//tmp", "/tmp"),
        ("//", "/"),
        ("/tmp//x.blend", "/tmp//x.blend"),  # only a leading run is Blender's
        ("renders//frames", "renders//frames"),
        ("shot.blend", "shot.blend"),
    ],
)
def test_a_leading_run_of_slashes_is_one_slash_where_the_root_has_that_folder(typed, read):
    assert one_leading_slash(typed) == read


@posix
@pytest.mark.parametrize("typed", [f"//{MISSING}/frames", f"//{MISSING}", f"///{MISSING}/x.wav"])
def test_a_blender_users_double_slash_path_is_refused_saying_what_to_give(typed):
    rest = typed.lstrip("/")
    with pytest.raises(DualTalkError) as refused:
        one_leading_slash(typed)
    assert str(refused.value) == (
        f"{typed!r}: {BLEND_RELATIVE}; give a path relative to the current folder ({rest}) or an "
        f"absolute one (/{rest})"
    )
    assert not os.path.lexists(f"/{MISSING}")


@posix
def test_a_root_file_that_is_no_folder_does_not_make_a_double_slash_path_a_folder(tmp_path):
    """``//etc/hostname/x``: ``/etc`` is a folder, but a first name that is a file with more after
    it is no folder at the root to read the path from."""
    files = [e.name for e in os.scandir("/") if e.is_file(follow_symlinks=False)]
    if not files:
        pytest.skip("the root holds no plain file here")
    assert one_leading_slash(f"//{files[0]}") == f"/{files[0]}"
    with pytest.raises(DualTalkError, match=BLEND_RELATIVE):
        one_leading_slash(f"//{files[0]}/frames")


def test_windows_keeps_a_share(monkeypatch):
    monkeypatch.setattr(os, "name", "nt")
    assert one_leading_slash(f"//{MISSING}/share/x.wav") == f"//{MISSING}/share/x.wav"


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("$HOME/take", "$HOME"),
        ("${HOME}/take", "${HOME}"),
        ("%HOME%\\take", "%HOME%"),
        ("a/$SHOT/x", "$SHOT"),
    ],
)
def test_an_unexpanded_variable_reads_the_same_on_the_command_line_and_in_a_job(tmp_path, typed, word):
    said = f"{word!r} is not expanded"
    assert unexpanded_variable(typed) == said
    with pytest.raises(DualTalkError) as cli:
        command_line_path(typed)
    assert str(cli.value) == f"{typed!r}: {said}; give the real path"
    with pytest.raises(DualTalkError) as job:
        resolve_path(typed, tmp_path, "shot 's1'.audio", output=False)
    assert said in str(job.value)


@pytest.mark.parametrize("typed", ["Ca$h_money.wav", "renders/50%done%.mp4", "US$Price/take~2.wav"])
def test_dollar_and_percent_inside_a_name_are_the_names_own(typed):
    assert unexpanded_variable(typed) is None and command_line_path(typed) == typed


def test_tilde_is_still_expanded_on_the_command_line(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert command_line_path("~/take") == str(tmp_path / "take")


@posix
def test_what_is_handed_to_blender_as_a_file_never_starts_with_two_slashes():
    assert for_blender(Path("/tmp/x.fbx")) == "/tmp/x.fbx"
    with pytest.raises(DualTalkError, match=BLEND_RELATIVE):
        for_blender("//tmp/x.fbx")
