"""A TD typed a colleague's lighting file as ``--out``. Before, animate replaced it without a word and
without the ``.blend1`` Blender keeps when it overwrites a file. Now a .blend that animate's record
does not name as its own unchanged output is kept as ``<name>.blend1`` (as Blender's Save Versions
does) and the result line says so; a re-run over animate's own output replaces it as before, with no
backup (tests/commands/test_animate_keeps_what_it_did_not_write.py). A shot without work files (motion
files, no audio) keeps its record beside its .blend: the same holds for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import run_cli
from test_blender_animate import build_scene, motions


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("foreign") / "in.blend")


def _animate(scene, tmp_path, capsys, out: Path) -> tuple[int, list[str], str]:
    a, b = motions(tmp_path)
    argv = ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob", "--quiet",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(out)]  # fmt: skip
    return run_cli(capsys, argv)


def test_a_blend_without_a_dualtalk_take_is_kept_as_blend1(scene, tmp_path, capsys):
    lighting = tmp_path / "lighting.blend"
    shutil.copy(scene, lighting)
    before = sha256_file(lighting)
    code, err, line = _animate(scene, tmp_path, capsys, lighting)
    assert code == 0 and not err, err
    assert "; kept the lighting.blend it replaced (no record says animate wrote it" in line, line
    assert "as lighting.blend1" in line
    assert sha256_file(tmp_path / "lighting.blend1") == before
    assert sha256_file(lighting) != before


def test_a_rerun_of_a_shot_without_work_files_keeps_its_earlier_blend_worked_in_since(
    scene, tmp_path, capsys
):
    """Motion files and no audio: no work folder; the record beside the .blend holds the
    fingerprint of the .blend animate wrote. One worked in since (saved: its bytes differ) is kept
    (review 29a, finding 7: replaced, as "ours" was judged by its DualTalk actions, which every
    keyed scene has); animate's own unchanged one is replaced without a backup (session 36: each
    re-run kept its own as shot.blend1, over the colleague's file an earlier run kept there)."""
    out = tmp_path / "shot.blend"
    assert _animate(scene, tmp_path, capsys, out)[0] == 0
    code, err, line = _animate(scene, tmp_path, capsys, out)
    assert code == 0 and not err, err
    assert "kept" not in line and not (tmp_path / "shot.blend1").exists(), line
    with out.open("ab") as fh:  # the artist's save
        fh.write(b"\0")
    worked = sha256_file(out)
    code, err, line = _animate(scene, tmp_path, capsys, out)
    assert code == 0 and not err, err
    assert "; kept the shot.blend it replaced (changed since animate wrote it) as shot.blend1" in line, line
    assert sha256_file(tmp_path / "shot.blend1") == worked


def test_an_out_that_is_a_link_to_the_colleagues_file_keeps_the_file_not_the_link(scene, tmp_path, capsys):
    """``--out`` is a link to the lighting file (a shot folder of links): the .blend1 kept is the
    lighting file's content, not a second link to what the run writes."""
    shared = tmp_path / "shared"
    shared.mkdir()
    lighting = shared / "lighting.blend"
    shutil.copy(scene, lighting)
    before = sha256_file(lighting)
    link = tmp_path / "shot.blend"
    link.symlink_to(lighting)
    code, err, line = _animate(scene, tmp_path, capsys, link)
    assert code == 0 and not err, err
    kept = tmp_path / "shot.blend1"
    assert "as shot.blend1" in line, line
    assert not kept.is_symlink() and sha256_file(kept) == before
    assert sha256_file(link) != before  # the run's take is where the link points


def test_a_blend1_that_is_a_folder_is_left_and_the_file_kept_beside_it(scene, tmp_path, capsys):
    """A folder holds the backup's name. It was refused before any work; since nothing kept is ever
    replaced (review rv37b F1) the lighting file goes to the next free name, ``lighting.blend2``, and
    the folder stays as it was."""
    lighting = tmp_path / "lighting.blend"
    shutil.copy(scene, lighting)
    before = sha256_file(lighting)
    (tmp_path / "lighting.blend1").mkdir()
    code, err, line = _animate(scene, tmp_path, capsys, lighting)
    assert code == 0 and not err, err
    assert "as lighting.blend2 (lighting.blend1 is taken: left as it is)" in line, line
    assert sha256_file(tmp_path / "lighting.blend2") == before
    assert (tmp_path / "lighting.blend1").is_dir()
