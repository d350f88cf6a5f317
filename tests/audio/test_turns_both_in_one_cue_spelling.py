"""A subtitle cue with two speakers, written as editors write them when they are not careful: Bob's
voice tag in Ann's cue spelt ``<v bob>`` while Bob's own cues say ``<v Bob>``, or a WebVTT cue with
Ann's voice tag and Bob's "yeah" on a dash line (``- BOB: yeah``). Only exact, same-form tags were
read, so Bob's "yeah" stayed on Ann's face. Now the name is matched to the speaker who opens cues of
that name, whatever its case, and a dash line counts beside a voice tag. A line of text that only
looks like a tag ("Note: ...") is still no speaker."""

from __future__ import annotations

from dualtalk.inference.audio.turns import parse_turns_text


def _vtt(*cues: str) -> str:
    return "WEBVTT\n\n" + "".join(f"00:00:0{i}.000 --> 00:00:0{i}.900\n{c}\n\n" for i, c in enumerate(cues))


def _turns(text: str) -> list[tuple[float, str]]:
    return [(round(s.start, 1), s.speaker) for s in parse_turns_text(text, "vtt")]


def test_a_voice_tag_spelt_in_another_case_is_that_speaker():
    text = _vtt("<v Ann>and the water</v>\n<v bob>yeah</v>", "<v Ann>was high", "<v Bob>We painted it")
    assert _turns(text) == [(0.0, "Ann"), (0.0, "Bob"), (1.0, "Ann"), (2.0, "Bob")]  # before: no Bob at 0.0


def test_a_dash_line_beside_a_voice_tag_is_the_other_speaker():
    text = _vtt("<v Ann>and the water\n- BOB: yeah", "<v Ann>was high", "<v Bob>We painted it")
    assert _turns(text) == [(0.0, "Ann"), (0.0, "Bob"), (1.0, "Ann"), (2.0, "Bob")]  # before: no Bob at 0.0


def test_a_line_that_only_looks_like_a_tag_is_still_no_speaker():
    text = _vtt("<v Ann>the sign said\nNote: closed", "<v Ann>so we left", "<v Bob>right")
    assert _turns(text) == [(0.0, "Ann"), (1.0, "Ann"), (2.0, "Bob")]
