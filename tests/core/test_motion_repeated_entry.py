"""A motion file whose archive lists ``values.npy`` twice: numpy reads the last entry, ``unzip`` and
other tools the first, so one file shows two takes (the classic way to slip a payload past a
check). Keyed without a word before; now refused as damaged, by the loader and the record reader
alike (the add-on's Apply Take, ``animate`` and ``eval behaviour`` read through them)."""

from __future__ import annotations

import io
import warnings
import zipfile

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55, SPACE_ARKIT
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from dualtalk.inference.core.motion_meta import read_motion_meta


@pytest.fixture
def tampered(tmp_path):
    values = np.zeros((50, len(ARKIT55)), np.float32)
    path = save_motion(tmp_path / "A.npz", Motion(space=SPACE_ARKIT, values=values, fps=25.0, role="A"))
    assert load_motion(path).values.max() == 0.0  # whole before the second entry is added
    second = io.BytesIO()
    np.save(second, np.full_like(values, 5.0))
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile's "Duplicate name" warning
        archive.writestr("values.npy", second.getvalue())
    return path


@pytest.mark.parametrize("reader", [load_motion, read_motion_meta], ids=["load_motion", "read_motion_meta"])
def test_a_motion_file_listing_an_entry_twice_is_refused_as_damaged(tampered, reader):
    with pytest.raises(DualTalkError) as refused:
        reader(tampered)
    assert (
        str(refused.value)
        == "A.npz is not a readable .npz motion file (it holds two entries named 'values.npy')"
    )
