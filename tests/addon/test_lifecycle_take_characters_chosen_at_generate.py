"""The animator presses Generate for Alice and Bob and, while the engine runs, already sets up the
next shot: the B picker now holds Carol, or A and B are exchanged (an undo can do the same to the
pickers). The take was made for the characters chosen when Generate was pressed, like its sound and
options, so it goes to Alice and Bob: Carol is not handed Bob's lines and Alice does not lip-sync B's.
The status line says whom it keyed and what the panel picks now. A character moved to another scene
meanwhile is said to be there, not "deleted"."""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene.layers import take_actions

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


def _generate(scene, a, b, assets) -> ui_run.GenerationRun:
    """Generate pressed with ``a`` and ``b`` chosen: the worker runs in the background."""
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    return ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()


def _keyed(obj) -> bool:
    return bool(take_actions(obj.data.shape_keys))


def _speakers(scene) -> list[str]:
    """Who the turn markers say speaks, in timeline order ("DT Alice speaks" -> "Alice")."""
    marks = sorted((m.frame, m.name) for m in scene.timeline_markers if m.name.startswith("DT "))
    return [name.removeprefix("DT ").removesuffix(" speaks") for _frame, name in marks]


def test_b_picker_changed_to_carol_while_generating_keys_bob_and_says_so(scene, assets):
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    run = _generate(scene, alice, bob, assets)
    assert run.running
    scene.dualtalk.char_b = carol  # the next shot, set up while the engine works

    outcome = ah.take_comes_back(run)

    assert outcome.ok, outcome.message
    assert _keyed(alice) and _keyed(bob) and not _keyed(carol)
    said = "keyed Alice and Bob, the characters chosen when Generate was pressed (the panel now picks Carol for B)"
    assert said in outcome.message, outcome.message
    assert "\n" not in outcome.message
    assert scene.dualtalk.char_b == carol  # the panel stays as the animator left it


def test_a_and_b_exchanged_in_the_pickers_while_generating_still_give_alice_the_first_voice(scene, assets):
    alice, bob = ah.two_characters()
    run = _generate(scene, alice, bob, assets)
    assert run.running
    scene.dualtalk.char_a, scene.dualtalk.char_b = bob, alice

    outcome = ah.take_comes_back(run)

    assert outcome.ok, outcome.message
    # the recording's first half is A's voice (Alice when Generate was pressed), the second B's
    assert _speakers(scene)[:2] == ["Alice", "Bob"], _speakers(scene)
    assert "(the panel now picks Bob for A and Alice for B)" in outcome.message, outcome.message


def test_bob_moved_to_another_scene_while_generating_is_said_to_be_there_not_deleted(
    scene, assets, private_tmp
):
    alice, bob = ah.two_characters()
    run = _generate(scene, alice, bob, assets)
    shot2 = bpy.data.scenes.new("Scene 2")
    for obj in (bob, bob.parent):  # M > Scene 2: linked there, unlinked here
        shot2.collection.objects.link(obj)
        scene.collection.objects.unlink(obj)
    before = ah.scene_fingerprint(scene)

    outcome = ah.take_comes_back(run)

    assert not outcome.ok
    said = f"character B 'Bob' is no longer in scene {scene.name!r} (now in 'Scene 2')"
    assert said in outcome.message, outcome.message
    assert "deleted" not in outcome.message and "neither character was keyed" in outcome.message
    assert ah.scene_fingerprint(scene) == before and not _keyed(alice) and not _keyed(bob)
    assert len(list(private_tmp.glob("dualtalk_take_*"))) == 1  # the take is kept, as for a deleted one
