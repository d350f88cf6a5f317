"""An animator with a Japanese script written the usual way, in kanji and kana. Since the kanji reader
(SudachiPy, an optional install) reads such a script, the Script Language menu says "Japanese", not
"Japanese (kana)", and the panel tells them to write in kana only while the Python that will read the
script lacks the reader: then in the words of the refusal of a line in kanji, naming the install.
Drawing the panel never loads the reader's 200 MB dictionary to find out."""

from __future__ import annotations

import sys

import addon_helpers as ah
import kanji_reader
import pytest
from dualtalk.dualtalk_blender.addon.state import get_prefs
from dualtalk.inference.phonetic.script_languages import writing_advice
from test_addon_panel import draw_panel

# what the panel shows under Script Language: Japanese while kanji cannot be read
KANA_ONLY = "Write it in kana (espeak-ng cannot read kanji), or let kanji be read:"
KANJI_READER_INSTALL = "pip install sudachipy sudachidict_core (the add-on's Install dependencies adds them)"


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    script = tmp_path / "daihon.txt"
    script.write_text("A: 私は毎朝パンを買います。\nB: 明日は海へ行きましょう。\n", encoding="utf-8")
    sc.dualtalk.transcript = str(script)
    sc.dualtalk.transcript_language = "ja"
    kanji_reader.forget()
    yield sc
    kanji_reader.forget()
    ah.disable_addon()


def labels(scene) -> list[str]:
    return [text for kind, text in draw_panel(scene) if kind == "label"]


def advised(scene) -> bool:
    shown = labels(scene)
    return KANA_ONLY in shown and KANJI_READER_INSTALL in shown


def test_the_menu_offers_japanese_not_japanese_in_kana(scene):
    rna = scene.dualtalk.bl_rna.properties["transcript_language"]
    japanese = next(item for item in rna.enum_items if item.identifier == "ja")
    assert japanese.name == "Japanese"


@kanji_reader.needs_it
def test_with_the_reader_installed_the_panel_gives_no_kana_advice_and_loads_no_dictionary(scene, monkeypatch):
    for name in [m for m in sys.modules if m.split(".")[0] in ("sudachipy", "sudachidict_core")]:
        monkeypatch.delitem(sys.modules, name)
    for _ in range(3):  # Blender redraws the sidebar all the time
        assert not any("kana" in text for text in labels(scene))
    rna = scene.dualtalk.bl_rna.properties["transcript_language"]
    assert (
        "kana" not in next(i for i in rna.enum_items if i.identifier == "ja").description
    )  # nor its tooltip
    assert "sudachipy" not in sys.modules and "sudachidict_core" not in sys.modules


def test_without_the_reader_the_panel_says_what_the_refusal_says_once(scene, monkeypatch):
    with kanji_reader.missing(monkeypatch):
        shown = labels(scene)
    assert shown.count(KANA_ONLY) == 1 and shown.count(KANJI_READER_INSTALL) == 1
    assert shown.index(KANJI_READER_INSTALL) == shown.index(KANA_ONLY) + 1
    # the same words as a refused line's advice, as two labels that fit the sidebar
    said = f"{KANA_ONLY} {KANJI_READER_INSTALL}"
    assert said == writing_advice("ja")[:1].upper() + writing_advice("ja")[1:]
    scene.dualtalk.transcript_language = "es"  # not Japanese: nothing about kana
    with kanji_reader.missing(monkeypatch):
        assert not any("kana" in text for text in labels(scene))


def test_the_panel_asks_the_python_that_will_read_the_script_the_add_ons_venv(scene, tmp_path):
    """Install dependencies puts SudachiPy in the add-on's venv, not in Blender's Python: the panel
    looks there (the preferences' interpreter here, a venv made on disk) and says nothing once it is in,
    with its dictionary (review rv34: a half-removed install, the dictionary gone, showed no advice
    though every kanji line was refused)."""
    env = tmp_path / "venv"
    python = env / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    get_prefs().python_path = str(python)
    try:
        assert advised(scene)  # a venv without the reader
        site = env / "lib" / "python3.11" / "site-packages"
        for package in ("sudachipy", "sudachidict_core"):
            (site / package).mkdir(parents=True)
        kanji_reader.forget()  # (a venv found without it is looked at again a few seconds later)
        assert advised(scene)  # the packages without their dictionary: an install that cannot read
        (site / "sudachidict_core" / "resources").mkdir()
        (site / "sudachidict_core" / "resources" / "system.dic").write_bytes(b"\0")
        kanji_reader.forget()
        assert not advised(scene)
    finally:
        get_prefs().python_path = ""
