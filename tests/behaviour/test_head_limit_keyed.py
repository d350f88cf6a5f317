"""An animator's check: the largest head setting keys a head a person could turn, in every take."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour
from dualtalk.inference.core.channels import HEAD

FPS = 25


def test_the_animated_mood_at_head_2_keys_no_head_past_35_deg_or_6_deg_a_frame(ami_takes):
    """The panel's Mood: Animated with the head slider at 2 turned AMI speakers' heads up to 47 deg
    and stepped 9.7 deg between two frames (a tracked animated person: 22.9 deg, 6.0 deg). The
    written take now stays inside 35 deg per axis and 6 deg a frame (150 deg/s), every seed."""
    worst, step = 0.0, 0.0
    for seed in range(3):
        settings = BehaviourSettings(seed=seed, mood="animated", head=2.0)
        for d, a, b in ami_takes.values():
            for m in apply_behaviour(a, b, d, settings):
                head = np.degrees(np.stack([m.channel(c) for c in HEAD], axis=1).astype(np.float64))
                worst = max(worst, float(np.abs(head).max()))
                step = max(step, float(np.abs(np.diff(head, axis=0)).max()))
    assert worst < 35.0 and step <= 6.0 + 1e-3, (worst, step)


def test_a_default_take_keeps_its_head_as_it_was(ami_takes):
    """Inside 25 deg and 6 deg a frame (every default take) the limit leaves the head untouched."""
    d, a, b = next(iter(ami_takes.values()))
    for m in apply_behaviour(a, b, d, BehaviourSettings(seed=1)):
        head = np.degrees(np.stack([m.channel(c) for c in HEAD], axis=1).astype(np.float64))
        assert np.abs(head).max() < 25.0 and np.abs(np.diff(head, axis=0)).max() < 6.0
