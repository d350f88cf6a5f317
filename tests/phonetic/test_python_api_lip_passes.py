"""A researcher compares takes made with the lip passes off and on: each motion file says which
amounts made it, 0 included, as docs/engine.md promises ("recorded in each motion file's
meta["lip_release"]"), so a take with the pass off is told apart from one made before the pass
existed, and the value has one shape (a float) whatever the amount.
"""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
from dualtalk.inference import pipeline
from dualtalk.inference.core.motion import Motion, load_motion
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic.voice_lips import shape_lips


def test_a_take_with_both_passes_off_records_the_zeros(tmp_path):
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    request = Request(audio=str(wav), engine="lite", rounds=1)
    off = pipeline.run(request.replace(lip_release=0, lip_rounding=0.0), tmp_path / "off")
    pipeline.run(request, tmp_path / "on")
    for who in ("A", "B"):
        meta_off = load_motion(tmp_path / "off" / f"{who}.npz").meta
        meta_on = load_motion(tmp_path / "on" / f"{who}.npz").meta
        assert (meta_off["lip_release"], meta_off["lip_rounding"]) == (0.0, 0.0)
        assert (meta_on["lip_release"], meta_on["lip_rounding"]) == (0.75, 0.5)
        assert all(type(m[k]) is float for m in (meta_off, meta_on) for k in ("lip_release", "lip_rounding"))
    assert off.motion_a.meta["lip_release"] == 0.0


def test_amounts_of_0_leave_the_values_and_flame_motion_stays_untouched():
    rng = np.random.default_rng(3)
    motion = Motion("arkit55", rng.uniform(0, 0.5, (40, 55)).astype(np.float32), engine="lite")
    audio = (0.1 * rng.standard_normal(40 * 640)).astype(np.float32)
    out = shape_lips(motion, audio, 0.0, 0.0)
    np.testing.assert_array_equal(out.values, motion.values)
    assert out.meta == {"lip_release": 0.0, "lip_rounding": 0.0} and motion.meta == {}
    flame = Motion("flame56", np.zeros((40, 56), np.float32), engine="dualtalk")
    assert shape_lips(flame, audio, 0.0, 0.0) is flame  # the passes are the lite engine's: nothing to record
