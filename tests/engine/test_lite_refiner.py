"""The lite network's mouth refiner: a second look at a few channels that leaves the rest alone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from dualtalk.inference.audio.dialogue import Dialogue
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.engine import engine_from_model
from dualtalk.inference.generate import generate_dialogue
from dualtalk.inference.models.lite.model import (
    LiteConfig,
    LiteDualTalk,
    lite_config_from_payload,
    load_lite,
    save_lite,
)

TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)
ROUNDING = "mouthFunnel,mouthPucker"
REFINED = [ARKIT55.index("mouthFunnel"), ARKIT55.index("mouthPucker")]


def _pair(seed: int = 0) -> tuple[LiteDualTalk, LiteDualTalk]:
    """A plain network and the same network with a fresh rounding refiner."""
    torch.manual_seed(seed)
    plain = LiteDualTalk(TINY).eval()
    refined = LiteDualTalk(replace(TINY, refine=ROUNDING, refine_dim=16)).eval()
    missing, unexpected = refined.load_state_dict(plain.state_dict(), strict=False)
    assert not unexpected and missing and all(k.startswith("refiner.") for k in missing)
    return plain, refined


def _run(model: LiteDualTalk, audio: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return model(audio, audio.flip(-1), torch.zeros(audio.shape[0], 50, 55))


def test_a_fresh_refiner_starts_from_exactly_the_networks_output():
    plain, refined = _pair()
    audio = torch.randn(2, 16000 * 2)
    assert torch.equal(_run(plain, audio), _run(refined, audio))


def test_a_trained_refiner_moves_only_its_own_channels():
    plain, refined = _pair(1)
    with torch.no_grad():
        refined.refiner.out.weight.normal_(0, 0.5)
        refined.refiner.out.bias.fill_(0.3)
    audio = torch.randn(1, 16000 * 2)
    a, b = _run(plain, audio), _run(refined, audio)
    others = [i for i in range(len(ARKIT55)) if i not in REFINED]
    assert torch.equal(a[..., others], b[..., others])
    assert (a[..., REFINED] - b[..., REFINED]).abs().mean() > 0.01
    assert ((b[..., REFINED] >= 0) & (b[..., REFINED] <= 1)).all(), "refined channels stay ARKit weights"


def test_refined_weights_round_trip_and_run_a_windowed_take(tmp_path):
    _, refined = _pair(2)
    with torch.no_grad():
        refined.refiner.out.weight.normal_(0, 0.5)
    path = save_lite(refined, tmp_path / "refined.pt")
    loaded, _ = load_lite(path)
    assert loaded.cfg.refine_channels == ("mouthFunnel", "mouthPucker") and loaded.cfg.refine_dim == 16
    # features carry the refiner's audio beside the network's, and a take cut into windows
    # gives the same motion as one pass
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(16000 * 6) * 0.1).astype(np.float32)
    b = (rng.standard_normal(16000 * 6) * 0.1).astype(np.float32)
    talk = Dialogue(a, b, np.ones(150, bool), np.zeros(150, bool))
    engine = engine_from_model(loaded)
    whole, _ = generate_dialogue(talk, engine, rounds=1)
    windows, _ = generate_dialogue(talk, engine, rounds=1, window_s=4.0)
    assert whole.values.shape == (150, 55)
    assert np.abs(whole.values - windows.values)[40:110].max() < 0.05


@pytest.mark.parametrize(
    "refine, words",
    [
        ("mouthFunnel,noSuchShape", "unknown channel"),
        ("mouthFunnel,mouthFunnel", "twice"),
        (["mouthFunnel"], "string"),
        ("headPitch", "unknown channel"),
    ],
)
def test_a_file_whose_refiner_names_bad_channels_is_refused_in_one_line(refine, words):
    with pytest.raises(DualTalkError, match=words) as err:
        lite_config_from_payload({"refine": refine}, "crafted.pt")
    assert "\n" not in str(err.value) and "crafted.pt" in str(err.value)


def test_weights_without_a_refiner_build_none():
    assert LiteDualTalk(TINY).refiner is None
    assert lite_config_from_payload({}, "old.pt").refine_channels == ()
