"""A cut-off WAV: a copy that stopped part way (an interrupted transfer, `head -c`) still has a header that
promises the whole take. libsndfile reads only the bytes that are there, so before, infer animated the
first 1.6 s of a 4.3 s take without a word, while a cut-off FLAC or MP3 got the documented warning."""

from __future__ import annotations

import logging
import struct

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio import load_dialogue
from dualtalk.inference.audio.loader import read_channels
from dualtalk.inference.core.errors import DualTalkError

SR = 16000


def _take(seconds: float = 4.28, sr: int = SR) -> np.ndarray:
    """(N, 2): A talks in the first half, B in the second (modulated tones)."""
    t = np.arange(int(seconds * sr)) / sr
    a = np.where(t < seconds / 2, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= seconds / 2, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    return np.stack([a, b], 1).astype(np.float32)


def _cut_offs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "stops at" in r.getMessage()]


@pytest.fixture
def trunc2(tmp_path):
    """The review's file: the first 100001 bytes of a 4.28 s stereo 16-bit WAV (1.56 s of audio)."""
    whole = tmp_path / "talk.wav"
    sf.write(whole, _take(), SR, subtype="PCM_16")
    cut = tmp_path / "trunc2.wav"
    cut.write_bytes(whole.read_bytes()[:100001])
    return cut


def test_an_interrupted_copy_of_a_wav_is_animated_as_far_as_it_goes_with_a_warning(trunc2, caplog):
    """The animator gets the 1.56 s that arrived, and a line saying the file is cut off and where."""
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(trunc2)
    assert d.duration == pytest.approx(1.56, abs=0.01)
    assert d.source["end"] == pytest.approx(1.56, abs=0.01)  # the take records where the audio really stops
    assert _cut_offs(caplog) == [
        "trunc2.wav: its audio stops at 1.56 s although its header says 4.28 s (a cut-off or damaged file; "
        "re-export or copy it again); animating the 1.56 s that are there"
    ]


def test_an_end_past_where_a_cut_off_wav_stops_says_it_is_cut_off(trunc2, tmp_path, capsys):
    """Before: "--end 4 s is past the end of trunc2.wav (1.56 s)", as if the recording were short."""
    out = tmp_path / "take"
    rc = main(["infer", "--quiet", "--audio", str(trunc2), "--end", "4", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and not out.exists()
    assert err[-1].startswith(
        "error: --end 4 s is past the end of trunc2.wav: its audio stops at 1.56 s although its header says 4.28 s"
    )
    d = load_dialogue(trunc2, start=0.2, end=1.5)  # a part inside what arrived reads normally
    assert d.duration == pytest.approx(1.3)


@pytest.mark.parametrize(
    ("fmt", "subtype", "name"),
    [
        ("WAV", "PCM_24", "take.wav"),
        ("WAV", "FLOAT", "take.wav"),
        ("WAV", "ULAW", "take.wav"),
        ("WAVEX", "PCM_16", "take.wav"),
        ("RF64", "PCM_16", "take.rf64"),
        ("W64", "PCM_16", "take.w64"),
        ("AIFF", "PCM_16", "take.aiff"),
    ],
)
def test_every_wav_like_container_cut_in_half_gets_the_warning(fmt, subtype, name, tmp_path, caplog):
    """48 kHz copies of the take in the other uncompressed containers, half of each file's bytes."""
    whole = tmp_path / f"whole_{name}"
    sf.write(whole, _take(4.0, 48000), 48000, format=fmt, subtype=subtype)
    cut = tmp_path / name
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(cut)
    assert 1.9 < d.duration < 2.1
    (line,) = _cut_offs(caplog)
    assert line.startswith(f"{name}: its audio stops at 2.0") and "header says 4.00 s" in line
    with pytest.raises(DualTalkError, match=rf"--start 3 s is past the end of {name}: .*header says 4\.00 s"):
        load_dialogue(cut, start=3.0)


def _wav(frames: np.ndarray, *, data_size: int | None = None, riff_size: int | None = None,
         tail: bytes = b"", bits: int = 16) -> bytes:  # fmt: skip
    """A PCM WAV by hand, so its sizes can say what a real writer leaves in them."""
    channels = frames.shape[1]
    body = (
        (frames * 127 + 128).astype("u1").tobytes() if bits == 8 else (frames * 32767).astype("<i2").tobytes()
    )
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, SR, SR * block, block, bits)
    size = len(body) if data_size is None else data_size
    chunks = b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", size) + body + tail
    riff = 4 + len(chunks) if riff_size is None else riff_size
    return b"RIFF" + struct.pack("<I", riff) + b"WAVE" + chunks


def test_whole_wavs_that_only_look_odd_get_no_cut_off_warning(tmp_path, caplog):
    """No false alarm: tags after the audio, a pad byte present or missing, a header a streaming writer
    could not go back to fill (sox writes 0x7FFFF000, ffmpeg 0xFFFFFFFF), a cut smaller than a frame."""
    take = _take(2.0)
    mono8 = take[1:, :1]  # 8-bit mono of an odd length: its data chunk is followed by a pad byte
    list_tag = b"LIST" + struct.pack("<I", 12) + b"INFOISFT" + struct.pack("<I", 0)
    whole = _wav(take)
    files = {
        "tagged.wav": _wav(take, tail=list_tag + b"id3 " + struct.pack("<I", 10) + bytes(10)),
        "padded.wav": _wav(mono8, bits=8, tail=b"\x00"),
        "unpadded.wav": _wav(mono8, bits=8),
        "sox_pipe.wav": _wav(take, data_size=0x7FFFF000, riff_size=0x7FFFF024),
        "ffmpeg_pipe.wav": _wav(take, data_size=0xFFFFFFFF, riff_size=0xFFFFFFFF),
        "last_bytes_lost.wav": whole[:-100],  # 25 frames: well under a video frame (40 ms = 640 frames)
        "wrong_data_size.wav": _wav(take, data_size=len(whole) * 2),  # the RIFF size says the file is whole
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
            x, _info = read_channels(tmp_path / name)
        assert x.shape[1] / SR == pytest.approx(2.0, abs=0.01), name
        assert _cut_offs(caplog) == [], name
