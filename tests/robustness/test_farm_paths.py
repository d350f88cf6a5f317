"""``infer``, ``eval`` and the output checks on a render farm (audit of 2026-12-05): two jobs on one
take folder, a take the TD marked read-only or shares with the group, inputs in a folder this user
cannot enter, names and paths too long for the system. Each is one line before any work, or a
whole take with the protection it had."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.core import fileio, outputs
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, snapshot, write_stereo

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and flock")

LONG = "y" * 300  # one name over the 255-byte limit
DEEP = "/".join(["d" * 200] * 22)  # a path over the 4096-byte limit, each name legal


@pytest.fixture
def engine_calls(monkeypatch) -> list:
    """Records engine loads: a refusal "before the engine starts" must leave this empty."""
    import dualtalk.inference.engine as engine_mod

    calls: list = []
    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: calls.append(a) or object())
    return calls


@pytest.fixture
def talk(tmp_path) -> Path:
    return write_stereo(tmp_path / "talk.wav")


def _infer(talk: Path, out: Path | str, *extra: str) -> list[str]:
    return ["infer", "--quiet", "--audio", str(talk), "--out", str(out), *extra]


def _take(out: Path) -> Path:
    """An earlier take in ``out``."""
    for role in ("A", "B"):
        save_motion(out / f"{role}.npz", Motion("arkit55", np.zeros((25, 55), np.float32), role=role))
    return out


# --- 1: one run at a time per take folder --------------------------------------------------------


def test_a_second_infer_on_a_take_being_written_is_refused_naming_the_holder(
    talk, tmp_path, capsys, engine_calls
):
    """Two farm jobs with the same --out both exited 0, and the folder could hold A from one run and B
    from the other. The second now stops in one line naming the run that holds the folder, before its
    engine loads; the first run's take is untouched. Its exit status is 75 (busy: try again later), as
    a job's busy shot says, not bad input's 2 (review rv40c F5)."""
    out = tmp_path / "race"
    out.mkdir()
    with open(out / ".take.dualtalk-lock", "w") as held:  # the first run, mid-way
        held.write("pid 4242 on render04, since 2026-12-05T00:41:07Z\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        before = snapshot(out)
        code, err, _ = run_cli(capsys, _infer(talk, out))
        line = assert_refused(
            code, err, f"another DualTalk run is writing {out} (pid 4242 on render04", exit_code=75
        )
        assert line.endswith("wait for it to end, or give another --out")
        assert engine_calls == [] and snapshot(out) == before


def test_infer_takes_over_a_lock_file_left_by_a_killed_run_and_leaves_none(talk, tmp_path, capsys):
    """A preempted job (kill -9) leaves its lock file; the retry runs, and a finished take folder holds
    only the take."""
    out = tmp_path / "take"
    out.mkdir()
    (out / ".take.dualtalk-lock").write_text("pid 1 on render04, since 2026-12-05T00:41:07Z\n")
    code, err, stdout = run_cli(capsys, _infer(talk, out))
    assert code == 0, err
    assert stdout.startswith("wrote ") and sorted(p.name for p in out.iterdir()) == ["A.npz", "B.npz"]


# --- 2: protected and shared takes ---------------------------------------------------------------


def test_a_take_marked_read_only_is_refused_before_the_engine_and_kept(talk, tmp_path, capsys, engine_calls):
    """The TD made the approved take read-only (0444). A run over it replaced it with new contents
    and a writable 0644 mode, without a word; ``open()`` would have refused. Refused up front now (as
    root too: a file without any write bit is protected on purpose)."""
    out = _take(tmp_path / "approved")
    for name in ("A.npz", "B.npz"):
        (out / name).chmod(0o444)
    before = snapshot(out)
    code, err, _ = run_cli(capsys, _infer(talk, out, "--behaviour-seed", "5"))
    assert_refused(code, err, f"--out {out / 'A.npz'} is read-only; remove it or make it writable")
    assert engine_calls == [] and snapshot(out) == before
    assert stat.S_IMODE((out / "A.npz").stat().st_mode) == 0o444


def test_a_read_only_file_is_refused_by_every_writer_before_it_writes(tmp_path):
    """The add-on's and animate's own writes go through ``atomic_paths`` too: the writer is not even
    started for a set that holds a read-only file, and nothing is left behind."""
    (tmp_path / "A.npz").write_bytes(b"approved")
    (tmp_path / "A.npz").chmod(0o444)
    started = []
    with pytest.raises(DualTalkError, match=r"A\.npz is read-only; remove it or make it writable"):
        with fileio.atomic_paths([tmp_path / "B.npz", tmp_path / "A.npz"]) as tmps:
            started.append(tmps)
    assert started == [] and sorted(p.name for p in tmp_path.iterdir()) == ["A.npz"]


def test_a_group_shared_take_keeps_its_mode_and_group_when_replaced(talk, tmp_path, capsys):
    """A take shared with the render group (0664) became 0644 when re-generated under umask 022, and
    the next artist of the group could no longer replace it."""
    out = tmp_path / "shared"
    code, err, _ = run_cli(capsys, _infer(talk, out))
    assert code == 0, err
    groups = [g for g in os.getgroups() if g != os.getegid()] or ([4321] if os.geteuid() == 0 else [])
    for name in ("A.npz", "B.npz"):
        (out / name).chmod(0o664)
        if groups:
            os.chown(out / name, -1, groups[0])
    old = os.umask(0o022)
    try:
        code, err, _ = run_cli(capsys, _infer(talk, out, "--behaviour-seed", "5"))
    finally:
        os.umask(old)
    assert code == 0, err
    for name in ("A.npz", "B.npz"):
        st = (out / name).stat()
        assert oct(stat.S_IMODE(st.st_mode)) == oct(0o664)
        if groups:
            assert st.st_gid == groups[0]


# --- 5, 11: folders this user cannot enter, names too long ---------------------------------------


@pytest.fixture
def closed(tmp_path, monkeypatch) -> Path:
    """``tmp_path/private``, a folder this user may not enter (another user's 0700 folder): stat of
    anything inside is EACCES. Simulated (root may enter any folder), with the folder's bits to match."""
    private = tmp_path / "private"
    private.mkdir()
    real_stat, real_lstat, real_access = os.stat, os.lstat, os.access

    def denied(path) -> bool:
        try:
            return Path(os.fsdecode(path)).is_relative_to(private) and Path(os.fsdecode(path)) != private
        except TypeError:  # a descriptor
            return False

    def guard(real):
        def call(path, *a, **k):
            if denied(path):
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, *a, **k)

        return call

    def access(path, mode, *a, **k):
        if Path(os.fsdecode(path)) == private:
            return False
        return False if denied(path) else real_access(path, mode, *a, **k)

    monkeypatch.setattr(os, "stat", guard(real_stat))
    monkeypatch.setattr(os, "lstat", guard(real_lstat))
    monkeypatch.setattr(os, "access", access)
    return private


