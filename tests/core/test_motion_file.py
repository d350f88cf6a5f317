"""The motion file is the seam between engine and Blender: it must round-trip exactly."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55, FLAME56, SPACE_ARKIT, SPACE_FLAME
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion


def test_flame_motion_round_trips_with_dataset_layout(tmp_path, rng):
    exp = rng.normal(size=(40, 50)).astype(np.float32)
    pose = rng.normal(size=(40, 6)).astype(np.float32)
    speaking = rng.random(40) > 0.5
    m = Motion.from_flame(exp, pose, speaking=speaking, engine="dualtalk", role="A", meta={"k": 1})
    path = save_motion(tmp_path / "a.npz", m)
    back = load_motion(path)
    assert back.space == SPACE_FLAME and back.channels == FLAME56
    np.testing.assert_array_equal(back.exp, exp)
    np.testing.assert_array_equal(back.pose, pose)
    np.testing.assert_array_equal(back.speaking, speaking)
    assert back.role == "A" and back.engine == "dualtalk" and back.meta == {"k": 1}
    # jaw is model channels 50:53 and dataset pose[:, 3:]
    np.testing.assert_array_equal(back.values[:, 50:53], pose[:, 3:])
    with np.load(path) as raw:  # dataset tools read exp/pose directly
        np.testing.assert_array_equal(raw["pose"], pose)


def test_dataset_npz_loads_as_flame(demo_clip):
    m = load_motion(demo_clip["npz2"])
    assert m.space == SPACE_FLAME and m.num_frames == 587 and m.fps == 25.0


def test_arkit_motion_round_trips(tmp_path, rng):
    vals = rng.random((10, len(ARKIT55))).astype(np.float32)
    back = load_motion(save_motion(tmp_path / "b.npz", Motion(space=SPACE_ARKIT, values=vals)))
    np.testing.assert_array_equal(back.values, vals)
    assert back.channel("jawOpen").shape == (10,)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip", b"PK\x03\x04garbage"],
)
def test_bad_motion_files_are_refused(tmp_path, content):
    p = tmp_path / "bad.npz"
    p.write_bytes(content)
    with pytest.raises(DualTalkError):
        load_motion(p)


def test_a_file_that_is_no_npz_is_called_so_not_pickled(tmp_path):
    p = tmp_path / "take.npz"
    p.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    with pytest.raises(
        DualTalkError, match=r"^take.npz is not a readable .npz motion file \(not an npz archive\)$"
    ):
        load_motion(p)


def test_pickled_object_arrays_are_refused(tmp_path):
    p = tmp_path / "obj.npz"
    np.savez(p, values=np.array([{"a": 1}], dtype=object), space=np.array("flame56"))
    with pytest.raises(DualTalkError):
        load_motion(p)


def test_wrong_shapes_and_nan_are_refused():
    with pytest.raises(DualTalkError):
        Motion(space=SPACE_FLAME, values=np.zeros((5, 55)))
    with pytest.raises(DualTalkError):
        Motion(space=SPACE_FLAME, values=np.full((5, 56), np.nan))
    with pytest.raises(DualTalkError):
        Motion(space="smpl", values=np.zeros((5, 56)))


def test_save_is_atomic_no_partial_left_behind(tmp_path):
    m = Motion(space=SPACE_ARKIT, values=np.zeros((3, 55)))
    save_motion(tmp_path / "m.npz", m)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_saved_files_get_normal_permissions(tmp_path):
    import os
    import stat

    path = save_motion(tmp_path / "p.npz", Motion(space=SPACE_ARKIT, values=np.zeros((2, 55))))
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
