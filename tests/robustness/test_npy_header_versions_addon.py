"""Robustness matrix, add-on: Apply Saved Take on a take folder whose motion file no take could be
(a ``.npy`` 3.0 header claiming a billion frames, a ``meta`` declaring hundreds of MB) or that this
machine has no memory for is one ``DualTalk: ...`` line, and the scene stays as it was.

Before (review 29a, finding 1): Blender's report was a Python traceback ending in numpy's
``_ArrayMemoryError: Unable to allocate 205. GiB``."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from test_npy_header_versions import npy_bytes, streamed_member, with_members


@pytest.fixture
def scene(assets):
    sc, _prefs = ah.fresh_scene_with_addon(assets["models"])
    a, b = ah.two_characters()
    ah.setup_panel(sc, a, b, assets["wav"], assets["ckpt"])
    yield sc
    ah.disable_addon()


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    return ah.addon_assets(tmp_path_factory.mktemp("npy_headers_addon"))


def _refused(folder) -> str:
    """Apply Saved Take refused: the one line of the operator's error report and the status line."""
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.apply_take(directory=str(folder))
    said = bpy.context.window_manager.dualtalk_status.last
    assert str(err.value).strip() == f"Error: {said}", str(err.value)[-600:]
    assert said.startswith("DualTalk: ") and "\n" not in said and "Traceback" not in said, said
    return said


def _take(tmp_path):
    """A kept 2 s take of Alice and Bob (``infer --out`` layout: A.npz and B.npz, no result.json)."""
    take = ah.write_two_second_take(tmp_path / "take")
    (take / "A.npz").rename(tmp_path / "good_A.npz")
    return take, tmp_path / "good_A.npz"


def test_apply_saved_take_of_a_version_3_file_claiming_a_billion_frames_is_one_line(scene, tmp_path):
    take, good = _take(tmp_path)
    with_members(
        good, take / "A.npz",
        values=npy_bytes((3, 0), "<f4", (10**9, 55)) + b"\0" * 64,
        speaking=npy_bytes((3, 0), "|u1", (10**9,)) + b"\0" * 8,
    )  # fmt: skip
    before = ah.scene_fingerprint(scene)
    said = _refused(take)
    assert "A.npz is longer than four hours" in said, said
    assert ah.scene_fingerprint(scene) == before


def test_apply_saved_take_of_a_meta_bomb_is_one_line(scene, tmp_path):
    take, good = _take(tmp_path)
    chars = 20_000_000
    streamed_member(good, take / "A.npz", "meta", npy_bytes((1, 0), f"<U{chars}", ()), chars * 4, b" \0\0\0")
    before = ah.scene_fingerprint(scene)
    assert "A.npz: meta declares 80 MB of text, more than any take holds" in _refused(take)
    assert ah.scene_fingerprint(scene) == before


def test_apply_saved_take_with_no_memory_left_for_a_motion_file_is_one_line(scene, tmp_path, monkeypatch):
    take, good = _take(tmp_path)
    good.rename(take / "A.npz")
    real_getitem = np.lib.npyio.NpzFile.__getitem__

    def no_room(self, key):
        if key == "values":
            raise MemoryError("Unable to allocate")
        return real_getitem(self, key)

    monkeypatch.setattr(np.lib.npyio.NpzFile, "__getitem__", no_room)
    before = ah.scene_fingerprint(scene)
    said = _refused(take)
    assert "not enough memory to read the motion file A.npz" in said and "--window" not in said, said
    assert ah.scene_fingerprint(scene) == before
