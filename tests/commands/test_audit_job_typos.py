"""A TD's job file with a typo'd field fails before any shot runs, and the line says what was meant."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.inference.core.errors import DualTalkError

SHOT = {"blend": "in/scene.blend", "audio": "talk.wav", "char_a": "Ann", "char_b": "Bob"}


def test_a_misspelt_shot_field_names_the_field_it_looks_like(tmp_path):
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"shots": [{**SHOT, "out": "o.blend", "intensty": "mouth=0.8", "colour": 1}]}, tmp_path)
    assert str(err.value) == "shots[0]: unknown field(s) colour, intensty (did you mean intensity?)"


def test_a_misspelt_top_level_field_names_the_one_it_looks_like(tmp_path):
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"shot": [{**SHOT, "out": "o.blend"}]}, tmp_path)
    assert str(err.value) == "job file: unknown field(s) shot (did you mean shots?)"
