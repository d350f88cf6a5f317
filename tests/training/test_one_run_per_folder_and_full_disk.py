"""A researcher starts two ``train`` runs (or two ``synth`` runs) with one ``--out`` from two
terminals. Both used to run to the end and report success: the folder kept one run's checkpoint
beside the other's weights, or one seed's manifest over two seeds' dialogues. The second run now
stops before any work in one line naming the first (the lock ``infer`` takes on its take folder),
exit 75 (busy: try again later, as ``infer`` and ``animate`` say; it was 2, bad input's); the folder is
the first run's alone. And a corpus that fills its disk says so in the
disk's words, exit 74 (no room: a farm retries it; it was 2, bad input's), not as an internal error."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.models.lite.model import LiteConfig
from dualtalk.training.lite import synth, train_lite
from train_data import make_folder

needs_tts = pytest.mark.skipif(not available_engines(), reason="no TTS engine installed")
FIRST_RUN = "pid 4242 on gpu07, since 2026-12-07T07:00:00Z"


def _first_run_holds(out: Path):
    """The first run, mid-way: its folder's lock file held, naming it."""
    out.mkdir(parents=True, exist_ok=True)
    held = open(out / ".take.dualtalk-lock", "w")  # closed by the caller's with
    held.write(FIRST_RUN + "\n")
    held.flush()
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return held


def _one_error(capsys) -> str:
    """The one ``error:`` line, the last on stderr (after the data-loading progress)."""
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert sum(line.startswith("error:") for line in err) == 1 and err[-1].startswith("error:"), err
    return err[-1]


@pytest.mark.skipif(os.name == "nt", reason="flock")
def test_a_second_train_into_a_folder_being_trained_is_refused_before_any_step(tmp_path, capsys):
    data = make_folder(tmp_path / "data", conversations=3, seconds=2.0)
    out = tmp_path / "runs" / "x"
    with _first_run_holds(out):
        capsys.readouterr()
        code = main(["train", "--config", "tiny", "--batch-size", "2", "--crop-seconds", "1", "--steps", "1",
                     "--data", str(data), "--out", str(out)])  # fmt: skip
    assert code == 75
    said = capsys.readouterr()
    # the lock before any work: no corpus loaded, no "training ..." line a log grep finds (rv42b F8)
    assert said.out == "", said.out
    assert [line for line in said.err.splitlines() if line.strip()] == [
        f"error: another DualTalk run is writing {out} ({FIRST_RUN}); wait for it to end, or give another --out"
    ]
    assert sorted(p.name for p in out.iterdir()) == [".take.dualtalk-lock"], "nothing of the second run"


def test_a_train_run_leaves_no_lock_in_its_folder(tmp_path):
    data = make_folder(tmp_path / "data", conversations=3, seconds=2.0)
    out = tmp_path / "run"
    assert main(["train", "--config", "tiny", "--batch-size", "2", "--crop-seconds", "1", "--steps", "1",
                 "--data", str(data), "--out", str(out)]) == 0  # fmt: skip
    assert not (out / ".take.dualtalk-lock").exists()
    assert (out / "checkpoint.pt").is_file()


def _arkit_corpus(root: Path) -> Path:
    """A small corpus in the lite trainer's layout (arkit55 motion beside 16 kHz speech)."""
    return make_folder(root, conversations=2, seconds=2.0, space="arkit55", layout="motion")


LITE_TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)
LITE_RUN = ["--steps", "2", "--batch-size", "2", "--frames", "25"]


@pytest.mark.skipif(os.name == "nt", reason="flock")
def test_a_second_lite_training_into_a_folder_being_trained_is_refused_before_any_step(tmp_path, capsys):
    """The trainer of the shipped weights (``python -m dualtalk.training.lite.train_lite``) takes the
    same lock: its "already holds another run" check alone let two runs started together both pass
    (the folder was still empty) and both save lite.pt (review rv38f F1)."""
    data = _arkit_corpus(tmp_path / "data")
    out = tmp_path / "runs" / "x"
    with _first_run_holds(out):
        capsys.readouterr()
        code = train_lite.cli(["--data", str(data), "--out", str(out), *LITE_RUN])
    assert code == 75, "busy: a farm retries it rather than calling it bad input"
    assert _one_error(capsys) == (
        f"error: another DualTalk run is writing {out} ({FIRST_RUN}); wait for it to end, or give another --out"
    )
    assert sorted(p.name for p in out.iterdir()) == [".take.dualtalk-lock"], "nothing of the second run"


def test_a_lite_training_run_leaves_no_lock_and_a_refused_one_no_folder(tmp_path):
    data = _arkit_corpus(tmp_path / "data")
    out = tmp_path / "run"
    path = train_lite.train(data, out, steps=2, batch_size=2, frames=25, config=LITE_TINY, log_every=1)
    assert path == out / "lite.pt" and path.is_file()
    assert sorted(p.name for p in out.iterdir()) == ["lite.pt", "train_log.jsonl"]
    # a corpus with nothing in it is refused under the lock: the folder made for it goes again
    (tmp_path / "empty").mkdir()
    assert (
        train_lite.cli(["--data", str(tmp_path / "empty"), "--out", str(tmp_path / "new" / "y"), *LITE_RUN])
        == 2
    )
    assert not (tmp_path / "new").exists()


