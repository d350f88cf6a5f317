"""A cancel during a long take's FBX export is heard at once, not when the exporter has finished.

Review 31l F1: Ctrl-C 4 s into the FBX stage of a 10-minute take was heard 18.5 s later, after the
exporter had sampled every remaining frame (Blender swallows what a frame handler raises). Now the
bake ends at the next frame once a cancel is known, the scene is as it was, and no file is left.
Counted in frames sampled after the cancel, not in seconds.
"""

from __future__ import annotations

import signal

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import fbx_bake
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core import interrupts
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.core.progress import Recorder

FRAMES = 600
CANCEL_AT = 40  # frames sampled when the cancel comes

pytestmark = pytest.mark.usefixtures("fresh_scene")


def characters():
    rng = np.random.default_rng(0)
    a = br.make_character("Ann")
    b = br.make_character("Bob", location=(1.0, 0, 0))
    motions = [Motion("arkit55", rng.uniform(0, 0.3, (FRAMES, 55)).astype(np.float32)) for _ in range(2)]
    apply_dialogue(a, b, *motions, ApplyOptions(frame_range="fit"))
    return a, b


def the_scene():
    """Everything a cancelled export must leave as it found it."""
    scene = bpy.context.scene
    keys = {}
    for action in bpy.data.actions:
        for layer in action.layers:
            for strip in layer.strips:
                for bag in strip.channelbags:
                    for fc in bag.fcurves:
                        co = np.empty(2 * len(fc.keyframe_points))
                        fc.keyframe_points.foreach_get("co", co)
                        keys[(action.name, fc.data_path, fc.array_index)] = (fc.mute, co.tobytes())
    tracks = {
        (idb.name, t.name): (
            t.mute,
            [(s.name, s.mute, s.action.name if s.action else None) for s in t.strips],
        )
        for idb in [*bpy.data.objects, *bpy.data.shape_keys]
        if idb.animation_data is not None
        for t in idb.animation_data.nla_tracks
    }
    muted = {(k.name, kb.name): kb.mute for k in bpy.data.shape_keys for kb in k.key_blocks}
    return {
        "frame": scene.frame_current,
        "keys": keys,
        "tracks": tracks,
        "muted": muted,
        "objects": sorted(o.name for o in bpy.data.objects),
        "meshes": sorted(m.name for m in bpy.data.meshes),
        "hidden": {o.name: (o.hide_viewport, o.hide_get()) for o in scene.objects},
    }


class FrameCounter:
    """Counts the frames the exporter samples (a frame-change handler, as the exporter's own)."""

    def __init__(self) -> None:
        self.frames = 0
        self.at_cancel: int | None = None

    def __call__(self, scene, depsgraph=None) -> None:
        self.frames += 1

    def after_cancel(self) -> int:
        assert self.at_cancel is not None, "the cancel never came"
        return self.frames - self.at_cancel

    def __enter__(self):
        bpy.app.handlers.frame_change_post.append(self)
        return self

    def __exit__(self, *exc) -> None:
        bpy.app.handlers.frame_change_post.remove(self)


def test_a_cancel_from_the_progress_ends_the_export_within_a_frame(tmp_path, monkeypatch):
    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", CANCEL_AT)
    a, b = characters()
    bpy.context.scene.frame_set(7)
    before = the_scene()
    rec = Recorder()
    real = rec.update

    with FrameCounter() as counter:

        def cancel_at_the_first_line(stage, fraction, message=""):
            if stage == "fbx" and counter.at_cancel is None:
                counter.at_cancel = counter.frames
                rec.cancel()
            real(stage, fraction, message)

        rec.update = cancel_at_the_first_line
        with pytest.raises(CancelledError):
            export_fbx([a, b], tmp_path / "take.fbx", progress=rec)

    assert counter.after_cancel() <= 2, f"{counter.after_cancel()} frames sampled after the cancel"
    assert list(tmp_path.iterdir()) == []
    assert the_scene() == before
    assert not bpy.app.handlers.frame_change_post  # the listener is gone


def test_ctrl_c_inside_blenders_frame_handler_ends_the_export_within_a_frame(tmp_path):
    """The review's case: the Ctrl-C lands in Python that Blender runs on a frame change and swallows;
    the run's signal handlers remember it, and the bake stops there (no progress listener needed)."""
    a, b = characters()
    before = the_scene()

    class CtrlC(FrameCounter):
        def __call__(self, scene, depsgraph=None) -> None:
            super().__call__(scene, depsgraph)
            if self.frames == CANCEL_AT:
                self.at_cancel = self.frames
                signal.raise_signal(signal.SIGINT)  # raised here, inside Blender's handler call

    with interrupts.handle_signals(), CtrlC() as counter, pytest.raises(KeyboardInterrupt):
        export_fbx([a, b], tmp_path / "take.fbx")

    assert counter.after_cancel() <= 2, f"{counter.after_cancel()} frames sampled after Ctrl-C"
    assert list(tmp_path.iterdir()) == []
    assert the_scene() == before
