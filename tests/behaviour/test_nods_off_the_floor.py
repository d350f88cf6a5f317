"""An animator's check: a character nods as a listener, never in the middle of its own turn, even
when that turn opened with a "yeah"."""

from __future__ import annotations

import numpy as np
from behaviour_takes import base_motion
from dualtalk.inference.behaviour import BehaviourSettings, apply_with_cues, dialogue_cues
from dualtalk.inference.behaviour.cues import Cues, holds_floor, segments, speaking_state
from dualtalk.inference.behaviour.layers import Context, gaze_plan, head_plan
from dualtalk.inference.behaviour.settings import MOOD_TABLE
from dualtalk.training.evaluation import behaviour as ev

FPS = 25.0


def _cues(speaking: np.ndarray, backchannels: list[int]) -> Cues:
    t = len(speaking)
    runs = segments(speaking)
    stress = np.zeros(t, dtype=np.float32)
    for s, e in runs:
        stress[(s + e) // 2] = 2.0
    return Cues(
        speaking=speaking,
        loud_db=np.where(speaking, -20.0, -70.0).astype(np.float32),
        pitch_hz=np.where(speaking, 120.0, 0.0).astype(np.float32),
        stress=stress,
        phrase_starts=[s for s, _ in runs],
        phrase_ends=[e for _, e in runs],
        backchannels=backchannels,
    )


def test_a_yeah_that_opens_the_characters_turn_brings_no_nod_into_that_turn():
    """Bob talks for 11 s; Ann murmurs "mm-hm" once while he does, and later says "yeah" just as he
    stops and runs straight on into five seconds of her own. The "yeah" starts her turn (she holds the
    floor from it on), so it is no listener's "mm-hm": before, any frame within a second of it let a
    listener nod start, and Ann nodded 2.5-5 deg inside her own turn 10 times in 10 performances. Now
    none of her nods starts while she holds the floor, and the lone "mm-hm" keeps its nod."""
    t = 500
    own = np.zeros(t, dtype=bool)
    own[100:115] = True  # a lone "mm-hm"
    own[300:315] = True  # "yeah, ..."
    own[325:450] = True  # "... so here is what I think"
    partner = np.zeros(t, dtype=bool)
    partner[20:295] = True
    ann, bob = _cues(own, [100, 300]), _cues(partner, [])
    in_turn, with_mm_hm = 0, 0
    for seed in range(10):
        ctx = Context(ann, bob, FPS, MOOD_TABLE["neutral"], seed, 0)
        assert ctx.floor[300:450].all() and not ctx.floor[100:115].any()
        nods = head_plan(ctx, gaze_plan(ctx)).nods
        in_turn += sum(bool(ctx.floor[n]) for n in nods)
        with_mm_hm += any(95 <= n <= 110 for n in nods)
    assert in_turn == 0, f"{in_turn} nods inside Ann's own turn over 10 performances"
    assert with_mm_hm >= 7, with_mm_hm


def test_on_the_shared_clip_neither_character_nods_mid_turn_and_a_moves_like_a_person(demo_clip):
    """The real DualTalk conversation (engine stand-in: a small slow wobble): speaker 1 opens with
    short phrases over speaker 2's words, which the cues call backchannels though they run on into
    speaker 1's turn. Character A nodded 2.7-4.3 deg inside that turn, once or twice in each of the
    five performances, and its speaking pitch moved 1.64x as sharply for its size as the tracked person's
    (the target is at most 1.6x); B, in its long turn, nodded at speaker 1's "yeah". Now neither
    nods where it holds the floor, and A's pitch reads about 1.2x."""
    from dualtalk.inference.audio import load_dialogue

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    a, b = base_motion(d, "A"), base_motion(d, "B")
    cues = dialogue_cues(d, d.num_frames, FPS)
    tracked = ev.reference_head(demo_clip["npz2"], b.speaking)["sharpness"]["speaking"][0]
    mid_turn, ratios = [], []
    for seed in range(5):
        takes = apply_with_cues(a, b, *cues, BehaviourSettings(seed=seed))
        for motion, own in zip(takes, cues, strict=True):
            state = speaking_state(own.speaking, FPS)
            floor = holds_floor(own.speaking, state, own.backchannels)
            nods = motion.meta["behaviour"]["events"]["nods"]
            mid_turn += [(motion.role, seed, n) for n in nods if floor[n]]
        pitch = ev.head_sharpness(ev.head_degrees(takes[0]), speaking_state(takes[0].speaking, FPS), FPS)
        assert pitch is not None
        ratios.append(pitch[0] / tracked)
    assert mid_turn == [], mid_turn
    assert np.mean(ratios) <= 1.6, ratios
