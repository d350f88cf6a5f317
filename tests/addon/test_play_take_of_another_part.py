"""An animator compares two parts of a conversation: take 'whole' of the whole recording, then Take
'late' of its second half (Start 1 s), both Generated in the panel. Play Take 'whole' was refused
("made from another recording, part, first frame or frame rate than the take playing"), and Remove
Take of 'late' could not fall back to it. Now Play brings the take back whole: its sound strip plays
its own part of the recording from its own start, its frame range, and its turn markers once the
file has kept them; the animator's own strip and marker stay; one Ctrl+Z undoes it. A take whose
recording is gone is refused in one line naming the file, with nothing changed. The two takes are
Generated once and saved beside their recording (``two_parts_file``); each story opens its own copy."""

from __future__ import annotations

import shutil

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import take_back, ui_run
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.sound import our_strips


def prefs():
    return bpy.context.preferences.addons["dualtalk"].preferences


def generate(scene, take: str, start: float | None) -> None:
    s = scene.dualtalk
    s.take_name = take
    s.use_range = start is not None
    if start is not None:
        s.start, s.end = start, 2.0
    outcome = ah.take_comes_back(ui_run.GenerationRun(scene, s, prefs()).start())
    assert outcome.ok, outcome.message


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def strips(scene) -> list[tuple[str, int, int, int]]:
    """(file, first frame played, last frame, frames skipped into the file) of DualTalk's strips."""
    return sorted(
        (bpy.path.basename(s.sound.filepath), s.frame_final_start, s.frame_final_end, s.frame_offset_start)
        for s in our_strips(scene)
    )


def markers(scene) -> list[tuple[str, int]]:
    return sorted((m.name, m.frame) for m in scene.timeline_markers)


@pytest.fixture(scope="module")
def two_parts_file(assets, tmp_path_factory):
    """Take 'whole' of talk.wav, then take 'late' of its second half, Generated on Alice and Bob and
    saved with the recording beside the .blend: (the folder, what 'whole' played)."""
    folder = tmp_path_factory.mktemp("two_parts")
    wav = folder / "talk.wav"
    shutil.copy(assets["wav"], wav)

    def make(scene):
        alice, bob = ah.two_characters()
        ah.setup_panel(scene, alice, bob, wav, assets["ckpt"])
        scene.render.fps = 25
        scene.frame_start, scene.frame_end = 1, 10
        generate(scene, "whole", None)
        whole = (strips(scene), markers(scene), (scene.frame_start, scene.frame_end))
        generate(scene, "late", 1.0)
        return whole

    whole = ah.made_and_saved(folder / "shot.blend", assets["models"], make)
    return folder, whole


@pytest.fixture
def scene(scene, two_parts_file, tmp_path):
    """A copy of the file with the two takes and its recording, opened (the add-on enabled)."""
    shot = tmp_path / "shot"
    shutil.copytree(two_parts_file[0], shot)
    (shot / "shot.blend").chmod(0o644)
    return ah.open_take(shot / "shot.blend")[0]


def two_parts(two_parts_file, tmp_path):
    """(alice, bob, the copy's recording, what 'whole' played) of the opened copy."""
    return (
        bpy.data.objects["Alice"],
        bpy.data.objects["Bob"],
        tmp_path / "shot" / "talk.wav",
        two_parts_file[1],
    )


def test_play_take_brings_back_a_take_of_another_part_whole(scene, two_parts_file, tmp_path):
    alice, bob, _wav, whole = two_parts(two_parts_file, tmp_path)
    late = (strips(scene), markers(scene), (scene.frame_start, scene.frame_end))
    assert whole[0] != late[0] and whole[2] == (1, 50) and late[2] == (1, 25)
    scene.timeline_markers.new("my beat", frame=7)  # the animator's own

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="whole") == {"FINISHED"}
    assert layers.take_meta(alice)["take"] == layers.take_meta(bob)["take"] == "whole"
    assert strips(scene) == whole[0]  # its own recording, from its own start, as long as it
    assert (scene.frame_start, scene.frame_end) == whole[2]
    # its turn markers too: kept when Generate replaced them with 'late''s (the animator's stays)
    assert whole[1] and markers(scene) == sorted([*whole[1], ("my beat", 7)])
    assert "play take 'whole'" in status() and "talk.wav from 0.00 s" in status()

    with bpy.context.temp_override(scene=scene):  # back to 'late': its markers were kept when left
        assert bpy.ops.dualtalk.play_take(take="late") == {"FINISHED"}
    assert (strips(scene), markers(scene)) == (late[0], sorted([*late[1], ("my beat", 7)]))
    assert (scene.frame_start, scene.frame_end) == late[2]
    assert "talk.wav from 1.00 s" in status()


def test_remove_take_falls_back_to_a_kept_take_of_another_part(scene, two_parts_file, tmp_path):
    alice, bob, _wav, whole = two_parts(two_parts_file, tmp_path)
    plan = take_back.plan_take_back([alice, bob])
    assert plan is not None and plan.back == "whole"

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert layers.take_meta(alice)["take"] == "whole"
    assert not [a for a in bpy.data.actions if a.name.startswith("DualTalk_late_")]
    assert strips(scene) == whole[0] and (scene.frame_start, scene.frame_end) == whole[2]
    assert "removed take 'late' from Alice and Bob" in status() and "take 'whole' plays again" in status()


def test_a_kept_take_whose_recording_is_gone_is_refused_naming_it(scene, two_parts_file, tmp_path):
    alice, _bob, wav, _whole = two_parts(two_parts_file, tmp_path)
    before = (strips(scene), markers(scene), (scene.frame_start, scene.frame_end))
    wav.write_bytes(wav.read_bytes()[:-64] + bytes(64))  # re-recorded since: other contents
    scene.dualtalk.audio = str(tmp_path / "elsewhere.wav")

    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.play_take(take="whole")
    assert "take 'whole' of Alice was made from talk.wav, which has changed since" in str(refused.value)
    assert "nothing changed" in str(refused.value)
    assert layers.take_meta(alice)["take"] == "late"
    assert (strips(scene), markers(scene), (scene.frame_start, scene.frame_end)) == before
    assert take_back.plan_take_back([alice]) is None  # Remove Take cannot fall back to it


def test_playing_it_on_one_character_while_the_other_plays_on_is_refused(scene, two_parts_file, tmp_path):
    alice, _bob, _wav, _whole = two_parts(two_parts_file, tmp_path)
    before = (strips(scene), markers(scene), (scene.frame_start, scene.frame_end))
    scene.dualtalk.char_b = None  # Bob would keep 'late', and lose its sound

    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.play_take(take="whole")
    assert "Bob plays take 'late' too, whose sound strips and turn markers take 'whole' replaces" in str(
        refused.value
    )
    assert layers.take_meta(alice)["take"] == "late"
    assert (strips(scene), markers(scene), (scene.frame_start, scene.frame_end)) == before
