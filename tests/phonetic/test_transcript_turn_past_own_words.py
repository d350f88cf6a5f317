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
import soundfile as sf
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.request import Request

SR = 16000
FPS = 25
JAW = ARKIT55.index("jawOpen")
LINES = (  # who, what, silence before it (B answers 0.12 s after A's last word)
    ("A", "Hi Bob, maybe we should go to the beach this weekend.", 0.3),
    ("B", "Maybe. But the weather looks bad.", 0.45),
    ("A", "Then we could have a picnic by the water, if the rain stops.", 0.45),
    ("B", "Okay Bob, that sounds fine.", 0.12),
)
VOICES = {"A": Voice("espeak", "en-us+m3"), "B": Voice("espeak", "en-us+f2", pitch=70)}
LATE_S = 0.4


class Scene:
    """The take on disk: its mix, the script, and where each line's voice truly starts and ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        pieces, voices, t = [], [], 0.0
        for who, text, gap in LINES:
            said = speak(text, VOICES[who])
            voice = said.audio[int(said.phones[0].start * SR) : int(said.phones[-1].end * SR)]
            t += gap
            voices.append((who, t, t + len(voice) / SR))
            pieces.append((t, voice))
            t += len(voice) / SR
        mix = np.zeros(int((t + 0.6) * SR), np.float32)
        for start, voice in pieces:
            i = int(round(start * SR))
            mix[i : i + len(voice)] += voice
        mix *= 0.5 / np.abs(mix).max()
        mix += 1e-3 * np.random.default_rng(0).standard_normal(len(mix)).astype(np.float32)  # room tone
        self.audio = folder / "take.wav"
        sf.write(self.audio, mix, SR)
        self.voices = voices
        self.script = folder / "script.txt"
        self.script.write_text("".join(f"{who}: {text}\n" for who, text, _ in LINES), encoding="utf-8")

    def labels(self, name: str, late_end: int | None = None, early_start: int | None = None) -> Path:
        """Labels on the voices, line ``late_end``'s ending 0.4 s late or ``early_start``'s starting
        0.4 s early (Audacity's start, end, name)."""
        rows = []
        for k, (who, start, end) in enumerate(self.voices):
            start -= LATE_S if k == early_start else 0.0
            end += LATE_S if k == late_end else 0.0
            rows.append(f"{start:.2f}\t{end:.2f}\t{who}\n")
        path = self.folder / f"{name}.txt"
        path.write_text("".join(rows), encoding="utf-8")
        return path

    def take(self, turns: Path, out: str, script: bool = True, **part: float):
        from dualtalk.inference import pipeline

        request = Request(
            audio=str(self.audio), turns=str(turns), transcript=str(self.script) if script else None, **part
        )
        return pipeline.run(request, self.folder / out)


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
