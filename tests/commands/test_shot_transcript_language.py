"""A TD batching scenes scripted in other languages: a job file's ``transcript_language`` (in its
defaults or per shot) reaches each shot's request, and a tag that cannot be a language stops the
batch in one line before any shot runs."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.commands import jobs
from dualtalk.inference.core.errors import DualTalkError

SHOT = {"blend": "s.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav"}


def test_each_shot_gets_the_language_of_its_script(tmp_path):
    in_cafe = {**SHOT, "name": "cafe", "out": "cafe.blend", "transcript": "cafe.txt"}
    in_tokyo = {
        **SHOT,
        "name": "tokyo",
        "out": "tokyo.blend",
        "transcript": "tokyo.txt",
        "transcript_language": "ja",
    }
    data = {"defaults": {"transcript_language": "es"}, "shots": [in_cafe, in_tokyo]}
    cafe, tokyo = (shot.request() for shot in jobs.parse_jobs(data, tmp_path))
    assert (cafe.transcript, cafe.transcript_language) == (str(tmp_path / "cafe.txt"), "es")
    assert (tokyo.transcript, tokyo.transcript_language) == (str(tmp_path / "tokyo.txt"), "ja")
    (plain,) = jobs.parse_jobs({"shots": [{**SHOT, "out": "o.blend", "transcript": "t.txt"}]}, tmp_path)
    assert plain.request().transcript_language == "en"  # not said: English, as on the command line


def test_a_tag_that_cannot_be_a_language_stops_the_shot_before_it_runs(tmp_path):
    (tmp_path / "s.blend").write_bytes(b"BLENDER")
    shot = {**SHOT, "out": "o.blend", "transcript": "t.txt", "transcript_language": "Spanish please"}
    with pytest.raises(DualTalkError) as refused:  # when the job file is read, in its words
        jobs.parse_jobs({"shots": [shot]}, tmp_path)
    line = str(refused.value)
    assert line.startswith("shot 'shot001'.transcript_language must be a language tag") and "\n" not in line
    assert "'Spanish please'" in line


def test_a_shot_where_b_speaks_another_language_gets_b_s_own(tmp_path):
    """A Spanish/English scene (review rv38a F2): ``transcript_language_b`` in a shot or the defaults
    reaches B's side of the request; left out, B's lines are in the shot's one language."""
    bilingual = {**SHOT, "name": "playa", "out": "playa.blend", "transcript": "playa.txt"}
    bilingual.update(transcript_language="es", transcript_language_b="en")
    plain = {
        **SHOT,
        "name": "cafe",
        "out": "cafe.blend",
        "transcript": "cafe.txt",
        "transcript_language": "fr",
    }
    playa, cafe = (shot.request() for shot in jobs.parse_jobs({"shots": [bilingual, plain]}, tmp_path))
    assert (playa.transcript_language, playa.script_language_b()) == ("es", "en")
    assert (cafe.transcript_language_b, cafe.script_language_b()) == ("same", "fr")
    (shot,) = jobs.parse_jobs({"defaults": {"transcript_language_b": "de"}, "shots": [plain]}, tmp_path)
    assert shot.request().script_language_b() == "de"


def test_a_b_language_that_cannot_be_one_stops_the_shot_before_it_runs(tmp_path):
    (tmp_path / "s.blend").write_bytes(b"BLENDER")
    shot = {**SHOT, "out": "o.blend", "transcript": "t.txt", "transcript_language_b": "English too"}
    with pytest.raises(DualTalkError) as refused:
        jobs.parse_jobs({"shots": [shot]}, tmp_path)
    line = str(refused.value)
    assert (
        line.startswith("shot 'shot001'.transcript_language_b must be same, or a language tag")
        and "\n" not in line
    )
