"""A colleague hands the animator a take folder: ``A.npz``, ``B.npz`` and a ``result.json`` that was
edited by hand, written by another tool or damaged on the way. Apply Saved Take reads that file as
data it cannot trust: a field the add-on reads that is of another shape (the transcript report as a
string, a number, a list...) is left out with a note in the status line, and the take keys from its
motion files exactly as it would without that field; a file that cannot be read at all (nested
100,000 deep, not JSON, not an object) is refused in one ``DualTalk: ...`` line with the scene as it
was, since it may be a kept range's record.

Before (review 29a, finding 11): a ``transcript`` of another shape keyed both characters and the
markers, then died in ``transcript.unaligned`` with a Python traceback (no sound strip, no status
line); a deeply nested file was a ``RecursionError`` traceback."""

from __future__ import annotations

import json
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest

RECOGNISED_TEXT = "DualTalk Recognised Words"
WRONG_TRANSCRIPTS = ["see notes.txt", 7, [1, 2], {"a": 1}, True, -1e300, [[]], {"audio": 5}]


@pytest.fixture
def panel(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    return scene


def _take(folder: Path, wav: Path, **fields) -> Path:
    """A take kept on disk as Generate keeps one, its ``result.json`` holding ``fields`` too."""
    ah.write_two_second_take(folder)
    kept = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)], **fields}
    (folder / "result.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder


def _apply(folder: Path) -> str:
    """Apply Saved Take as the button runs it; the status line (never a traceback)."""
    assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: animated ") and "\n" not in line, line
    return line


def _refused(folder: Path) -> str:
    """Apply Saved Take refused: the operator's one error line, the status line the same."""
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.apply_take(directory=str(folder))
    said = bpy.context.window_manager.dualtalk_status.last
    assert str(err.value).strip() == f"Error: {said}", str(err.value)[-600:]
    assert said.startswith("DualTalk: ") and "Traceback" not in said, said
    return said


def _fresh_panel(assets):
    """The scene as the test began: factory scene, add-on on, Alice and Bob picked."""
    ah.disable_addon()
    scene, _prefs = ah.fresh_scene_with_addon(assets["models"])
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    return scene


def test_a_transcript_field_of_another_shape_is_left_out_and_the_take_keys_as_without_it(
    panel, assets, tmp_path
):
    good_line = _apply(_take(tmp_path / "plain", assets["wav"]))
    good = ah.scene_fingerprint(panel)
    assert "sound strip" in good_line and "(warning" not in good_line, good_line
    for i, wrong in enumerate(WRONG_TRANSCRIPTS):
        scene = _fresh_panel(assets)
        line = _apply(_take(tmp_path / f"t{i}", assets["wav"], transcript=wrong))
        note = " (warning: left out result.json's transcript, not as DualTalk writes it ("
        assert line.startswith(good_line + note), (wrong, line)
        assert ah.scene_fingerprint(scene) == good, wrong  # both keyed, markers and sound strip as before


def test_a_deeply_nested_result_json_is_one_line_and_the_scene_stays_as_it_was(panel, assets, tmp_path):
    take = _take(tmp_path / "take", assets["wav"])
    (take / "result.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    before = ah.scene_fingerprint(panel)
    said = _refused(take)
    assert said == (
        f"DualTalk: {take / 'result.json'} cannot be read (it nests 100000 levels deep; at most 32 are "
        "allowed); move it out of the folder to key the take from its motion files alone"
    )
    assert ah.scene_fingerprint(panel) == before


@pytest.mark.parametrize(
    ("text", "why"),
    [('{"engine": "lite", ', "it is not JSON: "), ("[1, 2]", "it holds a list of 2, not an object")],
    ids=["cut-short", "a-list"],
)
def test_a_result_json_that_is_no_record_is_refused_with_the_way_out(panel, assets, tmp_path, text, why):
    take = _take(tmp_path / "take", assets["wav"])
    (take / "result.json").write_text(text, encoding="utf-8")
    before = ah.scene_fingerprint(panel)
    said = _refused(take)
    assert f"result.json cannot be read ({why}" in said and said.endswith("motion files alone"), said
    assert ah.scene_fingerprint(panel) == before
    (take / "result.json").rename(tmp_path / "moved.json")  # the way out the line gives
    assert _apply(take).startswith("DualTalk: animated lite engine, ")


@pytest.mark.parametrize("start", ["x", [1, 2], -1.0, 1e300, True])
def test_a_start_time_that_is_no_time_plays_the_sound_where_the_motion_files_say(
    panel, assets, tmp_path, start
):
    line = _apply(_take(tmp_path / "take", assets["wav"], start_time=start))
    assert "1 sound strip" in line, line
    assert "(warning: left out result.json's start_time, not as DualTalk writes it (must be 0 to " in line
    strip = next(iter(panel.sequence_editor.strips))
    assert strip.frame_offset_start == 0  # from 0 s, where the motion files' frame 0 sits


def test_a_good_transcript_report_still_says_how_the_lips_were_drawn(panel, assets, tmp_path):
    report = {
        "a": {"words": 6, "aligned": 6, "unknown": [], "seconds": 0.8, "lines": 1, "lines_drawn": [1]},
        "b": {"words": 5, "aligned": 0, "unknown": [], "seconds": 0.0, "error": "2 of 5 words placed"},
    }
    line = _apply(_take(tmp_path / "take", assets["wav"], transcript=report))
    assert "lips from the transcript (A 6/6 words, B not aligned)" in line, line
    assert "(warning: B's lines keep the engine's lips, not aligned to the voice (B: 2 of 5 words" in line
    assert "left out" not in line


def test_a_wrong_report_of_a_recognised_take_claims_nothing_about_what_was_heard(panel, assets, tmp_path):
    line = _apply(_take(tmp_path / "take", assets["wav"], transcript=["x"], recognise=True))
    assert "left out result.json's transcript" in line and "heard no English words" not in line, line
    assert RECOGNISED_TEXT not in [t.name for t in bpy.data.texts]
