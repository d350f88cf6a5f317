"""The add-on tests' shared fixtures: each module gets its own recording, tiny engine and models
folder (``assets``); each test a fresh scene with the add-on enabled and disabled after (``scene``).
A module that needs other assets defines its own ``assets``."""

from __future__ import annotations

import tempfile
from pathlib import Path

import addon_helpers as ah
import pytest


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    return ah.addon_assets(tmp_path_factory.mktemp("addon_assets"))


@pytest.fixture
def scene(assets):
    sc, _prefs = ah.fresh_scene_with_addon(assets["models"])
    yield sc
    ah.disable_addon()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The runs' temp folders go here, so what a run leaves is ours to see (and never another's)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(scope="module")
def worker_records(request, tmp_path_factory) -> Path:
    """Where a module's worker runs are kept (:func:`addon_helpers.replay_workers`), named for it."""
    return tmp_path_factory.mktemp(f"worker_records_{request.module.__name__}")


@pytest.fixture
def replayed_workers(worker_records):
    """The module's jobs run the real worker once each, then are answered from their record: for a
    module whose stories wait on the same take again and again (``pytest.mark.usefixtures``). A
    MonkeyPatch of its own: the test's ``monkeypatch``, taken here first, would be undone only after
    the ``scene`` teardown, which would then meet the test's stand-ins (``_own_dualtalk_home``)."""
    with pytest.MonkeyPatch.context() as mp:
        yield ah.replay_workers(mp, worker_records)
