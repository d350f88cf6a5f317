"""A render farm wraps every DualTalk command the same way: exit 75 (EX_TEMPFAIL) means "another run is
writing this output, try the job again later", 2 means "the job is wrong, do not retry". ``infer`` and
``animate`` answered 75 (rv40c F5); ``demo`` took no lock at all (two demos, or a demo and an ``infer``,
given one ``--out`` both wrote their whole set and both said so), ``train`` and ``synth`` said 2, and
``align`` neither locked nor said anything but 2. Each story here has a first run in a process of its
own holding the output's lock, as a colleague's job on another core would, and starts the second run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone
from dualtalk.inference.core import locks
from dualtalk.training.lite.align import write_phone_json
from robustness_util import run_cli
from test_audit_jobs import job_folder, voice
from train_data import make_folder

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}

# the first run: takes the lock exactly as the commands do, says so, and holds it until its stdin closes
FIRST_RUN = r"""
import sys
from dualtalk.inference.core import locks
target, lock = sys.argv[1], sys.argv[2] or None
with locks.locked(target, "--out", lock=lock):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def another_run_writes(target: Path, *, take_folder: bool = False) -> Iterator[str]:
    """A first run, in another process, holding ``target``'s lock (a take folder's: inside it, as
    infer, demo, train and synth lock their folder); yields how the refusal names it."""
    lock = str(locks.take_lock_file(target)) if take_folder else ""
    first = subprocess.Popen(
        [sys.executable, "-c", FIRST_RUN, str(target), lock],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "held"
        yield f"another DualTalk run is writing {target} (pid {first.pid} on {socket.gethostname()}, since "
    finally:
        assert first.stdin is not None
        first.stdin.close()
        first.wait(60)


def _busy(code: int, err: list[str], holder: str, fix: str) -> None:
    """Exit 75 and one line: who holds the output, and what else to do."""
    assert code == 75, (code, err)
    assert len(err) == 1 and err[0].startswith(f"error: {holder}"), err
    assert err[0].endswith(f"); wait for it to end, or {fix}"), err


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_demo_into_a_folder_another_run_is_writing_stops_before_any_work(tmp_path, capsys):
    """A demo is started on a folder where a colleague's ``infer --out`` is still writing its take:
    the demo writes A.npz and B.npz there too. It stops at once, before voicing a word."""
    out = tmp_path / "demo_out"
    out.mkdir()
    with another_run_writes(out, take_folder=True) as holder:
        code, err, stdout = run_cli(
            capsys, ["demo", "--out", str(out), "--seconds", "2", "--preview", "none", "--no-fbx"]
        )
        assert _files(out) == [locks.TAKE_LOCK], "nothing of the demo's"
    _busy(code, err, holder, "give another --out")
    assert stdout == ""


def test_a_demo_into_a_new_folder_another_demo_is_making_leaves_it_to_that_run(tmp_path, capsys):
    """Two demo runs given one new --out: the first made the folder for its lock; the second leaves
    the folder to it (the lock goes with the first run, and the folder with it)."""
    out = tmp_path / "new" / "demo_out"
    with another_run_writes(out, take_folder=True) as holder:
        code, err, _ = run_cli(capsys, ["demo", "--out", str(out), "--preview", "none", "--no-fbx"])
        assert _files(out) == [locks.TAKE_LOCK]
    _busy(code, err, holder, "give another --out")
    assert not (tmp_path / "new").exists()


def test_a_second_train_into_a_run_folder_stops_with_exit_75(tmp_path, capsys):
    data = make_folder(tmp_path / "data", conversations=3, seconds=2.0)
    out = tmp_path / "runs" / "x"
    with another_run_writes(out, take_folder=True) as holder:
        code, err, _ = run_cli(
            capsys,
            ["train", "--config", "tiny", "--batch-size", "2", "--crop-seconds", "1", "--steps", "1",
             "--data", str(data), "--out", str(out)],
        )  # fmt: skip
    _busy(code, err[-1:], holder, "give another --out")  # after the data's loading lines
    assert not out.exists(), "the first run's folder went with it: nothing of the second run"


def test_a_second_synth_into_a_corpus_folder_stops_with_exit_75(tmp_path, capsys):
    out = tmp_path / "corpus"
    with another_run_writes(out, take_folder=True) as holder:
        code, err, _ = run_cli(
            capsys,
            ["synth", "--out", str(out), "--dialogues", "1", "--seconds", "2", "--seed", "5", "--quiet"],
        )
    _busy(code, err, holder, "give another --out")
    assert not out.exists()


def _aligned_folder(folder: Path) -> Path:
    """One clip already aligned (``--phones``), enough for a whole ``align`` run."""
    t = np.arange(16000) / 16000
    clip = {
        "name": "clip",
        "source": "phones",
        "audio": (0.2 * np.sin(2 * np.pi * 180 * t)).astype(np.float32),
        "phones": [Phone("AA", 0.1, 0.5, "arpabet"), Phone("M", 0.5, 0.7, "arpabet")],
    }
    write_phone_json(folder, clip)
    return folder


def test_a_second_align_over_a_corpus_being_written_stops_with_exit_75(tmp_path):
    """``align --replace`` on the aligned corpus another align is still writing: it replaced that
    run's file (both said "aligned ... into corpus.npz"); now it stops, exit 75, the file as it was."""
    phones = _aligned_folder(tmp_path / "phones")
    out = tmp_path / "corpus.npz"
    out.write_bytes(b"the first run's corpus")
    with another_run_writes(out) as holder:
        done = subprocess.run(
            [sys.executable, "-m", "dualtalk.training.lite.align", "--phones", str(phones), "--out", str(out),
             "--replace"],
            capture_output=True, text=True, env=ENV, timeout=300,
        )  # fmt: skip
    err = [line for line in done.stderr.splitlines() if line.strip()]
    _busy(done.returncode, err, holder, "give another --out")
    assert done.stdout == "" and out.read_bytes() == b"the first run's corpus"


def test_align_alone_still_writes_its_corpus_and_leaves_no_lock(tmp_path):
    phones = _aligned_folder(tmp_path / "phones")
    done = subprocess.run(
        [sys.executable, "-m", "dualtalk.training.lite.align", "--phones", str(phones), "--out",
         str(tmp_path / "corpus")],
        capture_output=True, text=True, env=ENV, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"aligned 1 clips (1 s) into {tmp_path / 'corpus.npz'}")
    assert _files(tmp_path) == ["corpus.npz", "phones"]


def test_a_second_infer_into_a_take_folder_stops_with_exit_75(tmp_path, capsys):
    wav = voice(tmp_path / "talk.wav", 220)
    out = tmp_path / "take"
    out.mkdir()
    with another_run_writes(out, take_folder=True) as holder:
        code, err, _ = run_cli(capsys, ["infer", "--audio", str(wav), "--out", str(out), "--quiet"])
        assert _files(out) == [locks.TAKE_LOCK]
    _busy(code, err, holder, "give another --out")


def test_a_second_animate_of_a_shot_being_written_stops_with_exit_75(tmp_path, capsys):
    folder = job_folder(tmp_path)
    wav = voice(folder / "in" / "talk.wav", 220)
    out = tmp_path / "s12.blend"
    with another_run_writes(out) as holder:
        code, err, _ = run_cli(
            capsys,
            ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
             "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
             str(folder / "in" / "B.npz"), "--audio", str(wav), "--out", str(out)],
        )  # fmt: skip
    _busy(code, err, holder, "give this shot another --out")
    assert not out.exists()
