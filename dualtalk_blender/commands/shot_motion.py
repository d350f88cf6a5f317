"""``animate --motion-a/-b``: motion files given instead of the engine, checked before they are keyed.

A take's motion files record which recording and which part of it they were made from
(``meta["source"]``, read as ``inference/core/take_record.audio_record``) and which character they
are (``role``). :func:`load_given` reads both files and refuses two files of different takes (keyed
together, one character talks on alone and the scene range follows the longer) and weights no
ARKit motion holds (a file in percent); it warns when the files' roles are the other way round.
:func:`match_audio` places ``--audio`` as the take heard it: the take's own part of its own recording
(the same rule ``--range`` applies, ``scene/range_plan``), refused in one line when it is another
recording. Files that record nothing (made by other tools, or before takes recorded their source)
are keyed as before: there is nothing to check them against (their ``start_time`` places the sound),
and a sound more than 1 s longer or shorter is said (``shot_run.sound_length_said``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...inference.core.channels import ARKIT52, SPACE_ARKIT
from ...inference.core.errors import DualTalkError
from ...inference.core.take_record import audio_record, check_one_take
from .jobs import Shot

if TYPE_CHECKING:
    from ...inference.core.motion import Motion

# ARKit weights run 0-1 by definition and the engines make them so; --intensity (at most 5) scales
# them only when keying, so even a file exported from keys at full intensity stays within 5. Past
# 10 Blender clamps a shape key: such a file is in other units (percent, a x1000 export) and every
# key would come out at the clamp.
ARKIT_WEIGHT_LIMIT = 10.0


def motion_flags(job: bool) -> tuple[str, str]:
    """How the two files are named to the user: flags, or the job file's keys."""
    return ("motion_a", "motion_b") if job else ("--motion-a", "--motion-b")


def load_given(shot: Shot, job: bool, warnings: list[str]) -> tuple[Motion, Motion]:
    """The shot's two motion files, read and checked (see the module docstring); ``warnings``
    receives the roles-swapped warning."""
    assert shot.motion_a is not None and shot.motion_b is not None  # both or neither (jobs too)
    paths = (shot.motion_a, shot.motion_b)
    motions = (read_motion(paths[0]), read_motion(paths[1]))
    for path, motion in zip(paths, motions, strict=True):
        check_weights(path, motion)
    flags = motion_flags(job)
    _check_same_take(paths, motions, flags)
    warnings += _swapped_roles(paths, motions, flags, (shot.char_a, shot.char_b))
    return motions


def read_motion(path: Path) -> Motion:
    """A motion file to key, the engine's or one given: refused when it has no frames, said here,
    where the file is known (the keying knows none)."""
    from ...inference.core.motion import load_motion

    motion = load_motion(path)
    if motion.num_frames == 0:
        raise DualTalkError(f"{path.name}: the motion has no frames")
    return motion


def check_weights(path: Path, motion: Motion) -> None:
    """Refuse ARKit weights far outside 0-1 (:data:`ARKIT_WEIGHT_LIMIT`): keyed, every shape key
    would sit at Blender's clamp and the face explode, with no word. FLAME coefficients and head
    rotations have no such range (the ±1000 bound of every motion applies to them)."""
    blocks: list[tuple[np.ndarray, tuple[str, ...]]] = []
    if motion.space == SPACE_ARKIT:
        blocks.append((motion.values[:, : len(ARKIT52)], ARKIT52))
    if motion.overlay is not None and motion.overlay.size:  # the behaviour layer's ARKit weights
        blocks.append((motion.overlay, motion.overlay_channels))
    for values, names in blocks:
        peaks = np.abs(values).max(axis=0)
        worst = int(np.argmax(peaks))
        if peaks[worst] > ARKIT_WEIGHT_LIMIT:
            value = float(values[np.argmax(np.abs(values[:, worst])), worst])
            raise DualTalkError(
                f"{path.name}: its ARKit weights reach {value:g} ({names[worst]}); ARKit weights run 0-1, "
                f"and past ±{ARKIT_WEIGHT_LIMIT:g} Blender clamps every key: the file is in other units "
                "(percent?); scale it to 0-1 and key it again"
            )


def _shown(paths: tuple[Path, Path]) -> tuple[str, str]:
    """The two files' names, with their folders where the names alone are the same."""
    a, b = paths
    return (
        (a.name, b.name) if a.name != b.name else (f"{a.parent.name}/{a.name}", f"{b.parent.name}/{b.name}")
    )


def _check_same_take(
    paths: tuple[Path, Path], motions: tuple[Motion, Motion], flags: tuple[str, str]
) -> None:
    """Refuse two files whose recorded sources differ (another recording, or another part of it):
    they are two takes, not one (:func:`~...inference.core.take_record.check_one_take`)."""
    na, nb = _shown(paths)
    check_one_take(motions[0], motions[1], (na, nb), (f"{flags[0]} {na}", f"{flags[1]} {nb}"))


def _swapped_roles(
    paths: tuple[Path, Path], motions: tuple[Motion, Motion], flags: tuple[str, str], chars: tuple[str, str]
) -> list[str]:
    """A warning when the files say they are the take's characters the other way round (or both the
    same one). Not refused: casting character B's performance on A is a choice an animator makes
    (who plays whom); but a slip is likelier, and keyed silently it reads as a lip-sync fault."""
    roles = (motions[0].role, motions[1].role)
    if not all(r in ("A", "B") for r in roles) or roles == ("A", "B"):
        return []
    na, nb = _shown(paths)
    if roles[0] == roles[1]:
        said = f"both hold the take's character {roles[0]}"
    else:
        said = f"hold the take's characters {roles[0]} and {roles[1]}, the other way round"
    return [
        f"{flags[0]} {na} and {flags[1]} {nb} {said}: {chars[0]} plays {roles[0]}'s part and {chars[1]} "
        f"{roles[1]}'s (give {flags[0]} the take's A.npz and {flags[1]} its B.npz if that is not meant)"
    ]


def match_audio(
    shot: Shot, request: Any, motions: tuple[Motion, Motion], job: bool, warnings: list[str]
) -> Any:
    """``request`` reading ``--audio`` as the take heard it: the part of the recording the motion
    files record (their start, where the take's first frame sits, and end; B's file at its recorded
    shift), so the sound strip plays in step with the keys. Another recording (by contents and
    sound), or another part or shift given, is refused in one line naming both; ``warnings`` says when
    the given file is the take's recording re-encoded (other bytes, the same sound), or when the files
    record the recording's name but not its contents. Unchanged when the files record none."""
    from ..rig.plan import range_offset_b
    from ..scene.range_plan import check_take_recording, made_from, take_part

    record = audio_record(motions[0]) or audio_record(motions[1])
    if record is None:
        return request
    assert shot.motion_a is not None and shot.motion_b is not None
    flags = motion_flags(job)
    na, nb = _shown((shot.motion_a, shot.motion_b))
    need = f"{flags[0]} {na} and {flags[1]} {nb}"
    audio = "audio" if job else "--audio"
    try:
        # the speakers' order does not change the mix the strip plays: --swap is not asked for
        warnings += check_take_recording(record, (shot.req.audio, shot.req.audio_b), record["swap"], need)
    except DualTalkError as exc:
        raise DualTalkError(f"{exc}, or leave {audio} out to key the take without sound") from None
    start, end = take_part(record, shot.req.start, shot.req.end, need)
    offset = shot.req.offset_b
    if len(record["files"]) == 2:
        offset = range_offset_b(record, shot.req.offset_b, f"{need}: {made_from(record)}")
    return request.replace(start=start, end=end, offset_b=offset)
