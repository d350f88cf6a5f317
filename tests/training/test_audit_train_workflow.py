"""A researcher's retraining workflow: runs that never overwrite each other, resumes and corpus
extensions that refuse other data, and tools that say what they did (audit of the training tools)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from behaviour_takes import base_motion, demo_dialogue
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.behaviour import BehaviourSettings
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.models.lite.model import LiteConfig
from dualtalk.training.dataset import DualTalkDataset, load_conversations
from dualtalk.training.evaluation import behaviour as ev
from dualtalk.training.lite import train_lite
from dualtalk.training.trainer import load_checkpoint, train
from train_data import make_folder, tiny_model

__all__ = ["demo_dialogue"]  # the session fixture, used by name
needs_tts = pytest.mark.skipif(not available_engines(), reason="no TTS engine installed")
TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)


def test_eval_behaviour_sees_the_seeded_blinks_of_flame_motion(demo_dialogue):
    """A FLAME model (a `dualtalk train` DualTalk.pth) keeps the seeded blinks and gaze in the
    overlay, not the values: another behaviour seed must still count as another performance."""
    a = base_motion(demo_dialogue, "A", space="flame56", engine="dualtalk")
    b = base_motion(demo_dialogue, "B", space="flame56", engine="dualtalk")
    res = ev.evaluate_dialogue(a, b, demo_dialogue, BehaviourSettings(seed=3))
    assert res["same_seed_identical"] and res["other_seed_differs"]


# --- train_lite: a run folder is one run; bad numbers and Ctrl-C are one line ---------------


@pytest.fixture(scope="module")
def arkit_corpus(tmp_path_factory) -> Path:
    """Three short ARKit conversations: enough for a few lite steps in a second."""
    return make_folder(tmp_path_factory.mktemp("lite") / "c3", conversations=3, seconds=3.0, space="arkit55",
                       layout="motion")  # fmt: skip


def _lite(data: Path, out: Path, *extra: str) -> list[str]:
    return ["--data", str(data), "--out", str(out), "--steps", "2", "--batch-size", "2", "--frames", "25",
            "--threads", "1", "--log-every", "1", *extra]  # fmt: skip


def _saved_step(path: Path) -> int:
    return int(torch.load(path, map_location="cpu", weights_only=True)["extra"]["step"])


def test_a_second_train_lite_run_into_the_same_folder_is_refused_and_the_first_run_stays(
    arkit_corpus, tmp_path
):
    """Re-typing last week's command with another corpus must not replace its weights or mix logs."""
    run = tmp_path / "run"
    assert train_lite.main(_lite(arkit_corpus, run, "--keep-every", "1")) == 0
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    assert {"lite.pt", "lite_step1.pt", "train_log.jsonl"} <= set(before)
    with pytest.raises(
        DualTalkError, match=f"^{re.escape(str(run))} already holds another run .*another --out"
    ):
        train_lite.main(_lite(arkit_corpus, run))
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before


def test_a_half_copied_corpus_trains_on_its_complete_conversations_with_one_warning(
    arkit_corpus, tmp_path, capsys
):
    """As `dualtalk train` does: the incomplete conversation is skipped and named, not a traceback."""
    half = tmp_path / "half"
    shutil.copytree(arkit_corpus, half)
    (half / "conv1_speaker2.wav").unlink()
    assert [item["stem"] for item in train_lite.Corpus(half).items] == ["conv0", "conv2"]
    assert capsys.readouterr().err.splitlines() == [
        f"warning: {half}: skipping incomplete conversations, missing conv1_speaker2.wav"
    ]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--log-every", "0", "--log-every must be at least 1, got 0"),
        ("--threads", "0", "--threads must be at least 1, got 0"),
        ("--lr", "-1", "--lr must be a positive number, got -1"),
        ("--lr", "nan", "--lr must be a positive number, got nan"),
        ("--keep-every", "-1", "--keep-every must be 0 (off) or a number of steps, got -1"),
    ],
)
def test_a_bad_train_lite_number_is_refused_before_any_folder_is_made(
    arkit_corpus, tmp_path, flag, value, message
):
    with pytest.raises(DualTalkError, match=f"^{re.escape(message)}$"):
        train_lite.main([*_lite(arkit_corpus, tmp_path / "run"), flag, value])
    assert not (tmp_path / "run").exists()


