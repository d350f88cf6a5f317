"""An animator labels a one-mic take by hand in Audacity and gives the script. A's last label ends
0.4 s after A's voice, past the start of B's answer ("Okay Bob, ..."): hand-made labels are that loose.
Before, A's stream carried B's "Okay" and A mouthed it (review rv40d F2: jaw 0.27), though the aligner
knew A's last word ended before it. Now the script's aligned words bound each character's speech
inside a label: A's speaking flags and lips end at A's last word, and a warning names the edge moved.
Without a script the labels stand as written (session 40's cut at the silence moved the listener's head
over real meetings' mm-hms and was reverted)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.channels import ARKIT55
from one_mic_takes import FPS, LATE_S, OneMicTake

JAW = ARKIT55.index("jawOpen")
ENGINES = pipeline.Engines()  # loaded once for every take here


class Scene(OneMicTake):
    """The take (the one mic's mix and its script) and its runs."""

    def take(self, turns: Path, out: str, script: bool = True, **part: float):
        return pipeline.run(self.request(turns, script, **part), self.folder / out, engines=ENGINES)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    pytest.importorskip("pocketsphinx")
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    return Scene(tmp_path_factory.mktemp("one_mic"))


def _frames(motion, start: float, end: float) -> slice:
    first = int(round((start - motion.start_time) * FPS))
    return slice(first, int(round((end - motion.start_time) * FPS)))


def _last_speaking(motion, before: float) -> float:
    """The end (s) of the character's last speaking frame before second ``before``."""
    flags = np.flatnonzero(motion.speaking[: _frames(motion, motion.start_time, before).stop])
    return motion.start_time + (int(flags.max()) + 1) / FPS


def test_a_label_ending_late_stops_the_lips_and_the_speech_at_the_last_scripted_word(scene, caplog):
    _, _, a_ends = scene.voices[2]
    _, b_starts, _ = scene.voices[3]
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        take = scene.take(scene.labels("late", late_end=2), "late")
    a = take.motion_a
    # A's speech ends with A's voice (9.05 s here), not with the label 0.4 s later
    assert a_ends - 1 / FPS <= _last_speaking(a, b_starts + 1.0) <= b_starts
    # A's mouth stays shut while B says "Okay" inside A's label (before: jaw 0.24)
    assert a.values[_frames(a, b_starts + 0.04, a_ends + LATE_S), JAW].max() <= 0.02
    # ... while B says it
    b = take.motion_b
    assert b.values[_frames(b, b_starts, b_starts + 0.3), JAW].max() >= 0.15
    moved = take.transcript["a"]["turn_edges"]  # seconds: from A's last word to the label's end
    assert moved == [[pytest.approx(b_starts - 0.06, abs=0.1), pytest.approx(a_ends + LATE_S, abs=1 / FPS)]]
    said = [r.getMessage() for r in caplog.records if "turn ending" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("late.txt: A's turn ending")
    assert "'stops'" in said[0] and "'okay'" in said[0] and "A speaks until" in said[0]


def test_a_label_starting_early_waits_for_the_characters_first_scripted_word(scene, caplog):
    _, _, a_ends = scene.voices[2]
    _, b_starts, _ = scene.voices[3]
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        take = scene.take(scene.labels("early", early_start=3), "early")
    b = take.motion_b
    flags = b.speaking[_frames(b, a_ends - 1.0, b_starts + 0.5)]
    first = a_ends - 1.0 + int(np.flatnonzero(flags).min()) / FPS
    assert a_ends - 1 / FPS <= first <= b_starts  # B speaks from its own voice on
    # B does not mouth A's "rain stops" inside its early label
    assert b.values[_frames(b, b_starts - LATE_S, a_ends - 0.04), JAW].max() <= 0.02
    assert any(r.getMessage().startswith("early.txt: B's turn starting") for r in caplog.records)


def test_labels_on_the_voices_move_nothing(scene, caplog):
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        take = scene.take(scene.labels("tight"), "tight")
    assert "turn_edges" not in take.transcript["a"] and "turn_edges" not in take.transcript["b"]
    assert not any(
        "turn ending" in r.getMessage() or "turn starting" in r.getMessage() for r in caplog.records
    )


def test_without_a_script_the_late_label_stands_as_written(scene):
    _, _, a_ends = scene.voices[2]
    take = scene.take(scene.labels("late", late_end=2), "no_script", script=False)
    assert take.transcript is None
    assert _last_speaking(take.motion_a, a_ends + 1.0) >= a_ends + LATE_S - 2 / FPS


def test_a_part_moves_the_same_edge_to_the_same_second(scene):
    _, _, a_ends = scene.voices[2]
    _, b_starts, _ = scene.voices[3]
    labels = scene.labels("late", late_end=2)
    whole = scene.take(labels, "late_whole").motion_a
    part = scene.take(labels, "late_part", start=7.0, end=11.0).motion_a
    assert _last_speaking(part, b_starts + 1.0) == pytest.approx(_last_speaking(whole, b_starts + 1.0))
    assert part.values[_frames(part, b_starts + 0.04, a_ends + LATE_S), JAW].max() <= 0.02
