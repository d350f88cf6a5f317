"""The published DualTalk network (CVPR 2025), reimplemented with the checkpoint's names.

Data flow for one character ("self") talking with a partner:

    self audio    -> audio_encoder1 -> audio_projection ----------------------------+
    partner audio -> audio_encoder2 -> audio_projection -> cross-attention (query)  |
    partner motion -> blendshape_encoder ---------------> cross-attention (k, v)    |
                      cross-attention -> BiLSTM = temporal features ---------------+
    concat [self audio feats, temporal feats] -> interaction transformer -> self-attention
    -> synthesis decoder (tgt = memory) -> h + 0.1 * Linear(h) -> 56 FLAME channels

Every module keeps the attribute path of the published state dict
(``joint_encoder.audio_encoder1...``, ``temporal_enhancer.temporal_lstm...``), so the
checkpoint loads as is. The forward is split per :class:`~.protocol.TwoPartyModel`
so joint generation can encode each stream once and decode many times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..core.channels import SPACE_FLAME
from ..core.errors import DualTalkError
from ..core.timebase import frames_for
from .wav2vec2 import Wav2Vec2Config, Wav2Vec2Encoder


@dataclass(frozen=True)
class DualTalkConfig:
    """Sizes of the network. Defaults are the published checkpoint's."""

    blendshape_dim: int = 56
    feature_dim: int = 256
    encoder: Wav2Vec2Config = field(default_factory=Wav2Vec2Config)
    interaction_layers: int = 3
    interaction_heads: int = 4
    ffn_dim: int = 2048
    synthesis_layers: int = 1
    temporal_heads: int = 4
    lstm_layers: int = 2
    mod_factor: float = 0.1
    dropout: float = 0.1

    def to_dict(self) -> dict:
        d = asdict(self)
        d["encoder"].pop("extra", None)
        return d

    @classmethod
    def tiny(cls) -> DualTalkConfig:
        """Same structure at toy widths: for tests and quick benchmarks, never for results.

        One encoder head per 64 channels, so a bare state dict of it loads with the same sizes.
        """
        enc = Wav2Vec2Config(
            hidden_size=64, num_layers=2, num_heads=1, intermediate_size=128, conv_dim=32,
            pos_conv_kernel=16, pos_conv_groups=4,
        )  # fmt: skip
        return cls(feature_dim=32, encoder=enc, interaction_layers=2, ffn_dim=64)

    @classmethod
    def from_dict(cls, d: Mapping) -> DualTalkConfig:
        d = dict(d)
        enc = dict(d.pop("encoder", {}))
        for key in ("conv_kernels", "conv_strides"):
            if key in enc:
                enc[key] = tuple(enc[key])
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(d) - known)
        if unknown:
            raise DualTalkError(f"unknown DualTalk config fields: {', '.join(unknown)}")
        return cls(encoder=Wav2Vec2Config(**enc), **d)

    @classmethod
    def from_state_dict(cls, sd: Mapping[str, torch.Tensor]) -> DualTalkConfig:
        """Read sizes off a checkpoint: encoder depth/width, feature and motion dims, layer counts.

        Head counts are not visible in tensor shapes; they keep the published values.
        """
        pre = "joint_encoder."
        for key in (
            pre + "audio_projection.weight",
            pre + "blendshape_encoder.0.weight",
            "synthesis_module.blendshape_predictor.weight",
        ):
            if key not in sd:
                raise DualTalkError(f"checkpoint has no {key}; it is not a DualTalk checkpoint")
        feature_dim = int(sd[pre + "audio_projection.weight"].shape[0])
        blend_dim = int(sd[pre + "blendshape_encoder.0.weight"].shape[1])
        enc = Wav2Vec2Config.from_state_dict(sd, prefix=pre + "audio_encoder1.")

        def count(pattern: str) -> int:
            ids = {int(m.group(1)) for k in sd if (m := re.match(pattern, k))}
            return len(ids)

        ffn_key = "interaction_module.interaction_encoder.layers.0.linear1.weight"
        lstm_layers = count(r"temporal_enhancer\.temporal_lstm\.weight_ih_l(\d+)$")
        return cls(
            blendshape_dim=blend_dim,
            feature_dim=feature_dim,
            encoder=enc,
            interaction_layers=count(r"interaction_module\.interaction_encoder\.layers\.(\d+)\."),
            ffn_dim=int(sd[ffn_key].shape[0]) if ffn_key in sd else 2048,
            synthesis_layers=count(r"synthesis_module\.synthesis_decoder\.layers\.(\d+)\."),
            lstm_layers=lstm_layers or 2,
        )


class JointEncoder(nn.Module):
    def __init__(self, cfg: DualTalkConfig) -> None:
        super().__init__()
        self.audio_encoder1 = Wav2Vec2Encoder(cfg.encoder)
        self.audio_encoder2 = Wav2Vec2Encoder(cfg.encoder)
        self.audio_projection = nn.Linear(cfg.encoder.hidden_size, cfg.feature_dim)
        half = cfg.feature_dim // 2
        self.blendshape_encoder = nn.Sequential(
            nn.Linear(cfg.blendshape_dim, half), nn.ReLU(), nn.Linear(half, cfg.feature_dim), nn.ReLU()
        )


