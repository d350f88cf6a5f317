"""An animator whose Blender speaks Japanese watches Export FBX's progress bar.

The bar drew the export's own stage ("sampling frame 1,500/3,000") with ``translate=False``, so the
add-on's "exporting" translation was never shown: in ja_JP the bar read in English only (review
rv39b 4). It now says what runs in the interface's language, then the stage, as the install's and
the download's bars do (the bpy module has no languages: the add-on's own table stands in for
Blender's lookup).
"""

from __future__ import annotations

import test_export_fbx_esc as esc
from dualtalk.dualtalk_blender.addon import translations
from dualtalk.panels import main_panel
from test_addon_panel import draw_panel

pair, temp = esc.pair, esc.temp  # a keyed pair over a long range, the job's temp folder


def test_the_export_bar_names_the_export_in_japanese_then_its_stage(scene, pair, tmp_path, temp, monkeypatch):
    japanese = translations.JA_JP
    monkeypatch.setattr(main_panel, "iface_", lambda text: japanese.get((translations.DEFAULT, text), text))
    button = esc.Button(scene, tmp_path / "pair.fbx")
    try:
        button.until_sampling()
        assert button.tick() == {"RUNNING_MODAL"}
        bars = [text for kind, text in draw_panel(scene) if kind == "progress"]
    finally:
        assert button.tick("ESC") == {"CANCELLED"}

    assert len(bars) == 1 and bars[0].startswith("エクスポート中: sampling frame "), bars


def test_before_the_other_blender_speaks_the_bar_still_says_what_runs():
    assert main_panel.export_line("") == "exporting"
    assert main_panel.export_line("saving a copy of the file for the export") == (
        "exporting: saving a copy of the file for the export"
    )
