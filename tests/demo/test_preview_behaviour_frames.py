"""The demo's contact sheet picks frames that show a blink, a nod and a look at the partner."""

from __future__ import annotations

import numpy as np
import pytest
from behaviour_takes import REPO, base_motion
from dualtalk.dualtalk_blender.demo.preview import behaviour_frames
from dualtalk.inference.audio import load_dialogue
from dualtalk.inference.behaviour import apply_behaviour


@pytest.fixture(scope="module")
def demo_dialogue():
    return load_dialogue(str(REPO / "assets" / "demo_dialogue.flac"))


def test_the_sheet_shows_a_blink_a_nod_and_a_look(demo_dialogue):
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, mb = apply_behaviour(a, b, demo_dialogue)
    start, ratio = 1, 24 / 25  # a 24 fps scene
    frames = behaviour_frames([ma, mb], start, ratio, 6)
    assert len(frames) == 6 and frames == sorted(frames)
    motion_frames = [int(round((f - start) / ratio)) for f in frames]
    lids = np.maximum(ma.channel("eyeBlinkLeft"), mb.channel("eyeBlinkLeft"))
    assert any(lids[k] > 0.8 for k in motion_frames)  # eyes shut
    nod = [
        k
        for m in (ma, mb)
        for k in motion_frames
        for n in m.meta["behaviour"]["events"].get("nods", [])
        if n <= k <= n + 20
    ]
    assert nod  # deep in a nod
    looks = [k for m in (ma, mb) for k in motion_frames if m.gaze_target[k] == 1 and not m.speaking[k]]
    assert looks  # a listener looking at the speaker


def test_without_the_layer_the_frames_are_spread_evenly(demo_dialogue):
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    frames = behaviour_frames([a, b], 1, 1.0, 4)
    assert len(frames) == 4 and frames[0] > 1 and frames[-1] < a.num_frames


def test_the_demo_sheet_keeps_the_behaviour_frames_and_fills_with_talking(demo_dialogue):
    from dualtalk.dualtalk_blender.demo.cmd_demo import sheet_frames

    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, mb = apply_behaviour(a, b, demo_dialogue)
    picks = behaviour_frames([ma, mb], 1, 1.0, 0)
    assert len(picks) == 3  # a blink, a nod, a look
    frames = sheet_frames((ma, mb), 8, 1)
    assert set(picks) <= set(frames) and 6 <= len(frames) <= 8
