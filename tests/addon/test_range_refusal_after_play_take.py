"""An animator compares two takes: 'one' made as recorded, 'two' with Swap A/B on; Play Take puts 'one'
back, and the panel still has Swap A/B on. Re-generate Preview Range then refuses (the range would
hear the voices the other way round), and its line now names the one click that fixes it, Use Take's
Settings, which sets the panel from the take that plays (review 31a, finding 6)."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest

SWAP_REFUSAL = (
    "DualTalk: Re-generate Preview Range (frames 20-30): the take was made from talk.wav from 0.00 s to "
    "2.00 s, but Swap A/B is on; choose the same Audio and Start/End, with Swap A/B off (Use Take's "
    "Settings sets them from the take)"
)


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def run(scene, op: str, **kw) -> str:
    with bpy.context.temp_override(scene=scene):
        assert getattr(bpy.ops.dualtalk, op)(**kw) == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def test_after_play_take_the_range_refusal_names_use_takes_settings(scene, tmp_path):
    scene.render.fps = 25
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=2.0)
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, wav, ah.write_tiny_lite(tmp_path / "lite.pt"))
    s = scene.dualtalk
    s.take_name = "one"
    run(scene, "generate")
    s.take_name, s.swap = "two", True
    run(scene, "generate")
    run(scene, "play_take", take="one")
    assert s.swap  # Play Take leaves the panel as it was
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 20, 30

    with pytest.raises(RuntimeError) as refused:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.regenerate_range()
    assert str(refused.value).strip() == f"Error: {SWAP_REFUSAL}"

    run(scene, "use_take_settings")  # the button the line names
    assert not s.swap
    assert run(scene, "regenerate_range").startswith("DualTalk: re-generated frames 20-30")
