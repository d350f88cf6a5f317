"""``--transcript`` on the demo's own recording: both characters' words align.

Each channel of a two-voice recording made by text-to-speech (the demo's) is exact digital silence
while the other character talks (62 % of B's channel). Frames of no energy at all threw pocketsphinx's
running cepstral mean off, and the demo's character B (espeak-ng ``en-gb-x-rp+m3``) aligned none of
its 23 words; the aligner now gives such runs of zeros a faint, fixed noise floor first. A real
recording has no such runs and reaches pocketsphinx unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.demo.demo_dialogue import ASSET, SCRIPT
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import align


def test_the_demo_recording_aligns_every_word_of_both_characters(tmp_path):
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference import pipeline

    script = tmp_path / "scene.txt"
    script.write_text("".join(f"{line.speaker}: {line.text}\n" for line in SCRIPT), encoding="utf-8")
    take = pipeline.run(Request(audio=str(ASSET), transcript=str(script)), tmp_path / "take")
    report = take.transcript
    assert report is not None
    assert (report["a"]["words"], report["a"]["aligned"]) == (28, 28)
    assert (report["b"]["words"], report["b"]["aligned"]) == (23, 23), report["b"].get("error")


def test_only_runs_of_digital_silence_are_filled_and_always_the_same_way():
    rng = np.random.default_rng(1)
    speech = np.round(rng.normal(0, 3000, 16000)).astype(np.int16)
    speech[speech == 0] = 1
    speech[100:150] = 0  # 50 zero samples (3 ms): a real recording's quiet stretch, left as it is
    assert np.array_equal(align._fill_digital_silence(speech), speech)

    gated = speech.copy()
    gated[4000:12000] = 0  # half a second of exact zeros: the other character talking
    filled = align._fill_digital_silence(gated)
    assert np.array_equal(filled[:4000], gated[:4000]) and np.array_equal(filled[12000:], gated[12000:])
    floor = filled[4000:12000].astype(np.float64)
    assert np.count_nonzero(floor) > 0.9 * len(floor)
    level = 20 * np.log10(floor.std() / 32767)
    assert abs(level - align.NOISE_FLOOR_DBFS) < 1.0
    assert np.array_equal(align._fill_digital_silence(gated), filled)  # seeded: the same alignment each run
