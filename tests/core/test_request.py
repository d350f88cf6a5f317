"""One options model: each engine option is declared once and every entry point (CLI, worker job,
shot file, Python) reads it back the same way and refuses bad values with the same line."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import (
    AUDIO,
    BEHAVIOUR,
    BY_NAME,
    ENGINE,
    GENERATE,
    OPTIONS,
    Request,
    add_arguments,
    coerce,
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    add_arguments(p)
    return p


def test_every_option_is_a_request_field_and_nothing_else_is():
    assert [o.name for o in OPTIONS] == [f.name for f in dataclasses.fields(Request)]
    for option in OPTIONS:
        assert option.default == Request.__dataclass_fields__[option.name].default, option.name


def test_the_cli_view_reads_back_the_request_it_was_given():
    args = parser().parse_args(
        ["--audio", "a.wav", "--turns", "t.rttm", "--speaker-a", "ann", "--swap", "--start", "1.5"]
        + ["--engine", "lite", "--precision", "bf16", "--rounds", "3", "--window", "12"]
    )
    req = Request.from_args(args)
    assert req == Request(
        audio="a.wav", turns="t.rttm", speaker_a="ann", swap=True, start=1.5, engine="lite",
        precision="bf16", rounds=3, window=12.0,
    )  # fmt: skip
    assert Request.from_args(parser().parse_args([])) == Request()


def test_the_job_view_round_trips_and_resolves_paths_against_the_job_folder(tmp_path):
    req = Request(audio="talk.wav", checkpoint="m.pt", diarize=True, rounds=4, window=0.0)
    job = req.to_job()
    assert set(job) == {AUDIO, ENGINE, GENERATE, BEHAVIOUR} and job[GENERATE] == {
        "rounds": 4,
        "window_s": 0.0,
        "lip_release": 0.75,
        "lip_rounding": 0.5,
    }
    back = Request.from_job(job, tmp_path)
    assert back == req.replace(audio=str(tmp_path / "talk.wav"), checkpoint=str(tmp_path / "m.pt"))


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ({"audio": {"audio": "a.wav", "volume": 11}}, "unknown keys: volume"),
        ({"audio": "a.wav"}, "must be an object"),
        ({"generate": {"rounds": "3"}}, "generate.rounds: expected an integer"),
        ({"audio": {"swap": "yes"}}, "audio.swap: expected true or false"),
    ],
)
def test_bad_job_sections_are_one_line_errors(tmp_path, job, message):
    with pytest.raises(DualTalkError, match=message):
        Request.from_job(job, tmp_path)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rounds": 0}, "--rounds must be between 1 and 20, got 0"),
        ({"window": 1.0}, "--window 1 s is too short"),
        ({"window": -1.0}, "--window must be a positive number"),
        ({"engine": "big"}, "--engine must be one of auto, dualtalk, lite"),
        ({"start": 5.0, "end": 2.0}, r"--end \(2 s\) must be after --start \(5 s\)"),
    ],
)
def test_every_view_refuses_a_bad_value_with_the_same_line(tmp_path, values, message):
    views = [
        lambda: Request(**values),
        lambda: Request.from_mapping(values),
        lambda: Request.from_job(Request(**values).to_job(), tmp_path),
    ]
    for view in views:
        with pytest.raises(DualTalkError, match=message):
            view().validate()


def test_a_shot_file_key_that_is_no_option_is_refused():
    with pytest.raises(DualTalkError, match="unknown option"):
        Request.from_mapping({"audio": "a.wav", "loudness": 3})
    assert BY_NAME["window"].key == "window_s" and BY_NAME["window"].flag == "--window"


def test_behaviour_options_take_words_and_numbers_and_refuse_the_rest(tmp_path):
    req = Request(behaviour_seed=7, blinks="off", gaze="on", head=1.5, brows="auto", mood="friendly")
    assert req.validate().behaviour() == {
        "seed": 7, "mood": "friendly", "mood_b": None, "gaze_on": True, "blinks": 0.0, "gaze": 1.0, "head": 1.5,
        "brows": None,
    }  # fmt: skip
    job = req.to_job()
    assert job[BEHAVIOUR]["blinks"] == "off" and Request.from_job(job, tmp_path) == req
    assert Request(gaze="off").behaviour()["gaze_on"] is False
    args = argparse.ArgumentParser()
    add_arguments(args)
    parsed = Request.from_args(
        args.parse_args(["--blinks", "0.5", "--behaviour-seed", "3", "--mood", "serious"])
    )
    assert parsed.behaviour()["blinks"] == 0.5 and parsed.behaviour_seed == 3 and parsed.mood == "serious"
    for bad, flag in (
        ({"blinks": "lots"}, "--blinks"),
        ({"head": 2.5}, "--head"),
        ({"brows": float("nan")}, "--brows"),
        ({"behaviour_seed": -1}, "--behaviour-seed"),
        ({"mood": "grumpy"}, "--mood"),
        ({"mood_b": "grumpy"}, "--mood-b"),
        ({"gaze": True}, "--gaze"),
    ):
        with pytest.raises(DualTalkError, match=flag):
            Request(**bad).validate()
    with pytest.raises(DualTalkError, match="behaviour.head: expected off, on or a number"):
        Request.from_job({"behaviour": {"head": [1]}}, tmp_path)


def test_a_number_written_as_text_in_a_job_file_is_shown_quoted():
    """``"start": "1"`` is refused as text: the line shows it quoted, so it does not read as if the
    number 1 were refused."""
    with pytest.raises(DualTalkError, match=r"shot 'x'\.start: expected a finite number, got '1'$"):
        coerce(BY_NAME["start"], "1", "shot 'x'.start")
