"""A script whose character speaks in a voice pocketsphinx's default beams lose (the demo's British
espeak-ng voice) is aligned again with wide beams over the character's whole stream. pocketsphinx
read that pass's words from its lattice, whose time grows much faster than the audio once the beams
are wide: 10 / 37 / 101 s for that voice's 15 / 30 / 59 s of a batch night's takes (review rv42b
F6). A wide pass over more than ``align.LATTICE_S`` now reads its words by the search's backtrace,
whose work grows with the audio; the words are placed as before. A pass over a shorter stretch (a
phone pass, a short take) still reads the lattice: what aligned before aligns the same."""

from __future__ import annotations

import contextlib
import threading

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic import align

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

LINES = [
    "Good morning, did you bring the maps for the trip?",
    "They are on the table next to the window.",
    "Then we can leave as soon as the car is ready.",
    "I will pack the bags and lock the back door.",
    "Remember to take the tickets and the keys.",
]
BRITISH = Voice("espeak", "en-gb-x-rp+m3", 0.95, 35.0, 50.0)  # the demo's B


def test_a_long_stream_the_default_beams_lose_is_aligned_by_a_pass_that_grows_with_it(monkeypatch):
    pytest.importorskip("pocketsphinx")
    import pocketsphinx

    pieces = []
    for text in LINES + LINES[:3]:  # about 25 s of one character's speech, 0.8 s between lines
        pieces += [speak(text, BRITISH).audio, np.zeros(int(0.8 * align.SAMPLE_RATE), np.float32)]
    stream = np.concatenate(pieces)
    assert len(stream) / align.SAMPLE_RATE > 20.0  # longer than align.LATTICE_S
    made: list[dict] = []
    real = pocketsphinx.Decoder

    def noted(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(align, "_SHARED", threading.local(), raising=False)  # decoders made here
    monkeypatch.setattr(pocketsphinx, "Decoder", noted)
    words = align.normalise_transcript(" ".join(LINES + LINES[:3])).split()
    with pytest.raises(DualTalkError):  # the default beams lose this voice's path
        align._word_pass(stream, words, whole=True)
    # the retry align_words makes then (persist): the wide beams over the whole stream
    segs = align._word_pass(stream, words, wide=True, whole=True)
    assert [w.split("(")[0] for w, _b, _e in segs if w[0] not in "<["] == words  # every word placed
    assert [k.get("bestpath", True) for k in made] == [True, False]  # read by backtrace, not the lattice
    # a pass over a stretch of 20 s or less (a phone pass, a short take) reads the lattice as before
    with contextlib.suppress(DualTalkError):  # (whether those words are all said there: no matter)
        align._word_pass(stream[: 10 * align.SAMPLE_RATE], words[:10], wide=True)
    assert [k.get("bestpath", True) for k in made] == [True, False, True]
