"""The render's first line advised "for a quick preview: --resolution 480x270 --samples 1" at 320x180
with 1 sample, for Workbench (which has no samples), and named flags in a job's log, where the fields
are ``resolution``/``samples`` (review rv36b R3). It is now said only where it would make the render
quicker, naming only what would, in the words of where the render was asked for."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.scene.render import preview_hint, render_shot
from test_render_killed_run import _scene


def _eevee(width, height, samples):
    scene = _scene()
    scene.render.engine = "BLENDER_EEVEE"
    scene.render.resolution_x, scene.render.resolution_y = width, height
    scene.render.resolution_percentage = 100
    scene.eevee.taa_render_samples = samples
    return scene


@pytest.mark.parametrize(
    ("size", "samples", "flags", "fields"),
    [
        ((320, 180), 1, "", ""),
        ((480, 270), 1, "", ""),
        ((1920, 1080), 1, "--resolution 480x270", '"resolution": "480x270"'),
        ((320, 180), 64, "--samples 1", '"samples": 1'),
        ((1920, 1080), 64, "--resolution 480x270 --samples 1", '"resolution": "480x270", "samples": 1'),
    ],
)
def test_the_hint_names_only_what_would_make_the_render_quicker(size, samples, flags, fields):
    scene = _eevee(*size, samples)
    assert preview_hint(scene) == (f"for a quick preview: {flags}" if flags else "")
    assert preview_hint(scene, job=True) == (f"for a quick preview: {fields}" if fields else "")


def test_a_render_at_half_of_a_big_size_counts_its_real_size():
    scene = _eevee(1920, 1080, 1)
    scene.render.resolution_percentage = 25  # 480x270
    assert preview_hint(scene) == ""


def test_workbench_gets_no_hint_at_any_size():
    scene = _scene()
    scene.render.resolution_x, scene.render.resolution_y = 3840, 2160
    assert preview_hint(scene) == ""


class Lines:
    def __init__(self):
        self.lines = []

    def update(self, stage, fraction, text=""):
        self.lines.append(text)


def test_a_small_workbench_render_starts_without_advice(tmp_path):
    said = Lines()
    render_shot(_scene(), tmp_path / "f", resolution=(16, 16), progress=said)
    assert said.lines[0] == "3 frames, BLENDER_WORKBENCH"  # was: "...; for a quick preview: --resolution ..."
