"""A take is the animator's work: nothing DualTalk does on one character may take it away.

Stories from an audit of the add-on: a character renamed to keep its take, then a new character
given the old name and animated; the locked rest track deleted in the NLA editor, then Generate;
a face key added between Generate and Re-generate Preview Range; a deleted track named by Blender's
internal shape-key block ('Key') instead of the character.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import keying, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 60

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

# a take with no head motion, bottom to top, as rebuilt after the animator deleted tracks
REBUILT_STACK = ["DualTalk rest", "DualTalk lips+jaw", "DualTalk eyes", "DualTalk brows+cheeks"]


def talking(seed: int, role: str = "A") -> Motion:
    """Busy motion on every channel (mouth, eyes, brows, head), no eye contact."""
    rng = np.random.default_rng(seed)
    t = np.arange(T)[:, None] / FPS
    v = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.3, 2.0, (1, 55)) * t + rng.uniform(0, 6, (1, 55)))
    v[:, 52:] = 0.2 * np.sin(2 * np.pi * rng.uniform(0.2, 1.0, (1, 3)) * t)
    return Motion("arkit55", v.astype(np.float32), role=role)


def jaw(obj, frames=range(1, T + 1)) -> np.ndarray:
    scene, kb = bpy.context.scene, obj.data.shape_keys.key_blocks["jawOpen"]
    out = []
    for f in frames:
        scene.frame_set(f)
        out.append(kb.value)
    return np.array(out)


def take_keys(obj) -> dict[str, np.ndarray]:
    """Every key of the character's DualTalk layers (what a refused run must leave alone)."""
    return {
        f"{idblock.name}:{fc.data_path}[{fc.array_index}]": keying.read_keys(fc)
        for idblock in layers.character_idblocks(obj)
        for fc in layers.layer_fcurves(idblock)
    }


def strip_actions(obj) -> dict[str, str | None]:
    return {
        f"{idblock.name}:{layer}": strip.action.name if strip.action else None
        for idblock in layers.character_idblocks(obj)
        for layer, strip in layers.our_strips(idblock).items()
    }


def test_a_renamed_character_keeps_her_take_when_a_new_one_gets_her_old_name():
    """The animator renames Alice to Alice_v1 to keep her take, brings in a new Alice and animates
    her: the take's record holds the old name, so Alice_v1's layer actions looked like the new
    Alice's to replace, and were deleted under her strips."""
    old = br.make_character("Alice")
    apply_motion(old, talking(0))
    before = jaw(old)
    old.name = "Alice_v1"
    kept = strip_actions(old)

    new = br.make_character("Alice", location=(1.0, 0.0, 0.0))
    apply_motion(new, talking(1))
    apply_motion(new, talking(2))  # and again: the new Alice's own earlier take is replaced

    assert strip_actions(old) == kept and None not in kept.values()
    assert np.array_equal(jaw(old), before)
    mine = set(strip_actions(new).values())
    assert not mine & set(kept.values())  # her own actions, not Alice_v1's
    assert len([a for a in bpy.data.actions if keying.is_ours(a)]) == 10  # no orphans piling up
    assert np.abs(jaw(new) - jaw(old)).max() > 0.05


def test_generate_after_the_rest_track_was_deleted_rebuilds_the_stack():
    """The animator unlocks and deletes the face's "DualTalk rest" track, then presses Generate.
    It was refused (Blender adds tracks only above another one, and our lips+jaw track was the
    bottom one) after the old take's actions were already deleted: the face stopped moving.
    Now the rest track comes back under the layers, and the lips+jaw layer keeps the influence the
    animator keyed on it."""
    obj = br.make_character("Alice")
    apply_motion(obj, talking(0))
    ad = obj.data.shape_keys.animation_data
    rest = ad.nla_tracks["DualTalk rest"]
    rest.lock = False
    ad.nla_tracks.remove(rest)
    lips = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    layers.key_influence(lips, 0.5, 1)
    ad.nla_tracks["DualTalk lips+jaw"].mute = True

    apply_motion(obj, talking(3))

    assert [t.name for t in ad.nla_tracks] == REBUILT_STACK
    assert ad.nla_tracks["DualTalk rest"].lock and not ad.nla_tracks["DualTalk rest"].mute
    assert ad.nla_tracks["DualTalk lips+jaw"].mute  # as the animator left it
    ad.nla_tracks["DualTalk lips+jaw"].mute = False
    strips = layers.our_strips(obj.data.shape_keys)
    assert strips["lips+jaw"].influence == pytest.approx(0.5)
    assert strips["lips+jaw"].name == "DualTalk lips+jaw"
    assert all(s.action is not None for s in strips.values())
    assert len([a for a in bpy.data.actions if keying.is_ours(a)]) == 5
    bpy.context.scene.frame_set(20)
    kb = obj.data.shape_keys.key_blocks["jawOpen"]
    value = kb.value
    layers.set_influence([obj.data.shape_keys], "lips+jaw", 1.0)
    bpy.context.scene.frame_set(20)
    assert value == pytest.approx(0.5 * kb.value, abs=1e-4)  # half the take over the rest value 0


