"""A TD runs the farm's jobs from a git checkout of DualTalk and drops a one-line ``try.py`` into
``inference/`` while looking into something. Before, every done shot then ran again with ``--skip-done``
("made by another build of DualTalk"): the done record's code fingerprint counted every ``*.py`` in
the package, though the build id had counted only the files git tracks since 1b3440f (review rv37b
F10). The record now follows the build id's rule: in a checkout only tracked files count (an edit
of a tracked one, or a file added with ``git add``, still makes another build); without git (an
installed extension) every file counts, as before."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands import shot_state

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make a checkout")


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    argv = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    subprocess.run(argv, cwd=folder, env=env, check=True, capture_output=True)


def committed(checkout: Path) -> Path:
    git(checkout, "init", "-q")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "the project")
    return checkout


def _fingerprint(root: Path) -> str:
    return shot_state.fingerprint_of(root, shot_state._BUILD_CODE, None)


def test_a_scratch_file_in_a_checkout_leaves_the_done_shots_done(checkout):
    repo = committed(checkout)
    here = _fingerprint(repo)
    (repo / "inference" / "zz_try.py").write_text("print('trying something')\n")
    (repo / "dualtalk_blender" / "scene" / "apply copy.py").write_text("x = 1\n")
    assert _fingerprint(repo) == here  # before: another build, every done shot ran again

    git(repo, "add", "inference/zz_try.py")  # added: part of the program now
    assert _fingerprint(repo) != here


def test_an_edit_of_a_tracked_module_is_another_build(checkout):
    repo = committed(checkout)
    here = _fingerprint(repo)
    timebase = repo / "inference" / "core" / "timebase.py"
    timebase.write_text(timebase.read_text() + "\nEXTRA = 1\n")
    assert _fingerprint(repo) != here


def test_without_git_every_file_counts(checkout):
    repo = committed(checkout)
    shutil.rmtree(repo / ".git")
    here = _fingerprint(repo)
    (repo / "inference" / "zz_try.py").write_text("print('trying something')\n")
    assert _fingerprint(repo) != here


def test_the_build_id_and_the_done_record_count_files_by_one_rule(checkout, monkeypatch):
    """The done record's code fingerprint repeated the build id's tracked-file rule (review rv38d F5),
    free to drift from it: both now ask ``build_info.is_tracked``, so a rule changed there changes both."""
    from dualtalk.inference import build_info

    repo = committed(checkout)
    rel = "inference/core/timebase.py"
    assert rel in build_info.fingerprinted_files(repo)
    monkeypatch.setattr(build_info, "is_tracked", lambda path, tracked: path != rel)
    assert rel not in build_info.fingerprinted_files(repo)
    here = _fingerprint(repo)
    (repo / rel).write_text((repo / rel).read_text() + "\nEXTRA = 1\n")
    assert _fingerprint(repo) == here  # the record's count left the file out, as the build id did
