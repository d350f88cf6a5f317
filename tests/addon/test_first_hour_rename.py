"""An animator's first hour (notes/audit_firsthour.md): after a take they rename a character
(``Alice`` -> ``Alice_final``) and generate again. The first take's layer actions are that character's
own layers, replaced, not "an earlier take" kept forever with a fake user; Remove Take then leaves no
DualTalk action behind, also after save and reopen."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.inference.core.motion import Motion

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


def ours() -> list[tuple[str, int, bool]]:
    return sorted((a.name, a.users, a.use_fake_user) for a in bpy.data.actions if is_ours(a))


def test_a_character_renamed_between_takes_leaves_no_earlier_layers_behind(scene, assets, tmp_path):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        a.name = "Alice_final"
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    left = ours()
    assert not [x for x in left if x[0].startswith("DualTalk_take_Alice ")], left
    assert not [x for x in left if x[2]], left  # nothing kept with a fake user
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert ours() == []
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))
    assert ours() == []


def test_another_take_name_on_the_same_character_is_still_kept_in_the_file(scene):
    """What the fake user is for: a take of another name (Python API) keyed over the first stays in the
    file for the animator to go back to; only the take it replaces as the same layer goes."""
    a, _b = ah.two_characters()
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_motion(a, m, ApplyOptions(take="first", undo_push=False))
    a.name = "Alice_final"
    apply_motion(a, m, ApplyOptions(take="second", undo_push=False))
    kept = [x for x in ours() if x[0].startswith("DualTalk_first_Alice ")]
    assert kept and all(fake for _n, _u, fake in kept), ours()
    assert layers.take_meta(a)["take"] == "second"
