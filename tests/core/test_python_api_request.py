"""A researcher builds a Request in Python, where nothing types the values for them the way the command
line does: None for an option that has no "not given" meaning, a number given as text, an array where a
file goes. Each is refused by validate(), before any work, in the words a bad value gets.

(The audit that found these: lip_release=None passed validate and crashed with a TypeError after the
engine had run; engine/device/precision/swap/diarize/mood_b=None ran anyway; "must be a number, got 0.5"
hid that the 0.5 was text; Request(audio=array) failed deep inside with "expected str, bytes or
os.PathLike object".)
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import OPTIONS, Request

# the options whose default is a value: None means nothing for them
VALUED = [o for o in OPTIONS if o.default is not None]


def test_the_options_that_have_no_none_meaning_are_the_ones_the_audit_found():
    assert {o.name for o in VALUED} == {
        "swap", "diarize", "transcript_language", "transcript_language_b", "recognise", "engine", "device", "precision", "lip_release",
        "lip_rounding", "behaviour_seed", "mood", "mood_b",
    }  # fmt: skip


@pytest.mark.parametrize("option", VALUED, ids=lambda o: o.name)
def test_none_for_an_option_with_a_value_is_refused_by_validate(option):
    with pytest.raises(DualTalkError, match=rf"^{option.label} must be .*got None$"):
        Request(audio="talk.wav", **{option.name: None}).validate()


def test_none_gets_the_words_a_bad_value_gets():
    def refusal(**kw):
        with pytest.raises(DualTalkError) as caught:
            Request(**kw).validate()
        return str(caught.value)

    assert refusal(lip_release=None) == "--lip-release must be a number, got None"
    assert refusal(lip_release="0.5") == "--lip-release must be a number, got '0.5'"
    assert refusal(engine=None) == "--engine must be one of auto, dualtalk, lite, got None"
    assert refusal(engine="lit") == "--engine must be one of auto, dualtalk, lite, got 'lit'"
    assert refusal(swap=None) == "--swap must be True or False, got None"
    assert refusal(swap="no") == "--swap must be True or False, got 'no'"  # was: "no" swapped A and B


def test_options_whose_none_means_not_given_still_take_it():
    Request(
        audio="talk.wav", rounds=None, window=None, start=None, end=None, blinks=None, offset_b=None
    ).validate()


def test_a_number_given_as_text_is_shown_quoted():
    with pytest.raises(DualTalkError, match=r"^--start must be a number, got '1'$"):
        Request(audio="talk.wav", start="1").validate()  # type: ignore[arg-type]
    with pytest.raises(DualTalkError, match=r"^--rounds must be a whole number, got 2.5$"):
        Request(audio="talk.wav", rounds=2.5).validate()  # type: ignore[arg-type]  # a number: as it is


def test_an_audio_array_points_to_the_in_memory_way():
    stereo = np.zeros((16000, 2), np.float32)
    with pytest.raises(
        DualTalkError, match=r"--audio must be a file path, got an array of shape \(16000, 2\)"
    ) as caught:
        Request(audio=stereo).validate()  # type: ignore[arg-type]
    assert "dialogue=Dialogue.from_arrays(a, b, sample_rate=SR)" in str(caught.value)
    with pytest.raises(DualTalkError, match=r"^--turns must be a file path, got int 3$"):
        Request(audio="mix.wav", turns=3).validate()  # type: ignore[arg-type]
