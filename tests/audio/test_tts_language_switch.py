"""espeak-ng reading an English name in a Hindi (Arabic, Russian, Korean) line (review 32n, Minor)."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak


def test_espeak_ng_language_switches_are_not_phones():
    """espeak-ng marks "(en)" before an English name in a Hindi line and "(hi)" after it: events,
    not sounds (``eval lipsync`` listed them as symbols in no phone table)."""
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    utt = speak("मेरा दोस्त John Smith है", Voice("espeak", "hi"))
    symbols = [p.symbol for p in utt.phones]
    assert not [s for s in symbols if s.startswith("(")], symbols
    assert "θ" in symbols  # Smith, read in English
