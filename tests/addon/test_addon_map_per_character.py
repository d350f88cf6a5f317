"""The panel with a map per character: the studio's custom hero (Alice, keys and head bone named
``Hero_`` + the ARKit name) beside a stock ARKit Bob.

The panel's one Map file keyed both characters, so the hero's map was refused on Bob and the pair
could not be keyed in one Generate. Each picker now has its own map file (A's map file, B's map
file) under it, used instead of the shared Map file for that character alone; the picker's rig line
says so, Apply Saved Take keys and records it, Save As keeps it naming the same file, and a take
kept before (one map for both) keys as it was made (review 27c, F6).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon.ui_run import abspath
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.panels.main_panel import DUALTALK_PT_main


def studio_map(path: Path, prefix: str = "Hero_") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"map": {k: prefix + k for k in ARKIT52}, "head": prefix + "head"}))
    return path


def hero_and_bob():
    alice = br.make_character(
        "Alice", ["Hero_" + k for k in ARKIT52], head="Hero_head", location=(-0.5, 0, 0)
    )
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    return alice, bob


class Layout:
    """A panel's layout without a window: labels and drawn properties are kept."""

    def __init__(self, log: list) -> None:
        self.log = log

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def label(self, text="", **kwargs):
        self.log.append(("label", text))

    def prop(self, data, name, **kwargs):
        assert name in data.bl_rna.properties, name
        self.log.append(("prop", name))


def draw(scene) -> list:
    log: list = []
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=Layout(log)), ctx)
    return log


def kept_take(folder: Path, wav: Path, origin: dict | None = None) -> Path:
    """A 2 s take of Alice and Bob kept in ``folder``; ``origin``: where and how it was made."""
    ah.write_two_second_take(folder)
    kept = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)], **(origin or {})}
    (folder / "result.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder


def apply_take(folder: Path, settings: str = "AS_MADE") -> str:
    assert bpy.ops.dualtalk.apply_take(directory=str(folder), settings=settings) == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def jaw(obj, key: str) -> float:
    return float(br.played(obj, key, [10])[0])


def test_each_picker_has_its_map_file_and_its_rig_line_says_custom_map_for_that_character_only(
    scene, tmp_path
):
    alice, bob = hero_and_bob()
    s = scene.dualtalk
    s.char_a, s.char_b = alice, bob
    s.map_a = str(studio_map(tmp_path / "hero.json"))
    log = draw(scene)
    drawn = [name for kind, name in log if kind == "prop"]
    # each under its picker (a rig with an armature also shows its up axis there: session 41's panel)
    assert drawn[:6] == ["char_a", "map_a", "up_axis_a", "char_b", "map_b", "up_axis_b"]
    assert "map" in drawn  # the shared one stays, for both characters
    lines = [text for kind, text in log if kind == "label"]
    assert [t for t in lines if t.startswith("custom map")] == [
        "custom map: 52/52 targets, head bone: Hero_head"
    ]
    assert "52/52 ARKit keys, head bone: head" in lines  # Bob: auto-detected


def test_apply_saved_take_keys_the_hero_with_its_map_and_bob_by_auto_detect(scene, assets, tmp_path):
    alice, bob = hero_and_bob()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.map_a = str(studio_map(tmp_path / "hero.json"))
    line = apply_take(kept_take(tmp_path / "take", assets["wav"]), "PANEL")
    assert line.startswith("DualTalk: animated"), line
    assert jaw(alice, "Hero_jawOpen") > 0.05 and jaw(bob, "jawOpen") > 0.05, line


def test_a_take_records_each_characters_map_and_keys_with_it_as_made(scene, assets, tmp_path):
    alice, bob = hero_and_bob()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.map_a = str(studio_map(tmp_path / "hero.json"))
    origin = ah.recorded_settings(scene)
    assert origin["scene_options"]["map_a"] == s.map_a and origin["scene_options"]["map_b"] is None
    take = kept_take(tmp_path / "take", assets["wav"], origin)
    s.map_a = ""  # the next shot's panel
    line = apply_take(take)
    assert "A's map file hero.json (the panel has none)" in line, line
    assert jaw(alice, "Hero_jawOpen") > 0.05 and jaw(bob, "jawOpen") > 0.05


def test_a_take_kept_before_maps_per_character_keys_as_made_with_its_one_map(scene, assets, tmp_path):
    """Its record has ``map`` (both characters') and no map_a/map_b: the panel's B's map file, set for
    the next shot, is not used on it; the line says so."""
    hero = br.make_character("Alice", ["Hero_" + k for k in ARKIT52], head="Hero_head", location=(-0.5, 0, 0))
    twin = br.make_character("Bob", ["Hero_" + k for k in ARKIT52], head="Hero_head", location=(0.5, 0, 0))
    ah.setup_panel(scene, hero, twin, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.map = str(studio_map(tmp_path / "hero.json"))
    origin = ah.recorded_settings(scene)
    for name in ("map_a", "map_b"):  # as an older DualTalk recorded it
        del origin["scene_options"][name]
    take = kept_take(tmp_path / "take", assets["wav"], origin)
    s.map, s.map_b = "", str(studio_map(tmp_path / "rival.json", "Rival_"))  # the next shot's

    line = apply_take(take)

    assert "map file hero.json (the panel has none)" in line, line
    assert "B's map file none (the panel has rival.json)" in line, line
    assert "does not record" not in line, line
    assert jaw(hero, "Hero_jawOpen") > 0.05 and jaw(twin, "Hero_jawOpen") > 0.05


def test_save_as_into_another_folder_keeps_the_characters_map_paths_working(scene, assets, tmp_path):
    alice, bob = hero_and_bob()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    hero = studio_map(tmp_path / "project" / "rigs" / "hero.json")
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "project" / "shot.blend"))
    s = scene.dualtalk
    s.map_a = "//rigs/hero.json"
    (tmp_path / "project" / "v2").mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "project" / "v2" / "shot.blend"))
    assert s.map_a == "//../rigs/hero.json" and abspath(s.map_a) == str(hero)
    apply_take(kept_take(tmp_path / "take", assets["wav"]), "PANEL")
    assert jaw(alice, "Hero_jawOpen") > 0.05


def test_a_bad_map_of_b_is_one_line_naming_whose_it_is_and_nothing_is_keyed(scene, assets, tmp_path):
    alice, bob = hero_and_bob()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.map_a = str(studio_map(tmp_path / "hero.json"))
    s.map_b = str(tmp_path / "bob.json")
    (tmp_path / "bob.json").write_text('{"map": {"jawopen": "jawOpen"}}')
    untouched = ah.scene_fingerprint(scene)
    with pytest.raises(RuntimeError):
        bpy.ops.dualtalk.apply_take(
            directory=str(kept_take(tmp_path / "take", assets["wav"])), settings="PANEL"
        )
    said = bpy.context.window_manager.dualtalk_status.last
    assert said.startswith("DualTalk: custom map of B: mapping: 'jawopen' is not a channel"), said
    assert "\n" not in said and ah.scene_fingerprint(scene) == untouched
    (tmp_path / "bob.json").unlink()
    with pytest.raises(RuntimeError):
        bpy.ops.dualtalk.apply_take(directory=str(tmp_path / "take"), settings="PANEL")
    said = bpy.context.window_manager.dualtalk_status.last
    assert said == f"DualTalk: custom map of B not found: {tmp_path / 'bob.json'}", said
