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


def _over(rows, key):
    """A state's number from every character with 10 s of that state (the evaluator leaves the
    others out, as its pooled rows do)."""
    return [r[key] for r in rows if r[key] is not None]


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
    listen = np.mean(_over(rows, "gaze_listening"))
    speak = np.mean(_over(rows, "gaze_speaking"))
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
    speak = np.mean(_over(rows, "head_std_speaking"), axis=0)
    listen = np.mean(_over(rows, "head_std_listening"), axis=0)
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


def _takes_with_cues(ami_takes):
    from dualtalk.inference.behaviour import dialogue_cues

    for d, a, b in ami_takes.values():
        cues = dialogue_cues(d, a.num_frames)
        ma, mb = apply_behaviour(a, b, d)
        yield (ma, cues[0], cues[1]), (mb, cues[1], cues[0])


def test_listener_blinks_cluster_at_the_speakers_pauses(ami_takes):
    near, blinks, window, listening = 0, 0, 0.0, 0.0
    for pair in _takes_with_cues(ami_takes):
        for m, own, partner in pair:
            state = speaking_state(own.speaking, 25.0)
            ends = [e for e in partner.phrase_ends if e < m.num_frames and not state[e]]
            for k in m.meta["behaviour"]["events"]["blinks"]:
                if state[min(k, m.num_frames - 1)]:
                    continue
                blinks += 1
                near += any(3 <= k - e <= 15 for e in ends)  # 0.1-0.6 s after a phrase end
            window += len(ends) * 12 / 25.0
            listening += (~state).sum() / 25.0
    chance = window / listening
    assert blinks >= 20 and near / blinks > 1.5 * chance, (near / blinks, chance)


def test_big_glances_bring_a_blink_and_some_blinks_come_double(ami_takes):
    """Half of the big gaze shifts draw a blink (BLINK_AT_SHIFT_P), and in listening time the rate's
    budget drops a share of those: judged against chance (a blink onset within 2 frames of any frame),
    over three performances of each take. Until session 31 one performance against a fixed 30 %: the
    takes met it at 16 of 53, and the AMI turns snapped to the voice (new speaking states, new draws)
    gave 15 of 60 and no double in 55 gaps; three performances give 74 of 214 (4.7x chance) and 6.7 %
    doubles, and without the lock (BLINK_AT_SHIFT_P 0) the test fails."""
    from dualtalk.inference.behaviour import BehaviourSettings

    with_blink, big, gaps, blinks, frames = 0, 0, [], 0, 0
    # three performances of each take: doubles are 8 % of a few dozen blinks per performance
    for seed in (0, 1, 2):
        for d, a, b in ami_takes.values():
            for m in apply_behaviour(a, b, d, BehaviourSettings(seed=seed)):
                onsets = np.array(m.meta["behaviour"]["events"]["blinks"])
                gaps += list(np.diff(onsets) / 25.0)
                blinks, frames = blinks + len(onsets), frames + m.num_frames
                look = np.where(m.gaze_target[:, None] == 0, m.gaze_dir, 0.0)
                jumps = np.hypot(*np.diff(look, axis=0).T)
                for k in np.flatnonzero(jumps >= 15.0) + 1:
                    big += 1
                    with_blink += bool(np.any(np.abs(onsets - k) <= 2))
    chance = blinks / frames * 5  # a 5-frame window holding an onset by chance
    assert big >= 10 and with_blink / big >= 3 * chance, (with_blink, big, chance)
    doubles = np.mean([0.28 <= g <= 0.5 for g in gaps])
    assert 0.02 <= doubles <= 0.2, (doubles, len(gaps))  # occasional, not habitual


def test_speakers_look_back_as_their_turn_ends_and_the_eyes_never_freeze(ami_takes):
    back, turns = 0, 0
    for pair in _takes_with_cues(ami_takes):
        for m, own, partner in pair:
            for e in own.phrase_ends:
                if e >= m.num_frames or e < 60 or partner.speaking[e : e + 25].sum() == 0:
                    continue  # only turns the partner takes over
                turns += 1
                back += m.gaze_target[e - 5 : e].mean() > 0.5
            on = m.gaze_target == 1
            steps = np.abs(np.diff(m.gaze_dir[on], axis=0)).max(axis=1)
            assert (steps > 0.05).mean() > 0.02  # micro-saccades move the eyes within fixations
    assert turns >= 5 and back / turns >= 0.7


def test_a_listener_only_nods_when_something_calls_for_it(ami_takes):
    """Visible chin-down swings while listening are answers: 0.2-1.0 s after the partner's phrase
    end, or with one's own "mm-hm". Slow posture sway never reads as a nod."""
    rows = _pooled(ami_takes)
    nods = sum(r["nods"] for r in rows)
    answered = sum(
        r["nods_in_0.2_1.0s"] * r["nods"] + r["nods_with_own_backchannel"] for r in rows if r["nods"]
    )
    assert nods >= 10 and answered / nods >= 0.9, (answered, nods)


