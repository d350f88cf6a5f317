"""An animator's checks on real conversations: blinks, gaze, head, nods, never frozen."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour
from dualtalk.inference.behaviour.cues import speaking_state
from dualtalk.training.evaluation.behaviour import blink_onsets, measure, take_from


def _pooled(ami_takes, settings=None):
    """Per-character measurements over the AMI excerpts, plus pooled totals."""
    rows = []
    for d, a, b in ami_takes.values():
        ma, mb = apply_behaviour(a, b, d, settings or BehaviourSettings())
        rows += [measure(take_from(ma, mb)), measure(take_from(mb, ma))]
    return rows


def test_blinks_come_15_to_30_a_minute_in_conversation(ami_takes, demo_dialogue):
    rows = _pooled(ami_takes)
    rate = np.mean([r["blinks_per_min"] for r in rows])
    assert 15 <= rate <= 30, rate
    assert all(8 <= r["blinks_per_min"] <= 40 for r in rows)  # no single character stares or flutters


def test_a_blink_closes_fast_and_opens_slower(demo_dialogue):
    from behaviour_takes import base_motion

    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, _ = apply_behaviour(a, b, demo_dialogue, BehaviourSettings(seed=3))
    lid = ma.channel("eyeBlinkLeft")
    onsets = blink_onsets(take_from(ma, b))
    assert len(onsets) >= 3
    closing, opening = [], []
    for k in onsets:
        s = k
        while s > 0 and lid[s - 1] > 0.02 and lid[s - 1] < lid[s]:
            s -= 1
        peak = s + int(np.argmax(lid[s : s + 6]))
        e = peak
        while e + 1 < len(lid) and lid[e + 1] > 0.02 and lid[e + 1] <= lid[e]:
            e += 1
        closing.append(peak - s)
        opening.append(e - peak)
    # 25 fps: ~100 ms closing is 2-3 frames, 150-250 ms opening 4-6 frames
    assert np.mean(closing) <= 3.5 and np.mean(opening) >= np.mean(closing) + 1


def test_listeners_look_at_the_speaker_more_than_speakers_look_back(ami_takes):
    rows = _pooled(ami_takes)
    listen = np.mean([r["gaze_listening"] for r in rows])
    speak = np.mean([r["gaze_speaking"] for r in rows])
    assert 0.60 <= listen <= 0.85 and 0.30 <= speak <= 0.55, (listen, speak)


def test_speakers_look_away_at_turn_starts(ami_takes):
    away_at_start, frames = 0, 0
    for d, a, b in ami_takes.values():
        from dualtalk.inference.behaviour import dialogue_cues

        cues_a, _ = dialogue_cues(d, a.num_frames)
        ma, _ = apply_behaviour(a, b, d)
        for s in cues_a.turn_starts:
            away_at_start += int((ma.gaze_target[s : s + 10] == 0).mean() > 0.5)
            frames += 1
    assert frames >= 5 and away_at_start / frames >= 0.5


def test_head_moves_like_the_table_and_listeners_less(ami_takes):
    rows = _pooled(ami_takes)
    speak = np.mean([r["head_std_speaking"] for r in rows], axis=0)
    listen = np.mean([r["head_std_listening"] for r in rows], axis=0)
    assert np.all((speak >= 1.4) & (speak <= 2.4)), speak  # table: 1.7-2.0 deg speaking
    assert np.all((listen >= 0.8) & (listen <= 1.5)), listen  # table: 1.0-1.2 deg listening
    ratio = listen / speak
    assert np.all((ratio >= 0.4) & (ratio <= 0.8)), ratio


def test_listeners_nod_visibly_after_the_partner_stops(ami_takes):
    rows = _pooled(ami_takes)
    nods = sum(r["nods"] for r in rows)
    minutes = sum(r["listening_min"] for r in rows)
    assert nods / minutes >= 3.0
    in_window = sum(r["nods_in_0.2_1.0s"] * r["nods"] for r in rows if r["nods"])
    assert in_window / nods >= 0.5, in_window / nods  # most nods answer a phrase end


def test_nobody_is_ever_frozen(ami_takes, demo_dialogue):
    rows = _pooled(ami_takes)
    assert all(r["frozen_s"] == 0.0 for r in rows)


def test_the_layer_uses_the_same_speaking_state_the_evaluator_does(demo_dialogue):
    flags = np.zeros(100, dtype=bool)
    flags[10:30] = flags[35:60] = True  # a 0.2 s breath inside a phrase
    state = speaking_state(flags, 25.0)
    assert state[10:60].all() and not state[:10].any() and not state[60:].any()
