"""How a range's refusal names the recording a take was made from: the file names, and how they
were read where the names alone do not say it (a turns file and its Speaker A; a mix split
automatically), in ``animate``'s flags or the panel's fields (review 30a, finding 8)."""

from __future__ import annotations

from dualtalk.dualtalk_blender.scene.range_plan import PANEL_WORDS, made_from

PART = {"start": 0.0, "end": 30.0, "swap": False, "fingerprint": "x"}


def test_a_turns_take_names_its_turns_file_and_speaker_a():
    record = {**PART, "files": ["dev00.wav"], "form": "turns", "turns": "dev.rttm", "speaker_a": "MEE009"}
    assert made_from(record) == (
        "the take was made from dev00.wav with --turns dev.rttm --speaker-a MEE009 from 0.00 s to 30.00 s"
    )
    assert made_from(record, PANEL_WORDS) == (
        "the take was made from dev00.wav (Mono + turns, Turns file dev.rttm, Speaker A MEE009) "
        "from 0.00 s to 30.00 s"
    )


def test_a_mix_split_automatically_says_so():
    record = {**PART, "files": ["dev00.wav"], "form": "diarized"}
    assert made_from(record) == "the take was made from dev00.wav with --diarize from 0.00 s to 30.00 s"
    assert made_from(record, PANEL_WORDS).startswith(
        "the take was made from dev00.wav (Mono, automatic) from"
    )


def test_a_stereo_file_or_two_files_read_from_their_names_as_before():
    assert made_from({**PART, "files": ["talk.wav"], "form": "stereo"}, PANEL_WORDS) == (
        "the take was made from talk.wav from 0.00 s to 30.00 s"
    )
    assert made_from({**PART, "files": ["a.wav", "b.wav"]}) == (
        "the take was made from a.wav and b.wav from 0.00 s to 30.00 s"
    )