def test_an_animated_mood_moves_the_head_like_the_tables_animated_speakers(ami_takes):
    rows = _pooled(ami_takes, BehaviourSettings(mood="animated"))
    speak = np.mean(_over(rows, "head_std_speaking"), axis=0)
    listen = np.mean(_over(rows, "head_std_listening"), axis=0)
    assert np.all((speak >= 4.0) & (speak <= 7.5)), speak  # table: "up to 6-7 deg for animated speakers"
    assert np.all((listen / speak >= 0.4) & (listen / speak <= 0.8)), listen / speak


def test_a_speakers_head_moves_no_quicker_for_its_size_than_the_tracked_person(demo_clip):
    """Head beats shaped like a 0.15 s flick read twice as quick as the tracked DualTalk speaker
    and, on an animated character, snapped 16 deg in one frame; the tracked person's largest
    step while speaking is 4.4 deg."""
    from behaviour_takes import base_motion
    from dualtalk.inference.audio import load_dialogue
    from dualtalk.training.evaluation.behaviour import TARGETS, evaluate_seeds, head_degrees

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    a, b = base_motion(d, "A"), base_motion(d, "B")
    _, hi = TARGETS["head_sharpness_vs_reference"]
    for mood in ("neutral", "animated"):
        settings = BehaviourSettings(mood_b=mood)
        ref = evaluate_seeds(a, b, d, settings, 3, reference=str(demo_clip["npz2"]))["reference"]
        sharp = np.array(ref["sharpness_after"]["speaking"])
        assert np.all(sharp <= hi) and np.all(sharp >= 0.5), (mood, sharp)  # quick enough to be alive
        _, mb = apply_behaviour(a, b, d, settings)
        head = head_degrees(mb)
        steps = np.abs(np.diff(head, axis=0))[b.speaking[1:] & b.speaking[:-1]]
        assert steps.max() <= 6.0, (mood, steps.max(axis=0))


def test_a_head_beat_never_rises_before_the_first_word(demo_dialogue):
    """Beats put their top on the stressed syllable; one at a phrase's first syllable would start
    rising before the voice, where a viewer reads the chin dip as a listener's nod."""
    import dataclasses

    from dualtalk.inference.behaviour.apply import dialogue_cues
    from dualtalk.inference.behaviour.layers import Context, Gaze, head_plan
    from dualtalk.inference.behaviour.settings import Mood

    own, partner = dialogue_cues(demo_dialogue, 400, 25.0)
    ctx = Context(own, partner, 25.0, Mood(), seed=0, role=0)
    first = int(np.flatnonzero(ctx.speaking)[0])
    stress = np.zeros_like(own.stress)
    stress[first] = 2.0  # a stressed first syllable
    stressed = Context(dataclasses.replace(own, stress=stress), partner, 25.0, Mood(), seed=0, role=0)
    flat = Context(dataclasses.replace(own, stress=np.zeros_like(stress)), partner, 25.0, Mood(), 0, 0)
    gaze = Gaze(target=np.ones(400, np.int8), direction=np.zeros((400, 2), np.float32))
    beat = head_plan(stressed, gaze).free - head_plan(flat, gaze).free  # the sway is drawn first: same
    assert np.abs(beat[first:]).max() > 0.1
    assert np.abs(beat[:first]).max() == 0.0


def test_a_speaker_pausing_mid_turn_does_not_raise_a_listeners_brows():
    """The partner's "right" lands in a 0.4 s breath of A's own turn: A is still speaking, so the
    listener's brow raise at a partner phrase end is not A's to make (it is, once A listens)."""
    from dualtalk.inference.behaviour.cues import Cues
    from dualtalk.inference.behaviour.layers import Context, brow_smile
    from dualtalk.inference.behaviour.settings import Mood

    fps, t = 25.0, 300
    own = np.zeros(t, bool)
    own[0:100] = own[110:200] = True  # A talks, breathes 0.4 s at frames 100-110, talks on
    partner = np.zeros(t, bool)
    partner[95:104] = partner[230:250] = True
    quiet = np.zeros(t, np.float32)

    def cues(speaking, ends):
        return Cues(speaking, quiet - 20, quiet, quiet, phrase_ends=ends)

    ctx = Context(cues(own, []), cues(partner, [104, 250]), fps, Mood(brows=5.0), seed=0, role=0)
    brows = brow_smile(ctx)["browInnerUp"]
    assert brows[100:200].max() == 0.0  # mid-turn: no listener reaction
    assert brows[250:300].max() > 0.05  # listening: the reaction comes


def test_a_recorders_dc_offset_does_not_change_the_performance(demo_dialogue):
    """A DC offset of 0.005 (-46 dBFS) read every pause as sound: a nod appeared and values moved
    by 4 %. The behaviour layer hears the voice, not the recorder's bias."""
    import dataclasses

    from behaviour_takes import base_motion
    from dualtalk.inference.behaviour.cues import loudness_db

    shifted = dataclasses.replace(demo_dialogue, a=demo_dialogue.a + 0.005, b=demo_dialogue.b - 0.005)
    n = 400
    clean, biased = loudness_db(demo_dialogue.a, n), loudness_db(shifted.a, n)
    assert np.abs(clean - biased).max() < 1.0  # dB, pauses included
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, _ = apply_behaviour(a, b, demo_dialogue)
    mb_shift, _ = apply_behaviour(a, b, shifted)
    assert np.abs(ma.values - mb_shift.values).max() < 0.02
