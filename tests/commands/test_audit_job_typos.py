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


@pytest.mark.parametrize("key", ["blend", "out"])
def test_a_path_set_to_null_is_one_line_naming_the_shot_and_key(tmp_path, key):
    """``"blend": null`` in shot s7 (a TD blanking a field from a template) passed the "missing"
    check, then failed inside the parser as ``internal error (TypeError: Shot.__init__() missing
    ... 'blend')``, exit 1, naming no shot. Now it is one line, as ``"out": null`` already was."""
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"shots": [{**SHOT, "name": "s7", "out": "o.blend", key: None}]}, tmp_path)
    assert str(err.value) == f"shot 's7'.{key}: expected a path string"


def test_render_samples_out_of_range_name_the_shot_and_key(tmp_path):
    """``"samples": 0`` in one shot of twenty failed as ``render samples must be within 1..65536,
    got 0``: no shot, no key, and the job file had twenty candidates. Now the line names both."""
    shots = [{**SHOT, "name": f"s{i}", "out": f"s{i}.blend", "render": f"s{i}.mp4"} for i in range(3)]
    shots[1]["samples"] = 0
    with pytest.raises(DualTalkError) as err:
        parse_jobs({"shots": shots}, tmp_path)
    assert str(err.value) == "shot 's1'.samples: render samples must be within 1..65536, got 0"
