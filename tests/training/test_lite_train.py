"""A short training run on a freshly synthesised corpus produces loadable lite weights."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.models.lite.model import LiteConfig, LiteDualTalk, load_lite
from dualtalk.training.lite.synth import generate_corpus
from dualtalk.training.lite.train_lite import Corpus, channel_weights, lite_loss, train

pytestmark = pytest.mark.skipif(not available_engines(), reason="no TTS engine installed")
TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    return generate_corpus(tmp_path_factory.mktemp("corpus"), 2, seed=5, duration=5.0)


def test_a_few_training_steps_write_weights_the_engine_can_load(corpus_dir, tmp_path):
    path = train(
        corpus_dir, tmp_path / "run", steps=4, batch_size=2, frames=50, config=TINY, log_every=2, save_every=2
    )
    model, sha = load_lite(path)
    assert model.cfg == TINY and len(sha) == 64
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [2, 4]
    assert all(np.isfinite(r["loss"]) for r in log) and "val_jaw_corr" in log[-1]


def test_the_model_can_fit_its_targets(corpus_dir):
    """Learning really happens: one fixed batch is fitted far better after 25 steps."""
    torch.manual_seed(0)
    corpus = Corpus(corpus_dir)
    batch = corpus.batch(np.random.default_rng(0), 2, 50, [0, 1])
    model = LiteDualTalk(TINY).train()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    weights = channel_weights()

    def loss() -> torch.Tensor:
        return lite_loss(
            model(batch["audio_self"], batch["audio_partner"], batch["partner_motion"]),
            batch["target"],
            weights,
        )

    with torch.no_grad():
        model.eval()
        before = float(loss())
        model.train()
    for _ in range(25):
        opt.zero_grad()
        loss().backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        after = float(loss())
    assert after < 0.5 * before


def test_audio_advance_pairs_each_target_frame_with_earlier_audio(corpus_dir):
    """--audio-advance-ms: the same crop's audio arrives later in the window, so the output learns to lead."""
    corpus = Corpus(corpus_dir)
    plain = corpus.batch(np.random.default_rng(3), 1, 50, [0], 0)
    moved = corpus.batch(np.random.default_rng(3), 1, 50, [0], 320)
    assert torch.equal(plain["target"], moved["target"])
    a, b = plain["audio_self"][0].numpy(), moved["audio_self"][0].numpy()
    # up to the per-crop normalisation, b is a shifted 320 samples later (zeros enter at the start)
    core_a, core_b = a[2000:20000], b[2320:20320]
    assert abs(np.corrcoef(core_a, core_b)[0, 1]) > 0.999
    assert np.corrcoef(a[2000:20000], b[2000:20000])[0, 1] < 0.99


def test_a_contact_head_is_added_to_weights_that_had_none_and_checkpoints_are_kept(corpus_dir, tmp_path):
    from dualtalk.inference.models.lite.model import save_lite

    torch.manual_seed(0)
    start = LiteDualTalk(TINY).eval()
    init = save_lite(start, tmp_path / "v2like.pt")
    path = train(
        corpus_dir, tmp_path / "run", steps=4, batch_size=2, frames=50, lr=1e-12, init=init,
        contact_head=True, keep_every=2, log_every=2, save_every=100,
    )  # fmt: skip
    model, _ = load_lite(path)
    assert model.cfg.contact_head == 2 and (tmp_path / "run" / "lite_step2.pt").is_file()
    before = load_lite(init)[0].state_dict()
    after = model.state_dict()
    assert set(after) - set(before) == {k for k in after if k.startswith("contact.")} != set()
    assert all(torch.allclose(before[k].float(), after[k].float(), atol=1e-3) for k in before)
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    assert "val_bce" in log[-1] and "val_bilabial_recall" in log[-1]


