"""`eval diarize`: a researcher measures who-speaks-when from one mono mix (what ``--diarize`` gives
the two characters) on recordings annotated in RTTM, on conversations made here with a "yeah"
under the speaker's words and an interruption, and on recordings of one voice alone (whose speech
should all go to one character), each beside the simple baseline."""

from __future__ import annotations

import json

import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.bench.testsignals import espeak_available
from dualtalk.inference.audio import voice_encoder
from dualtalk.inference.core.timebase import SAMPLE_RATE
from dualtalk.training.evaluation.cmd_diarize import (
    ami_recordings,
    format_report,
    one_voice_recordings,
    score_ami,
)
from dualtalk.training.evaluation.diarize_synthetic import conversation

needs_voices = pytest.mark.skipif(
    not (espeak_available() and voice_encoder.available()),
    reason="espeak-ng or the packaged voice encoder (resemblyzer wheel) not installed",
)


def rttm_line(rec: str, start: float, end: float, who: str) -> str:
    return f"SPEAKER {rec} 1 {start:.3f} {end - start:.3f} <NA> <NA> {who} <NA> <NA>\n"


@pytest.mark.parametrize(
    "layout, said",
    [
        ("missing", "no such folder"),
        ("empty", "no .rttm file"),
        ("no wav", "no held-out recording with both an RTTM entry and its <id>.wav"),
        ("a file", "is a file"),
    ],
)
def test_a_folder_without_recordings_is_refused_in_one_line(tmp_path, layout, said):
    folder = tmp_path / "ami"
    if layout != "missing":
        folder.mkdir()
    if layout == "no wav":
        (folder / "talks.rttm").write_text(rttm_line("talk1", 0.0, 2.0, "ann"))
    if layout == "a file":
        folder.rmdir()
        folder.write_text("not a folder")
    r = run_dualtalk("eval", "diarize", "--ami", folder)
    assert r.returncode != 0
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ") and said in r.stderr, r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    "args, said", [((), "give --ami DIR"), (("--synthetic", "--files", "trn"), "give --ami DIR too")]
)
def test_nothing_to_score_is_refused_in_one_line(args, said):
    r = run_dualtalk("eval", "diarize", *args)
    assert r.returncode != 0 and r.stderr.count("\n") == 1 and said in r.stderr, r.stderr


def test_recordings_of_a_train_rttm_are_the_tuned_on_ones(tmp_path):
    """AMI's layout: debug.train.rttm names what --diarize was tuned on; the rest are held out."""
    (tmp_path / "debug.train.rttm").write_text(rttm_line("trn00", 0, 2, "a") + rttm_line("trn01", 0, 2, "b"))
    (tmp_path / "debug.test.rttm").write_text(rttm_line("tst00", 0, 2, "c"))
    for rec in ("trn00", "trn01", "tst00"):
        sf.write(tmp_path / f"{rec}.wav", [0.0] * 160, SAMPLE_RATE)
    names = {
        files: [r for r, _, _ in ami_recordings(tmp_path, files)] for files in ("trn", "held-out", "all")
    }
    assert names == {"trn": ["trn00", "trn01"], "held-out": ["tst00"], "all": ["trn00", "trn01", "tst00"]}


@needs_voices
def test_a_conversation_annotated_in_rttm_is_scored_beside_the_baseline(tmp_path):
    conv = conversation("en")
    sf.write(tmp_path / "talk.wav", conv.mix, SAMPLE_RATE)
    (tmp_path / "talk.rttm").write_text("".join(rttm_line("talk", s, e, w) for s, e, w in conv.turns))
    r = run_dualtalk("eval", "diarize", "--ami", tmp_path, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)["ami"]
    assert out["recordings"] == ["talk"] and out["files"] == "held-out"
    systems = out["systems"]
    assert set(systems) == {"diarize", "baseline", "one speaker"}
    # two clearly different voices: the diarizer well under the baseline and one-speaker answers
    assert systems["diarize"]["der"] < 0.12 < systems["baseline"]["der"] < systems["one speaker"]["der"]
    # B's "yeah"s and the interruption open under A's words: the diarizer opens their mouths in time
    assert systems["diarize"]["interruptions"] == 4
    assert systems["diarize"]["onset_found_0_5s"] >= 3 > systems["baseline"]["onset_found_0_5s"]


