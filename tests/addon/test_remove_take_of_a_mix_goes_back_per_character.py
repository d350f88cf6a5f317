"""An animator redoes Bob only: keys v1, then v3 with Bob's mood changed, and plays v1 again for Alice
alone (Character B cleared): Alice plays v1, Bob v3. Disliking the mix, Remove Take. Before, both
characters went back to before DualTalk, the line said nothing of the takes the file still kept, and
the list then offered v1 and v3 as takes of the pair that Play Take refused (review rv39c F4). Now each
character goes back to the take it played before (Alice v3, Bob v1) and the line says so; a take only
one character holds is listed with that character's name and no Play button, and Play Take's
refusal names who has it."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import file_takes, take_back
from dualtalk.dualtalk_blender.scene import layers
from test_panel_keeps_takes_to_compare import drawn, takes_box
from test_remove_take_plays_the_kept_take import scene  # noqa: F401 (a fixture: a scene with the add-on)
from test_remove_take_plays_the_kept_take import take as generate  # take name of one recording


def playing(obj) -> str:
    return str(layers.take_meta(obj)["take"])


def jaw(obj, frame: int = 10) -> float:
    bpy.context.scene.frame_set(frame)
    return round(obj.data.shape_keys.key_blocks["jawOpen"].value, 5)


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def listed(*objs) -> list[tuple[str, bool, tuple[str, ...]]]:
    takes = file_takes.takes_in_file([(o, layers.character_idblocks(o)) for o in objs])
    return [(t.name, t.playing, getattr(t, "only", ())) for t in takes]  # (no `only` before rv39c)


def the_mix(scene):  # noqa: F811
    """Alice plays v1, Bob v3; returns the characters and each take's jaw values (Alice's, Bob's)."""
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2)
    v1 = (jaw(a), jaw(b))
    generate(a, b, "v3", 0.5)
    v3 = (jaw(a), jaw(b))
    scene.dualtalk.char_b = None
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
    assert status().startswith("DualTalk: Alice plays take 'v1';")  # was: "Alice play take"
    scene.dualtalk.char_b = b
    assert (playing(a), playing(b)) == ("v1", "v3") and (jaw(a), jaw(b)) == (v1[0], v3[1])
    return a, b, v1, v3


def test_remove_take_of_a_mix_plays_each_character_s_take_before(scene):  # noqa: F811
    a, b, v1, v3 = the_mix(scene)
    question = take_back.plan_take_back([a, b]).question()
    assert question.startswith(
        "Remove take 'v1' from Alice and take 'v3' from Bob: their actions go, and Alice plays take 'v3' "
        "again and Bob plays take 'v1' again"
    )

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert (playing(a), playing(b)) == ("v3", "v1")  # was: both back to before DualTalk
    assert (jaw(a), jaw(b)) == (v3[0], v1[1])
    assert status().startswith(
        "DualTalk: removed take 'v1' from Alice and take 'v3' from Bob (10 actions); Alice plays take "
        "'v3' again and Bob plays take 'v1' again"
    )
    left = sorted(x.name.rsplit(" ", 1)[0] for x in bpy.data.actions if x.name.startswith("DualTalk_"))
    assert sorted(set(left)) == ["DualTalk_v1_Bob", "DualTalk_v3_Alice"]


def test_a_take_one_character_holds_is_listed_for_it_and_not_offered_to_the_pair(scene):  # noqa: F811
    a, b, _v1, _v3 = the_mix(scene)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    generate(a, b, "v5", 0.7)
    assert listed(a, b) == [("v1", False, ("Bob",)), ("v3", False, ("Alice",)), ("v5", True, ())]
    assert takes_box(drawn(scene)) == ["v1", "Bob", "only", "v3", "Alice", "only", "v5", "playing"]

    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.play_take(take="v1")
    assert (
        "the file holds no take 'v1' of Alice (its takes: v3, v5); only Bob has it: clear Alice from the panel "
        "to play it for Bob alone"
    ) in str(refused.value)
    assert "'v1' (Bob only), 'v3' (Alice only)" in file_takes.kept_line([a, b])
