"""Whether a take has the layers and curves a re-generated range writes, checked before any engine runs.

A range rewrites, in each of the take's layers, the curves the rig's map keys now
(:func:`.range_keys.replace_range`); a layer or curve the take lacks (a DualTalk track deleted to drop
the blinks, a rig changed since the take) is refused there, in :func:`.range_keys._range_parts`'s
words. That check needs only the curves' names, which the rig's report gives without motion: it is
run here on a frame of zeros, so the refusal comes before the worker (a minute of engine time, and a
take kept on disk that no fix could key: the fix is a new take, which the kept range is not for).
Only reads the scene.
"""

from __future__ import annotations

import numpy as np

from ..rig import plan
from . import companions, keying
from .characters import CharacterReport
from .range_keys import _range_parts  # the keying's own check, so both refuse in the same words


def planned_targets(report: CharacterReport, head: bool = True) -> list[keying.TargetCurves]:
    """The curves a take of ``report``'s rig writes (names and layers; the values are a frame of
    zeros), as :func:`.apply._key_targets` plans them, without its writes (slider ranges)."""
    from .apply import _rotation_target

    values = np.zeros((1, len(plan.rig_channels(report.space))), dtype=np.float64)
    targets: list[keying.TargetCurves] = []
    key = report.mesh.data.shape_keys
    tracks = plan.shape_key_tracks(values, report.space, report.keys, report.clip, report.flame_correctives)
    if key is not None and tracks:
        curves = [
            keying.CurveSpec(
                companions.key_value_path(t.name), 0, t.values, "DualTalk", layer=t.layer, tol=t.tol
            )
            for t in tracks
        ]
        targets.append(keying.TargetCurves(key, report.mesh.name, curves))
    rotations, _rests = _rotation_target(report, values, head)
    if rotations is not None:
        targets.append(rotations)
    return targets


def check_range_ready(reports: list[CharacterReport], head: bool = True) -> None:
    """Refuse, in one line, a range the take cannot hold: a layer or curve the keying would write
    is missing from the take on either character (``animate the whole take first``)."""
    for report in reports:
        for target in planned_targets(report, head):
            _range_parts(target)
