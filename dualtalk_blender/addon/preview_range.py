"""Re-generate Preview Range from the panel: the plan a range is made on, and a kept range
keyed only onto the take it was made for.

:func:`plan_panel_range` plans timeline frames on the panel's characters
(:func:`..scene.range_plan.plan_range`) and keeps what it was made for; :func:`range_options` sets
the keying to replace only those frames; :func:`kept_range` re-plans a range kept on disk and
refuses it when the take changed since. Refusals use the panel's words (:data:`PANEL_OFFSET`,
``scene/range_plan.PANEL_WORDS``), as ``animate --range`` uses its flags.
"""

from __future__ import annotations

from typing import Any

from ...inference.core.errors import DualTalkError
from ..rig.options import ApplyOptions
from ..rig.plan import OffsetWords
from . import panel_options
from .panel_settings import check_characters

# How Re-generate Preview Range names the shift a take was made with: the panel's field (in seconds)
_FIELD = next(o for o in panel_options.ENGINE_SIDE if o.name == "offset_b").title
PANEL_OFFSET = OffsetWords(
    name=_FIELD,
    unit=" s",
    given="{name} is {value}{unit}",
    fix="set {name} to {value}{unit}",
    own=" (or to 0: the take's own)",
)


def check_recording_reaches(audio: dict[str, Any], need: str) -> None:
    """Name the selection, before the worker starts, when the recording does not reach its window
    (a shorter file, a cut-off copy). Reading audio needs ``soundfile``, which Blender's own Python
    usually lacks (the worker's has it): there the worker refuses the window with the loader's words."""
    try:
        import soundfile  # noqa: F401
    except ImportError:
        return
    from ..rig.plan import check_range_reaches

    paths = (audio.get("audio"), audio.get("audio_b"))
    check_range_reaches(paths, audio["start"], audio["end"], audio.get("offset_b"), need)


def plan_panel_range(
    scene: Any, settings: Any, first: int, last: int, crossfade: int
) -> tuple[Any, dict[str, Any]]:
    """Plan re-generating timeline frames ``first..last`` on the panel's characters (``plan_range``):
    the plan, and what it was made for (take, frames, fps, cross-fade) as JSON-ready values."""
    import dataclasses

    from ..scene.apply import scene_fps
    from ..scene.range_plan import plan_range

    a, b = check_characters(settings)
    fps = scene_fps(scene)
    plan = plan_range((a, b), fps, first, last, crossfade, scene=scene)
    return plan, {**dataclasses.asdict(plan), "fps": float(fps), "crossfade": int(crossfade)}


def range_options(opts: ApplyOptions, plan: dict[str, Any]) -> None:
    """Set ``opts`` to key only the planned range into the take already there."""
    # frames of the take's actions: the same as the timeline's unless its strips were moved
    opts.replace_range, opts.start_frame = (plan["first"], plan["last"]), plan["start_frame"]
    opts.take, opts.crossfade = plan["take"], plan["crossfade"]
    opts.markers, opts.frame_range = False, "keep"


_LATER_PLAN_FIELDS = ("take_id", "audio")  # RangePlan fields added after ranges were first kept


def _same_plan(plan: dict[str, Any], stored: Any) -> bool:
    """Whether a range re-planned now is the one kept; a range kept before the plan held a field
    (the take's id, its audio) is compared without it."""
    if not isinstance(stored, dict):
        return False
    return {k: v for k, v in plan.items() if k in stored or k not in _LATER_PLAN_FIELDS} == stored


def kept_range(
    scene: Any, settings: Any, result: dict[str, Any], options: ApplyOptions
) -> tuple[int, int] | None:
    """A kept re-generated range (``result["frame_range"]``): re-plan it on the characters now and
    set ``options`` to key only it, when the plan is the one it was made for; else refuse. None for
    a whole take."""
    stored, kept = result.get("range_plan"), result.get("frame_range")
    if stored is None and kept is None:
        return None
    try:
        first, last = (int(f) for f in kept)  # type: ignore[union-attr]  # checked below
        _plan, plan = plan_panel_range(scene, settings, first, last, int(stored["crossfade"]))  # type: ignore[index]
        same = _same_plan(plan, stored)
    except DualTalkError:
        same = False
    except (TypeError, ValueError, KeyError):
        raise DualTalkError("this kept range does not say which frames of which take it redoes") from None
    if not same:
        raise DualTalkError(
            f"the take changed since this range was made; select frames {first}-{last} "
            "and press Re-generate Preview Range again"
        )
    range_options(options, plan)
    return first, last


def range_take_gone(characters: tuple[Any, Any], plan: dict[str, Any]) -> str:
    """Why the take a range was planned on (``plan``, :func:`plan_panel_range`'s record) no longer
    plays on ``characters``: "removed" (an undo past its Generate, Remove Take), "replaced" (another
    take keyed over it, by its ids), "" while it is still there. A range re-done for a take that is
    gone can never be keyed: nothing is kept for it."""
    from ..scene.layers import take_meta

    metas = [take_meta(obj) for obj in characters]
    if any(m is None for m in metas):
        return "removed"
    planned = plan.get("take_id") or ""
    now = ",".join(str(m.get("take_id", "")) for m in metas if m is not None)
    return "replaced" if planned and now != planned else ""
