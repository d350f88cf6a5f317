"""``animate --range``: re-generating part of a take, from the command line or a job file.

The glue between a shot and :mod:`..scene.range_plan`: :func:`range_window` sets the keying options
up for the range and returns the audio window the engine hears (the take's own recording and part;
other audio refused); :func:`mark_range` says in the work folder's motion files that they hold a
range, not a take, and :func:`range_file_start` keys such files only as that range, onto that
take. Kept apart from the shot's run so what a range changes reads in one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...inference.core.errors import DualTalkError
from .jobs import Shot

if TYPE_CHECKING:
    from ...inference.core.motion import Motion
    from ..scene.range_plan import RangePlan


def frame_range(shot: Shot) -> tuple[int, int]:
    """The shot's ``--range``, read where the shot is known to have one."""
    frame_range = shot.frame_range
    if frame_range is None:
        raise RuntimeError(f"shot {shot.name!r} has no frame range to re-generate")
    return frame_range


@contextlib.contextmanager
def excerpt_silence_unsaid(shot: Shot) -> Iterator[None]:
    """While a range runs, who is silent in the seconds heard around it is not said (the audio
    loader's :data:`~...inference.audio.dialogue.silence_log`): one character silent there is the
    usual case, and "speaker B's audio is silent" read as "B's channel is broken". The whole take's
    run says it, where it holds for the recording; the recording's other warnings stay."""
    if shot.frame_range is None:
        yield
        return
    from ...inference.audio.dialogue import silence_log

    def unsaid(_record: object) -> bool:
        return False

    silence_log.addFilter(unsaid)
    try:
        yield
    finally:
        silence_log.removeFilter(unsaid)


def range_window(
    shot: Shot, options: Any, obj_a: Any, obj_b: Any, scene: Any, warnings: list[str]
) -> tuple[float | None, float | None, float | None, RangePlan]:
    """Set ``options`` up to re-generate ``shot.frame_range`` of the take in the scene.

    Returns the audio window (seconds) the engine hears -- the range plus context and the
    cross-fade on each side, clipped to the take --, the shift B's file is read with (the take's
    ``--offset-b``; another one given is refused, ``rig/plan.range_offset_b``) and the plan; motion
    files given instead are whole takes or a re-generated range (:func:`range_file_start`).

    The window lies in the recording the take was made from, where the take records it
    (``plan.audio``): without ``--start/--end`` the take's own part is used; audio options that are
    not the take's are refused (``scene/range_plan.take_part``, ``check_take_recording``). A take keyed
    before takes recorded their audio is re-generated from the ``--start`` given, as before, with a
    warning in ``warnings``.
    """
    from ..rig.plan import range_offset_b
    from ..scene.apply import scene_fps
    from ..scene.range_plan import check_take_recording, made_from, plan_range, take_part, take_speaker

    first, last = frame_range(shot)
    plan = plan_range((obj_a, obj_b), scene_fps(scene), first, last, options.crossfade, scene=scene)
    _check_layers(options, obj_a, obj_b)
    options.replace_range = (plan.first, plan.last)  # the take's frames playing there (strips may be moved)
    options.markers = False
    options.frame_range = "keep"
    if shot.given is not None and "take" in shot.given and shot.options.take != plan.take:
        warnings.append(  # a range keys no new take: the name typed is not used, and that is said
            f"--take {shot.options.take!r} is not used: --range {first}-{last} re-generates frames of take "
            f"{plan.take!r}, the take {obj_a.name} and {obj_b.name} play (animate the whole take to key "
            f"take {shot.options.take!r})"
        )
    options.take = plan.take
    if shot.motion_a is not None:
        options.start_frame = (
            plan.take_start if shot.options.start_frame is None else shot.options.start_frame
        )
        return shot.req.start, shot.req.end, shot.req.offset_b, plan
    options.start_frame = plan.start_frame
    need = f"--range {first}-{last}"
    record = plan.audio
    offset = shot.req.offset_b
    if record is None:
        warnings.append(
            f"the take {plan.take!r} does not record which audio it was made from (keyed before takes "
            f"recorded it, or from motion files that do not say): {need} cannot check that --audio and "
            "--start/--end are the take's"
        )
        base = shot.req.start or 0.0
        end = base + plan.audio_end
        end = end if shot.req.end is None else min(end, shot.req.end)
    else:  # the take's own part; another part, recording or --swap is refused (scene/range_plan.py)
        base, take_end = take_part(record, shot.req.start, shot.req.end, need)
        end = min(base + plan.audio_end, take_end)
        offset = range_offset_b(record, shot.req.offset_b, f"{need}: {made_from(record)}")
    _check_range_audio(shot, first, last, base + plan.audio_start, end, offset)
    if record is not None:
        files = (shot.req.audio, shot.req.audio_b)
        warnings += check_take_recording(record, files, bool(shot.req.swap), need)
        speaker, said = take_speaker(record, shot.req.turns, shot.req.speaker_a, need)
        warnings += said
        take = _take_settings(shot, options, record, need, warnings)
        take.update(_take_lips(shot, record, need, warnings))
        if speaker != shot.req.speaker_a:  # the take's speaker label: A's and B's lips as in the take
            take["speaker_a"] = speaker
        for field, value in take.items():  # the request the engine runs the range with (shot_run)
            setattr(shot.req, field, value)
    _take_keying(options, (obj_a, obj_b), need, warnings, shot.given)
    return base + plan.audio_start, end, offset, plan


