"""A TD batches scenes with no scripts: ``"recognise": true`` in the job file's defaults, and one shot
of Spanish dialogue marked ``"transcript_language": "es"``. Recognition hears English only, so that
shot can never run: the batch stops when the job file is read, before the first shot, in one line
naming the shot and its keys (the advice too; before, the earlier shots ran and the batch learned of it at that
shot's turn). ``recognise`` with a ``transcript`` is refused in the job file's words too."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.inference.core.errors import DualTalkError

SHOT = {"blend": "scene.blend", "audio": "talk.wav", "char_a": "Ann", "char_b": "Bob"}


def _refusal(shots: list[dict], folder) -> str:
    with pytest.raises(DualTalkError) as refused:
        parse_jobs({"defaults": {**SHOT, "recognise": True}, "shots": shots}, folder)
    return str(refused.value)


def test_a_later_shot_in_spanish_stops_the_batch_before_the_first_shot_runs(tmp_path):
    shots = [
        {"name": "ok", "out": "ok.blend"},
        {"name": "es", "out": "es.blend", "transcript_language": "es"},
    ]
    line = _refusal(shots, tmp_path)
    assert line == (
        "shot 'es'.recognise hears English only; for es give the words as \"transcript\" with "
        '"transcript_language"'
    )
    assert "--" not in line  # the advice names the job file's keys, not command-line flags
    english = [{"name": "gb", "out": "gb.blend", "transcript_language": "en_GB"}]
    (shot,) = parse_jobs({"defaults": {**SHOT, "recognise": True}, "shots": english}, tmp_path)
    assert shot.request().recognise  # an English accent tag is English


def test_recognise_with_a_script_reads_in_the_job_files_words(tmp_path):
    line = _refusal([{"name": "both", "out": "both.blend", "transcript": "both.txt"}], tmp_path)
    assert (
        line
        == "shot 'both'.recognise writes a script from the voices, and a transcript is given too: use one of them"
    )
    assert "--" not in line  # no command-line flag beside the job file's key
