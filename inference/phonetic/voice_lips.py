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

import dataclasses
from typing import Any

import numpy as np

from ..audio.sync import duck_bleed
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
    partner_active: np.ndarray | None = None,
) -> Any:
    """``motion`` with the release and then the rounding applied against its character's ``audio``, and
    its mouth at rest over that audio's sounds that are not speech (``active``: that character's voice
    activity per frame, which the rounding and the rest read; ``partner``: the other character's audio,
    whose bleed the rest then tells apart from this one's own sounds).

    ``partner_active`` (the other character's voice activity), given where the network heard this
    mic ducked where only the partner speaks (:func:`..generate.hears_ducked`: two separate streams,
    the lite engine): on those frames the release reads the voice ducked the same way
    (:func:`..audio.sync.duck_bleed`), so it does not open closures over the partner's bleed; every
    other frame is released as before. The rounding only touches this character's voiced frames and
    the rest only pulls the mouth shut, so both read the sound as recorded (the rest needs it to find
    a cough under the partner's bleed)."""
    released = release_motion(motion, audio, release)
    if partner_active is not None and active is not None:
        released = _quiet_where_ducked(released, motion, audio, release, active, partner_active)
    shaped = round_motion(released, audio, rounding, active)
    return rest_motion(shaped, audio, active, partner)


def _quiet_where_ducked(
    released: Any,
    motion: Any,
    audio: np.ndarray,
    release: float,
    active: np.ndarray,
    partner_active: np.ndarray,
) -> Any:
    """``released`` with the frames where only the partner speaks released against the voice ducked
    there as the network heard it (elsewhere the release as it was: this character's frames keep it)."""
    n = released.num_frames
    own, other = np.zeros(n, bool), np.zeros(n, bool)
    for flags, given in ((own, active), (other, partner_active)):
        given = np.asarray(given, bool).reshape(-1)[:n]
        flags[: len(given)] = given
    ducked = other & ~own
    if released.space != "arkit55" or not ducked.any():
        return released
    heard = duck_bleed(np.asarray(audio, np.float32).reshape(-1), own, other)
    quiet = release_motion(motion, heard, release)
    values = np.where(ducked[:, None], quiet.values, released.values).astype(released.values.dtype)
    return dataclasses.replace(released, values=values)
