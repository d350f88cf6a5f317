"""A TD's overnight job file has a typo in a later shot (``"lip_release": 5``, ``"rounds": 100000``).
Before, shot 1 ran and the batch learned of the typo only at that shot's turn, in the command line's
words (``error: shot y: --lip-release must be between 0 and 1, got 5``). Now every shot's values are
checked when the job file is read: one line naming the shot and the job field, and nothing runs."""

from __future__ import annotations

import json

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.inference.core.errors import DualTalkError
from test_audit_jobs import DEFAULTS, job_folder, voice

SHOT = {"blend": "in/scene.blend", "audio": "talk.wav", "char_a": "Ann", "char_b": "Bob"}


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        ("lip_release", 5, "shot 'y'.lip_release must be between 0 and 1, got 5"),
        ("rounds", 100000, "shot 'y'.rounds must be between 1 and 20, got 100000"),
        (
            "start_frame",
            99999999999999999999,
            "shot 'y'.start_frame must be between 0 and 1,048,574, got 99999999999999999999",
        ),
        ("intensity", {"mouth": 7}, "shot 'y'.intensity.mouth must be between 0 and 5, got 7"),
        ("blinks", 7, "shot 'y'.blinks must be between 0 and 2, got 7"),
        ("behaviour_seed", -1, "shot 'y'.behaviour_seed must be a whole number from 0 to 4294967295, got -1"),
        (
            "mood_b",
            "grumpy",
            "shot 'y'.mood_b must be one of same, neutral, friendly, serious, animated, got 'grumpy'",
        ),
    ],
)
def test_a_value_out_of_range_in_a_later_shot_is_refused_when_the_file_is_read(tmp_path, field, value, line):
    shots = [
        {**SHOT, "name": "x", "out": "out/x.blend"},
        {**SHOT, "name": "y", "out": "out/y.blend", field: value},
    ]
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"shots": shots}, tmp_path)
    assert str(err.value) == line


def test_a_value_out_of_range_in_the_defaults_names_the_first_shot_it_reaches(tmp_path):
    shots = [{**SHOT, "name": "x", "out": "out/x.blend"}]
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"defaults": {"rounds": 0}, "shots": shots}, tmp_path)
    assert str(err.value) == "shot 'x'.rounds must be between 1 and 20, got 0"


def test_the_batch_stops_before_the_first_shot_runs(tmp_path, capsys):
    folder = job_folder(tmp_path)
    voice(folder / "in" / "talk.wav", 180, seconds=1.2)
    shot = {"audio": "in/talk.wav", "device": "cpu"}
    job = {
        "defaults": DEFAULTS,
        "shots": [
            {**shot, "name": "x", "out": "out/x.blend"},
            {**shot, "name": "y", "out": "out/y.blend", "lip_release": 5},
        ],
    }
    (folder / "shots.json").write_text(json.dumps(job))
    capsys.readouterr()
    code = main(["animate", "--quiet", "--job", str(folder / "shots.json")])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == "error: shot 'y'.lip_release must be between 0 and 1, got 5"
    assert out == "" and not (folder / "out").exists()


def test_an_unknown_field_with_a_stray_space_is_shown_quoted(tmp_path):
    """``"char_a ": "Ava"`` read ``unknown field(s) char_a (did you mean char_a?)``: the space was
    invisible, and the hint named the very field the TD believed they had typed."""
    shot = {**SHOT, "out": "o.blend"}
    shot["char_a "] = shot.pop("char_a")
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"shots": [shot]}, tmp_path)
    assert str(err.value) == "shots[0]: unknown field(s) 'char_a ' (did you mean char_a?)"
