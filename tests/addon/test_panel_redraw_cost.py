"""The panel's redraw cost (notes/audit_production.md, finding 3): Blender redraws the sidebar all the
time while the animator scrubs, so a redraw must not look the characters up again (on a production rig
``find_mesh_and_armature`` scores every shape key of every rig mesh and may walk every object in the
file). Each pick's (mesh, armature) is resolved once and reused while nothing it depends on changed --
and the panel still shows every change on the very next draw: a take keyed or removed, a character
picked again, renamed, deleted, re-parented or given another Armature modifier."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import characters
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_remove_take_button import EnabledLayout

GONE = "not in this scene (deleted?); choose it again"
FULL = "52/52 ARKit keys, head bone: head"


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def count_lookups(monkeypatch) -> list[str]:
    """Names of the objects ``find_mesh_and_armature`` is asked about from now on, wherever it is
    called from (each module that imported it by name gets the counting one)."""
    real = characters.find_mesh_and_armature
    calls: list[str] = []

    def counting(obj, *args, **kwargs):
        calls.append(getattr(obj, "name", repr(obj)))
        return real(obj, *args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("dualtalk") and getattr(module, "find_mesh_and_armature", None) is real:
            monkeypatch.setattr(module, "find_mesh_and_armature", counting)
    return calls


def draw(scene) -> SimpleNamespace:
    """One redraw: its labels, whether Remove Take is enabled, and the Layers box's rows."""
    layout = EnabledLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    log = layout.log
    labels = [e[1] for e in log if e[0] == "label"]
    button = next(e[2] for e in log if e[:2] == ("enabled", "dualtalk.remove_take"))
    rows = labels[labels.index("Layers") + 1 :] if "Layers" in labels else []
    influences = sum(1 for e in log if e == ("prop", "influence"))
    return SimpleNamespace(labels=labels, remove_take=button, rows=rows, influences=influences)


def key(a, b) -> None:
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(a, b, m, m, ApplyOptions(undo_push=False))


def warm(scene, times: int = 3) -> SimpleNamespace:
    for _ in range(times):
        seen = draw(scene)
    return seen


@pytest.mark.parametrize("pick", ["mesh", "armature"])
def test_twenty_redraws_resolve_each_character_once_not_four_times_a_draw(scene, monkeypatch, pick):
    a, b = ah.two_characters()
    key(a, b)
    s = scene.dualtalk
    s.char_a, s.char_b = (a, b) if pick == "mesh" else (a.parent, b.parent)
    calls = count_lookups(monkeypatch)

    first = draw(scene)
    on_first = len(calls)
    for _ in range(20):
        seen = draw(scene)

    # the first draw: once for each rig summary (inspecting the rig) and once for its layers; then none
    # (it was 4 a draw: Remove Take's state and the Layers list, each character: 80 redraws here)
    assert on_first <= 4, calls
    assert calls[on_first:] == []
    assert seen.labels == first.labels and seen.labels.count(FULL) == 2
    assert seen.remove_take is True
    assert seen.rows[0] == s.char_a.name and s.char_b.name in seen.rows and seen.influences > 4