def test_a_stop_in_train_lite_saves_the_last_whole_step(arkit_corpus, tmp_path, monkeypatch):
    """The save interval is 250 steps: a stop at step 3 used to lose steps 1-2."""
    real_loss, calls = train_lite.lite_loss, []

    def stop_at_third_step(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_loss(*args, **kwargs)

    monkeypatch.setattr(train_lite, "lite_loss", stop_at_third_step)
    run = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt) as stop:
        train_lite.train(arkit_corpus, run, steps=10, batch_size=2, frames=25, config=TINY)
    assert _saved_step(run / "lite.pt") == 2
    assert stop.value.__notes__ == [f"{run / 'lite.pt'} holds step 2"]


def test_ctrl_c_in_the_train_lite_command_is_one_line_and_exit_130(arkit_corpus, tmp_path):
    run = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "dualtalk.training.lite.train_lite",
        *_lite(arkit_corpus, run),
        "--steps",
        "100000",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    log = run / "train_log.jsonl"
    while not (log.is_file() and len(log.read_text().splitlines()) >= 3) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: interrupted; ") and "Traceback" not in err
    logged = json.loads(log.read_text().splitlines()[-1])["step"]
    assert last == f"error: interrupted; {run / 'lite.pt'} holds step {_saved_step(run / 'lite.pt')}"
    assert _saved_step(run / "lite.pt") >= logged


# --- dualtalk train --resume: the data are compared by content ------------------------------


def _other_takes(src: Path, dst: Path, stems: tuple[str, ...]) -> Path:
    """A copy of ``src`` whose ``stems`` hold other motion under the same names and lengths."""
    shutil.copytree(src, dst)
    for stem in stems:
        for k in (1, 2):
            path = dst / f"{stem}_speaker{k}.npz"
            arrays = dict(np.load(path))
            arrays["exp"] = (arrays["exp"][::-1] * 0.5).astype(np.float32)
            np.savez(path, **arrays)
    return dst


