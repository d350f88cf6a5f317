"""The lip passes that read each character's own voice after the network, in their order.

The lite network's mouth gets three corrections from the sound it was made from: the lip release
(:mod:`.release`: a closure held over an open-mouthed sound opens), the lip rounding
(:mod:`.rounding`: lips round where the second formant sits low), and then the mouth at rest over
the character's sounds the intake does not count as speech (:mod:`.rest`: a cough, a click, a cup
set down; with its voice activity only). ``infer``/``animate``, the
demo evaluation and ``bench lite`` all call this one function, so what is measured is what
ships. Either amount at 0 skips its pass; FLAME motion passes through unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .release import DEFAULT_AMOUNT as DEFAULT_RELEASE
from .release import release_motion
from .rest import rest_motion
from .rounding import DEFAULT_AMOUNT as DEFAULT_ROUNDING
from .rounding import round_motion


def shape_lips(
    motion: Any,
    audio: np.ndarray,
    release: float = DEFAULT_RELEASE,
    rounding: float = DEFAULT_ROUNDING,
    active: np.ndarray | None = None,
    partner: np.ndarray | None = None,
) -> Any:
    """``motion`` with the release and then the rounding applied against its character's ``audio``, and
    its mouth at rest over that audio's sounds that are not speech (``active``: that character's voice
    activity per frame, which the rounding and the rest read; ``partner``: the other character's audio,
    whose bleed the rest then tells apart from this one's own sounds)."""
    shaped = round_motion(release_motion(motion, audio, release), audio, rounding, active)
    return rest_motion(shaped, audio, active, partner)
