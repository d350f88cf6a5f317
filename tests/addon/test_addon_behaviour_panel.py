"""The Behaviour sub-panel: what it draws, and how its settings reach the worker job and the keying."""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings
from dualtalk.inference.core.request import Request
from dualtalk.panels.main_panel import DUALTALK_PT_behaviour, DUALTALK_PT_main


class Layout:
    """Records the properties a draw() shows; fails on names that do not exist."""

    def __init__(self, log=None):
        self.log = [] if log is None else log
        self.enabled = True
        self.scale_y = 1.0

    def _child(self, *a, **k):
        return Layout(self.log)

    box = row = column = _child

    def prop(self, data, name, **kw):
        assert name in data.bl_rna.properties, f"no property {name!r}"
        self.log.append(name)

    def label(self, *a, **k):
        pass

    operator = progress = separator = label


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def draw(scene):
    layout = Layout()
    DUALTALK_PT_behaviour.draw(SimpleNamespace(layout=layout), SimpleNamespace(scene=scene))
    return layout.log


def test_the_behaviour_panel_sits_under_the_main_panel_and_shows_its_controls(scene):
    assert DUALTALK_PT_behaviour.bl_parent_id == DUALTALK_PT_main.bl_idname
    shown = draw(scene)
    assert {
        "behaviour_mood",
        "behaviour_mood_b",
        "behaviour_seed",
        "gaze",
        "head_turn",
        "behaviour_custom",
    } <= set(shown)
    assert "behaviour_head" not in shown  # amounts only when asked for
    scene.dualtalk.behaviour_custom = True
    assert {"behaviour_blinks", "behaviour_gaze", "behaviour_head", "behaviour_brows"} <= set(draw(scene))


def test_the_panel_settings_become_the_jobs_behaviour_and_the_keying_options(scene, tmp_path):
    a, b = ah.two_characters()
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(wav)
    job = panel_settings.build_job(s, tmp_path)["behaviour"]
    assert job == {**Request().to_job()["behaviour"], "behaviour_seed": 0, "mood": "neutral"}
    s.behaviour_seed, s.behaviour_mood, s.behaviour_custom, s.behaviour_head = 12, "animated", True, 0.5
    s.gaze, s.blinks, s.head_turn = False, "off", 0.4
    job = panel_settings.build_job(s, tmp_path)["behaviour"]
    assert job["behaviour_seed"] == 12 and job["mood"] == "animated" and job["head"] == 0.5
    assert job["gaze"] == "off" and job["blinks"] == "off"
    s.behaviour_mood_b = "serious"  # a lively A beside a serious B
    assert (
        Request.from_job(
            {"behaviour": panel_settings.build_job(s, tmp_path)["behaviour"]}, tmp_path
        ).behaviour()["mood_b"]
        == "serious"
    )
    assert Request.from_job({"behaviour": job}, tmp_path).behaviour()["gaze_on"] is False
    options = panel_settings.apply_options(s)
    assert options.gaze is False and options.head_turn == pytest.approx(0.4) and options.blinks == "off"
    assert bpy.context.scene.dualtalk.behaviour_mood == "animated"
