"""With ``--diarize``, a listener's "mm-hm" said *under* the speaker's words, and an interruption,
move both faces.

A studio animating a two-person talking head from one mono mix: the listener answers "yeah" while
the speaker is still talking, and later cuts in before the speaker has finished. Viewers notice the
wrong face mouthing "yeah". The diarizer gave each frame to one voice, so a backchannel under speech
stayed the speaker's (the listener's face still) and an interruption opened the interrupter's turn
late (0.92 s) while the interrupted speaker's mouth shut early. Now the frames where both voices are
heard go to both characters (two espeak-ng voices, made at test time; truth from where each voice
was placed).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import load_dialogue, voice_encoder
from dualtalk.inference.audio.diarize import frame_der
from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.core.timebase import FPS, SAMPLE_RATE

pytestmark = pytest.mark.skipif(
    not voice_encoder.available(), reason="packaged voice encoder (resemblyzer wheel) not installed"
)

# (voice A, voice B, A's phrases, B's phrases, B's backchannels under A, A's under B)
CONVERSATIONS = {
    "en": (
        "en-us+m3",
        "en-us+f2",
        [
            "I walked along the river this morning and the water was higher than last week.",
            "A heron stood by the old stone bridge, waiting for a fish to come near.",
            "Later we sat on the bench and watched the boats go slowly past the mill.",
        ],
        [
            "We painted the kitchen on Saturday, and it took much longer than we planned.",
            "Now the walls are a pale green, and the light in the morning is lovely.",
            "Next week we will start on the hall, if the weather stays dry enough.",
        ],
        ["yeah", "mm-hm"],
        "right",
    ),
    "ja": (
        "ja+m3",
        "ja+f2",
        [
            "きょうは とても いい てんきですね。 こうえんで ながい さんぽを しました。",
            "そのあと えきの ちかくの みせで コーヒーを のみました。",
            "よるは ともだちと いっしょに ばんごはんを たべました。",
        ],
        [
            "わたしは としょかんに いきました。 あたらしい ほんを にさつ かりました。",
            "よるに すこしずつ よむ つもりです。 とても たのしみです。",
            "らいしゅうは えいがを みに いきたいと おもいます。",
        ],
        ["うん", "はい"],
        "へえ",
    ),
}


def _frames(sound: np.ndarray, at: int) -> tuple[int, int]:
    """The frames where a placed sound is heard (its first to last sample above 1 % of its peak)."""
    loud = np.flatnonzero(np.abs(sound) > 0.01 * np.abs(sound).max())
    return (at + loud[0]) * FPS // SAMPLE_RATE, -(-(at + loud[-1]) * FPS // SAMPLE_RATE)


def _conversation(lang: str, tmp_path):
    """A mono mix: A's three phrases with B's backchannel under the middle of the first two; B cuts
    in 60 % of the way through A's third and says three phrases, A's backchannel under the middle of
    B's second. Returns the file, the backchannels [(listener, first frame, end)] and the
    interruption (first frame of B's voice, last frame of A's)."""
    va, vb, phrases_a, phrases_b, under_a, under_b = CONVERSATIONS[lang]
    voices = {"A": Voice("espeak", va, 1.0, 35, 50), "B": Voice("espeak", vb, 1.0, 70, 60)}
    placed: list[tuple[str, int, np.ndarray]] = []
    backchannels: list[tuple[str, int, int]] = []
    t = SAMPLE_RATE // 2
    for i, phrase in enumerate(phrases_a):
        sound = speak(phrase, voices["A"]).audio
        placed.append(("A", t, sound))
        if i < 2:
            mm = speak(under_a[i], voices["B"]).audio
            placed.append(("B", t + len(sound) // 2, mm))
            backchannels.append(("B", *_frames(mm, t + len(sound) // 2)))
            t += len(sound) + int(0.4 * SAMPLE_RATE)
        else:
            a_stops = _frames(sound, t)[1]
            t += int(0.6 * len(sound))
    for i, phrase in enumerate(phrases_b):
        sound = speak(phrase, voices["B"]).audio
        placed.append(("B", t, sound))
        if i == 0:
            b_starts = _frames(sound, t)[0]
        if i == 1:
            mm = speak(under_b, voices["A"]).audio
            placed.append(("A", t + len(sound) // 2, mm))
            backchannels.append(("A", *_frames(mm, t + len(sound) // 2)))
        t += len(sound) + int(0.4 * SAMPLE_RATE)
    mix = np.zeros(t + SAMPLE_RATE // 2, dtype=np.float32)
    for _who, at, sound in placed:
        mix[at : at + len(sound)] += sound
    path = tmp_path / f"{lang}_overlap.wav"
    sf.write(path, mix, SAMPLE_RATE)
    return str(path), backchannels, (b_starts, a_stops)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_yeah_under_the_speakers_words_moves_the_listeners_mouth_and_the_speakers_goes_on(lang, tmp_path):
    mix, backchannels, _ = _conversation(lang, tmp_path)
    d = load_dialogue(mix, diarize=True)
    active = {"A": d.active_a, "B": d.active_b}
    other = {"A": "B", "B": "A"}
    listener = [float(active[who][a:b].mean()) for who, a, b in backchannels]
    speaker = [float(active[other[who]][a:b].mean()) for who, a, b in backchannels]
    # the listener mouths at least two of its three (before: none, or the speaker's face took it)
    assert sum(share >= 0.5 for share in listener) >= 2, (lang, listener)
    assert min(speaker) >= 0.7, (lang, speaker)  # and the speaker's mouth goes on through it (0.14 before)
    spans = d.source["diarization"]["segments"]
    assert any(s1[2] != s2[2] and s2[0] < s1[1] and s1[0] < s2[1] for s1 in spans for s2 in spans)


def test_an_interruption_opens_the_interrupters_turn_within_0_2_s_while_the_speaker_finishes(tmp_path):
    mix, _, (b_starts, a_stops) = _conversation("en", tmp_path)
    d = load_dialogue(mix, diarize=True)
    opened = np.flatnonzero(d.active_b[b_starts:])[0] / FPS
    assert opened <= 0.2, opened  # 0.92 s before: B's first words were A's face
    # A goes on talking under B until A stops: A's mouth keeps moving there (0.61 before)
    assert d.active_a[b_starts:a_stops].mean() >= 0.7


def test_the_error_score_counts_frames_given_to_both_as_both():
    """Whoever scores the diarizer (``eval audio``, a study) sees overlap found as found, and
    overlap claimed where one speaks as a false alarm."""
    ref_a = np.array([1, 1, 1, 1, 0, 0], bool)
    ref_b = np.array([0, 0, 1, 1, 1, 1], bool)
    hyp = np.array([0, 0, 0, 1, 1, 1])
    assert frame_der(ref_a, ref_b, hyp)["miss"] == pytest.approx(2 / 8)  # one label on each overlap frame
    both = np.array([0, 0, 1, 1, 0, 0], bool)
    assert frame_der(ref_a, ref_b, hyp, both=both)["der"] == 0.0
    wrong = np.array([1, 0, 0, 0, 0, 0], bool)  # "both" where only A speaks
    assert frame_der(ref_a, ref_b, hyp, both=wrong)["false_alarm"] == pytest.approx(1 / 8)
