"""An animator renames the jaw shape key a take keys (jawOpen -> JawOpen_hero) and generates again,
and again, and re-generates a range. Each of those holds the renamed key at rest (the mouth will not
open), and each says so in one line: only the first Generate used to, and every later one (and every
range) kept the mouth shut without a word."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

FPS = 25
TAKE = 200
JAW = ARKIT52.index("jawOpen")
SAID = "Ann: the shape key jawOpen is missing (renamed to JawOpen_hero since the take)"

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = TAKE, seed: int = 0) -> Motion:
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, JAW] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t + seed)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B") + seed)
    return Motion("arkit55", v, role=role)


def generate(ann, ben, options: ApplyOptions, seed: int = 0) -> list[str]:
    rep_a, rep_b, _ = apply_dialogue(ann, ben, talking("A", seed=seed), talking("B", seed=seed), options)
    return rep_a.warnings + rep_b.warnings


def regenerate_range(ann, ben, options: ApplyOptions, first: int, last: int) -> list[str]:
    plan = range_plan.plan_range((ann, ben), FPS, first, last, options.crossfade)
    start = plan.start_frame - plan.take_start
    frames = min(TAKE - start, int(round(plan.audio_end * FPS)) - start)
    again = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, rep_b, _ = apply_dialogue(
        ann, ben, talking("A", start, frames, seed=3), talking("B", start, frames, seed=3), again
    )
    return rep_a.warnings + rep_b.warnings


def jaw_shut(ann) -> bool:
    values = []
    for f in range(60, 141, 8):
        bpy.context.scene.frame_set(f)
        values.append(ann.data.shape_keys.key_blocks["JawOpen_hero"].value)
    return max(values) < 1e-6


def test_every_generate_and_range_that_holds_the_renamed_jaw_at_rest_says_so():
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    options = ApplyOptions(undo_push=False, gaze=False)
    generate(ann, ben, options)
    ann.data.shape_keys.key_blocks["jawOpen"].name = "JawOpen_hero"

    for seed in (0, 1, 2):  # Generate, then Generate again twice
        said = [w for w in generate(ann, ben, options, seed=seed) if w.startswith(SAID)]
        assert len(said) == 1, (seed, said)
        assert "the mouth will not open" in said[0]
        assert jaw_shut(ann)

    said = [w for w in regenerate_range(ann, ben, options, 80, 120) if w.startswith(SAID)]
    assert len(said) == 1, said
    assert "holds JawOpen_hero at rest" in said[0]
    assert jaw_shut(ann)
