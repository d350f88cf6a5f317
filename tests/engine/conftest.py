"""Fixtures shared by the engine's stories: a short two-voice recording, and an engine that must
not load (a refusal has to come before it)."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.inference import pipeline


@pytest.fixture
def no_engine(monkeypatch):
    """Loading an engine fails the test: every refusal here must come before it."""

    def loaded(self, request, progress=None):
        raise AssertionError("the engine was loaded before the refusal")

    monkeypatch.setattr(pipeline.Engines, "get", loaded)


@pytest.fixture
def talk(tmp_path):
    return ah.write_dialogue_wav(tmp_path / "talk.wav")
