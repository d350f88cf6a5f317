"""``animate``'s shot locks are ``inference/core/locks`` (the audit of the command line on a render
farm, findings 3 and 12): a lock file a ``kill -9`` left is taken over by another user of the group,
a legal 244-255-byte ``--out`` gets its lock, and a default work folder whose name would be too long
is refused before any work, in one line naming the ``--out`` it is made from."""

from __future__ import annotations

import errno
import os
import types
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_check, shot_state
from dualtalk.inference.core import locks
from dualtalk.inference.core.errors import DualTalkError
from test_audit_jobs import job_folder, voice

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and flock")


def test_a_shots_lock_file_is_made_for_the_group(tmp_path, umask_002):
    """Made 0o644 whatever the umask, a file a ``kill -9`` left could be opened for writing by its
    owner only: farm2's retry of farm's shot failed with "Permission denied" until someone deleted
    it. Now the umask decides (0o664 under the farm's 002)."""
    out = tmp_path / "s.blend"
    with shot_state.shot_lock([("--out", out), ("--out", tmp_path / "s.dualtalk")]):
        for lock in (tmp_path / ".s.blend.dualtalk-lock", tmp_path / ".s.dualtalk.dualtalk-lock"):
            assert oct(lock.stat().st_mode & 0o777) == oct(0o664)
    assert list(tmp_path.iterdir()) == []


def test_a_stale_shot_lock_another_user_left_is_taken_over(tmp_path, monkeypatch):
    """Another user's shot was killed (``kill -9``) and left its lock file, which this user may not
    open for writing (made 0o644, or under a stricter umask). The lock is not held, so the retry runs:
    it locks through a read-only descriptor instead of failing "cannot lock ...: Permission denied".
    (Run as root here: the refusal to write is emulated the way the system gives it to a user.)"""
    out = tmp_path / "s.blend"
    lock = tmp_path / ".s.blend.dualtalk-lock"
    lock.write_text("pid 4242 on render04, since 2026-12-05T00:41:07Z\n")
    lock.chmod(0o444)
    real_open = os.open

    def as_another_user(path, flags, *a, **k):
        if os.fspath(path) == os.fspath(lock) and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", as_another_user)
    ran = []
    with shot_state.shot_lock([("--out", out)]):
        ran.append(True)
    assert ran and not lock.exists()


def test_a_held_shot_still_names_the_field_to_change(tmp_path):
    """The shared lock keeps the shot's words: "give this shot another out" (the label given)."""
    out = tmp_path / "s.blend"
    with shot_state.shot_lock([("out", out)]):
        with pytest.raises(DualTalkError) as err:
            with shot_state.shot_lock([("out", out)]):
                pytest.fail("ran while another run held the lock")
    assert str(err.value).startswith(f"another DualTalk run is writing {out} (pid {os.getpid()} on ")
    assert str(err.value).endswith("); wait for it to end, or give this shot another out")


def _animate(folder: Path, out: Path, *extra: str) -> int:
    return main(
        ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann", "--char-b",
         "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz"),
         "--out", str(out), *extra]
    )  # fmt: skip


def test_a_legal_long_out_name_gets_its_locks_and_is_written(tmp_path, capsys):
    """``--out`` of 252 bytes (legal): its lock file ``.NAME.blend.dualtalk-lock`` would be 267 bytes,
    and the run failed "cannot lock ...: File name too long", blaming a name the user never chose.
    Its lock files (the .blend's and the 255-byte work folder's) are now shortened with a hash; the shot
    is written and no lock file is left."""
    folder = job_folder(tmp_path)
    wav = voice(folder / "in" / "talk.wav", 220)
    out = folder / "lp" / ("x" * 246 + ".blend")
    capsys.readouterr()
    assert _animate(folder, out, "--audio", str(wav)) == 0, capsys.readouterr().err
    work = out.with_name("x" * 246 + ".dualtalk")
    assert out.is_file() and (work / "dialogue.wav").is_file()
    assert len(os.fsencode(work.name)) == 255
    assert sorted(p.name for p in (folder / "lp").iterdir()) == sorted([out.name, work.name])


def test_a_default_work_folder_too_long_is_refused_naming_the_out_it_comes_from(tmp_path, capsys):
    """``--out`` of 255 bytes (legal) with a recording: the work folder beside it, NAME.dualtalk, is
    258 bytes. Refused before any work in one line that says where that name comes from and what to
    change; nothing is written."""
    folder = job_folder(tmp_path)
    wav = voice(folder / "in" / "talk.wav", 220)
    out = folder / "lp" / ("x" * 249 + ".blend")
    capsys.readouterr()
    assert _animate(folder, out, "--audio", str(wav)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: work folder "), err
    assert err[0].endswith(
        ".dualtalk (made from --out: its name with .dualtalk): name too long (258 bytes; the limit is 255 "
        "per name, 4096 per path); give --out a shorter name, or give --work a folder"
    ), err
    assert not (folder / "lp").exists()
    # with --work given, the same out runs
    assert _animate(folder, out, "--audio", str(wav), "--work", str(folder / "w")) == 0
    assert out.is_file() and (folder / "w" / "dialogue.wav").is_file()


def test_a_job_names_its_fields_for_a_work_folder_too_long(tmp_path):
    out = tmp_path / ("y" * 249 + ".blend")
    shot = types.SimpleNamespace(
        out=out, fbx=None, render=None, work=None, motion_a=None, req=types.SimpleNamespace(audio="a.wav")
    )
    with pytest.raises(DualTalkError) as err:
        shot_check.check_output_folders(shot, job=True)  # type: ignore[arg-type]
    line = str(err.value)
    assert "(made from out: its name with .dualtalk)" in line
    assert line.endswith("; give out a shorter name, or give work a folder")


def test_the_shots_and_infers_locks_are_one(tmp_path):
    """One module, one rule: the lock ``animate`` takes for an output is ``locks.lock_file``'s."""
    out = tmp_path / ("é" * 120 + ".blend")  # 246 bytes: 261 with its lock file's dot and suffix
    with shot_state.shot_lock([("--out", out)]):
        assert locks.lock_file(out).exists()
        assert len(os.fsencode(locks.lock_file(out).name)) <= 255
