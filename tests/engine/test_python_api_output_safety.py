"""A TD scripts takes with the README's Python API, ``pipeline.run(Request(audio=...), out_dir)``, which
the README calls the same path as ``infer --out``. It now keeps ``infer``'s promises about the output
folder: their own ``A.npz`` in the folder is refused in one line and kept (was: silently replaced), a
``takes/x.npz`` slip is refused (was: a folder named ``x.npz``), and two scripted runs into one folder
are kept apart by the take folder's lock. An earlier DualTalk take there is still replaced, as by
``infer``, and the lock file does not stay behind."""

from __future__ import annotations

import fcntl
import os

import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, is_motion_file, save_motion
from dualtalk.inference.core.request import Request


def _request(talk) -> Request:
    return Request(audio=str(talk), engine="lite", rounds=1)


def test_their_own_a_npz_in_the_folder_is_refused_and_kept(talk, tmp_path, no_engine):
    userdir = tmp_path / "userdir"
    userdir.mkdir()
    (userdir / "A.npz").write_text("my notes\n")
    with pytest.raises(DualTalkError) as caught:
        pipeline.run(_request(talk), userdir)
    assert str(caught.value) == (
        f"out_dir {userdir} already holds A.npz, which is not a DualTalk motion file and this run would "
        "replace; move it or choose another folder"
    )
    assert (userdir / "A.npz").read_text() == "my notes\n"
    assert sorted(p.name for p in userdir.iterdir()) == ["A.npz"]


def test_an_npz_file_name_as_the_folder_is_refused_and_no_folder_appears(talk, tmp_path, no_engine):
    with pytest.raises(
        DualTalkError,
        match=r"^dialogue mode writes A.npz and B.npz: out_dir must be a folder, not a .npz file$",
    ):
        pipeline.run(_request(talk), tmp_path / "takes" / "x.npz")
    assert not (tmp_path / "takes").exists()


def test_an_existing_file_as_the_folder_is_refused_in_one_line(talk, tmp_path, no_engine):
    notes = tmp_path / "notes"
    notes.write_text("keep\n")
    with pytest.raises(DualTalkError, match=rf"^out_dir {notes} exists and is not a folder$"):
        pipeline.run(_request(talk), notes)
    assert notes.read_text() == "keep\n"


@pytest.mark.skipif(os.name == "nt", reason="flock")
def test_a_second_scripted_run_into_a_folder_being_written_is_refused_naming_the_holder(
    talk, tmp_path, no_engine
):
    out = tmp_path / "scene1"
    out.mkdir()
    with open(out / ".take.dualtalk-lock", "w") as held:  # the first run, mid-way
        held.write("pid 4242 on render04, since 2026-12-05T00:41:07Z\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(DualTalkError) as caught:
            pipeline.run(_request(talk), out)
    said = str(caught.value)
    assert said.startswith(f"another DualTalk run is writing {out} (pid 4242 on render04")
    assert said.endswith("wait for it to end, or give another out_dir")


def test_an_earlier_dualtalk_take_is_replaced_and_no_lock_file_stays(talk, tmp_path):
    out = tmp_path / "scene1"
    for role in ("A", "B"):
        save_motion(out / f"{role}.npz", Motion("arkit55", np.zeros((3, 55), np.float32), role=role))
    take = pipeline.run(_request(talk), out)
    assert take.motion_a.num_frames == 50 and is_motion_file(take.path_a)
    assert sorted(p.name for p in out.iterdir()) == ["A.npz", "B.npz"]


def test_a_shell_style_home_folder_is_refused_with_the_python_way_to_say_it(
    talk, tmp_path, monkeypatch, no_engine
):
    """``run(req, "~/takes/scene1")``: Python's files take ``~`` as a folder's name, so the take went to a
    folder named ``~`` in the notebook's folder (and the lock to the real home folder). Refused now,
    with the call that means the home folder; nothing is made in either place."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DualTalkError) as caught:
        pipeline.run(_request(talk), "~/takes/scene1")
    assert str(caught.value) == (
        "out_dir '~/takes/scene1' starts with '~', which Python takes as a folder's name, not a home "
        "folder: give os.path.expanduser('~/takes/scene1')"
    )
    assert not (tmp_path / "~").exists() and list(home.iterdir()) == []


@pytest.mark.parametrize("option", ["checkpoint", "transcript", "turns", "audio_b"])
def test_an_empty_path_from_a_config_is_not_given_wherever_the_take_goes(option, talk, tmp_path, monkeypatch):
    """A TD's ``config.get("checkpoint", "")``: an empty path was the current folder, so a take under
    it was refused as lying "inside the input checkpoint ." and one elsewhere ran or failed in other
    words. It is "not given", as in a job file, wherever the folder is."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    request = Request(audio=str(talk), engine="lite", rounds=1, **{option: ""})
    assert getattr(request, option) is None
    inside, outside = pipeline.run(request, "takes/near"), pipeline.run(request, tmp_path / "far")
    assert np.array_equal(inside.motion_a.values, outside.motion_a.values)
    assert inside.path_a.is_file() and outside.path_a.is_file()
    later = Request(audio=str(talk), engine="lite", rounds=1)
    setattr(later, option, "")  # the usual script form: the field set after the request is made
    assert np.array_equal(pipeline.run(later, "takes/later").motion_a.values, inside.motion_a.values)


def test_an_empty_checkpoint_on_the_command_line_is_the_embedded_model(talk, tmp_path, monkeypatch, capsys):
    from dualtalk.cli import main

    monkeypatch.chdir(tmp_path)
    assert (
        main(["infer", "--audio", str(talk), "--checkpoint", "", "--rounds", "1", "--out", "takes/cli"]) == 0
    )
    assert "lite engine" in capsys.readouterr().out
