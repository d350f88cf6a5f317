"""Training a model on a folder of conversations: losses, determinism, checkpoints, resume."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
from dualtalk.inference.core.errors import CancelledError, DualTalkError
from dualtalk.inference.core.progress import Recorder
from dualtalk.training.dataset import DualTalkDataset, load_conversations, split_conversations
from dualtalk.training.losses import arkit_loss, flame_loss, loss_for_space
from dualtalk.training.trainer import load_checkpoint, train
from train_data import make_folder, tiny_model


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = make_folder(tmp_path_factory.mktemp("d") / "train", conversations=3, seconds=2.0)
    train_c, val_c = split_conversations(load_conversations(root), 1 / 3, seed=0)
    return DualTalkDataset(train_c, crop_frames=25), DualTalkDataset(val_c, crop_frames=25, random_crop=False)


# --- losses -----------------------------------------------------------------------------


def test_published_loss_is_the_sum_of_exp_jaw_neck_and_velocity_mses():
    g = torch.Generator().manual_seed(0)
    pred, gt = torch.randn(2, 9, 56, generator=g), torch.randn(2, 9, 56, generator=g)
    total, parts = flame_loss()(pred, gt)
    expected = (
        F.mse_loss(pred[..., :50], gt[..., :50])
        + F.mse_loss(pred[..., 50:53], gt[..., 50:53])
        + F.mse_loss(pred[..., 53:], gt[..., 53:])
        + F.mse_loss(pred[:, 1:] - pred[:, :-1], gt[:, 1:] - gt[:, :-1])
    )
    assert set(parts) == {"exp", "jaw", "neck", "velocity"}
    assert torch.allclose(total, expected)
    assert float(flame_loss()(gt, gt)[0]) == 0.0


def test_padding_does_not_change_the_loss():
    g = torch.Generator().manual_seed(1)
    pred, gt = torch.randn(1, 7, 55, generator=g), torch.randn(1, 7, 55, generator=g)
    padded_pred = torch.cat([pred, torch.randn(1, 5, 55, generator=g)], 1)
    padded_gt = torch.cat([gt, torch.zeros(1, 5, 55)], 1)
    mask = torch.zeros(1, 12, dtype=torch.bool)
    mask[:, :7] = True
    assert torch.allclose(arkit_loss()(pred, gt)[0], arkit_loss()(padded_pred, padded_gt, mask)[0])
    assert set(arkit_loss()(pred, gt)[1]) == {"blendshapes", "head", "velocity"}


def test_loss_refuses_the_wrong_space():
    with pytest.raises(DualTalkError, match="56 channels"):
        loss_for_space("flame56")(torch.zeros(1, 4, 55), torch.zeros(1, 4, 55))
    with pytest.raises(DualTalkError):
        loss_for_space("nope")


# --- trainer ----------------------------------------------------------------------------


def test_training_learns_the_motion_and_saves_loadable_weights(data, tmp_path):
    ds, val = data
    model = tiny_model()
    rec = Recorder()
    result = train(
        model,
        ds,
        val_dataset=val,
        steps=60,
        lr=1e-2,
        batch_size=4,
        out_dir=tmp_path,
        progress=rec,
        val_every=20,
    )
    assert result.step == 60
    first = sum(v for _, v in result.train_loss[:5]) / 5
    last = sum(v for _, v in result.train_loss[-5:]) / 5
    assert last < 0.3 * first, (first, last)
    assert result.val_loss and result.best_val == min(v for _, v in result.val_loss)
    assert result.val_loss[-1][1] < result.val_loss[0][1]
    assert any(stage == "train" and frac == 1.0 for stage, frac, _ in rec.events)
    weights = torch.load(result.weights, weights_only=True)
    assert set(weights["model"]) == set(model.state_dict()) and weights["meta"]["space"] == "flame56"
    history = json.loads((tmp_path / "history.json").read_text())
    assert len(history["train"]) == 60
    assert not list(tmp_path.glob("*.part*")), "temporary files left behind"


def _weights_after(ds, out_dir, steps, *, resume=False, seed=0):
    model = tiny_model(seed=123)  # same start every time; resume overwrites it anyway
    train(
        model, ds, steps=steps, lr=5e-3, batch_size=3, out_dir=out_dir, resume=resume, seed=seed, save_every=2
    )
    return model.state_dict()


def test_stopping_and_resuming_gives_the_same_weights_as_one_run(data, tmp_path):
    ds, _ = data
    straight = _weights_after(ds, tmp_path / "a", 7)
    _weights_after(ds, tmp_path / "b", 4)  # stops mid-epoch (4 batches per epoch)
    resumed = _weights_after(ds, tmp_path / "b", 7, resume=True)
    for k in straight:
        torch.testing.assert_close(resumed[k], straight[k], rtol=0, atol=0)
    assert load_checkpoint(tmp_path / "b" / "checkpoint.pt")["step"] == 7
    other_seed = _weights_after(ds, tmp_path / "c", 7, seed=1)
    assert any(not torch.equal(other_seed[k], straight[k]) for k in straight)


def test_an_existing_run_is_never_overwritten_without_resume(data, tmp_path):
    ds, _ = data
    train(tiny_model(), ds, steps=1, out_dir=tmp_path)
    before = (tmp_path / "checkpoint.pt").read_bytes()
    with pytest.raises(DualTalkError, match="already exists"):
        train(tiny_model(), ds, steps=1, out_dir=tmp_path)
    assert (tmp_path / "checkpoint.pt").read_bytes() == before
    with pytest.raises(DualTalkError, match="nothing to resume"):
        train(tiny_model(), ds, steps=2, out_dir=tmp_path / "empty", resume=True)
    with pytest.raises(DualTalkError, match="cannot resume: checkpoint has arch"):
        train(tiny_model(), ds, steps=2, out_dir=tmp_path, resume=True, meta={"arch": "lite"})


def test_resume_refuses_another_models_checkpoint(data, tmp_path):
    ds, _ = data
    train(tiny_model(), ds, steps=1, out_dir=tmp_path, meta={"arch": "tiny"})
    arkit_ds = DualTalkDataset(
        make_folder(tmp_path / "ark", conversations=1, space="arkit55", layout="motion")
    )
    with pytest.raises(DualTalkError, match="space"):
        train(tiny_model("arkit55"), arkit_ds, steps=2, out_dir=tmp_path, resume=True, meta={"arch": "tiny"})


def test_cancel_saves_a_checkpoint_that_resumes(data, tmp_path):
    ds, _ = data

    class CancelAt(Recorder):
        def update(self, stage, fraction, message=""):
            super().update(stage, fraction, message)
            if sum(1 for s, _, _ in self.events if s == "train") == 3:
                self.cancel()

    with pytest.raises(CancelledError):
        train(tiny_model(), ds, steps=50, out_dir=tmp_path, progress=CancelAt(), save_every=100)
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 3
    result = train(tiny_model(), ds, steps=5, out_dir=tmp_path, resume=True)
    assert result.step == 5 and len(result.train_loss) == 5


def test_bad_settings_and_foreign_checkpoints_are_user_errors(data, tmp_path):
    ds, _ = data
    with pytest.raises(DualTalkError, match="steps or epochs"):
        train(tiny_model(), ds)
    with pytest.raises(DualTalkError, match="learning rate"):
        train(tiny_model(), ds, steps=1, lr=-1)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(DualTalkError, match="not a readable"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"a": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(DualTalkError, match="not a dualtalk training checkpoint"):
        load_checkpoint(tmp_path / "other.pt")


def test_diverging_training_stops_with_advice(data):
    ds, _ = data
    with pytest.raises(DualTalkError, match="lower --lr"):
        train(tiny_model(), ds, steps=3, loss_fn=lambda p, t, m: (p.sum() * float("nan"), {}))


# --- the real networks ------------------------------------------------------------------


def test_the_tiny_published_network_learns_a_clip(data):
    from dualtalk.inference.models.dualtalk_net import DualTalkConfig, DualTalkNet
    from dualtalk.training.trainer import evaluate

    ds, _ = data
    clip = DualTalkDataset(ds.conversations[:1], crop_frames=25, random_crop=False, directions="speaker1")
    torch.manual_seed(0)
    net = DualTalkNet(DualTalkConfig.tiny())
    before = evaluate(net, clip, loss_fn=flame_loss())["total"]
    result = train(net, clip, steps=8, lr=3e-3, batch_size=2)
    after = evaluate(net, clip, loss_fn=flame_loss())["total"]
    assert result.step == 8 and after < 0.5 * before, (before, after)


def test_cli_trains_resumes_and_exports_engine_loadable_weights(tmp_path, capsys):
    from dualtalk.cli import main
    from dualtalk.inference.checkpoint import load_dualtalk

    data_dir = make_folder(tmp_path / "data", conversations=2, seconds=1.2)
    args = ["train", "--data", str(data_dir), "--config", "tiny", "--crop-seconds", "1", "--batch-size", "2"]
    out = tmp_path / "run"
    assert main([*args, "--steps", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "weights:" in printed and "s/step" in printed
    assert main([*args, "--steps", "2", "--out", str(out)]) == 2  # refuses to clobber the run
    assert "--resume" in capsys.readouterr().err
    assert main([*args, "--steps", "3", "--out", str(out), "--resume"]) == 0
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 3
    net, sha = load_dualtalk(out / "DualTalk.pth")
    best = torch.load(out / "model.pth", weights_only=True)["model"]
    for k, v in net.state_dict().items():
        assert torch.equal(v, best[k])
    assert len(sha) == 64
    # Fine-tuning from the exported weights with frozen encoders leaves the encoders untouched.
    ft = tmp_path / "ft"
    ft_args = ["--init", str(out / "DualTalk.pth"), "--freeze-encoders", "--steps", "2", "--lr", "1e-2"]
    assert (
        main([*args[:3], *args[5:], *ft_args, "--out", str(ft)]) == 0
    )  # --init brings its size: no --config
    tuned, _ = load_dualtalk(ft / "DualTalk.pth")
    start = net.state_dict()
    for k, v in tuned.state_dict().items():
        assert torch.equal(v, start[k]) == k.startswith("joint_encoder.audio_encoder"), k
    # Another architecture cannot continue this run.
    assert main([*args, "--steps", "4", "--out", str(out), "--resume", "--arch", "lite"]) == 2
    assert "arkit55" in capsys.readouterr().err  # the FLAME data does not fit the lite model


def test_cli_trains_the_lite_model_on_arkit_motion(tmp_path, capsys):
    from dualtalk.cli import main
    from dualtalk.inference.models.lite.model import load_lite

    data_dir = make_folder(tmp_path / "data", conversations=2, seconds=1.2, space="arkit55", layout="motion")
    out = tmp_path / "run"
    argv = [
        "train",
        "--data",
        str(data_dir),
        "--arch",
        "lite",
        "--config",
        "tiny",
        "--steps",
        "2",
        "--partner-dropout",
        "0.5",
    ]
    assert main([*argv, "--crop-seconds", "1", "--out", str(out)]) == 0
    model, _ = load_lite(out / "lite.pt")
    assert model.space == "arkit55"
    capsys.readouterr()
    assert main(["train", "--data", str(tmp_path / "nowhere"), "--config", "tiny", "--steps", "1"]) == 2
    assert "data folder not found" in capsys.readouterr().err
    assert main([*argv, "--seed", "-1", "--out", str(tmp_path / "neg")]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main([*argv, "--partner-dropout", "2", "--out", str(tmp_path / "pd")]) == 2
    assert "--partner-dropout must be between 0 and 1" in capsys.readouterr().err


def test_partner_dropout_shows_the_model_a_resting_partner():
    from dualtalk.training.trainer import partner_dropout

    batch = {"motion_partner": torch.ones(64, 5, 55), "motion_self": torch.ones(64, 5, 55)}
    rest = torch.full((55,), 0.5)
    out = partner_dropout(0.25, rest)(batch, torch.Generator().manual_seed(0))
    dropped = (out["motion_partner"] == 0.5).all(-1).all(-1)
    assert 4 <= int(dropped.sum()) <= 28 and bool((out["motion_partner"][~dropped] == 1).all())
    assert torch.equal(batch["motion_partner"], torch.ones(64, 5, 55))  # the input batch is not modified
    again = partner_dropout(0.25, rest)(batch, torch.Generator().manual_seed(0))
    assert torch.equal(again["motion_partner"], out["motion_partner"])
    assert partner_dropout(0.0)(batch, torch.Generator())["motion_partner"] is batch["motion_partner"]
    with pytest.raises(DualTalkError):
        partner_dropout(1.5)
