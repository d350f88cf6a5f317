"""The four event layers: blinks, gaze, head, brows and smiles.

Each layer draws its events from its own random stream (seeded by the user's seed, the
character and the layer), so changing one layer's amount never moves another layer's
events. Amounts scale what a layer writes; the events that couple layers (a blink with a
large gaze shift, the head following an away look) are drawn whatever the amounts are,
so a layer at 0 removes exactly that layer. Figures come from the calibration table in
``../shared/data/real_speech/README.md`` and are explained in ``docs/behaviour.md``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..core.gaze import EYE_PITCH_DEG, EYE_YAW_DEG
from .cues import SILENT_DB, Cues, holds_floor, segments, speaking_state
from .settings import Mood
from .smoothing import gaussian_filter1d  # scipy.ndimage's, without importing it at every Generate

LAYER_IDS = {"blinks": 1, "gaze": 2, "head": 3, "brows": 4, "posture": 5, "partner_blinks": 6, "asymmetry": 7}

# blinks (Bentivoglio 1997; Nakano & Kitazawa 2010)
BLINK_RATE_SPEAKING = 24.0 / 60.0  # all blinks together: background, pause- and gaze-locked
BLINK_RATE_LISTENING = 20.0 / 60.0
BLINK_MIN_GAP_S = 0.45
BLINK_DOUBLE_P = 0.08
BLINK_AT_PAUSE_P = 0.5  # listener blink 0.1-0.5 s after the speaker's phrase end
BLINK_AT_SHIFT_P = 0.5  # blink with a gaze shift of at least BIG_SHIFT_DEG
BIG_SHIFT_DEG = 15.0
BLINK_AFTER_PARTNER_P = 0.3
BLINK_FLOOR = 0.05  # the background never below this share of the state's rate: the locked blinks come first
# No blink starts later than this before the take's end: the longest blink blink_curves draws
# (0.12 s closing, 0.05 hold, 0.25 opening). One started on a take's last frames left its held last
# frame (or an FBX loop's) half shut (review rv39e F3: a blink on frame 586 of a 588-frame take).
BLINK_FULL_S = 0.42
# A speaker's background blink moves to the quietest moment within this much of where it was drawn
# (a pause or a dip between words, inside the speaking state): speakers blink at the breakpoints of
# their speech (Nakano & Kitazawa 2010); drawn at random, 53 % closed on a vowel (any frame: 57 %).
# A blink that goes with a big glance stays with it: that coupling is the eyes' own (Evinger 1994).
BLINK_PAUSE_PULL_S = 0.6
BLINK_PULL_DB_PER_S = 5.0  # how much quieter a moment must be for each second the blink moves
# The two lids of a blink are not copies: one closes a few milliseconds later and a little less far,
# and the same side leads in a person (Kassem & Evinger 2006, "Asymmetry of blinking"). The sizes are
# judged (the table gives none): small enough that every blink still reads as both eyes shutting.
BLINK_LAG_S = (0.0, 0.01)
BLINK_TRAIL_CLOSE = (0.95, 1.0)

# gaze (Kendon 1967; Argyle & Cook 1976): mean fixation lengths, seconds
GAZE_LISTEN = (2.6, 0.95)  # (on partner, away) -> ~73 % on partner
GAZE_SPEAK = (1.25, 1.7)  # -> ~42 % on partner
GAZE_TURN_START_AWAY_P = 0.75
GAZE_TURN_END_BACK_S = 0.7
MICRO_SACCADE_DEG = 0.5
GAZE_MIN_FIXATION_S = 0.25  # no intent shorter, overrides included; no away fixation either
# No look starts this close to the take's end: a shift on the last frames left the held last frame
# (or an FBX loop's) mid-saccade (review rv39e F3: 7 of 28 characters ended on a 1-5 frame look).
GAZE_END_HOLD_S = 0.3
# The main sequence (Bahill, Clark & Stark 1975): peak eye velocity rises with the saccade's size to
# about 400-500 deg/s at 20-30 deg, so at 25 fps one frame carries at most ~20 deg of a shift. A larger
# shift is spread over as many frames as this speed needs (a 35 deg look: two frames, not one).
SACCADE_PEAK_DEG_S = 450.0

# head: per-axis std targets in degrees, the middle of the real-people table's ranges (speaking
# 1.7-2.0, listening 1.0-1.2 for pitch, yaw and roll alike). Roll aimed at 1.5 / 0.9 until session 37
# and read 1.40-1.52 / 0.95-0.96 on every take of the suite (review rv37c F7).
HEAD_STD_SPEAKING = np.array([1.85, 1.85, 1.85])
HEAD_STD_LISTENING = np.array([1.1, 1.1, 1.1])
# The parts of the head that give way (roll tilts, the head following the eyes) are sized down in a
# state where, with the nods, they alone would pass this share of the target: a character who looked
# away a lot turned its head 2.4 deg yaw std speaking and 1.7 listening (the sway at its floor).
HEAD_YIELD_SHARE = 0.9
NOD_P = 0.8  # a listener nod after the partner's phrase end
NOD_LAG_S = (0.2, 0.9)
NOD_DEG = (2.5, 5.0)
NOD_GAP_S = 0.35  # stillness between two nods; longer and a "yeah" nod hides the phrase-end nod after it
TILT_PER_MIN = (1.5, 2.0)  # (speaking, listening)
BEAT_SHAPE_S = (0.3, 0.05, 0.5)  # a speaker's head beat: rise, hold, fall (s); 0.15 s rises read as twitches

# brows and smiles
BROW_RAISE_P = 0.55
BROW_LISTENER_P = 0.2
SMILE_BACK_P = 0.85  # a listener smiles back at each of the partner's laughs
# One outer brow rises a little later and lower than the other (spontaneous expressions are not
# mirror images: Sackeim, Gur & Saucy 1978); judged sizes, the leading side fixed per character.
BROW_LAG_S = (0.0, 0.04)
BROW_TRAIL = (0.85, 1.0)


def layer_rng(seed: int, role: int, layer: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(role), LAYER_IDS[layer]])


# The moments a layer may answer (a partner's phrase end, an own "mm-hm", a large glance, a partner's
# blink) draw from a stream of their own, keyed by the moment's kind and frame: one more phrase end
# adds its own nod and blink and leaves the other events where they were. On the layer's
# stream, a phrase end found inside a turn re-drew all later nods and blinks of the take (session
# 40: AMI listening blinks 22.07 -> 22.74 a minute from 3 extra phrase ends in 50 takes).
EVENT_KINDS = {"partner_phrase_end": 1, "own_backchannel": 2, "gaze_shift": 3, "blink": 4}


def event_rng(seed: int, role: int, layer: str, kind: str, frame: int) -> np.random.Generator:
    """The random stream of one moment (``kind`` at ``frame``) in one layer of one character."""
    return np.random.default_rng(
        [int(seed), int(role), LAYER_IDS[layer], EVENT_KINDS[kind], max(int(frame), 0)]
    )


@dataclass
class Context:
    """What every layer reads: both characters' cues, the mood and the random stream's keys."""

    own: Cues
    partner: Cues
    fps: float
    mood: Mood
    seed: int
    role: int

    @property
    def num_frames(self) -> int:
        return self.own.num_frames

    @cached_property
    def speaking(self) -> np.ndarray:
        """Speaking state for behaviour: own voice, pauses within a phrase bridged (:func:`speaking_state`)."""
        return speaking_state(self.own.speaking, self.fps)

    @cached_property
    def floor(self) -> np.ndarray:
        """Frames where the character holds the floor: :attr:`speaking` less each stretch of it
        that is only the character's own backchannels (an "mm-hm" or "yeah" while the partner talks).

        A listener's "yeah" is listening with a nod, not a turn: with the speaker's sway and stress
        beats a 0.3-0.9 s "mm-hm" moved the head's yaw and roll about twice as much as a listener's
        nod (review 31b F5). A "yeah" that runs on into the character's own phrase (under 0.6 s
        apart) starts a turn and keeps the floor (:func:`holds_floor`, which the evaluator shares)."""
        return holds_floor(self.own.speaking, self.speaking, self.own.backchannels)

    def may_nod(self, frame: int) -> bool:
        """Whether a listener nod may start at ``frame``: the character does not hold the floor there
        (:attr:`floor`): it listens, or says its own "mm-hm" while the partner talks.

        The phrase-level voice (``own.speaking``, 0.2 s gaps bridged) called a breath between two of
        the character's own phrases listening, so a partner's interjection just before it drew a nod
        from a character still mid-turn (8 of 235 nods over five AMI excerpts and five seeds). Any
        frame within a second of a backchannel used to pass too, also one whose "yeah" ran on into
        the character's own sentence and so began its turn: on the shared DualTalk clip character A
        nodded 2.7-4.3 deg once or twice in its own opening turn in every seed, and its speaking pitch
        moved 1.85x as sharply for its size as the tracked person's (1.49x without those nods)."""
        return not bool(self.floor[frame])


