"""A WAV left by a recorder that crashed: the audio is on disk, but the header still says it holds none.

A recorder writes the WAV header first with a data size of 0 and patches the real size in when it
stops. If it crashes (or the laptop's battery dies) the size is never patched: the file holds the
whole take after a header that claims 0 bytes. The "unknown size" 0xFFFFFFFF variant already read;
this one was refused as "contains no audio samples".
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.core.errors import DualTalkError


def _two_voices(seconds: float, sr: int) -> np.ndarray:
    """(N, 2): A talks in the first half, B in the second (modulated tones)."""
    t = np.arange(int(seconds * sr)) / sr
    a = np.where(t < seconds / 2, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= seconds / 2, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    return np.stack([a, b], 1).astype(np.float32)


def _data_chunk(data: bytes) -> int:
    """Offset of the 'data' chunk's id in a WAV written by soundfile."""
    i = data.find(b"data")
    assert i > 0
    return i


def _header_never_patched(intact: bytes) -> bytes:
    """The same file as a crashed recorder leaves it: RIFF size and data size as first written (0)."""
    broken = bytearray(intact)
    i = _data_chunk(intact)
    broken[4:8] = i.to_bytes(4, "little")  # the RIFF size covers only the header (i + 8 bytes, less 8)
    broken[i + 4 : i + 8] = (0).to_bytes(4, "little")
    return bytes(broken)


@pytest.fixture
def takes(tmp_path):
    """(intact, crashed): a 4 s stereo 44.1 kHz 24-bit take, and the same take with the header never patched."""
    intact = tmp_path / "intact.wav"
    sf.write(intact, _two_voices(4.0, 44100), 44100, subtype="PCM_24")
    crashed = tmp_path / "crashed.wav"
    crashed.write_bytes(_header_never_patched(intact.read_bytes()))
    assert sf.info(str(crashed)).frames == 0  # libsndfile believes the header
    return intact, crashed


def test_a_take_from_a_recorder_that_crashed_is_read_to_the_end_of_the_file(takes, caplog):
    """The recorder crashed at the end of a 4 s take. Before, DualTalk refused the file as having no
    audio samples; now it animates all 4 s, exactly what the intact file gives, and says why."""
    intact, crashed = takes
    ref = load_dialogue(intact)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(crashed)
    assert d.duration == pytest.approx(4.0)
    np.testing.assert_array_equal(d.a, ref.a)
    np.testing.assert_array_equal(d.b, ref.b)
    assert d.active_a[:25].mean() > 0.5 and d.active_b[-25:].mean() > 0.5
    assert d.source["end"] == pytest.approx(4.0)
    said = [r.getMessage() for r in caplog.records if "crashed.wav" in r.getMessage()]
    assert len(said) == 1 and "header says it holds no audio" in said[0] and "4.00 s" in said[0]


def test_a_part_of_a_crashed_take_matches_the_intact_file(takes):
    """--start/--end inside the crashed take give the same samples as the intact take."""
    intact, crashed = takes
    ref = load_dialogue(intact, start=1.0, end=3.5)
    d = load_dialogue(crashed, start=1.0, end=3.5)
    assert d.duration == pytest.approx(2.5)
    np.testing.assert_array_equal(d.a, ref.a)
    np.testing.assert_array_equal(d.b, ref.b)
    with pytest.raises(DualTalkError, match=r"--end 5 s is past the end of crashed\.wav"):
        load_dialogue(crashed, start=1.0, end=5.0)


def test_one_speakers_crashed_recorder_file_reads_as_their_track(tmp_path):
    """One file per speaker: B's recorder crashed (header never patched), A's closed normally."""
    x = _two_voices(3.0, SAMPLE_RATE)
    a, b_ok, b_crashed = tmp_path / "a.wav", tmp_path / "b_ok.wav", tmp_path / "b.wav"
    sf.write(a, x[:, 0], SAMPLE_RATE)
    sf.write(b_ok, x[:, 1], SAMPLE_RATE)
    b_crashed.write_bytes(_header_never_patched(b_ok.read_bytes()))
    ref = load_dialogue(a, b_ok)
    d = load_dialogue(a, b_crashed)
    assert d.duration == pytest.approx(3.0)
    np.testing.assert_array_equal(d.b, ref.b)
    assert d.source["durations"] == pytest.approx([3.0, 3.0])


def test_a_truly_empty_wav_is_still_refused_in_one_line(tmp_path, capsys):
    """A header that says 0 bytes with nothing after it (a recorder stopped before any sound) is
    empty: the same one-line refusal as before, from the loader and from the command line."""
    whole = tmp_path / "whole.wav"
    sf.write(whole, _two_voices(1.0, SAMPLE_RATE), SAMPLE_RATE)
    data = whole.read_bytes()
    i = _data_chunk(data)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(_header_never_patched(data)[: i + 8])
    with pytest.raises(DualTalkError, match=r"^empty\.wav contains no audio samples \(zero length\)$"):
        load_dialogue(empty)
    out = tmp_path / "take"
    rc = main(["infer", "--quiet", "--audio", str(empty), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err == ["error: empty.wav contains no audio samples (zero length)"]
    assert not out.exists()


def test_an_empty_data_chunk_followed_by_a_tag_is_not_read_as_audio(tmp_path):
    """An empty take whose tags (a LIST chunk) follow the empty data chunk: the tag's bytes are not
    sound, so the file stays empty and is refused, not played as a burst of noise."""
    whole = tmp_path / "whole.wav"
    sf.write(whole, _two_voices(1.0, SAMPLE_RATE), SAMPLE_RATE)
    data = whole.read_bytes()
    i = _data_chunk(data)
    info = b"INFOINAM" + (12).to_bytes(4, "little") + b"Take 1 demo\x00"
    tagged = bytearray(data[: i + 8] + b"LIST" + len(info).to_bytes(4, "little") + info)
    tagged[4:8] = (len(tagged) - 8).to_bytes(4, "little")
    tagged[i + 4 : i + 8] = (0).to_bytes(4, "little")
    path = tmp_path / "tagged.wav"
    path.write_bytes(bytes(tagged))
    with pytest.raises(DualTalkError, match=r"tagged\.wav contains no audio samples \(zero length\)"):
        load_dialogue(path)