_KEYED_FLAGS = {
    "keys": "--keys",
    "intensities": "--intensity",
    "smoothing": "--smoothing",
    "head_turn": "--head-turn",
    "side_by_side": "--side-by-side",
}
_KEYED_NAMES = {
    "keys": "keys",
    "intensities": "intensity",
    "smoothing": "smoothing",
    "head_turn": "head_turn",
    "side_by_side": "side_by_side",
}


def _take_keying(
    options: Any, objs: tuple[Any, Any], need: str, warnings: list[str], named: frozenset[str] | None = None
) -> None:
    """The range is keyed with the take's keys, intensities, smoothing, head turn and side-by-side mode
    where the take records them (``scene/range_plan.take_keyed``: a take keyed from the panel); a flag given with
    another value is refused in one line naming the take's, one left out takes the take's. ``named``:
    the options the shot was given (``Shot.given``: typed at their default too); None: those whose
    value is not the default."""
    from ..rig.options import AUTO, ApplyOptions
    from ..scene.range_plan import keyed_differs, take_keyed

    take = take_keyed(objs)
    if take is None:
        return
    if options.side_by_side == AUTO:  # --side-by-side left out or auto: the take's, nothing to say
        options.side_by_side = take["side_by_side"]
    default = ApplyOptions()
    for field in keyed_differs(options, take):
        given = getattr(options, field)
        typed = (_KEYED_NAMES[field] in named) if named is not None else given != getattr(default, field)
        if typed:
            flag = _KEYED_FLAGS[field]
            raise DualTalkError(
                f"{need}: the take was keyed with {flag} {_shown(take[field])}, not {_shown(given)}; leave "
                f"{flag} out (a range re-uses the take's settings) or animate the whole take again"
            )
    used = [f for f in keyed_differs(options, take)]
    for field in used:
        value = take[field]
        setattr(options, field, dict(value) if isinstance(value, dict) else value)
    if used:
        said = ", ".join(f"{_KEYED_FLAGS[f]} {_shown(take[f])}" for f in used)
        warnings.append(f"{need} is keyed with the take's own settings: {said}")


def _shown(value: Any) -> str:
    """A keying setting as its flag takes it: ``reduced``, ``0.5``, ``mouth=1.5 head=0.5``."""
    if isinstance(value, dict):
        return " ".join(f"{k}={float(v):g}" for k, v in sorted(value.items())) or "(none)"
    return value if isinstance(value, str) else f"{float(value):g}"


def _take_settings(
    shot: Shot, options: Any, record: dict[str, Any], need: str, warnings: list[str]
) -> dict[str, Any]:
    """The range is made with the take's behaviour settings (its record's ``settings``): returns
    those the flags leave out, to run the engine with (:func:`_the_takes`). A take that does not
    record them keeps the flags given, as before, and says so."""
    from ..scene.range_plan import (
        NO_SETTINGS,
        SETTING_WORDS,
        differing_settings,
        keyed_as_take,
        shown_setting,
        take_settings,
    )

    take = take_settings(record)
    if take is None:
        warnings.append(f"the take {options.take!r} {NO_SETTINGS}: {need} uses the behaviour flags given")
        return {}
    values = _the_takes(
        shot, take, SETTING_WORDS, differing_settings, shown_setting, need, warnings, "settings"
    )
    keyed_as_take(options, take)
    return values


def _take_lips(shot: Shot, record: dict[str, Any], need: str, warnings: list[str]) -> dict[str, Any]:
    """The range's lips are drawn with the take's lip release and rounding (its record's ``lips``;
    a range drawn otherwise would show a seam at its cross-fades): returns those the flags leave out
    (:func:`_the_takes`). A take that does not record them keeps the flags given, as before."""
    from ..scene.range_plan import LIP_WORDS, differing_lips, take_lips

    take = take_lips(record)
    if take is None:
        return {}
    return _the_takes(
        shot, take, LIP_WORDS, differing_lips, lambda _f, v: f"{float(v):g}", need, warnings, "lips"
    )


