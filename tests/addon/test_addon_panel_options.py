"""The panel is a view of the options model: each declared panel option gets a property typed,
bounded and defaulted by its declaration, reads back as the option's value, and a fresh panel
asks for exactly what the command line asks for when given no flags."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import panel_options, panel_settings
from dualtalk.dualtalk_blender.rig.options import ApplyOptions
from dualtalk.inference.core.request import MAX_AMOUNT, Request


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def test_each_property_is_typed_bounded_and_defaulted_by_its_declaration(scene):
    rna = scene.dualtalk.bl_rna.properties
    for option in panel_options.PANEL_OPTIONS:
        for name, _key in panel_options.property_names(option):
            prop, kind = rna[name], option.kind
            listed = panel_options.items(option)  # a choice, or a text's usual values (device, language)
            if listed:
                assert prop.type == "ENUM", name
                assert [item.identifier for item in prop.enum_items] == [v for v, _l, _t in listed], name
                assert prop.default == option.default, name
            elif kind in ("path", "str"):
                assert prop.type == "STRING" and (prop.subtype == "FILE_PATH") == (kind == "path"), name
            elif kind == "bool":
                assert prop.type == "BOOLEAN" and prop.default == option.default, name
            elif kind == "amount":
                assert prop.type == "FLOAT" and prop.hard_min == 0 and prop.hard_max == MAX_AMOUNT, name
            elif panel_options.unsigned32(option):  # the seed: its signed view (test_seed_range.py)
                assert prop.type == "INT" and (prop.hard_min, prop.hard_max) == (-(2**31), 2**31 - 1), name
            else:
                assert prop.type == ("INT" if kind == "int" else "FLOAT"), name
                if option.high is not None:
                    assert prop.hard_max == pytest.approx(min(option.high, 2**31 - 1)), name
                if option.low is not None and not panel_options.unset_by_zero(option):
                    assert prop.hard_min == pytest.approx(option.low), name


def test_a_fresh_panel_asks_for_the_declared_defaults(scene, tmp_path):
    a, b = ah.two_characters()
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(wav)
    job = panel_settings.build_job(s, tmp_path)
    assert {k: v for k, v in job.items() if k != "out_dir"} == Request(audio=str(wav)).to_job()
    options = panel_settings.apply_options(s, take="t")
    neutral = {group: 1.0 for group in options.intensities}  # every slider at 1 = as generated
    assert options == ApplyOptions(intensities=neutral, take="t", undo_push=False)


def engine_option(name: str):
    return next(o for o in panel_options.ENGINE_SIDE if o.name == name)


def test_what_the_panel_holds_reads_back_as_the_options_value(scene, tmp_path):
    s = scene.dualtalk
    s.rounds, s.start, s.device, s.speaker_a = 0, 0.0, "cuda", "  ann "
    read = {
        name: panel_options.read(s, engine_option(name))
        for name in ("rounds", "start", "device", "speaker_a")
    }
    # 0 = the engine's default for numbers the declaration leaves unset; names are trimmed
    assert read == {"rounds": None, "start": None, "device": "cuda", "speaker_a": "ann"}
    s.rounds, s.smoothing, s.keys, s.intensity_mouth = 3, 2.5, "reduced", 0.5
    (tmp_path / "map.json").write_text('{"map": {"jawOpen": "jawOpen"}}')
    s.map = str(tmp_path / "map.json")
    assert panel_options.read(s, engine_option("rounds")) == 3
    options = panel_settings.apply_options(s)
    assert (options.smoothing, options.keys, options.intensities["mouth"]) == (2.5, "reduced", 0.5)
    assert options.mapping == str(tmp_path / "map.json")


def test_a_transcript_chosen_in_the_panel_goes_to_the_worker_and_a_missing_one_is_refused(scene, tmp_path):
    from dualtalk.inference.core.errors import DualTalkError

    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(ah.write_dialogue_wav(tmp_path / "talk.wav"))
    script = tmp_path / "scene.txt"
    script.write_text("A: Hello there.\nB: Hi.\n", encoding="utf-8")
    s.transcript = str(script)
    assert panel_settings.build_job(s, tmp_path)["audio"]["transcript"] == str(script)
    s.transcript = str(tmp_path / "gone.txt")
    with pytest.raises(DualTalkError, match="transcript file not found"):
        panel_settings.build_job(s, tmp_path)