def test_infer_with_an_input_in_a_folder_it_cannot_enter_is_one_line(
    talk, tmp_path, capsys, closed, engine_calls
):
    """Was "internal error (PermissionError ...)", exit 1: Path.is_dir() raises EACCES on Python 3.11."""
    for flag in ("--audio", "--transcript", "--turns"):
        argv = _infer(talk, tmp_path / "o") if flag != "--audio" else _infer(closed / "t.wav", tmp_path / "o")
        if flag != "--audio":
            argv += [flag, str(closed / "t.txt")]
        code, err, _ = run_cli(capsys, argv)
        line = assert_refused(code, err, "cannot be opened (permission denied: cannot enter folder")
        assert str(closed) in line
    assert engine_calls == [] and not (tmp_path / "o").exists()


def test_eval_with_folders_it_cannot_enter_is_one_line(tmp_path, capsys, closed):
    code, err, _ = run_cli(capsys, ["eval", "--pred", str(closed / "pred"), "--gt", str(closed / "gt")])
    assert_refused(
        code,
        err,
        f"--pred {closed / 'pred'} cannot be opened (permission denied: cannot enter folder {closed})",
    )


def test_an_output_in_a_folder_it_cannot_enter_is_one_line(closed):
    """What animate's and a job's up-front checks call (``check_target``, ``check_folder_target``)."""
    for check, label in ((outputs.check_target, "--out"), (outputs.check_folder_target, "work folder")):
        with pytest.raises(DualTalkError, match="cannot be written .permission denied: cannot enter folder"):
            check(closed / "shots" / "s.blend", label)


