"""A subtitle file that gives two people speaking at once one cue (``- ANN: ...`` / ``- BOB: yeah``,
or two ``<v>`` voices) animates both of them over that cue.

An editor subtitling a conversation writes Bob's "yeah" under Ann's words into Ann's cue, as subtitles
do for overlapping speech. Only the cue's first tag was read, so Bob's "yeah" went to Ann's face and
Bob's stayed still. Now a cue with two tagged speakers is a turn of both: as docs/audio.md says for
overlapping turns, both characters mouth the mixed sound there, and the run says where.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.dialogue import load_dialogue
from dualtalk.inference.audio.tts import SAMPLE_RATE, Voice, available_engines, speak
from dualtalk.inference.audio.turns import parse_turns_text

FPS = 25


def _clock(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    return f"00:{ms // 60000:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


@pytest.fixture(scope="module")
def talk(tmp_path_factory):
    """Ann's sentence with Bob's "yeah" under its middle, then Bob's own sentence:
    (wav path, Ann's span, Bob's "yeah" span, Bob's sentence span), in seconds."""
    if "espeak" not in available_engines():
        pytest.skip("espeak not installed")
    ann = speak(
        "I walked along the river this morning and the water was higher.", Voice("espeak", "en-us+m3")
    ).audio
    yeah = speak("yeah", Voice("espeak", "en-us+f2", 1.0, 70, 60)).audio
    bob = speak("We painted the kitchen on Saturday.", Voice("espeak", "en-us+f2", 1.0, 70, 60)).audio
    at_yeah, at_bob = 8000 + len(ann) // 2, 8000 + len(ann) + 8000
    mix = np.zeros(at_bob + len(bob) + 8000, np.float32)
    spans = []
    for at, sound in ((8000, ann), (at_yeah, yeah), (at_bob, bob)):
        mix[at : at + len(sound)] += sound
        loud = np.flatnonzero(np.abs(sound) > 0.01 * np.abs(sound).max())
        spans.append(((at + loud[0]) / SAMPLE_RATE, (at + loud[-1]) / SAMPLE_RATE))
    path = tmp_path_factory.mktemp("one_cue") / "talk.wav"
    sf.write(path, mix, SAMPLE_RATE)
    return path, *spans


def _subtitles(talk, vtt: bool) -> str:
    path, (a0, a1), (y0, y1), (b0, b1) = talk
    sep = "." if vtt else ","
    cues = [
        (a0, y0, "<v Ann>I walked along the river" if vtt else "ANN: I walked along the river"),
        (y0, y1, "<v Ann>this morning</v>\n<v Bob>yeah</v>" if vtt else "- ANN: this morning\n- BOB: yeah"),
        (y1, a1, "<v Ann>and the water was higher." if vtt else "ANN: and the water was higher."),
        (b0, b1, "<v Bob>We painted the kitchen." if vtt else "BOB: We painted the kitchen."),
    ]
    head = "WEBVTT\n\n" if vtt else ""
    text = head + "".join(
        f"{i}\n{_clock(s, sep)} --> {_clock(e, sep)}\n{t}\n\n" for i, (s, e, t) in enumerate(cues, 1)
    )
    out = path.with_name("talk.vtt" if vtt else "talk.srt")
    out.write_text(text, encoding="utf-8")
    return str(out)


@pytest.mark.parametrize("vtt", [False, True], ids=["srt", "vtt"])
def test_bobs_yeah_in_anns_cue_moves_bobs_mouth_and_anns_goes_on(talk, vtt):
    path, _ann, (y0, y1), _bob = talk
    turns = _subtitles(talk, vtt)
    dlg = load_dialogue(str(path), turns=turns)
    a, b = int(y0 * FPS), int(np.ceil(y1 * FPS))
    assert dlg.active_b[a:b].mean() >= 0.8  # 0 before: Ann's face said it
    assert dlg.active_a[a:b].mean() >= 0.8
    name = "talk.vtt" if vtt else "talk.srt"
    said = [w for w in dlg.source["warnings"] if w.startswith(f"{name}: ")]
    assert (
        said and "where both speak in the turns file: both characters mouth the mixed sound there" in said[0]
    )


def test_a_line_of_text_that_looks_like_a_tag_is_not_a_third_speaker():
    text = (
        "1\n00:00:00,000 --> 00:00:02,000\nANN: The plan is simple.\nNote: bring the maps\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nBOB: Fine by me.\n\n"
    )
    segs = parse_turns_text(text, "srt", name="plan.srt")
    assert [(s.speaker, s.start, s.end) for s in segs] == [("ANN", 0.0, 2.0), ("BOB", 2.5, 4.0)]
