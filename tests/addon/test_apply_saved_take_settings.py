"""The animator pressed Generate with Alice's mouth at 1.4 and some smoothing; the take was kept in a
folder (Bob was deleted while it ran, another shot was opened). Since then the panel was set up for
the next shot: mouth back to 1, no smoothing. Pressing Apply Saved Take keys the take as it was made:
with the settings its folder records (``scene_options``), so it lands as Generate would have keyed it
then, and the line says so and what the panel holds now; the panel's settings are left as they are.
In the file browser the animator can choose Settings: Panel's instead, which keys with the panel's now.

A folder that records no settings (an older version's, ``infer --out``) keys with the panel's, and
the line says so once. A record that cannot be used (a value of the wrong type or out of range, a
setting the panel does not have, a custom map file moved away) is refused in one line that says to
choose Panel's settings; nothing is keyed and the picks stay as they were. A kept re-generated range
keeps its own frames: a recorded first frame does not move it.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene.layers import layer_fcurves, take_actions
from dualtalk.inference.core.errors import DualTalkError
from test_audit_range_kept import FRAMES, _jaw

AS_MADE = "with the settings the take was made with"
PANELS = "with the panel's settings"
NOT_RECORDED = "with the panel's settings (the take does not record the settings it was made with)"
WAY_OUT = "choose Settings: Panel's to key it with the panel's settings"


def _kept_take(folder: Path, wav: Path, origin: dict | None = None) -> Path:
    """A 2 s take of Alice and Bob kept in ``folder``, with ``origin`` (:func:`addon_helpers.recorded_settings`) in its
    ``result.json``; None: as an older version kept it (no characters, no settings)."""
    ah.write_two_second_take(folder)
    kept = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)], **(origin or {})}
    (folder / "result.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder


def _apply(folder: Path, settings: str | None = None) -> str:
    """Apply Saved Take as the file browser runs it (Settings left as it opens, or chosen)."""
    chosen = {} if settings is None else {"settings": settings}
    assert bpy.ops.dualtalk.apply_take(directory=str(folder), **chosen) == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def _refused(folder: Path, settings: str = "AS_MADE") -> str:
    """Apply Saved Take refused: the one line (the operator's error report and the status)."""
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.apply_take(directory=str(folder), settings=settings)
    said = bpy.context.window_manager.dualtalk_status.last
    assert str(err.value).strip() == f"Error: {said}" and "\n" not in said, said
    return said


def _keys(*objs) -> dict[str, np.ndarray]:
    """Every key the take put on the characters' faces and heads: (frame, value) by curve."""
    out = {}
    for obj in objs:
        for idblock in (obj.data.shape_keys, obj.parent):
            for fc in layer_fcurves(idblock):
                out[f"{obj.name} {fc.data_path}[{fc.array_index}]"] = br.fcurve_values(fc)
    return out


def _same_keys(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.allclose(a[k], b[k], atol=1e-5) for k in a)


def _keyed(obj) -> bool:
    return bool(take_actions(obj.data.shape_keys))


def _made_at_mouth_1_4_with_smoothing(scene, assets, tmp_path, start_frame: int | None = None):
    """The panel as the take was made (mouth 1.4, smoothing 2), the take kept, and the keys Generate
    put on Alice and Bob then (the same keying step, with the panel as it was)."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.intensity_mouth, s.smoothing = 1.4, 2.0
    if start_frame is not None:
        scene.frame_start = start_frame
    origin = ah.recorded_settings(scene)  # it records the frame it is keyed from
    take = _kept_take(tmp_path / "take", assets["wav"], origin)
    _apply(take, "PANEL")
    made = _keys(alice, bob)
    s.intensity_mouth, s.smoothing = 1.0, 0.0  # the next shot's panel
    scene.frame_start = 1
    return alice, bob, take, made


def test_a_take_made_at_mouth_1_4_lands_as_made_though_the_panel_changed_since(scene, assets, tmp_path):
    alice, bob, take, made = _made_at_mouth_1_4_with_smoothing(scene, assets, tmp_path)

    line = _apply(take)  # Settings as the file browser opens: As Made

    assert _same_keys(_keys(alice, bob), made)
    said = f"{AS_MADE}: mouth intensity 1.4 (the panel has 1), smoothing 2 (the panel has 0)"
    assert said in line and line.count("the panel has") == 2, line
    s = scene.dualtalk
    assert (s.intensity_mouth, s.smoothing) == (1.0, 0.0)  # the panel's settings are left as they are


def test_choosing_panels_settings_keys_with_the_panel_as_it_is_now(scene, assets, tmp_path):
    alice, bob, take, made = _made_at_mouth_1_4_with_smoothing(scene, assets, tmp_path)

    line = _apply(take, "PANEL")

    assert line.endswith(f"; {PANELS}"), line
    assert not _same_keys(_keys(alice, bob), made)
    scene.dualtalk.intensity_mouth, scene.dualtalk.smoothing = 1.4, 2.0
    _apply(take, "PANEL")
    assert _same_keys(_keys(alice, bob), made)  # the panel set back: as made again


def test_a_take_made_from_frame_101_lands_there_though_the_scene_now_starts_at_1(scene, assets, tmp_path):
    alice, bob, take, made = _made_at_mouth_1_4_with_smoothing(scene, assets, tmp_path, start_frame=101)
    jaw = 'Alice key_blocks["jawOpen"].value[0]'
    assert made[jaw][0, 0] == 101

    line = _apply(take)

    assert _same_keys(_keys(alice, bob), made)
    assert "start frame 101 (the scene starts at 1)" in line, line

    _apply(take, "PANEL")
    assert _keys(alice, bob)[jaw][0, 0] == 1  # the panel's: from the scene's start


def test_a_folder_that_records_no_settings_keys_with_the_panels_and_says_so_once(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.intensity_mouth = 1.3
    older = _kept_take(tmp_path / "older", assets["wav"])  # an older version's: no characters, no settings
    by_panel = _kept_take(tmp_path / "recorded", assets["wav"], ah.recorded_settings(scene))

    line = _apply(older)

    assert line.endswith(f"; {NOT_RECORDED}") and line.count("does not record") == 1, line
    keyed = _keys(alice, bob)
    _apply(by_panel, "PANEL")
    assert _same_keys(keyed, _keys(alice, bob))

    (older / "result.json").unlink()  # an ``infer --out`` folder holds only its motion files
    line = _apply(older)
    assert line.endswith(f"; {NOT_RECORDED}"), line


def test_a_record_without_some_settings_takes_those_from_the_panel_and_names_them(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.smoothing = 1.5
    origin = ah.recorded_settings(scene)
    del origin["scene_options"]["smoothing"], origin["scene_options"]["gaze"]
    take = _kept_take(tmp_path / "take", assets["wav"], origin)

    line = _apply(take)

    said = f"; {AS_MADE}; the panel's smoothing and eye contact (the take does not record them)"
    assert line.endswith(said), line
    assert _keyed(alice) and _keyed(bob)


def test_a_take_made_by_a_newer_version_keys_the_settings_this_one_knows_and_names_the_rest(
    scene, assets, tmp_path
):
    """A colleague on a newer DualTalk kept a take whose record holds a setting this version has never
    heard of. It was refused whole ("'lip_blend' is not a setting a take is keyed with"), sending the
    animator to the panel's settings and losing every recorded one. Now, as Blender opens a newer file,
    the known settings key as made and the line names what was left out."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.intensity_mouth = 1.4
    origin = ah.recorded_settings(scene)
    origin["scene_options"] |= {"lip_blend": 0.3, "x" * 40: True}
    take = _kept_take(tmp_path / "take", assets["wav"], origin)
    same = _kept_take(tmp_path / "same", assets["wav"], ah.recorded_settings(scene))
    scene.dualtalk.intensity_mouth = 1.0

    line = _apply(take)

    assert f"{AS_MADE}: mouth intensity 1.4 (the panel has 1)" in line, line
    assert line.endswith(
        f"; left out 'lip_blend' and '{'x' * 27}...', which this DualTalk does not know (the take was made "
        "by a newer version?)"
    ), line
    keyed = _keys(alice, bob)
    _apply(same)  # the same take without the newer setting keys the same curves
    assert _same_keys(keyed, _keys(alice, bob))


def test_a_newer_versions_many_unknown_settings_are_named_three_at_most(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    origin = ah.recorded_settings(scene)
    origin["scene_options"] |= {f"setting_{i:03d}": i for i in range(300)}
    take = _kept_take(tmp_path / "take", assets["wav"], origin)

    line = _apply(take)

    assert "left out 'setting_000', 'setting_001', 'setting_002' and 297 more, which this DualTalk" in line, (
        line
    )
    assert len(line) < 600, len(line)


HOSTILE = [
    ({"smoothing": "2"}, "Smoothing: expected a finite number"),
    ({"smoothing": 40}, "Smoothing must be between 0 and 25, got 40"),
    ({"smoothing": None}, "Smoothing must be a number, got None"),
    ({"intensity": {"mouth": 9}}, "Intensity mouth must be between 0 and 5, got 9"),
    ({"intensity": {"nose": 1.0}}, "Intensity: expected an object with keys among mouth, brows"),
    ({"intensity": [1, 2]}, "Intensity: expected an object with keys among mouth, brows"),
    ({"preset": "maya"}, "Rig must be one of auto, arkit, flame, vrm, mmd, got 'maya'"),
    ({"preset": 3}, "Rig: expected a string"),
    ({"markers": "yes"}, "Turn markers: expected true or false"),
    ({"head_turn": float("inf")}, "Head turn: expected a finite number, got inf"),
    ({"start_frame": -5}, "must be between 0 and 1,048,574, got -5"),
    ([0.5, 1.0], "scene_options must be an object of settings, got list"),
]


@pytest.mark.parametrize(("record", "words"), HOSTILE, ids=[w[:28] for _r, w in HOSTILE])
def test_a_record_that_cannot_be_used_is_refused_in_one_line_and_nothing_is_keyed(
    scene, assets, tmp_path, record, words
):
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])  # the take would pick Alice for A
    origin = ah.recorded_settings(scene)
    origin["scene_options"] = {**origin["scene_options"], **record} if isinstance(record, dict) else record
    take = _kept_take(tmp_path / "take", assets["wav"], origin)
    untouched = ah.scene_fingerprint(scene)

    said = _refused(take)

    assert said.startswith("DualTalk: the settings this take was made with cannot be used ("), said
    assert words in said and said.endswith(WAY_OUT), said
    assert ah.scene_fingerprint(scene) == untouched
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (carol, bob)  # the picks as they were
    assert not any(_keyed(obj) for obj in (alice, bob, carol))
    # the way out the line gives
    assert PANELS in _apply(take, "PANEL") and _keyed(alice) and _keyed(bob)


