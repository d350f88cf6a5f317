"""A pipeline TD runs forty shots from one layout file whose characters play the layout's take
(``demo``). Each shot re-keys that take (review 31r F8: a re-animate replaces the take that plays),
and every FBX held a clip named ``demo``: forty clips of one name in the game engine (review rv35b
F6). A shot that names no take now names its FBX's clip after itself; a ``take`` key names it."""

from __future__ import annotations

import json

from dualtalk.cli import main
from fbx_nodes import read_fbx_nodes
from test_audit_jobs import job_folder


def test_shots_from_one_layouts_take_each_get_a_clip_named_after_the_shot(tmp_path, capsys):
    folder = job_folder(tmp_path)
    layout = folder / "in" / "layout.blend"
    keyed = ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
             "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
             str(folder / "in" / "B.npz"), "--take", "demo", "--out", str(layout)]  # fmt: skip
    assert main(keyed) == 0
    spec = {
        "defaults": {"blend": "in/layout.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                     "motion_b": "in/B.npz", "fbx": True},
        "shots": [{"name": "s01_cafe", "out": "out/s01.blend"}, {"name": "s02_bus", "out": "out/s02.blend"},
                  {"name": "s03_named", "out": "out/s03.blend", "take": "hero"}],
    }  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec))
    capsys.readouterr()
    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 0
    names = [
        read_fbx_nodes(folder / "out" / f"{shot}.fbx")["clips"]
        for shot in ("s01_cafe", "s02_bus", "s03_named")
    ]
    assert names == [["s01_cafe"], ["s02_bus"], ["hero"]]
