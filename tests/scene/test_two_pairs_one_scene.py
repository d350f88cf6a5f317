"""Several conversations in one production file.

An animator keeps two pairs in one scene (Ann and Bob talk at frame 1, Cat and Dan at frame 200).
Each pair's take owns its own turn markers and sound strip: keying one pair replaces only that
pair's earlier markers and strip (a pair is the two characters: a take that keys either of them
replaces their take), Remove Take on one pair removes only its own, and ``animate`` on the file
keeps the other pair inside the frame range. A file saved by an older DualTalk (one record of
markers per scene, strips without a pair) still works: its record belongs to the pair it names.

The same character object in two scenes carries one animation (Blender's rule): keying it in one
scene replaces the take it plays in the other, and DualTalk says so, naming the other scene."""

from __future__ import annotations

import json
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import sound
from dualtalk.dualtalk_blender.scene.apply import MARKERS_PROP, ApplyOptions, apply_dialogue, owned_markers
from dualtalk.dualtalk_blender.scene.remove_take import carries_take, remove_take
from dualtalk.inference.core.motion import Motion, save_motion

FPS = 25
T = 60  # frames of each take

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(seed: int, role: str, frames: int = T) -> Motion:
    """A speaks the first half, B the second: two turn markers per take."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 1.0, (frames, 55)).astype(np.float32)
    v[:, 52:] = 0.05
    first = np.arange(frames) < frames // 2
    return Motion("arkit55", v, role=role, speaking=first if role == "A" else ~first)


def wav(folder: Path, name: str = "talk.wav", seconds: float = T / FPS) -> Path:
    """A two-voice stereo recording as long as a take."""
    path = folder / name
    return path if path.exists() else ah.write_dialogue_wav(path, seconds)


def four_characters():
    ann, bob = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    cat, dan = br.make_character("Cat", location=(2.5, 0, 0)), br.make_character("Dan", location=(3.5, 0, 0))
    return ann, bob, cat, dan


def key(a, b, start: int, seed: int = 0, scene=None) -> None:
    """A take of the pair (a, b) from ``start``, as the Python API keys it (no sound strip)."""
    opts = ApplyOptions(start_frame=start, undo_push=False)
    apply_dialogue(a, b, talking(seed, "A"), talking(seed + 1, "B"), opts, scene=scene)


def dt_markers(scene, *names: str) -> list[tuple[str, int]]:
    wanted = {f"DT {n} speaks" for n in names}
    return sorted((m.name, int(m.frame)) for m in scene.timeline_markers if m.name in wanted)


def strips(scene) -> list[tuple[str, int]]:
    return sorted((s.sound.filepath, int(s.frame_final_start)) for s in sound.our_strips(scene))


def test_a_second_pairs_take_keeps_the_first_pairs_turn_markers(tmp_path):
    scene = bpy.context.scene
    ann, bob, cat, dan = four_characters()
    key(ann, bob, 1)
    first = dt_markers(scene, "Ann", "Bob")
    assert len(first) == 2

    key(cat, dan, 200, seed=4)

    assert dt_markers(scene, "Ann", "Bob") == first
    assert len(dt_markers(scene, "Cat", "Dan")) == 2
    assert sorted((m.name, int(m.frame)) for m in owned_markers(scene, ("Ann", "Bob"))) == first
    # the first pair again, later: its own markers move, the second pair's stay
    second = dt_markers(scene, "Cat", "Dan")
    key(ann, bob, 100, seed=8)
    assert [f for _n, f in dt_markers(scene, "Ann", "Bob")][0] >= 100
    assert dt_markers(scene, "Cat", "Dan") == second


def test_each_pairs_sound_strip_is_replaced_only_by_that_pairs_take(tmp_path):
    scene = bpy.context.scene
    ann, bob, cat, dan = four_characters()
    key(ann, bob, 1)
    key(cat, dan, 200, seed=4)
    one, two = wav(tmp_path, "one.wav"), wav(tmp_path, "two.wav")
    sound.add_dialogue_strip(scene, one, "dialogue", 1, pair=("Ann", "Bob"))
    sound.add_dialogue_strip(scene, two, "dialogue", 200, pair=("Cat", "Dan"))

    assert sound.remove_our_strips(scene, pair=("Cat", "Dan")) == 1
    assert strips(scene) == [(str(one), 1)]
    # a take that keys Ann with someone else replaces Ann's take, so Ann and Bob's recording goes too
    assert sound.remove_our_strips(scene, pair=("Ann", "Eve")) == 1
    assert strips(scene) == []


def test_a_pair_renamed_or_deleted_since_its_take_is_no_other_conversation(tmp_path):
    """Yesterday's take was Ann and Bob's; the animator renamed them Anna and Robert (or deleted them
    and brought in Cat and Dan). Their old markers and recording play nowhere any more: the next take
    replaces them, as it did before pairs were told apart, rather than keeping them as another pair's."""
    scene = bpy.context.scene
    ann, bob, cat, dan = four_characters()
    key(ann, bob, 1)
    sound.add_dialogue_strip(scene, wav(tmp_path, "old.wav"), "dialogue", 1, pair=("Ann", "Bob"))
    ann.name, bob.name = "Anna", "Robert"
    for obj in (cat, dan):
        bpy.data.objects.remove(obj)

    key(ann, bob, 1, seed=7)
    assert sound.remove_our_strips(scene, pair=("Anna", "Robert")) == 1  # the old recording goes

    assert dt_markers(scene, "Ann", "Bob") == [] and len(dt_markers(scene, "Anna", "Robert")) == 2


