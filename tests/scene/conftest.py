"""Shared fixture of the scene tests: each test that asks starts from an empty scene at 25 fps."""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest


@pytest.fixture
def fresh_scene():
    """An empty scene at 25 fps (the motion rate, so frames map one to one)."""
    br.reset()
    bpy.context.scene.render.fps = 25
    yield
