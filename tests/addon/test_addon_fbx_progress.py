"""Export FBX blocks Blender while it samples the take (half a minute on a production pair): the
mouse cursor shows the percent done, the one thing Blender redraws meanwhile."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.operators import generate as generate_ops


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fbx_progress")
    return {
        "wav": ah.write_dialogue_wav(folder / "talk.wav", seconds=6.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


class FakeWindowManager:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def progress_begin(self, lo, hi):
        self.calls.append(("begin", lo, hi))

    def progress_update(self, value):
        self.calls.append(("update", value))

    def progress_end(self):
        self.calls.append(("end",))


def test_the_cursor_counts_up_and_is_given_back_even_when_the_export_fails():
    wm = FakeWindowManager()
    with pytest.raises(RuntimeError), generate_ops.CursorProgress(wm) as progress:
        for fraction in (0.0, 0.004, 0.25, 0.251, 0.5, 1.2):
            progress.update("fbx", fraction, "sampling")
        raise RuntimeError("the exporter failed")
    assert wm.calls == [
        ("begin", 0, 100),
        ("update", 0),
        ("update", 25),
        ("update", 50),
        ("update", 100),
        ("end",),
    ]


def test_export_fbx_reports_its_frames_while_it_samples(scene, assets, tmp_path, monkeypatch):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    from dualtalk.dualtalk_blender.scene import fbx_bake

    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", 20)  # a short take: a line every 20 sampled frames
    heard: list[float] = []
    real = generate_ops.CursorProgress.update
    monkeypatch.setattr(
        generate_ops.CursorProgress,
        "update",
        lambda self, stage, f, m="": heard.append(f) or real(self, stage, f, m),
    )
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        assert bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.fbx")) == {"FINISHED"}
    assert len(heard) >= 2 and heard == sorted(heard) and heard[-1] > 0.5
