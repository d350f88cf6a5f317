"""A researcher (or the test suite) speaks a line in a breathy espeak-ng voice after other speech in
the same process: the breath noise came from the C library's process-wide ``rand()``, so the line's
samples depended on everything drawn before (a Portuguese ``f5`` reader's line earlier in the suite
made a later story fail). Each line now starts from a new process's ``rand()`` state, as
``speak``'s promise says: the same line in the same voice gives the same samples."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest
from dualtalk.bench.testsignals import espeak_available
from dualtalk.inference.audio.tts import Voice, speak

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed")

LINE = "Maybe we should go before it gets dark."


@pytest.mark.parametrize("name", ["pt-br+f5", "en-us+f2"])
def test_a_breathy_line_is_the_same_after_other_speech_and_other_draws_of_rand(name):
    voice = Voice("espeak", name, 1.1, 60, 70)
    first = speak(LINE, voice).audio
    speak("Something else, said in between.", Voice("espeak", "en-gb-scotland+f3", 1.0, 50, 50))
    libc = ctypes.CDLL(None)
    for _ in range(7):  # any other library in the process drawing from rand()
        libc.rand()

    again = speak(LINE, voice).audio

    assert np.array_equal(again, first)


def test_the_processs_own_rand_sequence_goes_on_where_it_was():
    libc = ctypes.CDLL(None)
    libc.srand(5)
    expected = [libc.rand() for _ in range(3)]
    libc.srand(5)
    got = [libc.rand()]
    speak(LINE, Voice("espeak", "en-us+f2", 1.0, 50, 50))
    got += [libc.rand() for _ in range(2)]
    assert got == expected