@pytest.mark.skipif(os.name == "nt", reason="flock")
def test_a_second_synth_into_a_folder_being_made_is_refused_before_any_dialogue(tmp_path, capsys):
    out = tmp_path / "corpus"
    with _first_run_holds(out):
        capsys.readouterr()
        code = main(
            ["synth", "--out", str(out), "--dialogues", "1", "--seconds", "2", "--seed", "5", "--quiet"]
        )
    assert code == 75
    assert _one_error(capsys) == (
        f"error: another DualTalk run is writing {out} ({FIRST_RUN}); wait for it to end, or give another --out"
    )
    assert sorted(p.name for p in out.iterdir()) == [".take.dualtalk-lock"]


def test_train_and_synth_with_out_naming_a_file_say_so_as_infer_does(tmp_path, capsys):
    """``--out`` naming a file: the lock, made inside ``--out``, answered first, "cannot lock X: File
    exists (X/.take.dualtalk-lock)", a lock under a file (review rv39a F3). Now infer's words, and the
    file is untouched."""
    data = make_folder(tmp_path / "data", conversations=3, seconds=2.0)
    for name, args in (
        ("notes.txt", ["train", "--config", "tiny", "--batch-size", "2", "--crop-seconds", "1", "--steps", "1",
                       "--data", str(data)]),
        ("corpus.txt", ["synth", "--dialogues", "1", "--seconds", "2", "--quiet"]),
    ):  # fmt: skip
        out = tmp_path / name
        out.write_text("the user's notes\n")
        capsys.readouterr()
        assert main([*args, "--out", str(out)]) == 2
        assert _one_error(capsys) == f"error: --out {out} exists and is not a folder"
        assert out.read_text() == "the user's notes\n"


@needs_tts
def test_a_lock_a_killed_synth_left_does_not_make_its_folder_look_foreign(tmp_path):
    """``kill -9`` leaves the lock file (the kernel only drops the lock): the next run takes it over,
    judges the folder without it, and removes it when done."""
    out = tmp_path / "corpus"
    out.mkdir()
    (out / ".take.dualtalk-lock").write_text("pid 1 on gone, since 2026-12-07T07:00:00Z\n")
    synth.generate_corpus(out, 1, seed=0, duration=2.0)
    assert not (out / ".take.dualtalk-lock").exists()
    assert sum(p.name.endswith("_speaker1.wav") for p in out.iterdir()) == 1


def test_a_corpus_that_fills_its_disk_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    """libsndfile reports a full disk as "System error."; the line is now the disk's own."""
    real_write = sf.write
    full = tmp_path / "full"
    full.mkdir()

    def disk_fills(file, *args, **kwargs):
        if os.fsdecode(file).startswith(str(full)):  # the corpus's own files only
            raise sf.LibsndfileError(2, "System error.")  # what libsndfile says for ENOSPC
        return real_write(file, *args, **kwargs)

    def no_room(folder, size=1 << 20):
        return "No space left on device" if str(folder).startswith(str(full)) else None

    monkeypatch.setattr(sf, "write", disk_fills)
    monkeypatch.setattr("dualtalk.inference.core.fileio.disk_trouble", no_room)
    dialogue = {"speakers": [{"audio": [0.0] * 1600}]}
    with pytest.raises(Exception) as caught:
        synth.write_dialogue_folder(full, "synth_0000_00000", dialogue)
    assert type(caught.value).__name__ == "DualTalkError"
    assert caught.value.exit_code == 74, "no room: a farm retries it (was 2, bad input)"
    assert (
        str(caught.value)
        == f"could not write {full / 'synth_0000_00000_speaker1.wav'}: No space left on device"
    )
    assert os.listdir(full) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="mounts a tmpfs (root, Linux)")
@needs_tts
def test_synth_on_a_really_full_disk_is_one_line_exit_74(tmp_path):
    """A real 1 MiB tmpfs left with room for the manifest, not for the first recording."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        st = os.statvfs(disk)
        with open(disk / "filler.bin", "wb") as fh:
            fh.write(b"\1" * (st.f_bavail * st.f_frsize - 3 * 4096))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "dualtalk",
                "synth",
                "--out",
                str(disk / "syn"),
                "--dialogues",
                "1",
                "--seconds",
                "3",
                "--quiet",
            ],  # fmt: skip
            capture_output=True,
            text=True,
        )
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 74, proc.stderr  # EX_IOERR: retried, not dropped as bad input
    assert err == [
        f"error: could not write {disk / 'syn' / 'synth_0000_00000_speaker1.wav'}: No space left on device"
    ]
