"""Issue 14, group 4: audio that is valid must be read, and the same speech in both streams refused.

A streamed FLAC (no length in its header) and a long take with a --start/--end part are
legitimate and must be animated. A recording that carries one voice in both streams
(a polarity-inverted copy, a copy a few samples late, at another gain, or the same file
given twice) would animate both characters talking at once; it is refused with the hint
to give the mix once with --turns or --diarize. Every refusal is one ``error:`` line,
exit 2, nothing written, inputs byte-identical.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import speechlike
from dualtalk.inference.audio import load_dialogue, loader
from robustness_util import (
    StandInEngine,
    assert_refused,
    run_cli,
    sha256s,
    snapshot,
    streamed_flac,
    two_voices,
    wav_header,
)


@pytest.fixture
def no_engine(monkeypatch):
    """Refusals happen before any engine work; a stand-in keeps these cases free of weights."""
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())


def test_a_streamed_flac_without_a_length_is_read_whole_and_in_parts(tmp_path):
    """STREAMINFO total samples = 0 used to be read as "160127986751.0 h long" and refused."""
    x = two_voices(3.0, 48000)
    sf.write(tmp_path / "normal.flac", x, 48000)
    path = streamed_flac(tmp_path / "recorder.flac", x, 48000)
    assert sf.info(str(path)).frames > 1 << 62  # libsndfile really sees no length
    before = sha256s(path)
    info = loader.audio_info(path)
    assert info.frames == len(x) and info.duration == pytest.approx(3.0)
    whole, _ = loader.read_channels(path)
    ref, _ = loader.read_channels(tmp_path / "normal.flac")
    assert whole.shape == (2, 48000) and np.array_equal(whole, ref)
    part, _ = loader.read_channels(path, start=1.0, end=2.5)
    ref_part, _ = loader.read_channels(tmp_path / "normal.flac", start=1.0, end=2.5)
    assert np.array_equal(part, ref_part)
    d = load_dialogue(path)
    assert d.source["form"] == "stereo" and d.active_a[:30].mean() > 0.5 and d.active_b[-30:].mean() > 0.5
    assert sha256s(path) == before  # the length is filled in on the fly, never written back


def test_a_streamed_flac_after_an_id3_tag_is_read(tmp_path):
    x = two_voices(1.0, 16000)
    path = streamed_flac(tmp_path / "tagged.flac", x, 16000)
    body = path.read_bytes()
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 20]) + b"TIT2" + bytes(16)
    path.write_bytes(tag + body)
    assert loader.audio_info(path).frames == 16000
    got, _ = loader.read_channels(path)
    assert got.shape == (2, 16000)


def _sparse_long_wav(path, hours: float, sr: int = 8000, speech_at: float = 100.0, speech_s: float = 4.0):
    """A real stereo WAV of ``hours`` (sparse on disk) with two voices from ``speech_at`` seconds."""
    frames = int(hours * 3600 * sr)
    voice = (two_voices(speech_s, sr) * 32767).astype("<i2")
    with open(path, "wb") as fh:
        fh.write(wav_header(sr, 2, frames))
        fh.truncate(44 + frames * 4)
        fh.seek(44 + int(speech_at * sr) * 4)
        fh.write(voice.tobytes())
    return path


def test_a_take_over_four_hours_is_refused_whole_but_a_part_is_animated(tmp_path, capsys, no_engine):
    """The 4 h limit applies to the chosen range: the advice "pick a part with --start/--end" works."""
    path = _sparse_long_wav(tmp_path / "marathon.wav", 5.0)
    before = sha256s(path)
    out = tmp_path / "o"
    code, err, stdout = run_cli(capsys, ["infer", "--quiet", "--audio", str(path), "--out", str(out)])
    line = assert_refused(code, err, "5.0 h long")
    assert "--start/--end" in line and stdout == "" and snapshot(out) == {}
    code, err, _ = run_cli(
        capsys,
        ["infer", "--quiet", "--audio", str(path), "--start", "0", "--end", "16000", "--out", str(out)],
    )
    assert_refused(code, err, "the chosen range is 4.4 h long")
    assert snapshot(out) == {}
    d = load_dialogue(path, start=100.0, end=104.0)  # the part is read, the take is fine
    assert d.duration == pytest.approx(4.0) and d.active_a[:40].mean() > 0.5 and d.active_b[-40:].mean() > 0.5
    assert sha256s(path) == before


def _voice(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return speechlike(seconds, rng)


def _copies(x: np.ndarray) -> dict[str, np.ndarray]:
    """How one voice ends up in both streams of a 'dialogue'."""
    late = np.concatenate([np.zeros(7, np.float32), x[:-7]])
    return {
        "identical": x,
        "polarity inverted": -x,
        "7 samples late": late,
        "quieter (-12 dB)": x * 0.25,
        "inverted, late and quieter": -0.5 * np.concatenate([np.zeros(400, np.float32), x[:-400]]),
        "with hiss": x + np.random.default_rng(5).normal(0, 0.01, len(x)).astype(np.float32),
    }


@pytest.mark.parametrize("kind", list(_copies(np.zeros(10, np.float32))))
def test_the_same_speech_on_both_channels_is_refused_however_it_was_copied(tmp_path, capsys, no_engine, kind):
    x = _voice(6.0, 1)
    copy = _copies(x)[kind]
    path = tmp_path / "take.wav"
    sf.write(path, np.stack([x, copy], 1), 16000, subtype="FLOAT")
    before = sha256s(path)
    out = tmp_path / "o"
    code, err, stdout = run_cli(capsys, ["infer", "--quiet", "--audio", str(path), "--out", str(out)])
    line = assert_refused(code, err, "same signal")
    assert "--turns" in line and "--diarize" in line and stdout == ""
    if "inverted" in kind:
        assert "polarity inverted" in line
    assert snapshot(out) == {} and sha256s(path) == before


@pytest.mark.parametrize(
    "kind", ["same file twice", "polarity inverted", "7 samples late", "quieter (-12 dB)"]
)
def test_the_same_speech_as_audio_and_audio_b_is_refused(tmp_path, capsys, no_engine, kind):
    x = _voice(6.0, 2)
    a = tmp_path / "a.wav"
    sf.write(a, x, 16000, subtype="FLOAT")
    if kind == "same file twice":
        b = a
    else:
        b = tmp_path / "b.flac"
        sf.write(b, np.clip(_copies(x)[kind], -1, 1), 16000)
    before = sha256s(a, b)
    out = tmp_path / "o"
    argv = ["infer", "--quiet", "--audio", str(a), "--audio-b", str(b), "--out", str(out)]
    code, err, stdout = run_cli(capsys, argv)
    line = assert_refused(code, err, "same file" if kind == "same file twice" else "same speech")
    assert "--turns" in line and "--diarize" in line and stdout == ""
    assert snapshot(out) == {} and sha256s(a, b) == before


def test_a_real_dialogue_with_cross_talk_is_not_mistaken_for_a_copy(tmp_path):
    """Two voices, each mic hearing the other at -10 dB, a few ms later: a genuine take, accepted."""
    a, b = _voice(8.0, 3), _voice(8.0, 4)
    a[len(a) // 2 :] *= 0.05  # A talks first, B second, like a conversation
    b[: len(b) // 2] *= 0.05
    delay = 24  # 1.5 ms between the two mics
    bleed_b = np.concatenate([np.zeros(delay, np.float32), b[:-delay]])
    bleed_a = np.concatenate([np.zeros(delay, np.float32), a[:-delay]])
    x = np.stack([a + 0.3 * bleed_b, b + 0.3 * bleed_a], 1)
    path = tmp_path / "two_mics.wav"
    sf.write(path, x / np.abs(x).max() * 0.9, 16000, subtype="FLOAT")
    d = load_dialogue(path)
    assert d.source["form"] == "stereo"
