"""A researcher scores a 30 or 60 fps system against the README's behaviour table. Before,
``eval behaviour`` read the same motion saved at another rate as another performance: at 30 fps the
partner's phrase ends moved (0.24 s of pause is 6 frames at 25 fps but 8 at 30), so a listener's nod
read as out of its 0.2-1.0 s window; at 60 fps the largest head step (a per-frame step) read 2.4x
calmer; and A at 24 fps beside B at 60 was refused as "96 frames but 240" though both were 4 s. Now
both files are measured at the layer's 25 fps, whatever rate each was saved at (review rv41b F4, F2)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from behaviour_takes import base_motion, demo_dialogue
from dualtalk.inference.behaviour import BehaviourSettings, apply_with_cues, dialogue_cues
from dualtalk.inference.core.motion import Motion, save_motion
from dualtalk.training.evaluation.behaviour import evaluate_files

__all__ = ["demo_dialogue"]  # the session fixture, used by name


def _saved_at(motion: Motion, fps: float) -> Motion:
    """The motion as another tool would save it at ``fps``: every number linearly interpolated over
    the same seconds, flags from the nearest 25 fps frame."""
    n = int(round(motion.num_frames * fps / 25.0))
    t_out, t_in = np.arange(n) / fps, np.arange(motion.num_frames) / 25.0

    def lerp(x):
        if x is None:
            return None
        return np.stack([np.interp(t_out, t_in, x[:, c]) for c in range(x.shape[1])], 1).astype(np.float32)

    near = np.minimum(np.round(t_out * 25.0).astype(int), motion.num_frames - 1)
    target = None if motion.gaze_target is None else motion.gaze_target[near]
    return dataclasses.replace(
        motion, values=lerp(motion.values), fps=fps, speaking=motion.speaking[near], gaze_target=target,
        gaze_dir=lerp(motion.gaze_dir), overlay=lerp(motion.overlay),
    )  # fmt: skip


@pytest.fixture(scope="module")
def takes(demo_dialogue, tmp_path_factory):
    """The demo dialogue with the behaviour layer on, saved at 25, 30 and 60 fps (one folder each)."""
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    a, b = apply_with_cues(a, b, *dialogue_cues(demo_dialogue, a.num_frames), BehaviourSettings(seed=1))
    root = tmp_path_factory.mktemp("rates")
    for fps in (25.0, 30.0, 60.0):
        folder = root / f"at{fps:g}"
        folder.mkdir()
        save_motion(folder / "A.npz", _saved_at(a, fps))
        save_motion(folder / "B.npz", _saved_at(b, fps))
    return root


@pytest.mark.parametrize("fps", [30, 60])
def test_the_same_motion_at_another_rate_reads_the_same_numbers(takes, fps):
    at25 = evaluate_files([takes / "at25"])["after"]["A"]
    other = evaluate_files([takes / f"at{fps}"])["after"]["A"]
    assert at25["nods"] >= 1  # the listener nods after B's phrase end, inside the window
    assert other["nods"] == at25["nods"]
    assert other["nods_in_0.2_1.0s"] == at25["nods_in_0.2_1.0s"]  # 30 fps read 0.0 against 1.0 before
    assert other["blinks_per_min"] == pytest.approx(at25["blinks_per_min"], abs=0.01)
    # the largest step per 25 fps frame: 60 fps read 0.47 deg against 1.14 before (pitch)
    assert other["head_largest_step"] == pytest.approx(at25["head_largest_step"], abs=0.2)


def test_a_and_b_saved_at_different_rates_are_measured_together(takes):
    mixed = evaluate_files([takes / "at30" / "A.npz", takes / "at60" / "B.npz"])["after"]
    alike = evaluate_files([takes / "at25"])["after"]
    assert mixed["A"]["frames"] == mixed["B"]["frames"] == alike["A"]["frames"]  # was refused: frames differ
    assert mixed["A"]["nods_in_0.2_1.0s"] == alike["A"]["nods_in_0.2_1.0s"]


def _without_speaking(src, dst):
    """The file as another tool writes it: the same members, no ``speaking``."""
    with np.load(src, allow_pickle=False) as data:
        np.savez(dst, **{k: data[k] for k in data.files if k != "speaking"})


def test_files_without_speaking_flags_say_so_instead_of_scoring_a_speaker_as_a_listener(
    takes, tmp_path, caplog
):
    """Another tool's files without ``speaking`` read as silent throughout: every head beat of a
    speaker counted as a listener's nod, exit 0, no word said (review rv42b F4). Now that
    character's speaking and listening rows are n/a, named so, with one warning line; the numbers
    that need no flags stay as they were."""
    from dualtalk.training.evaluation.behaviour import format_table

    with_flags = evaluate_files([takes / "at25"])["after"]
    _without_speaking(takes / "at25" / "A.npz", tmp_path / "A.npz")
    with caplog.at_level("WARNING", logger="dualtalk"):
        result = evaluate_files([tmp_path / "A.npz", takes / "at25" / "B.npz"])
    a, b = result["after"]["A"], result["after"]["B"]
    assert [r.getMessage() for r in caplog.records] == [
        "A.npz (A) has no speaking flags: the speaking and listening numbers are n/a (they would count "
        "the whole take as listening); add a 'speaking' member (0/1 per frame), or measure the take with --audio"
    ]
    for key in ("nods_per_listening_min", "head_std_listening", "blinks_per_min_listening", "gaze_speaking"):
        assert a[key] is None, key
    assert a["head_largest_step"] == with_flags["A"]["head_largest_step"]
    # B's own rows stand; those that read A's flags (A's phrase ends) do not
    assert b["head_std_listening"] == with_flags["B"]["head_std_listening"]
    assert b["nod_lag_median_s"] is None
    table = {line.split("  ")[0]: line for line in format_table(result).splitlines()}
    assert "n/a (no speaking flags)" in table["nods per listening min"]
    assert "n/a (partner: no speaking flags)" in table["nod lag median (s)"]
