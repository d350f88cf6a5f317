"""``train --resume`` and Ctrl-C: a stopped run continues as if it had never stopped, or says why not."""

from __future__ import annotations

import contextlib
import os
import signal

import pytest
import torch
from dualtalk.inference.core import interrupts
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.dataset import DualTalkDataset, load_conversations
from dualtalk.training.losses import loss_for_space
from dualtalk.training.trainer import load_checkpoint, train
from train_data import make_folder, tiny_model


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    root = make_folder(tmp_path_factory.mktemp("d") / "train", conversations=2, seconds=2.0)
    return DualTalkDataset(load_conversations(root), crop_frames=25)


def _run(ds, out, steps, **kw):
    model = tiny_model(seed=123)
    train(model, ds, steps=steps, lr=5e-3, batch_size=2, out_dir=out, seed=0, save_every=100, **kw)
    return model.state_dict()


@pytest.fixture
def ctrl_c_raises():
    """Python's own Ctrl-C handler, as in a terminal: a test runner started in the background by a
    shell without job control inherits SIGINT ignored, and no Ctrl-C could be pressed at all."""
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("handlers", ["python", "cli"])
def test_ctrl_c_in_the_middle_of_a_step_leaves_a_checkpoint_that_resumes_bit_identically(
    ds, tmp_path, handlers, ctrl_c_raises
):
    straight = _run(ds, tmp_path / "straight", 5)
    published = loss_for_space("flame56")
    calls = []

    def loss_pressing_ctrl_c_at_step_3(pred, target, mask):
        calls.append(1)
        if len(calls) == 3:  # after the forward pass of step 3, as a user's Ctrl-C would
            os.kill(os.getpid(), signal.SIGINT)
        return published(pred, target, mask)

    # the CLI (python -m dualtalk train) runs with its own SIGINT/SIGTERM handlers
    context = interrupts.handle_signals() if handlers == "cli" else contextlib.nullcontext()
    with pytest.raises(KeyboardInterrupt), context:
        _run(ds, tmp_path / "stopped", 5, loss_fn=loss_pressing_ctrl_c_at_step_3)
    assert load_checkpoint(tmp_path / "stopped" / "checkpoint.pt")["step"] == 3
    resumed = _run(ds, tmp_path / "stopped", 5, resume=True)
    for k in straight:
        torch.testing.assert_close(resumed[k], straight[k], rtol=0, atol=0)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C means Ctrl-C again


def test_resuming_with_another_seed_batch_size_or_learning_rate_is_refused(ds, tmp_path):
    _run(ds, tmp_path, 2)
    for changed, match in (
        ({"seed": 1}, "seed=0"),
        ({"batch_size": 3}, "batch_size=2"),
        ({"lr": 1e-3}, "lr=0.005"),
    ):
        settings = {"lr": 5e-3, "batch_size": 2, "seed": 0, **changed}
        with pytest.raises(DualTalkError, match=f"cannot resume: the run was started with {match}"):
            train(tiny_model(), ds, steps=4, out_dir=tmp_path, resume=True, save_every=100, **settings)
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 2


def test_a_seed_beyond_the_generators_range_is_one_clear_line(ds, tmp_path, capsys):
    from dualtalk.cli import main

    data_dir = make_folder(tmp_path / "data", conversations=1, seconds=1.2)
    args = [
        "train",
        "--data",
        str(data_dir),
        "--config",
        "tiny",
        "--steps",
        "1",
        "--out",
        str(tmp_path / "r"),
    ]
    assert main([*args, "--seed", str(10**20)]) == 2
    err = capsys.readouterr().err
    assert "--seed must be between 0 and" in err and "internal error" not in err
    assert not (tmp_path / "r").exists()


def test_resuming_a_tiny_lite_run_as_the_published_size_names_the_sizes_that_differ(tmp_path, capsys):
    from dualtalk.cli import main

    data_dir = make_folder(tmp_path / "data", conversations=1, seconds=1.2, space="arkit55", layout="motion")
    args = [
        "train",
        "--arch",
        "lite",
        "--data",
        str(data_dir),
        "--crop-seconds",
        "1",
        "--out",
        str(tmp_path / "r"),
    ]
    assert main([*args, "--config", "tiny", "--steps", "1"]) == 0
    capsys.readouterr()
    assert main([*args, "--config", "published", "--steps", "2", "--resume"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        err.startswith("error: cannot resume: checkpoint has config ") and "dim=32" in err and "dim=96" in err
    )
    assert "refine" not in err and len(err) < 200, err  # only what differs, not the whole config


def test_resuming_with_another_crop_length_partner_dropout_or_frozen_encoders_is_refused(tmp_path, capsys):
    """Each of these changes what every later step trains on, so a run resumed with another
    value is neither the run that was started nor the new one: refused, naming the option.
    (2-second clips: 1 s and 1.5 s crops give the same number of crops, which used to pass.)"""
    from dualtalk.cli import main

    data_dir = make_folder(tmp_path / "data", conversations=2, seconds=2.0)
    out = tmp_path / "run"
    args = ["train", "--data", str(data_dir), "--config", "tiny", "--batch-size", "2", "--out", str(out)]
    assert main([*args, "--crop-seconds", "1", "--steps", "1"]) == 0
    capsys.readouterr()
    for changed, option in (
        (["--crop-seconds", "1.5"], "--crop-seconds"),
        (["--crop-seconds", "1", "--partner-dropout", "0.5"], "--partner-dropout"),
        (["--crop-seconds", "1", "--freeze-encoders"], "--freeze-encoders"),
    ):
        assert main([*args, *changed, "--steps", "2", "--resume"]) == 2, changed
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith(f"error: cannot resume: the run was started with {option}="), err
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 1
    assert main([*args, "--crop-seconds", "1", "--steps", "2", "--resume"]) == 0
