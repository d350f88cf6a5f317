"""``animate`` with a map per character: a studio's custom hero (A) beside a stock ARKit character (B).

``--map`` keyed both characters with one map, so the hero's map was refused on B ("none of the 52
shape keys/bones in map ... exist on 'Bob'") and the shot could not be made in one run. ``--map-a`` /
``--map-b`` (shot keys ``map_a`` / ``map_b``) give one character its own map; the other keeps
``--map``, else the preset (review 27c, F6). Once the scene is open, the shot reads each map file
once (``--map`` for both characters too) and a map of B that went bad after the shot was checked is
refused as B's (review 28).
"""

from __future__ import annotations

import json
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import apply as apply_mod
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, save_motion

FRAMES = 20


def hero_map(folder: Path, prefix: str) -> Path:
    path = folder / f"{prefix.lower().strip('_')}_map.json"
    path.write_text(json.dumps({"map": {k: prefix + k for k in ARKIT52}, "head": prefix + "head"}))
    return path


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> Path:
    """scene.blend: Hero (keys and head bone named ``Hero_`` + ARKit), Rival (``Rival_``), Bob and Cleo
    (ARKit); both takes' motion files and the two studio maps beside it."""
    folder = tmp_path_factory.mktemp("shot")
    br.reset()
    bpy.context.scene.render.fps = 25
    br.make_character("Hero", ["Hero_" + k for k in ARKIT52], head="Hero_head")
    br.make_character("Rival", ["Rival_" + k for k in ARKIT52], head="Rival_head", location=(2.0, 0.0, 0.0))
    br.make_character("Bob", location=(1.0, -1.0, 0.0))
    br.make_character("Cleo", location=(-1.0, -1.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(folder / "scene.blend"))
    for role in "AB":
        v = np.zeros((FRAMES, 55), np.float32)
        v[:, ARKIT52.index("jawOpen")] = 0.5
        save_motion(folder / f"{role}.npz", Motion("arkit55", v, role=role))
    hero_map(folder, "Hero_")
    hero_map(folder, "Rival_")
    return folder


def animate(folder: Path, out: Path, a: str, b: str, *flags: str) -> int:
    return main(["animate", "--quiet", "--blend", str(folder / "scene.blend"), "--char-a", a, "--char-b", b,
                 "--motion-a", str(folder / "A.npz"), "--motion-b", str(folder / "B.npz"),
                 "--out", str(out), *flags])  # fmt: skip


def jaw(blend: Path, name: str, key: str) -> float:
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    obj = bpy.data.objects[name]
    bpy.context.scene.frame_set(bpy.context.scene.frame_start + 5)
    return float(obj.data.shape_keys.key_blocks[key].value)


def test_map_a_keys_the_custom_hero_and_b_by_auto_detect(shot, tmp_path, capsys):
    out = tmp_path / "o.blend"
    assert animate(shot, out, "Hero", "Bob", "--map-a", str(shot / "hero_map.json")) == 0, (
        capsys.readouterr().err
    )
    assert jaw(out, "Hero", "Hero_jawOpen") > 0.4
    assert jaw(out, "Bob", "jawOpen") > 0.4


def test_map_a_and_map_b_key_two_custom_rigs(shot, tmp_path, capsys):
    out = tmp_path / "o.blend"
    flags = ("--map-a", str(shot / "hero_map.json"), "--map-b", str(shot / "rival_map.json"))
    assert animate(shot, out, "Hero", "Rival", *flags) == 0, capsys.readouterr().err
    assert jaw(out, "Hero", "Hero_jawOpen") > 0.4
    assert jaw(out, "Rival", "Rival_jawOpen") > 0.4


def test_a_shot_file_gives_a_character_its_own_map(shot, tmp_path, capsys):
    jobs = tmp_path / "job"
    jobs.mkdir()
    for name in ("scene.blend", "A.npz", "B.npz", "hero_map.json"):
        (jobs / name).write_bytes((shot / name).read_bytes())
    spec = {
        "defaults": {"blend": "scene.blend", "motion_a": "A.npz", "motion_b": "B.npz"},
        "shots": [
            {"name": "s1", "out": "out/s1.blend", "char_a": "Hero", "char_b": "Bob", "map_a": "hero_map.json"}
        ],
    }
    (jobs / "shots.json").write_text(json.dumps(spec))
    assert main(["animate", "--quiet", "--job", str(jobs / "shots.json")]) == 0, capsys.readouterr().err
    assert jaw(jobs / "out" / "s1.blend", "Hero", "Hero_jawOpen") > 0.4
    assert jaw(jobs / "out" / "s1.blend", "Bob", "jawOpen") > 0.4


def test_a_bad_map_b_file_is_one_line_naming_map_b(shot, tmp_path, capsys):
    bad = tmp_path / "rival_map.json"
    bad.write_text('{"map": {"jawopen": "Rival_jawOpen"}}')
    before = sha256_file(shot / "scene.blend")
    out = tmp_path / "o.blend"
    rc = animate(shot, out, "Hero", "Rival", "--map-a", str(shot / "hero_map.json"), "--map-b", str(bad))
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith("error: --map-b: mapping: 'jawopen' is not a channel"), err
    assert "did you mean 'jawOpen'" in err
    rc = animate(shot, out, "Hero", "Rival", "--map-b", str(tmp_path / "gone.json"))
    assert rc == 2
    assert capsys.readouterr().err.strip() == f"error: --map-b file not found: {tmp_path / 'gone.json'}"
    assert sha256_file(shot / "scene.blend") == before and not out.exists()


def test_one_map_for_both_characters_is_read_once_when_the_scene_is_open(shot, tmp_path, capsys, monkeypatch):
    """Bob and Cleo share the studio's ARKit map (``--map``): the shot reads it once to inspect both
    (it read it once per character)."""
    stock = tmp_path / "stock_map.json"
    stock.write_text(json.dumps({"map": {k: k for k in ARKIT52}, "head": "head"}))
    reads: list[str] = []
    real = apply_mod.load_mapping
    monkeypatch.setattr(apply_mod, "load_mapping", lambda path: reads.append(Path(path).name) or real(path))
    out = tmp_path / "o.blend"
    assert animate(shot, out, "Bob", "Cleo", "--map", str(stock)) == 0, capsys.readouterr().err
    assert reads == ["stock_map.json"]
    assert jaw(out, "Bob", "jawOpen") > 0.4
    assert jaw(out, "Cleo", "jawOpen") > 0.4


def test_a_map_of_b_saved_with_a_typo_while_the_scene_opens_is_one_line_naming_b(shot, tmp_path, capsys):
    """The rigger saves Rival's map with a typo just as ``animate`` opens the scene (after the shot
    was checked): the refusal names B's map, the file to fix, and nothing is written."""
    rival = tmp_path / "rival_map.json"
    rival.write_bytes((shot / "rival_map.json").read_bytes())

    @bpy.app.handlers.persistent
    def typo_saved(*_args) -> None:
        rival.write_text('{"map": {"jawopen": "Rival_jawOpen"}}')

    bpy.app.handlers.load_post.append(typo_saved)
    out = tmp_path / "o.blend"
    try:
        rc = animate(
            shot, out, "Hero", "Rival", "--map-a", str(shot / "hero_map.json"), "--map-b", str(rival)
        )
    finally:
        bpy.app.handlers.load_post.remove(typo_saved)
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert "\n" not in err
    assert err.startswith("error: custom map of B: mapping: 'jawopen' is not a channel"), err
    assert not out.exists()
