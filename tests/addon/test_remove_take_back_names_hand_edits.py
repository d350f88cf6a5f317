"""An animator makes take 'v1', then 'v2' to compare, fixes Ben's jaw inside v2's lips+jaw layer, and
presses Remove Take: v1 plays again and v2's actions go, the fix with them.

Until review rv41a (finding 2) the confirmation promised "Your own tracks, actions and keys stay" and
the line after named no loss. Now both name the layer, the character and the channel.
"""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import take_back
from dualtalk.dualtalk_blender.scene import compat, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion
from test_remove_take_plays_the_kept_take import playing

JAW = 'key_blocks["jawOpen"].value'

GOES = "the DualTalk lips+jaw layer of 'Bob' held keys edited by hand (jawOpen), and they go with the take"


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    sc.render.fps = 25
    yield sc
    ah.disable_addon()


def take(a, b, name: str, seed: int) -> None:
    """A take ``name``: both jaws moving, A speaking the first half and B the second."""
    t = np.arange(160)[:, None] / 25
    values = (0.4 + 0.3 * np.sin(2 * np.pi * (0.7 + seed) * t + np.arange(55))).astype(np.float32)
    talk = np.r_[np.ones(80), np.zeros(80)].astype(np.uint8)
    a_motion = Motion("arkit55", values, role="A", speaking=talk)
    b_motion = Motion("arkit55", values.copy(), role="B", speaking=1 - talk)
    apply_dialogue(a, b, a_motion, b_motion, ApplyOptions(take=name, undo_push=False))


def soften_jaw(obj, frame: int) -> None:
    """What dragging a key of the take's own lips+jaw layer in the Graph Editor leaves in its action."""
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    fc = compat.channelbag(strip.action, strip.action_slot).fcurves.find(JAW)
    next(k for k in fc.keyframe_points if k.co[0] == frame).co[1] = 0.05
    fc.update()


def test_remove_take_that_plays_the_kept_take_again_names_the_hand_edits_that_go(scene):
    a, b = ah.two_characters()
    take(a, b, "v1", 0)
    take(a, b, "v2", 1)
    soften_jaw(b, 100)
    assert layers.take_meta(b)["take"] == "v2"

    plan = take_back.plan_take_back([a, b], scene)
    question = plan.question()
    line = take_back.take_back(plan, scene)

    assert question.endswith(
        f"Your own tracks, actions and keys stay, but not the keys edited inside the removed take: {GOES} "
        "(Ctrl+Z brings them back)."
    ), question
    assert f"(10 actions); {GOES} (Ctrl+Z brings them back); take 'v1' plays again" in line, line
    assert (playing(a), playing(b)) == ("v1", "v1")
