"""A researcher saves FLAME capture at 60 fps in the dataset's layout (``exp``, ``pose``, ``fps=60``)
and keys it. Before, the file was read at 25 fps whatever it said (2.4x too slow, exit 0), its
speaking flags and role dropped; a ``values`` file with no ``fps`` was taken as 25 fps without a word
though docs/engine.md lists ``fps`` as required. Now a file's own ``fps`` is read in every layout, a
``values`` file that states none is refused in one line naming the member, and only the dataset
layout without ``fps`` is the dataset's 25 fps. The small messages at the seam say what is wrong
(review rv41b F1, F5)."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion
from dualtalk.inference.core.motion_meta import read_motion_meta


def _capture(frames: int) -> tuple[np.ndarray, np.ndarray]:
    exp = np.zeros((frames, 50), np.float32)
    pose = np.zeros((frames, 6), np.float32)
    pose[:, 3] = np.linspace(0.0, 0.3, frames)  # pose = [neck, jaw]: the jaw opens over the take
    return exp, pose


def test_a_dataset_layout_file_is_read_at_the_rate_it_states(tmp_path):
    exp, pose = _capture(120)
    speaking = np.r_[np.ones(60), np.zeros(60)].astype(np.uint8)
    path = tmp_path / "ds60.npz"
    np.savez(path, exp=exp, pose=pose, fps=60.0, speaking=speaking, role="B", start_time=1.5)
    motion = load_motion(path)
    assert motion.fps == 60.0 and motion.duration == pytest.approx(2.0)  # was 25 fps: 4.8 s
    assert motion.role == "B" and motion.speaking[:60].all() and not motion.speaking[60:].any()
    assert motion.start_time == 1.5
    record = read_motion_meta(path)  # the record reader agrees
    assert record.fps == 60.0 and record.role == "B" and record.num_frames == 120 and record.start_time == 1.5


def test_a_dataset_layout_file_without_fps_is_the_datasets_25(tmp_path):
    exp, pose = _capture(50)
    path = tmp_path / "ds.npz"
    np.savez(path, exp=exp, pose=pose)
    assert load_motion(path).fps == 25.0 and read_motion_meta(path).fps == 25.0


def test_a_dataset_layout_file_at_an_impossible_rate_is_refused(tmp_path):
    exp, pose = _capture(50)
    path = tmp_path / "ds.npz"
    np.savez(path, exp=exp, pose=pose, fps=0.0)
    with pytest.raises(DualTalkError, match=r"^ds.npz: motion fps must be between 1 and 1000, got 0$"):
        load_motion(path)


def test_a_values_file_that_states_no_rate_is_refused_naming_the_member(tmp_path):
    path = tmp_path / "nofps.npz"
    np.savez(path, space="arkit55", channels=np.array(ARKIT55), values=np.zeros((60, 55), np.float32))
    for read in (load_motion, read_motion_meta):
        with pytest.raises(DualTalkError, match=r"^nofps.npz has no fps member: .*fps=25.0"):
            read(path)


def test_a_file_with_values_but_no_space_is_told_the_space_is_missing(tmp_path):
    path = tmp_path / "nospace.npz"
    np.savez(path, channels=np.array(ARKIT55), values=np.zeros((50, 55), np.float32), fps=25.0)
    for read in (load_motion, read_motion_meta):
        with pytest.raises(DualTalkError, match=r"^nospace.npz has values but no space member"):
            read(path)


def test_a_meta_that_is_not_json_is_read_without_it_and_said(tmp_path, caplog):
    path = tmp_path / "badmeta.npz"
    np.savez(
        path, space="arkit55", channels=np.array(ARKIT55), values=np.zeros((50, 55), np.float32), fps=25.0,
        meta='{"behaviour": {"seed": 3}, }',
    )  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        motion = load_motion(path)
    assert motion.meta == {}
    said = [r.getMessage() for r in caplog.records if r.name == "dualtalk"]
    assert len(said) == 1 and said[0].startswith("badmeta.npz: its meta is not valid JSON"), said


def test_motion_brought_to_another_rate_keeps_its_seconds():
    from dualtalk.inference.core.motion import at_rate

    t = np.arange(100) / 25.0
    values = np.zeros((100, 55), np.float32)
    values[:, ARKIT55.index("jawOpen")] = t / 4.0  # a ramp: linear interpolation keeps it exactly
    motion = Motion("arkit55", values, fps=25.0, speaking=t >= 2.0, role="A", start_time=1.5)
    at60 = at_rate(motion, 60.0)
    assert at60.num_frames == 240 and at60.fps == 60.0 and at60.start_time == 1.5 and at60.role == "A"
    assert np.allclose(at60.channel("jawOpen")[:235], np.arange(235) / 60.0 / 4.0, atol=1e-6)
    assert abs(np.flatnonzero(at60.speaking)[0] / 60.0 - 2.0) <= 0.5 / 25.0  # the nearest frame's flag
    back = at_rate(at60, 25.0)
    assert np.array_equal(back.speaking, motion.speaking)
    assert np.allclose(back.values[:-1], motion.values[:-1], atol=1e-6)  # the last frame: held past the end
    assert at_rate(motion, 25.0) is motion


def test_two_characters_at_different_rates_are_refused_in_one_line():
    from dualtalk.inference.core.motion import at_rate, check_one_rate

    a = Motion("arkit55", np.zeros((96, 55), np.float32), fps=24.0)
    b = Motion("arkit55", np.zeros((240, 55), np.float32), fps=60.0)
    with pytest.raises(DualTalkError, match=r"^A is at 24 fps but B at 60 fps: .*save both at one rate"):
        check_one_rate(a, b)
    check_one_rate(a, at_rate(b, 24.0))
