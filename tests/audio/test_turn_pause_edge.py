"""A pause inside a character's own turn is turned down for the network's ears only where the behaviour
layer calls it listening (review rv34b F5). A gap of exactly 0.6 s (15 frames) is bridged by the layer's
speaking state, so the character is talking there; the duck took it as listening and shut the jaw in
it (jaw mean 0.115 -> 0.031 on real speech). Every interior gap, however long, now gets one answer."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.audio.sync import long_pauses
from dualtalk.inference.behaviour.cues import speaking_state

FPS = 25


def test_a_pause_the_layer_calls_talk_is_heard_as_recorded_and_a_longer_one_turned_down():
    for gap in range(1, 41):
        flags = np.zeros(20 + gap + 20, bool)
        flags[:20] = flags[20 + gap :] = True  # talk, a pause of `gap` frames, talk
        pause = slice(20, 20 + gap)
        talking = speaking_state(flags, FPS)[pause].all()
        ducked = long_pauses(flags, FPS)[pause]
        assert ducked.all() != talking and (ducked.all() or not ducked.any()), (gap, talking, ducked)


def test_exactly_six_tenths_of_a_second_is_still_talk():
    flags = np.ones(60, bool)
    flags[20:35] = False  # 15 frames: 0.6 s
    assert speaking_state(flags, FPS)[20:35].all()
    assert not long_pauses(flags, FPS).any()
    flags[35] = False  # 16 frames: listening, turned down
    assert long_pauses(flags, FPS)[20:36].all()
