"""How far the head jumps in one frame: a number the table prints, for a take and for the tracked
person, so that "largest animated step" in the docs is something anyone can measure again."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import CHANNELS, SPACE_ARKIT
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation import behaviour as ev

FPS = 25.0
T = 750


def _take(head_deg: np.ndarray, role: str) -> Motion:
    values = np.zeros((len(head_deg), len(CHANNELS[SPACE_ARKIT])), dtype=np.float32)
    values[:, 52:] = np.radians(head_deg)
    speaking = np.zeros(len(head_deg), dtype=bool)
    speaking[: len(head_deg) // 2] = role == "A"
    speaking[len(head_deg) // 2 :] = role == "B"
    return Motion(space=SPACE_ARKIT, values=values, speaking=speaking, engine="lite", role=role)


def _sway(amplitude: float) -> np.ndarray:
    t = np.arange(T) / FPS
    return amplitude * np.stack([np.sin(2 * np.pi * 0.5 * t + k) for k in range(3)], axis=1)


def test_one_jerk_in_a_calm_head_reads_as_the_largest_step_whatever_the_spread():
    """A 2 deg sway (at most 0.25 deg a frame) with the chin dropping 5 deg in one frame halfway
    through: the spread barely moves, the largest step reads the 5 deg jump on pitch alone."""
    calm = _sway(2.0)
    jerk = calm.copy()
    jerk[400:, 0] += 5.0
    assert ev.largest_step(calm) == pytest.approx([0.25] * 3, abs=0.01)
    step = ev.largest_step(jerk)
    assert step is not None and step[0] == pytest.approx(5.0, abs=0.3) and max(step[1:]) < 0.26
    assert ev.largest_step(calm[:1]) is None  # one frame: no step to measure


def test_the_table_shows_each_characters_largest_step_and_the_suite_its_largest_over_both():
    """Ann sways calmly, Ben's yaw jumps 3 deg once: the per-character table shows each, and the
    suite's pooled row takes the largest over both characters (a jerk is seen, not averaged away)."""
    ben_head = _sway(1.0)
    ben_head[300:, 1] -= 3.0
    ann, ben = _take(_sway(1.0), "A"), _take(ben_head, "B")
    rows = {"A": ev.measure(ev.take_from(ann, ben)), "B": ev.measure(ev.take_from(ben, ann))}
    assert rows["B"]["head_largest_step"][1] == pytest.approx(3.0, abs=0.2)
    assert max(rows["A"]["head_largest_step"]) < 0.2
    line = next(ln for ln in ev.format_table({"after": rows}).splitlines() if ln.startswith("largest head"))
    assert line.split()[-2:] == ["0.1/0.1/0.1", "0.1/2.9/0.1"]
    pooled = ev.pooled({"before": rows, "after": rows})["after"]
    assert pooled["head_largest_step"] == pytest.approx(
        np.max([rows["A"]["head_largest_step"], rows["B"]["head_largest_step"]], axis=0).tolist()
    )
    table = ev.format_suite(
        {"seeds": 1, "takes": {"t": {**ev.pooled({"before": rows, "after": rows}), "lips_identical": True}}}
    )
    head, on = table.splitlines()[0], next(ln for ln in table.splitlines() if ln.startswith("| t | on"))
    column = [c.strip() for c in head.split("|")].index("largest head step p/y/r (deg)")
    assert [c.strip() for c in on.split("|")][column] == "0.1/2.9/0.1"


def test_the_tracked_person_s_largest_step_is_shown_beside_the_take(demo_clip):
    """The shared clip's tracked speaker 2 (an animated speaker): at most 4.3 deg of pitch, 6.0 of
    yaw and 4.0 of roll in one frame, printed in the suite's tracked-speaker row."""
    from dualtalk.inference.audio import load_dialogue

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    ref = ev.reference_head(demo_clip["npz2"], np.asarray(d.active_b, dtype=bool))
    assert ref["largest_step"] == pytest.approx([4.35, 5.99, 4.01], abs=0.01)
    a, b = _take(_sway(1.0), "A"), _take(_sway(1.0), "B")
    rows = {"A": ev.measure(ev.take_from(a, b)), "B": ev.measure(ev.take_from(b, a))}
    take = {**ev.pooled({"before": rows, "after": rows}), "lips_identical": True}
    take["reference"] = {**ref, "role": "B", "after": ref["std"], "sharpness_after": ref["sharpness"]}
    lines = ev.format_suite({"seeds": 1, "takes": {"clip": take}}).splitlines()
    column = [c.strip() for c in lines[0].split("|")].index("largest head step p/y/r (deg)")
    tracked = next(ln for ln in lines if ln.startswith("| clip: tracked speaker B"))
    assert [c.strip() for c in tracked.split("|")][column] == "4.3/6.0/4.0"
