"""Robustness matrix, audio rows: a user hands ``infer`` a bad or unusual recording.

Refusals are checked as the user sees them: ``python -m dualtalk infer`` (in-process)
exits 2 with exactly one ``error: `` line and the output folder stays empty. Accepted
oddities (8 kHz, 96 kHz, a WAV named .mp3) produce correct 16 kHz streams.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import load_dialogue, loader
from dualtalk.inference.core.errors import DualTalkError
from robustness_util import (
    StandInEngine,
    assert_refused,
    run_cli,
    snapshot,
    sparse_wav,
    two_voices,
    write_stereo,
)


@pytest.fixture
def no_engine(monkeypatch):
    """Refusals happen before any engine work; a stand-in keeps these cases free of weights."""
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())


def _bad_audio(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (the file a user might pick, words the one-line error must contain)."""
    tmp.mkdir(parents=True, exist_ok=True)
    good = write_stereo(tmp / "good.wav", 1.0)
    (tmp / "empty.wav").write_bytes(b"")
    (tmp / "truncated.wav").write_bytes(good.read_bytes()[:30])  # cut inside the fmt chunk
    (tmp / "header_only.wav").write_bytes(good.read_bytes()[:44])  # data chunk with no samples
    (tmp / "picture.wav").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (tmp / "notes.flac").write_text("these are my notes, not a recording\n" * 20)
    nan = two_voices(1.0)
    nan[100, 0] = np.nan
    sf.write(tmp / "nan.wav", nan, 16000, subtype="FLOAT")
    inf = two_voices(1.0)
    inf[200, 1] = np.inf
    sf.write(tmp / "inf.wav", inf, 16000, subtype="FLOAT")
    sf.write(tmp / "one_ms.wav", two_voices(1.0)[:16], 16000, subtype="FLOAT")
    sf.write(tmp / "surround.wav", np.zeros((16000, 6), np.float32) + 0.1, 16000)
    sf.write(tmp / "three.wav", np.tile(two_voices(1.0)[:, :1], (1, 3)), 16000)
    sf.write(tmp / "silence.wav", np.zeros((32000, 2), np.float32), 16000)
    sf.write(tmp / "rate4k.wav", np.zeros((4000, 2), np.float32) + 0.1, 4000)
    return {
        "empty": (tmp / "empty.wav", "empty (0 bytes)"),
        "truncated header": (tmp / "truncated.wav", "not a readable audio file"),
        "header, no samples": (tmp / "header_only.wav", "no audio samples"),
        "wrong extension (picture)": (tmp / "picture.wav", "not a readable audio file"),
        "wrong extension (text)": (tmp / "notes.flac", "not a readable audio file"),
        "NaN samples": (tmp / "nan.wav", "NaN or Inf"),
        "Inf samples": (tmp / "inf.wav", "NaN or Inf"),
        "1 ms long": (tmp / "one_ms.wav", "too short"),
        "6 channels": (tmp / "surround.wav", "6 channels"),
        "3 channels": (tmp / "three.wav", "3 channels"),
        "silence only": (tmp / "silence.wav", "silent"),
        "4 kHz": (tmp / "rate4k.wav", "sample rate 4000"),
    }


CASES = [
    "empty", "truncated header", "header, no samples", "wrong extension (picture)", "wrong extension (text)",
    "NaN samples", "Inf samples", "1 ms long", "6 channels", "3 channels", "silence only", "4 kHz",
]  # fmt: skip


def test_every_bad_recording_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, no_engine):
    """One story, every bad file: each is refused the same clear way and the take folder stays empty."""
    cases = _bad_audio(tmp_path / "in")
    assert sorted(cases) == sorted(CASES)
    out = tmp_path / "takes" / "scene1"
    for name in CASES:
        path, needle = cases[name]
        code, err, stdout = run_cli(capsys, ["infer", "--quiet", "--audio", str(path), "--out", str(out)])
        line = assert_refused(code, err, needle)
        assert path.name in line or name in ("silence only",), (name, line)
        assert stdout == "", (name, stdout)
        assert snapshot(out) == {}, name


