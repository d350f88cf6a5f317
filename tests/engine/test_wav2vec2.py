"""Our wav2vec2 encoder gives the same numbers as the reference implementation in transformers.

transformers is only a test dependency: the product's encoder is our own code, and this
test is what lets us claim it reproduces the published encoder.
"""

from __future__ import annotations

import pytest
import torch
from dualtalk.inference.checkpoint import normalize_state_dict
from dualtalk.inference.models.wav2vec2 import (
    Wav2Vec2Config,
    Wav2Vec2Encoder,
    min_samples,
    normalize_audio,
    resample_frames,
)

transformers = pytest.importorskip("transformers")


def _small_reference() -> torch.nn.Module:
    """large-lv60's structural options (stable layer norm, layer-norm CNN with bias, grouped pos conv)
    at a width and depth that runs in a blink."""
    cfg = transformers.Wav2Vec2Config(
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        conv_dim=(512,) * 7,
        conv_kernel=(10, 3, 3, 3, 3, 2, 2),
        conv_stride=(5, 2, 2, 2, 2, 2, 2),
        conv_bias=True,
        feat_extract_norm="layer",
        do_stable_layer_norm=True,
        num_conv_pos_embeddings=128,
        num_conv_pos_embedding_groups=16,
        hidden_dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        feat_proj_dropout=0.0,
        layerdrop=0.0,
        mask_time_prob=0.05,
    )
    torch.manual_seed(0)
    ref = transformers.Wav2Vec2Model(cfg).eval()
    # Non-trivial norms and biases so a missing term would show.
    with torch.no_grad():
        for name, p in ref.named_parameters():
            if "layer_norm" in name or name.endswith("bias"):
                p.add_(0.1 * torch.randn_like(p))
    return ref


@pytest.fixture(scope="module")
def pair() -> tuple[torch.nn.Module, Wav2Vec2Encoder]:
    ref = _small_reference()
    sd, _ = normalize_state_dict(ref.state_dict())  # parametrizations.* -> weight_g / weight_v
    ours = Wav2Vec2Encoder(Wav2Vec2Config.from_state_dict(sd, num_heads=4)).eval()
    ours.load_state_dict(sd, strict=True)
    return ref, ours


def test_config_is_read_from_the_weights(pair):
    _, ours = pair
    cfg = ours.config
    assert (cfg.hidden_size, cfg.num_layers, cfg.intermediate_size) == (64, 2, 128)
    assert (cfg.pos_conv_kernel, cfg.pos_conv_groups, cfg.conv_kernels) == (128, 16, (10, 3, 3, 3, 3, 2, 2))


def test_hidden_states_match_transformers(pair):
    ref, ours = pair
    torch.manual_seed(1)
    audio = normalize_audio(torch.randn(2, 16000))  # 1 s, batch of two
    with torch.no_grad():
        expected = ref(audio).last_hidden_state
        cnn_len = ours.cnn_features(audio).shape[-1]
        got = ours(audio, frame_num=cnn_len)  # resampling to the CNN's own length is the identity
        plain = ours(audio)
    assert got.shape == expected.shape == (2, 49, 64)
    assert (got - expected).abs().max().item() <= 1e-5
    assert torch.equal(got, plain)


def test_stages_match_with_dualtalk_resampling(pair):
    """With frame resampling the result equals: reference CNN -> resample -> reference projection/encoder."""
    ref, ours = pair
    torch.manual_seed(2)
    audio = normalize_audio(torch.randn(1, 24000))
    frame_num = 38  # ceil(1.5 s * 25 fps)
    with torch.no_grad():
        feats = ref.feature_extractor(audio)
        feats = torch.nn.functional.interpolate(feats, size=frame_num, mode="linear", align_corners=True)
        hidden, _ = ref.feature_projection(feats.transpose(1, 2))
        expected = ref.encoder(hidden).last_hidden_state
        got = ours(audio, frame_num=frame_num)
    assert got.shape == (1, frame_num, 64)
    assert (got - expected).abs().max().item() <= 1e-5


def test_resampling_keeps_first_and_last_frames():
    feats = torch.arange(10.0).view(1, 1, 10)
    out = resample_frames(feats, 4)
    assert out[0, 0, 0] == 0 and out[0, 0, -1] == 9
    assert torch.allclose(out[0, 0], torch.tensor([0.0, 3.0, 6.0, 9.0]))


def test_audio_normalisation_is_per_utterance():
    x = torch.stack([torch.linspace(-1, 3, 1000), 5 + 0.1 * torch.randn(1000)])
    y = normalize_audio(x)
    assert torch.allclose(y.mean(dim=1), torch.zeros(2), atol=1e-5)
    assert torch.allclose(y.var(dim=1, unbiased=False), torch.ones(2), atol=1e-3)
    silence = normalize_audio(torch.zeros(1, 100))
    assert torch.isfinite(silence).all()


def test_too_short_audio_is_a_clear_error(pair):
    _, ours = pair
    from dualtalk.inference.core.errors import DualTalkError

    with pytest.raises(DualTalkError, match="too short"):
        ours(torch.zeros(1, min_samples(ours.config) - 1), frame_num=1)
