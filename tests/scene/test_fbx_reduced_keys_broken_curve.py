"""A reduced take where one curve plays a NaN somewhere (a pipeline script keyed a bad value, a driver
went wrong) still exports. Its every-frame FBX always did (the NaN written as it plays); the reduced
one stopped with "Blender's FBX exporter failed" and wrote nothing: a NaN has no bound to thin within.
Now that curve keeps every frame, as sampled, and every other curve is reduced as before."""

from __future__ import annotations

import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from fbx_curves import read_fbx_curves
from test_fbx_reduced_keys import FRAMES, animate, shape_curves


def test_a_curve_with_a_nan_keeps_every_frame_and_the_rest_stays_reduced(tmp_path, capsys):
    blend, _ = animate(tmp_path, capsys, "reduced")
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    jaw = bpy.data.objects["Ann"].data.shape_keys.key_blocks["jawOpen"]
    jaw.value = float("nan")
    jaw.keyframe_insert("value", frame=50)  # a NaN key on the layer over the take

    path = export_fbx(
        [bpy.data.objects["Ann"], bpy.data.objects["Bob"]], tmp_path / "with_nan.fbx"
    )  # before: failed

    got = read_fbx_curves(path, 25, 1, FRAMES)
    broken = shape_curves(got, "jawOpen")
    anns = [c for name, c in broken.items() if np.isnan(c["values"]).any()]
    assert anns and all(c["keys"] == FRAMES for c in anns)  # every frame, as it plays
    others = [c["keys"] for name, c in shape_curves(got).items() if not np.isnan(c["values"]).any()]
    assert others and np.mean(others) < FRAMES / 4  # still reduced