def test_a_take_whose_custom_map_file_was_moved_away_is_refused_until_panels_settings_are_chosen(
    scene, assets, tmp_path
):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    custom = tmp_path / "alice_map.json"
    custom.write_text(json.dumps({"jawOpen": "jawOpen"}), encoding="utf-8")
    scene.dualtalk.map = str(custom)
    take = _kept_take(tmp_path / "take", assets["wav"], ah.recorded_settings(scene))
    scene.dualtalk.map = ""
    custom.unlink()  # moved away since
    untouched = ah.scene_fingerprint(scene)

    said = _refused(take)

    assert f"(custom map not found: {custom}); {WAY_OUT}" in said, said
    assert ah.scene_fingerprint(scene) == untouched
    assert PANELS in _apply(take, "PANEL") and _keyed(alice) and _keyed(bob)


def test_a_panel_map_file_moved_away_does_not_stop_a_take_made_without_one(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    take = _kept_take(tmp_path / "take", assets["wav"], ah.recorded_settings(scene))
    scene.dualtalk.map = str(tmp_path / "gone.json")  # the panel's, for the next shot: not there

    line = _apply(take)

    assert f"{AS_MADE}: map file none (the panel has gone.json)" in line, line
    assert "custom map not found" in _refused(take, "PANEL")


def test_the_file_browser_shows_settings_as_made_each_time_it_opens(scene):
    props = bpy.ops.dualtalk.apply_take.get_rna_type().properties
    settings = props["settings"]
    assert settings.name == "Settings" and settings.default == "AS_MADE"
    assert [i.name for i in settings.enum_items] == ["As Made", "Panel's"]
    assert settings.is_skip_save and not settings.is_hidden  # drawn beside the folder, never remembered


# -- a kept re-generated range: keyed into the take at its own frames, with what it was made with --


def _range_kept(scene, assets, tmp_path, capsys) -> tuple[Path, Path]:
    """A whole take, then frames 20-30 re-generated at mouth 0.3 while another file is opened: the
    shot (saved with mouth 0.3) and the kept folder, which also says it was keyed from frame 101."""
    scene.render.fps = 25
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    scene.dualtalk.intensity_mouth = 0.3
    shot, other = tmp_path / "shot.blend", tmp_path / "other_shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    capsys.readouterr()
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=(20, 30)).start()
    ah.blender_ends_the_operator(run)
    bpy.ops.wm.open_mainfile(filepath=str(other))
    ah.follow_until_done()
    said = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]
    found = re.search(r"apply_take\(directory=('[^']*')\)", said[0])
    assert found, said
    folder = Path(ast.literal_eval(found.group(1)))
    record = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    # a range is made with the take's own intensities, not the panel's 0.3 (review 30a, finding 1);
    # a range kept by a build that used the panel's records 0.3: As Made keys it so
    assert record["scene_options"]["intensity"]["mouth"] == pytest.approx(1.0)
    record["scene_options"]["intensity"]["mouth"] = 0.3
    record["scene_options"]["start_frame"] = 101  # a record of the whole take's first frame
    (folder / "result.json").write_text(json.dumps(record), encoding="utf-8")
    return shot, folder


