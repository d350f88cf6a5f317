"""Two differently rigged characters keyed in one ``apply_dialogue``: a studio's custom hero beside a
stock ARKit character.

``ApplyOptions.mapping`` keyed both characters with one map, so the hero's map was refused on the ARKit
partner ("none of the 52 shape keys/bones in map ... exist on 'Bob'"), and keying each with
``apply_motion`` lost the eye contact only ``apply_dialogue`` aims. ``mapping_a`` / ``mapping_b`` give
one character its own map; the other keeps ``mapping``, else the preset (review 27c, F6).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 50
LOOKS = [k for k in ARKIT52 if k.startswith("eyeLook")]


def hero_map(tmp_path: Path, prefix: str = "Hero_") -> Path:
    """The studio's map: every ARKit channel to the hero's own key, the head to its own bone."""
    path = tmp_path / f"{prefix.lower()}map.json"
    path.write_text(json.dumps({"map": {k: prefix + k for k in ARKIT52}, "head": prefix + "head"}))
    return path


def pair(prefix: str) -> tuple[bpy.types.Object, bpy.types.Object]:
    """The hero (A: keys and head bone named ``prefix`` + the ARKit name) facing Bob (B: stock ARKit)."""
    hero = br.make_character("Hero", [prefix + k for k in ARKIT52], head=prefix + "head")
    bob = br.make_character("Bob", location=(1.2, -1.0, 0.0))
    hero.parent.rotation_euler = (0.0, 0.0, math.radians(-30.0))
    bob.parent.rotation_euler = (0.0, 0.0, math.radians(150.0))
    return hero, bob


def talking(role: str) -> Motion:
    v = np.zeros((T, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = 0.4 if role == "A" else 0.2
    partner = np.zeros(T, np.int8)
    partner[:20] = partner[30:] = 1  # looks at the partner, away in between
    away = np.zeros((T, 2), np.float32)
    away[partner == 0] = (15.0, -8.0)
    return Motion("arkit55", v, role=role, gaze_target=partner, gaze_dir=away)


def hero_eyes(hero: bpy.types.Object, prefix: str) -> np.ndarray:
    """What Blender plays on the hero's eye-look keys, frame by frame."""
    return np.stack([br.played(hero, prefix + k, T) for k in LOOKS], axis=1)


def test_a_custom_hero_and_an_arkit_partner_key_in_one_dialogue_with_eye_contact(tmp_path):
    hero, bob = pair("Hero_")
    options = ApplyOptions(mapping_a=str(hero_map(tmp_path)), start_frame=1, blinks="off")
    rep_a, rep_b, _markers = apply_dialogue(hero, bob, talking("A"), talking("B"), options)
    assert rep_a.mapping.startswith("custom map"), rep_a.mapping
    assert rep_b.mapping.startswith("52/52 ARKit keys"), rep_b.mapping  # auto-detected
    assert br.played(hero, "Hero_jawOpen", T).max() > 0.3
    assert br.played(bob, "jawOpen", T).max() > 0.15
    custom = hero_eyes(hero, "Hero_")
    bob_eyes = np.stack([br.played(bob, k, T) for k in LOOKS], axis=1)
    assert custom[:20].max() > 0.05 and bob_eyes[:20].max() > 0.05  # eyes turned to the partner

    # the hero keyed exactly as an ARKit twin of it would be, eye contact included
    br.reset()
    bpy.context.scene.render.fps = 25
    twin, bob = pair("")
    apply_dialogue(twin, bob, talking("A"), talking("B"), options.replace(mapping_a=None))
    assert np.allclose(custom, hero_eyes(twin, ""), atol=1e-4)


def test_the_shared_map_keys_the_character_without_its_own(tmp_path):
    """``mapping`` is still both characters' map (as before); ``mapping_b`` stands for B alone."""
    hero = br.make_character("Hero", ["Hero_" + k for k in ARKIT52], head="Hero_head")
    rival = br.make_character("Rival", ["Rival_" + k for k in ARKIT52], head="Rival_head", location=(1, 0, 0))
    options = ApplyOptions(mapping=str(hero_map(tmp_path)), mapping_b=str(hero_map(tmp_path, "Rival_")))
    rep_a, rep_b, _markers = apply_dialogue(hero, rival, talking("A"), talking("B"), options)
    assert rep_a.mapping.startswith("custom map") and rep_b.mapping.startswith("custom map")
    assert br.played(hero, "Hero_jawOpen", T).max() > 0.3
    assert br.played(rival, "Rival_jawOpen", T).max() > 0.15


def test_apply_motion_keys_with_the_map_of_the_motions_role(tmp_path):
    """A script keying one character at a time: B's motion finds B's map."""
    rival = br.make_character("Rival", ["Rival_" + k for k in ARKIT52], head="Rival_head")
    rep = apply_motion(rival, talking("B"), ApplyOptions(mapping_b=str(hero_map(tmp_path, "Rival_"))))
    assert rep.mapping.startswith("custom map"), rep.mapping
    assert br.played(rival, "Rival_jawOpen", T).max() > 0.15


def test_a_motion_without_a_role_says_why_the_map_of_a_role_was_not_used(tmp_path):
    """A TD keys the hero with a Motion built in Python (no role) and mapping_a: the refusal no longer
    only says "map its keys with a custom map" right after one was given; it says whose map it is
    (review 27d, 3)."""
    from dualtalk.inference.core.errors import DualTalkError

    hero, _bob = pair("Hero_")
    nameless = Motion("arkit55", np.zeros((T, 55), np.float32))
    with pytest.raises(DualTalkError) as caught:
        apply_motion(hero, nameless, ApplyOptions(mapping_a=str(hero_map(tmp_path))))
    message = str(caught.value)
    assert "\n" not in message and message.startswith("'Hero' has no face shape keys DualTalk knows")
    assert message.endswith(
        "(mapping_a is for a motion of that role and this motion's role is '': give Motion(..., role='A' "
        "or 'B'), or the map as mapping)"
    ), message
    assert hero.data.shape_keys.animation_data is None  # nothing keyed


def test_a_bad_map_of_b_says_it_is_bs_and_nothing_is_keyed(tmp_path):
    """A TD gives the hero its map and Bob a hand-written one with a typo: the refusal said only
    "mapping: 'jawopen' is not a channel", not which of the two files to open. It names B's map now, as
    the panel does, whether the pair is keyed together or B alone."""
    from dualtalk.inference.core.errors import DualTalkError

    hero, bob = pair("Hero_")
    bad = tmp_path / "bob.json"
    bad.write_text('{"map": {"jawopen": "jawOpen"}}')
    options = ApplyOptions(mapping_a=str(hero_map(tmp_path)), mapping_b=str(bad))
    for keying in (
        lambda: apply_dialogue(hero, bob, talking("A"), talking("B"), options),
        lambda: apply_motion(bob, talking("B"), options),
    ):
        with pytest.raises(DualTalkError) as caught:
            keying()
        message = str(caught.value)
        assert message.startswith("custom map of B: mapping: 'jawopen' is not a channel"), message
        assert "\n" not in message
    assert hero.data.shape_keys.animation_data is None and bob.data.shape_keys.animation_data is None

    assert not bpy.data.filepath  # a map beside a .blend never saved: whose map is said too
    with pytest.raises(DualTalkError, match=r"^the custom map of B //bob\.json is relative to the \.blend"):
        apply_dialogue(hero, bob, talking("A"), talking("B"), options.replace(mapping_b="//bob.json"))
