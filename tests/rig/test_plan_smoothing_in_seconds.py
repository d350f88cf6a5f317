"""An animator keys another tool's 60 fps capture with ``--smoothing 2``, whose help says the sigma
is in 25-fps frames. Before, it was applied in the file's own frames: the 60 fps file's jaw rose
in 3 scene frames where the same motion at 25 fps rose in 6, smoothed 2.4x less than asked. Now
the sigma is seconds-true: the same motion is smoothed alike whatever rate its file is saved at
(review rv41b F3)."""

from __future__ import annotations

import numpy as np
from dualtalk.dualtalk_blender.rig import plan
from dualtalk.inference.core.channels import ARKIT55, SPACE_ARKIT
from dualtalk.inference.core.motion import Motion

JAW = ARKIT55.index("jawOpen")


def _step_keyed(fps: float, smoothing: float) -> np.ndarray:
    """jawOpen as keyed at 25 fps: the jaw steps 0 -> 1 at 2.0 s of a 4 s file saved at ``fps``."""
    t = np.arange(int(round(4.0 * fps))) / fps
    values = np.zeros((len(t), len(ARKIT55)), np.float32)
    values[:, JAW] = (t >= 2.0).astype(np.float32)
    out = plan.rig_values(
        Motion(SPACE_ARKIT, values, fps=fps), SPACE_ARKIT, flame_map=None, intensities={}, smoothing=smoothing,
        blinks="off", seed=0, has_blink_keys=True, character="Ann", fps=25.0, warnings=[],
    )  # fmt: skip
    return out[:, JAW]


def _steepest(jaw: np.ndarray) -> float:
    """The largest rise from one scene frame to the next."""
    return float(np.diff(jaw).max())


def test_the_same_step_is_smoothed_alike_at_25_30_and_60_fps():
    at25 = _steepest(_step_keyed(25.0, 2.0))
    assert 0.15 < at25 < 0.25  # sigma 2 frames: 10-90 % over 6 scene frames
    for fps in (30.0, 60.0):
        assert abs(_steepest(_step_keyed(fps, 2.0)) - at25) < 0.02, fps  # 60 fps rose 0.38 a frame before


def test_smoothing_off_keeps_the_step_sharp_at_any_rate():
    for fps in (25.0, 60.0):
        assert _steepest(_step_keyed(fps, 0.0)) > 0.6
