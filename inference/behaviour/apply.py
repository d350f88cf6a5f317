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
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.channels import ARKIT52, HEAD, SPACE_ARKIT, SPACE_FLAME
from ..core.errors import DualTalkError
from ..core.gaze import EYE_LOOK, GAZE_PARTNER, eye_weights
from ..core.motion import Motion, check_one_rate
from ..core.progress import Progress
from ..core.timebase import rates_shown, same_rate
from .cues import Cues, Tick, conversation_cues, segments
from .layers import (
    Context,
    Gaze,
    Head,
    blink_curves,
    blink_times,
    brow_smile,
    calibrate_head,
    gaze_plan,
    head_plan,
    limit_head,
    scaled_direction,
    with_partner_blinks,
)
from .settings import MOOD_TABLE, BehaviourSettings, Mood

if TYPE_CHECKING:
    from .recording_cues import RecordingCues

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


STAGE = "behaviour"  # the progress stage the layer reports under
CUES_SHARE = 0.9  # of the stage, the part reading both voices takes (the plans and layers: the rest)


def _ticks(progress: Progress | None, lo: float, hi: float, who: str) -> Tick | None:
    """A tick for the part ``lo``-``hi`` of the behaviour stage, reading ``who``'s voice."""
    if progress is None:
        return None
    return lambda done, msg: progress.update(STAGE, lo + (hi - lo) * done, f"reading {who}'s voice: {msg}")


def dialogue_cues(
    dialogue: Any, num_frames: int, fps: float = 25.0, progress: Progress | None = None
) -> tuple[Cues, Cues]:
    """Both characters' cues from a :class:`~..audio.Dialogue`, fitted to ``num_frames``.
    ``progress``: each block of each voice read is a line of the behaviour stage (up to
    :data:`CUES_SHARE`), and a cancel is heard there."""

    def fit(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=bool).reshape(-1)[:num_frames]
        return np.concatenate([x, np.zeros(num_frames - len(x), dtype=bool)])

    act_a, act_b = fit(dialogue.active_a), fit(dialogue.active_b)
    names = tuple(getattr(dialogue, "names", ("A", "B")))
    half = CUES_SHARE / 2
    return (
        conversation_cues(dialogue.a, act_a, act_b, fps, tick=_ticks(progress, 0.0, half, names[0])),
        conversation_cues(dialogue.b, act_b, act_a, fps, tick=_ticks(progress, half, CUES_SHARE, names[1])),
    )


def _check(motion_a: Motion, motion_b: Motion) -> None:
    """One pair: the same length, space and frame rate (the rate by the project's one rule,
    :func:`.core.timebase.same_rate`, as the scene and ``animate`` check it)."""
    if motion_a.num_frames != motion_b.num_frames:
        raise DualTalkError(f"A has {motion_a.num_frames} frames but B has {motion_b.num_frames}")
    if motion_a.space != motion_b.space:
        raise DualTalkError(f"A is {motion_a.space} but B is {motion_b.space}")
    check_one_rate(motion_a, motion_b)


def apply_behaviour(
    motion_a: Motion,
    motion_b: Motion,
    dialogue: Any,
    settings: BehaviourSettings | None = None,
    recording: Any = None,
    progress: Progress | None = None,
    cues: RecordingCues | None = None,
) -> tuple[Motion, Motion]:
    """Both characters with the behaviour layer; the inputs are not changed.

    ``recording`` is the whole recording (a :class:`~..audio.Dialogue`) when ``dialogue`` is a part
    of it (``--start/--end``, a re-generated range): the performance is then planned over the
    recording and the part cut from it, so the part blinks, nods and looks away at the same seconds
    as every other take of that recording with the same seed. Planned over the part alone it is a
    new performance: each event depends on the take before it (the blink and gaze processes run from
    the take's first frame, the blink rate and the gaze shares are fitted over the whole take).

    ``cues``: the whole recording's cues already measured (:mod:`.recording_cues`, what its take
    kept), used instead of reading ``recording`` again: the same performance.

    ``progress``: the stage ``"behaviour"`` moves as each voice is read, block by block (two minutes
    of frames), and a cancel is heard there; its 0 and 1 are the caller's."""
    settings = (settings or BehaviourSettings()).validate()
    _check(motion_a, motion_b)
    start_s = 0.0
    if cues is not None:
        if not same_rate(cues.fps, motion_a.fps):
            shown = rates_shown(cues.fps, motion_a.fps)
            raise DualTalkError(f"the recording's cues are at {shown[0]} fps but the motion at {shown[1]}")
        start_s = _part_start(dialogue, cues, motion_a.num_frames, motion_a.fps)
        cues_a, cues_b = cues.a, cues.b
    elif recording is None:
        cues_a, cues_b = dialogue_cues(dialogue, motion_a.num_frames, motion_a.fps, progress)
    else:
        start_s = _part_start(dialogue, recording, motion_a.num_frames, motion_a.fps)
        cues_a, cues_b = dialogue_cues(recording, recording.num_frames, motion_a.fps, progress)
    if progress is not None:
        progress.update(STAGE, CUES_SHARE, "planning blinks, gaze, head and brows")
    return apply_with_cues(motion_a, motion_b, cues_a, cues_b, settings, start_s=start_s)


