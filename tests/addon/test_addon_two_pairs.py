"""The panel in a production file: two conversations in one scene, and one character in two scenes.

An animator generates Ann and Bob, switches the pickers to Cat and Dan and generates again: Ann and
Bob keep their sound strip and turn markers (each pair's Generate replaces only its own). Ann, linked
into a second scene where she talks with Cat, carries one animation: Generate says so before the run,
naming the other scene, and Remove Take says whose take it removes."""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import sound
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two_pairs")
    return {
        "one": ah.write_dialogue_wav(folder / "one.wav", seconds=3.0),
        "two": ah.write_dialogue_wav(folder / "two.wav", seconds=4.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def dt_markers(scene, *names: str) -> list[tuple[str, int]]:
    wanted = {f"DT {n} speaks" for n in names}
    return sorted((m.name, int(m.frame)) for m in scene.timeline_markers if m.name in wanted)


def strips(scene) -> list[tuple[str, int, int]]:
    return sorted(
        (s.sound.filepath, int(s.frame_final_start), int(s.frame_final_end)) for s in sound.our_strips(scene)
    )


def generate(scene) -> str:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def test_the_second_pairs_generate_keeps_the_first_pairs_sound_and_markers(scene, assets):
    ann, bob = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    cat, dan = br.make_character("Cat", location=(2.5, 0, 0)), br.make_character("Dan", location=(3.5, 0, 0))
    ah.setup_panel(scene, ann, bob, assets["one"], assets["ckpt"])
    assert "1 sound strip" in generate(scene)
    first = (dt_markers(scene, "Ann", "Bob"), strips(scene))
    assert first[0] and len(first[1]) == 1

    ah.setup_panel(scene, cat, dan, assets["two"], assets["ckpt"])
    line = generate(scene)

    assert "1 sound strip" in line and "removed the earlier take" not in line
    assert dt_markers(scene, "Ann", "Bob") == first[0]
    assert dt_markers(scene, "Cat", "Dan")
    assert len(strips(scene)) == 2 and first[1][0] in strips(scene)
    # Ann and Bob again: their own strip and markers are replaced, Cat and Dan's stay
    theirs = (dt_markers(scene, "Cat", "Dan"), [s for s in strips(scene) if s not in first[1]])
    ah.setup_panel(scene, ann, bob, assets["one"], assets["ckpt"])
    generate(scene)
    assert dt_markers(scene, "Cat", "Dan") == theirs[0]
    assert len(strips(scene)) == 2 and theirs[1][0] in strips(scene)


def talking(seed: int, role: str, frames: int = 30) -> Motion:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 1.0, (frames, 55)).astype(np.float32)
    first = np.arange(frames) < frames // 2
    return Motion("arkit55", v, role=role, speaking=first if role == "A" else ~first)


def ann_in_two_scenes(scene):
    """Ann and Bob in the open scene; Ann (the same object) with Cat in 'Other', keyed there."""
    ann, bob = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    other = bpy.data.scenes.new("Other")
    cat = br.make_character("Cat", location=(2.5, 0, 0))
    for obj in (cat, cat.parent):
        for coll in list(obj.users_collection):
            coll.objects.unlink(obj)
        other.collection.objects.link(obj)
    for obj in (ann, ann.parent):
        other.collection.objects.link(obj)
    apply_dialogue(ann, cat, talking(0, "A"), talking(1, "B"), ApplyOptions(undo_push=False), scene=other)
    return ann, bob, cat, other


def test_generate_warns_before_the_run_that_a_character_in_another_scene_loses_its_take_there(
    scene, assets, capfd
):
    ann, bob, _cat, _other = ann_in_two_scenes(scene)
    ah.setup_panel(scene, ann, bob, assets["one"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs)
    try:
        said = [w for w in run.warnings_at_start if "'Other'" in w]
    finally:
        run.cleanup()
    assert len(said) == 1 and "Ann" in said[0] and "Make Single User" in said[0]

    line = generate(scene)
    out = capfd.readouterr().out
    assert out.index(f"Warning: DualTalk: {said[0]}") < out.index("DualTalk: animated")
    assert "'Other'" in line  # the line after the run says it again


def test_the_panel_says_so_under_the_picker_before_generate_is_pressed(scene, assets):
    from test_addon_panel import draw_panel

    ann, bob, _cat, _other = ann_in_two_scenes(scene)
    ah.setup_panel(scene, ann, bob, assets["one"], assets["ckpt"])
    labels = [text for kind, text in draw_panel(scene) if kind == "label"]
    assert sum("also in scene 'Other'" in t and "replaces the one it plays there" in t for t in labels) == 1


def test_a_plain_pair_has_no_word_about_other_scenes(scene, assets):
    ann, bob = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    bpy.data.scenes.new("Other")  # another scene, without them
    ah.setup_panel(scene, ann, bob, assets["one"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs)
    try:
        assert run.warnings_at_start == []
    finally:
        run.cleanup()
    from test_addon_panel import draw_panel

    assert not any("also in scene" in text for _kind, text in draw_panel(scene))


def test_remove_take_in_one_scene_names_the_scene_the_take_was_made_in(scene, assets):
    ann, bob, _cat, _other = ann_in_two_scenes(scene)
    apply_dialogue(ann, bob, talking(2, "A"), talking(3, "B"), ApplyOptions(undo_push=False), scene=scene)
    # Ann now plays this scene's take; removing it in Other removes this scene's take from her
    other = bpy.data.scenes["Other"]
    other.dualtalk.char_a, other.dualtalk.char_b = ann, _cat
    with bpy.context.temp_override(scene=other, view_layer=other.view_layers[0]):
        assert bpy.ops.dualtalk.remove_take(character="A") == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    assert f"'{scene.name}'" in line and "Ann" in line
