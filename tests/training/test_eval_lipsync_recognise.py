"""A researcher scores lips drawn from recognised words (``eval lipsync --recognise``) on a folder
where one clip is speech and one is only noise. Recognition hears nothing in the noise, so that clip
keeps the engine's lips, yet it is scored under the same "+ recognised words" source. The command
says how many clips were drawn from recognised words, and which were not and why, as
``--transcripts`` does, and ``--json`` holds the count (before, nothing told the clips apart)."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.training.evaluation import cmd_lipsync
from dualtalk.training.evaluation.lipsync import write_alignment

SR = 16000
WORDS = "my mother baked a pie by the window"


@pytest.fixture(scope="module")
def speech_and_noise(tmp_path_factory):
    """A flite English clip with its true phones, and a clip of noise alone given the same phones."""
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    pytest.importorskip("pocketsphinx")
    folder = tmp_path_factory.mktemp("recognised")
    said = speak(WORDS, Voice("flite", "rms"))
    pad = np.zeros(SR // 2, np.float32)
    audio = np.concatenate([pad, said.audio, pad])
    phones = [Phone(p.symbol, p.start + 0.5, p.end + 0.5, p.alphabet) for p in said.phones]
    write_alignment(folder, "spoken", audio, phones, text=WORDS)
    noise = np.random.default_rng(0).standard_normal(len(audio)).astype(np.float32) * 0.05
    write_alignment(folder, "noise", noise, phones, text=WORDS)
    return folder


def test_the_count_of_clips_drawn_from_recognised_words_is_printed_and_in_the_json(speech_and_noise, capsys):
    parser = argparse.ArgumentParser()
    cmd_lipsync.add_arguments(parser)
    args = parser.parse_args(["--aligned", str(speech_and_noise), "--recognise", "--json", "--quiet"])
    assert cmd_lipsync.run(args) == 0
    report = json.loads(capsys.readouterr().out)  # JSON alone (review rv43b F4); the line from its count:
    assert (
        cmd_lipsync.recognised_line(report["recognised"])
        == "recognised words: 1 of 2 clips drawn; the others keep the engine's lips (nothing heard: noise)"
    )
    assert report["recognised"] == {"clips": 2, "drawn": 1, "none_heard": ["noise"], "not_aligned": []}
    rows = {row["clip"]: row["recognised"] for row in report["per_clip"]}
    assert rows["noise"] == {"words": 0, "aligned": 0, "drawn": False}
    assert rows["spoken"]["drawn"] and rows["spoken"]["aligned"] == rows["spoken"]["words"] > 5


def test_words_that_do_not_fit_are_counted_apart_from_nothing_heard():
    """A clip whose recognised words the aligner refused keeps the engine's lips too, for another reason."""
    clips = [type("Clip", (), {"stem": s})() for s in ("fit", "refused", "silent")]
    metas = [
        {"transcript": {"words": 6, "aligned": 6}},
        {"transcript": {"words": 4, "aligned": 0, "error": "covers 10% of the speech"}},
        {},
    ]
    motions = [type("Motion", (), {"meta": meta})() for meta in metas]
    report = {"per_clip": [{} for _ in clips]}
    counts = cmd_lipsync._recognised_report(report, clips, motions)
    assert counts == {"clips": 3, "drawn": 1, "none_heard": ["silent"], "not_aligned": ["refused"]}
    assert cmd_lipsync.recognised_line(counts) == (
        "recognised words: 1 of 3 clips drawn; the others keep the engine's lips "
        "(nothing heard: silent; not aligned: refused)"
    )
