"""The animator deletes Alice's eyeBlinkLeft and jawOpen after the take (Shape Keys panel, '-') and
renames her eyeBlinkRight. The take's curves for the deleted keys move nothing, and Generate would no
longer key them; the panel says so under its line while it is so, once per character, as Generate
says of a renamed key that it is missing. The renamed key is not called deleted, and Bob, whose keys
are all there, gets no line. Put back with Ctrl+Z, the line goes (review rv42a, noted: only the
picker's "50/52 ARKit keys" showed the deletion).
"""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import bpy
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_addon_panel import FakeLayout


def _labels(scene) -> list[str]:
    layout = FakeLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return [text for kind, text, *_ in layout.log if kind == "label"]


def test_a_shape_key_deleted_after_the_take_is_named_in_the_panel_until_it_is_back(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    assert bpy.ops.dualtalk.apply_take(directory=str(ah.write_two_second_take(tmp_path / "take"))) == {
        "FINISHED"
    }
    assert not any("deleted since the take" in t for t in _labels(scene))
    bpy.ops.ed.undo_push(message="Apply Take")

    keys = alice.data.shape_keys.key_blocks
    keys["eyeBlinkRight"].name = "Blink_R"  # renamed: Blender renames the take's curve with it
    for name in ("eyeBlinkLeft", "jawOpen"):
        alice.shape_key_remove(keys[name])
    bpy.ops.ed.undo_push(message="Delete Shape Keys")

    drawn = " ".join(_labels(scene))  # the panel's labels: its lines, broken between words
    assert drawn.count("since the take") == 1, drawn  # Alice only, one line
    assert (
        "Alice: the shape keys jawOpen and eyeBlinkLeft are missing (deleted since the take): the "
        "take's keys for them move nothing and Generate no longer keys them; add them back under those "
        "names (Ctrl+Z) to animate them again"
    ) in drawn, drawn
    assert "Blink_R" not in drawn and "eyeBlinkRight" not in drawn, drawn

    bpy.ops.ed.undo()  # the keys back
    assert not any("deleted since the take" in t for t in _labels(bpy.context.scene))
