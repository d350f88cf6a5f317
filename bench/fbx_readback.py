"""Read an FBX back with ufbx (an independent reader), frame by frame, for checks and benches.

ufbx's Python objects borrow memory from the loaded scene and may crash when freed out of
order, so the reading runs in a child process that reports JSON and exits without cleanup.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

_DUMP = r"""
import json, os, sys
import ufbx
path, fps, first, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
scene = ufbx.load_file(path)
anim = scene.anim
times = [(first + k) / fps for k in range(n)]
out = {"nodes": {}, "shapes": {}}
nodes = scene.nodes
for i in range(len(nodes)):
    node = nodes[i]
    if node.is_root:
        continue
    rows = []
    for t in times:
        tr = ufbx.evaluate_transform(anim, node, t)
        rows.append([tr.translation.x, tr.translation.y, tr.translation.z,
                     tr.rotation.x, tr.rotation.y, tr.rotation.z, tr.rotation.w,
                     tr.scale.x, tr.scale.y, tr.scale.z])
        del tr
    name = node.name
    seen = sum(1 for k in out["nodes"] if k.split("/", 1)[1] == name)
    out["nodes"][f"{seen}/{name}"] = rows  # the same bone names appear once per character
    del node
deformers = scene.blend_deformers
for d in range(len(deformers)):
    deformer = deformers[d]
    channels = deformer.channels
    for j in range(len(channels)):
        ch = channels[j]
        out["shapes"][f"{deformer.name}/{ch.name}"] = [ufbx.evaluate_blend_weight(anim, ch, t) for t in times]
        del ch
    del channels, deformer
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def read_fbx(path: str | os.PathLike[str], fps: float, frames: int, first: int = 1) -> dict[str, dict]:
    """{"nodes": {"k/name": (frames, 10) T xyz, R xyzw, S xyz}, "shapes": {"mesh/key": (frames,)}}.

    Values are sampled at Blender frames ``first .. first + frames - 1`` (FBX time = frame / fps).
    """
    proc = subprocess.run(
        [sys.executable, "-c", _DUMP, str(Path(path)), str(fps), str(first), str(frames)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"ufbx could not read {path}: {proc.stderr[-500:]}")
    data = json.loads(proc.stdout)
    return {
        "nodes": {k: np.array(v) for k, v in data["nodes"].items()},
        "shapes": {k: np.array(v) for k, v in data["shapes"].items()},
    }


def max_difference(a: dict[str, dict], b: dict[str, dict]) -> float:
    """Largest difference of any node transform or blend weight present in both reads."""
    worst = 0.0
    for kind in ("nodes", "shapes"):
        for name in a[kind].keys() & b[kind].keys():
            worst = max(worst, float(np.abs(a[kind][name] - b[kind][name]).max()))
    return worst
