"""``python -m dualtalk train``: bad numbers and a folder of someone else's weights, before any work."""

from __future__ import annotations

import pytest
from dualtalk.cli import main
from train_data import make_folder


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return make_folder(tmp_path_factory.mktemp("d") / "train", conversations=2, seconds=1.2)


def test_training_into_the_folder_of_the_downloaded_weights_leaves_them_alone(data, tmp_path, capsys):
    cache = tmp_path / "dualtalk-cache"  # where `download` put the published checkpoint
    cache.mkdir()
    (cache / "DualTalk.pth").write_bytes(b"the published weights")
    args = ["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--crop-seconds", "1"]
    assert main([*args, "--out", str(cache)]) == 2
    assert "DualTalk.pth" in capsys.readouterr().err
    assert (cache / "DualTalk.pth").read_bytes() == b"the published weights"
    assert sorted(p.name for p in cache.iterdir()) == ["DualTalk.pth"]


@pytest.mark.parametrize(
    "bad, message",
    [
        (["--crop-seconds", "-1"], "--crop-seconds must be at least"),
        (["--crop-seconds", "nan"], "--crop-seconds must be at least"),
        (["--weight-decay", "-1"], "--weight-decay must be 0 or more"),
        (["--val-every", "-1"], "--val-every must be at least 1"),
        (["--save-every", "0"], "--save-every must be at least 1"),
    ],
)
def test_a_bad_number_is_one_clear_line_and_trains_nothing(data, tmp_path, capsys, bad, message):
    out = tmp_path / "run"
    args = ["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--out", str(out)]
    assert main([*args, *bad]) == 2
    err = capsys.readouterr().err
    assert message in err and "internal error" not in err
    assert not out.exists()


def test_steps_and_epochs_together_are_refused_rather_than_one_silently_ignored(data, tmp_path, capsys):
    args = ["train", "--data", str(data), "--steps", "1", "--epochs", "2", "--out", str(tmp_path / "run")]
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert "--epochs: not allowed with argument --steps" in capsys.readouterr().err


def _lite_weights(path):
    from dualtalk.inference.models.lite.model import LiteConfig, LiteDualTalk, save_lite

    return save_lite(
        LiteDualTalk(LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1)), path
    )


@pytest.mark.parametrize(
    "size, message",
    [
        (
            ["--init", "WEIGHTS", "--config", "tiny"],
            "--config tiny sizes new weights; --init WEIGHTS brings its own size: leave --config out",
        ),
        (
            ["--config", "base"],
            "--arch lite comes in two sizes, tiny and published (the default); base is a DualTalk size",
        ),
    ],
)
def test_a_size_the_run_would_not_build_is_refused_rather_than_named_in_the_banner(
    tmp_path, capsys, size, message
):
    """Review 26c, finding 11: `--config tiny --init lite_v2.pt` trained lite_v2's size under the
    banner `training lite (tiny, ...)`, and `--config base` built the published lite size."""
    weights = str(_lite_weights(tmp_path / "start.pt"))
    size = [weights if a == "WEIGHTS" else a for a in size]
    out = tmp_path / "run"
    args = [
        "train",
        "--arch",
        "lite",
        "--data",
        str(tmp_path / "not-loaded"),
        "--steps",
        "1",
        "--out",
        str(out),
    ]
    assert main([*args, *size]) == 2
    assert capsys.readouterr().err == f"error: {message.replace('WEIGHTS', weights)}\n"
    assert not out.exists()


def test_the_banner_names_the_weights_a_run_starts_from(tmp_path, capsys):
    data = make_folder(tmp_path / "data", conversations=2, seconds=1.2, space="arkit55", layout="motion")
    weights = _lite_weights(tmp_path / "lite_v2.pt")
    args = ["train", "--arch", "lite", "--data", str(data), "--init", str(weights), "--steps", "1"]
    assert main([*args, "--crop-seconds", "1", "--out", str(tmp_path / "run")]) == 0
    assert "training lite (from lite_v2.pt, 0.1 M parameters)" in capsys.readouterr().out


def test_a_partner_dropout_outside_0_to_1_is_named_before_the_data_is_read(tmp_path, capsys):
    """It was refused after the data load and the banner, as "partner dropout" without the flag."""
    args = ["train", "--data", str(tmp_path / "not-loaded"), "--steps", "1", "--out", str(tmp_path / "run")]
    assert main([*args, "--partner-dropout", "2"]) == 2
    assert capsys.readouterr().err == "error: --partner-dropout must be between 0 and 1, got 2\n"
    assert not (tmp_path / "run").exists()
