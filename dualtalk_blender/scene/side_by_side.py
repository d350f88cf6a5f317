"""``side_by_side="auto"`` made a mode once the characters are known: the mode their playing take was
keyed with, so an upgraded file's next take turns a pair side by side as its older takes did.

Keys the animator sets on a head over a take (a Combine action) hold the pose relative to that take;
a new take that glances where the old one turned fully would lean those keys 55-76 degrees (review
rv43f F1). A take recorded before the setting existed turned fully (``records.keyed_record``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..rig.gaze import GLANCE, TURN
from ..rig.options import AUTO


def take_mode(objs: Iterable[Any]) -> tuple[str | None, bool]:
    """The side-by-side mode the characters' playing take was keyed with, or None (no take, or
    characters playing takes keyed differently); and whether that take is older than the setting
    (it records none, or no keying at all: it turned fully)."""
    from . import records
    from .layers import take_action
    from .range_plan import KEYED_PROP, take_keyed

    objs = list(objs)
    actions = [take_action(obj) for obj in objs]
    take = take_keyed(objs)
    if take is not None:
        raw = [records.parse(a[KEYED_PROP]) for a in actions if a is not None]
        older = any(isinstance(r, dict) and "side_by_side" not in r for r in raw)
        return str(take["side_by_side"]), older
    if any(a is not None and KEYED_PROP not in a.keys() for a in actions):
        return TURN, True  # an older DualTalk's take, which always turned fully
    return None, False


def resolved(options: Any, objs: Iterable[Any]) -> tuple[Any, str]:
    """``options`` with an ``auto`` side-by-side mode made the playing take's (else glance); other
    modes, typed by the caller, are kept. A copy where it changes, so the caller's stays ``auto``.
    Also the take's line's note where an older take's full turn was kept, else ""."""
    if options.side_by_side != AUTO:
        return options, ""
    objs = list(objs)
    mode, older = take_mode(objs)
    said = ""
    if mode == TURN and older:
        take = _take_name(objs)
        said = (
            f"Side by side: Turn, as take {take!r} (keyed before the setting) turned the heads fully, so head "
            f"keys made over it stay as they were; --side-by-side {GLANCE} glances"
        )
    return options.replace(side_by_side=mode or GLANCE), said


def _take_name(objs: list[Any]) -> str:
    """The name of the take the first of ``objs`` that plays one plays."""
    from .layers import take_meta

    for obj in objs:
        meta = take_meta(obj)
        if meta and meta.get("take"):
            return str(meta["take"])
    return "?"
