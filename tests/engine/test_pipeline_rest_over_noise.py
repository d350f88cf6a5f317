"""A take from two lavaliers: Tom listens, his mic hears Maya 25 dB down, and he coughs four times.

The lip pass that rests the mouth over sounds that are not speech tells Maya's bleed from Tom's cough
only when it is given her audio; ``infer``/``animate`` must give it, or Tom's jaw opens ~0.3 with
every cough in the take a user gets (review 30b F4, the last step).
"""

from __future__ import annotations

import numpy as np
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.core.request import Request

SR = 16000
TOTAL = 21.0
COUGHS = [4.0, 8.3, 12.6, 16.9]


def test_a_listeners_coughs_beside_the_partners_bleed_leave_his_jaw_at_rest(tmp_path, demo_clip, rng):
    maya = sf.read(demo_clip["wav1"], dtype="float32")[0][: int(TOTAL * SR)]
    n = int(0.15 * SR)
    cough = (rng.uniform(-0.5, 0.5, n) * np.hanning(n)).astype(np.float32)
    tom = np.float32(10 ** (-25 / 20)) * np.concatenate([np.zeros(48, np.float32), maya[:-48]])
    for t in COUGHS:
        tom[int(t * SR) : int(t * SR) + n] += cough
    sf.write(tmp_path / "maya.wav", maya, SR)
    sf.write(tmp_path / "tom.wav", tom, SR)
    request = Request(audio=str(tmp_path / "maya.wav"), audio_b=str(tmp_path / "tom.wav"), engine="lite")
    take = pipeline.run(request, tmp_path / "take")
    b = load_motion(take.path_b)
    jaw = b.values[:, list(b.channels).index("jawOpen")]
    # the cough, 2 frames each side
    near = [jaw[round(t * 25) - 2 : round((t + 0.15) * 25) + 3].max() for t in COUGHS]
    assert max(near) < 0.15, near
