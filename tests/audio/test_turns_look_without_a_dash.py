"""A subtitle file between Ann's and Bob's cues has one opened by a word said, with no dialogue dash:
"Look: I was at work." It was read as a third speaker named Look, and the file was refused as naming
three speakers, pointing at no line (session 35 fixed only "- Look:"). Where the file names two
other speakers (ANN and BOB, A and B), such a cue now names nobody, in the six languages of the dash
rule, and the refusal names its line and the word; a file whose speakers are really called so
(MIRA and TOM) and WebVTT's own voice tag (<v Look>) keep them."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.turns import TurnsError, parse_turns_text


def _srt(*cues: str) -> str:
    return "".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},900\n{c}\n\n" for i, c in enumerate(cues))


def _vtt(*cues: str) -> str:
    return "WEBVTT\n\n" + "".join(f"00:00:0{i}.000 --> 00:00:0{i}.900\n{c}\n\n" for i, c in enumerate(cues))


@pytest.mark.parametrize(
    ("a", "b", "said"),
    [
        ("ANN", "BOB", "Look"),
        ("A", "B", "Listen"),
        ("MARÍA", "JUAN", "Mira"),
        ("Anna", "Ben", "Hör mal"),
        ("Alice", "Bruno", "Écoute"),
        ("GIULIA", "PAOLO", "Senti"),
        ("Ana", "Rui", "Olha"),
    ],
)
def test_a_cue_opened_by_a_word_said_between_two_named_speakers_is_refused_naming_it(a, b, said):
    text = _srt(f"{a}: Where were you?", f"{b}: Out.", f"{said}: I was at work.", f"{a}: Until three?")
    with pytest.raises(TurnsError) as refused:  # was: "turns name 3 speakers (ANN, BOB, Look)"
        parse_turns_text(text, "srt", "look.srt")
    assert f"look.srt line 10: cue has no speaker tag ('{said}:' is a word said" in str(refused.value)


def test_in_webvtt_too():
    text = _vtt("<v Ann>Where were you?", "<v Bob>Out.", "Look: I was at work.")
    with pytest.raises(TurnsError, match=r"line 9: cue has no speaker tag \('Look:' is a word said"):
        parse_turns_text(text, "vtt", "look.vtt")


@pytest.mark.parametrize(
    ("text", "fmt", "speakers"),
    [
        (_srt("MIRA: Where were you?", "TOM: Out.", "MIRA: Until three?"), "srt", ["MIRA", "TOM"]),
        (_srt("Look: one", "Well: two", "Look: three"), "srt", ["Look", "Well"]),
        (_vtt("<v Ann>Where?", "<v Bob>Out.", "<v Look>At work."), "vtt", ["Ann", "Bob", "Look"]),
        (_srt("ANN: Where?", "BOB: Out.", "[Look] At work."), "srt", ["ANN", "BOB", "Look"]),
    ],
    ids=["mira-is-a-name", "no-two-others", "voice-tag", "bracketed-tag"],
)
def test_a_speaker_really_tagged_so_is_kept(text, fmt, speakers):
    assert sorted({s.speaker for s in parse_turns_text(text, fmt)}) == sorted(speakers)
