"""An animator's edge cases: very short takes, the gaze amount at its top, a blink amount near 0."""

from __future__ import annotations

import numpy as np
from behaviour_takes import buzzy_voice
from dualtalk.inference.audio.dialogue import Dialogue
from dualtalk.inference.behaviour import EYE_PITCH_DEG, EYE_YAW_DEG, BehaviourSettings, apply_behaviour
from dualtalk.inference.core.channels import ARKIT52, CHANNELS, HEAD, SPACE_ARKIT
from dualtalk.inference.core.gaze import EYE_LOOK
from dualtalk.inference.core.motion import Motion

SR, FPS = 16000, 25


def _take(active_a: np.ndarray, active_b: np.ndarray):
    """A dialogue plus engine-like motion for both characters: random lips, and like today's
    lite model no blinks, eyes straight ahead and a still head."""
    d = Dialogue(buzzy_voice(active_a, 120, 1), buzzy_voice(active_b, 210, 2), active_a, active_b)
    motions = []
    for role, act in (("A", active_a), ("B", active_b)):
        values = np.zeros((d.num_frames, len(CHANNELS[SPACE_ARKIT])), dtype=np.float32)
        values[:, :52] = np.random.default_rng(ord(role)).uniform(0, 0.3, size=(d.num_frames, 52))
        values[:, [ARKIT52.index(c) for c in ("eyeBlinkLeft", "eyeBlinkRight", *EYE_LOOK)]] = 0.0
        motions.append(Motion(space=SPACE_ARKIT, values=values, speaking=act, engine="lite", role=role))
    return d, motions[0], motions[1]


