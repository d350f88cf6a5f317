"""Each option is declared once (engine side: ``inference/core/request.py``, scene side:
``dualtalk_blender/rig/options.py``); animate's flags, the shot-file keys, the panel's properties
and the Python API's fields are views of the declarations -- none has an option the model lacks,
and none misses one the model says it shows. A bad value reads the same from every entry point."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands import animate, jobs
from dualtalk.dualtalk_blender.rig.options import SCENE_OPTIONS, ApplyOptions
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import OPTIONS, Request, amount

DECLARED = (*OPTIONS, *SCENE_OPTIONS)
WITH_FLAG = [o for o in DECLARED if o.cli]
# animate's and a shot's own fields: which scene and characters, what to write, not how to animate
RUN_FLAGS = {"--blend", "--char-a", "--char-b", "--motion-a", "--motion-b", "--out", "--fbx", "--fbx-scope"}
RUN_FLAGS |= {"--fbx-per-character"}
RUN_FLAGS |= {"--render", "--resolution", "--samples", "--work", "--job", "--quiet", "-h", "--help"}
RUN_FLAGS |= {"--summary", "--skip-done"}  # a batch report, a resumed batch: a job's, not a shot's
ARGV = ["--blend", "s.blend", "--char-a", "A", "--char-b", "B", "--out", "o.blend", "--audio", "a.wav"]


def animate_flags() -> set[str]:
    parser = argparse.ArgumentParser()
    animate.add_arguments(parser)
    return {flag for action in parser._actions for flag in action.option_strings}


def test_names_with_a_flag_are_unique_across_both_sides():
    names = [o.name for o in WITH_FLAG]
    assert len(names) == len(set(names))
    assert not set(names) & set(jobs.RUN_FIELDS)


def test_animate_has_a_flag_for_every_declared_option_and_for_nothing_else():
    assert animate_flags() - RUN_FLAGS == {o.flag for o in WITH_FLAG}


def test_a_shot_file_has_a_key_for_every_declared_option_and_for_nothing_else():
    assert jobs.FIELDS - set(jobs.RUN_FIELDS) == {o.name for o in WITH_FLAG}


def test_apply_options_fields_are_the_scene_declarations():
    fields = dataclasses.fields(ApplyOptions)
    assert [f.name for f in fields] == [o.field for o in SCENE_OPTIONS]
    made = ApplyOptions()
    for option in SCENE_OPTIONS:
        default = {} if option.kind == "mapping" else option.default
        assert getattr(made, option.field) == default, option.name
    keys = next(o for o in SCENE_OPTIONS if o.name == "keys")
    assert keys.choices == layers.KEYS_MODES  # the keyer's own list


def test_choice_labels_name_exactly_the_choices():
    for option in DECLARED:
        if option.items:
            assert tuple(value for value, _label, _text in option.items) == option.choices, option.name


SAMPLES = {  # one good value per declared option: (command-line words, shot-file value, typed value)
    "path": (["in/x.wav"], "in/x.wav", None),
    "str": (["ann"], "ann", "ann"),
    "float": (["0.5"], 0.5, 0.5),
    "int": (["3"], 3, 3),
    "amount": (["0.5"], 0.5, 0.5),
}


def _sample(option):
    if option.kind == "bool":
        return [option.flag], not option.default, not option.default
    if option.kind == "choice":
        value = option.choices[-1]
        return [value], value, value
    if option.kind == "mapping":
        return [f"{option.keys[0]}=0.5"], {option.keys[0]: 0.5}, {option.keys[0]: 0.5}
    if option.kind == "frames":
        return ["10-20"], [10, 20], (10, 20)
    words, shot, typed = SAMPLES[option.kind]
    if option.name == "start_frame":
        words, shot, typed = ["3"], 3, 3
    if option.name == "window":  # at least 2 s (or 0)
        words, shot, typed = ["4"], 4.0, 4.0
    return words, shot, typed


@pytest.mark.parametrize("option", WITH_FLAG, ids=lambda o: o.name)
def test_the_command_line_and_a_shot_file_give_a_shot_the_same_value(option, tmp_path):
    words, in_file, typed = _sample(option)
    base = {"blend": "s.blend", "char_a": "A", "char_b": "B", "out": "o.blend", "audio": "a.wav"}
    argv = ["--blend", str(tmp_path / "s.blend"), "--char-a", "A", "--char-b", "B"]
    argv += ["--out", str(tmp_path / "o.blend"), "--audio", str(tmp_path / "a.wav")]
    if option.kind == "path":  # the command line takes files from the current folder
        argv += [option.flag, str(tmp_path / words[0])]
    elif option.kind != "bool":
        argv += [option.flag, *words]
    else:
        argv += words
    parser = argparse.ArgumentParser()
    animate.add_arguments(parser)
    from_cli = animate.shot_from_args(parser.parse_args(argv))
    (from_file,) = jobs.parse_jobs({"shots": [{**base, option.name: in_file}]}, tmp_path)
    got_cli, got_file = getattr(from_cli, option.name), getattr(from_file, option.name)
    if option.kind == "path":
        assert got_cli == got_file == tmp_path / "in" / "x.wav"
    elif option.kind == "amount":  # "0.5" as typed, 0.5 from JSON: the same amount
        assert amount(got_cli, option.name) == amount(got_file, option.name) == typed
        return
    else:
        assert got_cli == got_file == typed
    # the value sits in the one typed object its side declares
    holder = from_file.request() if option in OPTIONS else from_file.options
    assert getattr(holder, option.field) == (str(got_file) if option.kind == "path" else typed)


@pytest.mark.parametrize(
    ("name", "words", "in_file", "message"),
    [
        ("smoothing", ["-1"], -1, "--smoothing must be between 0 and 25, got -1"),
        ("head_turn", ["1.5"], 1.5, "--head-turn must be between 0 and 1, got 1.5"),
        ("intensity", ["mouth=7"], {"mouth": 7}, "--intensity mouth must be between 0 and 5, got 7"),
        ("layer_influence", ["head=1.5"], {"head": 1.5}, "--layer-influence head must be between 0 and 1"),
        ("start_frame", ["-5"], -5, "--start-frame must be between 0 and 1,048,574, got -5"),
        ("rounds", ["0"], 0, "--rounds must be between 1 and 20, got 0"),
        ("lip_release", ["1.5"], 1.5, "--lip-release must be between 0 and 1, got 1.5"),
        ("lip_rounding", ["-0.5"], -0.5, "--lip-rounding must be between 0 and 1, got -0.5"),
        ("preset", None, "unreal", "--preset must be one of auto, arkit, flame, vrm, mmd, got 'unreal'"),
        ("transcript_language", ["es fr"], "es fr", "--transcript-language must be a language tag"),
    ],
)
def test_a_bad_value_is_the_same_line_from_the_cli_a_shot_file_and_python(
    tmp_path, name, words, in_file, message
):
    """The Python API (ApplyOptions / Request), a shot file and the command line refuse it alike
    (the shot file as it is read, naming its field where the others name the flag)."""
    option = next(o for o in WITH_FLAG if o.name == name)
    shot_of = {"blend": "s.blend", "char_a": "A", "char_b": "B", "out": "o.blend", "audio": "a.wav"}
    with pytest.raises(DualTalkError) as from_file:
        jobs.parse_jobs({"shots": [{**shot_of, name: in_file}]}, tmp_path)
    field = f"shot 'shot001'.{name}" + ("." if option.kind == "mapping" else " ")
    assert str(from_file.value).startswith(message.replace(f"{option.label} ", field, 1))
    seen = []
    python = Request(**{name: in_file}) if option in OPTIONS else ApplyOptions(**{option.field: in_file})
    with pytest.raises(DualTalkError) as raised:
        python.validate()
    seen.append(str(raised.value))
    if words is not None:
        parser = argparse.ArgumentParser()
        animate.add_arguments(parser)
        cli = animate.shot_from_args(parser.parse_args([*ARGV, option.flag, *words]))
        for validate in (cli.request().validate, cli.options.validate):
            try:
                validate()
            except DualTalkError as exc:
                seen.append(str(exc))
    assert len(seen) == (2 if words is not None else 1)
    assert all(line.startswith(message) and "\n" not in line for line in seen), seen


def test_a_shot_names_its_take_after_itself_unless_told(tmp_path):
    base = {"blend": "s.blend", "char_a": "A", "char_b": "B", "audio": "a.wav"}
    one, two = jobs.parse_jobs(
        {"shots": [{**base, "name": "cafe_01", "out": "a.blend"}, {**base, "out": "b.blend", "take": "t2"}]},
        tmp_path,
    )
    assert one.options.take == "cafe_01" and two.options.take == "t2"
    assert Path(two.audio) == tmp_path / "a.wav" and two.request().audio == str(tmp_path / "a.wav")


def test_the_panel_has_a_property_for_every_panel_option_and_for_nothing_else():
    from dualtalk.dualtalk_blender.addon import panel_options
    from dualtalk.panels import properties

    made = set(properties.DUALTALK_PG_settings.__annotations__)
    declared = [name for o in DECLARED if o.panel for name, _key in panel_options.property_names(o)]
    assert len(declared) == len(set(declared))  # the two sides' blinks/gaze never share a property
    assert made - set(properties.PANEL_ONLY) == set(declared)
    assert not set(properties.PANEL_ONLY) & {o.name for o in DECLARED}  # panel-only things are no options


def test_a_long_output_name_still_makes_a_valid_take(tmp_path):
    """``--out`` named in a script with accents: the take keeps the first 40 bytes, whole letters."""
    parser = argparse.ArgumentParser()
    animate.add_arguments(parser)
    argv = [*ARGV[:-4], "--out", str(tmp_path / ("é" * 30 + ".blend")), "--audio", "a.wav"]
    shot = animate.shot_from_args(parser.parse_args(argv))
    assert shot.options.take == "é" * 20
    shot.options.validate()
