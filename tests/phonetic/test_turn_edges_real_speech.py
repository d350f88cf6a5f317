"""Review rv42b's one-mic take of real speech (four LibriVox clips: A, B, A, B, 0.6 s apart) with its
script, labelled loosely by hand. A's label over B's whole line: the run is B's voice, and the take no
longer also reports it as A's speech the script lacks (before: "A keeps the engine's lips where they say
what the script lacks (8.2-10.9 s)", then a line calling it B's voice). A's second label starting 1.4 s
before A's voice, inside B's "young man": the aligner drew A's first word, 'unless', back over B's words
(10.42-11.61 s, said at 11.86 s), and A mouthed them (jaw 0.31, speaking on 11 of 11 frames); now that
run is B's voice and the word goes with it."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.core.request import Request
from test_transcript_turn_past_own_words import ENGINES, JAW

LIBRIVOX = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real_speech" / "librivox"
CLIPS = (("A", "0870"), ("B", "0880"), ("A", "0890"), ("B", "0920"))
SR, FPS = 16000, 25
ROWS = {  # Audacity's rows: start, end, who (the clips lie at 0.3, 8.0, 11.59 and 17.49 s)
    "over": ((0.3, 11.0, "A"), (8.0, 10.99, "B"), (11.59, 16.89, "A"), (17.49, 23.54, "B")),
    "early": ((0.3, 7.4, "A"), (8.0, 10.99, "B"), (10.46, 16.89, "A"), (17.49, 23.54, "B")),
}


@pytest.fixture(scope="module")
def take(tmp_path_factory):
    pytest.importorskip("pocketsphinx")
    if not LIBRIVOX.is_dir():
        pytest.skip("../shared/data/real_speech/librivox is not beside this checkout")
    folder = tmp_path_factory.mktemp("real_one_mic")
    pieces, t = [], 0.3
    for who, clip in CLIPS:
        audio, rate = sf.read(LIBRIVOX / f"sense_and_sensibility_01_austen_64kb-{clip}.wav", dtype="float32")
        assert rate == SR
        text = (LIBRIVOX / f"sense_and_sensibility_01_austen_64kb-{clip}.txt").read_text(encoding="utf-8")
        pieces.append((who, t, audio, text.strip()))
        t += len(audio) / SR + 0.6
    mix = np.zeros(int((t + 0.3) * SR), np.float32)
    for _, start, audio, _ in pieces:
        mix[int(start * SR) : int(start * SR) + len(audio)] += audio
    sf.write(folder / "mono.wav", mix, SR, subtype="PCM_16")
    (folder / "script.txt").write_text(
        "".join(f"{who}: {text}\n" for who, _, _, text in pieces), encoding="utf-8"
    )
    for name, rows in ROWS.items():
        (folder / f"{name}.txt").write_text(
            "".join(f"{s:.3f}\t{e:.3f}\t{w}\n" for s, e, w in rows), encoding="utf-8"
        )
    return folder


def _run(folder: Path, labels: str):
    request = Request(
        audio=str(folder / "mono.wav"),
        turns=str(folder / f"{labels}.txt"),
        transcript=str(folder / "script.txt"),
    )
    return pipeline.run(request, folder / labels, engines=ENGINES)


def _frames(start: float, end: float) -> slice:
    return slice(int(round(start * FPS)), int(round(end * FPS)))


def test_a_label_over_bs_whole_line_is_said_once_as_bs_voice(take, caplog):
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        over = _run(take, "over")
    said = [r.getMessage() for r in caplog.records]
    (edge,) = over.transcript["a"]["turn_edges"]
    assert edge == [pytest.approx(8.2, abs=0.1), pytest.approx(10.88, abs=0.1)]
    assert any("holds none of A's scripted words" in line and "it is B's voice" in line for line in said)
    assert "unscripted" not in over.transcript["a"]  # before: [[8.2, 10.9]], A's speech the script lacks
    assert not any("what the script lacks" in line for line in said)
    assert over.motion_a.values[_frames(8.3, 10.8), JAW].max() <= 0.02


def test_a_label_starting_inside_bs_last_words_leaves_a_silent_there(take, caplog):
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        early = _run(take, "early")
    a, b = early.motion_a, early.motion_b
    over_young_man = _frames(10.46, 10.88)
    assert not a.speaking[over_young_man].any()  # before: 11 of 11 frames
    assert a.values[over_young_man, JAW].max() <= 0.02  # before: 0.31
    assert b.values[over_young_man, JAW].max() >= 0.15  # B says them
    assert a.values[_frames(11.8, 13.0), JAW].max() >= 0.15 and a.speaking[_frames(11.9, 13.0)].all()
    (edge,) = early.transcript["a"]["turn_edges"]
    assert edge[0] == pytest.approx(10.46, abs=0.1) and 10.88 <= edge[1] <= 11.86  # not into A's voice
    (line,) = [r.getMessage() for r in caplog.records if "holds none of A's scripted words" in r.getMessage()]
    assert line.startswith("early.txt: A's speech at 10.4") and "only B's last ('man'" in line
    assert "it is B's voice (A's 'unless', aligned there at" in line
