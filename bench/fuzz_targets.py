"""Fuzz targets for the audio intake: plain functions, reused by tests and long fuzz runs.

Each target takes generated input and either succeeds with a sane result or raises a
:class:`DualTalkError` with a one-line message. Anything else (IndexError, a
traceback from numpy or libsndfile, a multi-line message) is a bug and propagates.
:func:`strategies` returns Hypothesis strategies for each target (Hypothesis is only
imported when asked for).
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..inference.audio.loader import load_speech
from ..inference.audio.turns import FORMATS, Segment, format_turns, parse_turns_text
from ..inference.core.errors import DualTalkError
from ..inference.core.timebase import SAMPLE_RATE

T = TypeVar("T")


def _check_error(exc: DualTalkError) -> None:
    msg = str(exc)
    assert msg and "\n" not in msg, f"refusal must be one non-empty line: {msg!r}"


def read_saved(
    content: str | bytes,
    name: str,
    reader: Callable[[Path], T],
    workdir: str | os.PathLike[str] | None = None,
) -> T | None:
    """``content`` saved as file ``name`` in a fresh folder and given to ``reader``: what it read, or
    None after a one-line refusal (checked). Any other exception propagates: that is a bug, and so
    is a Python warning (a library's multi-line note on the user's terminal), raised as an error."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, warnings.catch_warnings():
        warnings.simplefilter("error")
        path = Path(tmp) / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            return reader(path)
        except DualTalkError as exc:
            _check_error(exc)
            return None


def turns_text(text: str, fmt: str | None = None) -> list[Segment] | None:
    """Any text through a turns parser: sane segments or a one-line refusal."""
    try:
        segs = parse_turns_text(text, fmt, name="fuzz")
    except DualTalkError as exc:
        _check_error(exc)
        return None
    assert segs, "a successful parse returns at least one turn"
    for s in segs:
        assert math.isfinite(s.start) and math.isfinite(s.end) and 0 <= s.start < s.end, s
        assert s.speaker and s.speaker == " ".join(s.speaker.split()), s
        assert s.line >= 1
    assert [s.start for s in segs] == sorted(s.start for s in segs)
    return segs


def turns_roundtrip(segments: list[tuple[float, float, str]], fmt: str) -> None:
    """Written turns read back with the same speakers and times (to the millisecond)."""
    segs = [Segment(s, e, name) for s, e, name in segments]
    back = parse_turns_text(format_turns(segs, fmt), fmt, name=f"roundtrip.{fmt}")
    assert len(back) == len(segs)
    want = sorted(segs, key=lambda s: (s.start, s.end))
    for got, exp in zip(back, want, strict=True):
        assert abs(got.start - exp.start) < 2e-3 and abs(got.end - exp.end) < 2e-3, (got, exp)
        expected_name = "_".join(exp.speaker.split()) if fmt == "rttm" else " ".join(exp.speaker.split())
        assert got.speaker == expected_name, (got, exp)


def audio_bytes(
    data: bytes, suffix: str = ".wav", workdir: str | os.PathLike[str] | None = None
) -> np.ndarray | None:
    """Arbitrary bytes as an audio file: a finite mono 16 kHz stream or a one-line refusal."""
    x = read_saved(data, f"fuzz{suffix}", load_speech, workdir)
    if x is None:
        return None
    assert x.dtype == np.float32 and x.ndim == 1 and len(x) > 0
    assert np.isfinite(x).all()
    return x


def audio_roundtrip(
    samples: np.ndarray, samplerate: int, fmt: str = "WAV", subtype: str = "PCM_16",
    workdir: str | os.PathLike[str] | None = None,
) -> np.ndarray | None:  # fmt: skip
    """Valid audio written by libsndfile reads back at 16 kHz with the right length."""
    import soundfile as sf

    samples = np.asarray(samples, dtype=np.float32)
    ext = {"WAV": ".wav", "FLAC": ".flac", "OGG": ".ogg"}[fmt]
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / f"rt{ext}"
        sf.write(path, samples, samplerate, format=fmt, subtype=subtype)
        try:
            x = load_speech(path)
        except DualTalkError as exc:
            _check_error(exc)
            return None
    expected = len(samples) * SAMPLE_RATE / samplerate
    assert abs(len(x) - expected) <= 2, (len(x), expected)
    assert np.isfinite(x).all()
    if subtype != "VORBIS":
        ref = samples.mean(axis=1) if samples.ndim == 2 else samples
        assert np.abs(x).max() <= np.abs(ref).max() * 2.0 + 0.05  # resampling overshoot only, no blow-up
    return x