def test_a_partner_file_that_is_bad_is_named(tmp_path, capsys, no_engine):
    a = write_stereo(tmp_path / "a.wav", 1.0)
    sf.write(tmp_path / "b.wav", np.full((16000, 1), np.nan, np.float32), 16000, subtype="FLOAT")
    code, err, _ = run_cli(
        capsys,
        [
            "infer",
            "--quiet",
            "--audio",
            str(a),
            "--audio-b",
            str(tmp_path / "b.wav"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert "b.wav" in assert_refused(code, err, "NaN or Inf")
    assert not (tmp_path / "o").exists()


def test_content_wins_over_a_wrong_extension(tmp_path):
    """A WAV saved as .mp3 (or FLAC saved as .wav) is read by what it is, not what it is called."""
    x = two_voices(1.0)
    sf.write(tmp_path / "talk.mp3", x, 16000, format="WAV")
    sf.write(tmp_path / "talk.wav", x, 16000, format="FLAC")
    for name in ("talk.mp3", "talk.wav"):
        d = load_dialogue(tmp_path / name)
        assert d.source["form"] == "stereo"
        assert np.allclose(d.a, x[:, 0], atol=1e-3) and np.allclose(d.b, x[:, 1], atol=1e-3)


@pytest.mark.parametrize("sr", [8000, 96000])
def test_8k_telephone_and_96k_studio_rates_come_out_at_16k(tmp_path, sr):
    path = write_stereo(tmp_path / f"talk_{sr}.wav", 2.0, sr=sr)
    d = load_dialogue(path)
    assert len(d.a) == len(d.b) == 32000
    assert d.num_frames == 50
    assert d.active_a[:20].mean() > 0.5 and d.active_b[30:].mean() > 0.5  # who talks when survives resampling
    # the 220 Hz voice of A is still at 220 Hz
    spec = np.abs(np.fft.rfft(d.a[:16000]))
    assert abs(np.argmax(spec) * 16000 / 16000 - 220) < 3


def test_an_8k_take_runs_end_to_end_through_the_engine(tmp_path, capsys):
    """Not just read: a real (tiny, random) lite engine animates an 8 kHz recording."""
    from addon_helpers import write_tiny_lite

    weights = write_tiny_lite(tmp_path / "lite.pt")
    path = write_stereo(tmp_path / "phone.wav", 2.0, sr=8000)
    out = tmp_path / "take"
    code, err, stdout = run_cli(
        capsys,
        [
            "infer",
            "--quiet",
            "--audio",
            str(path),
            "--checkpoint",
            str(weights),
            "--engine",
            "lite",
            "--out",
            str(out),
        ],
    )
    assert code == 0, err
    assert sorted(snapshot(out)) == ["A.npz", "B.npz"] and "50 frames" in stdout


def test_a_three_hour_take_is_refused_with_a_size_message_when_memory_is_short(
    tmp_path, capsys, monkeypatch, no_engine
):
    """A real 3 h, 48 kHz stereo WAV (sparse on disk): refused before decoding, never an OOM crash."""
    long_wav = sparse_wav(tmp_path / "podcast.wav", 3 * 3600)
    assert sf.info(str(long_wav)).duration == pytest.approx(3 * 3600)
    monkeypatch.setattr(loader, "available_memory", lambda: 2 << 30)  # a 2 GiB machine
    decoded = []
    monkeypatch.setattr(loader, "_read_resampled", lambda *a: decoded.append(a))
    out = tmp_path / "o"
    code, err, _ = run_cli(capsys, ["infer", "--quiet", "--audio", str(long_wav), "--out", str(out)])
    line = assert_refused(code, err, "3.0 h of audio needs about")
    assert "--start/--end" in line and "GiB" in line
    assert decoded == [] and snapshot(out) == {}


@pytest.mark.parametrize("channels", [1, 2])
def test_a_mono_take_needs_the_memory_of_a_stereo_one(tmp_path, capsys, monkeypatch, no_engine, channels):
    """A mono mix is split into A's and B's streams, so it costs what a stereo take of its length
    does (measured: about 60 bytes per 16 kHz sample either way); counting one channel let a mono
    take past the size check that the same stereo take fails, into an out-of-memory crash."""
    long_wav = sparse_wav(tmp_path / "meeting.wav", 3 * 3600, 16000, channels)
    monkeypatch.setattr(loader, "available_memory", lambda: 12 << 30)  # 6 GiB may be used
    decoded = []
    monkeypatch.setattr(loader, "_read_resampled", lambda *a: decoded.append(a))
    argv = ["infer", "--quiet", "--audio", str(long_wav), "--out", str(tmp_path / "o")]
    code, err, _ = run_cli(capsys, argv + (["--diarize"] if channels == 1 else []))
    assert_refused(code, err, "3.0 h of audio needs about 7.7 GiB")
    assert decoded == []


def test_a_part_of_a_three_hour_take_is_decoded_alone(tmp_path, monkeypatch):
    """--start/--end on the 3 h file reads just that part (seek), even on a small machine."""
    long_wav = sparse_wav(tmp_path / "podcast.wav", 3 * 3600)
    monkeypatch.setattr(loader, "available_memory", lambda: 2 << 30)
    x = loader.load_speech(long_wav, start=2 * 3600, end=2 * 3600 + 1.5)
    assert x.shape == (24000,) and not x.any()
    # the whole-take silence rule still applies to the part
    with pytest.raises(DualTalkError, match="silent"):
        load_dialogue(long_wav, start=3600, end=3602)


def test_long_takes_are_decoded_in_blocks_with_seamless_joins(tmp_path, monkeypatch):
    """Streamed decoding (small blocks here) gives exactly the whole-file resampling."""
    monkeypatch.setattr(loader, "DECODE_BLOCK_S", 0.25)
    rng = np.random.default_rng(3)
    x = rng.uniform(-0.5, 0.5, (int(44100 * 3.3), 2)).astype(np.float32)
    sf.write(tmp_path / "a.wav", x, 44100, subtype="FLOAT")
    y, _ = loader.read_channels(tmp_path / "a.wav")
    ref = loader.resample(x.T, 44100)
    assert y.shape == ref.shape
    assert float(np.abs(y - ref).max()) < 1e-6
    # a range is the same stretch of the whole take (the loader may decode context around it)
    y2, _ = loader.read_channels(tmp_path / "a.wav", start=0.7, end=2.9)
    part = y[:, int(0.7 * 16000) : int(2.9 * 16000)]
    assert y2.shape == part.shape
    inner = slice(16, -16)  # the outermost samples depend on how much context is decoded
    assert float(np.abs(y2[:, inner] - part[:, inner]).max()) < 1e-3


def test_a_header_claiming_hours_over_a_few_samples_reads_what_is_there(tmp_path, capsys, no_engine):
    """A header that claims 3 h over 0.1 s of data (a cut-off copy) is neither trusted nor fatal."""
    from robustness_util import wav_header

    body = (two_voices(0.1)[:, 0] * 32767).astype("<i2").tobytes()
    (tmp_path / "cut.wav").write_bytes(wav_header(16000, 1, 3 * 3600 * 16000) + body)
    x = loader.load_speech(tmp_path / "cut.wav")
    assert len(x) == 1600
    code, err, _ = run_cli(
        capsys, ["infer", "--quiet", "--audio", str(tmp_path / "cut.wav"), "--out", str(tmp_path / "o")]
    )
    assert_refused(code, err, "mono mix")  # a mono file still needs --turns: the next refusal, not a crash
