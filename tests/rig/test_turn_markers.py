"""Turn markers without Blender: the floor changes when someone talks alone long enough, not on
every "mhm", pause or overlap, and lands on the right scene frame at any frame rate."""

from __future__ import annotations

import numpy as np
from dualtalk.dualtalk_blender.rig.turns import marker_frames, turn_changes


def talk(n: int, *spans: tuple[int, int]) -> np.ndarray:
    out = np.zeros(n, bool)
    for first, end in spans:
        out[first:end] = True
    return out


def test_the_floor_passes_on_long_solo_speech_and_not_on_backchannels_or_overlaps():
    a = talk(300, (0, 100), (210, 215), (260, 300))  # A, a short "mhm" while B talks, A again
    b = talk(300, (50, 55), (90, 200))  # B's "mhm" under A, then B overlaps A's end and takes over
    assert turn_changes(a, b, 25) == [(0, 0), (100, 1), (260, 0)]


def test_pauses_keep_the_holder_and_min_turn_sets_what_counts_as_a_turn():
    a = talk(200, (0, 40), (80, 120))  # A pauses in the middle: still A's floor
    b = talk(200, (150, 160))  # 10 frames = 0.4 s alone
    assert turn_changes(a, b, 25) == [(0, 0)]
    assert turn_changes(a, b, 25, min_turn_s=0.3) == [(0, 0), (150, 1)]


def test_nobody_talking_or_no_frames_makes_no_turns():
    assert turn_changes(np.zeros(50, bool), np.zeros(50, bool), 25) == []
    assert turn_changes(np.zeros(0, bool), np.zeros(0, bool), 25) == []
    assert turn_changes(talk(60, (0, 60)), talk(20), 25) == [(0, 0)]  # lengths differ: the shorter counts


def test_marker_frames_scale_motion_frames_onto_the_scene_timeline():
    changes = [(0, 0), (100, 1), (251, 0)]
    assert marker_frames(changes, 1, 1.0) == [(1, 0), (101, 1), (252, 0)]
    assert marker_frames(changes, 10, 30 / 25) == [(10, 0), (130, 1), (311, 0)]
