"""A cough, a click or a cup set down on a silent listener's mic: the mouth stays at rest.

Review 30b F4 (what was left open): the intake no longer calls a 0.3 s noise burst speech (no nod),
but the lite network hears it and opened that character's jaw ~0.45 with each burst. After the
network, :func:`shape_lips` (the one call ``animate``, the evaluations and ``bench lite`` share)
puts the mouth back at rest over the sounds the intake does not count as speech; an "mm-hm" and a
spoken word open it as before.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import frames_of, place
from dualtalk.inference.audio.dialogue import Dialogue
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_dialogue
from dualtalk.inference.phonetic.release import release_motion
from dualtalk.inference.phonetic.rounding import round_motion
from dualtalk.inference.phonetic.voice_lips import shape_lips

SR = 16000
TOTAL = 21.0
A_SPANS = [(0.5, 6.0), (7.0, 13.5), (14.0, 20.5)]  # the partner holds the floor
AT = [4.0, 8.3, 12.6, 16.9]  # where the listener makes a sound


@pytest.fixture(scope="module")
def engine():
    return load_engine(engine="lite")


def listener_track(sound: np.ndarray) -> np.ndarray:
    x = np.zeros(int(TOTAL * SR), np.float32)
    for t in AT:
        x[int(t * SR) : int(t * SR) + len(sound)] += sound
    return x


def jaw_at_each_sound(motion, length_s: float) -> list[float]:
    """The widest jaw within 3 frames of each sound (the network opens a frame or two early)."""
    jaw = motion.values[:, list(motion.channels).index("jawOpen")]
    out = []
    for t in AT:
        near = np.convolve(frames_of([(t, t + length_s)], TOTAL), np.ones(7), "same")[: len(jaw)] > 0
        out.append(float(jaw[near].max()))
    return out


def without_rest(motion, audio, active):
    """The lip passes as they were before the rest: release, then rounding."""
    return round_motion(release_motion(motion, audio), audio, active=active)


def test_the_jaw_stays_shut_over_noise_bursts(engine, rng):
    """``sox -n burst.wav synth 0.3 whitenoise vol 0.3`` four times on the silent listener's track."""
    partner = place(TOTAL, A_SPANS, rng)
    burst = rng.uniform(-0.3, 0.3, int(0.3 * SR)).astype(np.float32)
    d = Dialogue.from_arrays(partner, listener_track(burst), sample_rate=SR)
    _, tom = generate_dialogue(d, engine)
    before = without_rest(tom, d.b, d.active_b)
    after = shape_lips(tom, d.b, active=d.active_b)
    assert min(jaw_at_each_sound(before, 0.3)) > 0.25  # what the network draws: ~0.45
    assert max(jaw_at_each_sound(after, 0.3)) < 0.1
    jaw = list(tom.channels).index("jawOpen")
    steps = lambda m: np.abs(np.diff(m.values[:, jaw])).max()  # noqa: E731
    assert steps(after) <= steps(before)  # pulled back smoothly: no pop
    far = (
        np.convolve(frames_of([(t, t + 0.3) for t in AT], TOTAL), np.ones(15), "same")[: tom.num_frames] == 0
    )
    assert np.array_equal(after.values[far], before.values[far])  # nothing else moves


def test_a_cough_beside_the_partners_real_voice(engine, rng, demo_clip):
    """Tom's lavalier hears Maya (the real clip's speaker 1) 25 dB down and he coughs four times; given
    Maya's audio, her bleed is told apart from his cough and his jaw stays at rest over each."""
    maya = sf.read(demo_clip["wav1"], dtype="float32")[0][: int(TOTAL * SR)]
    n = int(0.15 * SR)
    cough = (rng.uniform(-0.5, 0.5, n) * np.hanning(n)).astype(np.float32)
    bleed = np.float32(10 ** (-25 / 20)) * np.concatenate([np.zeros(48, np.float32), maya[:-48]])
    d = Dialogue.from_arrays(maya, listener_track(cough) + bleed, sample_rate=SR)
    assert not d.active_b.any()
    _, tom = generate_dialogue(d, engine)
    before = without_rest(tom, d.b, d.active_b)
    after = shape_lips(tom, d.b, active=d.active_b, partner=d.a)
    assert min(jaw_at_each_sound(before, 0.15)) > 0.2  # ~0.39
    assert max(jaw_at_each_sound(after, 0.15)) < 0.15


def test_a_hummed_mm_hm_still_opens_the_mouth(engine, rng):
    """A closed-mouth "mm-hm" (two hums at 140 and 170 Hz) is the listener's voice: left as drawn."""
    t = np.arange(int(0.18 * SR)) / SR

    def hum(f0):
        env = np.sin(np.pi * t / t[-1]) ** 0.5
        return (0.2 * env * sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))).astype(np.float32)

    mm_hm = np.concatenate([hum(140.0), np.zeros(int(0.06 * SR), np.float32), hum(170.0)])
    d = Dialogue.from_arrays(place(TOTAL, A_SPANS, rng), listener_track(mm_hm), sample_rate=SR)
    _, tom = generate_dialogue(d, engine)
    after = shape_lips(tom, d.b, active=d.active_b, partner=d.a)
    assert np.array_equal(after.values, without_rest(tom, d.b, d.active_b).values)
