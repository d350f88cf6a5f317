"""An animator hovers Remove Take to learn what it does. Its tooltip said a kept take plays again
only where it is "an earlier take of the same recording", though since session 35 any kept take of
the characters whose recording is found plays again (another part, another recording), and since
session 36 the one that played last. Now the tooltip says that, in English, Japanese and Chinese."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import translations


@pytest.fixture
def tooltip(tmp_path):
    ah.fresh_scene_with_addon(tmp_path / "models")
    yield bpy.ops.dualtalk.remove_take.get_rna_type().description
    ah.disable_addon()


def test_remove_takes_tooltip_says_which_kept_take_plays_again(tooltip):
    assert "same recording" not in tooltip  # was: "an earlier take of the same recording"
    assert "another take of theirs whose recording is found" in tooltip
    assert "the one that played last" in tooltip
    for locale in ("ja_JP", "zh_HANS"):
        said = translations.TRANSLATIONS[locale].get(("*", tooltip))
        assert said, f"no {locale} tooltip"
        assert ("最後に再生" if locale == "ja_JP" else "最近播放") in said
