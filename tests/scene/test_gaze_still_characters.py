"""Eye contact on a real take where the characters stand still: the heads are read once per gap.

Review 31l F5: keying a 10-minute take froze Blender for 4 CPU-s, 83 % of it eye contact, with
1,877 scene evaluations, three in four of them checks inside gaps over which nothing but the head's
own keys moved. Where no key moves what carries the heads (the usual set-up: two characters placed
and left), a gap whose two ends hold the carrier still needs no checks. The eye keys must be the
ones the scene played every frame gives, to float precision.
"""

from __future__ import annotations

import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import apply as ap
from dualtalk.dualtalk_blender.scene import gaze
from dualtalk.inference.core.gaze import EYE_LOOK


@pytest.fixture(scope="module")
def real_pair(demo_clip, tmp_path_factory):
    """The lite engine's take of the recorded two-person conversation, behaviour (gaze) included."""
    from dualtalk.inference import pipeline
    from dualtalk.inference.core.request import Request

    request = Request(audio=str(demo_clip["wav1"]), audio_b=str(demo_clip["wav2"]), engine="lite")
    take = pipeline.run(request, tmp_path_factory.mktemp("take"))
    return take.motion_a, take.motion_b


class Evaluations:
    """Counts scene evaluations (every ``frame_set`` runs the frame-change handlers)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, scene, depsgraph=None) -> None:
        self.count += 1

    def __enter__(self) -> Evaluations:
        bpy.app.handlers.frame_change_post.append(self)
        return self

    def __exit__(self, *exc) -> None:
        bpy.app.handlers.frame_change_post.remove(self)


def eyes(motion) -> np.ndarray:
    return np.stack([motion.channel(name) for name in EYE_LOOK], axis=1)


def test_standing_characters_eyes_are_aimed_as_every_frame_played_with_a_quarter_of_the_readings(
    real_pair, monkeypatch
):
    from dualtalk.dualtalk_blender.demo.demo_scene import build_demo_scene

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.fps = 25
    objs = build_demo_scene(scene)
    motions = real_pair
    options = ap.ApplyOptions(start_frame=1, gaze=False).replace(undo_push=False)
    rep_a, rep_b, _ = ap.apply_dialogue(*objs, *motions, options)  # keyed, the eyes not aimed yet
    reports = (ap.check_character(objs[0], options), ap.check_character(objs[1], options))
    reps = (rep_a, rep_b)
    aim = ap.ApplyOptions(start_frame=1).replace(undo_push=False)

    with Evaluations() as evaluations:
        sparse = ap._aimed(scene, objs, motions, reps, aim, reports)
    monkeypatch.setattr(gaze, "_sparse", lambda *a, **k: None)  # the scene read at every frame
    played = ap._aimed(scene, objs, motions, reps, aim, reports)

    frames = max(m.num_frames for m in motions)
    assert frames > 500
    assert evaluations.count <= frames / gaze.STRIDE + 3, evaluations.count  # was 4 per gap
    aimed = [(got, want) for got, want in zip(sparse, played, strict=True) if want is not None]
    assert aimed and [g is None for g in sparse] == [w is None for w in played]
    for got, want in aimed:
        assert np.abs(eyes(got) - eyes(want)).max() < 1e-4  # the same eye keys
        assert np.abs(got.values - want.values).max() < 1e-4  # and head turn
        assert eyes(got).max() > 0.05  # the eyes do look somewhere
