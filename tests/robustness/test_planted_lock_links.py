"""A link planted at an output lock's name in a shared folder (review 29a, finding 16).

Anyone who can create a file in a farm share or a colleague's take folder could plant
``.take.dualtalk-lock`` (or ``.s1.blend.dualtalk-lock``) as a symbolic link to a file of the runner's:
the next run truncated that file and wrote its holder line into it, then removed the link, so nothing
showed what had happened. Now the lock is only ever a regular file of its own: anything else at its
name stops the run in one line before anything is written, and what it points to is left as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dualtalk.inference.core import locks
from dualtalk.inference.core.errors import DualTalkError
from robustness_util import assert_refused, run_cli, write_stereo

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links and flock")

PRECIOUS = b"export PATH=/usr/bin\n# my shell setup\n"


@pytest.fixture
def engine_calls(monkeypatch) -> list:
    """Records engine loads: a refusal "before any work" leaves this empty."""
    import dualtalk.inference.engine as engine_mod

    calls: list = []
    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: calls.append(a) or object())
    return calls


def test_infer_into_a_shared_take_folder_with_a_planted_lock_link_leaves_its_target_alone(
    tmp_path, capsys, engine_calls
):
    """A colleague's take folder holds ``.take.dualtalk-lock -> ../bashrc``: infer stops in one line
    naming the link, before its engine loads; the bashrc is byte-identical and the link stays to be
    seen."""
    talk = write_stereo(tmp_path / "talk.wav")
    victim = tmp_path / "bashrc"
    victim.write_bytes(PRECIOUS)
    out = tmp_path / "shared" / "take"
    out.mkdir(parents=True)
    (out / ".take.dualtalk-lock").symlink_to("../../bashrc")
    code, err, _ = run_cli(capsys, ["infer", "--quiet", "--audio", str(talk), "--out", str(out)])
    assert_refused(code, err, f"{out / '.take.dualtalk-lock'} is a symbolic link; remove it")
    assert engine_calls == []
    assert victim.read_bytes() == PRECIOUS
    assert (out / ".take.dualtalk-lock").is_symlink() and sorted(os.listdir(out)) == [".take.dualtalk-lock"]


def test_a_dangling_lock_link_creates_nothing_where_it_points(tmp_path):
    """A link to a file that does not exist yet (``../../planted``) would have been created by the
    lock's ``O_CREAT``: now nothing appears there."""
    shot = tmp_path / "shots" / "s1.blend"
    shot.parent.mkdir()
    locks.lock_file(shot).symlink_to("../planted")
    with pytest.raises(DualTalkError) as err:
        with locks.locked(shot, "--out"):
            pytest.fail("ran with a planted lock link")
    assert str(err.value) == f"cannot lock {shot}: {locks.lock_file(shot)} is a symbolic link; remove it"
    assert not (tmp_path / "planted").exists()


def test_animates_shot_lock_refuses_a_link_to_the_animators_file(tmp_path):
    """``animate``'s per-shot lock (``.s1.blend.dualtalk-lock`` beside the .blend) is the same lock:
    a link there to the animator's file is refused and the file keeps every byte."""
    victim = tmp_path / "bashrc"
    victim.write_bytes(PRECIOUS)
    shot = tmp_path / "shots" / "s1.blend"
    shot.parent.mkdir()
    locks.lock_file(shot).symlink_to(victim)
    with pytest.raises(DualTalkError, match="s1.blend.dualtalk-lock is a symbolic link; remove it"):
        with locks.locked_all([("--out", shot)], what="shot"):
            pytest.fail("ran with a planted lock link")
    assert victim.read_bytes() == PRECIOUS


def test_a_hard_link_a_pipe_or_a_folder_at_the_lock_name_is_refused_untouched(tmp_path):
    """Not a link but not the lock's own file either: a second name of the runner's file (a hard
    link), a pipe (opening it could block), a folder. Each is one line; the file keeps its bytes."""
    victim = tmp_path / "notes.txt"
    victim.write_bytes(PRECIOUS)
    cases: dict[str, tuple[str, object]] = {
        "hard": ("is a hard link to another file (2 names); remove it", lambda p: os.link(victim, p)),
        "pipe": ("is not a regular file (a DualTalk lock is one); remove it", os.mkfifo),
        "dir": ("is not a regular file (a DualTalk lock is one); remove it", os.mkdir),
    }
    for name, (said, plant) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        lock = locks.take_lock_file(folder)
        plant(lock)  # type: ignore[operator]
        with pytest.raises(DualTalkError) as err:
            with locks.locked(folder, "--out", lock=lock):
                pytest.fail(f"ran with a {name} at the lock's name")
        assert str(err.value) == f"cannot lock {folder}: {lock} {said}", name
        assert os.path.lexists(lock)
    assert victim.read_bytes() == PRECIOUS


def test_a_regular_lock_file_left_by_a_killed_run_is_still_taken_over(tmp_path: Path):
    """The guard leaves the old behaviour alone: a regular file a ``kill -9`` left is taken over and
    removed after the run."""
    folder = tmp_path / "take"
    folder.mkdir()
    lock = locks.take_lock_file(folder)
    lock.write_text("pid 1 on render04, since 2026-12-05T00:41:07Z\n")
    with locks.locked(folder, "--out", lock=lock):
        assert lock.read_text().startswith(f"pid {os.getpid()} on ")
    assert not lock.exists()
