"""Two lav mics, each hearing the partner about 26 dB down (5 % bleed): a Japanese script whose
line has a mid-line ``？`` where the actor said ``、`` (espeak-ng reads a longer pause) still draws
the character's lines. The warp placed ``はい`` in the partner's bleed and the whole character kept the engine's
lips (review 27b, finding 4); the partner's bleed is now not the character's speech to the warp,
as it is not to the engine's voice activity."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.audio.vad import voice_activity
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SR = 16000
FPS = 25
SAID = (
    ("A", "ぱぱと ままは まいあさ ぱんを かいます。"),
    ("B", "はい、 まめと ばななも ほしいです。"),
    ("A", "ぼくは まいばん みかんを たべます。"),
    ("B", "あなたは ばかですか。"),
)
SCRIPT = tuple((who, text.replace("はい、", "はい？")) for who, text in SAID)  # as the script writes it
VOICES = {"A": "ja+m3", "B": "ja+f2"}


def _dialogue(bleed: float) -> tuple[np.ndarray, np.ndarray, list[tuple[str, float, float]]]:
    """A's and B's channels: the lines in turn, 0.6 s apart, each mic hearing the other at ``bleed``
    and its own hiss (-60 dBFS); and who says each line when (seconds)."""
    own: dict[str, list[np.ndarray]] = {"A": [], "B": []}
    lead = np.zeros(SR // 2, np.float32)
    when, at = [], len(lead) / SR
    for who, text in SAID:
        said = speak(text, Voice("espeak", VOICES[who])).audio.astype(np.float32)
        when.append((who, at, at + len(said) / SR))
        at += len(said) / SR + 0.6
        for k in "AB":
            own[k] += [said if k == who else np.zeros_like(said), np.zeros(int(0.6 * SR), np.float32)]
    a, b = np.concatenate([lead, *own["A"]]), np.concatenate([lead, *own["B"]])
    n = len(a) * FPS // SR * SR // FPS  # whole motion frames
    hiss = np.random.default_rng(0).normal(scale=1e-3, size=(2, n)).astype(np.float32)
    return (a + bleed * b)[:n] + hiss[0], (b + bleed * a)[:n] + hiss[1], when


def test_a_mid_line_question_mark_in_a_take_with_bleed_still_draws_the_characters_lines():
    a, b, when = _dialogue(0.05)
    n = len(a) * FPS // SR
    motions = [
        Motion("arkit55", np.zeros((n, 55), np.float32), FPS, speaking=voice_activity(x, other)[:n])
        for x, other in ((a, b), (b, a))
    ]
    lines = [transcript.Line(k + 1, who, text) for k, (who, text) in enumerate(SCRIPT)]
    drawn_a, drawn_b, report = transcript.apply_transcript(lines, ("A", "B"), a, b, *motions, language="ja")
    for who in "ab":
        assert not report[who].get("error"), report[who].get("error")
        assert report[who]["aligned"] == report[who]["words"]
        assert report[who]["lines_refused"] == []
    # B's mouth moves where B speaks, not on A's line (はい was drawn at 1.7 s, in A's bleed)
    mouth = np.abs(drawn_b.values).max(axis=1) > 0.05
    frames = (np.flatnonzero(mouth) + 0.5) / FPS
    b_says = [(start - 0.2, end + 0.2) for who, start, end in when if who == "B"]
    assert all(any(lo <= t <= hi for lo, hi in b_says) for t in frames)


def test_a_take_without_bleed_draws_the_same_mouth_with_or_without_the_partners_stream():
    a, b, _when = _dialogue(0.0)
    n = len(a) * FPS // SR
    lines = [transcript.Line(k + 1, who, text) for k, (who, text) in enumerate(SCRIPT) if who == "B"]
    others = [text for who, text in SCRIPT if who == "A"]
    motion = Motion("arkit55", np.zeros((n, 55), np.float32), FPS, speaking=voice_activity(b, a)[:n])
    alone, rep_alone = transcript.draw_lips(motion, b, lines, "B", 0.0, "ja", others)
    beside, rep_beside = transcript.draw_lips(motion, b, lines, "B", 0.0, "ja", others, partner=a)
    assert not rep_alone.get("error") and rep_alone == rep_beside
    assert np.array_equal(alone.values, beside.values)
