"""A cut-off compressed file: an MP3 download that stopped half way still has a header with the full length."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.core.errors import DualTalkError

pytestmark = pytest.mark.skipif("MP3" not in sf.available_formats(), reason="this libsndfile has no MP3")


def _two_voices(seconds: float, sr: int) -> np.ndarray:
    """(N, 2): A talks in the first half, B in the second (modulated tones)."""
    t = np.arange(int(seconds * sr)) / sr
    a = np.where(t < seconds / 2, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= seconds / 2, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    return np.stack([a, b], 1).astype(np.float32)


@pytest.fixture
def cut_mp3(tmp_path):
    """A 6 s stereo MP3 of which only the first half of the bytes arrived (about 2.9 s of audio)."""
    whole = tmp_path / "whole.mp3"
    sf.write(whole, _two_voices(6.0, 44100), 44100, format="MP3")
    cut = tmp_path / "cut.mp3"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert sf.info(str(cut)).duration == pytest.approx(6.0)  # the header still claims the whole take
    return cut


def test_a_part_reaching_past_where_a_cut_off_mp3_stops_is_refused_not_shortened(cut_mp3, tmp_path, capsys):
    """The user asked for 1-5 s of a cut-off MP3. Before, infer animated only 1-2.9 s without a word
    (a motion shorter than the part asked for); now one line says where the audio really stops."""
    with pytest.raises(
        DualTalkError, match=r"--end 5 s is past the end of cut\.mp3: its audio stops at 2\.\d\d s"
    ):
        load_dialogue(cut_mp3, start=1.0, end=5.0)
    out = tmp_path / "take"
    rc = main(["infer", "--quiet", "--audio", str(cut_mp3), "--start", "1", "--end", "5", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("error: --end 5 s is past the end of cut.mp3")
    assert "cut-off" in err[-1] and not out.exists()


def test_a_start_past_where_a_cut_off_mp3_stops_names_the_start(cut_mp3):
    """Before, --start 4 on a file that stops at 2.9 s said "contains no audio samples in the chosen
    range", as if the file were silent there; the real problem is that the file is cut off."""
    with pytest.raises(
        DualTalkError, match=r"--start 4 s is past the end of cut\.mp3: .*header says 6\.00 s"
    ):
        load_dialogue(cut_mp3, start=4.0)


def test_a_part_inside_what_is_there_and_the_whole_cut_off_file_still_animate(cut_mp3, caplog):
    """What arrived is usable: a part inside it reads normally, the whole file reads as far as it goes
    with a warning that says so."""
    d = load_dialogue(cut_mp3, start=0.5, end=2.5)
    assert d.duration == pytest.approx(2.0)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(cut_mp3)
    assert 2.5 < d.duration < 3.2 and d.active_a[:25].mean() > 0.5
    assert any("cut.mp3" in r.getMessage() and "stops at" in r.getMessage() for r in caplog.records)


def test_a_cut_off_partner_file_ends_early_like_a_shorter_one(cut_mp3, tmp_path):
    """With one file per speaker a cut-off --audio-b is the partner's shorter file: padded with silence,
    also for a part that lies wholly after where it stops."""
    a = tmp_path / "a.wav"
    sf.write(a, _two_voices(6.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)  # A talks in the second half
    d = load_dialogue(a, cut_mp3, start=1.0, end=5.0)
    assert d.duration == pytest.approx(4.0)
    assert np.abs(d.b[int(2.5 * SAMPLE_RATE) :]).max() == 0.0 and d.active_a[-25:].mean() > 0.5
    d = load_dialogue(a, cut_mp3, start=4.0, end=5.5)
    assert d.duration == pytest.approx(1.5) and np.abs(d.b).max() == 0.0


def test_a_cut_off_flac_reads_as_far_as_it_goes_instead_of_failing_whole(tmp_path, caplog):
    """A FLAC copy that stopped at two thirds: before, every read failed with libsndfile's
    "could not decode audio (flac decoder lost sync.)", even a part well before the cut. Now the
    audio before the cut animates (as a cut-off WAV does) and a part past it is named."""
    whole = tmp_path / "whole.flac"
    sf.write(whole, _two_voices(6.0, 48000), 48000, format="FLAC")
    cut = tmp_path / "cut.flac"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    ref = load_dialogue(whole, start=0.5, end=3.5)
    part = load_dialogue(cut, start=0.5, end=3.5)  # the cut lies near 4 s
    np.testing.assert_allclose(part.a, ref.a, atol=1e-4)
    np.testing.assert_allclose(part.b, ref.b, atol=1e-4)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(cut)
    assert 3.5 < d.duration < 4.5 and d.active_a[:50].mean() > 0.5 and d.active_b[-10:].mean() > 0.5
    assert any("cut.flac" in r.getMessage() and "stops at" in r.getMessage() for r in caplog.records)
    with pytest.raises(DualTalkError, match=r"--end 5\.5 s is past the end of cut\.flac: its audio stops at"):
        load_dialogue(cut, start=1.0, end=5.5)
    with pytest.raises(DualTalkError, match=r"--start 5 s is past the end of cut\.flac"):
        load_dialogue(cut, start=5.0)
