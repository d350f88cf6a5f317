"""With ``--diarize``, a recording of one voice alone gives all its speech to one character; the other
listens.

A user animates a monologue (a voice-over, a reader, or the wrong file: one side of a call). The diarizer
always split the speech in two, so both faces mouthed one person's words in turns (an espeak-ng voice:
13-40 % of its speech to the second character; LJ Speech's reader: 22-46 %). Now, when the two voices
the first pass found are one voice, every frame of speech goes to A, B only listens, and the take says so
in one line, with how alike the two halves were and, if two people speak, --turns FILE as the way out.
Two different voices of the same sex are still split, and a listener who only says "yeah" in the pauses
still mouths it (guards: both held before too; measured 1.0 of the yeahs' frames).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import c_rand, load_dialogue, voice_encoder
from dualtalk.inference.audio.diarize import diarize_mix
from dualtalk.inference.audio.loader import load_speech
from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.core.timebase import SAMPLE_RATE

pytestmark = pytest.mark.skipif(
    not voice_encoder.available(), reason="packaged voice encoder (resemblyzer wheel) not installed"
)

PHRASES = [
    "I walked along the river this morning and the water was higher than last week.",
    "A heron stood by the old stone bridge, waiting for a fish to come near.",
    "Later we sat on the bench and watched the boats go slowly past the mill.",
    "We painted the kitchen on Saturday, and it took much longer than we planned.",
    "Now the walls are a pale green, and the light in the morning is lovely.",
    "Next week we will start on the hall, if the weather stays dry enough.",
]
GAP = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The parts one after another, half a second of silence around each."""
    return np.concatenate([GAP, *(x for p in parts for x in (np.asarray(p, np.float32), GAP))])


def _said(voice: str, pitch: float, phrases: list[str]) -> list[np.ndarray]:
    """The phrases in ``voice``: the same samples whatever the process said before (f2's breath noise
    comes from the C library's rand())."""
    with c_rand.seeded():
        return [speak(p, Voice("espeak", voice, 1.0, pitch, 50)).audio for p in phrases]


def _second_share(mix: np.ndarray) -> float:
    """The share of the speech frames that the diarization gives to the second character."""
    d = diarize_mix(mix)
    spoken = d.labels >= 0
    return float(((d.labels == 1) & spoken).sum() / max(1, spoken.sum()))


@pytest.mark.parametrize(("voice", "pitch"), [("en-us+f2", 70), ("en-us+m3", 35)])
def test_a_monologue_goes_to_one_character(voice, pitch):
    d = diarize_mix(_joined(_said(voice, pitch, PHRASES)))
    assert "one-voice" in d.meta["method"]
    assert {g.speaker for g in d.segments} == {"S1"}  # before: S2 took 13-34 % of the speech
    assert not (d.labels == 1).any()


def test_a_real_reader_alone_goes_to_one_character(shared_dir: Path):
    clips = sorted((shared_dir / "data" / "real_speech" / "ljspeech").glob("LJ*.wav"))[:8]
    assert len(clips) == 8
    assert _second_share(_joined([load_speech(c) for c in clips])) == 0.0  # before: 0.43


def test_the_take_says_in_one_line_that_b_only_listens(tmp_path, caplog):
    path = tmp_path / "voice_over.wav"
    sf.write(path, _joined(_said("en-us+f2", 70, PHRASES)), SAMPLE_RATE)
    with caplog.at_level("WARNING", logger="dualtalk"):
        d = load_dialogue(path, diarize=True)
    assert d.active_a.mean() > 0.5 and not d.active_b.any()  # before: B mouthed 34 % of A's words
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    # one line, with how alike the halves were and the way out (before: two, the second repeating
    # the first as "diarization found only one speaker; B only listens")
    told = [s for s in said if "B only listens" in s or "one voice" in s or "one speaker" in s]
    assert len(told) == 1, said
    assert told[0].startswith("--diarize heard one voice (") and "B only listens" in told[0]
    assert "alike" in told[0] and "--turns FILE" in told[0]
    assert told[0] in d.source["warnings"]  # the take keeps it


def test_two_voices_of_the_same_sex_are_still_split():
    a, b = _said("en-us+f2", 70, PHRASES[:3]), _said("en-us+f4", 60, PHRASES[3:])
    parts = [x for pair in zip(a, b, strict=True) for x in pair]  # A, B, A, B, A, B
    d = diarize_mix(_joined(parts))
    assert "one-voice" not in d.meta["method"]
    # each voice's phrases go mostly to one character, a different one for each voice
    spans, at = [], len(GAP)
    for p in parts:
        spans.append((at * 25 // SAMPLE_RATE, (at + len(p)) * 25 // SAMPLE_RATE))
        at += len(p) + len(GAP)
    mostly = [int(np.round(np.mean(d.labels[s:e][d.labels[s:e] >= 0]))) for s, e in spans]
    assert mostly == [mostly[0], 1 - mostly[0]] * 3


def test_a_listener_who_only_says_yeah_in_the_pauses_still_mouths_it():
    """One side almost silent but not quite: B's four short words in A's pauses are still B's."""
    words = [
        speak(w, Voice("espeak", "en-us+m3", 1.0, 35, 50)).audio for w in ("yeah", "right", "mm-hm", "okay")
    ]
    parts = [
        x for i, p in enumerate(_said("en-us+f2", 70, PHRASES)) for x in ([p, words[i]] if i < 4 else [p])
    ]
    d = diarize_mix(_joined(parts))
    assert "one-voice" not in d.meta["method"]
    spans, at = [], len(GAP)
    for p in parts:
        spans.append((at * 25 // SAMPLE_RATE, -(-(at + len(p)) * 25 // SAMPLE_RATE)))
        at += len(p) + len(GAP)
    a_label = int(
        np.round(np.mean(d.labels[spans[0][0] : spans[0][1]][d.labels[spans[0][0] : spans[0][1]] >= 0]))
    )
    yeahs = [spans[i] for i in (1, 3, 5, 7)]
    heard = [float((d.labels[s:e] == 1 - a_label).mean()) for s, e in yeahs]
    assert min(heard) >= 0.5, heard  # each of B's words mostly on B's mouth
