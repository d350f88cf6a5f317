"""An animator opens a .blend keyed in November by a DualTalk from before takes were NLA layers: each
character plays its take 'second' as one active action (``DualTalk_second_<name>``), and the file
keeps the earlier take 'demo' (fake user). Before, today's panel listed neither take as playing, *Use
Take's Settings* said no character plays a take ("Generate one first"), and Play Take 'second' said
Ava "plays no DualTalk take" while she did (review 33u; measured on f3e3fa8's demo + ``animate --take
second``). Now 'second' is listed as playing, the panel fills from it (the recording is the one thing
that DualTalk did not record), and Play Take says in one line why it cannot swap that take.

The November layout is built here by hand, as f3e3fa8 wrote it (its record: take, character, role,
engine, fps, start frame, space, rest; no layer, no id, no recording)."""

from __future__ import annotations

import json

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import compat, layers
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP


def one_action_take(obj, take: str, role: str, *, playing: bool) -> bpy.types.Action:
    action = bpy.data.actions.new(f"DualTalk_{take}_{obj.name}")
    action[OWNER_PROP] = json.dumps(
        {
            "take": take,
            "character": obj.name,
            "role": role,
            "engine": "lite",
            "fps": 25.0,
            "start_frame": 1,
            "space": "arkit55",
            "rest": {"head": [1.0, 0.0, 0.0, 0.0]},
        }  # fmt: skip
    )
    key = obj.data.shape_keys
    slot = compat.new_slot(action, key, obj.name)
    fc = compat.channelbag(action, slot).fcurves.new('key_blocks["jawOpen"].value')
    fc.keyframe_points.insert(1, 0.0)
    fc.keyframe_points.insert(20, 0.6)
    if playing:
        compat.assign(key, action, slot)
    else:
        action.use_fake_user = True
    return action


@pytest.fixture
def november(scene):
    a, b = ah.two_characters()
    for obj, role in ((a, "A"), (b, "B")):
        one_action_take(obj, "demo", role, playing=False)
        one_action_take(obj, "second", role, playing=True)
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    return a, b


def test_the_take_a_character_plays_as_one_action_is_listed_as_playing(november):
    a, b = november
    chosen = [(o, layers.character_idblocks(o)) for o in (a, b)]
    assert file_takes.takes_in_file(chosen) == [
        file_takes.FileTake("demo", False),
        file_takes.FileTake("second", True),
    ]


def test_use_take_settings_fills_the_panel_from_a_one_action_take(november, scene):
    s = scene.dualtalk
    s.char_a = s.char_b = None  # the panel as the file opens
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}

    assert (s.char_a, s.char_b, s.take_name) == (*november, "second")
    line = bpy.context.window_manager.dualtalk_status.last
    assert "still to choose: the audio (the take was keyed by an older DualTalk" in line, line


def test_play_take_says_why_it_cannot_swap_a_one_action_take(november, scene):
    a, _b = november
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.play_take(take="demo")
    assert (
        "Alice plays take 'second', keyed by an older DualTalk as one action without layers, which Play "
        "Take cannot swap for another" in str(refused.value)
    )
    assert a.data.shape_keys.animation_data.action.name == "DualTalk_second_Alice"  # nothing changed

    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as unknown:
        bpy.ops.dualtalk.play_take(take="nope")
    assert "the file holds no take 'nope' of Alice (its takes: demo, second)" in str(unknown.value)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="second") == {"FINISHED"}  # it plays already


def test_play_take_names_a_kept_one_action_take_for_what_it_is(november, scene, assets):
    """Today's Generate keyed take 'v2' over the November take; Play Take 'second' cannot put a
    take without layers into v2's layers, and says so rather than that a "rest layer" is missing."""
    a, b = november
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.take_name = "v2"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        with pytest.raises(RuntimeError) as refused:
            bpy.ops.dualtalk.play_take(take="second")
    assert "take 'second' of Alice was keyed by an older DualTalk as one action without layers" in str(
        refused.value
    )
    assert layers.take_meta(a)["take"] == "v2"
