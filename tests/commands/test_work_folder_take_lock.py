"""``infer --out X`` and ``animate --work X`` on one folder at once (closing note 25's leftover).

Both write ``A.npz``/``B.npz`` into X, but infer locked ``X/.take.dualtalk-lock`` and animate
``.X.dualtalk-lock`` beside X: two different files, so neither saw the other, and X could end with
A from one run and B from the other. Now animate locks its work folder as infer locks a take
folder, and whichever starts second stops in one line naming the holder, before any work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_state
from dualtalk.inference import pipeline
from dualtalk.inference.core import locks
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request
from test_audit_jobs import job_folder, voice

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")


def _animate(folder: Path, out: Path, work: Path, wav: Path) -> int:
    return main(
        ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann", "--char-b",
         "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz"),
         "--audio", str(wav), "--work", str(work), "--out", str(out)]
    )  # fmt: skip


def test_animate_into_a_folder_infer_is_writing_stops_before_any_work(tmp_path, capsys):
    """A TD keys shot 12 with ``--work takes/s12`` while a colleague's ``infer --out takes/s12`` is
    still running: the shot stops in one line naming the other run; no .blend, nothing in the folder."""
    folder = job_folder(tmp_path)
    wav = voice(folder / "in" / "talk.wav", 220)
    take = tmp_path / "takes" / "s12"
    take.mkdir(parents=True)
    out = tmp_path / "s12.blend"
    capsys.readouterr()
    with locks.locked(take, "--out", lock=locks.take_lock_file(take), what="take folder"):  # infer's own
        assert _animate(folder, out, take, wav) == 75  # busy: try again later (rv40c F5; was 2)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"error: another DualTalk run is writing {take} (pid {os.getpid()} on "), err
    assert err[0].endswith("); wait for it to end, or give this shot another --work"), err
    assert not out.exists()
    assert list(take.iterdir()) == []


def test_infer_into_a_folder_animate_is_writing_stops_before_the_engine(tmp_path):
    """The other way round: a shot holds its work folder; ``pipeline.run`` (what ``infer`` runs) into
    that folder stops in one line before the engine loads, and writes nothing there."""
    work = tmp_path / "s12"
    wav = voice(tmp_path / "talk.wav", 220)
    with shot_state.shot_lock([("--out", tmp_path / "s12.blend"), ("--work", work)], work):
        with pytest.raises(DualTalkError) as err:
            pipeline.run(Request(audio=str(wav)), work, label="--out")
    line = str(err.value)
    assert line.startswith(f"another DualTalk run is writing {work} (pid {os.getpid()} on "), line
    assert line.endswith("); wait for it to end, or give another --out"), line
    assert not work.exists()  # the lock's own folder went with the shot's lock


def test_a_first_shot_that_fails_still_leaves_no_work_folder(tmp_path, capsys):
    """The lock now sits inside the work folder; a first run that fails (here: a character not in the
    scene) must still leave no folder behind, only the user's files."""
    folder = job_folder(tmp_path)
    wav = voice(folder / "in" / "talk.wav", 220)
    work = tmp_path / "new_work"
    code = main(
        ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann", "--char-b",
         "Nobody", "--audio", str(wav), "--work", str(work), "--out", str(tmp_path / "x.blend")]
    )  # fmt: skip
    assert code == 2
    assert not work.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(locks.LOCK_SUFFIX)]


def test_an_empty_folder_the_user_made_stays_when_a_run_into_it_fails(tmp_path):
    """Review 26b, finding 1: a folder holding nothing at all was taken for one the run's lock had
    just made, so ``mkdir out; dualtalk demo --out out`` stopped with Ctrl-C removed ``out``."""
    from dualtalk.inference.core import outputs

    mine = tmp_path / "my_out"
    mine.mkdir()
    with pytest.raises(KeyboardInterrupt), outputs.run_folder(mine):
        raise KeyboardInterrupt
    assert mine.is_dir()  # theirs: kept (with DualTalk's marker, as before the lock moved inside)
