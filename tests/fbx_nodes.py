"""An FBX file's nodes read back with ufbx, an independent reader (never Blender reading its own
output): each top-level node with the names under it and how many bones, the clips (animation
stacks) and the meshes. For the tests of one file per character, from the panel and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# ufbx's Python objects borrow memory from the loaded scene: read in a process of its own that keeps
# every object alive and exits without clean-up (as tests/scene/test_fbx_clip_for_game_engines.py)
NODES = r"""
import json, os, sys
import ufbx
scene = ufbx.load_file(sys.argv[1])
keep, tops = [], {}
root = scene.root_node
for i in range(len(root.children)):
    top = root.children[i]
    keep.append(top)
    todo, names, bones = [top], [], 0
    while todo:
        node = todo.pop()
        keep.append(node)
        names.append(node.name)
        bones += node.bone is not None
        todo.extend(node.children[j] for j in range(len(node.children)))
    tops[top.name] = {"names": names, "bones": bones}
stacks = [scene.anim_stacks[i].name for i in range(len(scene.anim_stacks))]
meshes = [scene.meshes[i].name for i in range(len(scene.meshes))]
sys.stdout.write(json.dumps({"tops": tops, "clips": stacks, "meshes": meshes}))
sys.stdout.flush()
os._exit(0)
"""


def read_fbx_nodes(path: Path) -> dict:
    pytest.importorskip("ufbx")
    proc = subprocess.run(
        [sys.executable, "-c", NODES, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)
