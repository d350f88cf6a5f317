"""Where a whole take is keyed when the animator slid the take the characters play.

An editor slides a whole take in Blender (both characters' DualTalk strips in the NLA editor, with
its sound strip and turn markers). The next whole take, the panel's Generate or a re-run of
``animate``, is keyed where they slid it, not back at the scene's start, and its line says so
(review rv37a F5); strips slid unevenly or scaled are not followed, and a warning says why. One
rule for both: :func:`where_moved` decides, :meth:`MovedTo.said` words the result line's clause,
each caller naming its own way to start at the scene's start instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..rig.options import ApplyOptions


@dataclass
class MovedTo:
    """Where a whole take is keyed: ``options`` with the frame the animator moved the earlier take
    to (``start``), or as they were; ``warnings``: why a moved take could not be followed."""

    options: ApplyOptions
    start: int | None = None
    offset: int = 0
    warnings: tuple[str, ...] = ()

    def said(self, first: int, last: int, scene_start: int, instead: str = "Remove Take first") -> list[str]:
        """The line's clause: ``kept where the earlier take was moved: frames 13-62 (not the scene's
        start, 1: Remove Take first to start there)``, ``instead`` naming the caller's way to start
        there (``animate``: ``give --start-frame 1``); none where the take was not moved."""
        if self.start is None:
            return []
        return [
            f"kept where the earlier take was moved: frames {first}-{last} (not the scene's start, "
            f"{scene_start}: {instead} to start there)"
        ]


def where_moved(scene: Any, options: ApplyOptions, characters: tuple[Any, Any]) -> MovedTo:
    """A whole take keyed where the animator moved the take the characters play (its strips in the NLA
    editor, as an editor slides a take with its sound and markers), not back at the scene's start
    (review rv37a F5: the 12-frame edit was lost for both characters without a word). A start a
    script, ``--start-frame`` or Apply Saved Take gives (``options.start_frame``) is kept; strips
    moved unevenly are not followed, and said (:func:`.range_plan.moved_start`)."""
    from .range_plan import moved_start  # read when keying, not when the add-on loads

    if options.start_frame is not None:
        return MovedTo(options)
    moved = moved_start(characters)
    if moved is None:
        return MovedTo(options)
    if moved.start is None:
        return MovedTo(
            options,
            warnings=(
                f"{moved.why}: the new take starts at the scene's start, frame {int(scene.frame_start)} "
                "(move the DualTalk strips of both characters together to keep a take where they play)",
            ),
        )
    return MovedTo(options.replace(start_frame=moved.start), moved.start, moved.offset)
