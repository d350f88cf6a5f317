"""The add-on reads a rig when it changes, not whenever it is asked: one Generate click inspects
each character once (the preflight's report is keyed with, gaze pass included), a rig edited
while the engine runs is inspected again, and the panel's redraws inspect nothing and read no
map file until the rig, the preset or the map changes."""

from __future__ import annotations

import json
import os
import time
from types import SimpleNamespace

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import pickers, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import RUNNING
from dualtalk.dualtalk_blender.rig import mapping
from dualtalk.dualtalk_blender.scene import apply as apply_mod
from dualtalk.panels.main_panel import DUALTALK_PT_main


@pytest.fixture
def inspected(scene, monkeypatch):
    """Names of the characters inspected, in order (every path goes through inspect_character)."""
    return br.count_inspections(monkeypatch)


class Layout:
    """Stands in for a panel's layout: every widget call is accepted, labels are kept."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def label(self, text="", **kwargs):
        self.labels.append(text)


def draw(scene) -> list[str]:
    labels: list[str] = []
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=Layout(labels)), ctx)
    return labels


def prefs():
    return bpy.context.preferences.addons["dualtalk"].preferences


def test_one_generate_inspects_each_character_once(scene, assets, inspected, monkeypatch):
    gaze_passes = []
    real_gaze = apply_mod._mutual_gaze
    monkeypatch.setattr(apply_mod, "_mutual_gaze", lambda *a: gaze_passes.append(1) or real_gaze(*a))
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert "animated" in bpy.context.window_manager.dualtalk_status.last
    assert gaze_passes == [1]  # the eyes were aimed too (that pass used to inspect both again)
    assert inspected == ["Alice", "Bob"]  # was 8 (preflight, apply, gaze, gaze's apply)


def test_a_rig_edited_while_the_engine_runs_is_inspected_again(scene, assets, inspected):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs())
    assert inspected == ["Alice", "Bob"]  # the preflight, before any inference
    run.start()
    # the animator renames one of Bob's keys meanwhile: his preflight report no longer holds
    b.data.shape_keys.key_blocks["jawOpen"].name = "jawOpen_sculpt"
    deadline = time.monotonic() + 120
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    outcome = run.finish()
    assert outcome.ok, outcome.message
    assert inspected == ["Alice", "Bob", "Bob"]  # only Bob again
    paths = {fc.data_path for fc in b.data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"].strips[0].action.layers[0].strips[0].channelbags[0].fcurves}  # fmt: skip
    assert 'key_blocks["mouthClose"].value' in paths and 'key_blocks["jawOpen"].value' not in paths


def test_a_rig_with_its_own_map_edited_while_the_engine_runs_is_inspected_again_with_that_map(
    scene, assets, inspected, tmp_path
):
    """Alice is keyed through her own map file (A's map file: jaw and one blink); the animator adds a
    key to her face while the engine runs. She is inspected again with her map, not the shared one
    (none: every ARKit key of hers would have been keyed)."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    face_map = tmp_path / "alice.json"
    face_map.write_text(json.dumps({"map": {"jawOpen": "jawOpen", "eyeBlinkLeft": "eyeBlinkLeft"}}))
    scene.dualtalk.map_a = str(face_map)
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs())
    run.start()
    a.shape_key_add(name="sculpt_fix", from_mix=False)
    deadline = time.monotonic() + 120
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    outcome = run.finish()
    assert outcome.ok, outcome.message
    assert inspected == ["Alice", "Bob", "Alice"]
    keyed = {
        fc.data_path
        for track in a.data.shape_keys.animation_data.nla_tracks
        if track.name.startswith("DualTalk")
        for strip in track.strips
        for fc in strip.action.layers[0].strips[0].channelbags[0].fcurves
    }
    assert keyed and keyed <= {'key_blocks["jawOpen"].value', 'key_blocks["eyeBlinkLeft"].value'}, keyed


