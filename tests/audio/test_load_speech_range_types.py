"""A researcher cuts a clip with ``load_speech(path, start=..., end=...)`` and passes a time as text.

Before (review rv38c, finding 7): ``start="abc"`` escaped as float()'s ``ValueError``, and ``start="1"``
was read as 1.0 while ``Request(start="1")`` is refused. Now a time that is not a number is one
``DualTalkError`` line, in ``Request``'s own words for the same value.
"""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
import pytest
from dualtalk.inference.audio import load_speech
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request


@pytest.fixture
def talk(tmp_path):
    return ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=2.0)


@pytest.mark.parametrize("value", ["abc", "1", True, [1]])
@pytest.mark.parametrize("name", ["start", "end"])
def test_a_time_that_is_not_a_number_is_refused_as_request_refuses_it(talk, name, value):
    with pytest.raises(DualTalkError) as loaded:
        load_speech(talk, **{name: value})
    with pytest.raises(DualTalkError) as requested:
        Request(audio=str(talk), **{name: value}).validate()
    assert str(loaded.value) == str(requested.value) == f"--{name} must be a number, got {value!r}"


def test_numbers_of_any_real_type_still_cut_the_clip(talk):
    whole = load_speech(talk)
    assert load_speech(talk, start=np.float32(0.5), end=1).size == 8000
    assert load_speech(talk, start=0, end=None).size == whole.size