def test_a_weight_average_is_what_gets_saved_when_asked_for(corpus_dir, tmp_path):
    from dualtalk.training.lite.train_lite import WeightAverage

    torch.manual_seed(0)
    model = LiteDualTalk(TINY)
    avg = WeightAverage(model, 0.5)
    first = [p.detach().clone() for p in model.parameters()]
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    avg.update(model, step=1000)  # decay 0.5: half way to the new weights
    for a, f in zip(avg.model.parameters(), first, strict=True):
        assert torch.allclose(a, f + 0.5)
    path = train(
        corpus_dir, tmp_path / "run", steps=4, batch_size=2, frames=50, config=TINY, log_every=2,
        save_every=2, ema=0.9, contact_weight=3.0, contact_l1="aperture",
    )  # fmt: skip
    assert torch.load(path, weights_only=False)["extra"]["ema"] == 0.9
    assert load_lite(path)[0].cfg == TINY


def test_a_soup_is_the_mean_of_its_weights_and_refuses_other_networks(tmp_path):
    from dataclasses import replace

    from dualtalk.inference.models.lite.model import save_lite
    from dualtalk.training.lite.soup import main as soup_main
    from dualtalk.training.lite.soup import soup

    torch.manual_seed(1)
    a, b = LiteDualTalk(TINY).eval(), LiteDualTalk(TINY).eval()
    pa, pb = save_lite(a, tmp_path / "a.pt"), save_lite(b, tmp_path / "b.pt")
    assert soup_main([str(pa), str(pb), "--out", str(tmp_path / "ab.pt"), "--note", "test"]) == 0
    mean, _ = load_lite(tmp_path / "ab.pt")
    sa, sb = load_lite(pa)[0].state_dict(), load_lite(pb)[0].state_dict()
    for k, v in mean.state_dict().items():
        assert torch.allclose(v.float(), (sa[k].float() + sb[k].float()) / 2, atol=2e-3)
    extra = torch.load(tmp_path / "ab.pt", weights_only=False)["extra"]
    assert [i["file"] for i in extra["soup"]] == ["a.pt", "b.pt"] and extra["note"] == "test"
    other = save_lite(LiteDualTalk(replace(TINY, dim=TINY.dim * 2)).eval(), tmp_path / "c.pt")
    with pytest.raises(DualTalkError, match="different network"):
        soup([pa, other], tmp_path / "x.pt")
    with pytest.raises(DualTalkError, match="at least two"):
        soup([pa], tmp_path / "x.pt")


@pytest.mark.parametrize("decay", ["1", "-0.5", "1.5"])
def test_a_moving_average_decay_outside_0_to_1_is_refused(tmp_path, decay):
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.training.lite.train_lite import main

    with pytest.raises(DualTalkError, match="--ema must be 0 \\(off\\) or a decay between 0 and 1"):
        main(["--data", str(tmp_path), "--out", str(tmp_path / "run"), "--ema", decay])
    assert not (tmp_path / "run").exists()


def test_a_refiner_trains_on_frozen_weights_and_leaves_every_other_weight_bit_identical(corpus_dir, tmp_path):
    """--refine: only the refiner learns, so channels it does not own come out exactly as before."""
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.models.lite.model import save_lite

    torch.manual_seed(0)
    init = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "start.pt")
    path = train(
        corpus_dir, tmp_path / "run", steps=6, batch_size=2, frames=50, lr=3e-3, init=init,
        refine="mouthFunnel,mouthPucker", refine_dim=8, ema=0.9, round_weight=0.3, log_every=3,
        save_every=100,
    )  # fmt: skip
    model, _ = load_lite(path)
    assert model.cfg.refine_channels == ("mouthFunnel", "mouthPucker")
    before, after = load_lite(init)[0].state_dict(), model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert any(after[k].abs().sum() > 0 for k in after if k.startswith("refiner.out."))
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    assert "val_round_mse" in log[-1]
    with pytest.raises(DualTalkError, match="give --init"):
        train(corpus_dir, tmp_path / "x", steps=1, refine="mouthFunnel")
    assert not (tmp_path / "x").exists()
    with pytest.raises(DualTalkError, match="already refines"):
        train(corpus_dir, tmp_path / "y", steps=1, init=path, refine="jawOpen")
    with pytest.raises(DualTalkError, match="unknown channel"):
        train(corpus_dir, tmp_path / "z", steps=1, init=init, refine="mouthFunel")
    with pytest.raises(DualTalkError, match="refine_dim = 2 is outside 4..2048"):
        train(corpus_dir, tmp_path / "w", steps=1, init=init, refine="mouthFunnel", refine_dim=2)


