"""The lite network's lip-contact head: a sharp per-frame decision, and old weights unchanged."""

from __future__ import annotations

import io

import pytest
import torch
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.models.lite.model import (
    CONTACT_SHAPES,
    DEFAULT_WEIGHTS,
    LiteConfig,
    LiteDualTalk,
    apply_contact,
    load_lite,
    save_lite,
)

TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)
HEADED = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2, contact_head=2)
CH = {n: i for i, n in enumerate(ARKIT55)}


def _aperture(v: torch.Tensor) -> torch.Tensor:
    low = 0.5 * (v[..., CH["mouthLowerDownLeft"]] + v[..., CH["mouthLowerDownRight"]])
    return v[..., CH["jawOpen"]] - v[..., CH["mouthClose"]] + 0.3 * low


def _tuck(v: torch.Tensor) -> torch.Tensor:
    return v[..., CH["mouthRollLower"]] + 0.25 * (
        v[..., CH["mouthUpperUpLeft"]] + v[..., CH["mouthUpperUpRight"]]
    )


def test_the_head_gives_two_logits_per_frame_beside_the_motion():
    torch.manual_seed(0)
    model = LiteDualTalk(HEADED).eval()
    audio = torch.randn(2, 16000 * 2)
    with torch.inference_mode():
        motion, logits = model.forward_parts(audio, audio, torch.zeros(2, 50, 55))
        out = model(audio, audio, torch.zeros(2, 50, 55))
    assert motion.shape == out.shape == (2, 50, len(ARKIT55))
    assert logits.shape == (2, 50, 2)
    # a fresh head is silent: the decoded output is the regression untouched
    assert torch.sigmoid(logits).max() < 0.05
    assert torch.equal(out, motion)
    plain = LiteDualTalk(TINY).eval()
    assert plain.forward_parts(audio, audio, torch.zeros(2, 50, 55))[1] is None


def test_decode_closes_exactly_the_confident_frames_and_leaves_the_rest_untouched():
    torch.manual_seed(1)
    motion = torch.rand(1, 12, 55) * 0.6  # an open, wandering mouth
    motion[..., CH["mouthClose"]] = 0.0
    prob = torch.zeros(1, 12, 2)
    prob[0, [3, 4], 0] = torch.tensor([0.9, 0.6])  # a confident bilabial over two frames
    prob[0, 7, 1] = 0.8  # a labiodental
    prob[0, 10, 0] = 0.4  # a doubtful bilabial: below the threshold, left alone
    prob[0, 5, :] = torch.tensor([0.55, 0.7])  # both: the likelier one (labiodental) wins
    out = apply_contact(motion, prob, threshold=0.5)

    closed, tucked = [3, 4], [5, 7]
    untouched = [f for f in range(12) if f not in closed + tucked]
    assert torch.equal(out[0, untouched], motion[0, untouched])
    assert (_aperture(out[0, closed]) < 0).all(), "the lips meet on the bilabial frames"
    assert (_aperture(motion[0, closed]) > 0).all()
    for f in closed:
        for name, value in CONTACT_SHAPES["bilabial"].items():
            assert out[0, f, CH[name]] == pytest.approx(value)
    for f in tucked:
        for name, value in CONTACT_SHAPES["labiodental"].items():
            assert out[0, f, CH[name]] == pytest.approx(value)
        assert _tuck(out[0, f]) >= 0.6
    # only the contact channels change; rounding, smile, brows and head keep the regression
    others = [i for n, i in CH.items() if n not in CONTACT_SHAPES["bilabial"]]
    assert torch.equal(out[0][:, others], motion[0][:, others])


def test_the_model_decodes_with_its_own_threshold():
    torch.manual_seed(2)
    model = LiteDualTalk(HEADED).eval()
    with torch.no_grad():
        model.contact[1].bias.copy_(torch.tensor([0.0, -9.0]))  # bilabial probability 0.5 everywhere
    audio = torch.randn(1, 16000)
    with torch.inference_mode():
        motion, _ = model.forward_parts(audio, audio, torch.zeros(1, 25, 55))
        model.cfg.contact_threshold = 0.5
        shut = model(audio, audio, torch.zeros(1, 25, 55))
        model.cfg.contact_threshold = 0.6
        kept = model(audio, audio, torch.zeros(1, 25, 55))
    assert (_aperture(shut) < 0).all()
    assert torch.equal(kept, motion)


def _old_style_file(model: LiteDualTalk, path) -> None:
    """What a v1/v2 build wrote: no contact fields in the config, no contact weights."""
    save_lite(model, path)
    payload = torch.load(path, weights_only=True)
    for key in ("contact_head", "contact_threshold"):
        payload["config"].pop(key)
    buf = io.BytesIO()
    torch.save(payload, buf)
    path.write_bytes(buf.getvalue())


def test_weights_without_a_head_load_and_behave_exactly_as_before(tmp_path):
    torch.manual_seed(3)
    model = LiteDualTalk(TINY).eval()
    new, old = tmp_path / "new.pt", tmp_path / "old.pt"
    save_lite(model, new)
    _old_style_file(model, old)
    a, _ = load_lite(new)
    b, _ = load_lite(old)
    assert b.cfg.contact_head == 0 and not hasattr(b, "contact")
    audio = torch.randn(1, 16000 * 2)
    with torch.inference_mode():
        regressed = b.forward_parts(audio, audio, torch.zeros(1, 50, 55))[0]
        assert torch.equal(a(audio, audio, torch.zeros(1, 50, 55)), b(audio, audio, torch.zeros(1, 50, 55)))
        assert torch.equal(b(audio, audio, torch.zeros(1, 50, 55)), regressed)


@pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason="no committed weights")
def test_the_shipped_weights_load_without_a_head():
    model, _ = load_lite(DEFAULT_WEIGHTS)
    assert model.cfg.contact_head == 0
    assert not any(k.startswith("contact.") for k in model.state_dict())


def test_a_headed_file_round_trips_with_its_threshold_and_bad_heads_are_refused(tmp_path):
    torch.manual_seed(4)
    model = LiteDualTalk(HEADED).eval()
    model.cfg.contact_threshold = 0.35
    loaded, _ = load_lite(save_lite(model, tmp_path / "h.pt"))
    assert loaded.cfg.contact_head == 2 and loaded.cfg.contact_threshold == 0.35
    assert torch.equal(loaded.contact[1].bias, model.contact[1].bias.half().float())

    # contact weights in a file whose config has no head: refused, not silently dropped
    _old_style_file(model, tmp_path / "mixed.pt")
    with pytest.raises(DualTalkError, match="does not match the lite architecture"):
        load_lite(tmp_path / "mixed.pt")
    for cfg_patch, why in (({"contact_head": 1}, "contact_head"), ({"contact_threshold": 1.5}, "outside")):
        payload = torch.load(tmp_path / "h.pt", weights_only=True)
        payload["config"].update(cfg_patch)
        buf = io.BytesIO()
        torch.save(payload, buf)
        (tmp_path / "bad.pt").write_bytes(buf.getvalue())
        with pytest.raises(DualTalkError, match=why):
            load_lite(tmp_path / "bad.pt")
