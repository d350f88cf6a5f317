"""A TD's farm shares one ``$DUALTALK_HOME`` among the render group (umask 002), so the recognised
words and a recording's cues one user's run kept are read by the next user's range instead of being
made again. Before, each entry was written through ``mkstemp`` and kept its 0600: every other user's
run measured the recording again and wrote its own entry beside it (review 33u: a c881cb5 entry
-rw-r--r--, today's -rw-------). Now an entry gets what a plain ``open()`` gives under the umask, as
every other file DualTalk writes through a temporary (``core.fileio.plain_mode``)."""

from __future__ import annotations

import os
import stat

import pytest
from dualtalk.inference.kept_folder import RECOGNISED, RECORDING_CUES


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)

    before = os.umask(0o022)
    os.umask(before)
    yield set_mask
    os.umask(before)


@pytest.mark.parametrize("kept", [RECOGNISED, RECORDING_CUES], ids=lambda k: k.name)
@pytest.mark.parametrize(("mask", "mode"), [(0o002, 0o664), (0o022, 0o644), (0o077, 0o600)])
def test_a_kept_entry_gets_the_mode_a_plain_file_would(kept, mask, mode, umask):
    umask(mask)
    folder = kept.usable()
    assert folder is not None
    key = "ab" * 32

    kept.store(folder, key, lambda fh: fh.write(b"{}"), keep=10)

    entry = folder / f"{key}{kept.suffix}"
    assert stat.S_IMODE(entry.stat().st_mode) == mode
    assert [p.name for p in folder.iterdir()] == [entry.name]  # no temporary left
