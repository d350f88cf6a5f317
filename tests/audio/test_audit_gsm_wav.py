"""Old voicemail and telephone recordings: WAV files holding GSM 6.10, which libsndfile decodes but cannot seek."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue

pytestmark = pytest.mark.skipif(
    "GSM610" not in sf.available_subtypes("WAV"), reason="this libsndfile writes no GSM 6.10 WAV"
)


def _voice(seconds: float, freq: float, talks: slice) -> np.ndarray:
    """8 kHz mono: a modulated tone inside ``talks`` (seconds), silence elsewhere."""
    t = np.arange(int(seconds * 8000)) / 8000
    x = 0.3 * np.sin(2 * np.pi * freq * t) * (1 + np.sin(2 * np.pi * 4 * t))
    x[(t < talks.start) | (t >= talks.stop)] = 0.0
    return x.astype(np.float32)


def test_one_gsm_wav_per_speaker_is_read_whole_and_in_part(tmp_path):
    """A phone call saved as one GSM 6.10 WAV per side. Before, both were refused with libsndfile's
    "could not decode audio (Seek attempted on unseekable file type.)", though each decodes fine
    from its start."""
    a, b = tmp_path / "caller.wav", tmp_path / "callee.wav"
    sf.write(a, _voice(4.0, 220.0, slice(0.0, 2.0)), 8000, subtype="GSM610")
    sf.write(b, _voice(4.0, 150.0, slice(2.0, 4.0)), 8000, subtype="GSM610")
    d = load_dialogue(a, b)
    assert d.duration == pytest.approx(4.0, abs=0.05)
    assert d.active_a[:40].mean() > 0.5 and d.active_b[-40:].mean() > 0.5 and not d.active_b[:40].any()
    part = load_dialogue(a, b, start=1.0, end=3.0)  # a part is decoded forward from the start, not seeked
    assert part.duration == pytest.approx(2.0)
    i = int(1.0 * SAMPLE_RATE)
    np.testing.assert_allclose(part.a, d.a[i : i + len(part.a)], atol=1e-3)
