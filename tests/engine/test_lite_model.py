"""The lite network implements the shared two-party interface and loads safely."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dualtalk.inference.core.channels import ARKIT55, SPACE_ARKIT
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.models.lite.model import (
    DEFAULT_WEIGHTS,
    LiteConfig,
    LiteDualTalk,
    chunked_lstm,
    load_lite,
    save_lite,
)
from dualtalk.inference.models.protocol import TwoPartyModel

TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)


def test_lite_model_is_a_two_party_model_with_arkit_output():
    torch.manual_seed(0)
    model = LiteDualTalk(TINY).eval()
    assert isinstance(model, TwoPartyModel)
    assert model.space == SPACE_ARKIT and model.fps == 25 and model.sample_rate == 16000
    audio = torch.randn(2, 16000 * 3)
    with torch.inference_mode():
        fs = model.encode_self(audio, 75)
        fp = model.encode_partner(audio, 75)
        out = model.decode(fs, fp, model.neutral_motion(75).expand(2, -1, -1))
        again = model(audio, audio, torch.zeros(2, 75, 55))
    assert fs.shape == fp.shape == (2, 75, 32)
    assert out.shape == (2, 75, len(ARKIT55))
    assert torch.allclose(out, again, atol=1e-5)
    assert out[..., :52].min() >= 0 and out[..., :52].max() <= 1  # blendshape weights
    assert out[..., 52:].abs().max() <= model.head_scale  # bounded head rotation


def test_long_takes_run_in_chunks_with_the_same_result_for_short_ones():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(8, 4, batch_first=True, bidirectional=True)
    short = torch.randn(1, 120, 8)
    assert torch.allclose(chunked_lstm(lstm, short), lstm(short)[0])
    long = torch.randn(1, 1000, 8)
    y = chunked_lstm(lstm, long)
    assert y.shape == (1, 1000, 8)
    # Far from chunk edges the chunked result matches the full recurrence closely.
    full = lstm(long)[0]
    assert (y - full).abs()[:, 300:400].mean() < 0.05


def test_weights_round_trip_in_fp16_and_report_sha(tmp_path):
    torch.manual_seed(1)
    model = LiteDualTalk(TINY).eval()
    path = save_lite(model, tmp_path / "w.pt")
    loaded, sha = load_lite(path)
    assert len(sha) == 64 and not loaded.training
    assert loaded.cfg == TINY
    for (k, a), (_k, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        assert torch.allclose(a.float(), b, atol=2e-3, rtol=1e-2), k


def test_the_committed_default_weights_load_and_are_small():
    assert DEFAULT_WEIGHTS.is_file()
    assert DEFAULT_WEIGHTS.stat().st_size <= 25 * 1024 * 1024
    model, sha = load_lite()
    assert isinstance(model, LiteDualTalk) and len(sha) == 64


def test_bad_weight_files_are_refused_with_a_user_error(tmp_path):
    with pytest.raises(DualTalkError, match="not found"):
        load_lite(tmp_path / "missing.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a torch file")
    with pytest.raises(DualTalkError, match="not a readable"):
        load_lite(junk)
    other = tmp_path / "other.pt"
    torch.save({"format": "something-else"}, other)
    with pytest.raises(DualTalkError, match="not a DualTalk lite"):
        load_lite(other)
    wrong = tmp_path / "wrong.pt"
    payload = torch.load(save_lite(LiteDualTalk(TINY), tmp_path / "ok.pt"), weights_only=True)
    payload["state_dict"].pop(next(iter(payload["state_dict"])))
    torch.save(payload, wrong)
    with pytest.raises(DualTalkError, match="does not match"):
        load_lite(wrong)


def test_pickled_code_in_a_weights_file_is_never_run(tmp_path):
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('executed')",))

    evil = tmp_path / "evil.pt"
    torch.save({"format": "dualtalk-lite", "config": {}, "state_dict": Boom()}, evil)
    with pytest.raises(DualTalkError):
        load_lite(evil)
    assert np.isfinite(1.0)