def test_a_map_of_b_saved_with_a_typo_while_the_engine_runs_is_refused_as_bs(scene, assets, tmp_path):
    """Bob is keyed through his own map file (B's map file); while the engine runs the animator adds
    a key to his face and the rigger saves his map with a typo. Inspected again, he is refused in one
    line that names B's map (the file to fix), and neither character is keyed."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    bob_map = tmp_path / "bob.json"
    bob_map.write_text(json.dumps({"map": {"jawOpen": "jawOpen", "eyeBlinkLeft": "eyeBlinkLeft"}}))
    scene.dualtalk.map_b = str(bob_map)
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs())
    run.start()
    b.shape_key_add(name="sculpt_fix", from_mix=False)
    bob_map.write_text('{"map": {"jawopen": "jawOpen"}}')
    deadline = time.monotonic() + 120
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    outcome = run.finish()
    assert not outcome.ok
    assert outcome.message.startswith("DualTalk: custom map of B: mapping: 'jawopen' is not a channel"), (
        outcome.message
    )
    assert "\n" not in outcome.message and "the take is kept" in outcome.message
    assert a.data.shape_keys.animation_data is None and b.data.shape_keys.animation_data is None


def test_the_fingerprint_changes_with_what_a_report_depends_on_and_only_that(scene):
    a, _b = ah.two_characters()
    before = pickers.rig_fingerprint(a)
    a.data.shape_keys.key_blocks["jawOpen"].value = 0.7  # posing and scrubbing are not rig changes
    scene.frame_set(12)
    assert pickers.rig_fingerprint(a) == before

    def changed(edit) -> bool:
        nonlocal before
        edit()
        now = pickers.rig_fingerprint(a)
        differs, before = now != before, now
        return differs

    keys = a.data.shape_keys
    assert changed(lambda: setattr(keys.key_blocks["mouthClose"], "name", "mouthShut"))
    assert changed(lambda: a.shape_key_add(name="extra", from_mix=False))
    assert changed(lambda: setattr(keys, "use_relative", False))  # absolute keys are warned about
    assert changed(lambda: keys.key_blocks["jawOpen"].driver_add("value"))  # so are driven ones
    twin = bpy.data.objects.new("Twin", a.data)
    assert changed(lambda: scene.collection.objects.link(twin))  # now it shares its shape keys
    assert changed(lambda: setattr(a, "data", a.data.copy()))  # and now it does not

    def move_head_bone():
        bpy.context.view_layer.objects.active = a.parent
        bpy.ops.object.mode_set(mode="EDIT")
        a.parent.data.edit_bones["head"].tail = (0.0, -0.3, 1.5)  # the rig is Y-up now
        bpy.ops.object.mode_set(mode="OBJECT")

    assert changed(move_head_bone)
    assert changed(lambda: setattr(a.parent.data.bones["neck"], "name", "Neck"))


def test_panel_redraws_neither_inspect_nor_read_the_map_until_something_changed(
    scene, inspected, monkeypatch, tmp_path
):
    reads: list[str] = []
    real_load = mapping.load_mapping
    monkeypatch.setattr(mapping, "load_mapping", lambda path: reads.append(str(path)) or real_load(path))
    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b = a, b
    for _ in range(5):
        labels = draw(scene)
    assert sum("52/52 ARKit" in t for t in labels) == 2
    assert inspected == ["Alice", "Bob"]

    face_map = tmp_path / "face.json"
    face_map.write_text(json.dumps({"map": {"jawOpen": "jawOpen", "eyeBlinkLeft": "eyeBlinkLeft"}}))
    s.map = str(face_map)  # a map file overrides the preset
    for _ in range(5):
        labels = draw(scene)
    assert sum("custom map: 2/2 targets" in t for t in labels) == 2
    assert len(inspected) == 4 and reads == [str(face_map)] * 2  # once per character, not per redraw

    face_map.write_text(json.dumps({"map": {"jawOpen": "jawOpen", "mouthSmileLeft": "Nope"}}))
    stat = face_map.stat()
    os.utime(face_map, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    for _ in range(3):
        labels = draw(scene)
    assert sum("custom map: 1/2 targets" in t for t in labels) == 2 and len(reads) == 4

    a.data.shape_keys.key_blocks["jawOpen"].name = "jawOpen_sculpt"  # only Alice changed
    for _ in range(3):
        labels = draw(scene)
    assert inspected[6:] == ["Alice"] and len(reads) == 5
    assert any("custom map: 0/2 targets" in t or "none of the" in t for t in labels)
