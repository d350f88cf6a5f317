"""A Linux farm node writing to a case-insensitive folder (a Windows share over SMB, an exFAT drive,
an ext4 casefold folder): two shots writing ``Take.blend`` and ``take.blend`` there write one file,
so they are refused as on macOS and Windows. The folder is asked, not the platform (review 33x F11).

This kernel cannot mount a case-folding file system, so the folder's answer is simulated two ways:
entries that are the same file under both letter cases (what such a folder shows), and the answer
itself given to the job check."""

from __future__ import annotations

import os
import sys

import pytest
from dualtalk.dualtalk_blender.commands import jobs
from dualtalk.inference.core import outputs
from dualtalk.inference.core.errors import DualTalkError

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="case-insensitive by platform")


def test_a_folder_whose_names_in_either_case_are_one_entry_folds_case(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "renders").mkdir()
    os.symlink("renders", share / "RENDERS")  # as a case-folding folder answers a lookup in the other case
    assert outputs.folds_case(str(share))
    assert outputs.case_insensitive(share / "new" / "Take.blend")  # asked at its nearest existing folder
    assert outputs.spelled(share / "Take.blend") == outputs.spelled(share / "take.blend")


def test_an_ordinary_linux_folder_tells_case_apart(tmp_path):
    (tmp_path / "Scene.blend").write_bytes(b"x")
    (tmp_path / "scene.BLEND").write_bytes(b"y")  # two files: the swapped spelling is another file
    assert not outputs.folds_case(str(tmp_path))
    assert not outputs.case_insensitive(tmp_path / "Take.blend")
    assert not outputs.case_insensitive("relative/Take.blend") and not outputs.case_insensitive()
    empty = tmp_path / "Empty"
    empty.mkdir()
    assert not outputs.folds_case(str(empty))  # asked through its own name in its parent


def test_two_shots_in_letter_case_only_on_a_case_folding_share_are_refused(tmp_path, monkeypatch):
    (tmp_path / "Scene.blend").write_bytes(b"BLENDER-v500 the user's scene")
    (tmp_path / "talk.wav").write_bytes(b"RIFF")
    share = str(tmp_path)
    real = outputs.folds_case
    monkeypatch.setattr(outputs, "folds_case", lambda folder: folder == share or real(folder))
    shot = {"blend": "Scene.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav"}
    shots = [{**shot, "name": "one", "out": "Take.blend"}, {**shot, "name": "two", "out": "take.blend"}]
    with pytest.raises(DualTalkError, match="names differing only in letter case name one file here"):
        jobs.parse_jobs({"shots": shots}, tmp_path)  # was: both ran, the second replacing the first


def test_the_same_two_shots_in_an_ordinary_linux_folder_are_two_files(tmp_path):
    (tmp_path / "Scene.blend").write_bytes(b"BLENDER-v500 the user's scene")
    (tmp_path / "talk.wav").write_bytes(b"RIFF")
    shot = {"blend": "Scene.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav"}
    shots = [{**shot, "name": "one", "out": "Take.blend"}, {**shot, "name": "two", "out": "take.blend"}]
    assert [s.out.name for s in jobs.parse_jobs({"shots": shots}, tmp_path)] == ["Take.blend", "take.blend"]