def test_remove_take_is_enabled_on_the_draw_after_keying_and_disabled_after_removing(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a.parent, b.parent  # what animators pick
    assert warm(scene).remove_take is False  # no take yet, however often it is drawn

    key(a, b)
    after_keying = draw(scene)
    assert after_keying.remove_take is True
    assert "Alice_rig" in after_keying.rows and "Bob_rig" in after_keying.rows

    warm(scene)
    assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    after_removing = draw(scene)
    assert after_removing.remove_take is False and after_removing.rows == []

    warm(scene)
    key(a, b)  # Generate again
    assert draw(scene).remove_take is True


def test_picking_b_again_shows_the_new_rig_at_once(scene):
    a, b = ah.two_characters()
    key(a, b)
    s = scene.dualtalk
    s.char_a, s.char_b = a, b
    assert warm(scene).labels.count(FULL) == 2

    carol = br.make_character("Carol", ARKIT52[:20], location=(1.5, 0.0, 0.0))
    s.char_b = carol.parent
    seen = draw(scene)
    assert seen.labels.count(FULL) == 1 and "20/52 ARKIT keys, head bone: head".lower() in (
        t.lower() for t in seen.labels
    ), seen.labels
    assert "Bob" not in seen.rows and "Carol_rig" not in seen.rows  # Carol carries no take
    assert seen.remove_take is True  # Alice still does

    warm(scene)
    key(a, carol)
    seen = draw(scene)
    assert "Carol_rig" in seen.rows

    warm(scene)
    carol.parent.name = "Dora_rig"  # renamed: its row says so on the next draw
    seen = draw(scene)
    assert "Dora_rig" in seen.rows and "Carol_rig" not in seen.rows


def test_deleting_a_character_shows_it_gone_at_once(scene):
    a, b = ah.two_characters()
    key(a, b)
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    before = warm(scene)
    assert "Bob" in before.rows and GONE not in before.labels

    bpy.ops.object.select_all(action="DESELECT")
    b.select_set(True)
    b.parent.select_set(True)
    bpy.ops.object.delete()

    after = draw(scene)
    assert GONE in after.labels and after.labels.count(FULL) == 1
    assert "Alice" in after.rows and "Bob" not in after.rows
    assert after.remove_take is True  # Alice's take is still there to remove


def test_a_face_moved_to_another_rig_is_seen_at_once(scene):
    """Re-parenting (and re-targeting the Armature modifier) moves the face off the picked rig."""
    a, b = ah.two_characters()
    key(a, b)
    s = scene.dualtalk
    s.char_a, s.char_b = a.parent, b.parent
    assert "Bob_rig" in warm(scene).rows

    other = br.make_armature("Other_rig")
    b.parent = other
    b.modifiers["Armature"].object = other
    seen = draw(scene)
    assert any("Bob_rig" in t and "no mesh" in t for t in seen.labels), seen.labels
    assert "Bob_rig" not in seen.rows and "Alice_rig" in seen.rows


def test_a_new_armature_modifier_target_is_seen_at_once(scene):
    """A face picked as a mesh: its layers on the rig's bones are listed while it hangs on that rig,
    and no longer once its parent is cleared and its Armature modifier deforms it by a bare rig."""
    a, b = ah.two_characters()
    key(a, b)
    s = scene.dualtalk
    s.char_a, s.char_b = a, b
    with_rig = warm(scene).influences
    assert with_rig > 0

    world = b.matrix_world.copy()
    b.parent = None
    b.matrix_world = world
    b.modifiers["Armature"].object = br.make_armature("Bare_rig")
    seen = draw(scene)
    assert seen.influences < with_rig  # Bob's bone layers (on Bob_rig) are no longer his
    assert "Bob" in seen.rows  # his shape-key layers still are


def test_an_unparented_face_losing_its_armature_modifier_is_seen_at_once(scene):
    """A rig that deforms its face by an Armature modifier only (not parented): the face is found
    through the modifier, and removing the modifier leaves the picked rig without a face at once."""
    a, b = ah.two_characters()
    for face in (a, b):
        world = face.matrix_world.copy()
        face.parent = None
        face.matrix_world = world
    key(a, b)
    s = scene.dualtalk
    s.char_a, s.char_b = a.modifiers["Armature"].object, b.modifiers["Armature"].object
    before = warm(scene)
    assert before.labels.count(FULL) == 2 and "Bob_rig" in before.rows

    b.modifiers.remove(b.modifiers["Armature"])
    seen = draw(scene)
    assert any("Bob_rig" in t and "no mesh" in t for t in seen.labels), seen.labels
    assert "Bob_rig" not in seen.rows and "Alice_rig" in seen.rows


def test_a_mesh_bound_to_the_picked_rig_after_a_draw_becomes_its_face_at_once(scene):
    """The rig was picked before its face was bound to it (an Armature modifier added to a mesh that
    is not the rig's child: the object count does not change). Blender's update after that edit makes
    the panel look the rig up again; face keys added to a rig mesh are seen as well."""
    a, b = ah.two_characters()
    bind_bobs_face_after_a_draw(scene, a, b)


def bind_bobs_face_after_a_draw(scene, a, b) -> None:
    """The scenario above on Alice and Bob in ``scene``: Bob's rig picked while its face is not bound
    to it, drawn, then bound; the panel shows the bound face."""
    key(a, b)
    rig = b.parent
    world = b.matrix_world.copy()
    b.parent = None
    b.matrix_world = world
    b.modifiers.remove(b.modifiers["Armature"])
    s = scene.dualtalk
    s.char_a, s.char_b = a.parent, rig
    assert any("Bob_rig" in t and "no mesh" in t for t in warm(scene).labels)

    b.modifiers.new("Armature", "ARMATURE").object = rig
    bpy.context.view_layer.update()  # what Blender runs after every edit (depsgraph_update_post)
    seen = draw(scene)
    assert seen.labels.count(FULL) == 2 and "Bob_rig" in seen.rows
