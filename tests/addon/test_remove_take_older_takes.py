"""The animator presses Remove Take on a take keyed by an older DualTalk, one that did not record
the values it replaced. The take goes, and the status line and the operator's reports say so: the
characters return to rest, not to values of theirs that were never recorded."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import before_take, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.inference.core.motion import Motion


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def test_remove_take_on_an_unrecorded_take_says_what_the_characters_return_to(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(a, b, m, m, ApplyOptions(take="old", undo_push=False))
    for idblock in (*layers.character_idblocks(a), *layers.character_idblocks(b)):
        before_take.forget_before(idblock)  # as an older DualTalk left it

    assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}

    assert not [x for x in bpy.data.actions if is_ours(x)]
    last = bpy.context.window_manager.dualtalk_status.last
    assert last.startswith("DualTalk: removed take 'old' from Alice and Bob: ")
    assert (
        "(note: take 'old' on 'Alice' was keyed by an older DualTalk that did not record the values" in last
    )
    assert "return to their rest values" in last
