"""Two runs given the same new take folder: the one that looks while the other is making it must not
mistake the folder for a file name. It goes on to the folder's lock, which says who is writing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core import outputs
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request


@pytest.fixture
def made_after_first_look(monkeypatch):
    """The other run makes the folder just after this run's ``after``-th look at it found nothing."""
    real_stat = outputs.stat_path
    state = {"target": None, "after": 1, "looked": False}

    def stat_path(path, label, *, follow=True, action="opened"):
        st = real_stat(path, label, follow=follow, action=action)
        target = state["target"]
        if target is not None and not state["looked"] and Path(path) == target and st is None:
            state["after"] -= 1
            if state["after"] == 0:
                state["looked"] = True
                os.mkdir(target)  # the other run, between this run's looks
        return st

    monkeypatch.setattr(outputs, "stat_path", stat_path)
    return state


def test_a_folder_made_between_two_looks_is_still_a_folder_to_write_into(tmp_path, made_after_first_look):
    take = tmp_path / "take"
    made_after_first_look["target"] = take
    outputs.check_folder_target(take, "--out")  # was: "--out .../take is a folder; give a file name"
    assert made_after_first_look["looked"] and take.is_dir()


def test_infer_racing_another_run_for_a_new_take_folder_passes_the_folder_checks(
    tmp_path, made_after_first_look
):
    audio = tmp_path / "talk.wav"
    audio.write_bytes(b"")  # never read: the folder checks come first
    take = tmp_path / "take"
    made_after_first_look.update(target=take, after=2)  # check_take_folder's look, then the folder check's
    out = pipeline.check_take_folder(take, Request(audio=str(audio)), label="--out")
    assert out == take and made_after_first_look["looked"]


def test_a_new_folder_under_a_file_is_still_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DualTalkError, match=r"cannot be created: .*notes.txt is a file, not a folder"):
        outputs.check_folder_target(tmp_path / "notes.txt" / "take", "--out")
