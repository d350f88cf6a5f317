"""A listener's own "mm-hm" or "yeah" is listening with a nod, not a turn of its own."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.behaviour import dialogue_cues
from dualtalk.inference.behaviour.cues import Cues, segments
from dualtalk.inference.behaviour.layers import Context, calibrate_head, gaze_plan, head_plan
from dualtalk.inference.behaviour.settings import MOOD_TABLE

FPS = 25.0


# Twelve performances, not four: the ratio's nod side is whichever listening nods a performance
# draws, and on four it swung 0.82-1.22 (yaw) / 1.02-1.20 (roll) between seeds 0-3, 4-7 and 8-11 of
# one build; over twelve it reads 0.97/1.11 before session 41's per-event streams and 0.96/1.12 after.
SEEDS = 12


def _windows(dialogue) -> tuple[list[np.ndarray], list[np.ndarray], int, int]:
    """Per character and seed 0-11: yaw/roll std (deg) of the head's sized sway and beats over each own
    backchannel with no own turn from 1 s before to 1.4 s after it, and over each listener nod with no
    own speech as near; and how many of those backchannels carry a nod (of how many)."""
    t = dialogue.num_frames
    cues = dialogue_cues(dialogue, t, FPS)
    at_bc, at_nod, with_nod, n_bc = [], [], 0, 0
    for seed in range(SEEDS):
        for i in range(2):
            own = cues[i]
            ctx = Context(own, cues[1 - i], FPS, MOOD_TABLE["neutral"], seed, i)
            head = head_plan(ctx, gaze_plan(ctx))
            moved = calibrate_head(head, np.zeros((t, 3)), FPS, 1.0) - head.fixed  # sway and beats
            bcs = set(own.backchannels)
            turns = [(s, e) for s, e in segments(own.speaking) if s not in bcs]
            nods = np.array(head.nods)
            for s in own.backchannels:
                if any(a < s + 35 and b > s - 25 for a, b in turns):
                    continue
                at_bc.append(moved[max(0, s - 5) : s + 30, 1:].std(axis=0))
                n_bc += 1
                with_nod += int(len(nods) > 0 and bool(((nods >= s - 5) & (nods <= s + 10)).any()))
            for n in head.nods:
                if not own.speaking[max(0, n - 25) : n + 35].any():
                    at_nod.append(moved[max(0, n - 5) : n + 30, 1:].std(axis=0))
    return at_bc, at_nod, with_nod, n_bc


def test_a_listeners_mm_hm_nods_but_does_not_take_the_floor(ami_dialogues, demo_dialogue):
    """Review 31b F5: a listener's own "mm-hm" (0.3-0.9 s, the partner holding the floor) switched its
    head to a speaker's: the speaker's sway, a stress beat (often the take's biggest, near a phrase
    start) and the speaking gains, so its yaw and roll moved about twice a listening nod's. Over real
    conversations (AMI excerpts, the demo), the head's sway and beats over an mm-hm now move no more
    than 1.3x what they move over a listener's nod, and most mm-hms still come with a nod."""
    at_bc, at_nod, with_nod, n_bc = [], [], 0, 0
    for dialogue in [*ami_dialogues.values(), demo_dialogue]:
        b, n, w, k = _windows(dialogue)
        at_bc += b
        at_nod += n
        with_nod += w
        n_bc += k
    assert len(at_bc) >= 30 and len(at_nod) >= 20, (len(at_bc), len(at_nod))
    ratio = np.mean(at_bc, axis=0) / np.mean(at_nod, axis=0)
    assert (ratio <= 1.3).all(), ratio
    assert with_nod / n_bc >= 0.6, (with_nod, n_bc)  # 0.75 before and after


def _cues(speaking: np.ndarray, backchannels: list[int]) -> Cues:
    t = len(speaking)
    runs = segments(speaking)
    stress = np.zeros(t, dtype=np.float32)
    for s, e in runs:
        stress[(s + e) // 2] = 2.0  # a stressed syllable in every phrase, the mm-hm's included
    return Cues(
        speaking=speaking,
        loud_db=np.where(speaking, -20.0, -70.0).astype(np.float32),
        pitch_hz=np.where(speaking, 120.0, 0.0).astype(np.float32),
        stress=stress,
        phrase_starts=[s for s, _ in runs],
        phrase_ends=[e for _, e in runs],
        backchannels=backchannels,
    )


def test_a_yeah_that_runs_on_into_the_characters_own_words_starts_its_turn():
    """The floor is the speaking state less the stretches that are only backchannels: a lone "mm-hm"
    is listening (no beat there), but a "yeah" followed within half a second by the character's own
    sentence opens its turn, and the turn keeps the speaker's motion from the "yeah" on."""
    t = 500
    own = np.zeros(t, dtype=bool)
    own[100:115] = True  # a lone mm-hm
    own[300:315] = True  # "yeah, ..."
    own[325:450] = True  # "... so I think"
    partner = np.zeros(t, dtype=bool)
    partner[20:295] = True
    me, you = _cues(own, [100, 300]), _cues(partner, [])
    ctx = Context(me, you, FPS, MOOD_TABLE["neutral"], 0, 0)
    assert ctx.speaking[100:115].all() and not ctx.floor[100:115].any()
    assert ctx.floor[300:450].all()
    nodded = 0
    for seed in range(10):
        ctx = Context(me, you, FPS, MOOD_TABLE["neutral"], seed, 0)
        head = head_plan(ctx, gaze_plan(ctx))
        assert head.speaking is not None and not head.speaking[100:115].any()
        nodded += any(95 <= n <= 110 for n in head.nods)
    assert nodded >= 7, nodded  # the mm-hm keeps its nod (90 %)
