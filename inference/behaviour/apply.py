"""Apply the behaviour layer to both characters of a take, after either engine.

:func:`apply_behaviour` takes the two motions the engine made plus the dialogue they came
from (two 16 kHz streams + voice activity) and returns new motions with blinks, gaze, head
and brow/smile layers added. Beyond channels each motion carries what the Blender side needs:
the per-frame gaze intent and direction (``gaze_target``, ``gaze_dir``), and for FLAME motion
(which has no eyelid, eye or brow channels) the same layers as ARKit weights (``overlay``).

Lips are never touched: jaw and every mouth channel except the smile (mouthSmile*), and
for FLAME motion the expression and jaw coefficients, are copied bit for bit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..core.channels import ARKIT52, HEAD, SPACE_ARKIT, SPACE_FLAME
from ..core.errors import DualTalkError
from ..core.gaze import EYE_LOOK, GAZE_PARTNER, eye_weights
from ..core.motion import Motion
from .cues import Cues, conversation_cues, segments
from .layers import (
    Context,
    Gaze,
    blink_curve,
    blink_times,
    brow_smile,
    calibrate_head,
    gaze_plan,
    head_plan,
    scaled_direction,
    with_partner_blinks,
)
from .settings import MOOD_TABLE, BehaviourSettings, Mood

BLINK = ("eyeBlinkLeft", "eyeBlinkRight")
BROWS = ("browInnerUp", "browOuterUpLeft", "browOuterUpRight")
SMILE = (
    "mouthSmileLeft",
    "mouthSmileRight",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeSquintLeft",
    "eyeSquintRight",
)
# which channels each layer owns (amount 0 leaves exactly these as the engine made them)
LAYER_CHANNELS = {"blinks": BLINK, "gaze": EYE_LOOK, "head": HEAD, "brows": BROWS + SMILE}
LIP_CHANNELS = tuple(
    c for c in ARKIT52 if (c.startswith("jaw") or c.startswith("mouth")) and not c.startswith("mouthSmile")
)


def dialogue_cues(dialogue: Any, num_frames: int, fps: float = 25.0) -> tuple[Cues, Cues]:
    """Both characters' cues from a :class:`~..audio.Dialogue`, fitted to ``num_frames``."""

    def fit(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=bool).reshape(-1)[:num_frames]
        return np.concatenate([x, np.zeros(num_frames - len(x), dtype=bool)])

    act_a, act_b = fit(dialogue.active_a), fit(dialogue.active_b)
    return (
        conversation_cues(dialogue.a, act_a, act_b, fps),
        conversation_cues(dialogue.b, act_b, act_a, fps),
    )


def _check(motion_a: Motion, motion_b: Motion) -> None:
    if motion_a.num_frames != motion_b.num_frames:
        raise DualTalkError(f"A has {motion_a.num_frames} frames but B has {motion_b.num_frames}")
    if motion_a.space != motion_b.space:
        raise DualTalkError(f"A is {motion_a.space} but B is {motion_b.space}")
    if abs(motion_a.fps - motion_b.fps) > 1e-6:
        raise DualTalkError(f"A is at {motion_a.fps:g} fps but B at {motion_b.fps:g} fps")


def apply_behaviour(
    motion_a: Motion, motion_b: Motion, dialogue: Any, settings: BehaviourSettings | None = None
) -> tuple[Motion, Motion]:
    """Both characters with the behaviour layer; the inputs are not changed."""
    settings = (settings or BehaviourSettings()).validate()
    _check(motion_a, motion_b)
    cues_a, cues_b = dialogue_cues(dialogue, motion_a.num_frames, motion_a.fps)
    return apply_with_cues(motion_a, motion_b, cues_a, cues_b, settings)


