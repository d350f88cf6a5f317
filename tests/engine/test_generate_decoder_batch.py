"""A user fits the lite network into a small GPU with ``batch_windows`` (or ``DUALTALK_WINDOW_BATCH``):
no decoder call may then take more windows than that, although a ducked character is decoded twice
(the two passes sent 2 x ``batch_windows`` windows per call). And a character whose mic was never
turned down (a listener who never speaks alone ducks nobody else's mic) is decoded once: its pass heard
"as recorded" was the same pass again, decoded and thrown away (review rv38f F4)."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio import Dialogue
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_dialogue

SR, FPS = 16000, 25
SECONDS = 12.0
WINDOW_S = 4.0  # several windows, so a call could hold more than one


@pytest.fixture(scope="module")
def lite():
    return load_engine(engine="lite")


def _take(b_speaks_alone: bool) -> Dialogue:
    """B talks in bursts on its own mic; A's mic carries B faintly. A either never speaks alone (only A
    is ducked: B's mic is never turned down) or has turns of its own while B is quiet (both ducked)."""
    rng = np.random.default_rng(3)
    n = int(SECONDS * SR)
    frames = int(SECONDS * FPS)
    on_b = (np.arange(frames) // 50) % 2 == 0
    on_a = ~on_b if b_speaks_alone else np.zeros(frames, bool)
    b = rng.standard_normal(n).astype(np.float32) * 0.1 * np.repeat(on_b, SR // FPS)
    a = rng.standard_normal(n).astype(np.float32) * 0.1 * np.repeat(on_a, SR // FPS) + 0.03 * b
    return Dialogue(a, b, on_a, on_b)


def _decoder_calls(lite, monkeypatch) -> list[int]:
    """The number of windows in each decoder call, as the network receives them."""
    calls: list[int] = []
    real = lite.model.decode

    def counted(own, partner, motion):
        calls.append(own.shape[0])
        return real(own, partner, motion)

    monkeypatch.setattr(lite.model, "decode", counted)
    return calls


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_no_decoder_call_takes_more_windows_than_the_batch_the_user_set(lite, monkeypatch, batch):
    calls = _decoder_calls(lite, monkeypatch)
    motion_a, _ = generate_dialogue(_take(True), lite, window_s=WINDOW_S, batch_windows=batch, rounds=2)
    windows = motion_a.meta["windows"]
    assert windows >= 4
    assert max(calls) == min(batch, windows)  # before: 2 x batch (both passes in one call)
    assert sum(calls) == 2 * 2 * 2 * windows  # 2 rounds x 2 characters x 2 passes, each window once


def test_a_character_whose_mic_was_not_turned_down_is_decoded_once(lite, monkeypatch):
    calls = _decoder_calls(lite, monkeypatch)
    motion_a, motion_b = generate_dialogue(_take(False), lite, window_s=WINDOW_S, batch_windows=2, rounds=2)
    windows = motion_a.meta["windows"]
    # per round: A twice (ducked, and as recorded), B once; before: B twice as well
    assert sum(calls) == 2 * (2 + 1) * windows
    assert np.isfinite(motion_b.values).all() and np.abs(motion_b.values).max() > 0
