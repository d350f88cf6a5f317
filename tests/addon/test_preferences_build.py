"""The preferences name the installed build (review 33u F4: every build said 0.1.0, and an animator
could not tell which build was installed): the line a bug report quotes, as ``--version`` prints it."""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.inference import build_info
from dualtalk.panels.preferences import DUALTALK_AP_preferences
from test_addon_panel import FakeLayout, PrefsProxy


def test_the_preferences_show_the_build(tmp_path):
    ah.fresh_scene_with_addon(tmp_path / "models")
    try:
        layout = FakeLayout()
        prefs = bpy.context.preferences.addons["dualtalk"].preferences
        DUALTALK_AP_preferences.draw(PrefsProxy(prefs, layout), bpy.context)
    finally:
        ah.disable_addon()
    assert ("label", f"Build {build_info.build_id()}") in layout.log
