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
