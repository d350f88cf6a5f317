"""The lip passes that read each character's own voice after the network, in their order.

The lite network's mouth gets two corrections from the sound it was made from: the lip release
(:mod:`.release`: a closure held over an open-mouthed sound opens) and then the lip rounding
(:mod:`.rounding`: lips round where the second formant sits low). ``infer``/``animate``, the
demo evaluation and ``bench lite`` all call this one function, so what is measured is what
ships. Either amount at 0 skips its pass; FLAME motion passes through unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .release import DEFAULT_AMOUNT as DEFAULT_RELEASE
from .release import release_motion
from .rounding import DEFAULT_AMOUNT as DEFAULT_ROUNDING
from .rounding import round_motion


def shape_lips(
    motion: Any,
    audio: np.ndarray,
    release: float = DEFAULT_RELEASE,
    rounding: float = DEFAULT_ROUNDING,
    active: np.ndarray | None = None,
) -> Any:
    """``motion`` with the release and then the rounding applied against its character's ``audio``
    (``active``: that character's voice activity per frame, which the rounding reads alone)."""
    return round_motion(release_motion(motion, audio, release), audio, rounding, active)
