"""``eval behaviour``: the mouth at turn hand-overs, on hand-made motions with known answers.

An animator reads three numbers: does the listener's mouth stay shut (or mouth the partner's words),
do the two mouths move as one where both talk (a chorus), and does the mouth open with the voice.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import SPACE_ARKIT
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation import behaviour as ev

FPS = 25.0
T = 600  # 24 s: each character speaks half of it, 12 s (over RATE_MIN_S) of each state


def _syllables(n: int, seed: int, rate: float = 4.5) -> np.ndarray:
    """A talking jaw: ``rate`` openings a second of 0.2-0.5, never quite shut."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FPS
    amp = 0.2 + 0.3 * rng.random(n // 10 + 1).repeat(10)[:n]
    return 0.01 + amp * np.sin(np.pi * rate * t) ** 2


def _motion(jaw: np.ndarray, speaking: np.ndarray) -> Motion:
    m = Motion(SPACE_ARKIT, np.zeros((len(jaw), 55), dtype=np.float32), FPS, speaking=speaking)
    m.values[:, m.channels.index("jawOpen")] = jaw
    return m


def _turns() -> tuple[np.ndarray, np.ndarray]:
    a = np.zeros(T, dtype=bool)
    a[: T // 2] = True
    return a, ~a


def test_a_listener_mouthing_the_partners_words_reads_high_and_a_shut_one_near_zero():
    speak_a, speak_b = _turns()
    jaw_b = np.where(speak_b, _syllables(T, 1), 0.01)
    b = _motion(jaw_b, speak_b)
    own = _syllables(T, 2)
    shut = _motion(np.where(speak_a, own, 0.01), speak_a)
    # the partner's voice leaks into A's microphone: A's listening jaw copies B's speaking jaw
    mouthing = _motion(np.where(speak_a, own, jaw_b), speak_a)
    half = _motion(np.where(speak_a, own, 0.01 + 0.5 * (jaw_b - 0.01)), speak_a)
    low = ev.measure(ev.take_from(shut, b))["listening_jaw"]
    high = ev.measure(ev.take_from(mouthing, b))["listening_jaw"]
    mid = ev.measure(ev.take_from(half, b))["listening_jaw"]
    assert low == pytest.approx(0.0, abs=0.01)
    assert high == pytest.approx(1.0, abs=0.15)
    assert mid == pytest.approx(high / 2, abs=0.01)  # linear in how far the listener opens
    # a jaw resting open (a tracked FLAME jaw rests at ~0.07 rad) is measured above its own rest
    raised = _motion(np.where(speak_a, own, jaw_b) + 0.1, speak_a)
    assert ev.measure(ev.take_from(raised, b))["listening_jaw"] == pytest.approx(high, abs=1e-6)


def test_listening_jaw_is_left_out_over_a_moment_of_listening():
    speak = np.ones(T, dtype=bool)
    speak[:100] = False  # 4 s of listening: not a state to judge
    a = _motion(_syllables(T, 3), speak)
    row = ev.measure(ev.take_from(a, _motion(_syllables(T, 4), ~speak)))
    assert row["listening_jaw"] is None
    assert ev._fmt_rate(row, "listening_jaw", 2) == "n/a (listening 4.0 s)"


def test_identical_mouths_where_both_speak_correlate_fully_and_separate_ones_do_not():
    both = np.ones(T, dtype=bool)
    jaw = _syllables(T, 5)
    chorus = ev.measure(ev.take_from(_motion(jaw, both), _motion(jaw.copy(), both)))
    assert chorus["mouths_unison"] == pytest.approx(1.0) and chorus["both_speaking_s"] == pytest.approx(24.0)
    apart = ev.measure(ev.take_from(_motion(jaw, both), _motion(_syllables(T, 6, rate=3.3), both)))
    assert abs(apart["mouths_unison"]) < 0.3
    # under 2 s of overlap there is no correlation to read: n/a, with the seconds it had
    short = np.zeros(T, dtype=bool)
    short[:40] = True  # 1.6 s
    row = ev.measure(ev.take_from(_motion(jaw, short), _motion(jaw.copy(), short)))
    assert row["mouths_unison"] is None and row["both_speaking_s"] == pytest.approx(1.6)
    assert ev._fmt_rate(row, "mouths_unison", 2) == "n/a (1.6 s both speak)"


def _onset_take(shift: int) -> tuple[Motion, np.ndarray]:
    """Three turns out of silence at frames 100, 300, 500; the mouth opens ``shift`` frames after
    each (negative: before); the own audio is -80 dB quiet, -20 dB voice."""
    speak = np.zeros(T, dtype=bool)
    loud = np.full(T, -80.0, dtype=np.float32)
    jaw = np.full(T, 0.01)
    for start in (100, 300, 500):
        speak[start : start + 60] = True
        loud[start : start + 60] = -20.0
        # a 4.5 Hz jaw whose first frame is already half open: it opens at ``start + shift``
        open_at = start + shift
        jaw[open_at : open_at + 60] = 0.01 + 0.5 * np.sin(np.pi * 4.5 * (np.arange(60) + 7) / FPS) ** 2
    return _motion(jaw, speak), loud


@pytest.mark.parametrize("shift", [-3, 0, 2])
def test_a_mouth_opening_ahead_of_or_after_the_voice_reports_the_shift(shift):
    a, loud = _onset_take(shift)
    partner = _motion(np.full(T, 0.01), np.zeros(T, dtype=bool))
    row = ev.measure(ev.take_from(a, partner, loud))
    assert ev.voice_onsets(loud, a.speaking, FPS).tolist() == [100, 300, 500]
    assert row["mouth_onsets_ms"] == [shift * 40.0] * 3 and row["mouth_onset_ms"] == shift * 40.0
    assert row["mouth_onsets_shut"] == 0


def test_a_mouth_that_stays_shut_at_a_turn_start_is_counted_and_motion_files_have_no_onsets():
    a, loud = _onset_take(0)
    jaw = a.channel("jawOpen").copy()
    jaw[300:400] = 0.01  # the second turn is spoken with a shut mouth
    shut = _motion(jaw, a.speaking)
    partner = _motion(np.full(T, 0.01), np.zeros(T, dtype=bool))
    row = ev.measure(ev.take_from(shut, partner, loud))
    assert row["mouth_onsets_ms"] == [0.0, 0.0] and row["mouth_onsets_shut"] == 1
    assert ev._fmt_rate(row, "mouth_onset_ms", 0) == "+0 (2 onsets, 1 shut)"
    # a take on disk carries no audio: the onset is not measured, not guessed, and the table says why
    on_disk = ev.measure(ev.take_from(shut, partner))
    assert on_disk["mouth_onset_ms"] is None and on_disk["voice_onsets"] is None
    assert ev._fmt_rate(on_disk, "mouth_onset_ms", 0) == "n/a (no audio)"
    # a character who never starts a turn out of silence has nothing to time
    quiet = ev.measure(ev.take_from(shut, partner, np.full(T, -80.0, dtype=np.float32)))
    assert (
        quiet["voice_onsets"] == 0
        and ev._fmt_rate(quiet, "mouth_onset_ms", 0) == "n/a (0 turn starts out of silence)"
    )


def test_onsets_beyond_what_a_viewer_detects_are_named_in_the_suite_table():
    """ITU-R BT.1359: a lead over 125 ms or a lag over 45 ms is detectable."""
    row = {"nods": 0, "nods_in_window": 0, "blinks_per_min": 22.0, "frozen_s": 0.0}
    assert ev.missed_targets({**row, "mouth_onset_ms": -120.0}) == []
    assert ev.missed_targets({**row, "mouth_onset_ms": -160.0}) == ["mouth onset vs voice (ms) (-160.00)"]
    assert ev.missed_targets({**row, "mouth_onset_ms": 80.0}) == ["mouth onset vs voice (ms) (80.00)"]
    # the suite shows the three cells before "targets missed", pooled over both characters
    a, loud = _onset_take(-4)
    b = _motion(np.full(T, 0.01), np.zeros(T, dtype=bool))
    result = {
        "after": {"A": ev.measure(ev.take_from(a, b, loud)), "B": ev.measure(ev.take_from(b, a))},
        "before": {"A": ev.measure(ev.take_from(a, b, loud)), "B": ev.measure(ev.take_from(b, a))},
    }
    take = {**ev.pooled(result), "lips_identical": True}
    table = ev.format_suite({"seeds": 1, "takes": {"t": take}})
    head, on = table.splitlines()[0], next(ln for ln in table.splitlines() if ln.startswith("| t | on"))
    assert head.count("|") == on.count("|") == 18
    assert head.endswith("| mouth onset vs voice ms (turn starts) | targets missed |")
    cells = [c.strip() for c in on.split("|")][1:-1]
    assert cells[-4:-1] == ["n/a", "n/a (0.0 s)", "-160 (3)"]
    assert "mouth onset vs voice (ms) (-160.00)" in cells[-1]


def test_the_tracked_person_s_listening_jaw_over_1_6_s_is_marked_too_short(demo_clip):
    """The clip's speaker 2 listens 1.6 s: no real listening jaw to set a target by, and the
    suite's tracked-speaker row says so rather than print a ratio over 40 frames."""
    from dualtalk.inference.audio import load_dialogue

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    ref = ev.reference_head(demo_clip["npz2"], np.asarray(d.active_b, dtype=bool))
    assert ref["listening_jaw"] is None and ref["seconds"]["listening"] == pytest.approx(1.6, abs=0.05)
    # over its 22 s of speaking the tracked FLAME jaw opens well above its own rest
    jaw = ev.jaw_opening(ev.load_motion(demo_clip["npz2"]))
    assert jaw is not None and np.percentile(jaw, 90) - np.percentile(jaw, 5) > 0.1
    speak_a, speak_b = _turns()
    a, b = _motion(_syllables(T, 8), speak_a), _motion(_syllables(T, 9), speak_b)
    rows = {"A": ev.measure(ev.take_from(a, b)), "B": ev.measure(ev.take_from(b, a))}
    take = {**ev.pooled({"before": rows, "after": rows}), "lips_identical": True}
    take["reference"] = {**ref, "role": "B", "after": ref["std"], "sharpness_after": ref["sharpness"]}
    lines = ev.format_suite({"seeds": 1, "takes": {"clip": take}}).splitlines()
    tracked = next(ln for ln in lines if ln.startswith("| clip: tracked speaker B"))
    cells = [c.strip() for c in tracked.split("|")][1:-1]
    assert cells[13] == "n/a (1.6 s)" and len(cells) == 17
