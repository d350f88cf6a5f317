"""A turns file a few tenths of a second off the voice (subtitle slop) still gives each character
the voice from its first syllable, and never the partner's words (review 31b, finding 4)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.dialogue import load_dialogue
from dualtalk.inference.audio.separate import overlap_warning
from dualtalk.inference.audio.tts import SAMPLE_RATE, Voice, available_engines, speak
from dualtalk.inference.audio.turns import Segment

FPS = 25
GAP_S = 0.6


@pytest.fixture(scope="module")
def conversation(tmp_path_factory):
    """A speaks, B answers, A again, with 0.6 s pauses: (wav path, true spans [(speaker, start, end)])."""
    if "espeak" not in available_engines():
        pytest.skip("espeak not installed")
    lines = [
        ("A", "Well, I think we should start with the budget.", Voice("espeak", "en-us+m3")),
        ("B", "Maybe, but the schedule matters more to me.", Voice("espeak", "en-us+f3")),
        ("A", "Then let us look at both of them today.", Voice("espeak", "en-us+m3")),
    ]
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    parts, spans, t = [gap], [], GAP_S
    for who, text, voice in lines:
        audio = speak(text, voice).audio
        audio = audio / np.abs(audio).max() * 0.5
        loud = np.flatnonzero(np.abs(audio) > 0.01)  # the sound's own edges, not the synthesiser's padding
        spans.append((who, t + loud[0] / SAMPLE_RATE, t + loud[-1] / SAMPLE_RATE))
        parts += [audio, gap]
        t += (len(audio) + len(gap)) / SAMPLE_RATE
    mix = np.concatenate(parts)
    mix = mix + np.random.default_rng(0).normal(0, 1e-4, len(mix)).astype(np.float32)  # room tone
    path = tmp_path_factory.mktemp("turns_off") / "talk.wav"
    sf.write(path, mix, SAMPLE_RATE)
    return path, spans


def _rttm(path, spans, shift_start: float) -> str:
    out = path.with_name(f"turns_{shift_start:+.1f}.rttm")
    out.write_text(
        "".join(
            f"SPEAKER talk 1 {s + shift_start:.3f} {e - s - shift_start:.3f} <NA> <NA> {who} <NA> <NA>\n"
            for who, s, e in spans
        )
    )
    return str(out)


def _energy(x: np.ndarray, t0: float, t1: float) -> float:
    return float(np.sum(x[int(t0 * SAMPLE_RATE) : int(t1 * SAMPLE_RATE)].astype(np.float64) ** 2))


def test_a_turns_file_0_2_s_late_still_opens_the_mouth_with_the_voice(conversation):
    path, spans = conversation
    dlg = load_dialogue(str(path), turns=_rttm(path, spans, +0.2))
    mix = sf.read(path, dtype="float32")[0]
    for who, start, _end in spans:
        stream, active = (dlg.a, dlg.active_a) if who == "A" else (dlg.b, dlg.active_b)
        # the first 0.2 s of the voice, which the file leaves out, reaches that character's stream
        heard = _energy(stream, start, start + 0.2)
        assert heard > 0.9 * _energy(mix, start, start + 0.2) > 0, f"{who}'s turn at {start:.2f} s"
        # and the character is flagged speaking from the voice's first frame (within one frame)
        assert active[int(start * FPS) + 1], f"{who} not speaking at {start:.2f} s"


def test_the_partners_words_are_never_let_in(conversation):
    path, spans = conversation
    for shift in (+0.2, -0.2):
        dlg = load_dialogue(str(path), turns=_rttm(path, spans, shift))
        for who, start, end in spans:
            other = dlg.b if who == "A" else dlg.a
            # a fade of 20 ms either side of the partner's own (snapped) span is all that may leak
            assert _energy(other, start + 0.05, end - 0.05) < 1e-4 * _energy(dlg.a + dlg.b, start, end)


def test_overlapping_turns_are_said_with_their_seconds():
    turns = [Segment(0.0, 4.0, "X"), Segment(3.0, 6.0, "Y"), Segment(5.5, 7.0, "X")]
    said = overlap_warning(turns, "X", "Y", "talk.rttm")
    assert said == (
        "talk.rttm: 1.5 s where both speak in the turns file: both characters mouth the mixed sound there"
    )
    assert overlap_warning([Segment(0.0, 1.0, "X"), Segment(1.0, 2.0, "Y")], "X", "Y", "t") is None
    assert overlap_warning(turns, "X", None, "t") is None


def test_turns_where_both_speak_are_said_with_their_seconds(conversation):
    path, spans = conversation
    (_, a0, a1), (_, b0, _b1), _ = spans
    turns = path.with_name("both.rttm")
    # B's turn given as starting 1.0 s before A's words end: one second where the file has both speaking
    lines = [(w, s, e) for w, s, e in spans]
    lines[1] = ("B", a1 - 1.0, lines[1][2])
    turns.write_text(
        "".join(f"SPEAKER talk 1 {s:.3f} {e - s:.3f} <NA> <NA> {w} <NA> <NA>\n" for w, s, e in lines)
    )
    dlg = load_dialogue(str(path), turns=str(turns))
    assert (
        "both.rttm: 1.0 s where both speak in the turns file: both characters mouth the mixed sound there"
        in (dlg.source["warnings"])
    )
