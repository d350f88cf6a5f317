"""A game developer repeats Alice's take twice in the NLA editor to fill a longer shot (or scales it 2)
and exports the FBX. The file bakes what the scene plays, the face's first seconds twice over, while
the sound plays them once, and the export said only that the clip is longer than the take (review
rv43a F4). Time Stretching, which does the same to lip sync, is warned about; now a scaled or repeated
take is too, in the same words."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import clip_warnings
from dualtalk.inference.core.motion import Motion


def _timing(objs) -> list[str]:
    return [w for w in clip_warnings(objs, bpy.context.scene) if "Scale and Repeat" in w]


def test_the_fbx_warning_says_a_repeated_or_scaled_take_plays_out_of_time_with_its_sound():
    br.reset()
    bpy.context.scene.render.fps = 25
    a, b = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    m = Motion("arkit55", np.full((50, 55), 0.2, np.float32), role="A")
    apply_dialogue(a, b, m, Motion("arkit55", m.values.copy(), role="B"), ApplyOptions(undo_push=False))
    assert _timing([a, b]) == []  # as keyed: silent

    for strip in layers.our_strips(a.data.shape_keys).values():
        strip.repeat = 2.0
    assert _timing([a, b]) == [
        "FBX: Alice's DualTalk strips are repeated 2 in the NLA editor, which plays the face 2 times over "
        "against its sound; set Scale and Repeat back to 1 for lip sync"
    ]
    assert _timing([b]) == []  # Bob's file alone (one file per character) is in time

    for idblock in layers.character_idblocks(b):
        for strip in layers.our_strips(idblock).values():
            strip.scale = 0.5
    assert _timing([a, b]) == [
        "FBX: Alice's DualTalk strips are repeated 2 and Bob's scaled 0.5 in the NLA editor, which plays the "
        "faces out of time with their sound; set Scale and Repeat back to 1 for lip sync"
    ]
    assert _timing([b]) == [
        "FBX: Bob's DualTalk strips are scaled 0.5 in the NLA editor, which plays the face at double speed "
        "against its sound; set Scale and Repeat back to 1 for lip sync"
    ]