def _bump(n: int, rise: float, hold: float, fall: float, fps: float, offset: float = 0.0) -> np.ndarray:
    """A smooth 0 -> 1 -> 0 envelope sampled at frame centres; ``offset`` s into the first frame."""
    u = (np.arange(n) + 0.5) / fps - offset
    up = np.clip(u / max(rise, 1e-6), 0.0, 1.0)
    down = np.clip(1.0 - (u - rise - hold) / max(fall, 1e-6), 0.0, 1.0)
    v = np.where(u < rise, up, down)
    v = np.where(u < 0, 0.0, v)
    return 0.5 - 0.5 * np.cos(np.pi * v)


def _add(out: np.ndarray, start: int, values: np.ndarray) -> None:
    s0 = max(start, 0)
    e = min(start + len(values), len(out))
    if e > s0:
        out[s0:e] += values[s0 - start : e - start]


# gaze -------------------------------------------------------------------------------------
@dataclass
class Gaze:
    target: np.ndarray  # (T,) int8: 1 = partner, 0 = away
    direction: np.ndarray  # (T, 2) float32 degrees (yaw left+, pitch up+) from the target
    shifts: list[tuple[int, float]] = field(default_factory=list)  # (frame, size in degrees)


AWAY_YAW_DEG = (6.0, 20.0)  # sideways, either side
AWAY_PITCH_DEG = (-14.0, 5.0)  # down to up
# past the calibrated range (amounts above 1) directions bend softly into the eyes' reach
GAZE_KNEE_DEG = np.array([AWAY_YAW_DEG[1], -AWAY_PITCH_DEG[0]]) + 4 * MICRO_SACCADE_DEG
GAZE_LIMIT_DEG = 0.95 * np.array([EYE_YAW_DEG, EYE_PITCH_DEG])


def _away_direction(rng: np.random.Generator) -> np.ndarray:
    yaw = rng.uniform(*AWAY_YAW_DEG) * rng.choice((-1.0, 1.0))
    pitch = rng.uniform(*AWAY_PITCH_DEG)
    return np.array([yaw, pitch])


def scaled_direction(direction: np.ndarray, amount: float) -> np.ndarray:
    """(T, 2) gaze directions times the gaze amount, kept inside the eyes' reach.

    Up to :data:`GAZE_KNEE_DEG` (the amount-1 range) a direction is scaled as it is; beyond it
    bends smoothly toward :data:`GAZE_LIMIT_DEG`, so ``--gaze 2`` looks further away without
    doubling a 20 deg glance to 40 deg, which pinned the eyes in their corners."""
    d = np.asarray(direction, dtype=np.float64) * amount
    knee, room = GAZE_KNEE_DEG[None, :], (GAZE_LIMIT_DEG - GAZE_KNEE_DEG)[None, :]
    mag = np.abs(d)
    bent = knee + room * np.tanh((mag - knee) / room)
    return (np.sign(d) * np.where(mag > knee, bent, mag)).astype(np.float32)


def gaze_plan(ctx: Context) -> Gaze:
    """Fixations with a per-frame intent (partner or away) and micro-saccades.

    The fixation process is redrawn (same random stream) with its partner bias corrected
    until the take's share of partner looks per state is near the target: turn starts, turn
    ends and short turns otherwise pull the share away from what the table says.
    """
    speaking = ctx.speaking
    targets = (GAZE_SPEAK[0] / sum(GAZE_SPEAK), GAZE_LISTEN[0] / sum(GAZE_LISTEN))
    bias = [ctx.mood.partner_gaze, ctx.mood.partner_gaze]
    gaze = _gaze_once(ctx, bias)
    for _ in range(3):
        on = gaze.target == 1
        for i, mask in enumerate((speaking, ~speaking)):
            if mask.sum() >= ctx.fps:
                bias[i] += targets[i] + ctx.mood.partner_gaze - float(on[mask].mean())
        gaze = _gaze_once(ctx, bias)
    return gaze


def _runs(target: np.ndarray) -> list[tuple[int, int]]:
    """[(start, stop)) runs of equal intent."""
    edges = np.flatnonzero(np.diff(target)) + 1
    bounds = [0, *edges.tolist(), len(target)]
    return list(zip(bounds[:-1], bounds[1:], strict=False))


def _merge_slivers(target: np.ndarray, forced: np.ndarray, min_n: int, end_n: int = 0) -> None:
    """No intent run inside the take shorter than ``min_n`` frames, nor at its ends (the last
    shorter than ``end_n`` either: :func:`_settle_ends`), in place.

    The turn and phrase overrides cut the fixations they land in and left their remainders, down
    to one frame: a 14 deg look away and straight back in 40 ms about once a minute. A remainder
    of a fixation joins its neighbours (the override's intent, which is on both sides); a run an
    override wrote (a look away at a turn start squeezed by the next override) takes frames from
    its longer neighbour instead, so the look still happens."""
    while True:
        runs = _runs(target)
        short = [k for k in range(1, len(runs) - 1) if runs[k][1] - runs[k][0] < min_n]
        if not short:
            break
        k = short[0]
        s, e = runs[k]
        if forced[s:e].any():
            (ls, le), (rs, re) = runs[k - 1], runs[k + 1]
            need = min_n - (e - s)
            if re - rs >= le - ls and (re - rs - need >= min_n or k + 1 == len(runs) - 1):
                target[e : e + need] = target[s]
                continue
            if le - ls - need >= min_n or k - 1 == 0:
                target[max(0, s - need) : s] = target[s]
                continue
        target[s:e] = 1 - target[s]
    _settle_ends(target, min_n, end_n)


def _settle_ends(target: np.ndarray, min_n: int, end_n: int) -> None:
    """The take's first run at least ``min_n`` frames and its last at least ``end_n``, in place.

    :func:`_merge_slivers` leaves the end runs alone (a look may run off the take), so a turn-end
    override or a fixation drawn on the last frames started a look 1-5 frames before the end: the
    last frame, held or looped, showed the eyes setting off. Such an end run keeps its neighbour's
    intent: the look is not started."""
    runs = _runs(target)
    if len(runs) > 1 and runs[-1][1] - runs[-1][0] < max(end_n, min_n):
        s, e = runs[-1]
        target[s:e] = target[s - 1]
    runs = _runs(target)
    if len(runs) > 1 and runs[0][1] - runs[0][0] < min_n:
        target[: runs[0][1]] = target[runs[0][1]]


