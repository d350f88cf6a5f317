"""An animator deleted Bob's *DualTalk eyes* NLA track (to drop his blinks), set a preview range and
pressed Re-generate Preview Range. Before, the worker ran the engine first, then the keying refused
("there is no DualTalk eyes layer ...; animate the whole take first") and added "the take is kept: fix
that, then run bpy.ops.dualtalk.apply_take(directory=...)": after the fix (a new take) that kept range
is refused, and its folder stayed in the temp folder. The layers and curves a range writes are now
checked before the worker starts: one line, no advice that cannot work, nothing kept."""

from __future__ import annotations

import tempfile
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run

LINE = (
    "DualTalk: there is no DualTalk eyes layer on the shape keys of 'Bob' to re-generate a range in; "
    "animate the whole take first"
)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("range_ready")
    return {
        "wav": ah.write_dialogue_wav(folder / "talk.wav", seconds=3.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def _kept() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("dualtalk_take_*"))


def test_a_deleted_layer_is_refused_before_the_worker_starts_and_nothing_is_kept(scene, assets, monkeypatch):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    tracks = b.data.shape_keys.animation_data.nla_tracks
    tracks.remove(tracks["DualTalk eyes"])
    started = []
    monkeypatch.setattr(ui_run.GenerationRun, "start", lambda self: started.append(self))
    before = _kept()
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 20, 40
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.regenerate_range()
    assert str(refused.value).strip() == f"Error: {LINE}", refused.value
    assert not started  # the engine never ran
    assert _kept() == before


def test_a_range_refused_while_keying_for_a_missing_layer_keeps_nothing(tmp_path):
    """The check at keying time stays (a track deleted while the worker ran): its line has no
    'the take is kept' advice, since only a new take fixes it and a kept range is not for that take."""
    run = ui_run.GenerationRun.__new__(ui_run.GenerationRun)
    run.frame_range = (20, 40)
    assert run._never_keyable(LINE.removeprefix("DualTalk: "))
    assert not run._never_keyable(
        "the NLA of the shape keys of 'Bob' is in tweak mode; leave it and try again"
    )
    run.frame_range = None  # a whole take refused while keying is kept: a fixed scene can key it
    assert not run._never_keyable(LINE.removeprefix("DualTalk: "))
