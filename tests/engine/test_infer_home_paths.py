"""A TD's script quotes its paths (``--out '~/takes/scene1'``, ``--audio=~/talk.wav``): the shell then
leaves ``~`` alone. ``infer`` now reads it as the home folder, as ``animate`` does and as its own output
checks did, so the take lands in the home folder (was: a folder literally named ``~`` in the working
folder, a classic ``rm -rf ~`` trap) and the recording is found (was: "audio file not found: ~/...")."""

from __future__ import annotations

import argparse

import addon_helpers as ah
import pytest
from dualtalk.cli import main
from dualtalk.inference import cmd_infer
from dualtalk.inference.core.request import OPTIONS


@pytest.fixture
def home(tmp_path, monkeypatch):
    """HOME is a folder of the test's; the working folder is another one."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return home


def test_a_quoted_home_path_writes_the_take_in_the_home_folder(home, capsys):
    ah.write_dialogue_wav(home / "talk.wav")
    rc = main(
        [
            "infer",
            "--quiet",
            "--engine",
            "lite",
            "--rounds",
            "1",
            "--audio=~/talk.wav",
            "--out",
            "~/takes/scene1",
        ]
    )
    said = capsys.readouterr()
    assert rc == 0, said.err
    assert sorted(p.name for p in (home / "takes" / "scene1").iterdir()) == ["A.npz", "B.npz"]
    assert not (home.parent / "work" / "~").exists()
    assert said.out.startswith(f"wrote {home / 'takes' / 'scene1' / 'A.npz'} and ")


def test_a_home_path_naming_a_file_is_refused_naming_that_file(home, capsys):
    ah.write_dialogue_wav(home / "talk.wav")
    (home / "notes").write_text("keep\n")
    rc = main(["infer", "--quiet", "--audio", "~/talk.wav", "--out", "~/notes"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err == [f"error: --out {home / 'notes'} exists and is not a folder"]
    assert (home / "notes").read_text() == "keep\n"


def test_a_missing_home_recording_is_named_by_its_real_path(home, capsys):
    rc = main(["infer", "--quiet", "--audio", "~/nothing.wav", "--out", "take"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and str(home / "nothing.wav") in err[0]


def test_every_path_flag_of_infer_reads_the_home_folder(home):
    parser = argparse.ArgumentParser()
    cmd_infer.add_arguments(parser)
    flags = [o.flag for o in OPTIONS if o.kind == "path" and o.cli] + ["--partner-audio", "--partner-motion"]
    assert {"--audio", "--audio-b", "--turns", "--transcript", "--checkpoint"} <= set(flags)
    argv = [word for flag in flags for word in (flag, f"~/{flag[2:]}.x")]
    args = parser.parse_args([*argv, "--out", "~/take"])
    for flag in flags:
        assert getattr(args, flag[2:].replace("-", "_")) == str(home / f"{flag[2:]}.x"), flag
    assert args.out == str(home / "take")


def test_without_a_home_folder_a_home_path_is_refused_not_made_literally(tmp_path, monkeypatch, capsys):
    """A farm container's user id with no HOME and no entry in the user list: the shell would leave
    ``~`` as it is; infer says so instead of making a ``~`` folder in the working folder."""
    import pwd

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: (_ for _ in ()).throw(KeyError(uid)))
    monkeypatch.chdir(tmp_path)
    talk = ah.write_dialogue_wav(tmp_path / "talk.wav")
    with pytest.raises(SystemExit) as stopped:  # argparse's own exit, as for any bad flag
        main(["infer", "--quiet", "--audio", str(talk), "--out", "~/takes"])
    err = capsys.readouterr().err.strip().splitlines()
    assert stopped.value.code == 2 and len(err) == 1
    assert err[0].startswith(
        "error: argument --out: '~/takes' starts with '~', but this user has no home folder"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.wav"]


def test_the_demo_reads_a_quoted_home_out_folder_as_the_home_folder_too(home):
    from dualtalk.dualtalk_blender.demo import cmd_demo

    parser = argparse.ArgumentParser()
    cmd_demo.add_arguments(parser)
    assert parser.parse_args(["--out", "~/demo_out"]).out == str(home / "demo_out")
