"""An animator compares two takes of one dialogue (review 30a, finding 6): Generate under the panel's
*Take* name, then again under a new one with another seed; the first take stays in the file, the panel
lists both (which plays, *Play* for the other) and *Play* puts the first one back, keys untouched.
A take of another recording or frame is refused in one line and nothing changes; an empty Take name
is refused before the engine starts."""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_remove_take_button import EnabledLayout


def prefs():
    return bpy.context.preferences.addons["dualtalk"].preferences


def drawn(scene) -> list:
    layout = EnabledLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return layout.log


def takes_box(log) -> list[str]:
    """The labels and buttons of the panel's *Takes in this file* box, in order."""
    flat = [e[1] if e[0] == "label" else f"[{e[1]}]" for e in log if e[0] in ("label", "operator")]
    if "Takes in this file" not in flat:
        return []
    rows = flat[flat.index("Takes in this file") + 1 :]
    return rows[: rows.index("Layers")] if "Layers" in rows else rows


def jaw(obj, frames=(5, 20, 35)) -> list[float]:
    scene = bpy.context.scene
    out = []
    for f in frames:
        scene.frame_set(f)
        out.append(round(obj.data.shape_keys.key_blocks["jawOpen"].value, 5))
    return out


def generate(scene):
    outcome = ah.take_comes_back(ui_run.GenerationRun(scene, scene.dualtalk, prefs()).start())
    assert outcome.ok, outcome.message
    return outcome


def test_a_new_take_name_keeps_the_first_take_and_play_puts_it_back(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    assert s.take_name == "take"
    assert ("prop", "take_name") in drawn(scene)  # the field sits with Generate
    generate(scene)
    first = jaw(alice)
    first_actions = sorted(a.name for a in bpy.data.actions)
    assert takes_box(drawn(scene)) == []  # one take: nothing to choose from

    s.take_name, s.behaviour_seed, s.behaviour_mood = "v2", 99, "animated"
    generate(scene)
    assert layers.take_meta(alice)["take"] == "v2"
    assert set(first_actions) <= {a.name for a in bpy.data.actions}  # the first take is still in the file
    assert takes_box(drawn(scene)) == ["take", "[dualtalk.play_take]", "v2", "playing"]

    assert bpy.ops.dualtalk.play_take(take="take") == {"FINISHED"}
    assert layers.take_meta(alice)["take"] == layers.take_meta(bob)["take"] == "take"
    assert jaw(alice) == first
    assert "play take 'take'" in bpy.context.window_manager.dualtalk_status.last
    assert s.take_name == "take"  # Generate now replaces the take that plays, not the one kept
    assert takes_box(drawn(scene)) == ["take", "playing", "v2", "[dualtalk.play_take]"]
    v2 = [a for a in bpy.data.actions if a.name.startswith("DualTalk_v2_")]
    assert len(v2) >= 8 and all(a.use_fake_user for a in v2)  # kept to come back to, also once saved


def test_an_empty_take_name_is_refused_before_the_engine_starts(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.take_name = ""
    with pytest.raises(DualTalkError, match=r"^the Take name must be 1-40 printable bytes, got ''$"):
        ui_run.GenerationRun(scene, scene.dualtalk, prefs())


def test_playing_a_take_of_other_frames_is_refused_and_changes_nothing(scene):
    alice, bob = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = alice, bob
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(alice, bob, m, m, ApplyOptions(take="early", start_frame=1, undo_push=False))
    apply_dialogue(alice, bob, m, m, ApplyOptions(take="late", start_frame=40, undo_push=False))
    scene.frame_set(45)  # the values played, as the fingerprint reads them
    before = ah.scene_fingerprint(scene)

    with pytest.raises(RuntimeError, match="take 'early' of Alice was made from another recording, part"):
        bpy.ops.dualtalk.play_take(take="early")
    scene.frame_set(45)
    assert ah.scene_fingerprint(scene) == before
    assert layers.take_meta(alice)["take"] == "late"
    with pytest.raises(
        RuntimeError, match=r"the file holds no take 'nope' of Alice \(its takes: early, late\)"
    ):
        bpy.ops.dualtalk.play_take(take="nope")