def apply_with_cues(
    motion_a: Motion, motion_b: Motion, cues_a: Cues, cues_b: Cues, settings: BehaviourSettings
) -> tuple[Motion, Motion]:
    """:func:`apply_behaviour` from cues already measured (the evaluator reuses them across seeds)."""
    motions = (motion_a, motion_b)
    ctxs = [
        Context(own, partner, m.fps, MOOD_TABLE[settings.moods()[role]], settings.seed, role)
        for role, (m, own, partner) in enumerate(((motion_a, cues_a, cues_b), (motion_b, cues_b, cues_a)))
    ]
    gazes = [gaze_plan(c) for c in ctxs]
    amounts = [settings.amounts(m.engine)["blinks"] for m in motions]
    # listeners also blink 0.25-0.5 s after the speaker does: each character's own blinks first
    # (their rate allowing for the answers to come), then the answers, added on top. Answers follow
    # the partner's blinks as drawn at the neutral mood (the real ones while that mood is neutral),
    # so B's mood never moves A.
    neutral = [replace(c, mood=Mood()) for c in ctxs]
    plain = [gazes[i] if ctxs[i].mood == Mood() else gaze_plan(neutral[i]) for i in range(2)]
    first = [blink_times(neutral[i], plain[i], amounts[i]) for i in range(2)]
    own = [blink_times(ctxs[i], gazes[i], amounts[i], partner_blinks=first[1 - i]) for i in range(2)]
    ref = [
        own[i] if ctxs[i].mood == Mood() else blink_times(neutral[i], plain[i], amounts[i], first[1 - i])
        for i in range(2)
    ]
    blinks = [with_partner_blinks(ctxs[i], own[i], ref[1 - i], amounts[i]) for i in range(2)]
    out = [_one(motions[i], ctxs[i], settings, gazes[i], blinks[i]) for i in range(2)]
    return out[0], out[1]


def _one(motion: Motion, ctx: Context, settings: BehaviourSettings, gaze: Gaze, times: list[float]) -> Motion:
    amounts = settings.amounts(motion.engine)
    t, fps = motion.num_frames, motion.fps
    layer: dict[str, np.ndarray] = {}
    events: dict[str, list[int]] = {}
    if amounts["blinks"] > 0:
        lid = blink_curve(times, t, fps, (settings.seed, ctx.role))
        layer["eyeBlinkLeft"] = layer["eyeBlinkRight"] = lid
        events["blinks"] = [int(x * fps) for x in times]
    gaze_dir = scaled_direction(gaze.direction, amounts["gaze"])
    if amounts["gaze"] > 0:
        for name, w in eye_weights(gaze_dir).items():
            layer[name] = w
        events["partner_looks"] = [int(s) for s, _ in segments(gaze.target == GAZE_PARTNER)]
    if amounts["brows"] > 0:
        for name, w in brow_smile(ctx).items():
            layer[name] = amounts["brows"] * w
    head = head_plan(ctx, gaze)
    head_deg = None
    if amounts["head"] > 0:
        model_deg = np.degrees(_head_values(motion))
        head_deg = amounts["head"] * calibrate_head(head, model_deg, fps, ctx.mood.head)
        events["nods"] = list(head.nods)

    values = motion.values.copy()
    cols = {c: i for i, c in enumerate(motion.channels)}
    overlay_names: tuple[str, ...] = ()
    overlay = None
    if motion.space == SPACE_ARKIT:
        for name, w in layer.items():
            i = cols[name]
            if name in BLINK:  # the model's own blink (if any) still shows
                values[:, i] = np.maximum(values[:, i], w)
            else:
                values[:, i] = np.clip(values[:, i] + w, 0.0, 1.0)
        head_cols = [cols[c] for c in HEAD]
    else:
        overlay_names = tuple(sorted(layer))
        # ARKit weights: an amount of 2 doubles a 0.65 laugh smile, which must not leave 0..1
        stacked = np.stack([layer[n] for n in overlay_names], axis=1) if layer else None
        overlay = np.clip(stacked, 0.0, 1.0).astype(np.float32) if stacked is not None else None
        head_cols = [cols[c] for c in ("neck_rx", "neck_ry", "neck_rz")]
    if head_deg is not None:
        values[:, head_cols] += np.radians(head_deg).astype(np.float32)
    record = {**settings.record(motion.engine), "events": events}
    gaze_on = amounts["gaze"] > 0
    return replace(
        motion,
        values=values,
        meta={**motion.meta, "behaviour": record},
        gaze_target=gaze.target.astype(np.int8) if gaze_on else None,
        gaze_dir=gaze_dir if gaze_on else None,
        overlay_channels=overlay_names if overlay is not None else (),
        overlay=overlay,
    )


def _head_values(motion: Motion) -> np.ndarray:
    names = HEAD if motion.space == SPACE_ARKIT else ("neck_rx", "neck_ry", "neck_rz")
    assert motion.space in (SPACE_ARKIT, SPACE_FLAME)
    return np.stack([motion.channel(n) for n in names], axis=1).astype(np.float64)
