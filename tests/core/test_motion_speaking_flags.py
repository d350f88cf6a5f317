"""A pipeline TD writes motion files from their own tool. The ``speaking`` flags (one per frame: is
this character talking?) drive the turn markers and the behaviour layer, so a file whose flags are
not flags is refused in one line naming the file, as ``gaze_target`` is, instead of being keyed:

- NaN (a tool's "unknown") became "speaking" (``bool(nan)`` is True): the markers said A talks
  throughout; 0.5 or 2 became "speaking" too (review 29a, nit 10c: rc 0, no word);
- a (100, 2) table was said as "speaking flags have 200 frames, motion has 100", counting values,
  not rows (review 29a, nit 10e).

Flags as bool, or 0/1 in any real dtype (uint8 as DualTalk writes them, float 0.0/1.0, int64), and
a (frames, 1) column still load as before."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion

FRAMES = 100


def _motion_file(path, speaking) -> str:
    """A good 100-frame motion file, then its ``speaking`` member replaced as another tool wrote it."""
    save_motion(path, Motion("arkit55", np.zeros((FRAMES, 55), np.float32), role="A"))
    with np.load(path) as data:
        members = {name: data[name] for name in data.files}
    members["speaking"] = np.asarray(speaking)
    np.savez(path, **members)
    return str(path)


@pytest.mark.parametrize(
    ("speaking", "said"),
    [
        (np.full(FRAMES, np.nan), "got nan at frame 0 and 99 more"),
        (np.r_[np.ones(10), np.full(FRAMES - 10, 0.5)], "got 0.5 at frame 10 and 89 more"),
        (np.r_[[0, 1, 2], np.zeros(FRAMES - 3, np.int64)], "got 2 at frame 2"),
        (np.r_[np.zeros(FRAMES - 1), [np.inf]], "got inf at frame 99"),
    ],
    ids=["nan", "half", "two", "inf"],
)
def test_speaking_flags_that_are_not_0_or_1_are_refused_naming_the_first(tmp_path, speaking, said):
    with pytest.raises(DualTalkError) as err:
        load_motion(_motion_file(tmp_path / "A.npz", speaking))
    assert str(err.value) == f"A.npz: speaking flags must be 0 (silent) or 1 (speaking), {said}"


def test_several_flags_per_frame_are_called_a_table_not_more_frames(tmp_path):
    with pytest.raises(DualTalkError) as err:
        load_motion(_motion_file(tmp_path / "A.npz", np.zeros((FRAMES, 2), np.uint8)))
    assert str(err.value) == (
        "A.npz: speaking flags are a (100, 2) table, motion has 100 frames; give one flag per frame"
    )


@pytest.mark.parametrize(
    "speaking",
    [
        np.arange(FRAMES) < 40,
        (np.arange(FRAMES) < 40).astype(np.uint8),
        (np.arange(FRAMES) < 40).astype(np.float32),
        (np.arange(FRAMES) < 40).astype(np.int64),
        (np.arange(FRAMES) < 40).astype(np.float16)[:, None],
    ],
    ids=["bool", "uint8", "float32", "int64", "column"],
)
def test_flags_as_bool_or_0_and_1_of_any_number_type_load_as_before(tmp_path, speaking):
    motion = load_motion(_motion_file(tmp_path / "A.npz", speaking))
    assert motion.speaking.dtype == bool and motion.speaking.shape == (FRAMES,)
    assert motion.speaking.sum() == 40 and motion.speaking[:40].all()


def test_a_flag_count_that_differs_from_the_frames_still_says_both(tmp_path):
    with pytest.raises(DualTalkError, match=r"^A\.npz: speaking flags have 99 frames, motion has 100$"):
        load_motion(_motion_file(tmp_path / "A.npz", np.zeros(FRAMES - 1, bool)))
