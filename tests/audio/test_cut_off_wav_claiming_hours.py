"""A recorder that died hours into a session, or a copy of its file cut off, leaves a WAV whose header
claims hours while its bytes hold seconds. A claim over the 4 h a take may last was not believed at
all, so the file read as whole and was animated without a word, while a 3 h claim got the cut-off
warning (review rv43c F4). Now the warning says where the audio stops against the header's claim;
the claim still is not taken as the take's length (that would refuse the file as too long)."""

from __future__ import annotations

import logging
import struct

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import load_dialogue

SR = 16000


def _claiming(path, seconds_there: float, hours_claimed: float, size: int | None = None) -> None:
    """A stereo 16-bit WAV whose header promises ``hours_claimed`` (or a data ``size`` in bytes) but
    holds ``seconds_there``."""
    t = np.arange(int(seconds_there * SR)) / SR
    a = np.where(
        t < seconds_there / 2, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0
    )
    b = np.where(
        t >= seconds_there / 2, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0
    )
    body = (np.stack([a, b], 1) * 32767).astype("<i2").tobytes()
    n = int(hours_claimed * 3600 * SR) * 4 if size is None else size
    fmt = struct.pack("<IHHIIHH", 16, 1, 2, SR, SR * 4, 4, 16)
    path.write_bytes(
        b"RIFF" + struct.pack("<I", 36 + n) + b"WAVEfmt " + fmt + b"data" + struct.pack("<I", n) + body
    )


def test_a_cut_off_session_whose_header_claims_five_hours_is_animated_with_the_cut_off_warning(
    tmp_path, caplog
):
    session = tmp_path / "session5h_cut.wav"
    _claiming(session, 4.0, 5)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(session)
        said = [r.getMessage() for r in caplog.records if "stops at" in r.getMessage()]
        caplog.clear()
        part = load_dialogue(session, start=1.0, end=3.0)  # a part inside what is there: nothing to say
        inside = [r.getMessage() for r in caplog.records if "stops at" in r.getMessage()]
    assert said == [
        "session5h_cut.wav: its audio stops at 4.00 s although its header says 18000.00 s (a cut-off or "
        "damaged file; re-export or copy it again); animating the 4.00 s that are there"
    ]
    assert d.duration == pytest.approx(4.0) and d.source["end"] == pytest.approx(
        4.0
    )  # the take: what is there
    assert part.duration == pytest.approx(2.0) and inside == []
    assert sf.info(str(session)).frames == 4 * SR  # libsndfile alone reads it as a whole 4 s file


def test_a_ten_hour_claim_is_said_but_a_streaming_writers_unknown_length_is_not(tmp_path, caplog):
    """10 h of 16 kHz stereo is a 32-bit size over 2 GB, where a streaming writer's "length unknown"
    also lies (sox writes 0x7FFFF000, ffmpeg 0xFFFFFFFF): the claim is said, the placeholder is not."""
    claim, piped = tmp_path / "claims10h.wav", tmp_path / "sox_piped.wav"
    _claiming(claim, 3.0, 10)
    _claiming(piped, 3.0, 0, size=0x7FFFF000)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(claim)
        e = load_dialogue(piped)
    said = [r.getMessage() for r in caplog.records if "stops at" in r.getMessage()]
    assert said == [
        "claims10h.wav: its audio stops at 3.00 s although its header says 36000.00 s (a cut-off or "
        "damaged file; re-export or copy it again); animating the 3.00 s that are there"
    ]
    assert d.duration == e.duration == pytest.approx(3.0)
