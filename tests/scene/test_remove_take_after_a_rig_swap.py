"""The client swapped a rig: Ann and Bob's take, then the same take name on Cat and Bob (Ann still
plays hers, untouched). Remove Take on Cat and Bob left their "DT Cat speaks" markers and sound strip
behind ("0 markers"), taking Ann's take of the same name and first frame for their partner's (review
rv37a F6). Now only a partner the scene records (a pair of its markers or sound strips) keeps them: Ann
was Bob's partner before the swap, not Cat's. Remove Take on Cat alone still keeps them for Bob."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import sound
from dualtalk.dualtalk_blender.scene.remove_take import carries_take, remove_take
from test_two_pairs_one_scene import dt_markers, four_characters, key, strips, wav

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def generate(scene, tmp_path, a, b, seed: int = 0) -> None:
    """A take of (a, b) from frame 1 with its sound strip, as the panel's Generate places them."""
    key(a, b, 1, seed=seed)
    sound.remove_our_strips(scene, (a.name, b.name))
    sound.add_dialogue_strip(scene, wav(tmp_path), "dialogue", 1, pair=(a.name, b.name))


def test_remove_take_on_the_new_pair_takes_its_markers_and_sound_though_the_old_rig_plays(tmp_path):
    scene = bpy.context.scene
    ann, bob, cat, _dan = four_characters()
    generate(scene, tmp_path, ann, bob)
    generate(scene, tmp_path, cat, bob, seed=3)  # A swapped: Ann -> Cat
    assert carries_take(ann) and len(dt_markers(scene, "Cat", "Bob")) == 2 and len(strips(scene)) == 1

    report = remove_take([cat, bob], scene)

    assert (report.markers, report.sound_strips) == (2, 1)  # was (0, 0)
    assert dt_markers(scene, "Cat", "Bob") == [] and strips(scene) == []
    assert carries_take(ann)  # the old rig is the animator's to clear


def test_remove_take_on_one_of_the_pair_keeps_them_for_the_partner_still_playing(tmp_path):
    scene = bpy.context.scene
    ann, bob, cat, _dan = four_characters()
    generate(scene, tmp_path, ann, bob)
    generate(scene, tmp_path, cat, bob, seed=3)
    made = dt_markers(scene, "Cat", "Bob")

    report = remove_take([cat], scene)

    assert (report.markers, report.sound_strips) == (0, 0)  # Bob still plays the take
    assert dt_markers(scene, "Cat", "Bob") == made and len(strips(scene)) == 1