def test_remove_take_on_the_first_pair_removes_its_markers_and_strip_while_the_seconds_stay(tmp_path):
    scene = bpy.context.scene
    ann, bob, cat, dan = four_characters()
    key(ann, bob, 1)
    sound.add_dialogue_strip(scene, wav(tmp_path, "one.wav"), "dialogue", 1, pair=("Ann", "Bob"))
    key(cat, dan, 200, seed=4)  # the Python API: no strip of its own
    theirs = dt_markers(scene, "Cat", "Dan")

    report = remove_take([ann, bob], scene)

    assert report.markers == 2 and report.sound_strips == 1
    assert dt_markers(scene, "Ann", "Bob") == [] and strips(scene) == []
    assert dt_markers(scene, "Cat", "Dan") == theirs
    assert carries_take(cat) and carries_take(dan)
    report = remove_take([cat, dan], scene)
    assert report.markers == 2 and MARKERS_PROP not in scene.keys()


def older_file(tmp_path):
    """Ann and Bob keyed and their strip placed by an older DualTalk: one list of markers for the
    scene, a strip without a pair."""
    scene = bpy.context.scene
    ann, bob, cat, dan = four_characters()
    key(ann, bob, 1)
    made = [[m.name, int(m.frame)] for m in scene.timeline_markers]
    scene[MARKERS_PROP] = json.dumps(made)
    strip = sound.add_dialogue_strip(scene, wav(tmp_path, "old.wav"), "dialogue", 1)
    assert sound.PAIR_PROP not in strip.keys()
    return scene, (ann, bob, cat, dan), sorted((n, f) for n, f in made)


def test_an_older_files_record_belongs_to_the_pair_its_markers_name(tmp_path):
    scene, (ann, bob, cat, dan), made = older_file(tmp_path)

    key(cat, dan, 200, seed=4)
    assert sound.remove_our_strips(scene, pair=("Cat", "Dan")) == 0  # the old strip is Ann and Bob's

    assert dt_markers(scene, "Ann", "Bob") == made
    assert len(strips(scene)) == 1
    report = remove_take([ann, bob], scene)
    assert report.markers == 2 and report.sound_strips == 1
    assert len(dt_markers(scene, "Cat", "Dan")) == 2


def test_an_older_strip_of_no_known_pair_is_replaced_by_the_next_take(tmp_path):
    scene = bpy.context.scene
    sound.add_dialogue_strip(scene, wav(tmp_path, "old.wav"), "dialogue", 1)  # no record says whose
    assert sound.remove_our_strips(scene, pair=("Cat", "Dan")) == 1


