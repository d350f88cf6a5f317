"""The animator deletes Alice's eyeBlinkLeft after the take (Shape Keys panel, '-'). The panel names it
under its line, but Generate, a Re-generate Preview Range and Export FBX said nothing of it in their
own lines (undo42's hand-off). Now each says it once, in the panel's words: Generate and the range when
they start and again in the line after the run (read before the take is replaced: the new one no longer
keys the key, so nothing would be left to find), Export FBX beside the file's other clip warnings. Bob,
whose keys are all there, is not named. The take is Apply Saved Take's: no engine runs.
"""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import panel_fbx, ui_run

GONE = (
    "Alice: the shape key eyeBlinkLeft is missing (deleted since the take): the take's keys for it move "
    "nothing and Generate no longer keys it; add it back under that name (Ctrl+Z) to animate it again"
)


def _said_at_start(scene, frame_range=None) -> tuple[list[str], list[str]]:
    """What a Generate (or a range of frames) says as it starts, and keeps for its line at the end."""
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=frame_range, scripted=False)
    try:
        return list(run.warnings_at_start), list(run.notes)
    finally:
        run.cleanup()


def test_generate_a_range_and_export_fbx_each_name_a_shape_key_deleted_since_the_take(
    scene, assets, tmp_path
):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    assert bpy.ops.dualtalk.apply_take(directory=str(ah.write_two_second_take(tmp_path / "take"))) == {
        "FINISHED"
    }
    s = scene.dualtalk
    s.fbx_path = str(tmp_path / "pair.fbx")
    scene.frame_start, scene.frame_end = 1, 48  # the clip is the take's: no other clip warning
    assert not any("deleted since" in w for w in _said_at_start(scene)[0] + panel_fbx.clip_warnings(s))

    alice.shape_key_remove(alice.data.shape_keys.key_blocks["eyeBlinkLeft"])

    for frames in (None, (10, 30)):  # Generate, then Re-generate Preview Range of frames 10-30
        started, kept_for_the_end = _said_at_start(scene, frames)
        assert started.count(GONE) == 1 and kept_for_the_end.count(GONE) == 1, (frames, started)
        assert not any(w.startswith("Bob:") for w in started), started

    assert panel_fbx.clip_warnings(s) == [GONE]
    files = panel_fbx.per_character_files((alice, bob), s.fbx_path)
    assert panel_fbx.clip_warnings(s, files) == [GONE]  # one file per character: still once
    assert f"(warning: {GONE})" in panel_fbx.fbx_message(s, files, panel_fbx.clip_warnings(s, files))