def _part_start(dialogue: Any, recording: Any, num_frames: int, fps: float) -> float:
    """Seconds into ``recording`` where the part ``dialogue`` (``num_frames`` long) starts; a part
    that does not lie within the recording is refused in one line."""
    start = float(dialogue.start_time) - float(recording.start_time)
    end, length = start + num_frames / fps, recording.num_frames / fps
    if start < -0.5 / fps or end > length + 1.0 / fps:
        r0 = float(recording.start_time)
        raise DualTalkError(
            f"the part to animate ({start + r0:.2f}-{end + r0:.2f} s) is not within the recording it was "
            f"cut from ({r0:.2f}-{r0 + length:.2f} s)"
        )
    return max(start, 0.0)


def apply_with_cues(
    motion_a: Motion,
    motion_b: Motion,
    cues_a: Cues,
    cues_b: Cues,
    settings: BehaviourSettings,
    *,
    start_s: float = 0.0,
) -> tuple[Motion, Motion]:
    """:func:`apply_behaviour` from cues already measured (the evaluator reuses them across seeds).

    The cues may cover a whole recording the motions are a part of, starting ``start_s`` seconds
    into it: every event is planned over the recording, then the part is cut from the plan."""
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
    out = [_one(motions[i], ctxs[i], settings, gazes[i], blinks[i], start_s) for i in range(2)]
    return out[0], out[1]


def _window(x: np.ndarray, first: int, num_frames: int) -> np.ndarray:
    """Frames ``first .. first + num_frames`` of a per-frame plan (its edge frames held past its
    ends); the plan itself when it is exactly that long from frame 0."""
    if first == 0 and len(x) == num_frames:
        return x
    return x[np.clip(np.arange(first, first + num_frames), 0, len(x) - 1)]


def _one(
    motion: Motion, ctx: Context, settings: BehaviourSettings, plan: Gaze, times: list[float], start_s: float
) -> Motion:
    """One character's motion with the layers, cut from a plan that starts ``start_s`` s before it."""
    amounts = settings.amounts(motion.engine)
    t, fps = motion.num_frames, motion.fps
    first = int(round(start_s * fps))
    layer: dict[str, np.ndarray] = {}
    events: dict[str, list[int]] = {}
    if amounts["blinks"] > 0:
        layer["eyeBlinkLeft"], layer["eyeBlinkRight"] = blink_curves(
            times, t, fps, (settings.seed, ctx.role), start_s
        )
        events["blinks"] = [int((x - start_s) * fps) for x in times if 0.0 <= x - start_s < t / fps]
    gaze = Gaze(target=_window(plan.target, first, t), direction=_window(plan.direction, first, t))
    gaze_dir = scaled_direction(gaze.direction, amounts["gaze"])
    if amounts["gaze"] > 0:
        for name, w in eye_weights(gaze_dir).items():
            layer[name] = w
        events["partner_looks"] = [int(s) for s, _ in segments(gaze.target == GAZE_PARTNER)]
    if amounts["brows"] > 0:
        for name, w in brow_smile(ctx).items():
            layer[name] = amounts["brows"] * _window(w, first, t)
    planned = head_plan(ctx, plan)
    head = Head(
        free=_window(planned.free, first, t),
        fixed=_window(planned.fixed, first, t),
        nods=[n - first for n in planned.nods if 0 <= n - first < t],
        speaking=None if planned.speaking is None else _window(planned.speaking, first, t),
    )
    head_deg = None
    if amounts["head"] > 0:
        # the head's scale is fitted over the recording, as the whole take's is: fitted over a
        # part's own frames a calm stretch was scaled up to the full spread (2-4x the whole take)
        own_deg = np.degrees(_head_values(motion))
        model_deg = _recording_model(own_deg, planned.speaking, first, len(planned.free))
        head_deg = amounts["head"] * _window(
            calibrate_head(planned, model_deg, fps, ctx.mood.head_gain()), first, t
        )
        # model + layer kept where a person's head goes (the top settings reached 47 deg, 9.7 a frame)
        head_deg = limit_head(own_deg, head_deg, fps)
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


def _recording_model(
    part_deg: np.ndarray, speaking: np.ndarray | None, first: int, length: int
) -> np.ndarray:
    """The engine's head (degrees) over the whole recording (``length`` frames), for fitting a part's
    head scale: the part's own frames where it lies, elsewhere its frames of the same state (speaking
    or listening) repeated, as the engine's motion there is not known; a whole take's own.

    ``speaking`` is the recording's per-frame state (None: listening throughout), ``first`` the
    part's first frame in it."""
    if first == 0 and length == len(part_deg):
        return part_deg
    state = np.zeros(length, dtype=bool) if speaking is None else np.asarray(speaking, dtype=bool)
    model = np.zeros((length, part_deg.shape[1]))
    frames = np.arange(first, first + len(part_deg))
    inside = (frames >= 0) & (frames < length)
    model[frames[inside]] = part_deg[inside]
    outside = np.ones(length, dtype=bool)
    outside[frames[inside]] = False
    for s in (True, False):
        source = part_deg[inside][state[frames[inside]] == s]
        source = source if len(source) else part_deg[inside]
        dest = np.flatnonzero(outside & (state == s))
        if len(source) and len(dest):
            model[dest] = source[np.arange(len(dest)) % len(source)]
    return model


def _head_values(motion: Motion) -> np.ndarray:
    names = HEAD if motion.space == SPACE_ARKIT else ("neck_rx", "neck_ry", "neck_rz")
    assert motion.space in (SPACE_ARKIT, SPACE_FLAME)
    return np.stack([motion.channel(n) for n in names], axis=1).astype(np.float64)
