"""Training losses for both motion spaces.

The published DualTalk recipe is a plain sum of four mean-squared errors on the
model's 56 output channels ``[exp 0:50, jaw 50:53, neck 53:56]``:

    L = MSE(exp) + MSE(jaw) + MSE(neck) + MSE(velocity)

where velocity is the first difference over time of all 56 channels
(``x[t+1] - x[t]``), each term averaged over its own elements, all weights 1. The
velocity term is what keeps predictions from jittering: a per-frame MSE alone is
indifferent to frame-to-frame noise of the same size.

The lite model predicts ARKit blendshape weights plus head rotation (``arkit55``), so
its variant splits the same way: MSE on the 52 blendshapes, MSE on the 3 head
channels, MSE on the velocity of all 55.

Every loss here takes ``(pred, target, mask)`` with ``pred``/``target`` shaped
(B, T, C) and an optional (B, T) bool ``mask`` marking real frames (batches of
clips shorter than the crop are zero-padded), and returns ``(total, parts)`` where
``parts`` maps a term name to its (weighted) scalar tensor. ``loss_for_space`` picks
the right one for a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..inference.core.channels import SPACE_ARKIT, SPACE_FLAME
from ..inference.core.errors import DualTalkError

LossResult = tuple[torch.Tensor, dict[str, torch.Tensor]]
LossFn = Callable[[torch.Tensor, torch.Tensor, "torch.Tensor | None"], LossResult]


def masked_mse(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean squared error over the frames where ``mask`` is true (all frames if None).

    With a full mask this equals ``torch.nn.functional.mse_loss`` (mean over every
    element), so padded batches give the same number as the unpadded clip would.
    """
    sq = (pred - target) ** 2
    if mask is None:
        return sq.mean()
    m = mask.to(sq.dtype).unsqueeze(-1)  # (B, T, 1)
    denom = m.sum() * sq.shape[-1]
    if denom <= 0:
        return sq.sum() * 0.0
    return (sq * m).sum() / denom


def velocity(x: torch.Tensor) -> torch.Tensor:
    """First difference over time: (B, T, C) -> (B, T-1, C)."""
    return x[:, 1:] - x[:, :-1]


def _velocity_mask(mask: torch.Tensor | None) -> torch.Tensor | None:
    # A velocity is real only where both of its frames are.
    return None if mask is None else mask[:, 1:] & mask[:, :-1]


@dataclass(frozen=True)
class GroupedMotionLoss:
    """Sum of per-group MSEs plus a velocity MSE over all channels.

    ``groups`` maps a term name to a channel slice; ``weights`` scales each term
    (missing names weigh 1). ``velocity_weight`` scales the velocity term.
    """

    groups: tuple[tuple[str, slice], ...]
    channels: int
    weights: tuple[tuple[str, float], ...] = ()
    velocity_weight: float = 1.0

    def __call__(
        self, pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor | None = None
    ) -> LossResult:
        pred, target, mask = _align(pred, target, mask, self.channels)
        w = dict(self.weights)
        parts: dict[str, torch.Tensor] = {}
        for name, sl in self.groups:
            parts[name] = w.get(name, 1.0) * masked_mse(pred[..., sl], target[..., sl], mask)
        if self.velocity_weight and pred.shape[1] > 1:
            parts["velocity"] = self.velocity_weight * masked_mse(
                velocity(pred), velocity(target), _velocity_mask(mask)
            )
        total = torch.stack(list(parts.values())).sum()
        return total, parts


def _align(
    pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor | None, channels: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Check shapes and trim both to the shorter length (the model may round frames)."""
    if pred.ndim != 3 or target.ndim != 3:
        raise DualTalkError(
            f"loss expects (batch, frames, channels), got {tuple(pred.shape)} and {tuple(target.shape)}"
        )
    if pred.shape[-1] != channels or target.shape[-1] != channels:
        raise DualTalkError(
            f"loss expects {channels} channels, got prediction {pred.shape[-1]} and target {target.shape[-1]}"
        )
    n = min(pred.shape[1], target.shape[1])
    if mask is not None:
        mask = mask[:, :n].bool()
    return pred[:, :n], target[:, :n], mask


def flame_loss(
    velocity_weight: float = 1.0, exp: float = 1.0, jaw: float = 1.0, neck: float = 1.0
) -> GroupedMotionLoss:
    """The published DualTalk loss (all weights 1 by default)."""
    return GroupedMotionLoss(
        groups=(("exp", slice(0, 50)), ("jaw", slice(50, 53)), ("neck", slice(53, 56))),
        channels=56,
        weights=(("exp", exp), ("jaw", jaw), ("neck", neck)),
        velocity_weight=velocity_weight,
    )


def arkit_loss(
    velocity_weight: float = 1.0, blendshapes: float = 1.0, head: float = 1.0
) -> GroupedMotionLoss:
    """The lite model's loss: blendshapes, head rotation, velocity."""
    return GroupedMotionLoss(
        groups=(("blendshapes", slice(0, 52)), ("head", slice(52, 55))),
        channels=55,
        weights=(("blendshapes", blendshapes), ("head", head)),
        velocity_weight=velocity_weight,
    )


def loss_for_space(space: str | None) -> GroupedMotionLoss:
    """Default loss for a model predicting ``space``."""
    if space == SPACE_FLAME:
        return flame_loss()
    if space == SPACE_ARKIT:
        return arkit_loss()
    raise DualTalkError(f"no loss defined for motion space {space!r}")
