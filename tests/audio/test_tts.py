"""The TTS engines give audio plus phone timings that line up with the sound."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import SAMPLE_RATE, Voice, available_engines, random_voice, speak
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic.visemes import viseme_classes
from dualtalk.training.lite.listener import frame_energy

ENGINES = available_engines()
VOICES = {"espeak": Voice("espeak", "en-us+m3"), "flite": Voice("flite", "slt", pitch=80.0)}


@pytest.mark.parametrize("engine", ["espeak", "flite"])
def test_phones_are_ordered_inside_the_audio_and_sit_on_the_sound(engine):
    if engine not in ENGINES:
        pytest.skip(f"{engine} not installed")
    utt = speak("My mother baked a pie. Then we ate it.", VOICES[engine])
    assert utt.audio.dtype == np.float32 and 1.0 < utt.duration < 6.0
    starts = [p.start for p in utt.phones]
    assert starts == sorted(starts)
    assert all(0.0 <= p.start < p.end <= utt.duration + 1e-6 for p in utt.phones)
    # The bilabials of "my mother baked ... pie" are all there, in the right order.
    labials = [p for p in utt.phones if viseme_classes(p) == ("PBM",)]
    assert len(labials) >= 4
    # Sound energy is far higher inside spoken phones than in the silences around them.
    frames = int(np.ceil(utt.duration * 25))
    energy = frame_energy(utt.audio, frames)
    spoken = np.zeros(frames, bool)
    for p in utt.phones:
        if viseme_classes(p) != ("sil",):
            spoken[int(p.start * 25) : int(np.ceil(p.end * 25))] = True
    assert spoken.any() and (~spoken).any()
    assert energy[spoken].mean() > 5 * energy[~spoken].mean()


def test_rate_changes_the_timing():
    if "espeak" not in ENGINES:
        pytest.skip("espeak-ng not installed")
    slow = speak("Seven sandwiches for the committee.", Voice("espeak", "en-us", rate=0.8))
    fast = speak("Seven sandwiches for the committee.", Voice("espeak", "en-us", rate=1.5))
    assert fast.duration < 0.8 * slow.duration
    assert fast.phones[-1].end < slow.phones[-1].end


def test_random_voices_vary_and_are_reproducible():
    if not ENGINES:
        pytest.skip("no TTS engine")
    a = [random_voice(np.random.default_rng(s)) for s in range(8)]
    b = [random_voice(np.random.default_rng(s)) for s in range(8)]
    assert a == b
    assert len({(v.engine, v.name, round(v.pitch)) for v in a}) >= 6
    assert all("mb-" not in v.name for v in a)  # never MBROLA voices


def test_bad_requests_are_user_errors():
    with pytest.raises(DualTalkError):
        speak("   ", Voice("espeak", "en-us"))
    with pytest.raises(DualTalkError):
        speak("hello", Voice("mbrola", "us1"))
    if "espeak" in ENGINES:
        with pytest.raises(DualTalkError, match="no voice"):
            speak("hello", Voice("espeak", "xx-nonexistent"))
    assert SAMPLE_RATE == 16000


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_a_line_sounds_the_same_whatever_was_read_before_it():
    """A script's line is read to place its phones on the voice: read after other lines (other
    voices, languages and paces, as a long take or an evaluation reads them) it must come out
    sample for sample as it did first, or a take and its re-generated range would disagree."""
    line, voice = "El perro blanco bebe agua de la fuente.", Voice("espeak", "es")
    first = speak(line, voice)
    for text, other in [
        ("Mi madre prepara una paella buenísima los domingos.", Voice("espeak", "es+m7", rate=1.1)),
        ("Hello there, how are you doing today?", Voice("espeak", "en-us+f2", rate=1.3, pitch=70)),
        ("Bonjour, je pense que oui.", Voice("espeak", "fr+m1", rate=0.8)),
    ]:
        speak(text, other)
    again = speak(line, voice)
    assert np.array_equal(first.audio, again.audio)
    assert [(p.symbol, p.start, p.end) for p in first.phones] == [
        (p.symbol, p.start, p.end) for p in again.phones
    ]
