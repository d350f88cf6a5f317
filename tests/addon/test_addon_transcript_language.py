"""An animator with a script that is not in English: once a Transcript is chosen, a *Script Language*
dropdown under it offers the engine's table of languages (each saying how it is aligned), and the
language picked reaches the worker's request."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings, worker_client
from dualtalk.inference import worker
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic.script_languages import SCRIPT_LANGUAGES
from test_addon_panel import draw_panel


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "daihon.txt"
    path.write_text("A: こんにちは\nB: はい、げんきです\n", encoding="utf-8")
    return path


def props(scene) -> list[str]:
    return [name for kind, name in draw_panel(scene) if kind == "prop"]


def test_the_dropdown_sits_under_the_transcript_once_one_is_chosen(scene, script):
    assert "transcript_language" not in props(scene)  # no script: nothing to say the language of
    scene.dualtalk.transcript = str(script)
    shown = props(scene)
    assert shown[shown.index("transcript") + 1] == "transcript_language"


def test_the_dropdown_offers_the_engine_languages_and_says_how_each_is_aligned(scene):
    rna = scene.dualtalk.bl_rna.properties["transcript_language"]
    assert rna.type == "ENUM" and rna.name == "Script Language" and rna.default == "en"
    items = {item.identifier: item for item in rna.enum_items}
    assert [(code, items[code].name) for code, _name, _voice in SCRIPT_LANGUAGES] == [
        (code, name) for code, name, _voice in SCRIPT_LANGUAGES
    ]
    assert "pocketsphinx" in items["en"].description
    assert "espeak-ng" in items["es"].description and "pocketsphinx" not in items["es"].description
    assert items["ja"].name == "Japanese"  # kanji too, where read: the panel says so under the menu
    assert "espeak-ng" in items["cmn-latn-pinyin"].description  # Han characters or pinyin: no hint needed
    transcript = scene.dualtalk.bl_rna.properties["transcript"].description
    assert "; English)" not in transcript  # a script is no longer English only
    assert "written in Script Language" in transcript  # the panel's name for --transcript-language


def test_the_language_picked_reaches_the_workers_request(scene, script, tmp_path):
    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(ah.write_dialogue_wav(tmp_path / "talk.wav"))
    panel_settings.set_panel(scene, transcript=str(script), transcript_language="ja")
    job = panel_settings.build_job(s, tmp_path / "work")
    assert job["audio"]["transcript_language"] == "ja"
    read = worker.read_job(worker_client.write_job(tmp_path / "job.json", job))
    assert read["request"].transcript == str(script) and read["request"].transcript_language == "ja"
    s.transcript = ""  # the dropdown is hidden with no script: the run is asked for English, as the CLI
    assert panel_settings.build_job(s, tmp_path / "work")["audio"]["transcript_language"] == "en"


def test_a_script_sets_the_language_by_its_code_and_a_code_the_list_lacks_is_refused(scene):
    panel_settings.set_panel(scene, transcript_language="pt-br")
    assert scene.dualtalk.transcript_language == "pt-br"
    with pytest.raises(DualTalkError, match=r"^scene\.dualtalk\.transcript_language: ") as refused:
        panel_settings.set_panel(scene, transcript_language="klingon")
    assert "\n" not in str(refused.value) and scene.dualtalk.transcript_language == "pt-br"


@pytest.mark.parametrize(
    ("given", "kept"),
    [("cmn", "cmn-latn-pinyin"), ("zh", "cmn-latn-pinyin"), ("zh-TW", "cmn-latn-pinyin"), ("es-MX", "es"),
     ("ES", "es"), ("en-us", "en"), ("ja", "ja")],
)  # fmt: skip
def test_a_script_written_from_the_command_lines_docs_sets_the_panels_language(scene, given, kept):
    """Review 27b, finding 9: ``set_panel(transcript_language="cmn")`` (the README's and the CLI's
    Mandarin), ``"zh"``, ``"es-MX"`` or ``"ES"`` were refused in Blender's enum words."""
    panel_settings.set_panel(scene, transcript_language=given)
    assert scene.dualtalk.transcript_language == kept


@pytest.mark.parametrize("given", ["yue", "zh-HK", "zh_mo"])
def test_a_language_the_panel_lacks_names_the_codes_it_has(scene, given):
    """Cantonese (``yue``; Hong Kong's and Macau's ``zh-HK``, ``zh-MO``, which the command line reads
    as Cantonese) is refused, not set to Mandarin (review 27d: zh-HK fell back to the bare zh)."""
    with pytest.raises(
        DualTalkError, match=rf"the panel has no Script Language '{given}' \(its codes: en, es, "
    ) as e:
        panel_settings.set_panel(scene, transcript_language=given, use_range=True)
    assert "Mandarin is 'cmn-latn-pinyin'" in str(e.value) and not scene.dualtalk.use_range


def test_b_s_own_language_sits_under_the_script_language_same_as_a_by_default(scene, script):
    """A conversation in two languages (review rv38a F2): Script Language B, under Script Language."""
    assert "transcript_language_b" not in props(scene)
    scene.dualtalk.transcript = str(script)
    shown = props(scene)
    assert shown[shown.index("transcript_language") + 1] == "transcript_language_b"
    rna = scene.dualtalk.bl_rna.properties["transcript_language_b"]
    assert rna.type == "ENUM" and rna.name == "Script Language B" and rna.default == "same"
    items = [(item.identifier, item.name) for item in rna.enum_items]
    assert items[0] == ("same", "Same as A")
    assert items[1:] == [(code, name) for code, name, _voice in SCRIPT_LANGUAGES]


def test_b_s_language_reaches_the_workers_request(scene, script, tmp_path):
    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(ah.write_dialogue_wav(tmp_path / "talk.wav"))
    panel_settings.set_panel(
        scene, transcript=str(script), transcript_language="es", transcript_language_b="en-us"
    )
    assert s.transcript_language_b == "en"
    job = panel_settings.build_job(s, tmp_path / "work")
    assert job["audio"]["transcript_language_b"] == "en"
    read = worker.read_job(worker_client.write_job(tmp_path / "job.json", job))
    assert read["request"].script_language_b() == "en" and read["request"].transcript_language == "es"
    panel_settings.set_panel(scene, transcript_language_b="same")
    assert panel_settings.build_job(s, tmp_path / "work")["audio"]["transcript_language_b"] == "same"
    s.transcript_language_b, s.transcript = "en", ""  # hidden with no script: nothing to read
    assert panel_settings.build_job(s, tmp_path / "work")["audio"]["transcript_language_b"] == "same"


def test_a_b_language_the_panel_lacks_is_refused_naming_its_menu(scene):
    with pytest.raises(
        DualTalkError, match=r"^scene\.dualtalk\.transcript_language_b: the panel has no "
    ) as e:
        panel_settings.set_panel(scene, transcript_language_b="klingon")
    assert "Script Language B 'klingon'" in str(e.value) and "--transcript-language-b" in str(e.value)
    assert scene.dualtalk.transcript_language_b == "same"
