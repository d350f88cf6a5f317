"""`eval audio` scores a diarization's overlap as overlap: where ``--diarize`` gives a frame to both
voices (a "yeah" under the speaker's words, an interruption), that is two speakers found, not one.

A researcher checks ``--diarize`` on a recording with one channel per speaker where B cuts in over
A. Before, ``eval audio`` read only the one label per frame and charged a miss on every overlapped
frame even when the diarizer had found both voices there.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import espeak, espeak_available
from dualtalk.inference.audio.diarize import Diarization
from dualtalk.inference.audio.vad import voice_activity
from dualtalk.inference.core.timebase import SAMPLE_RATE
from dualtalk.training.evaluation import cmd_audio

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed")


def test_a_diarization_that_finds_both_voices_where_both_speak_scores_no_error(tmp_path, monkeypatch):
    a = espeak("I walked along the river this morning and the water was high.", "en-us", 30)
    b = espeak("Oh really, was the bridge closed again?", "en-us+f3", 75)
    start_b = len(a) // 2  # B cuts in halfway through A's sentence
    n = max(len(a), start_b + len(b)) + SAMPLE_RATE // 2
    ch_a, ch_b = np.zeros(n, np.float32), np.zeros(n, np.float32)
    ch_a[: len(a)], ch_b[start_b : start_b + len(b)] = a, b
    sf.write(tmp_path / "a.wav", ch_a, SAMPLE_RATE)
    sf.write(tmp_path / "b.wav", ch_b, SAMPLE_RATE)
    ra, rb = voice_activity(ch_a, ch_b), voice_activity(ch_b, ch_a)  # eval audio's per-channel truth
    assert (ra & rb).sum() > 25  # over a second where both speak

    def exactly_right(mix: np.ndarray, backend: str = "auto") -> Diarization:
        labels = np.where(ra, 0, np.where(rb, 1, -1)).astype(np.int8)
        return Diarization([], labels, {"method": "exactly right"}, ra & rb)

    monkeypatch.setattr(cmd_audio, "diarize_mix", exactly_right)
    out = cmd_audio.measure(tmp_path / "a.wav", tmp_path / "b.wav")
    for backend in cmd_audio.BACKENDS:
        assert out[backend]["per_channel"]["der"] == 0.0, out[backend]  # before: the overlap as misses
        assert out[backend]["per_channel"]["miss"] == 0.0