def _gaze_once(ctx: Context, bias: list[float]) -> Gaze:
    rng = layer_rng(ctx.seed, ctx.role, "gaze")
    t, fps = ctx.num_frames, ctx.fps
    speaking = ctx.speaking
    target = np.zeros(t, dtype=np.int8)
    i = 0
    on = bool(rng.random() < 0.6)
    while i < t:
        mean_on, mean_off = GAZE_SPEAK if speaking[i] else GAZE_LISTEN
        total = mean_on + mean_off
        p_on = min(0.95, max(0.05, mean_on / total + bias[0 if speaking[i] else 1]))
        mean_on, mean_off = p_on * total, (1.0 - p_on) * total
        dur = rng.gamma(3.0, (mean_on if on else mean_off) / 3.0)
        n = max(2, int(round(max(dur, GAZE_MIN_FIXATION_S) * fps)))
        target[i : i + n] = 1 if on else 0
        i += n
        on = not on
    # speakers look away as a turn starts and back as it ends
    forced = np.zeros(t, dtype=bool)  # frames an override wrote: its intent is kept
    for s in ctx.own.turn_starts:
        if rng.random() < GAZE_TURN_START_AWAY_P:
            n = int(round(rng.uniform(0.8, 1.8) * fps))
            target[max(0, s - 2) : s + n] = 0
            forced[max(0, s - 2) : s + n] = True
    bc = set(ctx.own.backchannels)
    for s, e in segments(ctx.own.speaking):
        if s in bc or e - s < 2 * fps:
            continue
        after = ctx.partner.speaking[e : e + int(fps)]
        own_after = ctx.own.speaking[e : e + int(fps)]
        if after.any() or not own_after.any():  # the turn ends here
            back = slice(max(0, e - int(GAZE_TURN_END_BACK_S * fps)), e + int(0.5 * fps))
            target[back], forced[back] = 1, True
    # listeners look at a speaker who starts a phrase
    for s in ctx.partner.turn_starts:
        if not ctx.own.speaking[s] and rng.random() < 0.8:
            look = slice(s, s + int(rng.uniform(0.8, 1.5) * fps))
            target[look], forced[look] = 1, True
    min_n, end_n = int(round(GAZE_MIN_FIXATION_S * fps)), int(round(GAZE_END_HOLD_S * fps))
    _merge_slivers(target, forced, min_n, end_n)
    # directions: each away run is one or more fixations, micro-saccades everywhere. A remainder
    # shorter than a fixation (or one that would start in the take's last GAZE_END_HOLD_S) stays
    # with the fixation before it: drawn apart, it flicked 25-35 deg across the partner's face and
    # back in 4-5 frames about once a minute (review rv39e F3).
    direction = np.zeros((t, 2))
    for s, e in segments(target == 0):
        k = s
        while k < e:  # drawn as before session 39 (one random stream): only the remainder's use changed
            n = min(e - k, max(int(rng.uniform(0.5, 1.6) * fps), 4))
            if e - (k + n) < 4:
                n = e - k
            drawn = _away_direction(rng)
            short = n < (end_n if k + n == t else min_n)
            direction[k : k + n] = direction[k - 1] if short and k > s else drawn
            k += n
    big = np.where(target[:, None] == 0, direction, 0.0)
    jumps = np.hypot(*np.diff(big, axis=0).T)
    change = np.flatnonzero((np.diff(target) != 0) | (jumps > 2.0)) + 1
    shifts = [(int(k), float(jumps[k - 1])) for k in change]
    k = 0
    while k < t:  # micro-saccades: a fixation is never perfectly still
        n = max(int(rng.uniform(0.35, 1.2) * fps), 1)
        direction[k : k + n] += rng.normal(0.0, MICRO_SACCADE_DEG, size=2)
        k += n
    _spread_saccades(direction, change, SACCADE_PEAK_DEG_S / fps)
    return Gaze(target=target, direction=direction.astype(np.float32), shifts=shifts)


