"""A TD re-keys a shot from motion files the engine made earlier (``--motion-a/-b``, no audio), with
``--fbx``, after each tweak of the rig. Such a shot writes no work folder, so it had nowhere to
record what it wrote: every re-run kept its own earlier FBX as ``shot.1.fbx``, ``shot.2.fbx``... (up
to 32, then refused "move them"), and kept its own earlier .blend as ``shot.blend1``, over the
colleague's lighting file the first run had kept there (session 36's closing note). Now the shot
records what it wrote beside its .blend (``.shot.blend.dualtalk-done``, as its lock is named): a
re-run replaces animate's own unchanged output without a word, and a file the user made or changed
is still kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import run_cli
from test_blender_animate import build_scene, motions


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("motion_file_shot") / "in.blend")


def _animate(scene: Path, tmp_path: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    a, b = motions(tmp_path, frames=5)
    argv = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "shot.blend"),
            "--fbx", str(tmp_path / "shot.fbx"), *extra]  # fmt: skip
    return run_cli(capsys, argv)


def _kept(tmp_path: Path) -> list[str]:
    """The copies kept beside the shot's outputs: ``shot.N.fbx``, ``shot.blendN``."""
    return sorted(p.name for p in [*tmp_path.glob("shot.*.fbx"), *tmp_path.glob("shot.blend?*")])


def test_re_runs_replace_their_own_output_and_keep_the_colleagues_file(scene, tmp_path, capsys):
    lighting = tmp_path / "shot.blend"
    lighting.write_bytes(scene.read_bytes())  # a colleague's file at --out
    theirs = sha256_file(lighting)

    code, err, line = _animate(scene, tmp_path, capsys)  # the colleague's file is kept, as before

    assert code == 0, err
    assert "kept the shot.blend it replaced (no record says animate wrote it" in line, line
    for _ in range(3):  # the TD's re-runs
        code, err, line = _animate(scene, tmp_path, capsys)
        assert code == 0, err
        assert "kept" not in line, line

    assert _kept(tmp_path) == ["shot.blend1"]  # no shot.1.fbx ... of animate's own
    assert sha256_file(tmp_path / "shot.blend1") == theirs  # never replaced by animate's own .blend
    assert (tmp_path / ".shot.blend.dualtalk-done").is_file()


def test_an_fbx_the_animator_changed_since_is_still_kept(scene, tmp_path, capsys):
    assert _animate(scene, tmp_path, capsys)[0] == 0
    fbx = tmp_path / "shot.fbx"
    with fbx.open("ab") as fh:
        fh.write(b"the animator's fix")
    fixed = sha256_file(fbx)

    code, err, line = _animate(scene, tmp_path, capsys)

    assert code == 0, err
    assert "; kept the shot.fbx it replaced (changed since animate wrote it) as shot.1.fbx" in line, line
    assert sha256_file(tmp_path / "shot.1.fbx") == fixed
    assert "kept" not in _animate(scene, tmp_path, capsys)[2]  # the new one is animate's own again


def test_a_link_planted_at_the_records_name_is_not_written_through(scene, tmp_path, capsys):
    """Someone links ``.shot.blend.dualtalk-done`` to a file of theirs: the shot neither reads it as
    a record (their FBX at the output name is kept) nor writes the record into the file it points at."""
    victim = tmp_path / "notes.txt"
    victim.write_text("my notes\n")
    os.symlink(victim, tmp_path / ".shot.blend.dualtalk-done")
    (tmp_path / "shot.fbx").write_bytes(b"hand keyed" * 100)

    code, err, line = _animate(scene, tmp_path, capsys)

    assert code == 0, err
    assert "kept the shot.fbx it replaced (no record says animate wrote it" in line, line
    assert (tmp_path / "shot.1.fbx").is_file()
    assert victim.read_text() == "my notes\n"
