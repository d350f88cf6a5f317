"""An animator fixes Ben's jaw inside take 'take', Generates 'v2' to compare (the file keeps 'take' with
the fix), then types 'take' in *Take* again and presses Generate to redo it with another seed.

The new take replaces the kept one's actions, fix included. Until review rv41a (finding 1) it said
nothing: only the layers that play were looked at for hand edits, and 'take' played nowhere. Now the
line names the kept take, the layer and the channel, as it does when the playing take is replaced.
"""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import compat, layers
from test_hand_edits_in_layers import JAW, edits_warnings, generate, move_key, shot

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def test_generate_under_the_name_of_a_kept_edited_take_says_its_edits_were_replaced():
    ann, ben, options = shot()
    move_key(ben, 100, 0.9)  # Ben's jaw wide open at frame 100, in take 'take''s lips+jaw layer
    generate(ann, ben, options.replace(take="v2"), seed=1)  # 'take' kept, not playing
    kept = bpy.data.actions["DualTalk_take_Ben lips+jaw"]
    assert kept.use_fake_user and kept.users == 1

    lines = edits_warnings(generate(ann, ben, options.replace(take="take"), seed=2))

    assert lines == [
        "take 'take', kept in the file and not playing: the DualTalk lips+jaw layer of 'Ben' held keys edited "
        "by hand (jawOpen); this take of the same name replaced them (Ctrl+Z brings them back; Generate under "
        "another Take name to keep an edited take): keep fixes on your own track (docs/blender.md, Hand fixes)"
    ], lines
    now = layers.our_strips(ben.data.shape_keys)["lips+jaw"]
    fc = compat.channelbag(now.action, now.action_slot).fcurves.find(JAW)
    assert fc.evaluate(100) != pytest.approx(0.9, abs=0.05)  # replaced, as the line says


def test_a_kept_take_without_edits_is_replaced_without_a_word():
    ann, ben, options = shot()
    generate(ann, ben, options.replace(take="v2"), seed=1)

    assert edits_warnings(generate(ann, ben, options.replace(take="take"), seed=2)) == []