@needs_voices
def test_the_synthetic_suite_reports_backchannels_under_speech_and_interruptions_at_two_levels():
    r = run_dualtalk("eval", "diarize", "--synthetic", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    table = format_report(out)
    assert "backchannels at 0 dB" in table and "backchannels at -6 dB" in table
    levels = out["synthetic"]["levels"]
    for level in ("0 dB", "-6 dB"):
        diarize, baseline = levels[level]["diarize"], levels[level]["baseline"]
        assert diarize["under"] == 9  # three conversations, three backchannels under speech each
        assert diarize["kept"] == 9  # the speaker's mouth goes on through each
        assert all(d is not None and d <= 0.2 for d in diarize["onsets_s"])
        assert diarize["der"] < baseline["der"]
    assert levels["0 dB"]["diarize"]["under_found"] >= 5 > levels["0 dB"]["baseline"]["under_found"]
    # each voice alone (six monologues): all its speech to one character (before: 32 % to the second,
    # none kept whole); the English B voice sits 0.015 above the one-voice bound (docs/metrics.md) and
    # once, late in a full suite run, fell below it: five of six is what this guards. Its recordings are
    # now the same samples in any process (test_diarize_synthetic.py: the B voices' breath noise came
    # from the process's C rand()); that noise alone moved it 0.894-0.897, so that run is not explained
    alone = out["synthetic"]["one_voice"]
    assert alone["diarize"]["recordings"] == 6 and alone["diarize"]["kept_whole"] >= 5
    assert alone["diarize"]["second_share"] < alone["baseline"]["second_share"] / 3
    assert alone["baseline"]["second_share"] > 0.05
    assert "synthetic voices alone" in table


@needs_voices
def test_on_the_held_out_ami_meetings_the_diarizer_is_no_worse_than_the_baseline(shared_dir):
    """The published comparison (docs/metrics.md): far-field meetings the diarizer was not tuned on."""
    out = score_ami(shared_dir / "data" / "real_speech" / "ami_meetings", "held-out")
    assert out["recordings"] == ["dev00", "dev01", "tst00", "tst01"]
    systems = out["systems"]
    assert systems["diarize"]["der"] <= systems["baseline"]["der"]
    # it cannot tell overlap there, so it never opens both mouths on one voice's words
    assert systems["diarize"]["false_both"] == 0.0


@pytest.mark.parametrize(
    "layout, said", [("missing", "no such folder"), ("empty", "no .wav file"), ("a file", "is a file")]
)
def test_a_one_voice_folder_without_recordings_is_refused_in_one_line(tmp_path, layout, said):
    folder = tmp_path / "reader"
    if layout == "empty":
        folder.mkdir()
    if layout == "a file":
        folder.write_text("not a folder")
    r = run_dualtalk("eval", "diarize", "--one-voice", folder)
    assert r.returncode != 0
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ") and said in r.stderr, r.stderr
    assert r.stdout == ""


def test_a_readers_clips_are_joined_into_recordings_of_about_a_minute(tmp_path):
    """Clips in name order; a new recording starts once one reaches a minute; a last one shorter than
    20 s joins the one before."""
    for name, seconds in (("c1", 40), ("c2", 30), ("c3", 40), ("c4", 10)):
        sf.write(tmp_path / f"{name}.wav", [0.0] * (seconds * SAMPLE_RATE), SAMPLE_RATE)
    got = one_voice_recordings(tmp_path)
    assert [names for names, _ in got] == [["c1.wav", "c2.wav"], ["c3.wav", "c4.wav"]]
    assert [len(mix) / SAMPLE_RATE for _, mix in got] == [71.5, 51.5]  # 0.5 s before and after each clip


@needs_voices
def test_a_real_reader_alone_is_kept_on_one_character(shared_dir):
    """LibriVox's reader (held out: never tuned on): --diarize gave 31 % of her speech to the second
    character; now none. The baseline still splits her."""
    r = run_dualtalk(
        "eval", "diarize", "--one-voice", shared_dir / "data" / "real_speech" / "librivox", "--json"
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)["one_voice"]
    assert out["clips"] == 5
    systems = out["systems"]
    assert systems["diarize"]["kept_whole"] == systems["diarize"]["recordings"] == 1
    assert systems["diarize"]["second_share"] <= 0.05 < systems["baseline"]["second_share"]
