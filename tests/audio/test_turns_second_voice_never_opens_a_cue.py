"""A subtitle file where the second person is only ever tagged under the first: every cue is
``<v Ann>so we went there <v Bob>yeah`` (WebVTT), or ``- ANN: so we went`` / ``- BOB: yeah`` (SRT in
dialogue form). Bob never opens a cue of his own, and a later tag counted only when its name opened
some cue, so Bob was dropped: the run said the file "names only one speaker (Ann)", character B never
moved, exit 0. A voice tag is always a speaker, and so is a dash-led ``- NAME:`` line in a cue written
as dialogue; a line of the text that only looks like a tag ("Note: ...", a list under Ann's words)
still is not.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.dialogue import load_dialogue
from dualtalk.inference.audio.turns import parse_turns_text

FPS = 25
SR = 16000


def _vtt(*cues: str) -> str:
    return "WEBVTT\n\n" + "".join(f"00:00:0{i}.000 --> 00:00:0{i}.900\n{c}\n\n" for i, c in enumerate(cues))


def _srt(*cues: str) -> str:
    return "".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},900\n{c}\n\n" for i, c in enumerate(cues))


def _turns(text: str, fmt: str) -> list[tuple[float, str]]:
    return [(round(s.start, 1), s.speaker) for s in parse_turns_text(text, fmt)]


def test_a_voice_tagged_only_after_ann_in_every_cue_is_still_bob():
    text = _vtt(*["<v Ann>so we went there <v Bob>yeah"] * 3)
    assert _turns(text, "vtt") == [(t, n) for t in (0.0, 1.0, 2.0) for n in ("Ann", "Bob")]  # before: no Bob


def test_dash_lines_of_two_names_in_every_cue_are_two_speakers():
    text = _srt(*["- ANN: so we went\n- BOB: yeah"] * 3)
    assert _turns(text, "srt") == [(t, n) for t in (0.0, 1.0, 2.0) for n in ("ANN", "BOB")]  # before: no BOB


def test_bob_spelt_two_ways_under_ann_is_one_speaker():
    text = _vtt("<v Ann>so we went <v Bob>yeah", "<v Ann>and then <v bob>right")
    assert _turns(text, "vtt") == [(0.0, "Ann"), (0.0, "Bob"), (1.0, "Ann"), (1.0, "Bob")]


@pytest.mark.parametrize(
    "cue",
    [
        "ANN: The plan is simple.\nNote: bring the maps",  # prose under a name prefix
        "ANN: The plan is simple.\n- step one: bring the maps",  # a list, not dialogue form
        "- ANN: we left\n- at 10:30 sharp",  # a time, not a name
        "- ANN: we left\n- [laughs] yes",  # a sound, not a name
    ],
    ids=["note", "list", "time", "sound"],
)
def test_text_that_only_looks_like_a_tag_is_still_no_speaker(cue):
    assert _turns(_srt(cue, cue), "srt") == [(0.0, "ANN"), (1.0, "ANN")]


@pytest.mark.parametrize("vtt", [True, False], ids=["vtt", "srt"])
def test_bob_tagged_under_ann_moves_character_b(tmp_path, vtt):
    rng = np.random.default_rng(3)
    n = 4
    wav = tmp_path / "mix.wav"
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * np.arange(n * SR) / SR)
    sf.write(wav, (0.2 * env * rng.standard_normal(n * SR)).astype(np.float32), SR)
    cue = "<v Ann>so we went there <v Bob>yeah" if vtt else "- ANN: so we went\n- BOB: yeah"
    turns = tmp_path / ("both.vtt" if vtt else "both.srt")
    turns.write_text((_vtt if vtt else _srt)(*[cue] * n), encoding="utf-8")
    dlg = load_dialogue(str(wav), turns=str(turns))
    assert not [w for w in dlg.source["warnings"] if "names only one speaker" in w]
    assert dlg.active_b[: n * FPS].mean() >= 0.5  # before: 0, B never moved
    assert dlg.active_a[: n * FPS].mean() >= 0.5


@pytest.mark.parametrize("word", ["Listen", "Look", "Wait", "LOOK", "Hey", "Mira", "Écoute"])
def test_a_word_said_before_a_colon_under_ann_is_no_speaker(word):
    """Ann's dialogue cue goes on "- Listen: don't lie to me": the word opens her line, it names nobody
    (it was a third speaker, and the file was refused as naming too many)."""
    cue = f"- ANN: where were you?\n- {word}: don't lie to me."
    assert _turns(_srt(cue, cue), "srt") == [(0.0, "ANN"), (1.0, "ANN")]


@pytest.mark.parametrize("bob", ["BOB", "Bob", "Mr Smith", "Dr. Jones"])
def test_a_name_written_as_a_name_under_ann_is_still_a_speaker(bob):
    cue = f"- ANN: so we went\n- {bob}: yeah"
    assert _turns(_srt(cue, cue), "srt") == [(t, n) for t in (0.0, 1.0) for n in ("ANN", bob)]


def test_a_lower_case_dash_tag_is_a_speaker_when_its_name_opens_a_cue():
    text = _srt("- ANN: so we went\n- bob: yeah", "BOB: and then")
    assert _turns(text, "srt") == [(0.0, "ANN"), (0.0, "BOB"), (1.0, "BOB")]


def test_a_cue_opened_by_a_word_said_is_refused_naming_its_line_and_the_word():
    """Between Ann's and Bob's cues, "- Look: I was at work." / "- Listen: don't lie to me." read as
    speakers Look and Listen: the file was refused as naming 4 speakers, pointing at no line."""
    from dualtalk.inference.audio.turns import TurnsError

    text = _srt("ANN: Where were you?", "- Look: I was at work.\n- Listen: don't lie to me.", "BOB: I swear.")
    with pytest.raises(TurnsError, match=r"line 6: cue has no speaker tag \('- Look:' is a word said"):
        parse_turns_text(text, "srt", "look.srt")
