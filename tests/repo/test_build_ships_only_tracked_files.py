"""A developer builds the extension from a git checkout with a scratch ``try.py`` (a token in it)
beside the code. Blender's builder packed it without a word (review rv38e F5), and the installed
copy then named another build than the checkout's ``--version``. Now a file git does not track
refuses the build in one line naming it, and no zip is left; once ``git add``-ed it ships, and the
installed copy and the checkout name the same build. A source tarball (no ``.git``) builds as before.
What git tracks is read by the build id's own rule (``build_info.read_tracked``: git's index read
directly), so a machine without git on PATH builds too (it was refused: review rv39a F6).

Each case builds a copy of the checkout with Blender's own builder (about 0.5 s)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from dualtalk.inference import build_info

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make a checkout")

SECRET = 'TOKEN = "hf_not_for_the_zip"\n'


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )


def committed(checkout: Path) -> Path:
    git(checkout, "init", "-q")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "the project")
    return checkout


def test_a_scratch_file_in_a_git_checkout_refuses_the_build_in_one_line(tool, checkout, tmp_path):
    repo = committed(checkout)
    (repo / "try.py").write_text(SECRET)
    (repo / "operators" / "quick_fix.py").write_text("print('a fix not added')\n")
    out = tmp_path / "dist"
    with pytest.raises(SystemExit) as refused:
        build_extension.build(tool, out, source=repo)
    line = str(refused.value)
    assert line.startswith("error:") and "\n" not in line, line
    assert "try.py" in line and "operators/quick_fix.py" in line and "git add" in line, line
    assert not list(out.glob("*.zip")), "a zip holding an untracked file was left to ship"


def test_an_added_file_ships_and_the_installed_copy_names_the_checkouts_build(tool, checkout, tmp_path):
    repo = committed(checkout)
    (repo / "try.py").write_text(SECRET)
    git(repo, "add", "try.py")
    zip_path = build_extension.build(tool, tmp_path / "dist", source=repo)
    with zipfile.ZipFile(zip_path) as zf:
        assert "try.py" in zf.namelist()
        zf.extractall(tmp_path / "installed")
    # the installed copy has no git: every shipped file counts, and that is what the checkout tracks
    installed = build_info.source_fingerprint(tmp_path / "installed")
    assert installed == build_info.source_fingerprint(repo)


def test_a_source_tarball_without_git_still_builds(tool, checkout, tmp_path):
    assert not (checkout / ".git").exists()
    zip_path = build_extension.build(tool, tmp_path / "dist", source=checkout)
    with zipfile.ZipFile(zip_path) as zf:
        assert "inference/build_info.py" in zf.namelist()


def test_without_git_on_path_the_build_reads_what_git_tracks_all_the_same(
    tool, checkout, tmp_path, monkeypatch
):
    """An artist's machine with a checkout but no git program: the build was refused ("cannot list the
    files git tracks ... No such file or directory: 'git'"); the index is read by build_info's rule."""
    repo = committed(checkout)
    (repo / "try.py").write_text(SECRET)
    monkeypatch.setenv("PATH", str(tmp_path / "no_programs_here"))
    with pytest.raises(SystemExit) as refused:
        build_extension.build(tool, tmp_path / "dist", source=repo)
    line = str(refused.value)
    assert "try.py" in line and "git add" in line and "cannot list" not in line, line
    (repo / "try.py").unlink()
    zip_path = build_extension.build(tool, tmp_path / "dist", source=repo)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(tmp_path / "installed")
    assert build_info.source_fingerprint(tmp_path / "installed") == build_info.source_fingerprint(repo)


def test_an_index_the_build_id_cannot_read_refuses_the_build_in_one_line(tool, checkout, tmp_path):
    """A split index (``core.splitIndex``): the build id cannot tell what git tracks there and counts
    every file, so the build, which ships only what git tracks, says so rather than guess."""
    repo = committed(checkout)
    git(repo, "update-index", "--split-index")
    out = tmp_path / "dist"
    with pytest.raises(SystemExit) as refused:
        build_extension.build(tool, out, source=repo)
    line = str(refused.value)
    assert line.startswith(f"error: cannot read the files git tracks in {repo} (") and "\n" not in line, line
    assert "git update-index --no-split-index" in line, line
    assert not list(out.glob("*.zip"))
    git(repo, "update-index", "--no-split-index")
    assert build_extension.build(tool, out, source=repo).is_file()
