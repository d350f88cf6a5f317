"""An animator's labels are right, and the two people really talk at once: A says "... [breath] and
then we left", B cuts in at 7.00 s over A's last 0.3 s. The breath before B cuts in is no hand-over:
6048b8e cut both labels there, so A's lips stopped at 6.72 s though A talks to 7.30, B mouthed A's
words, and the overlap warning went (review rv40e F2). A label is cut only where its edge lies in a
silence of the mix; else the labels stand and the warning says both speak. Read as a part
(--start/--end), the silence is found against the room's floor, not the dips between syllables
(review rv40e F9: A's lips stopped 0.1 s before A's voice)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.audio.handovers import sounding

SR = SAMPLE_RATE
FPS = 25


def _take(tmp_path, a_voice, b_voice, rows, seed=1):
    rng = np.random.default_rng(seed)
    mix = place(12.0, a_voice, rng) + place(12.0, b_voice, rng)
    mix += (3e-4 * rng.standard_normal(len(mix))).astype(np.float32)  # room tone
    sf.write(tmp_path / "take.wav", mix, SR, subtype="FLOAT")
    (tmp_path / "labels.txt").write_text("".join(f"{s:.2f}\t{e:.2f}\t{w}\n" for s, e, w in rows))
    return tmp_path / "take.wav", tmp_path / "labels.txt", mix


def test_a_true_overlap_after_a_breath_stays_as_labelled(tmp_path):
    a_voice = [(0.5, 3.0), (4.0, 6.72), (6.85, 7.3)]  # a 0.13 s breath, then A's last words
    b_voice = [(3.3, 3.8), (7.0, 11.0)]  # B talks over A's last 0.3 s
    rows = [(0.5, 3.05, "A"), (3.3, 3.8, "B"), (4.0, 7.30, "A"), (7.0, 11.0, "B")]  # the labels are right
    audio, turns, _ = _take(tmp_path, a_voice, b_voice, rows)
    d = load_dialogue(audio, turns=turns)
    assert "handovers_moved" not in d.source
    assert abs(int(np.flatnonzero(d.active_a).max()) + 1 - 7.3 * FPS) <= 1  # A's lips run to A's last word
    assert np.abs(d.a[int(6.9 * SR) : int(7.25 * SR)]).max() > 0.1  # A's network hears A's last words
    assert np.abs(d.b[int(6.86 * SR) : int(6.99 * SR)]).max() < 0.1  # B's hears none of A's words alone
    assert any("0.3 s where both speak" in w for w in d.source["warnings"])


@pytest.mark.parametrize("part", [(5.5, 9.5), (6.0, 8.0)])
def test_a_late_label_in_a_part_stops_with_the_voice(tmp_path, part):
    """audio40's story (A's label 0.4 s late into B's), read as a part that is mostly speech."""
    rows = [(0.5, 3.05, "A"), (3.3, 3.8, "B"), (4.0, 7.40, "A"), (7.15, 11.0, "B")]
    audio, turns, _ = _take(tmp_path, [(0.5, 3.0), (4.0, 7.0)], [(3.3, 3.8), (7.15, 11.0)], rows)
    d = load_dialogue(audio, turns=turns, start=part[0], end=part[1])
    end_a = part[0] + (int(np.flatnonzero(d.active_a).max()) + 1) / FPS
    assert abs(end_a - 7.0) <= 1 / FPS  # not 6.90 (a dip between syllables taken for the silence)
    assert np.abs(d.a[int((7.15 - part[0]) * SR) : int((7.40 - part[0]) * SR)]).max() == 0.0


def test_speech_with_no_pause_has_no_silence_to_cut_at():
    """A stretch of one voice and nothing else: its syllable dips are no silence between two voices."""
    voice = place(3.0, [(0.0, 3.0)], np.random.default_rng(5))
    assert sounding(voice).all()
