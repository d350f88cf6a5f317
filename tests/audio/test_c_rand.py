"""A line in one of espeak-ng's breathy voices (``f2``, ``f3``, ``f5``...) is the same samples inside
``c_rand.seeded()`` whatever was said before in the process, as the first line of a new process is
(``tts.speak`` holds every line in it since session 36: tests/audio/test_tts_same_line_same_samples.py).
The process's own ``rand()`` sequence goes on after the block as if the block had not been."""

from __future__ import annotations

import ctypes
import sys

import numpy as np
import pytest
from dualtalk.bench.testsignals import espeak_available
from dualtalk.inference.audio import c_rand
from dualtalk.inference.audio.tts import Voice, speak

pytestmark = [
    pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="no one C library rand() on Windows"),
]
BREATHY = Voice("espeak", "en-us+f2", 1.0, 70, 60)
LINE = "A heron stood by the old stone bridge."


def said() -> np.ndarray:
    return speak(LINE, BREATHY).audio


def test_a_breathy_line_is_the_same_whatever_was_said_before():
    with c_rand.seeded():
        first = said()
    said()  # outside the block: moves rand()
    speak("Maybe we should go.", Voice("espeak", "pt+f5"))
    with c_rand.seeded():
        again = said()
    assert np.array_equal(first, again)


def test_the_processs_own_rand_sequence_goes_on_after_the_block():
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "gnu_get_libc_version"):
        pytest.skip("elsewhere than glibc the block restarts the sequence (srand)")
    libc.srand(5)
    expected = [libc.rand() for _ in range(3)]
    libc.srand(5)
    got = [libc.rand()]
    with c_rand.seeded():
        said()
        libc.rand()
    got += [libc.rand(), libc.rand()]
    assert got == expected
