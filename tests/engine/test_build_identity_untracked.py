"""A file nobody added to the project is no part of its build. In a developer's checkout (the add-on
linked to it by scripts/setup.sh) a scratch ``try.py`` dropped beside the code, or an editor's or
Finder's copy of a module (``vad copy.py``, ``generate_old.py``), made another build id (session 36's
leftover), and with it every take's record and every cache keyed by the build. In a git checkout only
what git tracks counts now (read from its index: an add-on's Python may have no git), each tracked
file by its bytes on disk; without git (an installed extension) every shipped file counts as before."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from dualtalk.inference import build_info

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make a checkout")


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def committed(checkout: Path, *init: str) -> Path:
    git(checkout, "init", "-q", *init)
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "the project")
    return checkout


STRAYS = ("try.py", "inference/audio/vad copy.py", "inference/generate_old.py", "operators/scratch/t.py")


def test_a_scratch_file_and_an_editors_copy_in_a_checkout_are_the_same_build(checkout):
    repo = committed(checkout)
    here = build_info.source_fingerprint(repo)
    for stray in STRAYS:
        (repo / stray).parent.mkdir(parents=True, exist_ok=True)
        (repo / stray).write_text("print('trying something')\n")
    assert build_info.source_fingerprint(repo) == here  # before: another build id

    generate = repo / "inference" / "generate.py"
    text = generate.read_text()
    generate.write_text(text + "\n# an edit not yet committed\n")
    assert build_info.source_fingerprint(repo) != here  # a tracked file counts by its bytes
    generate.write_text(text)

    git(repo, "add", "try.py")  # added: now part of the program
    assert build_info.source_fingerprint(repo) != here


def test_the_checkout_and_its_installed_copy_without_git_are_the_same_build(checkout):
    repo = committed(checkout)
    here = build_info.source_fingerprint(repo)
    shutil.rmtree(repo / ".git")  # what the extension zip holds: the same files, no git
    assert build_info.source_fingerprint(repo) == here
    (repo / "try.py").write_text("x = 1\n")  # no git to ask: every shipped file counts
    assert build_info.source_fingerprint(repo) != here


@pytest.mark.parametrize("init", [(), ("--object-format=sha256",)], ids=["sha1", "sha256"])
@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_every_index_git_writes_lists_what_git_lists(checkout, init, version):
    repo = committed(checkout, *init)
    (repo / "new module.py").write_text("x = 1\n")
    git(repo, "add", "--intent-to-add", "new module.py")  # version 3's extended flags
    git(repo, "update-index", "--index-version", version)
    files, folders = build_info.tracked_files(repo) or (frozenset(), ())
    assert files == set(git(repo, "ls-files", "-z").split("\0")) - {""} and not folders


def test_a_worktree_of_the_checkout_reads_its_own_index(checkout, tmp_path):
    repo = committed(checkout)
    other = tmp_path / "other"
    git(repo, "worktree", "add", "-q", "--detach", str(other))
    assert (other / ".git").is_file()
    assert build_info.source_fingerprint(other) == build_info.source_fingerprint(repo)
    (other / "try.py").write_text("x = 1\n")
    assert build_info.source_fingerprint(other) == build_info.source_fingerprint(repo)


def test_an_index_this_reader_cannot_trust_counts_every_shipped_file(checkout):
    (checkout / "try.py").write_text("x = 1\n")
    everything = build_info.source_fingerprint(checkout)  # no git: the stray counts
    repo = committed(checkout)
    git(repo, "rm", "-q", "--cached", "try.py")
    assert build_info.source_fingerprint(repo) != everything
    index = repo / ".git" / "index"
    good = index.read_bytes()
    for damaged in (b"", b"DIRC\0\0\0\x07\0\0\0\1", good[:100], good[:-400]):
        index.write_bytes(damaged)
        assert build_info.tracked_files(repo) is None
        assert build_info.source_fingerprint(repo) == everything  # as before, and no crash
    index.write_bytes(good)
    git(repo, "rm", "-q", "-r", "--cached", "inference")  # an index that is not the project's
    assert build_info.tracked_files(repo) is None


def test_a_sparse_index_lists_its_folders_whole(checkout):
    repo = committed(checkout)
    git(repo, "sparse-checkout", "set", "--cone", "--sparse-index", "inference", "dualtalk_blender")
    files, folders = build_info.tracked_files(repo) or (frozenset(), ())
    listed = set(git(repo, "ls-files", "--sparse", "-z").split("\0")) - {""}
    assert "assets/" in folders and files | set(folders) == listed
    assert "inference/generate.py" in build_info.fingerprinted_files(repo)
