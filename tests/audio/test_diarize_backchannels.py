"""``--diarize`` gives a listener's own short "はい", "sí" or "yeah" to the listener, in any language.

A studio animating a Japanese conversation from one mono mix: the listener answers the speaker's
phrase ends with aizuchi. The first pass's 1.6 s voice-encoder windows over a 0.3-0.5 s "はい" hear
mostly the speaker, so nearly every backchannel went to the speaker and the listener kept a still
face (review 32n F6: 4 of 52 backchannels over seven languages given to the listener).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import c_rand, load_dialogue, voice_encoder
from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.core.timebase import FPS, SAMPLE_RATE

pytestmark = pytest.mark.skipif(
    not voice_encoder.available(), reason="packaged voice encoder (resemblyzer wheel) not installed"
)

# (voice A, voice B, A's phrases, B's phrases, A's backchannels, B's backchannels)
CONVERSATIONS = {
    "ja": (
        "ja+m3",
        "ja+f2",
        [
            "きょうは とても いい てんきですね。",
            "こうえんで さんぽを しました。",
            "そのあと コーヒーを のみました。",
        ],
        ["わたしは としょかんに いきました。", "あたらしい ほんを かりました。", "よるに すこし よみます。"],
        ["うん", "ええ", "はい"],
        ["はい", "うん", "へえ"],
    ),
    "en": (
        "en-us+m3",
        "en-us+f2",
        [
            "I walked along the river this morning.",
            "The water was higher than last week.",
            "A heron stood by the bridge.",
        ],
        ["We painted the kitchen on Saturday.", "It took longer than we planned.", "Now it is a pale green."],
        ["mm-hm", "yeah", "right"],
        ["yeah", "mm-hm", "oh"],
    ),
}


def _conversation(lang: str, tmp_path) -> tuple[str, list[tuple[str, int, int]]]:
    """A mono mix: A's three phrases, B answering each 0.1 s into A's 0.5 s pause; then B's three,
    A answering each. Returns the file and each backchannel as (who said it, first frame, end)."""
    va, vb, phrases_a, phrases_b, bc_a, bc_b = CONVERSATIONS[lang]
    voices = {"A": Voice("espeak", va, 1.0, 40, 50), "B": Voice("espeak", vb, 1.0, 65, 60)}
    placed: list[tuple[str, float, np.ndarray, str]] = []
    t = 0.5
    with c_rand.seeded():  # the same samples whatever the process said before (breathy variants)
        for speaker, phrases, listener, answers in (("A", phrases_a, "B", bc_b), ("B", phrases_b, "A", bc_a)):
            for phrase, answer in zip(phrases, answers, strict=True):
                sound = speak(phrase, voices[speaker]).audio
                placed.append((speaker, t, sound, "turn"))
                t += len(sound) / SAMPLE_RATE
                placed.append((listener, t + 0.1, speak(answer, voices[listener]).audio, "bc"))
                t += 0.5
            t += 0.4
    mix = np.zeros(int((t + 0.5) * SAMPLE_RATE), dtype=np.float32)
    backchannels = []
    for who, start, sound, kind in placed:
        at = int(start * SAMPLE_RATE)
        mix[at : at + len(sound)] += sound
        if kind == "bc":
            loud = np.flatnonzero(np.abs(sound) > 0.01 * np.abs(sound).max())
            first, last = (at + loud[0]) / SAMPLE_RATE, (at + loud[-1]) / SAMPLE_RATE
            backchannels.append((who, int(first * FPS), int(np.ceil(last * FPS))))
    path = tmp_path / f"{lang}_mix.wav"
    sf.write(path, mix, SAMPLE_RATE)
    return str(path), backchannels


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_listeners_backchannels_in_the_speakers_pauses_are_the_listeners(lang, tmp_path):
    mix, backchannels = _conversation(lang, tmp_path)
    d = load_dialogue(mix, diarize=True)
    active = {"A": d.active_a, "B": d.active_b}
    given = [bool(active[who][a:b].mean() >= 0.5) for who, a, b in backchannels]
    assert sum(given) >= 3, (lang, given)  # at least half of 6 (0 before; now ja 4, en 5)
    # and each speaker's phrases stay that speaker's
    assert d.active_a[: int(1.5 * FPS)].any() and not d.active_b[int(0.6 * FPS) : int(1.5 * FPS)].any()
