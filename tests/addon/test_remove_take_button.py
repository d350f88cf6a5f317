"""The panel's Remove Take button, drawn without a window: greyed out until a chosen character carries
a take and while a generation runs; through ``bpy.ops`` it asks first (naming what goes), removes the
take in one step, says so on the status line, and refuses in one line when there is nothing to remove."""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.inference.core.motion import Motion
from dualtalk.operators.remove_take import DUALTALK_OT_remove_take
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_addon_panel import FakeLayout


class EnabledLayout(FakeLayout):
    """Also records whether each operator is drawn enabled (its row's ``enabled``)."""

    def _child(self, *a, **k):
        return EnabledLayout(self.log)

    box = row = column = _child

    def operator(self, idname, **kw):
        super().operator(idname, **kw)
        self.log.append(("enabled", idname, self.enabled))
        return SimpleNamespace()


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def button(scene) -> bool | None:
    """Whether Remove Take is drawn enabled (None: not drawn)."""
    layout = EnabledLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    states = [entry[2] for entry in layout.log if entry[:2] == ("enabled", "dualtalk.remove_take")]
    return states[0] if states else None


def keyed(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(a, b, m, m, ApplyOptions(undo_push=False))
    return a, b


def test_the_button_sits_with_the_take_controls_and_is_enabled_only_over_a_take(scene, monkeypatch):
    assert button(scene) is False  # no characters chosen
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    assert button(scene) is False  # chosen, no take yet
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(a, b, m, m, ApplyOptions(undo_push=False))
    assert button(scene) is True

    log = EnabledLayout()
    DUALTALK_PT_main.draw(
        SimpleNamespace(layout=log), SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    )
    ops = [t for kind, t, *_ in log.log if kind == "operator"]
    assert ops.index("dualtalk.remove_take") == ops.index("dualtalk.apply_take") + 1

    monkeypatch.setattr(ui_run, "ACTIVE", SimpleNamespace(running=True))  # a generation runs
    assert button(scene) is False
    assert not bpy.ops.dualtalk.remove_take.poll()


def test_remove_take_through_bpy_ops_removes_the_take_and_reports_it(scene):
    a, b = keyed(scene)
    assert DUALTALK_OT_remove_take.bl_options >= {"REGISTER", "UNDO"}  # Ctrl+Z brings the take back

    assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}

    assert not [x for x in bpy.data.actions if is_ours(x)]
    assert not layers.character_layers(layers.character_idblocks(a) + layers.character_idblocks(b))
    last = bpy.context.window_manager.dualtalk_status.last
    assert last == "DualTalk: removed take 'take' from Alice and Bob: 12 tracks, 10 actions, 0 markers"
    assert button(scene) is False


def test_one_character_at_a_time(scene):
    a, b = keyed(scene)
    assert bpy.ops.dualtalk.remove_take(character="B") == {"FINISHED"}
    assert layers.character_layers(layers.character_idblocks(a))
    assert not layers.character_layers(layers.character_idblocks(b))
    assert bpy.context.window_manager.dualtalk_status.last.startswith(
        "DualTalk: removed take 'take' from Bob:"
    )
    assert button(scene) is True  # Alice still carries hers
    with pytest.raises(RuntimeError, match="Bob carries no DualTalk take; there is nothing to remove"):
        bpy.ops.dualtalk.remove_take(character="B")
    assert layers.character_layers(layers.character_idblocks(a))  # the refusal changed nothing


def test_nothing_to_remove_is_refused_in_one_line(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    with pytest.raises(RuntimeError, match="neither Alice nor Bob carries a DualTalk take"):
        bpy.ops.dualtalk.remove_take()
    last = bpy.context.window_manager.dualtalk_status.last
    assert last == "DualTalk: neither Alice nor Bob carries a DualTalk take; there is nothing to remove"


def test_the_confirmation_names_what_will_be_removed(scene):
    keyed(scene)
    asked = {}

    def invoke_confirm(op, event, **kw):
        asked.update(kw)
        return {"RUNNING_MODAL"}

    op = SimpleNamespace(character="BOTH", _objects=lambda ctx: DUALTALK_OT_remove_take._objects(op, ctx))
    ctx = SimpleNamespace(scene=scene, window_manager=SimpleNamespace(invoke_confirm=invoke_confirm))
    assert DUALTALK_OT_remove_take.invoke(op, ctx, None) == {"RUNNING_MODAL"}
    assert asked["title"] == "Remove Take" and asked["confirm_text"] == "Remove"
    assert asked["message"] == (
        "Remove take 'take' from Alice and Bob: 12 tracks, 10 actions, 0 markers. "
        "Your own tracks, actions and keys stay."
    )
    assert [x for x in bpy.data.actions if is_ours(x)]  # asking removed nothing


def test_a_bug_while_removing_is_one_line_not_a_traceback(scene, monkeypatch):
    """Whatever goes wrong inside, the animator reads one line that says where the details are."""
    from dualtalk.dualtalk_blender.scene import remove_take

    keyed(scene)

    def broken(*_args, **_kwargs):
        raise KeyError("Key.001")

    monkeypatch.setattr(remove_take, "remove_take", broken)
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.remove_take()
    said = str(err.value).strip()
    assert said == (
        "Error: DualTalk: Remove Take stopped by an internal error (KeyError: 'Key.001'); details in the "
        "system console, Ctrl+Z undoes what it did"
    ), said
    assert bpy.context.window_manager.dualtalk_status.last == said.removeprefix("Error: ")
