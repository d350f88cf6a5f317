"""Where the animator's own animation went, as the report of a dialogue says it.

Ava's face held a smile keyed by hand (her shape keys' active action). Keying a dialogue pushes it
to an NLA track under the take, and ``ApplyReport.kept_actions`` is what a TD logs to tell the
animator where their work went. With eye contact on (the default) the report said ``[]``: the
second pass that aims the eyes found nothing left to push and its empty list replaced the first's.
"""

from __future__ import annotations

import blender_rigs as br
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 40


def looking(role: str) -> Motion:
    """A motion that looks at its partner half the time (so eye contact has work to do)."""
    v = np.zeros((T, 55), np.float32)
    v[:, 24] = 0.4  # some jaw
    target = (np.arange(T) < T // 2).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((T, 2), np.float32))


def ava_with_a_hand_keyed_smile():
    ava = br.make_character("Ava", location=(-0.5, 0, 0))
    bob = br.make_character("Bob", location=(0.5, 0, 0))
    kb = ava.data.shape_keys.key_blocks["mouthSmileLeft"]
    kb.value = 0.8
    kb.keyframe_insert("value", frame=1)
    return ava, bob, ava.data.shape_keys.animation_data.action.name


@pytest.mark.parametrize("gaze", [True, False])
def test_the_dialogue_report_names_the_smile_it_pushed_to_nla_with_or_without_eye_contact(gaze):
    ava, bob, smile = ava_with_a_hand_keyed_smile()

    rep_a, rep_b, _ = apply_dialogue(
        ava, bob, looking("A"), looking("B"), ApplyOptions(gaze=gaze, undo_push=False)
    )

    assert rep_a.kept_actions == [smile]  # was [] with eye contact on
    assert rep_b.kept_actions == []
    tracks = [t.name for t in ava.data.shape_keys.animation_data.nla_tracks]
    assert f"{smile} (kept by DualTalk)" in tracks
