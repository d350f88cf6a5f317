"""The wav2vec2 input convention, shared by inference and training so both see the same numbers."""

from __future__ import annotations

import numpy as np

from ..core.errors import DualTalkError


def normalize_speech(x: np.ndarray) -> np.ndarray:
    """Zero mean, unit variance over the whole utterance (variance + 1e-7).

    Statistics are accumulated in float64 but the stream stays float32 (an hour of audio is
    230 MB per copy in float32).
    """
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if x.size == 0:
        return x
    mean = float(np.mean(x, dtype=np.float64))
    var = float(np.mean(np.square(x - np.float32(mean), dtype=np.float64)))
    if not (np.isfinite(mean) and np.isfinite(var)):
        raise DualTalkError("the audio contains NaN or Inf samples")
    return ((x - np.float32(mean)) * np.float32(1.0 / np.sqrt(var + 1e-7))).astype(np.float32, copy=False)
