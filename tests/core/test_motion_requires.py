"""A studio runs two DualTalk versions side by side. A motion file a newer build wrote with a feature
this build does not know (say a newer gaze model's arrays) must not be keyed as if it were not there:
the reader refuses it in one line ("made by a newer DualTalk; update the extension"). The files this
build writes say which of their features a reader must honour (``requires``), and files written
before that member existed still load."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion

T = 10


def _motion(**extra) -> Motion:
    return Motion("arkit55", np.full((T, 55), 0.2, np.float32), role="A", engine="lite", **extra)


def _with_gaze() -> Motion:
    return _motion(
        gaze_target=np.ones(T, np.int8),
        gaze_dir=np.zeros((T, 2), np.float32),
        overlay_channels=("eyeBlinkLeft",),
        overlay=np.zeros((T, 1), np.float32),
    )


def _members(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _rewrite(path, members: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    path.write_bytes(buffer.getvalue())


def test_a_file_lists_the_features_a_reader_must_honour(tmp_path):
    save_motion(tmp_path / "plain.npz", _motion())
    save_motion(tmp_path / "gaze.npz", _with_gaze())
    assert list(_members(tmp_path / "plain.npz")["requires"]) == []
    assert list(_members(tmp_path / "gaze.npz")["requires"]) == ["gaze", "overlay"]
    assert load_motion(tmp_path / "gaze.npz").gaze_target is not None


def test_a_file_from_a_newer_dualtalk_is_refused_in_one_line(tmp_path):
    path = tmp_path / "A.npz"
    save_motion(path, _with_gaze())
    members = _members(path)
    _rewrite(path, {**members, "requires": np.array(["gaze", "gaze_v2"]), "gaze_v2": np.zeros((T, 3))})
    with pytest.raises(DualTalkError) as refused:
        load_motion(path)
    line = str(refused.value)
    assert "\n" not in line
    assert line.startswith("A.npz was made by a newer DualTalk: it requires 'gaze_v2'")
    assert line.endswith("update the extension")


def test_a_requires_member_that_is_not_names_is_refused(tmp_path):
    path = tmp_path / "A.npz"
    save_motion(path, _motion())
    _rewrite(path, {**_members(path), "requires": np.arange(3.0)})
    with pytest.raises(DualTalkError, match=r"^A\.npz: requires must list feature names"):
        load_motion(path)


def test_an_old_file_without_requires_still_loads(tmp_path):
    """Written the old way: gaze arrays and no ``requires`` member (every file before it existed)."""
    path = tmp_path / "old.npz"
    save_motion(path, _with_gaze())
    members = _members(path)
    members.pop("requires", None)
    _rewrite(path, members)
    with zipfile.ZipFile(path) as archive:
        assert "requires.npy" not in archive.namelist()
    motion = load_motion(path)
    assert motion.gaze_target is not None and motion.overlay is not None
