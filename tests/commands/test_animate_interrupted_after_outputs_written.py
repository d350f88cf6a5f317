"""A TD presses Ctrl-C (or the farm sends SIGTERM) just as ``animate`` puts its outputs in place.
Before, a signal landing right after the renames exited 130 "interrupted" with no result line,
although the whole set was written and recorded as done. Now a shot whose set is in place finishes:
it prints its result line, records itself done, and says in one warning line that the signal came
too late to stop it: exit 0, as ``infer`` once its take is in place (the set's renames are the
shot's commit point: a farm reads 0 as "the new outputs are there"). A signal before the renames
still keeps the earlier set, prints no result line and exits 130/143."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_run
from dualtalk.inference.core import fileio
from dualtalk.inference.core.outputs import WORK_MARKER
from robustness_util import run_cli
from test_blender_animate import build_scene, two_voices


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("late_signal")
    audio = two_voices(folder / "talk.wav", seconds=2.0)
    rc = main(["infer", "--audio", str(audio), "--out", str(folder / "take"), "--engine", "lite",
               "--device", "cpu", "--quiet"])  # fmt: skip
    assert rc == 0
    return {"scene": build_scene(folder / "in.blend"), "audio": audio, "take": folder / "take"}


def _animate(take, capsys, out: Path) -> tuple[int, list[str], str]:
    argv = ["animate", "--blend", str(take["scene"]), "--char-a", "Ann", "--char-b", "Bob", "--quiet",
            "--motion-a", str(take["take"] / "A.npz"), "--motion-b", str(take["take"] / "B.npz"),
            "--audio", str(take["audio"]), "--out", str(out)]  # fmt: skip
    return run_cli(capsys, argv)


def _signal_after(monkeypatch, owner, name: str, sig: int, out: Path) -> None:
    """``sig`` right after ``owner.name`` (for the renames: those that put ``out`` in place)."""
    real = getattr(owner, name)

    def then_signal(*args, **kwargs):
        result = real(*args, **kwargs)
        if owner is not fileio or out in args[0]:
            os.kill(os.getpid(), sig)
        return result

    monkeypatch.setattr(owner, name, then_signal)


@pytest.mark.parametrize(
    ("owner", "name", "sig", "said"),
    [
        (fileio, "_replace_set", signal.SIGINT, "Ctrl-C (SIGINT)"),  # during the renames: held, then noted
        (shot_run, "record_done", signal.SIGTERM, "SIGTERM"),
    ],
    ids=["SIGINT as the set is renamed", "SIGTERM as it is recorded done"],
)
def test_a_signal_once_the_set_is_in_place_is_too_late_to_stop_the_shot(
    take, tmp_path, capsys, monkeypatch, owner, name, sig, said
):
    out = tmp_path / "shot.blend"
    _signal_after(monkeypatch, owner, name, sig, out)
    rc, err, line = _animate(take, capsys, out)
    assert rc == 0
    assert line.startswith(f"wrote {out}: ") and line.count("\n") == 1, line
    assert err == [
        f"warning: {said} came too late to stop this run: the shot's outputs had gone in place whole, so it "
        "finished (exit 0)"
    ]
    work = tmp_path / "shot.dualtalk"
    assert out.is_file() and (work / "dialogue.wav").is_file()
    assert '"done"' in (work / WORK_MARKER).read_text()  # recorded: a job's --skip-done may skip it


def test_a_signal_before_the_renames_keeps_no_new_set_and_prints_no_line(take, tmp_path, capsys, monkeypatch):
    def stopped(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(shot_run, "record_pending", stopped)
    rc, err, line = _animate(take, capsys, tmp_path / "shot.blend")
    assert (rc, err, line) == (130, ["error: interrupted"], "")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