def test_grown_blocks_start_as_the_identity_and_then_learn(corpus_dir, tmp_path):
    """--grow-layers: more interaction blocks, and the first output is exactly the init model's."""
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.models.lite.model import save_lite
    from dualtalk.training.lite.train_lite import zero_residual

    torch.manual_seed(0)
    start = LiteDualTalk(TINY).eval()
    init = save_lite(start, tmp_path / "start.pt")
    grown = LiteDualTalk(replace_layers(TINY, TINY.interaction_layers + 2)).eval()
    grown.load_state_dict(load_lite(init)[0].state_dict(), strict=False)
    for block in list(grown.interaction)[TINY.interaction_layers :]:
        zero_residual(block)
    audio, partner = torch.randn(1, 16000) * 0.1, torch.randn(1, 16000) * 0.1
    motion = torch.zeros(1, 25, 55)
    with torch.no_grad():
        assert torch.allclose(
            load_lite(init)[0](audio, partner, motion), grown(audio, partner, motion), atol=1e-6
        )

    path = train(
        corpus_dir, tmp_path / "run", steps=4, batch_size=2, frames=50, lr=3e-3, init=init, grow_layers=2
    )
    model, _ = load_lite(path)
    assert model.cfg.interaction_layers == TINY.interaction_layers + 2
    new = {
        k: v for k, v in model.state_dict().items() if k.startswith(f"interaction.{TINY.interaction_layers}.")
    }
    assert new["interaction.1.ff.3.weight"].abs().sum() > 0  # the zeroed layer learned
    with pytest.raises(DualTalkError, match="give --init"):
        train(corpus_dir, tmp_path / "x", steps=1, grow_layers=1)
    with pytest.raises(DualTalkError, match="interaction_layers = 25 is outside 1..24"):
        train(corpus_dir, tmp_path / "y", steps=1, init=init, grow_layers=24)
    with pytest.raises(DualTalkError, match="--grow-layers must be 0 or more, got -1"):
        train(corpus_dir, tmp_path / "z", steps=1, init=init, grow_layers=-1)
    assert not (tmp_path / "z").exists()


def replace_layers(cfg: LiteConfig, layers: int) -> LiteConfig:
    from dataclasses import replace

    return replace(cfg, interaction_layers=layers)


def test_weights_can_be_retrained_to_read_each_frames_centre(corpus_dir, tmp_path):
    from dualtalk.inference.models.lite.model import save_lite

    torch.manual_seed(0)
    init = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "stretch.pt")
    path = train(
        corpus_dir, tmp_path / "run", steps=2, batch_size=2, frames=50, init=init,
        feature_reading="centre", log_every=2, save_every=2,
    )  # fmt: skip
    model, _ = load_lite(path)
    assert model.cfg.feature_reading == "centre" and model.self_encoder.reading == "centre"
    again = train(corpus_dir, tmp_path / "more", steps=2, batch_size=2, frames=50, init=path, save_every=2)
    assert load_lite(again)[0].cfg.feature_reading == "centre", "a further run keeps the init's reading"
    with pytest.raises(DualTalkError, match="--feature-reading must be one of"):
        train(corpus_dir, tmp_path / "bad", steps=1, init=init, feature_reading="sideways")


def test_a_corpus_too_small_to_hold_one_out_says_its_val_numbers_are_training_numbers(
    corpus_dir, tmp_path, capsys
):
    train(
        corpus_dir, tmp_path / "run", steps=2, batch_size=2, frames=50, config=TINY, log_every=2, save_every=2
    )
    err = capsys.readouterr().err
    assert "holds 2 conversation(s), too few to hold one out" in err
    assert "val_* in the log are measured on the training conversations" in err
