"""Our own wav2vec2 (large, stable-layer-norm variant) audio encoder, written for DualTalk.

The published DualTalk network embeds two wav2vec2-large-960h-lv60-self encoders and
changes one thing: the 50 Hz CNN features are linearly resampled in time to the
motion frame count *before* the feature projection, so the transformer runs at 25 fps.
Parameter names follow the checkpoint (``feature_extractor.conv_layers.0.conv.weight``
...), so a published state dict loads without renaming. Sizes come from
:class:`Wav2Vec2Config`, which :func:`Wav2Vec2Config.from_state_dict` reads off a
checkpoint (layer count, hidden and FFN sizes, positional-conv kernel and groups).

transformers is deliberately not imported here: it is a test-only dependency that
proves this module numerically equal to its reference implementation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from ..core.errors import DualTalkError


@dataclass(frozen=True)
class Wav2Vec2Config:
    """Structure of one encoder. Defaults are wav2vec2-large-960h-lv60-self."""

    hidden_size: int = 1024
    num_layers: int = 24
    num_heads: int = 16
    intermediate_size: int = 4096
    conv_dim: int = 512
    conv_kernels: tuple[int, ...] = (10, 3, 3, 3, 3, 2, 2)
    conv_strides: tuple[int, ...] = (5, 2, 2, 2, 2, 2, 2)
    pos_conv_kernel: int = 128
    pos_conv_groups: int = 16
    layer_norm_eps: float = 1e-5
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @classmethod
    def from_state_dict(
        cls, sd: Mapping[str, torch.Tensor], prefix: str = "", num_heads: int | None = None
    ) -> Wav2Vec2Config:
        """Infer sizes from the tensors under ``prefix`` (``num_heads`` is not in the shapes).

        Heads default to hidden/64, which is what every released wav2vec2 size uses.
        """

        def shape(key: str) -> tuple[int, ...]:
            if prefix + key not in sd:
                raise DualTalkError(f"checkpoint has no {prefix}{key}; it is not a wav2vec2 encoder")
            return tuple(sd[prefix + key].shape)

        hidden, conv_dim = shape("feature_projection.projection.weight")
        layer_ids = set()
        pat = re.compile(re.escape(prefix) + r"encoder\.layers\.(\d+)\.")
        for k in sd:
            m = pat.match(k)
            if m:
                layer_ids.add(int(m.group(1)))
        if not layer_ids or layer_ids != set(range(len(layer_ids))):
            raise DualTalkError(
                f"checkpoint encoder layers under {prefix or 'root'} are missing or not numbered 0..N-1"
            )
        kernels, strides = [], []
        i = 0
        default = cls()
        while prefix + f"feature_extractor.conv_layers.{i}.conv.weight" in sd:
            kernels.append(shape(f"feature_extractor.conv_layers.{i}.conv.weight")[-1])
            strides.append(default.conv_strides[i] if i < len(default.conv_strides) else 2)
            i += 1
        v_key = "encoder.pos_conv_embed.conv.weight_v"
        if prefix + v_key not in sd:
            v_key = "encoder.pos_conv_embed.conv.parametrizations.weight.original1"
        out_ch, in_per_group, kernel = shape(v_key)
        heads = num_heads or max(1, hidden // 64)
        if hidden % heads:
            raise DualTalkError(f"hidden size {hidden} is not divisible by {heads} attention heads")
        return cls(
            hidden_size=hidden,
            num_layers=len(layer_ids),
            num_heads=heads,
            intermediate_size=shape("encoder.layers.0.feed_forward.intermediate_dense.weight")[0],
            conv_dim=conv_dim,
            conv_kernels=tuple(kernels),
            conv_strides=tuple(strides),
            pos_conv_kernel=kernel,
            pos_conv_groups=out_ch // in_per_group,
        )


class _ConvBlock(nn.Module):
    """Conv1d -> LayerNorm over channels -> GELU (the 'layer' feature-extractor norm)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, eps: float) -> None:
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, kernel, stride=stride, bias=True)
        self.layer_norm = nn.LayerNorm(cout, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        x = self.layer_norm(x.transpose(1, 2)).transpose(1, 2)
        return F.gelu(x)


class FeatureExtractor(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        layers = []
        cin = 1
        for k, s in zip(cfg.conv_kernels, cfg.conv_strides, strict=True):
            layers.append(_ConvBlock(cin, cfg.conv_dim, k, s, cfg.layer_norm_eps))
            cin = cfg.conv_dim
        self.conv_layers = nn.ModuleList(layers)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        """(B, N) -> (B, conv_dim, T50)."""
        x = audio[:, None, :]
        for layer in self.conv_layers:
            x = layer(x)
        return x


class FeatureProjection(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        self.layer_norm = nn.LayerNorm(cfg.conv_dim, eps=cfg.layer_norm_eps)
        self.projection = nn.Linear(cfg.conv_dim, cfg.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projection(self.layer_norm(x))


class WeightNormConv1d(nn.Module):
    """Grouped conv whose weight is ``g * v / ||v||`` with the norm taken per kernel tap (dim 2).

    Stored as ``weight_g`` / ``weight_v`` (the published checkpoint's naming); the
    checkpoint loader converts the newer ``parametrizations.weight.original0/1``.
    """

    def __init__(self, channels: int, kernel: int, groups: int) -> None:
        super().__init__()
        self.groups = groups
        self.padding = kernel // 2
        self.weight_g = nn.Parameter(torch.ones(1, 1, kernel))
        self.weight_v = nn.Parameter(torch.empty(channels, channels // groups, kernel))
        self.bias = nn.Parameter(torch.zeros(channels))
        nn.init.normal_(self.weight_v, std=(2.0 / (kernel * channels)) ** 0.5)
        with torch.no_grad():  # start as a plain conv, like torch's weight_norm does
            self.weight_g.copy_(self.weight_v.pow(2).sum(dim=(0, 1), keepdim=True).sqrt())

    def weight(self) -> torch.Tensor:
        v = self.weight_v
        norm = v.pow(2).sum(dim=(0, 1), keepdim=True).sqrt()
        return v * (self.weight_g / norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv1d(x, self.weight(), self.bias, padding=self.padding, groups=self.groups)


class PositionalConvEmbedding(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        self.conv = WeightNormConv1d(cfg.hidden_size, cfg.pos_conv_kernel, cfg.pos_conv_groups)
        # An even kernel with padding k/2 yields one extra frame; the reference drops it.
        self.trim = 1 if cfg.pos_conv_kernel % 2 == 0 else 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, H) -> (B, T, H) positional term (to be added to x)."""
        y = self.conv(x.transpose(1, 2))
        if self.trim:
            y = y[:, :, : -self.trim]
        return F.gelu(y).transpose(1, 2)


class SelfAttention(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        h = cfg.hidden_size
        self.num_heads = cfg.num_heads
        self.k_proj = nn.Linear(h, h)
        self.v_proj = nn.Linear(h, h)
        self.q_proj = nn.Linear(h, h)
        self.out_proj = nn.Linear(h, h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        heads = self.num_heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, heads, h // heads).transpose(1, 2)

        # Fused attention: same math as softmax(q k^T / sqrt(d)) v, without the T x T copy on CPU.
        out = F.scaled_dot_product_attention(
            split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        )
        return self.out_proj(out.transpose(1, 2).reshape(b, t, h))


class FeedForward(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        self.intermediate_dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size)
        self.output_dense = nn.Linear(cfg.intermediate_size, cfg.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output_dense(F.gelu(self.intermediate_dense(x)))


class EncoderLayer(nn.Module):
    """Pre-norm block: x += attn(LN(x)); x += FFN(LN(x))."""

    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        self.attention = SelfAttention(cfg)
        self.layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.feed_forward = FeedForward(cfg)
        self.final_layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.layer_norm(x))
        return x + self.feed_forward(self.final_layer_norm(x))


class Encoder(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config) -> None:
        super().__init__()
        self.pos_conv_embed = PositionalConvEmbedding(cfg)
        self.layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.num_layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.pos_conv_embed(x)
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


def resample_frames(feats: torch.Tensor, frame_num: int) -> torch.Tensor:
    """(B, C, T50) -> (B, C, frame_num), linear with aligned corners (DualTalk's 50 -> 25 fps step)."""
    if feats.shape[-1] == frame_num:
        return feats
    if feats.shape[-1] == 1:
        return feats.expand(-1, -1, frame_num)
    return F.interpolate(feats, size=frame_num, mode="linear", align_corners=True)


def normalize_audio(audio: torch.Tensor) -> torch.Tensor:
    """Per-utterance zero mean, unit variance (variance + 1e-7), as the wav2vec2 processor does."""
    audio = audio.float()
    mean = audio.mean(dim=-1, keepdim=True)
    var = audio.var(dim=-1, keepdim=True, unbiased=False)
    return (audio - mean) / torch.sqrt(var + 1e-7)


def min_samples(cfg: Wav2Vec2Config) -> int:
    """Shortest input the CNN accepts (one output frame)."""
    n = 1
    for k, s in zip(reversed(cfg.conv_kernels), reversed(cfg.conv_strides), strict=True):
        n = (n - 1) * s + k
    return n


class Wav2Vec2Encoder(nn.Module):
    """wav2vec2 with DualTalk's frame resampling between the CNN and the projection."""

    def __init__(self, cfg: Wav2Vec2Config | None = None) -> None:
        super().__init__()
        self.config = cfg or Wav2Vec2Config()
        self.feature_extractor = FeatureExtractor(self.config)
        self.feature_projection = FeatureProjection(self.config)
        self.encoder = Encoder(self.config)
        # Present in the checkpoint (training-time SpecAugment); unused at inference.
        self.masked_spec_embed = nn.Parameter(torch.zeros(self.config.hidden_size))

    def cnn_features(self, audio: torch.Tensor) -> torch.Tensor:
        """(B, N) normalised audio -> (B, conv_dim, T50)."""
        if audio.shape[-1] < min_samples(self.config):
            raise DualTalkError(
                f"audio is too short for the encoder ({audio.shape[-1]} samples; need {min_samples(self.config)})"
            )
        return self.feature_extractor(audio)

    def forward(self, audio: torch.Tensor, frame_num: int | None = None) -> torch.Tensor:
        """(B, N) normalised 16 kHz audio -> (B, frame_num, hidden) last hidden state.

        ``frame_num=None`` keeps the CNN's own frame rate (plain wav2vec2).
        """
        feats = self.cnn_features(audio)
        if frame_num is not None:
            feats = resample_frames(feats, int(frame_num))
        x = self.feature_projection(feats.transpose(1, 2))
        return self.encoder(x)
