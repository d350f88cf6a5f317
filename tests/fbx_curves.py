"""An FBX file's animation curves read back with ufbx, an independent reader (never Blender reading its
own output): for each curve, how many keys it holds and the value it plays on every frame. For the
tests of what reduced keys write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# ufbx's Python objects borrow memory from the loaded scene: read in a process of its own that keeps
# every object alive and exits without clean-up (as fbx_nodes.py)
CURVES = r"""
import json, os, sys
import ufbx
path, fps, first, last = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
scene = ufbx.load_file(path)
keep, out = [scene], {}
layer = scene.anim_layers[0]
props = layer.anim_props
for i in range(len(props)):
    prop = props[i]
    element, value = prop.element, prop.anim_value
    keep += [prop, element, value]
    for axis in range(3):
        curve = value.curves[axis]
        if curve is None:
            continue
        keep.append(curve)
        name = f"{element.element_id} {element.type.name} {element.name} {prop.prop_name} {axis}"
        out[name] = {
            "keys": len(curve.keyframes),
            "values": [curve.evaluate(f / fps, 0.0) for f in range(first, last + 1)],
        }
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def read_fbx_curves(path: Path, fps: float, first: int, last: int) -> dict[str, dict]:
    """``{"<id> <TYPE> <element> <property> <axis>": {"keys": n, "values": array on frames first..last}}``;
    a shape key's curve is ``BLEND_CHANNEL <key name> DeformPercent 0`` (0-100), a bone's rotation
    ``NODE <bone> Lcl Rotation <axis>`` (Euler degrees)."""
    pytest.importorskip("ufbx")
    proc = subprocess.run(
        [sys.executable, "-c", CURVES, str(path), str(fps), str(first), str(last)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    curves = json.loads(proc.stdout)
    for curve in curves.values():
        curve["values"] = np.asarray(curve["values"], dtype=np.float64)
    return curves
