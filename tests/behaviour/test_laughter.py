"""Laughter in the audio brings a laugh face; ordinary speech never does."""

from __future__ import annotations

import numpy as np
from behaviour_takes import base_motion
from dualtalk.inference.audio import Dialogue
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour, conversation_cues

SR = 16000


def _voice(f0: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    wobble = f0 * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(wobble) / SR
    return sum(np.sin(k * phase) / k for k in range(1, 6)).astype(np.float32)


def _speech(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Harmonic voice at 140 Hz with irregular syllables (3-6 Hz, never silent between them)."""
    x = _voice(140.0, seconds, rng)
    t = np.arange(len(x)) / SR
    rate = 4.2 + 0.8 * np.sin(2 * np.pi * 0.3 * t)
    env = 0.55 + 0.45 * np.sin(2 * np.pi * np.cumsum(rate) / SR) ** 2
    return 0.2 * x * env


def _laugh(bursts: int, rng: np.random.Generator) -> np.ndarray:
    """'ha-ha-ha': short voiced bursts at ~4.5 Hz, pitched well above the speaker's voice, silent gaps."""
    out = []
    for _ in range(bursts):
        out += [0.3 * _voice(260.0, 0.09, rng), np.zeros(int(0.13 * SR), dtype=np.float32)]
    return np.concatenate(out)


def _take():
    rng = np.random.default_rng(0)
    a = np.concatenate(
        [_speech(3.0, rng), np.zeros(SR // 2, np.float32), _laugh(7, rng), np.zeros(SR, np.float32)]
    )
    b = np.zeros_like(a)
    frames = -(-len(a) // (SR // 25))
    act_a = np.zeros(frames, dtype=bool)
    act_a[:75] = True
    act_a[88 : 88 + 40] = True
    return Dialogue(a, b, act_a, np.zeros(frames, dtype=bool))


def test_a_laugh_is_found_and_speech_is_not():
    d = _take()
    cues = conversation_cues(d.a, d.active_a, d.active_b)
    assert cues.laughter[90:120].mean() > 0.5
    assert not cues.laughter[:75].any()


def test_the_laughing_character_smiles_and_the_lips_stay():
    d = _take()
    a, b = base_motion(d, "A"), base_motion(d, "B")
    ma, _ = apply_behaviour(a, b, d, BehaviourSettings())
    smile = ma.channel("mouthSmileLeft") - a.channel("mouthSmileLeft")
    assert smile[95:120].mean() > 0.3 and abs(smile[:60]).max() < 1e-6
    jaw = a.channels.index("jawOpen")
    assert np.array_equal(ma.values[:, jaw], a.values[:, jaw])
    quiet, _ = apply_behaviour(a, b, d, BehaviourSettings(brows=0))
    assert np.array_equal(quiet.channel("mouthSmileLeft"), a.channel("mouthSmileLeft"))
