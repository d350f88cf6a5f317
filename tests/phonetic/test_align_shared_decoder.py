"""English alignment keeps one pocketsphinx decoder and uses it for every pass.

A take's alignment cut its words into ~3 s stretches and built a new decoder (about a second:
the acoustic model, the dictionary, the n-gram model) for each stretch's phone pass, and for each
word pass: 30.7 of 52.9 s of a 60 s two-voice take. Now one decoder per beam setting is kept and
each pass starts it afresh (a new front end, its own search), so a line aligns exactly as it did
on a decoder of its own, whatever was aligned before it."""

from __future__ import annotations

import threading

import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.phonetic import align

pytestmark = pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")

FIRST = ("The quick brown fox jumps over the lazy dog near the riverbank.", Voice("flite", "awb"))
SECOND = (
    "Maybe we should buy a boat and sail around the world together.",
    Voice("flite", "slt", pitch=80.0, female=True),
)


@pytest.fixture
def new_process(monkeypatch):
    """No decoder kept yet, as in a process that has aligned nothing."""
    pytest.importorskip("pocketsphinx")

    def start() -> None:
        monkeypatch.setattr(align, "_SHARED", threading.local(), raising=False)

    start()
    return start


def _aligned(text: str, voice: Voice) -> tuple:
    utt = speak(text, voice)
    found = align.align_words(utt.audio, text, drop_unknown=True, persist=True)
    return [(p.symbol, p.start, p.end) for p in found.phones], found.words, found.scores, found.guessed


def test_a_line_aligned_after_another_gets_the_phones_it_gets_alone(new_process):
    first_alone = _aligned(*FIRST)
    new_process()
    second_alone = _aligned(*SECOND)

    new_process()
    assert _aligned(*FIRST) == first_alone
    # the second line heard by the decoder the first one used: every phone, time and score the same
    assert _aligned(*SECOND) == second_alone
    assert _aligned(*FIRST) == first_alone


def test_a_take_loads_pocketsphinx_once_for_all_its_passes(new_process, monkeypatch):
    import pocketsphinx

    loaded: list[int] = []
    real = pocketsphinx.Decoder

    def counted(*args, **kwargs):
        loaded.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pocketsphinx, "Decoder", counted)
    text = FIRST[0] + " " + SECOND[0]  # about 8 s: a word pass and three phone passes
    utt = speak(text, FIRST[1])
    found = align.align_words(utt.audio, text)
    assert len(found.words) == len(align.normalise_transcript(text).split())
    align.align_words(speak(*SECOND).audio, SECOND[0])  # the next line: the same decoder
    assert len(loaded) == 1


def test_a_word_flite_pronounced_earlier_is_still_unknown_without_flite(new_process, monkeypatch):
    """The kept decoder remembers flite's words; a machine without flite (a test standing in for
    one) must not find them there."""
    text = "Maybe Zorblaxia will buy a boat."
    utt = speak(text, Voice("flite", "kal16"))
    assert align.align_words(utt.audio, text, drop_unknown=True).unknown == []
    monkeypatch.setattr(align, "_flite_pronunciation", lambda word: None)
    assert align.align_words(utt.audio, text, drop_unknown=True).unknown == ["zorblaxia"]
