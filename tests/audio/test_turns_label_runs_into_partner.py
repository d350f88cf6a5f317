"""An animator labels a one-mic take by hand in Audacity. A's last label ends 0.4 s late, past where B's
next label starts: A's voice stops at 7.00 s, B answers at 7.15 s, A's label runs to 7.40. Before, both
characters got the mix of 7.15-7.40 s and A mouthed B's first word (review rv40d F2: jaw 0.27); the
snap of turn edges could not help (the voice flags bridge the 0.15 s between the voices, and the edge
was 0.4 s off). Now the crossing labels are cut at the silence between the two voices."""

from __future__ import annotations

import numpy as np
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue

SR = SAMPLE_RATE
FPS = 25
TOTAL = 12.0
A_VOICE = [(0.5, 3.0), (4.0, 7.0)]
B_VOICE = [(3.3, 3.8), (7.15, 11.0)]


def _mix(tmp_path, a_voice=A_VOICE, b_voice=B_VOICE):
    rng = np.random.default_rng(1)
    mix = place(TOTAL, a_voice, rng) + place(TOTAL, b_voice, rng)
    mix += (3e-4 * rng.standard_normal(len(mix))).astype(np.float32)  # room tone
    path = tmp_path / "take.wav"
    sf.write(path, mix, SR, subtype="FLOAT")
    return path


def _labels(tmp_path, rows):
    path = tmp_path / "labels.txt"
    path.write_text("".join(f"{s:.2f}\t{e:.2f}\t{who}\n" for s, e, who in rows))
    return path


def test_a_label_ending_late_into_the_partners_stops_where_the_voice_stops(tmp_path):
    rows = [(0.5, 3.05, "A"), (3.3, 3.8, "B"), (4.0, 7.40, "A"), (7.15, 11.0, "B")]  # A's second 0.4 s late
    d = load_dialogue(_mix(tmp_path), turns=_labels(tmp_path, rows))
    end_a = int(np.flatnonzero(d.active_a).max()) + 1
    assert abs(end_a - 7.0 * FPS) <= 1  # A's flags end with A's voice, not with the label
    assert np.abs(d.a[int(7.15 * SR) : int(7.40 * SR)]).max() == 0.0  # A's network hears nothing of B's word
    assert d.active_b[int(7.2 * FPS) : int(7.4 * FPS)].all()
    assert not any("both speak" in w for w in d.source["warnings"])  # no overlap left to warn of
    assert d.source["handovers_moved"] == 1


def test_a_label_starting_early_into_the_speakers_waits_for_the_silence(tmp_path):
    rows = [(0.5, 3.05, "A"), (3.3, 3.8, "B"), (4.0, 7.0, "A"), (6.70, 11.0, "B")]  # B's 0.45 s early
    d = load_dialogue(_mix(tmp_path), turns=_labels(tmp_path, rows))
    start_b = int(np.flatnonzero(d.active_b[5 * FPS :]).min()) + 5 * FPS
    assert abs(start_b - 7.15 * FPS) <= 1
    assert np.abs(d.b[int(6.72 * SR) : int(6.98 * SR)]).max() == 0.0  # B hears none of A's last words


def test_two_people_talking_at_once_and_an_interjection_stay_as_labelled(tmp_path):
    """No silence between the voices: an overlap, both hear the mix (and the warning says so). A "yeah"
    wholly inside A's label is no hand-over either."""
    a_voice, b_voice = [(0.5, 7.3)], [(2.0, 2.6), (6.9, 11.0)]
    rows = [(0.5, 7.3, "A"), (2.0, 2.6, "B"), (6.9, 11.0, "B")]
    d = load_dialogue(_mix(tmp_path, a_voice, b_voice), turns=_labels(tmp_path, rows))
    assert "handovers_moved" not in d.source
    assert (
        d.active_a[int(7.0 * FPS) : int(7.2 * FPS)].all()
        and d.active_b[int(7.0 * FPS) : int(7.2 * FPS)].all()
    )
    assert d.active_b[int(2.1 * FPS) : int(2.5 * FPS)].all()
    assert any("1.0 s where both speak" in w for w in d.source["warnings"])
