"""Turns files as diarization corpora ship them: one RTTM for a whole set of recordings."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import frames_of, place
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.core.errors import DualTalkError

ANN = [(0.5, 2.0), (4.0, 5.5)]
BOB = [(2.3, 3.7), (5.8, 7.4)]
TOTAL = 8.0


def rttm_line(recording: str, span: tuple[float, float], who: str) -> str:
    return f"SPEAKER {recording} 1 {span[0]:.3f} {span[1] - span[0]:.3f} <NA> <NA> {who} <NA> <NA>"


@pytest.fixture
def corpus(tmp_path, rng):
    """meet01.wav (Ann, then Bob) and the corpus's one RTTM, which also holds meet02's turns:
    in meet02 Ann talks while Bob does in meet01, and Bob while Ann does."""
    mix = place(TOTAL, ANN, rng) + place(TOTAL, BOB, rng)
    sf.write(tmp_path / "meet01.wav", mix, SAMPLE_RATE)
    lines = [rttm_line("meet01", s, "Ann") for s in ANN] + [rttm_line("meet01", s, "Bob") for s in BOB]
    lines += [rttm_line("meet02", s, "Ann") for s in BOB] + [rttm_line("meet02", s, "Bob") for s in ANN]
    (tmp_path / "corpus.rttm").write_text("\n".join(sorted(lines, key=lambda x: float(x.split()[3]))) + "\n")
    return tmp_path


def test_a_corpus_rttm_gives_each_recording_only_its_own_turns(corpus):
    d = load_dialogue(corpus / "meet01.wav", turns=corpus / "corpus.rttm")
    assert d.names == ("Ann", "Bob")
    truth_a, truth_b = frames_of(ANN, TOTAL), frames_of(BOB, TOTAL)
    # meet02's turns would flag Ann as speaking all through Bob's turns (and Bob through Ann's)
    assert not (d.active_a & truth_b).any() and not (d.active_b & truth_a).any()
    assert np.mean(d.active_a == truth_a) > 0.93 and np.mean(d.active_b == truth_b) > 0.93


def test_a_corpus_rttm_naming_no_recording_like_the_audio_is_one_line(corpus):
    (corpus / "meet01.wav").rename(corpus / "scene12.wav")
    with pytest.raises(DualTalkError) as err:
        load_dialogue(corpus / "scene12.wav", turns=corpus / "corpus.rttm")
    message = str(err.value)
    assert "\n" not in message
    assert "corpus.rttm holds the turns of 2 recordings (meet01, meet02)" in message
    assert "scene12.wav" in message


def test_a_one_recording_rttm_is_taken_whole_whatever_its_id(tmp_path, rng):
    mix = place(TOTAL, ANN, rng) + place(TOTAL, BOB, rng)
    sf.write(tmp_path / "renamed.wav", mix, SAMPLE_RATE)
    lines = [rttm_line("meet01", s, "Ann") for s in ANN] + [rttm_line("meet01", s, "Bob") for s in BOB]
    (tmp_path / "t.rttm").write_text("\n".join(lines) + "\n")
    d = load_dialogue(tmp_path / "renamed.wav", turns=tmp_path / "t.rttm")
    assert d.names == ("Ann", "Bob") and d.active_a.any() and d.active_b.any()
