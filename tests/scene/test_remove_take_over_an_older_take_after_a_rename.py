"""An animator opens a .blend whose take an older DualTalk keyed without recording what it replaced
(no before record, no ids on the datablocks), renames a character (or finds two mislabelled and swaps
their names) and Generates a take 'v2' to compare. Remove Take's note names the older take the new
one was keyed over; it looked that take up by the name the new take records, so after a rename it
said v2 itself was the older DualTalk's, and after a swap it named the other face's take. It now
finds a character's kept takes by the rule the take list and Play Take follow
(``scene/take_owners.py``: the datablocks a take keyed, else its name, renames followed)."""

from __future__ import annotations

import json

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import before_take, keying, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion
from level_takes import rename

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

SESSION_39_FIELDS = ("take_id", "audio", layers.KEYED_BY, layers.KEYED_KEYS, layers.KNOWN_AS)


def talking(seed: int, role: str) -> Motion:
    t = np.arange(40)[:, None] / 25
    v = 0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + seed) * t + np.arange(55))
    return Motion("arkit55", v.astype(np.float32), role=role)


def key(a, b, take: str, seed: int) -> None:
    apply_dialogue(a, b, talking(seed, "A"), talking(seed + 1, "B"), ApplyOptions(take=take, undo_push=False))


def as_an_older_dualtalk_left_it(*characters) -> None:
    """What b445cdb wrote: no before record, no recording, no ids on the datablocks or in records."""
    for obj in characters:
        for idblock in layers.character_idblocks(obj):
            before_take.forget_before(idblock)
            if layers.ID_PROP in idblock.keys():
                del idblock[layers.ID_PROP]
    for action in bpy.data.actions:
        if keying.is_ours(action):
            record = json.loads(action[keying.OWNER_PROP])
            for field in SESSION_39_FIELDS:
                record.pop(field, None)
            action[keying.OWNER_PROP] = json.dumps(record)
            if keying.DIGEST_PROP in action.keys():
                del action[keying.DIGEST_PROP]


def older_notes(report) -> list[str]:
    return [n for n in report.notes if "older DualTalk" in n]


def test_a_renamed_character_s_note_names_the_older_take_v2_was_keyed_over():
    alice, bob = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    key(alice, bob, "old", 0)
    as_an_older_dualtalk_left_it(alice, bob)
    rename((alice, "Anna"))
    key(alice, bob, "v2", 2)

    notes = older_notes(remove_take([alice, bob], undo_push=False))

    assert notes[0].startswith(  # was "take 'v2' on 'Anna' was keyed by an older DualTalk ..."
        "take 'v2' on 'Anna' was keyed over 'old', a take keyed by an older DualTalk that did not record"
    )


def test_two_characters_that_swapped_names_each_name_their_own_older_take():
    a, carol = br.make_character("Alice"), br.make_character("Carol", location=(1.0, 0.0, 0.0))
    b, dan = (
        br.make_character("Bob", location=(2.0, 0.0, 0.0)),
        br.make_character("Dan", location=(3.0, 0.0, 0.0)),
    )
    key(a, carol, "x", 0)  # Alice's older take is x, Bob's is y
    key(b, dan, "y", 2)
    as_an_older_dualtalk_left_it(a, carol, b, dan)
    rename((a, "Bob"), (b, "Alice"))  # the two were mislabelled
    key(a, b, "v2", 4)

    notes = older_notes(remove_take([a, b], undo_push=False))

    assert [n.split(", a take")[0] for n in notes] == [
        "take 'v2' on 'Bob' was keyed over 'x'",  # was 'y': the take the name Bob recorded, face b's
        "take 'v2' on 'Alice' was keyed over 'y'",
    ]
