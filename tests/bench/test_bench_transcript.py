"""A researcher reproducing the README's `bench transcript` row reads its time as the cost of aligning
the script. The bench built its motions with no speaking flags, so since d7bea1a every character's
lines were weighed against 0.0 s of speech and refused: `--seconds 60` printed 0.11 s with 0 of 175
words aligned and exit 0 (review rv37c, finding 1). The flags now come from each voice's activity as
a take's do, and a run that aligns part of its script prints no time."""

from __future__ import annotations

import json

import pytest
from dualtalk.cli import main
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import transcript

needs_flite = pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
RUN = ["bench", "transcript", "--repeats", "1", "--warmup", "0", "--json"]


@needs_flite
def test_a_scene_with_more_words_than_the_spare_allowance_is_aligned_word_for_word(capsys):
    # 40 s: the characters say more than SPARE_WORDS each, so flags of no speech refuse their lines
    pytest.importorskip("pocketsphinx")
    assert main([*RUN, "--seconds", "40"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["words"] > 2 * transcript.SPARE_WORDS
    assert summary["words_aligned"] == summary["words"]


@needs_flite
def test_a_run_that_aligns_part_of_its_script_fails_with_one_line_and_no_time(capsys, monkeypatch):
    # a rule strict enough to refuse every line: what the flagless motions met on every run
    pytest.importorskip("pocketsphinx")
    monkeypatch.setattr(transcript, "MAX_WORDS_PER_S", 0.0)
    monkeypatch.setattr(transcript, "SPARE_WORDS", 0)
    assert main([*RUN, "--seconds", "8"]) == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "bench transcript aligned only 0 of the script's" in errors[0], errors
    assert "median s" not in captured.out and "median_s" not in captured.out
