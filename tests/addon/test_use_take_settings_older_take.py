"""An animator opens last month's .blend, keyed by a DualTalk from before takes carried an id and a
record of their recording (the records b445cdb wrote: take, character, role, layer, start frame,
fps, engine; no ``take_id``, no ``audio``), and presses *Use Take's Settings* with the panel as the
file opened (no characters chosen). The panel gets both characters by the roles the take records,
and the line says the recording is the one thing left to choose because that DualTalk did not record
it, not that no character plays a take, that the take has no character B, or that it was keyed from
motion files."""

from __future__ import annotations

import json

import addon_helpers as ah
import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP, is_ours
from dualtalk.inference.core.motion import Motion


def as_an_older_build_wrote_it() -> None:
    """The take's records as b445cdb (session 27) wrote them: no id, no recording."""
    for action in bpy.data.actions:
        if is_ours(action):
            record = json.loads(action[OWNER_PROP])
            record.pop("take_id", None)
            record.pop("audio", None)
            action[OWNER_PROP] = json.dumps(record)


def test_use_take_settings_fills_both_characters_of_a_take_keyed_before_takes_had_ids(scene):
    a, b = ah.two_characters()
    t = np.arange(40)[:, None] / 25
    va = (0.3 + 0.2 * np.sin(2 * np.pi * t + np.arange(55))).astype(np.float32)
    apply_dialogue(
        a, b, Motion("arkit55", va, role="A"), Motion("arkit55", va[::-1].copy(), role="B"),
        ApplyOptions(take="last_month", undo_push=False),
    )  # fmt: skip
    as_an_older_build_wrote_it()
    s = scene.dualtalk
    s.char_a = s.char_b = None  # the panel as the file opens

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.char_a, s.char_b) == (a, b)
    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: the panel now holds the take's settings: Alice and Bob"), line
    assert "keyed by an older DualTalk, which did not record its recording" in line, line
    assert "plays the take's" not in line and "motion files" not in line, line


def test_use_take_settings_with_character_a_chosen_finds_its_older_partner(scene):
    a, b = ah.two_characters()
    m = Motion("arkit55", np.full((20, 55), 0.2, np.float32), role="A")
    apply_dialogue(
        a, b, m, Motion("arkit55", m.values.copy(), role="B"), ApplyOptions(take="old", undo_push=False)
    )
    as_an_older_build_wrote_it()
    s = scene.dualtalk
    s.char_a, s.char_b = a, None

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.char_a, s.char_b) == (a, b)
    assert "Character B" not in bpy.context.window_manager.dualtalk_status.last
