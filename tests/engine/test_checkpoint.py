"""Users bring checkpoints saved many ways; the loader takes the real variants and refuses the rest clearly."""

from __future__ import annotations

import pickle
from collections import OrderedDict

import pytest
import torch
from dualtalk.inference.checkpoint import load_dualtalk, save_dualtalk
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.models.dualtalk_net import DualTalkConfig, DualTalkNet


@pytest.fixture(scope="module")
def tiny() -> DualTalkNet:
    torch.manual_seed(0)
    return DualTalkNet(DualTalkConfig.tiny()).eval()


@pytest.fixture(scope="module")
def inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return (
        torch.randn(1, 8000, generator=g),
        torch.randn(1, 8000, generator=g),
        torch.randn(1, 13, 56, generator=g),
    )


def _new_naming(sd: dict) -> OrderedDict:
    """What newer torch writes for the positional conv's weight norm."""
    out = OrderedDict()
    for k, v in sd.items():
        k = k.replace("conv.weight_g", "conv.parametrizations.weight.original0")
        k = k.replace("conv.weight_v", "conv.parametrizations.weight.original1")
        out[k] = v
    return out


LAYOUTS = {
    "bare": lambda sd: sd,
    "under state_dict": lambda sd: {"state_dict": sd, "epoch": 3},
    "under model": lambda sd: {"model": sd, "optimizer": {}},
    "DataParallel module. prefix": lambda sd: OrderedDict(("module." + k, v) for k, v in sd.items()),
    "new weight-norm naming": _new_naming,
    "prefix and new naming under state_dict": lambda sd: {
        "state_dict": OrderedDict(("module." + k, v) for k, v in _new_naming(sd).items())
    },
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_accepted_layouts_load_to_the_same_network(tmp_path, tiny, inputs, layout):
    path = tmp_path / "DualTalk.pth"
    torch.save(LAYOUTS[layout](tiny.state_dict()), path)
    net, sha = load_dualtalk(path)
    assert sha == sha256_file(path) and len(sha) == 64
    assert not net.training
    assert net.config == tiny.config  # sizes and layer counts read from the tensors alone
    with torch.no_grad():
        assert torch.equal(net(*inputs), tiny(*inputs))


def test_our_own_save_round_trips_with_its_config(tmp_path, tiny, inputs):
    path = save_dualtalk(tmp_path / "tiny.pth", tiny)
    net, _ = load_dualtalk(path)
    with torch.no_grad():
        assert torch.equal(net(*inputs), tiny(*inputs))
    assert not list(tmp_path.glob(".*part*"))  # atomic write leaves no temp file


def _refusal(tmp_path, obj) -> str:
    path = tmp_path / "bad.pth"
    torch.save(obj, path)
    with pytest.raises(DualTalkError) as info:
        load_dualtalk(path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_missing_tensor_is_named(tmp_path, tiny):
    sd = dict(tiny.state_dict())
    del sd["synthesis_module.modulation_layer.bias"]
    msg = _refusal(tmp_path, sd)
    assert "1 missing" in msg and "synthesis_module.modulation_layer.bias" in msg


def test_unexpected_tensor_is_named(tmp_path, tiny):
    sd = dict(tiny.state_dict())
    sd["extra_head.weight"] = torch.zeros(3)
    msg = _refusal(tmp_path, sd)
    assert "unexpected" in msg and "extra_head.weight" in msg


def test_wrong_shape_is_named(tmp_path, tiny):
    sd = dict(tiny.state_dict())
    sd["synthesis_module.blendshape_predictor.bias"] = torch.zeros(57)
    msg = _refusal(tmp_path, sd)
    assert "wrong shape" in msg and "blendshape_predictor.bias" in msg


def test_some_other_model_is_refused(tmp_path):
    msg = _refusal(tmp_path, {"encoder.weight": torch.zeros(4, 4)})
    assert "not a DualTalk checkpoint" in msg


def test_pickled_code_is_never_run(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pth"
    with open(path, "wb") as fh:
        pickle.dump({"state_dict": Evil()}, fh, protocol=2)
    with pytest.raises(DualTalkError, match="refused|not a readable"):
        load_dualtalk(path)


@pytest.mark.parametrize(
    ("content", "match"),
    [(b"", "empty"), (b"this is not a checkpoint", "not a readable"), (None, "not found")],
)
def test_unreadable_files_are_one_line_errors(tmp_path, content, match):
    path = tmp_path / "x.pth"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DualTalkError, match=match):
        load_dualtalk(path)


def test_non_tensor_entries_are_refused(tmp_path):
    msg = _refusal(tmp_path, {"state_dict": {"a.weight": torch.zeros(2), "note": "hello"}})
    assert "not a tensor" in msg
