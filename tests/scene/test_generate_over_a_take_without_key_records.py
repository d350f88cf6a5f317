"""An animator opens a .blend keyed before DualTalk recorded the keys it wrote (builds before
e959dfa, e.g. 1e90982 and b445cdb: layer actions without ``dualtalk_keys``), fixes Ann's jaw inside
the 'DualTalk lips+jaw' layer, and Generates the same take again. The fix cannot be told from
DualTalk's keys, so the take replaces it, as it always did; the report now says that fixes in those
layers could not be looked for, instead of nothing (measured on a 1e90982 take: jaw 0.9 at frame 30
-> 0.15, no word). Once a take of this build plays, the usual check (test_hand_edits_in_layers)
takes over and nothing more is said."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, keying, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

JAW = 'key_blocks["jawOpen"].value'


def talking(seed: int, role: str) -> Motion:
    t = np.arange(60)[:, None] / 25
    v = 0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + seed) * t + np.arange(55))
    return Motion("arkit55", v.astype(np.float32), role=role)


def generate(ann, bob, seed: int) -> list[str]:
    options = ApplyOptions(take="shot", undo_push=False)
    rep_a, rep_b, _markers = apply_dialogue(ann, bob, talking(seed, "A"), talking(seed + 1, "B"), options)
    return rep_a.warnings + rep_b.warnings


def as_an_older_build_left_it() -> None:
    """The layer actions as builds before e959dfa wrote them: no record of their keys."""
    for action in bpy.data.actions:
        if keying.DIGEST_PROP in action.keys():
            del action[keying.DIGEST_PROP]


def fix_jaw(obj, frame: int, value: float) -> None:
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    fc = compat.channelbag(strip.action, strip.action_slot).fcurves.find(JAW)
    next(k for k in fc.keyframe_points if k.co[0] == frame).co[1] = value
    fc.update()


def test_generate_over_an_older_take_says_fixes_in_its_layers_could_not_be_looked_for():
    ann, bob = br.make_character("Ann"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    generate(ann, bob, 0)
    as_an_older_build_left_it()
    fix_jaw(ann, 30, 0.9)

    said = [w for w in generate(ann, bob, 1) if "kept no record of its keys" in w]

    assert len(said) >= 1, said
    assert said[0].startswith("take 'shot' on 'Ann' was keyed by an older DualTalk"), said
    assert "lips+jaw" in said[0] and "docs/blender.md, Hand fixes" in said[0]
    # and the next Generate, over this build's take, says nothing of the kind
    assert not [w for w in generate(ann, bob, 2) if "kept no record" in w]


def test_a_take_of_another_name_keeps_the_older_take_and_says_nothing_of_it():
    ann, bob = br.make_character("Ann"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    generate(ann, bob, 0)
    as_an_older_build_left_it()
    options = ApplyOptions(take="v2", undo_push=False)
    rep_a, rep_b, _markers = apply_dialogue(ann, bob, talking(1, "A"), talking(2, "B"), options)
    assert not [w for w in rep_a.warnings + rep_b.warnings if "kept no record" in w]


def test_a_range_over_an_older_take_says_fixes_in_its_frames_could_not_be_looked_for():
    """Re-generate Preview Range over the same kind of file: a fix at frame 60, range 40-80 (measured
    on a b445cdb take: jaw 0.9 -> 0.006 at frame 60, no word)."""
    from test_hand_edits_in_layers import move_key, regenerate_range, shot

    ann, ben, options = shot()
    as_an_older_build_left_it()
    move_key(ann, 60, 0.9)

    said = [w for w in regenerate_range(ann, ben, options, 40, 80) if "kept no record of its keys" in w]

    assert len(said) == 2, said  # one line per character
    assert said[0].startswith("take 'take' on 'Ann' was keyed by an older DualTalk"), said
    assert "lips+jaw" in said[0] and "in frames 36-84 could not be looked for" in said[0], said
    assert "replaced with the range" in said[0]
