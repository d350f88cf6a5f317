"""A long take's FBX export says how far it is: the audit's 60-minute export was 72 s of silence.

The exporter samples every frame of the scene's range; ``export_fbx(progress=...)`` reports every
``fbx_bake.REPORT_EVERY`` frames, and a cancel asked meanwhile leaves no file.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import fbx_bake
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.core.progress import Recorder

FRAMES = 120

pytestmark = pytest.mark.usefixtures("fresh_scene")


def characters():
    rng = np.random.default_rng(0)
    a = br.make_character("Ann")
    b = br.make_character("Bob", location=(1.0, 0, 0))
    motions = [Motion("arkit55", rng.uniform(0, 0.3, (FRAMES, 55)).astype(np.float32)) for _ in range(2)]
    apply_dialogue(a, b, *motions, ApplyOptions(frame_range="fit"))
    return a, b


def test_the_export_reports_the_frames_it_samples(tmp_path, monkeypatch):
    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", 20)
    a, b = characters()
    rec = Recorder()
    path = export_fbx([a, b], tmp_path / "take.fbx", progress=rec)
    assert path.stat().st_size > 10_000
    lines = [(f, m) for stage, f, m in rec.events if stage == "fbx"]
    assert len(lines) >= 4, rec.events
    assert all("sampling frame" in m and m.endswith(f"/{FRAMES}") for _f, m in lines)
    assert [f for f, _m in lines] == sorted(f for f, _m in lines) and 0 < lines[-1][0] < 1
    assert not bpy.app.handlers.frame_change_post  # the listener is gone


def test_a_cancel_during_the_export_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", 20)
    a, b = characters()
    rec = Recorder()
    real = rec.update

    def cancel_midway(stage, fraction, message=""):
        if stage == "fbx" and fraction > 0.3:
            rec.cancel()
        real(stage, fraction, message)

    rec.update = cancel_midway
    with pytest.raises(CancelledError):
        export_fbx([a, b], tmp_path / "take.fbx", progress=rec)
    assert list(tmp_path.iterdir()) == []
