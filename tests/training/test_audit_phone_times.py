"""A phone time written as JSON true/false or as quoted text is refused: Python would read true as
1.0 s and score the clip against phones that are not where the file says."""

from __future__ import annotations

import json

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.evaluation.lipsync import read_alignment


def _write(tmp_path, b, d=0.1):
    words = [{"t": "ma", "w": [{"t": "M", "b": b, "d": d}, {"t": "AA", "b": 0.2, "d": 0.2}]}]
    path = tmp_path / "one.phone.json"
    path.write_text(json.dumps({"w": words}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "shown"), [(True, "true"), (False, "false"), ("0.1", '"0.1"'), (None, "nothing")]
)
def test_a_phone_start_that_is_not_a_number_is_one_line_naming_what_was_there(tmp_path, value, shown):
    with pytest.raises(DualTalkError) as err:
        read_alignment(_write(tmp_path, value))
    message = str(err.value)
    assert message == f"one.phone.json: word 1, phone 1: needs a number 'b', got {shown}"


def test_whole_and_fractional_seconds_still_read(tmp_path):
    clip = read_alignment(_write(tmp_path, 0, d=0.1))
    assert [(p.start, round(p.end, 3)) for p in clip.phones] == [(0.0, 0.1), (0.2, 0.4)]


@pytest.mark.parametrize("key", ["b", "d"])
def test_a_phone_time_given_as_true_is_refused_for_start_and_duration(tmp_path, key):
    """true is an int to Python: as a duration it read as 1.0 s as well."""
    path = _write(tmp_path, True) if key == "b" else _write(tmp_path, 0.0, d=True)
    with pytest.raises(DualTalkError, match=f"needs a number '{key}', got true"):
        read_alignment(path)


def test_a_phone_time_too_large_for_a_float_is_one_line(tmp_path):
    """A whole number of 400 digits is a JSON number, but float() of it raised OverflowError: a
    traceback instead of the line that names the phone, as 1e400 already got."""
    with pytest.raises(DualTalkError) as err:
        read_alignment(_write(tmp_path, 10**400))
    assert str(err.value) == "one.phone.json: word 1, phone 1: 'b' is not finite"
