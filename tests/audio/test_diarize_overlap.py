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
from dualtalk.inference.core.timebase import FPS, SAMPLE_RATE
from dualtalk.training.evaluation.diarize_synthetic import conversation

pytestmark = pytest.mark.skipif(
    not voice_encoder.available(), reason="packaged voice encoder (resemblyzer wheel) not installed"
)


def _conversation(lang: str, tmp_path):
    """``eval diarize --synthetic``'s conversation (A's three phrases with B's backchannel under the
    middle of the first two; B cuts in 60 % of the way through A's third, A's backchannel under B's
    second) as a file. Returns the file, the backchannels [(listener, first frame, end)] and the
    interruption (first frame of B's voice, last frame of A's)."""
    talk = conversation(lang)
    path = tmp_path / f"{lang}_overlap.wav"
    sf.write(path, talk.mix, SAMPLE_RATE)
    backchannels = [(e.who, e.start, e.end) for e in talk.events if e.kind == "under"]
    b_starts = next(e.start for e in talk.events if e.kind == "interrupt")
    a_stops = max(round(end * FPS) for start, end, who in talk.turns if who == "A" and start * FPS < b_starts)
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
