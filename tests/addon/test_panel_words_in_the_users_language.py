"""Review rv38a F7: a Japanese animator's panel shows 台本の言語 with スペイン語 in its menu, but a status
line said "set Script Language › Spanish": they had to map the English names back to their panel.
Now a message names each control and menu entry as the panel shows it in the interface language (the
rest of the message stays English); a tooltip, which Blender looks up whole by its English, is left
as it is. Headless Blender has no languages, so the interface's lookup is played by the add-on's own
Japanese and Chinese tables."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.addon import panel_options
from dualtalk.dualtalk_blender.addon.translations import DEFAULT, JA_JP, ZH_HANS


@pytest.fixture(params=[("ja_JP", JA_JP), ("zh_HANS", ZH_HANS)], ids=["ja_JP", "zh_HANS"])
def interface(request, monkeypatch):
    """Blender's interface set to the language: each label looked up as Blender looks it up."""
    _code, table = request.param
    monkeypatch.setattr(panel_options, "_iface", lambda label: table.get((DEFAULT, label), label))
    return table


def test_a_script_language_hint_names_the_menu_and_its_entry_as_the_panel_shows_them(interface):
    said = panel_options.in_panel_words("is the script in Spanish? give --transcript-language es")

    menu, entry = interface[(DEFAULT, "Script Language")], interface[(DEFAULT, "Spanish")]
    assert said == f"is the script in Spanish? give {menu} › {entry}"


def test_a_flag_is_named_as_its_control_and_a_no_flag_as_that_control_off(interface):
    said = panel_options.in_panel_words("raise --offset-b, or give --no-gaze")

    assert said == (
        f"raise {interface[(DEFAULT, 'B Starts Earlier By')]}, or give {interface[(DEFAULT, 'Eye contact')]} off"
    )


def test_a_tooltip_keeps_the_english_blender_looks_it_up_by(interface):
    options = [*panel_options.ENGINE_SIDE, *panel_options.SCENE_SIDE]
    tips = [panel_options.tooltip(o) for o in options if "--" in o.help]

    assert tips and not [tip for tip in tips if any(ch >= "\u3000" for ch in tip)]
    assert panel_options.in_panel_words("with --offset-b", shown=False) == "with B Starts Earlier By"


def test_in_english_nothing_changes():
    assert panel_options.in_panel_words("give --transcript-language es") == "give Script Language › Spanish"
