"""``eval behaviour`` counts a listener's nod that comes with its own "sí", "はい" or "mm-hm"."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.behaviour.cues import backchannels, holds_floor, speaking_state
from dualtalk.inference.core.channels import CHANNELS, HEAD, SPACE_ARKIT
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation import behaviour as ev

FPS = 25.0


def _conversation() -> tuple[Motion, Motion, list[int]]:
    """B talks in 3 s phrases with 0.5 s pauses for 42 s; A answers each pause with its own 0.4 s
    backchannel (0.1 s into the pause) and nods 3 deg with it: the chin starts down 1-4 frames before
    the word (a nod seen to start before its "sí" still goes with it), under 0.2 s after B's phrase
    end, so none is a phrase-end nod."""
    t = int(42 * FPS)
    b_talks = np.zeros(t, dtype=bool)
    a_talks = np.zeros(t, dtype=bool)
    pitch = np.zeros(t)
    said = []
    for k, start in enumerate(range(0, t - int(5 * FPS), int(3.5 * FPS))):
        end = start + int(3 * FPS)
        b_talks[start:end] = True
        bc = end + int(0.1 * FPS)
        a_talks[bc : bc + int(0.4 * FPS)] = True
        said.append(bc)
        nod = bc - (1, 2, 3, 4)[k % 4]
        u = np.arange(14) / FPS
        pitch[nod : nod + 14] += 3.0 * np.sin(np.pi * u / (14 / FPS)) ** 2  # a 0.56 s nod
    channels = CHANNELS[SPACE_ARKIT]

    def motion(talks: np.ndarray, head_pitch: np.ndarray, role: str) -> Motion:
        values = np.zeros((t, len(channels)), dtype=np.float32)
        values[:, channels.index(HEAD[0])] = np.radians(head_pitch)
        return Motion(space=SPACE_ARKIT, values=values, speaking=talks, engine="lite", role=role)

    return motion(a_talks, pitch, "A"), motion(b_talks, np.zeros(t), "B"), said


def test_a_listener_who_nods_with_its_own_backchannel_is_seen_to_nod():
    """Review 32n F10: a Spanish listener answering every phrase end with "sí" and a nod read 0 nods
    per listening minute (and 0 "with own backchannel"): the evaluator counted nods in listening time
    only, where one's own "sí" is speaking time, while the behaviour layer takes it as listening."""
    a, b, said = _conversation()
    assert [s for s, _ in backchannels(a.speaking, b.speaking, FPS)] == said  # each one is a backchannel
    row = ev.measure(ev.take_from(a, b))
    assert row["nods"] == len(said), row["nods"]
    assert row["nods_with_own_backchannel"] == len(said)
    assert row["nods_per_listening_min"] is not None and row["nods_per_listening_min"] >= 3.0
    # the rate is over the time the nods were counted in: listening and the own backchannels
    listening = a.num_frames - speaking_state(a.speaking, FPS).sum()
    assert row["nodding_min"] == (listening + a.speaking.sum()) / FPS / 60.0


def test_the_evaluator_and_the_layer_share_who_holds_the_floor():
    """The layer's own-backchannel rule is one function both read: a backchannel running on into the
    character's own phrase (under 0.6 s apart) starts a turn and keeps the floor, for both."""
    flags = np.zeros(200, dtype=bool)
    flags[20:30] = True  # a lone "yeah"
    flags[100:110] = True  # a "yeah" ...
    flags[120:180] = True  # ... running on into the own phrase 0.4 s later
    state = speaking_state(flags, FPS)
    floor = holds_floor(flags, state, [20, 100])
    assert not floor[20:30].any() and floor[100:180].all()
