"""The review of the batch-run changes: job paths refused too broadly, one shot's OSError ending the
batch, a refused summary masking the refusal, --skip-done missing an edit of a large input, two runs
locking the same work folder, file systems without locks, and a sound on another Windows drive."""

from __future__ import annotations

import errno
import ntpath
import os
import types
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands import batch, shot_check, shot_run, shot_state
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs, resolve_path
from dualtalk.dualtalk_blender.commands.summary import Outcome, Run, write_refused
from dualtalk.dualtalk_blender.scene import sound
from dualtalk.inference.core import locks
from dualtalk.inference.core.errors import DualTalkError

DEFAULTS = {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob"}
SHOT = {"name": "s1", "out": "out/s1.blend", "audio": "in/talk.wav"}


@pytest.mark.parametrize(
    ("value", "output"),
    [
        ("audio/Ca$h_money.wav", False),
        ("audio/US$Price.wav", False),
        ("renders/50%done%.mp4", True),
        ("~draft.wav", False),
    ],
)
def test_dollar_percent_and_tilde_inside_a_name_load_as_before(value, output):
    assert resolve_path(value, Path("/jobs"), "shot 's1' audio", output=output) == Path("/jobs") / value


@pytest.mark.skipif(os.name == "nt", reason="a POSIX path")
def test_a_posix_double_slash_path_is_an_absolute_input_not_a_windows_share():
    """One slash, as POSIX reads it (review rv36a G5: two were read by Blender as "beside the .blend")."""
    assert resolve_path("//tmp/share/x.wav", Path("/jobs"), "a", output=False) == Path("/tmp/share/x.wav")


@pytest.mark.parametrize(
    "value",
    [
        "~/x.blend",
        "~bob/x.blend",
        "$OUT/x.blend",
        "${OUT}/x.blend",
        "%OUT%\\x.blend",
        "shots/${SHOT}/x.blend",
    ],
)
def test_what_a_shell_would_have_expanded_is_still_refused(tmp_path, value):
    with pytest.raises(DualTalkError, match="is not expanded|backslash"):
        parse_jobs({"defaults": DEFAULTS, "shots": [{**SHOT, "out": value}]}, tmp_path)


def test_one_shots_os_error_fails_only_that_shot(tmp_path, monkeypatch, capsys):
    shots = parse_jobs(
        {"defaults": DEFAULTS, "shots": [SHOT, {**SHOT, "name": "s2", "out": "out/s2.blend"}]}, tmp_path
    )
    real_check = shot_check.check_output_folders

    def check(shot, *, job=False):
        if shot.name == "s1":
            raise OSError(errno.ENAMETOOLONG, "File name too long", str(shot.out))
        return real_check(shot, job=job)

    monkeypatch.setattr(batch, "check_output_folders", check)
    # this story is the output folders' check: the shots' inputs (not made here) are checked after it
    monkeypatch.setattr(batch, "check_shot", lambda shot, *, job=False: None)
    monkeypatch.setattr(batch, "_check_input_files", lambda shot: None)
    monkeypatch.setattr(batch, "_check_characters", lambda shots, outcomes, done: None)
    outcomes = [Outcome(s.name) for s in shots]
    batch.prepare(shots, outcomes, False)
    assert [o.status for o in outcomes] == ["failed", "not run"]
    assert outcomes[0].exit_code == 2
    err = capsys.readouterr().err
    assert err.count("error: ") == 1 and "error: shot s1: File name too long: " in err


def test_an_unwritable_summary_does_not_mask_the_refusal(tmp_path, capsys):
    job = tmp_path / "bad.json"
    job.write_text("{", encoding="utf-8")
    summary = tmp_path / ("s" * 300 + ".json")
    write_refused(summary, Run(job), DualTalkError("job file bad.json is not valid JSON"))
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: could not write the --summary report: ")


def test_skip_done_sees_an_edit_between_the_slices_of_a_large_input(tmp_path):
    wav = tmp_path / "big.wav"
    wav.write_bytes(b"\0" * (40 << 20))
    shot = types.SimpleNamespace(audio=wav, motion_a=None)  # an engine shot: its audio is read
    before = shot_state.input_fingerprints(shot)["audio"]
    with open(wav, "r+b") as fh:  # half a second, between two sampled slices
        fh.seek((20 << 20) + (100 << 10))
        fh.write(b"\1" * 32000)
    st = os.stat(wav)
    os.utime(wav, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert shot_state.input_fingerprints(shot)["audio"] != before


def test_the_default_work_folder_is_locked_too(tmp_path, monkeypatch):
    taken: list = []

    class Taken(Exception):
        pass

    def lock(locks, work=None):
        taken.extend(locks)
        taken.append(("take folder", work))
        raise Taken

    monkeypatch.setattr(shot_run, "check_shot", lambda shot, job=False: None)
    monkeypatch.setattr(shot_run, "shot_lock", lock)
    shot = types.SimpleNamespace(
        out=tmp_path / "x.blend", work=None, fbx=None, motion_a=None, req=types.SimpleNamespace(audio="a.wav")
    )
    with pytest.raises(Taken):
        shot_run.run_shot(shot, None, None, job=True)
    assert tmp_path / "x.dualtalk" in [p for label, p in taken if label != "take folder"]
    assert ("take folder", tmp_path / "x.dualtalk") in taken  # locked as infer locks a take folder


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS])
def test_a_file_system_without_locks_runs_unlocked_warning_once(tmp_path, monkeypatch, capsys, code):
    def no_locks(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(locks, "_try_lock", no_locks)  # the shots' locks are inference/core/locks
    shot_state.reset_lock_warning()
    for name in ("a", "b"):
        with shot_state.shot_lock([("out", tmp_path / f"{name}.blend"), ("work", tmp_path / name)]):
            pass
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("warning: could not lock on this file system (")
    assert err[0].endswith("); two runs writing the same shot are not kept apart")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(shot_state.LOCK_SUFFIX)]


def test_a_sound_on_another_windows_drive_keeps_its_absolute_path(monkeypatch):
    monkeypatch.setattr(sound, "os", types.SimpleNamespace(path=ntpath, PathLike=os.PathLike))
    bpy = types.SimpleNamespace(
        data=types.SimpleNamespace(filepath="C:\\shots\\in.blend"),
        path=types.SimpleNamespace(relpath=lambda p: "//x"),
    )
    got = sound.stored_sound_path(
        bpy, "D:\\work\\s1\\dialogue.wav", "C:\\shots\\s1.blend", "C:\\shots\\.s1.tmp"
    )
    assert got == "D:\\work\\s1\\dialogue.wav"
