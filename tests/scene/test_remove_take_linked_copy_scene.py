"""Remove Take in a Linked Copy of the shot tidies the first scene too (review 31a, finding 6).

An animator makes a variant of a shot with Scene > New > Linked Copy: the copy shows the same
character objects, and one object carries one animation. Generate in the copy replaces the take the
characters played in both scenes (said before the run); Remove Take in the copy then leaves them
playing no take at all. The first scene kept its turn markers and sound strip for a take no character
played any more: they go now, the animator's own marker and music stay, and the report says where.
"""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.scene import apply, sound
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import plan_removal, remove_take
from dualtalk.inference.core.motion import Motion

T = 60

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(seed: int, role: str) -> Motion:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 1.0, (T, 55)).astype(np.float32)
    v[:, 52:] = 0.1 * v[:, 52:]
    first = np.arange(T) < T // 2
    return Motion("arkit55", v, role=role, speaking=first if role == "A" else ~first)


def wav(folder: Path) -> Path:
    path = folder / "dialogue.wav"
    if not path.exists():
        sf.write(str(path), np.zeros(3 * 16000, np.float32), 16000)
    return path


def generate(scene, ava, ben, folder: Path, seed: int) -> None:
    """What Generate does in ``scene``: both characters keyed, turn markers, the dialogue strip."""
    apply_dialogue(
        ava, ben, talking(seed, "A"), talking(seed + 1, "B"), ApplyOptions(undo_push=False), scene=scene
    )
    pair = (ava.name, ben.name)
    sound.remove_our_strips(scene, pair)
    sound.add_dialogue_strip(scene, wav(folder), "dialogue", 1, end_frame=1 + T, pair=pair)


def dualtalk_items(scene) -> tuple[list[str], int, list]:
    return (
        sorted(m.name for m in scene.timeline_markers if m.name.startswith("DT ")),
        len(sound.our_strips(scene)),
        apply.marker_records(scene),
    )


def linked_copy(scene):
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.scene.new(type="LINK_COPY") == {"FINISHED"}
    return next(s for s in bpy.data.scenes if s != scene)


def test_remove_take_in_a_linked_copy_takes_the_first_scenes_markers_and_sound_strip_too(tmp_path):
    first = bpy.context.scene
    ava = br.make_character("Ava", location=(-0.5, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.5, 0.0, 0.0))
    first.timeline_markers.new("Cut", frame=20)  # the animator's marker and music
    first.sequence_editor_create()
    first.sequence_editor.strips.new_sound("Music", str(wav(tmp_path)), 1, 1)
    generate(first, ava, ben, tmp_path, 0)
    assert dualtalk_items(first)[0] and dualtalk_items(first)[1] == 1

    copy = linked_copy(first)
    assert ava in set(copy.objects) and ava in set(first.objects)  # the same objects
    generate(copy, ava, ben, tmp_path, 5)  # the characters play the copy's take, in both scenes
    kept = dualtalk_items(copy)

    plan = plan_removal([ava, ben], copy)
    assert f"in scene {first.name!r}: 2 markers, sound strip" in plan.question()  # asked before
    report = remove_take([ava, ben], copy, undo_push=False)

    assert dualtalk_items(first) == ([], 0, [])  # no markers, strip or record of a take nobody plays
    assert dualtalk_items(copy) == ([], 0, [])
    assert [m.name for m in first.timeline_markers] == ["Cut"]
    assert [s.name for s in first.sequence_editor.strips] == ["Music"]
    assert report.markers == len(kept[0]) and report.sound_strips == 1  # the copy's own
    assert f"in scene {first.name!r}" in report.summary


def test_remove_take_in_the_first_scene_takes_the_copys_markers_and_sound_strip_with_the_copys_take(tmp_path):
    first = bpy.context.scene
    ava = br.make_character("Ava", location=(-0.5, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.5, 0.0, 0.0))
    generate(first, ava, ben, tmp_path, 0)
    copy = linked_copy(first)
    generate(copy, ava, ben, tmp_path, 5)

    report = remove_take([ava, ben], first, undo_push=False)  # the take they play is the copy's

    assert dualtalk_items(first) == ([], 0, []) and dualtalk_items(copy) == ([], 0, [])
    assert f"{copy.name!r} loses its sound strip and markers too" in report.summary
