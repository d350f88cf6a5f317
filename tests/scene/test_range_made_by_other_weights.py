"""A range re-generated after an update shipped new built-in weights (or with another checkpoint) is
another model's mouth and head between the take's frames: said in one line naming both, so the
animator knows to Generate the whole take again (review 33u F6: a November take's range moved the mouth
0.031 from the take on average, against 0.013 with today's weights, and nothing said why)."""

from __future__ import annotations

import dataclasses

import blender_rigs as br
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")

OLD, NEW = "a" * 64, "b" * 64


def motion(sha: str, engine: str = "lite", seed: int = 0) -> Motion:
    v = np.random.default_rng(seed).uniform(0.0, 0.6, (60, 55)).astype(np.float32)
    v[:, 52:] = 0.0
    return Motion("arkit55", v, engine=engine, checkpoint_sha256=sha)


def range_warnings(take: Motion, part: Motion) -> list[str]:
    obj = br.make_character("Ann")
    apply_motion(obj, take, ApplyOptions(take="t1"))
    report = apply_motion(obj, part, ApplyOptions(take="t1", replace_range=(20, 30)))
    return [w for w in report.warnings if "range was made by" in w]


def test_a_range_by_other_weights_than_its_take_is_said():
    [line] = range_warnings(motion(OLD), motion(NEW, seed=1))
    assert line == (
        "Ann: the range was made by the lite engine's weights bbbbbbbbbbbb, the take by the lite engine's "
        "weights aaaaaaaaaaaa: its mouth and head move as another model's between the take's frames; "
        "Generate the whole take again for one performance"
    )


def test_a_range_by_the_takes_own_weights_says_nothing():
    assert range_warnings(motion(OLD), motion(OLD, seed=1)) == []


def test_weights_not_known_on_either_side_say_nothing():
    assert range_warnings(motion(""), motion(NEW, seed=1)) == []  # a take from motion a script made
    assert range_warnings(motion(OLD), dataclasses.replace(motion(OLD, seed=1), checkpoint_sha256="")) == []
