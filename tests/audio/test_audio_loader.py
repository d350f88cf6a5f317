"""An animator hands us whatever their recorder or editor wrote; we read it or say why not."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import SAMPLE_RATE, load_speech
from dualtalk.inference.audio.loader import audio_info, read_channels, resample
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.timebase import frames_for


def tone(freq: float, seconds: float, sr: int, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(seconds * sr))) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(x: np.ndarray, sr: int = SAMPLE_RATE) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / sr)[spec.argmax()])


@pytest.mark.parametrize("sr", [8000, 11025, 22050, 44100, 48000, 96000])
def test_any_rate_comes_out_at_16k_with_pitch_and_length_kept(tmp_path, sr):
    path = tmp_path / f"tone_{sr}.wav"
    sf.write(path, tone(440.0, 1.5, sr), sr)
    x = load_speech(path)
    assert x.dtype == np.float32
    assert abs(len(x) - 1.5 * SAMPLE_RATE) <= 2
    assert abs(peak_hz(x) - 440.0) < 3.0
    assert 0.45 < np.abs(x).max() < 0.56


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_integer_and_float_sample_formats_read_to_the_same_signal(tmp_path, subtype):
    ref = tone(300.0, 0.5, 16000)
    path = tmp_path / f"{subtype}.wav"
    sf.write(path, ref, 16000, subtype=subtype)
    x = load_speech(path)
    tol = 0.02 if subtype == "PCM_U8" else 1e-3
    assert np.abs(x - ref).max() < tol


@pytest.mark.parametrize(
    ("ext", "fmt", "subtype"),
    [("flac", "FLAC", "PCM_16"), ("ogg", "OGG", "VORBIS"), ("mp3", "MP3", "MPEG_LAYER_III")],
)
def test_compressed_formats_decode(tmp_path, ext, fmt, subtype):
    if fmt not in sf.available_formats():
        pytest.skip(f"this libsndfile has no {fmt}")
    path = tmp_path / f"speech.{ext}"
    sf.write(path, tone(500.0, 1.0, 44100), 44100, format=fmt, subtype=subtype)
    x = load_speech(path)
    assert abs(len(x) / SAMPLE_RATE - 1.0) < 0.1  # mp3 adds a little padding
    assert abs(peak_hz(x) - 500.0) < 5.0


def test_stereo_keeps_both_channels_and_load_speech_averages(tmp_path):
    left, right = tone(300.0, 1.0, 48000), tone(700.0, 1.0, 48000, amp=0.2)
    path = tmp_path / "st.wav"
    sf.write(path, np.stack([left, right], 1), 48000)
    x, info = read_channels(path)
    assert x.shape == (2, 16000) and info.channels == 2
    assert abs(peak_hz(x[0]) - 300) < 3 and abs(peak_hz(x[1]) - 700) < 3
    mono = load_speech(path)
    np.testing.assert_allclose(mono, x.mean(0), atol=1e-6)


def test_start_end_decode_only_that_part(tmp_path):
    sr = 22050
    path = tmp_path / "two_tones.wav"
    sf.write(path, np.concatenate([tone(300.0, 2.0, sr), tone(900.0, 2.0, sr)]), sr)
    part = load_speech(path, start=2.25, end=3.5)
    assert abs(len(part) - 1.25 * SAMPLE_RATE) <= 2
    assert abs(peak_hz(part) - 900.0) < 5


def test_frame_count_rounds_up():
    assert frames_for(0) == 0
    assert frames_for(640) == 1
    assert frames_for(641) == 2
    assert frames_for(16000) == 25
    assert frames_for(375808) == 588  # the real clip


def test_resample_identity_and_ratio():
    x = tone(100.0, 0.1, 16000)
    assert resample(x, 16000) is not None and np.array_equal(resample(x, 16000), x)
    assert len(resample(x, 16000, 8000)) == 800


# --- refusals: each is one line, names the file, and nothing else breaks ---------------------------


def refuse(path, match, **kw):
    with pytest.raises(DualTalkError, match=match) as exc:
        load_speech(path, **kw)
    assert "\n" not in str(exc.value)
    return str(exc.value)


def test_missing_file(tmp_path):
    refuse(tmp_path / "nope.wav", "not found")


def test_directory(tmp_path):
    refuse(tmp_path, "is a directory")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.wav"
    p.write_bytes(b"")
    refuse(p, r"empty \(0 bytes\)")


def test_text_file_is_not_audio(tmp_path):
    p = tmp_path / "notes.wav"
    p.write_text("these are my dialogue notes, not audio\n" * 20)
    msg = refuse(p, "not a readable audio file")
    assert "notes.wav" in msg


def test_zero_length_wav(tmp_path):
    p = tmp_path / "zero.wav"
    sf.write(p, np.zeros(0, dtype=np.float32), 16000)
    refuse(p, "no audio samples")


def wav_with_format_tag(path, tag: int, payload: bytes = b"\x00" * 400) -> None:
    fmt = struct.pack("<HHIIHH", tag, 1, 16000, 32000, 2, 16)
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(payload))
        + payload
    )
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_unknown_codec_inside_a_wav(tmp_path):
    p = tmp_path / "odd_codec.wav"
    wav_with_format_tag(p, 0x1234)
    msg = refuse(p, "odd_codec.wav")
    assert "unreadable audio codec" in msg and "0x1234" in msg


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_samples(tmp_path, bad):
    x = tone(200.0, 0.5, 16000)
    x[100] = bad
    p = tmp_path / "bad.wav"
    sf.write(p, x, 16000, subtype="FLOAT")
    refuse(p, "NaN or Inf")


def test_three_channels(tmp_path):
    p = tmp_path / "surround.wav"
    sf.write(p, np.zeros((1600, 3), dtype=np.float32) + 0.1, 16000)
    refuse(p, "3 channels")


@pytest.mark.parametrize("sr", [4000, 192000])
def test_sample_rate_out_of_range(tmp_path, sr):
    p = tmp_path / "rate.wav"
    sf.write(p, tone(100.0, 0.2, sr), sr)
    refuse(p, "sample rate")


@pytest.mark.parametrize(
    ("start", "end", "match"),
    [(-1.0, None, "0 or more"), (5.0, None, "past the end"), (0.5, 0.5, "must be after"), (0.0, 9.0, "past the end"),
     (float("nan"), None, "finite")],
)  # fmt: skip
def test_bad_ranges(tmp_path, start, end, match):
    p = tmp_path / "two_s.wav"
    sf.write(p, tone(200.0, 2.0, 16000), 16000)
    refuse(p, match, start=start, end=end)


def test_info_reports_header_without_decoding(tmp_path):
    p = tmp_path / "h.flac"
    sf.write(p, tone(200.0, 3.0, 44100), 44100, format="FLAC")
    info = audio_info(p)
    assert (info.samplerate, info.channels, info.format) == (44100, 1, "FLAC")
    assert abs(info.duration - 3.0) < 1e-6


def test_damaged_mp3_gives_our_one_line_and_no_decoder_chatter(tmp_path, capfd):
    if "MP3" not in sf.available_formats():
        pytest.skip("this libsndfile has no MP3")
    good = tmp_path / "good.mp3"
    sf.write(good, tone(220.0, 1.0, 16000), 16000, format="MP3")
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(good.read_bytes()[:300] + b"\x00" * 50)
    with pytest.raises(DualTalkError, match="bad.mp3"):
        load_speech(bad)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("fmt", "sr"),
    [("WAV", 44100), ("FLAC", 22050), ("OGG", 44100), ("OGG", 48000), ("MP3", 44100), ("MP3", 16000)],
)
def test_a_part_is_exactly_the_same_samples_as_in_the_whole_take(tmp_path, fmt, sr):
    """--start/--end must not shift or smear audio: no resampler edges, no Ogg last-page seek error,
    no MP3 decoder warm-up, no garbage from libsndfile's chunked MPEG-2 reads."""
    if fmt not in sf.available_formats():
        pytest.skip(f"this libsndfile has no {fmt}")
    path = tmp_path / f"take.{fmt.lower()}"
    sf.write(path, np.concatenate([tone(300.0, 2.0, sr), tone(900.0, 2.0, sr)]), sr, format=fmt)
    whole = load_speech(path)
    for start, end in [(1.5, 2.5), (1.23456, 3.999), (3.9, None)]:
        part = load_speech(path, start=start, end=end)
        i = int(round(start * SAMPLE_RATE))
        assert abs(len(part) - (min(len(whole), int(round((end or 4.0) * SAMPLE_RATE))) - i)) <= 1
        np.testing.assert_allclose(part, whole[i : i + len(part)], atol=1e-4)