def test_generate_after_the_two_lowest_tracks_were_deleted_rebuilds_the_stack():
    obj = br.make_character("Alice")
    apply_motion(obj, talking(0))
    ad = obj.data.shape_keys.animation_data
    ad.nla_tracks["DualTalk rest"].lock = False
    for name in ("DualTalk rest", "DualTalk lips+jaw"):
        ad.nla_tracks.remove(ad.nla_tracks[name])

    apply_motion(obj, talking(3))

    assert [t.name for t in ad.nla_tracks] == REBUILT_STACK
    assert np.ptp(jaw(obj)) > 0.1


def no_tongue(name: str, x: float):
    return br.make_character(name, [k for k in ARKIT52 if k != "tongueOut"], location=(x, 0.0, 0.0))


@pytest.mark.parametrize("late", ["A", "B"])
def test_a_refused_range_leaves_both_takes_as_they_were(late):
    """Between Generate and Re-generate Preview Range the modeller adds the tongueOut key the take has
    no curve for, on A or on B. The range is refused, and must change nothing: A's eyes layer was
    rewritten before its lips+jaw layer was found lacking, and a refusal on B came after A's
    range was written."""
    a, b = no_tongue("Alice", -0.5), no_tongue("Bob", 0.5)
    options = ApplyOptions(undo_push=False, gaze=False)
    apply_dialogue(a, b, talking(0, "A"), talking(1, "B"), options)
    before = take_keys(a), take_keys(b)
    (a if late == "A" else b).shape_key_add(name="tongueOut", from_mix=False).value = 0.0

    redo = options.replace(replace_range=(20, 30), markers=False, frame_range="keep")
    with pytest.raises(DualTalkError, match="no curve .*tongueOut"):
        apply_dialogue(a, b, talking(5, "A"), talking(6, "B"), redo)

    after = take_keys(a), take_keys(b)
    for was, now in zip(before, after, strict=True):
        assert was.keys() == now.keys()
        assert all(np.array_equal(was[k], now[k]) for k in was)


def test_range_refusals_name_the_character_not_its_shape_key_block():
    """Blender names shape-key blocks 'Key', 'Key.001': an animator never sees those names, so a
    refusal that says 'Key' does not say which character to fix."""
    a, b = br.make_character("Alice", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    options = ApplyOptions(undo_push=False, gaze=False)
    apply_dialogue(a, b, talking(0, "A"), talking(1, "B"), options)
    ad = a.data.shape_keys.animation_data
    ad.nla_tracks.remove(ad.nla_tracks["DualTalk lips+jaw"])

    redo = options.replace(replace_range=(20, 30), markers=False, frame_range="keep")
    with pytest.raises(DualTalkError) as refused:
        apply_dialogue(a, b, talking(5, "A"), talking(6, "B"), redo)
    message = str(refused.value)
    assert "'Alice'" in message and "'Key" not in message, message


def test_tweak_mode_refusal_names_the_character():
    obj = br.make_character("Alice")
    apply_motion(obj, talking(0))
    obj.data.shape_keys.animation_data.use_tweak_mode = True
    with pytest.raises(DualTalkError, match="tweak mode") as refused:
        apply_motion(obj, talking(1))
    assert "'Alice'" in str(refused.value) and "'Key" not in str(refused.value)
    # the panel's words and the command line's alike (review 26: "animate again" is the CLI's verb)
    assert str(refused.value).endswith("leave it (Tab in the NLA editor) and try again")