def test_resuming_on_other_takes_under_the_same_names_is_refused_in_words(tmp_path, capsys):
    """Only the crop count used to be compared: edited motion with the same names and lengths
    resumed without a word. The refusal names what changed, not an internal key."""
    from dualtalk.cli import main

    data = make_folder(tmp_path / "data", conversations=3, seconds=2.0)
    other = _other_takes(data, tmp_path / "edited", ("conv1",))
    out = tmp_path / "run"
    args = ["train", "--config", "tiny", "--batch-size", "2", "--crop-seconds", "1", "--out", str(out)]
    assert main([*args, "--data", str(data), "--steps", "1"]) == 0
    capsys.readouterr()
    assert main([*args, "--data", str(other), "--steps", "2", "--resume"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == (
        "error: cannot resume: --data is not the data the run was started on (compared by content, of its 3 "
        "conversations: 1 changed content (conv1)); resume with the run's own data or start a new run in another "
        "folder"
    )
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 1
    assert main([*args, "--data", str(data), "--steps", "2", "--resume"]) == 0


def test_resuming_on_data_with_another_number_of_crops_names_the_crops_not_a_key(tmp_path):
    two = DualTalkDataset(load_conversations(make_folder(tmp_path / "two", conversations=2)), crop_frames=25)
    three = DualTalkDataset(
        load_conversations(make_folder(tmp_path / "three", conversations=3)), crop_frames=25
    )
    train(tiny_model(), two, steps=1, batch_size=2, out_dir=tmp_path / "run")
    with pytest.raises(DualTalkError) as refused:
        train(tiny_model(), three, steps=2, batch_size=2, out_dir=tmp_path / "run", resume=True)
    assert str(refused.value).startswith(
        "cannot resume: the run was started on data giving 8 training crops, this data gives 12; resume with "
        "the run's own --data and --crop-seconds"
    )


# --- synth --first: an extension is the same recipe, recordings and engines included ---------


def _aligned_clips(path: Path, seed: int) -> Path:
    """A small set of "real" recordings with phone times (noise standing in for speech)."""
    from dualtalk.inference.audio.tts import Phone
    from dualtalk.training.lite.align import save_aligned

    audio = np.random.default_rng(seed).normal(0, 0.1, 32000).astype(np.float32)
    phones = [
        Phone(s, b, e, "arpabet")
        for s, b, e in (("M", 0.2, 0.3), ("AA", 0.3, 0.6), ("P", 0.6, 0.7), ("IY", 0.7, 1.2))
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    save_aligned(path, [{"name": "clip0", "source": "ljspeech", "audio": audio, "phones": phones}])
    return path


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """(a one-dialogue corpus made with real.npz, that real.npz)."""
    from dualtalk.training.lite.synth import generate_corpus

    root = tmp_path_factory.mktemp("synth")
    real = _aligned_clips(root / "a" / "real.npz", seed=1)
    return generate_corpus(root / "corpus", 1, seed=20, duration=3.0, real=real, real_share=0.01), real


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@needs_tts
def test_extending_a_corpus_with_other_recordings_of_the_same_file_name_is_refused(real_corpus, tmp_path):
    """A held-out set packed as b/real.npz used to join a corpus made with a/real.npz unnoticed."""
    from dualtalk.training.lite.synth import generate_corpus

    corpus, _ = real_corpus
    before = _files(corpus)
    other = _aligned_clips(tmp_path / "b" / "real.npz", seed=2)
    with pytest.raises(
        DualTalkError, match=r"made with other real recordings \(--real, compared by content\)"
    ):
        generate_corpus(corpus, 1, seed=20, start=1, duration=3.0, real=other, real_share=0.01)
    assert _files(corpus) == before
    assert "real_content" in json.loads((corpus / "corpus.json").read_text())


@needs_tts
def test_extending_a_corpus_on_a_machine_with_other_tts_engines_is_refused(real_corpus, monkeypatch):
    """Without flite the same seed voices other dialogues, and corpus.json's engines were rewritten."""
    from dualtalk.training.lite import synth

    corpus, real = real_corpus
    before = _files(corpus)
    had = json.loads((corpus / "corpus.json").read_text())["engines"]
    monkeypatch.setattr(synth, "available_engines", lambda: had[:1] if len(had) > 1 else [*had, "other"])
    with pytest.raises(
        DualTalkError, match=f"voiced with the TTS engines {', '.join(had)}; this machine has"
    ):
        synth.generate_corpus(corpus, 1, seed=20, start=1, duration=3.0, real=real, real_share=0.01)
    assert _files(corpus) == before


# --- align: --holdout with clips it never holds out; the file --out really wrote --------------


def _phone_folder(folder: Path, clips: int = 3) -> Path:
    """Clips already aligned (``align --phones`` input), noise standing in for speech."""
    from dualtalk.inference.audio.tts import Phone
    from dualtalk.training.evaluation.lipsync import write_alignment

    phones = [Phone("M", 0.1, 0.2, "arpabet"), Phone("AA", 0.2, 0.6, "arpabet")]
    for k in range(clips):
        audio = np.random.default_rng(k).normal(0, 0.1, 16000).astype(np.float32)
        write_alignment(folder, f"clip{k}", audio, phones)
    return folder


def test_a_holdout_of_clips_it_cannot_hold_out_is_refused_before_anything_is_written(tmp_path):
    """--holdout 2 over --phones clips used to keep none out, say nothing and pack all three."""
    from dualtalk.training.lite import align

    clips = _phone_folder(tmp_path / "ljval")
    argv = ["--phones", str(clips), "--out", str(tmp_path / "packed.npz"), "--holdout", "2"]
    with pytest.raises(DualTalkError, match=r"^--holdout 2: it keeps out only --ljspeech clips .* none came"):
        align.main([*argv, "--holdout-dir", str(tmp_path / "keep_out")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ljval"]


def test_align_names_the_file_it_wrote(tmp_path, capsys):
    """`--out outdir` writes outdir.npz; a later `synth --real outdir` found nothing."""
    from dualtalk.training.lite import align

    assert (
        align.main(["--phones", str(_phone_folder(tmp_path / "clips")), "--out", str(tmp_path / "packed")])
        == 0
    )
    assert f"into {tmp_path / 'packed.npz'}," in capsys.readouterr().out


# --- dualtalk train: messages that name train's own options ----------------------------------


def test_lite_training_from_the_published_weights_points_to_arch_dualtalk(tmp_path, capsys):
    from dualtalk.cli import main

    published = tmp_path / "DualTalk.pth"
    torch.save({"model": {}}, published)
    data = make_folder(tmp_path / "data", conversations=1, seconds=1.2, space="arkit55", layout="motion")
    args = [
        "train",
        "--arch",
        "lite",
        "--data",
        str(data),
        "--init",
        str(published),
        "--out",
        str(tmp_path / "r"),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.endswith("(the published DualTalk.pth trains with --arch dualtalk)") and "--engine" not in err
    with pytest.raises(DualTalkError, match=r"trains with python -m dualtalk train --arch dualtalk\)$"):
        train_lite.main(_lite(data, tmp_path / "lite_run", "--init", str(published)))


def test_a_run_folder_that_is_the_data_folder_is_refused(tmp_path, capsys):
    from dualtalk.cli import main

    data = make_folder(tmp_path / "data", conversations=2, seconds=1.2)
    before = _files(data)
    args = ["train", "--config", "tiny", "--steps", "1", "--data", str(data), "--out", str(data)]
    assert main(args) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"error: --out {data} is the data folder (--data); give the run a folder of its own"
    )
    assert _files(data) == before
