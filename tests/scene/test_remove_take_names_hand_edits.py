"""An animator softens Ben's jaw by hand inside the take's lips+jaw layer, then presses Remove Take.

The take's actions go, and the fix with them. Until review rv41a (finding 2) the confirmation said
"Your own tracks, actions and keys stay" and the line after said nothing of it. Now both name the
layer, the character and the channel that go with the take.
"""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import remove_take
from test_hand_edits_in_layers import move_key, shot

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

GOES = "the DualTalk lips+jaw layer of 'Ben' held keys edited by hand (jawOpen), and they go with the take"


def test_remove_take_asks_and_says_that_the_keys_edited_inside_the_take_go_with_it():
    ann, ben, _options = shot()
    move_key(ben, 100, 0.2)

    question = remove_take.plan_removal([ann, ben]).question()
    report = remove_take.remove_take([ann, ben], undo_push=False)

    assert (
        f"Your own tracks, actions and keys stay, but not the keys edited inside the take: {GOES} "
        "(Ctrl+Z brings them back)." in question
    ), question
    assert f"; {GOES} (Ctrl+Z brings them back)" in report.summary, report.summary
    assert not [a for a in bpy.data.actions if a.name.startswith("DualTalk_take_")]  # gone, as said


def test_a_take_without_edits_is_removed_as_before():
    ann, ben, _options = shot()

    question = remove_take.plan_removal([ann, ben]).question()

    assert "Your own tracks, actions and keys stay." in question and "edited" not in question
    assert "edited" not in remove_take.remove_take([ann, ben], undo_push=False).summary
