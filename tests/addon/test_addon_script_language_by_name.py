"""A script sets the panel's Script Language by the language's name, as the animator says it:
``set_panel(scene, transcript_language="español")``. Before, the name was refused: "the panel has
no Script Language 'español' (its codes: en, es, ...)"."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def test_a_language_s_name_sets_the_menu_to_its_entry(scene):
    for given, kept in (("español", "es"), ("Français", "fr"), ("DEUTSCH", "de"), ("中文", "cmn-latn-pinyin"),
                        ("日本語", "ja"), ("Portuguese (Brazil)", "pt-br")):  # fmt: skip
        panel_settings.set_panel(scene, transcript_language=given)
        assert scene.dualtalk.transcript_language == kept, given
    panel_settings.set_panel(scene, transcript_language_b="English")
    assert scene.dualtalk.transcript_language_b == "en"


def test_b_s_menu_takes_its_own_words_for_same_as_a(scene):
    panel_settings.set_panel(scene, transcript_language_b="English")
    panel_settings.set_panel(scene, transcript_language_b="Same as A")
    assert scene.dualtalk.transcript_language_b == "same"
