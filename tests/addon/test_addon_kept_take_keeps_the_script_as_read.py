"""An animator generates from a typed script, and the take cannot be keyed (a character deleted while
it generated): the take is kept in a ``dualtalk_take_*`` folder. The run's ``script_read.tsv`` (what
each script line was read as, which the engine writes beside the motion files) goes with it, since
the run's own folder is removed after every run; before, it was lost with that folder. The folder
is still a kept take: listed, counted, pruned and deleted with the file in it. Apply Saved Take on a
folder holding one (a kept take, or an ``infer --out`` folder) says where it is in its status line:
the text of the .blend it keeps the reading in, as Generate's does, and the file.
Headless: no worker runs (the engine writing the file is tested in tests/phonetic)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import addon_helpers as ah
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from dualtalk.inference.core.motion import Motion, save_motion
from dualtalk.inference.phonetic.script_reading import HEADER

READING = HEADER + "\n1\tA\ten\tI paid $5.\ti paid five\tdrawn\t0.10\t1.20\t\n"


@pytest.fixture
def temp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _run_folder(folder: Path, reading: str | None = READING) -> dict[str, str]:
    """A finished run's folder as the worker leaves it: the motion files, and the script as read."""
    folder.mkdir()
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        save_motion(folder / f"{role}.npz", Motion("arkit55", values, role=role, engine="lite"))
    if reading is not None:
        (folder / "script_read.tsv").write_text(reading, encoding="utf-8")
    return {"a": str(folder / "A.npz"), "b": str(folder / "B.npz"), "engine": "lite"}


def test_a_kept_take_carries_the_script_as_read(tmp_path, temp):
    run = tmp_path / "dualtalk_run_x"
    kept = saved_takes.keep_take(_run_folder(run))

    assert kept is not None
    assert sorted(p.name for p in kept.iterdir()) == ["A.npz", "B.npz", "result.json", "script_read.tsv"]
    assert (kept / "script_read.tsv").read_text(encoding="utf-8") == READING
    assert not (run / "script_read.tsv").exists()  # moved with the take, not left to the run's clean-up


def test_a_take_with_its_reading_is_listed_counted_and_deleted_whole(tmp_path, temp):
    kept = saved_takes.keep_take(_run_folder(tmp_path / "run"))
    plain = saved_takes.keep_take(_run_folder(tmp_path / "plain", reading=None))
    assert kept is not None and plain is not None

    assert sorted(saved_takes.kept_takes()) == sorted([kept, plain])
    size = saved_takes.takes_size([kept])
    assert size == sum(p.stat().st_size for p in kept.iterdir())  # the reading counted too
    assert saved_takes.delete_kept_takes()[0] == 2
    assert not kept.exists() and not plain.exists()


def test_an_old_take_with_its_reading_is_pruned_like_any_other(tmp_path, temp):
    kept = saved_takes.keep_take(_run_folder(tmp_path / "run"))
    assert kept is not None
    saved_takes._let_go(kept)  # kept by another session, long since closed

    deleted, _freed, left = saved_takes.prune_kept_takes(14, now=time.time() + 30 * 86400)

    assert deleted == [kept] and left == 0 and not kept.exists()


def test_a_take_folder_holding_anything_more_is_still_left_alone(tmp_path, temp):
    kept = saved_takes.keep_take(_run_folder(tmp_path / "run"))
    assert kept is not None
    (kept / "notes.txt").write_text("the good take", encoding="utf-8")

    assert saved_takes.kept_takes() == []
    assert saved_takes.delete_kept_takes() == (0, 0)
    assert (kept / "script_read.tsv").is_file() and (kept / "notes.txt").is_file()


def test_apply_saved_take_says_where_the_script_as_read_is(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scripted, plain, mine = tmp_path / "scripted", tmp_path / "plain", tmp_path / "mine"
    _run_folder(scripted)
    _run_folder(plain, reading=None)
    _run_folder(mine, reading="my own notes\n")

    line = saved_takes.apply_take(scene, scene.dualtalk, str(scripted))

    text = "DualTalk script read – take (Alice & Bob)"  # the take's text, as Generate's line names it
    assert f"; each script line as read is in the text '{text}' and in {scripted / 'script_read.tsv'}" in line
    for folder in (plain, mine):  # none, or a file of that name DualTalk did not write
        assert "script line as read" not in saved_takes.apply_take(scene, scene.dualtalk, str(folder))
