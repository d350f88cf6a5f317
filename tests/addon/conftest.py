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