def test_a_kept_range_is_keyed_as_made_at_its_own_frames(scene, assets, tmp_path, capsys):
    shot, folder = _range_kept(scene, assets, tmp_path, capsys)
    try:
        bpy.ops.wm.open_mainfile(filepath=str(shot))
        bpy.context.scene.dualtalk.intensity_mouth = 1.0  # changed since
        before = _jaw()
        line = _apply(folder)
        as_made = _jaw()

        bpy.ops.wm.open_mainfile(filepath=str(shot))  # the panel as the range was made: mouth 0.3
        _apply(folder, "PANEL")
        by_panel_then = _jaw()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert "re-generated frames 20-30 (cross-faded over 16-34)" in line, line
    assert line.endswith(f"; {AS_MADE}: mouth intensity 0.3 (the panel has 1)"), line  # no word on frame 101
    changed = [f for f, x, y in zip(FRAMES, before, as_made, strict=True) if abs(x - y) > 1e-6]
    assert changed and min(changed) >= 16 and max(changed) <= 34, changed
    assert np.allclose(as_made, by_panel_then, atol=1e-6)


def test_a_script_asking_for_settings_the_operator_does_not_offer_is_refused_in_one_line(
    scene, assets, tmp_path
):
    """``saved_takes.apply_take`` from Python with a ``use`` that is neither As Made nor Panel's: one
    line naming both choices, and nothing keyed."""
    from dualtalk.dualtalk_blender.addon import saved_takes

    alice, bob, take, _made = _made_at_mouth_1_4_with_smoothing(scene, assets, tmp_path)
    before = _keys(alice, bob)
    with pytest.raises(DualTalkError, match=r"^settings must be AS_MADE or PANEL, got 'ASMADE'$"):
        saved_takes.apply_take(scene, scene.dualtalk, str(take), use="ASMADE")
    assert _same_keys(_keys(alice, bob), before)
