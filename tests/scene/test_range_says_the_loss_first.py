"""An animator fixes Ben's jaw inside the take's lips+jaw layer, renames one of his shape keys, then
re-generates a range over the fix.

The status line shows one warning and "and N more". Review rv41a (finding 8) found the loss of the
fix hidden in "and 1 more" behind another note. Now the character's report gives the loss first:
"the range replaced keys edited by hand ..." before the note on the renamed shape key.
"""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.scene import layers
from test_hand_edits_in_layers import move_key, regenerate_range, shot

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def test_a_range_over_a_fix_says_the_fix_went_before_anything_else():
    ann, ben, options = shot()
    move_key(ben, 230, 0.9)
    ben.data.shape_keys.key_blocks["mouthSmileLeft"].name = "smile_L"  # a rig change since the take

    warnings = regenerate_range(ann, ben, options, 200, 260)

    bens = [w for w in warnings if "Ben" in w]
    assert len(bens) >= 2, warnings  # the loss and the rename
    assert bens[0].startswith(
        "the range replaced keys edited by hand in the DualTalk lips+jaw layer of 'Ben'"
    )


def test_losses_come_first_and_each_line_once():
    notes = ["a note on the settings", "the range replaced keys edited by hand in ... (jawOpen)", "a note"]

    assert layers.losses_first([*notes, notes[0]]) == [notes[1], notes[0], notes[2]]