def _spread_saccades(direction: np.ndarray, change: np.ndarray, step_deg: float) -> None:
    """Each shift at the frames ``change`` larger than ``step_deg`` spread evenly over as many
    frames as it needs, in place, so no frame steps further than ``step_deg`` (the main sequence's
    peak speed times a frame). The frames in flight are taken from both fixations, the new one's
    first: a two-frame shift moves half-way on frame ``k``, a three-frame one from frame ``k - 1``.

    Run after the micro-saccades, so a fixation's small offset never adds to a step in flight. Each
    fixation is at least :data:`GAZE_MIN_FIXATION_S` long and the largest shift at amount 1 (44 deg,
    corner to corner) takes three frames, so both keep at least 0.2 s of stillness."""
    t = len(direction)
    for k in change:
        steps = int(np.ceil(float(np.hypot(*(direction[k] - direction[k - 1]))) / step_deg - 1e-9))
        for _ in range(3):  # the end frames may carry other micro-saccades: one more frame if needed
            first, last = max(k - (steps - 1) // 2, 1), min(max(k - (steps - 1) // 2, 1) + steps - 1, t - 1)
            need = int(np.ceil(float(np.hypot(*(direction[last] - direction[first - 1]))) / step_deg - 1e-9))
            if need <= steps:
                break
            steps = need
        first = max(k - (steps - 1) // 2, 1)
        before, after = direction[first - 1].copy(), direction[min(first + steps - 1, t - 1)].copy()
        for j in range(1, steps):
            if first + j - 1 < t:
                direction[first + j - 1] = before + (after - before) * (j / steps)


# blinks -----------------------------------------------------------------------------------
def blink_times(ctx: Context, gaze: Gaze, amount: float, partner_blinks: Sequence[float] = ()) -> list[float]:
    """Blink onsets in seconds: pause- and gaze-locked blinks, a renewal process around them, doubles.

    ``partner_blinks`` only lowers the own blinks by the answers :func:`with_partner_blinks` will
    add to them, so all blinks together (answers and doubles counted) come to the table's rate."""
    if amount <= 0:
        return []
    fps, t = ctx.fps, ctx.num_frames
    triggers: list[tuple[float, np.random.Generator]] = []  # (onset s, the trigger's own stream)
    for e in ctx.partner.phrase_ends:
        own = event_rng(ctx.seed, ctx.role, "blinks", "partner_phrase_end", e)
        if e < t and not ctx.own.speaking[min(e, t - 1)] and own.random() < BLINK_AT_PAUSE_P:
            triggers.append((e / fps + own.uniform(0.1, 0.5), own))
    for frame, size in gaze.shifts:
        own = event_rng(ctx.seed, ctx.role, "blinks", "gaze_shift", frame)
        if size >= BIG_SHIFT_DEG and own.random() < BLINK_AT_SHIFT_P:
            triggers.append((frame / fps - 0.02, own))
    triggers.sort(key=lambda trig: trig[0])
    budget, keep = _blink_budget(ctx, [when for when, _ in triggers], amount, partner_blinks)
    return _blink_train(ctx, layer_rng(ctx.seed, ctx.role, "blinks"), triggers, budget, keep, amount)


def _blink_train(
    ctx: Context,
    rng: np.random.Generator,
    triggers: Sequence[tuple[float, np.random.Generator]],
    budget: dict[bool, float],
    keep: dict[bool, float],
    amount: float,
) -> list[float]:
    """The own blinks: the kept locked blinks, a gamma renewal that fills each state's ``budget``
    (blinks per second before doubles), each locked blink taking the place of one background
    blink, then 8 % doubles.

    A locked blink used to restart the renewal, cancelling the background blink due next, so the
    rates set were not the rates drawn. The background is drawn at the budget's rate whatever the
    locked blinks are; each kept locked blink then takes the place of the background blinks closer
    to it than :data:`BLINK_MIN_GAP_S`, or else of the nearest one not yet given way (:func:`_given_way`).
    Locked blinks lowered the background's rate over the whole take until session 41, so one more
    phrase end moved every later blink of the state (review rv40d F4). A locked blink draws whether
    it is kept and whether it doubles from its trigger's stream (``triggers``: onset, stream); the
    background draws a gap and a double's coin and lag at every step from ``rng``. One more kept
    trigger adds its blink and removes the one it takes the place of; the rest of the train stays
    (the rates it is drawn at still count the triggers and the partner's blinks: :func:`_blink_budget`)."""
    fps, t = ctx.fps, ctx.num_frames
    duration = t / fps - BLINK_FULL_S  # the last moment a blink may start and still open again
    speaking = ctx.speaking

    def state(x: float) -> bool:
        return bool(speaking[min(max(int(x * fps), 0), t - 1)])

    # the first blink comes after 0.2-2 s at amount 1, later at lower amounts: a forced early
    # blink gave every take one even at --blinks 0.02
    now = float(rng.uniform(0.2, 2.0)) / min(amount, 1.0)
    if now >= duration:  # a tiny amount puts the first blink past the take (1e-310 overflowed to inf)
        return []
    locked: list[float] = []
    extra: dict[float, tuple[float, float]] = {}  # per blink onset: its double's coin and lag
    for trig, own in triggers:
        kept = own.random() < min(1.0, amount) * keep[state(trig)]
        double = (own.random(), own.uniform(0.3, 0.45))
        if kept and 0.0 <= trig < duration and (not locked or trig - locked[-1] >= BLINK_MIN_GAP_S):
            locked.append(trig)
            extra[trig] = double
    per_frame = np.zeros(t)  # the background's rate per frame
    for st in (True, False):
        floor = BLINK_FLOOR * (BLINK_RATE_SPEAKING if st else BLINK_RATE_LISTENING) * amount
        per_frame[speaking == st] = max(budget[st], floor)
    # gamma gaps in the background's own time (the rate integrated), so a gap that starts while
    # listening and ends in speech takes each state's rate for the part it spends there
    clock = np.concatenate([[0.0], np.cumsum(per_frame / fps)])
    background: list[float] = []
    while True:
        k = min(int(now * fps), t - 1)
        background.append(now)
        extra[now] = (float(rng.random()), float(rng.uniform(0.3, 0.45)))
        at = clock[k] + (now * fps - k) * per_frame[k] / fps + float(rng.gamma(3.0, 1.0 / 3.0))
        j = int(np.searchsorted(clock, at))
        if j > t:
            break
        nxt = (j - 1 + (at - clock[j - 1]) / (clock[j] - clock[j - 1])) / fps
        now = max(nxt, now + BLINK_MIN_GAP_S)
        if now >= duration:
            break
    gone = _given_way(background, locked, state)
    out = sorted(locked + [x for i, x in enumerate(background) if i not in gone])
    drawn = [extra[x] for x in out]
    out = _quiet_onsets(ctx, out, set(locked), duration)  # in place of each, in the same order
    doubled = list(out)
    for i, (x, (coin, lag)) in enumerate(zip(out, drawn, strict=True)):
        second = x + lag
        if coin < BLINK_DOUBLE_P and second < duration:
            if i + 1 == len(out) or out[i + 1] - second >= 0.3:
                doubled.append(second)
    return sorted(doubled)


def _given_way(background: list[float], locked: list[float], state: Callable[[float], bool]) -> set[int]:
    """Indices of the ``background`` blinks (sorted onsets, s) that give way to the ``locked`` ones.

    Each locked blink takes those closer than :data:`BLINK_MIN_GAP_S`, or where none of them is
    still free, the nearest one in its own state (``state``) not yet taken, or where its state has
    none left (a short stretch), the nearest one of any: a state keeps its rate, and a locked blink
    moves one other blink. Without the last, a 16 s take's few listening seconds ran out of
    background blinks and its locked blinks came on top (the demo read 30.7 blinks/min at seed 0)."""
    gone: set[int] = set()
    for x in locked:
        k = bisect.bisect_left(background, x)
        close = [
            i
            for i in range(max(k - 2, 0), min(k + 2, len(background)))
            if abs(background[i] - x) < BLINK_MIN_GAP_S
        ]
        fresh = [i for i in close if i not in gone]
        gone.update(close)
        if fresh:  # else the locked blink before took it: this one takes the nearest free one
            continue
        i = _nearest_free(background, x, k, gone, state, state(x))
        if i is None:  # none of its state left (a short stretch): the nearest of any state
            i = _nearest_free(background, x, k, gone, state, None)
        if i is not None:
            gone.add(i)
    return gone


def _nearest_free(
    background: list[float],
    x: float,
    k: int,
    gone: set[int],
    state: Callable[[float], bool],
    want: bool | None,
) -> int | None:
    """The index of the ``background`` blink nearest ``x`` (inserted at ``k``) not in ``gone``, in the
    state ``want`` (any state: None)."""
    left, right = k - 1, k
    while left >= 0 or right < len(background):
        dl = x - background[left] if left >= 0 else np.inf
        dr = background[right] - x if right < len(background) else np.inf
        i = left if dl <= dr else right
        if i not in gone and (want is None or state(background[i]) == want):
            return i
        if dl <= dr:
            left -= 1
        else:
            right += 1
    return None


def _shut_level(ctx: Context) -> np.ndarray:
    """(T,) per onset frame, the own voice's mean loudness (dB) over the 0.15 s the lids would be
    shut from it; the voice's silences count as :data:`~.cues.SILENT_DB`."""
    t, fps = ctx.num_frames, ctx.fps
    level = np.where(ctx.own.speaking, np.asarray(ctx.own.loud_db, dtype=np.float64), SILENT_DB)
    shut = max(int(round(0.15 * fps)), 1)
    sums = np.concatenate([[0.0], np.cumsum(np.concatenate([level, np.full(shut, level[-1])]))])
    return (sums[shut : shut + t] - sums[:t]) / shut


def _quiet_onsets(ctx: Context, times: list[float], locked: set[float], last: float) -> list[float]:
    """``times`` (sorted onsets, s) with each speaking background blink (not in ``locked``) moved to
    the quietest moment within :data:`BLINK_PAUSE_PULL_S`: a pause, else a dip between words.

    The lids are shut over the onset's first 0.15 s, so that span's mean loudness is what is weighed
    (the own voice's silences at :data:`~.cues.SILENT_DB`), plus :data:`BLINK_PULL_DB_PER_S` for each
    second moved. A blink stays inside the speaking state (the state's rate is kept), at least
    :data:`BLINK_MIN_GAP_S` from its neighbours and no later than ``last``."""
    fps, t = ctx.fps, ctx.num_frames
    if not times or t == 0:
        return list(times)
    state = ctx.speaking
    quiet = _shut_level(ctx)
    reach = int(BLINK_PAUSE_PULL_S * fps)
    out = list(times)
    for i, x in enumerate(out):
        k0 = min(int(x * fps), t - 1)
        if x in locked or not state[k0]:
            continue
        ks = np.arange(max(k0 - reach, 0), min(k0 + reach, t - 1) + 1)
        when = x + (ks - k0) / fps
        ok = state[ks] & (when <= last)
        if i > 0:
            ok &= when - out[i - 1] >= BLINK_MIN_GAP_S
        if i + 1 < len(out):
            ok &= out[i + 1] - when >= BLINK_MIN_GAP_S
        if not ok.any():
            continue
        score = quiet[ks] + BLINK_PULL_DB_PER_S * np.abs(ks - k0) / fps
        out[i] = float(when[ok][np.argmin(score[ok])])
    return out


def _blink_budget(
    ctx: Context, triggers: Sequence[float], amount: float, partner_blinks: Sequence[float]
) -> tuple[dict[bool, float], dict[bool, float]]:
    """Per state (speaking True / listening False): the own blinks per second before doubles
    and the share of the locked triggers kept, so that all blinks together come to the table's rate.

    Every blink counts: the answers to the partner's blinks added later, the locked blinks and the
    doubles (each own blink brings :data:`BLINK_DOUBLE_P` of one more). Where the locked blinks
    alone would pass the rate, part of them is dropped and the background keeps a floor: flooring
    the background and keeping them all had listeners at 25.5/min against 20 (review 30b F7)."""
    fps, t = ctx.fps, ctx.num_frames
    speaking = ctx.speaking
    duration_s = {True: max(speaking.sum(), 1) / fps, False: max((~speaking).sum(), 1) / fps}
    locked = {True: 0.0, False: 0.0}
    for trig in triggers:
        locked[bool(speaking[min(max(int(trig * fps), 0), t - 1)])] += min(1.0, amount)
    answers = {True: 0.0, False: 0.0}
    for frame in _partner_lock_frames(ctx, partner_blinks):  # expected answers, placed later
        answers[bool(speaking[min(frame + int(0.375 * fps), t - 1)])] += BLINK_AFTER_PARTNER_P * min(
            1.0, amount
        )
    base = {True: BLINK_RATE_SPEAKING, False: BLINK_RATE_LISTENING}
    budget, keep = {}, {}  # the own blinks, locked and background together
    for state in (True, False):
        own = base[state] * ctx.mood.blink * amount - answers[state] / duration_s[state]
        primary = own / (1.0 + BLINK_DOUBLE_P)  # own blinks before their doubles
        floor = BLINK_FLOOR * base[state] * amount
        locked_rate = locked[state] / duration_s[state]
        budget[state] = primary
        keep[state] = 1.0 if locked_rate <= 0 else min(1.0, max(primary - floor, 0.0) / locked_rate)
    return budget, keep


def _partner_lock_frames(ctx: Context, partner_blinks: Sequence[float]) -> list[int]:
    """Frames of the partner's blinks this character may answer: those while it does not speak."""
    frames = [int(when * ctx.fps) for when in partner_blinks]
    return [f for f in frames if 0 <= f < ctx.num_frames and not ctx.own.speaking[f]]


def with_partner_blinks(
    ctx: Context, own: Sequence[float], partner_blinks: Sequence[float], amount: float
) -> list[float]:
    """``own`` plus a blink 0.25-0.5 s after 30 % of the partner's blinks while listening
    (Nakano & Kitazawa 2010), none closer than :data:`BLINK_MIN_GAP_S` to another.

    Added after both characters' own blinks, each partner blink with its own random stream: locking
    them to a first draw that a second pass then redrew answered blinks the partner never made (a
    listener blink followed 17 % of a speaker's blinks, against 12 % by chance)."""
    if amount <= 0:
        return list(own)
    duration = ctx.num_frames / ctx.fps - BLINK_FULL_S
    out = sorted(own)
    for frame in _partner_lock_frames(ctx, partner_blinks):
        answer = event_rng(ctx.seed, ctx.role, "partner_blinks", "blink", frame)  # its own coin and lag
        p, lag = answer.random(), answer.uniform(0.25, 0.5)
        when = frame / ctx.fps + lag
        if p >= BLINK_AFTER_PARTNER_P * min(1.0, amount) or when >= duration:
            continue
        k = bisect.bisect(out, when)
        if all(abs(when - x) >= BLINK_MIN_GAP_S for x in out[max(k - 1, 0) : k + 1]):
            out.insert(k, when)
    return out


def blink_curves(
    times: list[float], num_frames: int, fps: float, rng_seed: tuple[int, int], start_s: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """(T,) eyelid closure, left and right: ~100 ms close, a short hold, 150-250 ms open, eased.

    ``times`` are the take's blink onsets; the curves cover ``num_frames`` frames from ``start_s``
    seconds into it (a part of the take: each blink keeps the shape it has in the whole take). One
    lid (the character's side, drawn once) leads; the other follows :data:`BLINK_LAG_S` later and
    closes :data:`BLINK_TRAIL_CLOSE` as far, drawn per blink from their own stream, so every blink
    keeps the leading lid's shape and timing whatever the asymmetry draws."""
    rng = np.random.default_rng([*rng_seed, 99])
    side = np.random.default_rng([*rng_seed, LAYER_IDS["asymmetry"]])
    lead_left = bool(side.random() < 0.5)
    lead, trail = np.zeros(num_frames), np.zeros(num_frames)
    for onset in times:
        close, hold, opening = rng.uniform(0.08, 0.12), rng.uniform(0.02, 0.05), rng.uniform(0.15, 0.25)
        lag, depth = side.uniform(*BLINK_LAG_S), side.uniform(*BLINK_TRAIL_CLOSE)
        _lid(lead, onset - start_s, (close, hold, opening), fps, 1.0)
        _lid(trail, onset - start_s + lag, (close, hold, opening), fps, depth)
    lead32, trail32 = lead.astype(np.float32), trail.astype(np.float32)
    return (lead32, trail32) if lead_left else (trail32, lead32)


def _lid(out: np.ndarray, onset: float, shape: tuple[float, float, float], fps: float, depth: float) -> None:
    """One blink starting ``onset`` s into ``out`` (frames), peak ``depth``, kept where it is the larger."""
    start = int(np.floor(onset * fps))
    n = int(np.ceil(sum(shape) * fps)) + 2
    if start + n <= 0 or start >= len(out):
        return
    lid = depth * _bump(n, *shape, fps, offset=onset - start / fps)
    seg = out[max(start, 0) : start + n]
    np.maximum(seg, lid[max(-start, 0) : max(-start, 0) + len(seg)], out=seg)


# head -------------------------------------------------------------------------------------
@dataclass
class Head:
    """Head rotation parts in degrees (T, 3) = pitch (chin down +), yaw (left +), roll."""

    free: np.ndarray  # sway + speaker beats: scaled to hit the calibrated std
    fixed: np.ndarray  # nods, tilts, the head following the eyes: absolute sizes
    # the share of ``fixed`` that gives way where it alone would pass the std (tilts, following the
    # eyes; :data:`HEAD_YIELD_SHARE`); None: all of it keeps its size
    yielding: np.ndarray | None = None
    nods: list[int] = field(default_factory=list)  # nod onset frames
    speaking: np.ndarray | None = None  # where the character holds the floor (:attr:`Context.floor`)
    voiced: np.ndarray | None = None  # the speaking state the table measures (:attr:`Context.speaking`)


SWAY_MIN_S = 10.0


def _sway(
    rng: np.random.Generator, t: int, fps: float, fast_s: float = 0.6, slow_s: float = 2.5
) -> np.ndarray:
    """Band-limited wander, unit std per axis: Gaussian smoothing at ``fast_s`` minus ``slow_s``
    seconds (the default passes about 0.07-0.4 Hz).

    Drawn and normalised over at least :data:`SWAY_MIN_S`, then cut to the take: a slow wander
    barely moves within a short take, and dividing by that take's own tiny std turned a 0.2 s
    take's head 170 degrees."""
    out = np.zeros((t, 3))
    pad = int(2 * slow_s * fps)
    n = max(t, int(round(SWAY_MIN_S * fps)))
    for axis in range(3):
        noise = rng.normal(size=n + 2 * pad)
        slow = gaussian_filter1d(noise, fast_s * fps) - gaussian_filter1d(noise, slow_s * fps)
        slow = slow[pad : pad + n]
        out[:, axis] = (slow / (slow.std() + 1e-9))[:t]
    return out


SPEAKING_EASE_DELAY_S = 0.2


def speaking_weight(speaking: np.ndarray, fps: float) -> np.ndarray:
    """(T,) 1 while speaking, 0 while listening, eased over ~0.3 s: how head settings blend
    between the two states without a jump at each turn.

    The ease lags the voice by :data:`SPEAKING_EASE_DELAY_S`: a centred ease gave a speaker's
    head its full speaking motion half a second before the first word, where a viewer reads
    the chin dip as a listener's nod; now it settles a little later after the last word instead."""
    x = np.asarray(speaking, dtype=np.float64)
    eased = gaussian_filter1d(x, 0.3 * fps)
    shift = int(round(SPEAKING_EASE_DELAY_S * fps))
    if shift <= 0 or len(eased) <= shift:
        return eased
    return np.concatenate([np.full(shift, eased[0]), eased[:-shift]])


# A listener's pitch wanders slower than this (posture), so that the only quick chin-down
# swings a viewer sees while someone listens are the nods placed at the partner's phrase ends.
LISTEN_PITCH_SWAY_S = (1.6, 6.0)


def _nod_shape(rng: np.random.Generator, fps: float, size_deg: float) -> np.ndarray:
    """Pitch of one nod: 1-3 cycles, multi-cycle nods grow then shrink (Hale et al. 2020)."""
    cycles = int(rng.choice((1, 2, 3), p=(0.5, 0.35, 0.15)))
    freq = rng.uniform(1.3, 2.0) if cycles == 1 else rng.uniform(2.4, 3.6)
    dur = cycles / freq
    u = (np.arange(int(np.ceil(dur * fps)) + 1) + 0.5) / fps
    u = np.minimum(u, dur)
    env = np.ones_like(u) if cycles == 1 else np.abs(np.sin(np.pi * u / dur)) ** 0.6
    return size_deg * env * np.sin(np.pi * freq * u) ** 2


def head_plan(ctx: Context, gaze: Gaze) -> Head:
    """Speaker beats and sway (to be calibrated), listener nods, tilts, eyes leading the head."""
    rng = layer_rng(ctx.seed, ctx.role, "head")
    t, fps = ctx.num_frames, ctx.fps
    speaking = ctx.speaking
    floor = ctx.floor  # a backchannel is listening: no speaker sway, beats or speaking gains
    free = _sway(rng, t, fps)
    posture = _sway(layer_rng(ctx.seed, ctx.role, "posture"), t, fps, *LISTEN_PITCH_SWAY_S)
    w_speak = speaking_weight(floor, fps)
    free[:, 0] = w_speak * free[:, 0] + (1.0 - w_speak) * posture[:, 0]
    # beats on stressed syllables, larger near phrase starts
    beats = np.zeros((t, 3))
    starts = np.array(ctx.own.phrase_starts, dtype=np.int64)
    shape = _bump(int(sum(BEAT_SHAPE_S) * fps) + 2, *BEAT_SHAPE_S, fps)
    apex = int(round(BEAT_SHAPE_S[0] * fps))  # the beat's top falls on the stressed syllable
    # per frame, where the speaking stretch holding it began
    voice_from = np.maximum.accumulate(
        np.where(np.diff(speaking.astype(np.int8), prepend=0) > 0, np.arange(t), 0)
    )
    for p in np.flatnonzero(ctx.own.stress > 0.6):
        near_start = len(starts) and np.min(np.abs(p - starts)) < 0.4 * fps
        size = min(float(ctx.own.stress[p]), 3.0) * (1.7 if near_start else 1.0)
        sign = 1.0 if rng.random() < 0.75 else -1.0
        # the top on the syllable, but never rising before the voice: a chin dip before the
        # first word reads as a listener's nod
        onset = max(int(p) - apex + 1, int(voice_from[min(int(p), t - 1)]))
        shares = (sign, rng.normal(0, 0.5), rng.normal(0, 0.3))  # drawn either way: one stream
        if not floor[min(int(p), t - 1)]:
            continue
        for axis, share in enumerate(shares):
            _add(beats[:, axis], onset, size * share * shape)
    beat_scale = np.std(beats[floor]) if floor.any() and np.std(beats[floor]) > 0 else 1.0
    free += 1.3 * beats / beat_scale
    fixed = np.zeros((t, 3))
    nods: list[int] = []
    last = -(10**9)
    cand: list[tuple[float, float, np.random.Generator]] = []  # (time s, probability, its stream)
    p_nod = min(1.0, NOD_P * ctx.mood.nods)
    for e in ctx.partner.phrase_ends:
        own = event_rng(ctx.seed, ctx.role, "head", "partner_phrase_end", e)
        cand.append((e / fps + own.uniform(*NOD_LAG_S), p_nod, own))
    for s in ctx.own.backchannels:
        own = event_rng(ctx.seed, ctx.role, "head", "own_backchannel", s)
        cand.append((s / fps + own.uniform(0.0, 0.2), 0.9, own))
    cand.sort(key=lambda c: c[0])
    for when, prob, own in cand:
        frame = int(when * fps)
        if frame >= t or own.random() >= prob:
            continue
        if not ctx.may_nod(frame):
            continue
        if frame - last < int(NOD_GAP_S * fps):
            continue
        shape = _nod_shape(own, fps, own.uniform(*NOD_DEG))
        _add(fixed[:, 0], frame, shape)
        nods.append(frame)
        last = frame + len(shape)
    # tilts: slow roll holds
    yielding = np.zeros((t, 3))
    for state, rate in ((True, TILT_PER_MIN[0]), (False, TILT_PER_MIN[1])):
        k = 0
        while k < t:
            k += int(rng.exponential(60.0 / rate) * fps)
            if k < t and speaking[k] == state:
                shape = _bump(int(4.5 * fps), 0.45, rng.uniform(0.8, 2.4), 0.6, fps)
                _add(yielding[:, 2], k, rng.uniform(1.5, 3.5) * rng.choice((-1.0, 1.0)) * shape)
    # the head turns a little toward where the eyes look away
    away = np.where(gaze.target[:, None] == 0, gaze.direction.astype(np.float64), 0.0)
    follow = gaussian_filter1d(away, 0.25 * fps, axis=0)
    yielding[:, 1] += 0.2 * follow[:, 0]
    yielding[:, 0] -= 0.08 * follow[:, 1]  # eyes up = chin up = negative pitch; small, or it reads as a nod
    fixed += yielding
    return Head(free=free, fixed=fixed, nods=nods, speaking=floor, voiced=speaking, yielding=yielding)


# A state shorter than this (a 0.5 s take, a breath of listening) is not calibrated to a std:
# solving over a few frames of slow sway asked for 10x the target. Longer states rarely need
# more than 2.6x (15 AMI excerpts, 3 seeds); the cap only stops a freak.
CALIBRATE_MIN_S = 1.0
CALIBRATE_MAX_GAIN = 3.0


# A livelier mood (head gain above 1) sways its listener more than neutral does, but only slowly:
# the pitch that mood adds over the neutral calibration is smoothed over this many seconds while the
# character listens (a nod is a 0.3-1 s swing), eased in and out over LIVELY_EASE_S at each change of
# state. At the speaking sway's speed it made 1.9 unplaced nod-like swings per listening minute under
# --mood animated (neutral 0.3, 20 seeds of the suite's takes), and the demo's nods missed the
# partner's phrase ends (0.45 of them 0.2-1.0 s after one).
LIVELY_LISTEN_PITCH_SMOOTH_S = 0.6
LIVELY_EASE_S = 0.15


def calibrate_head(
    head: Head, model_deg: np.ndarray, fps: float, gain: float | Sequence[float] | np.ndarray
) -> np.ndarray:
    """The layer's head motion (T, 3) degrees, sized so the take hits the table's std per axis.

    The free part is scaled so that model + layer reaches the speaking / listening targets
    (the model's own head motion counts toward them); nods keep their sizes, and tilts and the head
    following the eyes too unless they alone would pass the target (:data:`HEAD_YIELD_SHARE`).
    ``gain``: the mood's multiple of the targets, one for every axis or one per axis
    (:meth:`~.settings.Mood.head_gain`). Above neutral pitch the listener's extra pitch is kept slow
    (:func:`_slow_lively_pitch`).
    """
    gains = np.broadcast_to(np.asarray(gain, dtype=np.float64), (3,))
    out = _scaled_head(head, model_deg, fps, gains)
    return _slow_lively_pitch(head, model_deg, fps, out) if gains[0] > 1.0 else out


def _yield_share(rest: np.ndarray, y: np.ndarray, goal: float) -> float:
    """The share h (0..1) of the yielding part ``y`` to keep so that ``rest + h y`` has at most the
    std ``goal`` (the larger root): 1 when all of it stays within, 0 when even none of it does."""
    n = len(rest)
    rest, y = rest - rest.mean(), y - y.mean()
    full = rest + y
    if float(full @ full) <= n * goal**2 or float(y @ y) <= 0.0:
        return 1.0
    a, b, c = float(y @ y), float(2 * rest @ y), float(rest @ rest) - n * goal**2
    disc = b * b - 4 * a * c
    if disc <= 0:
        return 0.0
    return float(min(max((-b + np.sqrt(disc)) / (2 * a), 0.0), 1.0))


def _scaled_head(head: Head, model_deg: np.ndarray, fps: float, gain: np.ndarray) -> np.ndarray:
    """:func:`calibrate_head` with every axis's free part moving as it was planned.

    The gains are fitted over the states as the table measures them (``head.voiced``: a person's
    own "mm-hm" counts as speaking there) and given per frame by who holds the floor
    (``head.speaking``): a backchannel's frames keep the listening gain inside the speaking fit.
    First, per state and axis, the yielding part (:attr:`Head.yielding`) keeps the share of its size
    that leaves the nods and itself within :data:`HEAD_YIELD_SHARE` of the target."""
    speaking = head.speaking if head.speaking is not None else np.zeros(len(head.free), dtype=bool)
    voiced = head.voiced if head.voiced is not None else speaking
    yielding = head.yielding if head.yielding is not None else np.zeros_like(head.fixed)
    gains, keep = np.zeros((2, 3)), np.ones((2, 3))
    for row, (mask, target) in ((1, (~voiced, HEAD_STD_LISTENING)), (0, (voiced, HEAD_STD_SPEAKING))):
        own = speaking[mask] if row == 0 else ~speaking[mask]  # the frames this row's gain scales
        for axis in range(3):
            goal = gain[axis] * target[axis]
            if own.sum() < CALIBRATE_MIN_S * fps:  # a std over a moment means nothing: half the target
                gains[row, axis] = 0.5 * goal
                continue
            nods = head.fixed[mask, axis] - yielding[mask, axis]  # the parts that keep their size
            # backchannels inside the speaking state: the listening share of the yielding part
            heard = np.where(own, 0.0, keep[1, axis] * yielding[mask, axis])
            y = np.where(own, yielding[mask, axis], 0.0)
            # judged on the layer's own parts, not the engine's head: a part (--start/--end) knows
            # that only over its own frames, and must keep the share the whole take kept
            keep[row, axis] = _yield_share(nods + heard, y, HEAD_YIELD_SHARE * goal)
            other = np.where(own, 0.0, gains[1, axis] * head.free[mask, axis]) + heard  # listening gain
            f = model_deg[mask, axis] + nods + other + keep[row, axis] * y
            x = np.where(own, head.free[mask, axis], 0.0)
            f, x = f - f.mean(), x - x.mean()
            a, b, c = float(x @ x), float(2 * f @ x), float(f @ f) - len(f) * goal**2
            disc = b * b - 4 * a * c
            g = (-b + np.sqrt(disc)) / (2 * a) if disc > 0 and a > 0 else 0.0
            # never frozen: keep at least a quarter of the target as sway; never wild either
            lo, hi = 0.25 * goal, CALIBRATE_MAX_GAIN * goal
            gains[row, axis] = min(max(g, lo), hi)
    w = speaking_weight(speaking, fps)[:, None]
    kept = w * keep[0][None, :] + (1.0 - w) * keep[1][None, :]
    fixed = head.fixed - (1.0 - kept) * yielding
    _refit_eased(gains, head.free, model_deg + fixed, w[:, 0], voiced, gain, fps)
    per_frame = w * gains[0][None, :] + (1.0 - w) * gains[1][None, :]
    return per_frame * head.free + fixed


# The gains are fitted as if each state's frames took that state's gain alone; the 0.3 s ease
# between them (:func:`speaking_weight`, lagging the voice) gives a listener's first frames some of
# the speaking gain, so the listening roll read 1.14-1.19 deg for a 1.1 target. Refitted this many
# times with the eased weights, each state's gain given the other's, the take lands on the target.
CALIBRATE_EASED_PASSES = 2


def _refit_eased(
    gains: np.ndarray,
    free: np.ndarray,
    rest: np.ndarray,
    w: np.ndarray,
    voiced: np.ndarray,
    gain: np.ndarray,
    fps: float,
) -> None:
    """``gains`` (2, 3: speaking, listening rows) refitted in place over the eased weights ``w``
    (1 speaking .. 0 listening), so model + ``rest`` (fixed parts) + the scaled ``free`` part has the
    target std over each state as the table measures it (``voiced``)."""
    for _ in range(CALIBRATE_EASED_PASSES):
        for row, (mask, target) in ((1, (~voiced, HEAD_STD_LISTENING)), (0, (voiced, HEAD_STD_SPEAKING))):
            if mask.sum() < CALIBRATE_MIN_S * fps:
                continue
            mine = w[mask] if row == 0 else 1.0 - w[mask]
            for axis in range(3):
                goal = gain[axis] * target[axis]
                x = mine * free[mask, axis]
                f = rest[mask, axis] + (1.0 - mine) * gains[1 - row, axis] * free[mask, axis]
                f, x = f - f.mean(), x - x.mean()
                a, b, c = float(x @ x), float(2 * f @ x), float(f @ f) - len(f) * goal**2
                disc = b * b - 4 * a * c
                if a <= 0 or disc <= 0:
                    continue  # out of reach: the first fit's gain stands
                g = (-b + np.sqrt(disc)) / (2 * a)
                gains[row, axis] = min(max(g, 0.25 * goal), CALIBRATE_MAX_GAIN * goal)


def _slow_lively_pitch(head: Head, model_deg: np.ndarray, fps: float, lively: np.ndarray) -> np.ndarray:
    """``lively`` (the head at a gain above 1) with the pitch it adds over the neutral calibration
    smoothed over :data:`LIVELY_LISTEN_PITCH_SMOOTH_S` while listening: a lively listener's larger
    sway drifts rather than dipping like a nod between the partner's phrase ends. Speaking frames
    keep the lively pitch; yaw and roll are left as they are.

    The smoothed pitch is not sized back up to the mood's spread: that brought nod-like swings
    back (0.53 against 0.32 a listening minute, 20 seeds of the suite's takes); listening pitch
    keeps 0.53x the speaking spread (AMI), inside the table's 0.5-0.7x."""
    speaking = head.speaking if head.speaking is not None else np.zeros(len(head.free), dtype=bool)
    plain = _scaled_head(head, model_deg, fps, np.ones(3))[:, 0]
    extra = lively[:, 0] - plain
    quick = gaussian_filter1d(speaking.astype(np.float64), LIVELY_EASE_S * fps)  # 1 speaking, 0 listening
    slow = gaussian_filter1d(extra, LIVELY_LISTEN_PITCH_SMOOTH_S * fps)
    out = lively.copy()
    out[:, 0] = plain + quick * extra + (1.0 - quick) * slow
    return out


# Where a head stops: the tracked animated DualTalk speaker never passes 22.9 deg on any axis nor
# steps more than 6.0 deg in a frame (25 fps); `--mood animated --head 2` reached 47 deg and 9.7 deg.
HEAD_KNEE_DEG = 25.0  # below this (every default take) an angle is left as it is
HEAD_LIMIT_DEG = 35.0  # past the knee angles bend smoothly toward this and never reach it
HEAD_MAX_SPEED_DEG_S = 150.0  # 6 deg a frame at 25 fps


def limit_head(model_deg: np.ndarray, layer_deg: np.ndarray, fps: float) -> np.ndarray:
    """The layer's head (T, 3) degrees, amount applied, such that model + layer stays where a
    person's head goes: each axis bends softly past :data:`HEAD_KNEE_DEG` toward
    :data:`HEAD_LIMIT_DEG` (as the gaze bends into the eyes' reach), then no axis moves faster
    than :data:`HEAD_MAX_SPEED_DEG_S`. Takes inside both limits come back unchanged."""
    total = np.asarray(model_deg, dtype=np.float64) + np.asarray(layer_deg, dtype=np.float64)
    step = HEAD_MAX_SPEED_DEG_S / fps
    mag = np.abs(total)
    fast = len(total) > 1 and bool(np.abs(np.diff(total, axis=0)).max() > step)
    if not fast and not bool((mag > HEAD_KNEE_DEG).any()):
        return layer_deg
    room = HEAD_LIMIT_DEG - HEAD_KNEE_DEG
    bent = HEAD_KNEE_DEG + room * np.tanh((mag - HEAD_KNEE_DEG) / room)
    limited = np.sign(total) * np.where(mag > HEAD_KNEE_DEG, bent, mag)
    if len(limited) > 1 and np.abs(np.diff(limited, axis=0)).max() > step:
        for k in range(1, len(limited)):  # follow the angle at most `step` a frame
            limited[k] = limited[k - 1] + np.clip(limited[k] - limited[k - 1], -step, step)
    return limited - model_deg


# brows and smiles -------------------------------------------------------------------------
def brow_smile(ctx: Context) -> dict[str, np.ndarray]:
    """ARKit weights for brow raises (emphasis, listener reactions) and smiles (laughter, mood)."""
    rng = layer_rng(ctx.seed, ctx.role, "brows")
    t, fps = ctx.num_frames, ctx.fps
    raise_, trail = np.zeros(t), np.zeros(t)  # inner and leading outer brow; the other outer brow
    side = layer_rng(ctx.seed, ctx.role, "asymmetry")  # its own stream: the raises stay where they were
    lead_left = bool(side.random() < 0.5)

    def place(
        start: int, size: float, rise: float, hold: float, fall: float, lead: np.random.Generator = side
    ) -> None:
        _add(raise_, start, size * _bump(int(1.2 * fps), rise, hold, fall, fps))
        lag, depth = lead.uniform(*BROW_LAG_S), lead.uniform(*BROW_TRAIL)
        _add(trail, start, depth * size * _bump(int(1.2 * fps), rise, hold, fall, fps, offset=lag))

    last = -(10**9)
    for p in np.flatnonzero(ctx.own.stress > 1.1):
        if p - last < int(1.5 * fps) or rng.random() >= min(1.0, BROW_RAISE_P * ctx.mood.brows):
            continue
        hold = rng.uniform(0.15, 0.4)
        place(int(p) - 2, rng.uniform(0.25, 0.5) * min(ctx.mood.brows, 1.5), 0.12, hold, 0.3)
        last = p
    for e in ctx.partner.phrase_ends:
        # a listener's reaction: not in a breath of the character's own turn (the 0.6 s state, as
        # for nods); the phrase-level voice let 10 of 49 AMI phrase ends raise a speaker's brows
        own = event_rng(ctx.seed, ctx.role, "brows", "partner_phrase_end", e)
        if e < t and not ctx.speaking[e] and own.random() < BROW_LISTENER_P * ctx.mood.brows:
            hold = own.uniform(0.1, 0.3)
            start = e + int(own.uniform(0.2, 0.6) * fps)
            lead = event_rng(ctx.seed, ctx.role, "asymmetry", "partner_phrase_end", e)
            place(start, own.uniform(0.15, 0.3), 0.15, hold, 0.35, lead)
    raise_, trail = np.clip(raise_, 0.0, 0.8), np.clip(trail, 0.0, 0.8)
    outer = (0.8 * raise_, 0.8 * trail) if lead_left else (0.8 * trail, 0.8 * raise_)
    own_laugh = ctx.own.laughter if ctx.own.laughter is not None else np.zeros(t, dtype=bool)
    partner_laugh = ctx.partner.laughter if ctx.partner.laughter is not None else np.zeros(t, dtype=bool)
    smile = np.zeros(t)
    smile[own_laugh] = 0.65
    for s, e in segments(partner_laugh):  # each laugh its own coin: one per take smiled at all or none
        if rng.random() < SMILE_BACK_P:
            back = np.zeros(t, dtype=bool)
            back[s:e] = True
            back &= ~own_laugh
            smile[back] = np.maximum(smile[back], 0.35)
    held = smile.copy()  # a smile lingers half a second after the laugh
    for lag in range(1, int(0.5 * fps)):
        np.maximum(held[lag:], smile[:-lag], out=held[lag:])
    smile = np.maximum(gaussian_filter1d(held, 0.2 * fps), 0.0)
    if ctx.mood.smile > 0:
        listening = gaussian_filter1d((~ctx.own.speaking).astype(np.float64), 0.5 * fps)
        smile = np.maximum(smile, ctx.mood.smile * (0.6 + 0.4 * listening))
    laugh_face = gaussian_filter1d(own_laugh.astype(np.float64), 0.2 * fps)
    return {
        "browInnerUp": raise_,
        "browOuterUpLeft": outer[0],
        "browOuterUpRight": outer[1],
        "mouthSmileLeft": smile,
        "mouthSmileRight": smile,
        "cheekSquintLeft": 0.6 * smile,
        "cheekSquintRight": 0.6 * smile,
        "eyeSquintLeft": 0.35 * laugh_face,
        "eyeSquintRight": 0.35 * laugh_face,
    }
