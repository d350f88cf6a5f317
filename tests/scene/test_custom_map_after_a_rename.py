"""An animator renames a shape key after the take and follows Generate's advice with a one-entry
custom map (review rv37a, finding 3).

The client's rig convention renames ``jawOpen`` to ``JawOpen_hero``; Generate says so and suggests
mapping it. A map that names only the jaw keys only the jaw: the next Generate dropped the other
mouth channels from every DualTalk track without holding them anywhere, so they stopped and held the
pose that was on screen (mouthSmileLeft 0.9 on every frame), with no word; Remove Take then left that
pose on the face, though each shape key the take keyed is promised the value it held before the take.
Now the channels the map no longer names are held at rest and said in one line, and Remove Take gives
them back what they held before the first take.
"""

from __future__ import annotations

import json

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

FPS = 25
TAKE = 100
MOUTH = ("jawOpen", "mouthSmileLeft", "mouthFunnel", "mouthPucker")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str) -> Motion:
    """Every mouth channel moving (0.1..0.9), so a channel that stops shows."""
    t = np.arange(TAKE)[:, None] / FPS
    v = np.zeros((TAKE, 55), np.float32)
    for i, name in enumerate(MOUTH):
        v[:, ARKIT52.index(name)] = (0.5 + 0.4 * np.sin(2 * np.pi * (1.0 + 0.3 * i) * t[:, 0])).astype(
            np.float32
        )
    return Motion("arkit55", v, role=role)


def generate(ann, ben, options: ApplyOptions) -> list[str]:
    rep_a, rep_b, _ = apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    return rep_a.warnings + rep_b.warnings


def played(obj, name: str, frames=range(1, TAKE + 1, 7)) -> np.ndarray:
    out = []
    for f in frames:
        bpy.context.scene.frame_set(f)
        out.append(obj.data.shape_keys.key_blocks[name].value)
    return np.array(out)


def renamed_and_mapped(tmp_path):
    """The take, then the rename and the one-entry map the warning suggests."""
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    keys = ann.data.shape_keys.key_blocks
    keys["mouthFunnel"].value = 0.2  # her sliders before the take: what Remove Take gives back
    keys["jawOpen"].value = 0.1
    generate(ann, ben, ApplyOptions(undo_push=False, gaze=False))
    assert np.ptp(played(ann, "mouthSmileLeft")) > 0.5  # the take moves her smile
    keys["jawOpen"].name = "JawOpen_hero"
    path = tmp_path / "hero.json"
    path.write_text(json.dumps({"version": 1, "space": "arkit55", "map": {"jawOpen": "JawOpen_hero"}}))
    bpy.context.scene.frame_set(TAKE // 2)  # the pose on screen when Generate is pressed
    return ann, ben, ApplyOptions(undo_push=False, gaze=False, mapping_a=str(path))


def test_channels_a_one_entry_map_leaves_out_are_held_at_rest_and_said(tmp_path):
    ann, ben, options = renamed_and_mapped(tmp_path)

    warnings = generate(ann, ben, options)

    assert np.ptp(played(ann, "JawOpen_hero")) > 0.5  # the map brings the jaw back
    for name in ("mouthSmileLeft", "mouthPucker", "mouthFunnel"):
        assert played(ann, name) == pytest.approx(0.0, abs=1e-6), name  # held at rest, not a frozen pose
    said = [w for w in warnings if w.startswith("Ann: the take before keyed")]
    assert len(said) == 1, warnings
    # the lips+jaw layer's other 27 (eyes and brows, which the map keys none of, play the take as it was)
    assert (
        "keyed 27 channels this one does not (jawForward, jawLeft, jawRight, mouthClose and 23 more)"
        in said[0]
    )
    assert "held at rest" in said[0] and "Custom maps" in said[0], said
    assert not [w for w in warnings if w.startswith("Ben:")], warnings  # Ben's map is unchanged: nothing said


def test_remove_take_after_the_map_gives_them_back_what_they_held_before_the_take(tmp_path):
    ann, ben, options = renamed_and_mapped(tmp_path)
    generate(ann, ben, options)

    remove_take([ann, ben])

    assert played(ann, "mouthSmileLeft") == pytest.approx(0.0, abs=1e-6)
    assert played(ann, "mouthPucker") == pytest.approx(0.0, abs=1e-6)
    assert played(ann, "mouthFunnel") == pytest.approx(0.2, abs=1e-6)  # her slider, as before the take
    assert played(ann, "JawOpen_hero") == pytest.approx(0.1, abs=1e-6)  # the jaw's, under its new name


def test_remove_take_gives_back_channels_an_earlier_build_dropped_from_the_tracks(tmp_path):
    """A file keyed by the earlier build: the mapped take's tracks hold nothing of the smile or the
    funnel (dropped, not held at rest), so they froze; Remove Take gives them their values before the
    take from its record all the same."""
    ann, ben, options = renamed_and_mapped(tmp_path)
    generate(ann, ben, options)
    rest = layers.our_strips(ann.data.shape_keys)[layers.REST]
    bag = compat.channelbag(rest.action, rest.action_slot)
    for fc in [fc for fc in bag.fcurves if "mouthSmileLeft" in fc.data_path or "mouthFunnel" in fc.data_path]:
        bag.fcurves.remove(fc)  # as the earlier build left it
    keys = ann.data.shape_keys.key_blocks
    keys["mouthSmileLeft"].value, keys["mouthFunnel"].value = 0.9, 0.7  # the pose it froze at

    remove_take([ann, ben])

    assert played(ann, "mouthSmileLeft") == pytest.approx(0.0, abs=1e-6)
    assert played(ann, "mouthFunnel") == pytest.approx(0.2, abs=1e-6)