def _the_takes(
    shot: Shot,
    take: Mapping[str, Any],
    words: Mapping[str, tuple[str, str]],
    differing: Callable[[Mapping[str, Any], Mapping[str, Any]], list[str]],
    shown: Callable[[str, Any], str],
    need: str,
    warnings: list[str],
    what: str,
) -> dict[str, Any]:
    """The take's values (``take``) of the request fields ``words`` names (field -> its flag, its
    panel name): a flag given with another value than the take's is refused in one line naming the
    take's; those left out are returned, to run the engine with, and said in ``warnings`` (the take's
    own ``what``). A flag typed on the command line or named in the job file is given, at its default
    value too (``--behaviour-seed 0`` on a seed-99 take is refused); for a shot that does not say
    which it was given (made in Python), one whose value is not its default."""
    from ...inference.core.request import OPTIONS

    defaults = {o.name: o.default for o in OPTIONS}
    now = {f: getattr(shot.req, f) for f in words}
    named = shot.given
    given = {f: v for f, v in now.items() if (f in named if named is not None else v != defaults[f])}
    for field in differing(given, take):
        flag = words[field][0]
        raise DualTalkError(
            f"{need}: the take was made with {flag} {shown(field, take[field])}, not "
            f"{shown(field, given[field])}; leave {flag} out (a range re-uses the take's settings) "
            "or animate the whole take again"
        )
    unset = differing(now, take)
    if unset:
        said = ", ".join(f"{words[f][0]} {shown(f, take[f])}" for f in unset)
        warnings.append(f"{need} re-generates with the take's own {what}: {said}")
    return {f: take[f] for f in unset}


def _check_layers(options: Any, obj_a: Any, obj_b: Any) -> None:
    """A layer or curve the range would write that the take lacks: refused before the engine runs
    (``scene/range_ready.check_range_ready``), not after it."""
    from ..scene.apply import check_character, role_options
    from ..scene.range_ready import check_range_ready

    own = role_options(options)
    check_range_ready([check_character(obj_a, own["A"]), check_character(obj_b, own["B"])], options.head)


def _check_range_audio(
    shot: Shot, first: int, last: int, start: float, end: float, offset_b: float | None = None
) -> None:
    """A range re-runs the engine on the recording around it: say so when the recording given does
    not reach that far (another, shorter file than the take's, or a cut-off copy); B's file at its
    own seconds when it was read shifted (``--offset-b``)."""
    from ..rig.plan import check_range_reaches

    paths = (shot.req.audio, shot.req.audio_b)
    check_range_reaches(paths, start, end, offset_b, f"--range {first}-{last}")


def range_file_start(shot: Shot, plan: RangePlan | None, files: list[tuple[Path, Motion]]) -> int | None:
    """Where motion files given with ``--motion-a/-b`` start when they are a re-generated range
    (``meta["range"]``, written by ``animate --range`` into its work folder): those cover only the
    range plus its context, so they are keyed only with the same ``--range`` onto the take they
    were made for (else refused in one line); None for whole takes."""
    marks = [(path, motion.meta.get("range")) for path, motion in files]
    ranges = [(path, mark) for path, mark in marks if isinstance(mark, dict)]
    if not ranges:
        return None
    path, mark = ranges[0]
    try:
        first, last = int(mark["first"]), int(mark["last"])
        frames = (int(mark["frames"][0]), int(mark["frames"][1]))
        start, take_start = int(mark["start_frame"]), int(mark["take_start"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise DualTalkError(f"{path.name} says it is a re-generated range but not which frames") from None
    what = (
        f"{path.name} is a re-generated range (frames {first}-{last} of take {str(mark.get('take', ''))!r})"
    )
    if len(ranges) < len(marks):
        whole = next(p for p, m in marks if not isinstance(m, dict))
        raise DualTalkError(f"{what} but {whole.name} is a whole take; give both files of one run")
    if any(m != mark for _p, m in ranges[1:]):
        raise DualTalkError(f"{what} but {ranges[1][0].name} is another range; give both files of one run")
    if plan is None:
        raise DualTalkError(f"{what}; key it with --range {first}-{last}, or give a whole take")
    if (plan.first, plan.last) != frames:
        here = f"{frames[0] + plan.offset}-{frames[1] + plan.offset}"  # where those frames play now
        asked = "-".join(str(f) for f in frame_range(shot))
        raise DualTalkError(
            f"{what}, not of frames {asked}; key it with --range {here}, or give a whole take"
        )
    made_for, here_id = str(mark.get("take_id", "")), plan.take_id
    if made_for and here_id and made_for != here_id:
        raise DualTalkError(
            f"{path.name} is a re-generated range of another take {str(mark.get('take', ''))!r} than the one "
            f"in {shot.blend.name} (a take made over the same frames); re-generate frames {first}-{last} "
            "on this take"
        )
    start_frame = shot.options.start_frame  # the take moved to another start frame: the range with it
    return start + (0 if start_frame is None else int(start_frame) - take_start)


def mark_range(motions: list[tuple[Path, Motion]], plan: RangePlan, shot: Shot) -> None:
    """Say in the work folder's motion files that they are a re-generated range, not a take (they
    cover the range and its context): ``--motion-a/-b`` then keys them only with this range, onto
    this take (:func:`range_file_start`)."""
    from ...inference.core.motion import save_motion

    first, last = frame_range(shot)
    mark = {
        "take": plan.take,
        "take_id": plan.take_id,
        "first": first,  # the timeline's frames, as --range named them
        "last": last,
        "frames": [plan.first, plan.last],  # the take's (its strips may be moved on the timeline)
        "start_frame": plan.start_frame,  # where the file's first frame lands
        "take_start": plan.take_start,
    }
    for path, motion in motions:
        motion.meta["range"] = mark
        save_motion(path, motion)
