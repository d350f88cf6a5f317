"""`eval lipsync --as-one-take N` asked for a take longer than a take may be, or for none at all.

Past 4 h the clips were joined (gigabytes, minutes) and the joined file refused by a name the user never
gave, "one_take.wav is 4.1 h long; pick a part of at most 4 h with --start/--end", options eval lipsync
does not have; "--as-one-take 0" scored clip by clip without a word (review rv40a F4). Now N is checked
against the clips' length before anything is joined, in the option's own words."""

from __future__ import annotations

import numpy as np
import pytest
from cli_in_process import run_dualtalk
from dualtalk.training.evaluation.lipsync import AlignedPhone, write_alignment
from dualtalk.training.evaluation.phone_classes import classify

SR = 16000


def a_minute_of_speech(folder):
    """One 60 s clip (quiet noise) with three phones: 240 of it make the 4 h a take may have."""
    audio = np.random.default_rng(0).uniform(-0.1, 0.1, 60 * SR).astype(np.float32)
    phones = [
        AlignedPhone(s, 10.0 * k + 1, 10.0 * k + 1.2, classify(s, "arpabet"))
        for k, s in enumerate(("M", "AA1", "P"))
    ]
    write_alignment(folder, "minute", audio, phones, alphabet="arpabet", text="minute")


def refused(folder, times: str) -> str:
    out = run_dualtalk("eval", "lipsync", "--aligned", folder, "--as-one-take", times)
    assert out.returncode == 2, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    return lines[0]


@pytest.mark.parametrize(("times", "hours"), [("241", "4.02"), ("100000", "1666.67")])
def test_a_take_past_four_hours_is_refused_in_the_options_own_words(tmp_path, times, hours):
    a_minute_of_speech(tmp_path)
    line = refused(tmp_path, times)
    assert (
        line
        == f"error: --as-one-take {times} joins {hours} h of clips; a take may be at most 4 h, so at most 240 here"
    )
    assert "one_take" not in line and "--start" not in line


def test_as_one_take_zero_is_refused_not_read_as_not_given(tmp_path):
    a_minute_of_speech(tmp_path)
    assert refused(tmp_path, "0") == "error: --as-one-take joins the clips at least once, got 0"