def mutated_wav(seed_wav: bytes, positions: list[int], values: list[int]) -> np.ndarray | None:
    """A valid WAV with bytes overwritten (header damage, truncation-like garbage)."""
    return audio_bytes(overwrite(seed_wav, positions, values))


def overwrite(data: bytes, positions: list[int], values: list[int]) -> bytes:
    """``data`` with byte ``p % len(data)`` set to ``v & 0xFF`` for each (p, v) pair, in order."""
    buf = bytearray(data)
    for p, v in zip(positions, values, strict=False):
        if buf:
            buf[p % len(buf)] = v & 0xFF
    return bytes(buf)


def seed_wav(seconds: float = 0.1, samplerate: int = 16000) -> bytes:
    """A small valid PCM WAV to mutate."""
    import io

    import soundfile as sf

    t = np.arange(int(seconds * samplerate)) / samplerate
    bio = io.BytesIO()
    sf.write(
        bio,
        (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32),
        samplerate,
        format="WAV",
        subtype="PCM_16",
    )
    return bio.getvalue()


def strategies() -> dict[str, tuple[Callable[..., Any], Any]]:
    """name -> (target, Hypothesis strategy of its keyword arguments)."""
    from hypothesis import strategies as st

    names = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)
    times = st.floats(0, 30000, allow_nan=False).map(lambda v: round(v, 3))
    seg = st.tuples(times, st.floats(0.01, 60, allow_nan=False), names).map(
        lambda t: (t[0], round(t[0] + max(0.01, round(t[1], 3)), 3), t[2])
    )
    lines = st.sampled_from([
        "SPEAKER f 1 0.5 1.0 <NA> <NA> a <NA> <NA>", "WEBVTT", "00:00:01,000 --> 00:00:02,000",
        "00:01.000 --> 00:02.500", "<v Ana>hi", "Ana: hello", "[Ben] yes", "1", "", "0.5\t1.5\tAna",
        "NOTE x", ";; c", "\t100\t200", "-->", "SPKR-INFO f 1 <NA>",
    ])  # fmt: skip
    texty = st.one_of(
        st.text(max_size=400), st.lists(st.one_of(lines, st.text(max_size=40)), max_size=30).map("\n".join)
    )
    rates = st.sampled_from([8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000])
    subtypes = st.sampled_from(["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT"])
    audio = st.tuples(st.integers(1, 4000), st.integers(1, 2), st.integers(0, 2**32 - 1)).map(
        lambda t: np.random.default_rng(t[2]).uniform(-0.9, 0.9, size=(t[0], t[1]) if t[1] == 2 else t[0])
    )
    seed = seed_wav()
    return {
        "turns_text": (
            turns_text,
            st.fixed_dictionaries({"text": texty, "fmt": st.sampled_from([None, *FORMATS])}),
        ),
        "turns_roundtrip": (
            turns_roundtrip,
            st.fixed_dictionaries(
                {"segments": st.lists(seg, min_size=1, max_size=8), "fmt": st.sampled_from(FORMATS)}
            ),
        ),
        "audio_bytes": (
            audio_bytes,
            st.fixed_dictionaries(
                {
                    "data": st.binary(max_size=2048),
                    "suffix": st.sampled_from([".wav", ".flac", ".mp3", ".ogg"]),
                }
            ),
        ),
        "audio_roundtrip": (
            audio_roundtrip,
            st.fixed_dictionaries({"samples": audio, "samplerate": rates, "subtype": subtypes}),
        ),
        "mutated_wav": (
            lambda positions, values: mutated_wav(seed, positions, values),
            st.fixed_dictionaries(
                {
                    "positions": st.lists(st.integers(0, len(seed) - 1), max_size=8),
                    "values": st.lists(st.integers(0, 255), max_size=8),
                }
            ),
        ),  # fmt: skip
    }
