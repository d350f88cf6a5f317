"""The DualTalk network has exactly the published checkpoint's tensors and behaves like the paper's forward."""

from __future__ import annotations

import json
import math

import pytest
import torch
from dualtalk.inference.checkpoint import normalize_state_dict
from dualtalk.inference.core.timebase import frames_for
from dualtalk.inference.models.dualtalk_net import DualTalkConfig, DualTalkNet
from dualtalk.inference.models.protocol import TwoPartyModel


def test_full_size_network_has_every_published_tensor(official_shapes):
    """Built on the meta device (no memory): all 932 names and shapes equal the published list."""
    published = json.loads(official_shapes.read_text())
    published, _ = normalize_state_dict({k: torch.empty(v, device="meta") for k, v in published.items()})
    with torch.device("meta"):
        net = DualTalkNet(DualTalkConfig())
    ours = {k: list(v.shape) for k, v in net.state_dict().items()}
    assert sorted(set(published) - set(ours)) == []
    assert sorted(set(ours) - set(published)) == []
    assert {k: list(v.shape) for k, v in published.items()} == ours
    assert sum(math.prod(s) for s in ours.values()) == 647_237_048


def test_config_is_recovered_from_published_shapes(official_shapes):
    shapes = json.loads(official_shapes.read_text())
    sd = {k: torch.empty(v, device="meta") for k, v in shapes.items()}
    cfg = DualTalkConfig.from_state_dict(sd)
    assert cfg == DualTalkConfig()
    assert cfg.encoder.num_layers == 24 and cfg.encoder.num_heads == 16


@pytest.fixture(scope="module")
def tiny_net() -> DualTalkNet:
    torch.manual_seed(0)
    return DualTalkNet(DualTalkConfig.tiny()).eval()


def test_tiny_network_is_a_two_party_model(tiny_net):
    assert isinstance(tiny_net, TwoPartyModel)
    assert tiny_net.space == "flame56" and tiny_net.fps == 25 and tiny_net.sample_rate == 16000


def test_forward_gives_one_frame_per_40_ms_of_own_audio(tiny_net):
    torch.manual_seed(1)
    n = 16000 + 123  # not a whole number of frames: ceil
    own, partner = torch.randn(1, n), torch.randn(1, n - 5000)  # partner shorter: padded
    frames = frames_for(n)
    assert frames == math.ceil(n / 16000 * 25) == 26
    with torch.no_grad():
        out = tiny_net(own, partner, torch.zeros(1, frames, 56))
    assert out.shape == (1, frames, 56)
    assert torch.isfinite(out).all()


def test_split_forward_equals_paper_forward(tiny_net):
    """encode once + decode is what joint generation relies on; it must equal forward()."""
    torch.manual_seed(2)
    own, partner = torch.randn(2, 8000), torch.randn(2, 8000)
    motion = 0.1 * torch.randn(2, 13, 56)
    with torch.no_grad():
        full = tiny_net(own, partner, motion)
        split = tiny_net.decode(tiny_net.encode_self(own, 13), tiny_net.encode_partner(partner, 13), motion)
    assert torch.equal(full, split)


def test_partner_motion_changes_the_prediction(tiny_net):
    torch.manual_seed(3)
    own, partner = torch.randn(1, 8000), torch.randn(1, 8000)
    with torch.no_grad():
        a = tiny_net(own, partner, tiny_net.neutral_motion(13)[None])
        b = tiny_net(own, partner, torch.randn(1, 13, 56))
    assert not torch.allclose(a, b)


def test_eval_mode_is_deterministic(tiny_net):
    torch.manual_seed(4)
    own, partner, motion = torch.randn(1, 8000), torch.randn(1, 8000), torch.randn(1, 13, 56)
    with torch.no_grad():
        assert torch.equal(tiny_net(own, partner, motion), tiny_net(own, partner, motion))
