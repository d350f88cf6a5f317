"""Review 26, finding 10: an animator hovering the panel read the command line's words. *Procedural
Blinks* spoke of "the behaviour layer" and "FLAME motion only" and never said that Off removes every
blink; the four Behaviour amounts offered "off, on or 0-2 ... or auto" on a 0-2 slider; *Head Motion
Amount* at 0 still moved the head and did not say why; *Script Language* promised "any espeak-ng
language" on a fixed menu; *Lip Rounding* spoke of the voice's "second formant"; *Keys* of "0.1 deg";
*Device* "Auto, cpu or cuda"; the FBX *Scope* had no tooltip. Each now says what it does to the
take, and the command line's --help keeps its own words."""

from __future__ import annotations

import argparse
import re

import pytest

JARGON = ("--", "espeak-ng language", "formant", "FLAME motion only", "off, on", "0.1 deg ", "cpu or cuda")


def _tips(scene) -> dict[str, str]:
    out = {}
    for prop in scene.dualtalk.bl_rna.properties:
        out[prop.identifier] = prop.description
        for item in getattr(prop, "enum_items", []):
            out[f"{prop.identifier}.{item.identifier}"] = item.description
    return out


def test_procedural_blinks_says_off_removes_every_blink_and_where_the_blinks_come_from(scene):
    tips = _tips(scene)
    assert "Behaviour panel's blinks" in tips["blinks"] and "Off: no blinks at all" in tips["blinks"]
    assert tips["blinks.off"] == "No blinks at all, whatever the Behaviour panel says"
    assert "published network" in tips["blinks.auto"]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("behaviour_blinks", "0 = no blinks, 1 = as often as people do in conversation, 2 = up to twice"),
        ("behaviour_gaze", "0 = none (as Eye contact off), 1 = as people do, 2 = looks away twice as far"),
        ("behaviour_head", "0 = none added, 1 = as people do, 2 = twice as large"),
        ("behaviour_brows", "smiles (at laughs, and the mood's smile): 0 = none, 1 = as people do"),
    ],
)
def test_each_behaviour_slider_says_what_0_1_and_2_do(scene, name, says):
    assert says in _tips(scene)[name]


def test_head_motion_amount_says_the_engines_own_head_motion_stays_and_which_control_scales_it(scene):
    head = _tips(scene)["behaviour_head"]
    assert "added to the engine's own head motion" in head
    assert "Options > Head scales all head motion" in head
    assert _tips(scene)["intensity_head"]  # the control it names is on the panel


def test_menus_and_sliders_say_what_they_do_in_an_animators_words(scene):
    tips = _tips(scene)
    assert tips["transcript_language"].startswith("The language the transcript is written in")
    assert "oo and oh sounds" in tips["lip_rounding"]
    assert "0.1 degrees" in tips["keys"]
    assert tips["device"].startswith("Where the engine runs")
    assert tips["fbx_scope"].startswith("What Export FBX writes")
    assert "speaker A's own file (Two files)" in tips["audio"]


def test_no_panel_tooltip_speaks_the_command_line(scene):
    said = [(name, text) for name, text in _tips(scene).items() for word in JARGON if word in text]
    assert not said, said


def test_the_command_line_help_keeps_its_own_words():
    from dualtalk.inference.core.request import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    shown = re.sub(r"\s+", " ", parser.format_help())
    assert "off, on, 0-2 (1 = real people's rate) or auto" in shown
    assert "any espeak-ng language" in shown
    assert "auto, cpu or cuda" in shown