def test_every_input_file_in_a_folder_it_cannot_enter_names_that_folder(closed):
    """The shared input check (motion files, job files, --blend, presets...) said only "permission
    denied", leaving the user to guess which of the path's folders is closed to them."""
    from dualtalk.inference.core.inputs import check_input_file

    with pytest.raises(DualTalkError) as refused:
        check_input_file(closed / "take" / "A.npz", "--motion")
    assert str(refused.value) == (
        f"--motion {closed / 'take' / 'A.npz'} cannot be opened (permission denied: cannot enter folder {closed})"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may enter any folder")
def test_a_real_folder_it_cannot_enter_is_one_line(talk, tmp_path, capsys):
    private = tmp_path / "private"
    private.mkdir()
    write_stereo(private / "t.wav")
    private.chmod(0)
    try:
        code, err, _ = run_cli(capsys, _infer(private / "t.wav", tmp_path / "o"))
        assert_refused(code, err, f"cannot be opened (permission denied: cannot enter folder {private})")
        with pytest.raises(DualTalkError, match="cannot enter folder"):
            outputs.check_target(private / "s.blend", "--out")
    finally:
        private.chmod(0o755)


@pytest.mark.parametrize(
    "out, why",
    [(f"lp/{LONG}", "name too long (300 bytes; the limit is 255 per name, 4096 per path)"),
     (f"lp/{DEEP}", "path too long")],
    ids=["name", "path"],
)  # fmt: skip
def test_an_out_too_long_is_refused_before_the_engine_and_leaves_no_folder(
    talk, tmp_path, capsys, engine_calls, monkeypatch, out, why
):
    """Found only when writing, after the whole generation, and lp/ was left behind (or "internal
    error" for a path over 4096 bytes)."""
    monkeypatch.chdir(tmp_path)
    code, err, _ = run_cli(capsys, _infer(talk, out))
    assert_refused(code, err, why)
    assert engine_calls == [] and not (tmp_path / "lp").exists()


def test_inputs_and_outputs_too_long_are_one_line(talk, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err, _ = run_cli(capsys, _infer(Path(LONG + ".wav"), "o"))
    assert_refused(code, err, "name too long")
    code, err, _ = run_cli(capsys, ["eval", "--pred", LONG, "--gt", "gt"])
    assert_refused(code, err, "name too long (300 bytes") and err[0].startswith("error: --pred yyy")
    for check in (outputs.check_target, outputs.check_folder_target):
        for path in (f"lp/{DEEP}/s.blend", f"lp/{LONG}.blend", f"lp/{LONG}/s.blend"):
            with pytest.raises(DualTalkError, match="too long"):
                check(path, "--out")
    assert sorted(os.listdir(tmp_path)) == ["talk.wav"]


def test_a_folder_that_cannot_be_made_leaves_none_of_the_folders_made_on_the_way(tmp_path):
    with pytest.raises(DualTalkError, match="cannot create output directory"):
        fileio.ensure_writable_dir(tmp_path / "new" / "deeper" / LONG)
    assert list(tmp_path.iterdir()) == []


# --- 13: wording, and the inputs before the engine -----------------------------------------------


def test_an_unwritable_work_folder_is_named_once(tmp_path, monkeypatch):
    """The line said "work folder folder ... is not writable": the label already says folder."""
    monkeypatch.setattr(outputs, "cannot_write", lambda folder: "is not writable")
    with pytest.raises(DualTalkError) as err:
        outputs.check_folder_target(tmp_path, "work folder")
    assert str(err.value) == f"work folder {tmp_path} is not writable"
    with pytest.raises(DualTalkError) as err:
        outputs.check_folder_target(tmp_path, "--out")
    assert str(err.value) == f"--out folder {tmp_path} is not writable"


def test_a_missing_recording_is_refused_before_the_engine_loads(tmp_path, capsys, engine_calls):
    """The engine loaded (about 4 s) before infer found that --audio does not exist."""
    code, err, _ = run_cli(capsys, _infer(tmp_path / "missing.wav", tmp_path / "o"))
    assert_refused(code, err, f"audio file not found: {tmp_path / 'missing.wav'}")
    assert engine_calls == [] and not (tmp_path / "o").exists()