# --- the command line ---------------------------------------------------------------------------


def motions(folder: Path, seed: int) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return (
        save_motion(folder / "A.npz", talking(seed, "A")),
        save_motion(folder / "B.npz", talking(seed + 1, "B")),
    )


def animate(tmp_path, blend: Path, a: str, b: str, out: Path, start: int, seed: int, capsys) -> str:
    ma, mb = motions(tmp_path / f"m{seed}", seed)
    args = ["animate", "--quiet", "--blend", str(blend), "--char-a", a, "--char-b", b, "--out", str(out)]
    args += ["--motion-a", str(ma), "--motion-b", str(mb), "--audio", str(wav(tmp_path, f"{a}.wav"))]
    capsys.readouterr()
    rc = main([*args, "--take", f"{a}_{b}", "--start-frame", str(start)])
    said = capsys.readouterr()
    assert rc == 0, said.err
    return said.out + said.err


def test_animate_on_a_file_with_another_pairs_take_keeps_that_pair(tmp_path, capsys):
    scene = bpy.context.scene
    four_characters()
    scene.frame_start, scene.frame_end = 1, 250
    shot = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))
    one, two = tmp_path / "one.blend", tmp_path / "two.blend"
    animate(tmp_path, shot, "Ann", "Bob", one, 1, 0, capsys)
    bpy.ops.wm.open_mainfile(filepath=str(one))
    first = (dt_markers(bpy.context.scene, "Ann", "Bob"), strips(bpy.context.scene))
    assert len(first[0]) == 2 and len(first[1]) == 1

    said = animate(tmp_path, one, "Cat", "Dan", two, 200, 4, capsys)

    bpy.ops.wm.open_mainfile(filepath=str(two))
    scene = bpy.context.scene
    assert dt_markers(scene, "Ann", "Bob") == first[0]
    assert len(strips(scene)) == 2 and first[1][0][1] in [f for _p, f in strips(scene)]
    assert scene.frame_start == 1 and scene.frame_end >= 200 + T - 1  # both pairs play and render
    assert f"scene range 1-{scene.frame_end}" in said and "Ann and Bob" in said


# --- one character in two scenes ----------------------------------------------------------------


def two_scenes():
    """Ann and Bob in the open scene; Ann (the same object, linked) with Cat in scene 'Other'."""
    main_scene = bpy.context.scene
    ann, bob = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    other = bpy.data.scenes.new("Other")
    other.render.fps = FPS
    cat = br.make_character("Cat", location=(2.5, 0, 0))
    for obj in (cat, cat.parent):  # Cat only in Other
        for coll in list(obj.users_collection):
            coll.objects.unlink(obj)
        other.collection.objects.link(obj)
    for obj in (ann, ann.parent):  # Link to Scene: the same object in both
        other.collection.objects.link(obj)
    return main_scene, other, ann, bob, cat


def test_animate_warns_that_a_character_in_another_scene_loses_the_take_it_plays_there(tmp_path, capsys):
    main_scene, other, ann, _bob, cat = two_scenes()
    key(ann, cat, 1, scene=other)  # Ann's take, made in Other
    shot = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))

    said = animate(tmp_path, shot, "Ann", "Bob", tmp_path / "out.blend", 1, 0, capsys)

    lines = [ln for ln in said.splitlines() if ln.startswith("warning:") and "'Other'" in ln]
    assert len(lines) == 1, said
    assert "Ann" in lines[0] and "Make Single User" in lines[0]


def test_remove_take_says_the_take_it_removes_was_made_in_another_scene(tmp_path):
    main_scene, other, ann, bob, cat = two_scenes()
    key(ann, bob, 1, scene=main_scene)
    key(ann, cat, 1, seed=4, scene=other)  # one object, one animation: Ann now plays Other's take

    report = remove_take([ann, bob], main_scene)

    assert "'Other'" in report.summary and "Ann" in report.notes[0]