def _turns(seconds: float, turn_s: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    t = int(seconds * FPS)
    a = (np.arange(t) // int(turn_s * FPS)) % 2 == 0
    return a, ~a


def test_a_take_under_a_second_keeps_the_head_upright():
    """The animator cut a 0.2 s "yes" and a half-second reply. Before, the head's slow sway was
    divided by its own near-zero std over those few frames and calibrated to the table's std over
    them: the head rotated 170 degrees (a 1-frame take: 10^8 degrees). A moment of speech may
    move the head a little, never past the few degrees of a typical speaker."""
    for frames in (1, 2, 5, 13, 24):
        d, a, b = _take(np.ones(frames, dtype=bool), np.zeros(frames, dtype=bool))
        for seed in (0, 1, 2**32 - 1):
            for motion in apply_behaviour(a, b, d, BehaviourSettings(seed=seed)):
                head = np.degrees(motion.values[:, [motion.channels.index(c) for c in HEAD]])
                assert np.all(np.isfinite(head))
                assert np.abs(head).max() < 6.0, (frames, seed, motion.role, np.abs(head).max(axis=0))


def test_gaze_at_two_looks_further_but_never_pins_the_eyes():
    """The animator set ``--gaze 2`` for a shy character who glances far away. Before, every
    away direction was doubled: a 20 deg glance became 40 deg, past the eyes' 28.6 deg reach, so
    eyeLook* sat at 1 (eyes rolled into the corner) on many frames and ``gaze_dir`` said 40 deg.
    Now glances still go further than at 1, but stay inside what eyes can do."""
    d, a, b = _take(*_turns(30.0))
    one = apply_behaviour(a, b, d, BehaviourSettings(seed=4, gaze=1.0))
    two = apply_behaviour(a, b, d, BehaviourSettings(seed=4, gaze=2.0))
    for m1, m2 in zip(one, two, strict=True):
        away = m2.gaze_target == 0
        assert np.abs(m2.gaze_dir[away, 0]).mean() > 1.3 * np.abs(m1.gaze_dir[away, 0]).mean()
        assert np.all(np.abs(m2.gaze_dir[:, 0]) < EYE_YAW_DEG)
        assert np.all(np.abs(m2.gaze_dir[:, 1]) < EYE_PITCH_DEG)
        looks = m2.values[:, [m2.channels.index(c) for c in EYE_LOOK]]
        assert looks.max() < 1.0, looks.max()


def test_a_blink_amount_near_zero_gives_nearly_no_blinks():
    """The animator turned ``--blinks 0.05`` for a staring character, a twentieth of the usual
    22 a minute. Before, the first blink of every take came 0.2-2 s in whatever the amount, so
    each character of every short take blinked once. Now few takes have any blink at all."""
    d, a, b = _take(*_turns(6.0))
    blinked = []
    for seed in range(10):
        for motion in apply_behaviour(a, b, d, BehaviourSettings(seed=seed, blinks=0.05)):
            blinked.append(bool(motion.channel("eyeBlinkLeft").max() >= 0.5))
    assert np.mean(blinked) < 0.5, blinked


def _laughs(seconds: float, at: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Breathy 5-a-second bursts (a laugh) at ``at`` seconds, silence around them, and its activity."""
    rng = np.random.default_rng(5)
    n, t = int(seconds * SR), int(seconds * FPS)
    x = rng.normal(0, 1e-4, n).astype(np.float32)
    active = np.zeros(t, dtype=bool)
    for start in at:
        for k in range(7):
            s = int((start + 0.2 * k) * SR)
            x[s : s + int(0.08 * SR)] += 0.3 * rng.normal(size=int(0.08 * SR)).astype(np.float32)
        active[int(start * FPS) : int((start + 1.5) * FPS)] = True
    return x, active


def test_a_laugh_at_brows_two_stays_a_valid_weight_in_a_flame_overlay():
    """The animator raised ``--brows 2`` on the published (FLAME) engine for a character who
    laughs. FLAME has no smile channel, so the smile goes into the motion file's ARKit overlay;
    before, the 0.65 laugh smile doubled to 1.3 there, a weight no ARKit rig or reader accepts.
    Every overlay weight stays within 0..1, and the laugh still smiles."""
    from dualtalk.inference.core.channels import SPACE_FLAME

    x, active = _laughs(8.0, (1.0, 4.5))
    silent = np.zeros_like(active)
    d = Dialogue(x, np.random.default_rng(6).normal(0, 1e-4, len(x)).astype(np.float32), active, silent)
    motions = []
    shape = (d.num_frames, len(CHANNELS[SPACE_FLAME]))
    for role, act in (("A", active), ("B", silent)):
        values = np.random.default_rng(ord(role)).normal(0, 0.3, size=shape).astype(np.float32)
        motions.append(Motion(space=SPACE_FLAME, values=values, speaking=act, engine="dualtalk", role=role))
    laugher, _ = apply_behaviour(*motions, d, BehaviourSettings(brows=2.0))
    smile = laugher.overlay[:, laugher.overlay_channels.index("mouthSmileLeft")]
    assert smile.max() >= 0.65  # the laugh is still there
    assert 0.0 <= laugher.overlay.min() and laugher.overlay.max() <= 1.0, laugher.overlay.max()


def test_a_listener_answers_the_speakers_real_blinks():
    """The animator scrubbed a long listen and checked the table's rule that a listener blinks
    0.25-0.5 s after about 30 % of the speaker's blinks. Before, the listener's blinks were locked
    to a first draw of the speaker's blinks that the speaker's final pass then redrew, so the
    listener answered blinks the speaker never made: barely above chance. Now a listener's blinks
    follow the speaker's visible ones clearly more often than the same blinks moved 1.7 s later."""
    from dualtalk.inference.behaviour import apply_with_cues, dialogue_cues

    d, a, b = _take(*_turns(40.0, turn_s=8.0))
    cues = dialogue_cues(d, d.num_frames)

    def answered(lead, follow, listening, shift):
        frames = [int((w + shift) * FPS) for w in lead]
        hits = [np.any(np.abs(follow - (w + shift + 0.375)) <= 0.125 + 1.5 / FPS) for w in lead]
        kept = [h for f, h in zip(frames, hits, strict=True) if 0 <= f < len(listening) and listening[f]]
        return sum(kept), len(kept)

    real, control = np.zeros(2), np.zeros(2)
    for seed in range(10):
        motions = apply_with_cues(a, b, *cues, BehaviourSettings(seed=seed))
        onsets = [np.array(m.meta["behaviour"]["events"]["blinks"]) / FPS for m in motions]
        for i in range(2):
            listening = ~cues[i].speaking
            real += answered(onsets[1 - i], onsets[i], listening, 0.0)
            control += answered(onsets[1 - i], onsets[i], listening, 1.7)
    assert real[1] >= 50
    assert real[0] / real[1] - control[0] / control[1] >= 0.15, (real, control)


def test_b_s_mood_never_moves_a_s_blinks():
    """The animator made B lively, serious or friendly (``--mood-b``) and expected the calm A to
    stay exactly as before. Before, A's listener blinks were locked to B's blinks as drawn with
    B's mood (its blink rate and its gaze shifts), so on most seeds A blinked elsewhere. A is now
    the same whatever B's mood."""
    d, a, b = _take(*_turns(30.0, turn_s=4.0))
    for seed in range(4):
        calm, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=seed))
        for mood_b in ("animated", "serious", "friendly"):
            mixed, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=seed, mood_b=mood_b))
            assert np.array_equal(mixed.values, calm.values), (seed, mood_b)