class TemporalEnhancer(nn.Module):
    """Partner audio attends to partner motion; a BiLSTM smooths the result in time."""

    def __init__(self, cfg: DualTalkConfig) -> None:
        super().__init__()
        d = cfg.feature_dim
        self.cross_attention = nn.MultiheadAttention(d, cfg.temporal_heads, batch_first=True)
        self.temporal_lstm = nn.LSTM(
            d, d // 2, num_layers=cfg.lstm_layers, bidirectional=True, batch_first=True
        )

    def forward(self, partner_audio: torch.Tensor, partner_motion: torch.Tensor) -> torch.Tensor:
        x, _ = self.cross_attention(partner_audio, partner_motion, partner_motion, need_weights=False)
        y, _ = self.temporal_lstm(x)
        return y


class InteractionModule(nn.Module):
    def __init__(self, cfg: DualTalkConfig) -> None:
        super().__init__()
        d = cfg.feature_dim * 2
        layer = nn.TransformerEncoderLayer(
            d, cfg.interaction_heads, cfg.ffn_dim, cfg.dropout, batch_first=True
        )
        self.interaction_encoder = nn.TransformerEncoder(
            layer, cfg.interaction_layers, enable_nested_tensor=False
        )
        self.self_attention = nn.MultiheadAttention(d, cfg.interaction_heads, batch_first=True)
        self.dropout = nn.Dropout(0.5)

    def forward(self, self_audio: torch.Tensor, temporal: torch.Tensor) -> torch.Tensor:
        x = self.interaction_encoder(torch.cat([self_audio, temporal], dim=-1))
        y, _ = self.self_attention(x, x, x, need_weights=False)
        return self.dropout(y)


class SynthesisModule(nn.Module):
    def __init__(self, cfg: DualTalkConfig) -> None:
        super().__init__()
        d = cfg.feature_dim * 2
        layer = nn.TransformerDecoderLayer(
            d, cfg.interaction_heads, cfg.ffn_dim, cfg.dropout, batch_first=True
        )
        self.synthesis_decoder = nn.TransformerDecoder(layer, cfg.synthesis_layers)
        self.blendshape_predictor = nn.Linear(d, cfg.blendshape_dim)
        self.modulation_layer = nn.Linear(d, d)
        self.mod_factor = cfg.mod_factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.synthesis_decoder(x, x)
        return self.blendshape_predictor(h + self.mod_factor * self.modulation_layer(h))


class DualTalkNet(nn.Module):
    """The published network as a :class:`~.protocol.TwoPartyModel` (space ``flame56``)."""

    space = SPACE_FLAME
    fps = 25.0
    sample_rate = 16000

    def __init__(self, cfg: DualTalkConfig | None = None) -> None:
        super().__init__()
        self.config = cfg or DualTalkConfig()
        self.joint_encoder = JointEncoder(self.config)
        self.temporal_enhancer = TemporalEnhancer(self.config)
        self.interaction_module = InteractionModule(self.config)
        self.synthesis_module = SynthesisModule(self.config)

    # TwoPartyModel ---------------------------------------------------------------
    def encode_self(self, audio: torch.Tensor, frame_num: int) -> torch.Tensor:
        je = self.joint_encoder
        return je.audio_projection(je.audio_encoder1(audio, frame_num))

    def encode_partner(self, audio: torch.Tensor, frame_num: int) -> torch.Tensor:
        je = self.joint_encoder
        return je.audio_projection(je.audio_encoder2(audio, frame_num))

    def decode(
        self, self_feats: torch.Tensor, partner_feats: torch.Tensor, partner_motion: torch.Tensor
    ) -> torch.Tensor:
        motion_feats = self.joint_encoder.blendshape_encoder(partner_motion)
        temporal = self.temporal_enhancer(partner_feats, motion_feats)
        return self.synthesis_module(self.interaction_module(self_feats, temporal))

    def neutral_motion(self, frames: int) -> torch.Tensor:
        """FLAME's rest pose: zero expression, closed jaw, straight neck."""
        p = next(self.parameters())
        return torch.zeros(frames, self.config.blendshape_dim, dtype=p.dtype, device=p.device)

    def forward(
        self, audio_self: torch.Tensor, audio_partner: torch.Tensor, partner_motion: torch.Tensor
    ) -> torch.Tensor:
        """The paper's forward; frame count comes from the self audio (partner padded/trimmed to it)."""
        frame_num = frames_for(audio_self.shape[-1], self.sample_rate, self.fps)
        audio_partner = match_length(audio_partner, audio_self.shape[-1])
        return self.decode(
            self.encode_self(audio_self, frame_num),
            self.encode_partner(audio_partner, frame_num),
            partner_motion,
        )


def match_length(audio: torch.Tensor, n: int) -> torch.Tensor:
    """Zero-pad or trim the last axis to ``n`` samples."""
    cur = audio.shape[-1]
    if cur == n:
        return audio
    if cur > n:
        return audio[..., :n]
    return torch.nn.functional.pad(audio, (0, n - cur))
