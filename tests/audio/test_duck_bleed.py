"""Two lavaliers in one room: each mic hears the partner 20-30 dB down. Where only the partner speaks, the
network hears this character's mic turned down (never silenced, without clicks); the take's sound and the
character's own speech keep their level."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.audio.sync import BLEED_DUCK_DB, BLEED_FADE_S, duck_bleed

SR, FPS, HOP = 16000, 25, 640


def _flags(frames: int, *spans: tuple[int, int]) -> np.ndarray:
    out = np.zeros(frames, bool)
    for a, b in spans:
        out[a:b] = True
    return out


def _level_db(x: np.ndarray, frame: int) -> float:
    seg = x[frame * HOP : (frame + 1) * HOP].astype(np.float64)
    return 10 * np.log10(np.mean(seg**2))


def test_the_listeners_mic_is_turned_down_only_where_the_partner_alone_speaks():
    rng = np.random.default_rng(0)
    frames = 100
    mic = (0.1 * rng.standard_normal(frames * HOP)).astype(np.float32)  # speech, then the partner's bleed
    kept = mic.copy()
    own = _flags(frames, (0, 30), (70, 80))  # A speaks, then speaks again
    partner = _flags(frames, (25, 75))  # B talks across both edges
    heard = duck_bleed(mic, own, partner)

    assert np.array_equal(mic, kept)  # the take's own sound is left as recorded
    assert heard.dtype == mic.dtype and heard.shape == mic.shape
    for f in (*range(0, 30), *range(70, 100)):  # A's own frames and the silence after: untouched
        assert np.array_equal(heard[f * HOP : (f + 1) * HOP], mic[f * HOP : (f + 1) * HOP])
    for f in range(32, 68):  # only B speaks: about 20 dB down, not silent
        drop = _level_db(mic, f) - _level_db(heard, f)
        assert abs(drop - BLEED_DUCK_DB) < 0.5, (f, drop)


def test_the_duck_fades_smoothly_inside_the_stretch():
    frames = 50
    ones = np.ones(frames * HOP, np.float32)
    gain = duck_bleed(ones, _flags(frames, (0, 10), (40, 50)), _flags(frames, (0, 50)))
    fade = int(BLEED_FADE_S * SR)
    edge = 10 * HOP
    assert gain[edge - 1] == 1.0 and gain[edge] > 0.99  # the speaker's last frame keeps its level
    ramp = gain[edge : edge + fade]
    assert np.all(np.diff(ramp) <= 0) and ramp[-1] < 0.11  # down over 50 ms, no step
    assert np.abs(np.diff(gain)).max() < 1.6 / fade  # a raised cosine: at most pi/2 x the linear slope
    floor = 10 ** (-BLEED_DUCK_DB / 20)
    assert np.allclose(gain[edge + fade : 40 * HOP - fade], floor, atol=1e-6)
    assert gain[40 * HOP - 1] > 0.99 and gain[40 * HOP] == 1.0  # back up before the speaker's next turn


def test_nothing_to_duck_gives_the_stream_itself():
    x = np.ones(20 * HOP, np.float32)
    assert duck_bleed(x, _flags(20, (0, 20)), _flags(20, (0, 20))) is x  # both speak: an overlap
    assert duck_bleed(x, _flags(20), _flags(20)) is x  # nobody speaks
