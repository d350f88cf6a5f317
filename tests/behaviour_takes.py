"""Takes for the behaviour tests: real conversations with engine-like base motion.

The base motion stands in for an engine's output without running one: lip channels
carry random values (so any change to them is caught bit for bit) and the head a small
wobble, as today's lite model gives. Real audio drives the layer: the committed demo
dialogue and AMI meeting excerpts with two speakers taken from their RTTM turns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.audio import load_dialogue
from dualtalk.inference.core.channels import CHANNELS, SPACE_ARKIT
from dualtalk.inference.core.motion import Motion

REPO = Path(__file__).resolve().parents[1]
AMI = REPO.parent / "shared" / "data" / "real_speech" / "ami_meetings"


def base_motion(dialogue, role: str, space: str = SPACE_ARKIT, engine: str = "lite", seed: int = 7) -> Motion:
    rng = np.random.default_rng([seed, ord(role)])
    t = dialogue.num_frames
    values = np.zeros((t, len(CHANNELS[space])), dtype=np.float32)
    if space == SPACE_ARKIT:
        values[:, :52] = rng.uniform(0, 0.3, size=(t, 52))
        values[:, [0, 7]] = 0.0  # no blinks of its own, like today's lite model
        values[:, 52:] = np.radians(0.5) * np.sin(np.arange(t)[:, None] / 11.0 + np.arange(3))
    else:
        values[:, :53] = rng.normal(0, 0.3, size=(t, 53))
        values[:, 53:] = np.radians(0.5) * np.sin(np.arange(t)[:, None] / 11.0 + np.arange(3))
    active = dialogue.active_a if role == "A" else dialogue.active_b
    return Motion(space=space, values=values, speaking=active, engine=engine, role=role)


def buzzy_voice(active: np.ndarray, f0: float, seed: int, sr: int = 16000, fps: int = 25) -> np.ndarray:
    """A buzzy vowel with syllable-rate loudness wherever ``active`` is set, near-silence elsewhere."""
    rng = np.random.default_rng(seed)
    n = len(active) * sr // fps
    t = np.arange(n) / sr
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.1 * np.sin(2 * np.pi * 0.5 * t))) / sr
    buzz = np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.3 * np.sin(3 * phase)
    syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4.3 * t + rng.uniform(0, 6)) ** 2
    gate = np.repeat(active.astype(np.float64), sr // fps)[:n]
    return (0.2 * buzz * syllables * gate + rng.normal(0, 1e-4, n)).astype(np.float32)


def still_motion(dialogue, role: str) -> Motion:
    """Random lips, no blinks, still eyes and head, as today's lite model gives."""
    values = np.zeros((dialogue.num_frames, len(CHANNELS[SPACE_ARKIT])), dtype=np.float32)
    values[:, :52] = np.random.default_rng(ord(role)).uniform(0, 0.3, size=(dialogue.num_frames, 52))
    values[:, [0, 7]] = 0.0
    active = dialogue.active_a if role == "A" else dialogue.active_b
    return Motion(space=SPACE_ARKIT, values=values, speaking=active, engine="lite", role=role)


def two_speaker_turns(stem: str, out: Path) -> Path:
    """The excerpt's RTTM restricted to its two most talkative speakers."""
    rows = []
    for name in ("debug.train.rttm", "debug.development.rttm", "debug.test.rttm"):
        rows += [
            line.split() for line in (AMI / name).read_text().splitlines() if line.split()[1:2] == [stem]
        ]
    talk: dict[str, float] = {}
    for r in rows:
        talk[r[7]] = talk.get(r[7], 0.0) + float(r[4])
    keep = sorted(talk, key=talk.get, reverse=True)[:2]
    path = out / f"{stem}.rttm"
    path.write_text("".join(" ".join(r) + "\n" for r in rows if r[7] in keep))
    return path


@pytest.fixture(scope="session")
def demo_dialogue():
    return load_dialogue(str(REPO / "assets" / "demo_dialogue.flac"))


@pytest.fixture(scope="session")
def ami_dialogues(tmp_path_factory):
    if not AMI.is_dir():
        pytest.skip("../shared/data/real_speech/ami_meetings is not beside this checkout")
    out = tmp_path_factory.mktemp("turns")
    return {
        s: load_dialogue(str(AMI / f"{s}.wav"), None, str(two_speaker_turns(s, out)))
        for s in ("dev00", "trn08", "tst00")
    }


@pytest.fixture(scope="session")
def ami_takes(ami_dialogues):
    """(dialogue, base A, base B) per AMI excerpt."""
    return {s: (d, base_motion(d, "A"), base_motion(d, "B")) for s, d in ami_dialogues.items()}
