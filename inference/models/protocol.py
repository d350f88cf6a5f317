"""The interface every talking-head network implements, so generation is shared.

Both the published DualTalk network and the embedded lite model split their forward
pass into audio encoding and motion decoding. Joint two-character generation encodes
each audio stream once and then alternates decoding, so the split is what makes
refinement rounds cheap.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import torch


@runtime_checkable
class TwoPartyModel(Protocol):
    """A network predicting one character's motion from both voices and the partner's motion."""

    space: str  # motion space of the output, see ``inference.channels``
    fps: float  # output frame rate (25)
    sample_rate: int  # audio rate the encoders expect (16000)

    def encode_self(self, audio: torch.Tensor, frame_num: int) -> torch.Tensor:
        """(B, N) normalised 16 kHz audio of the character itself -> (B, frame_num, D)."""
        ...

    def encode_partner(self, audio: torch.Tensor, frame_num: int) -> torch.Tensor:
        """(B, N) normalised 16 kHz audio of the partner -> (B, frame_num, D)."""
        ...

    def decode(
        self, self_feats: torch.Tensor, partner_feats: torch.Tensor, partner_motion: torch.Tensor
    ) -> torch.Tensor:
        """Features (B, T, D) x2 and partner motion (B, T, C) -> this character's motion (B, T, C)."""
        ...

    def neutral_motion(self, frames: int) -> torch.Tensor:
        """(frames, C) resting motion used as the partner's motion before any is known."""
        ...

    def forward(
        self, audio_self: torch.Tensor, audio_partner: torch.Tensor, partner_motion: torch.Tensor
    ) -> torch.Tensor:
        """The paper's forward: decode(encode_self(a), encode_partner(b), motion)."""
        ...
