"""An animator's check: re-generating part of a take plays the take's performance, not a new one."""

from __future__ import annotations

import numpy as np
import pytest
from behaviour_takes import buzzy_voice, still_motion
from dualtalk.inference.audio.dialogue import Dialogue
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

SR, FPS = 16000, 25
HOP = SR // FPS


def _recording(seconds: float = 40.0) -> Dialogue:
    """Two people taking turns of 3-6 s, each turn in phrases with short pauses between them."""
    rng = np.random.default_rng(11)
    t = int(seconds * FPS)
    act = [np.zeros(t, dtype=bool), np.zeros(t, dtype=bool)]
    k, who = 10, 0
    while k < t:
        end = min(t, k + int(rng.uniform(3.0, 6.0) * FPS))
        while k < end:
            n = int(rng.uniform(0.8, 2.2) * FPS)
            act[who][k : min(k + n, end)] = True
            k += n + int(rng.uniform(0.1, 0.5) * FPS)
        k, who = end + int(rng.uniform(0.3, 0.9) * FPS), 1 - who
    return Dialogue(buzzy_voice(act[0], 200, 1), buzzy_voice(act[1], 120, 2), act[0], act[1])


def _part(d: Dialogue, start_s: float, end_s: float) -> Dialogue:
    """``--start/--end``: the recording cut to ``start_s .. end_s`` seconds."""
    s, e = int(round(start_s * SR)), int(round(end_s * SR))
    f0 = int(round(start_s * FPS))
    a, b = d.a[s:e], d.b[s:e]
    n = -(-len(a) // HOP)
    return Dialogue(a, b, d.active_a[f0 : f0 + n], d.active_b[f0 : f0 + n], start_time=start_s)


def _events(m: Motion, kind: str) -> np.ndarray:
    return np.array(m.meta["behaviour"]["events"][kind], dtype=np.int64)


@pytest.mark.parametrize("start_s, end_s", [(14.0, 22.0), (0.0, 9.0), (31.0, 40.0), (25.37, 33.0)])
def test_a_re_generated_range_blinks_when_the_whole_take_blinked(start_s, end_s):
    """The animator keyed a 40 s take, then re-generated a few seconds of it (the add-on runs the
    part with --start/--end and cross-fades it into the take). Before, the part was a new
    performance: it blinked at other seconds than the take, so the cross-fade could show a blink
    twice or cut one in half. Now, given the recording it was cut from, the part blinks at the
    take's seconds (within a frame; the same lid curve), looks where the take looked and nods
    where it nodded, with the same seed."""
    d = _recording()
    part = _part(d, start_s, end_s)
    first = int(round(start_s * FPS))
    t = part.num_frames
    blinks_seen = 0
    for seed in range(4):
        settings = BehaviourSettings(seed=seed)
        whole = apply_behaviour(still_motion(d, "A"), still_motion(d, "B"), d, settings)
        cut = apply_behaviour(still_motion(part, "A"), still_motion(part, "B"), part, settings, recording=d)
        for w, p in zip(whole, cut, strict=True):
            inner = FPS  # a second away from the part's edges
            take = _events(w, "blinks") - first
            take = take[(take >= inner) & (take < t - inner)]
            mine = _events(p, "blinks")
            mine = mine[(mine >= inner) & (mine < t - inner)]
            blinks_seen += len(take)
            assert len(mine) == len(take), (seed, w.role, take, mine)
            assert np.all(np.abs(mine - take) <= 1), (seed, w.role, take, mine)
            if first == start_s * FPS:  # a part starting on a frame: the very same lids
                lid_take = w.channel("eyeBlinkLeft")[first : first + t]
                assert np.abs(p.channel("eyeBlinkLeft") - lid_take).max() < 1e-5
            assert np.array_equal(p.gaze_target, w.gaze_target[first : first + t])
            nods = _events(w, "nods") - first
            assert np.array_equal(_events(p, "nods"), nods[(nods >= 0) & (nods < t)])
    assert blinks_seen >= 8  # the parts do hold blinks to compare


def test_a_part_from_another_recording_is_refused_in_one_line():
    """Given a recording the part cannot be cut from (it runs past its end), the layer says so
    instead of playing a performance from the wrong seconds."""
    d = _recording(20.0)
    part = _part(_recording(40.0), 15.0, 25.0)
    with pytest.raises(DualTalkError, match="not within the recording"):
        apply_behaviour(still_motion(part, "A"), still_motion(part, "B"), part, recording=d)
