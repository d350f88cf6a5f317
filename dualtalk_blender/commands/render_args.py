"""What ``--render`` and ``--resolution`` accept, read alike from the command line and a job file.

A render size is ``WIDTHxHEIGHT`` on the command line; a job file takes that text too or
``[width, height]`` (a TD copies a working command line into a job file, review rv35b F5).

A render output is a video when its name ends in a video extension Blender writes (``.mp4``,
``.mkv``, ``.mov``: ``scene/render.VIDEO_SUFFIXES``) and a folder of frames otherwise. A name with
another extension (``shot.gif``, ``shot.avi``, ``shot.mp4 ``) was taken for a folder: a full frame
render started without a word into a folder named ``shot.gif`` (review rv35b F3). Such a name is
refused in one line before any work, unless it is written ending in ``/`` or is there already (a
folder named ``take.v2`` is still a folder of frames; an existing file is refused by the output
checks as before: ``is a file, not a folder``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...inference.core.errors import DualTalkError

_SIZE = re.compile(r"\s*([0-9]+)\s*[xX\u00d7]\s*([0-9]+)\s*")  # 1920x1080, 1920 × 1080 as typed


def resolution_from_text(text: str) -> tuple[int, int] | None:
    """``"320x180"`` as ``(320, 180)``; None when the text is not ``WIDTHxHEIGHT`` (the bounds are
    :func:`~..rig.options.check_render`'s)."""
    found = _SIZE.fullmatch(text)
    if found is None:
        return None
    try:  # any length: a size of 400 digits is refused by its bounds, shown cut
        return int(found.group(1)), int(found.group(2))
    except ValueError:  # past Python's 4300 digits for an int read from text
        return None


def resolution_from_json(value: object) -> tuple[int, int] | None:
    """A job file's ``resolution``: ``"WIDTHxHEIGHT"`` as the flag takes it, or ``[width, height]``
    (two integers); None for anything else."""
    if isinstance(value, str):
        return resolution_from_text(value)
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in value)
    ):
        return (value[0], value[1])
    return None


def _ends_in_separator(text: str) -> bool:
    return text.endswith(("/", os.sep)) or (os.altsep is not None and text.endswith(os.altsep))


def check_render_target(text: str, path: Path, label: str) -> None:
    """Refuse a render output ``text`` (``path`` once resolved) whose name has an extension that is
    not a video one, unless it is meant as a folder (written ending in ``/``) or is there already."""
    from ..scene.render import VIDEO_SUFFIXES

    suffix = Path(text).suffix
    if suffix.lower() in VIDEO_SUFFIXES and _ends_in_separator(text):  # which one: a video or a folder?
        raise DualTalkError(
            f"{label} {text}: ends in '/' (a folder of frames) but is named as a {suffix} video; drop the "
            "'/' for a video, or the extension for a folder of frames"
        )
    if not suffix or suffix.lower() in VIDEO_SUFFIXES or _ends_in_separator(text):
        return
    if os.path.lexists(path):  # a folder already, or a file the output checks refuse ("not a folder")
        return
    videos = ", ".join(VIDEO_SUFFIXES)
    raise DualTalkError(
        f"{label} {text}: {suffix!r} is not a video format DualTalk writes ({videos}); for a folder of "
        "frames give a name without an extension (or end it with '/')"
    )


# how many views a scene's picture holds across and down (scene/render.stereo_layout): one, two side
# by side, two one above the other; which one is known only once the scene is open
_LAYOUTS = ((1, 1), (2, 1), (1, 2))


def check_video_resolution(
    output: Path | None,
    resolution: tuple[int, int] | None,
    label: str,
    *,
    job: bool = False,
    views: tuple[int, int] | None = None,
) -> None:
    """Refuse ``--resolution`` (a job's ``resolution``, ``label``) at a size the video ``output`` cannot
    be encoded at (odd, or under Blender's 16 pixels), before any work: the encoder found it once every
    frame was rendered, as an "internal error", exit 1 (review rv36b R8). ``views``: the scene's stereo
    layout (:func:`~..scene.render.stereo_layout`); None before the scene is open, when only a size no
    layout could encode is refused: ``17x16`` is a ``34x16`` video of two views side by side, which
    was refused up front (:func:`needs_the_scene` says when the scene must judge it). A frames folder
    takes any size; a scene's own odd size is refused by :func:`~..scene.render.check_video_size`
    before its first frame."""
    from ..scene.render import VIDEO_SUFFIXES, video_size_refusal

    if output is None or resolution is None or output.suffix.lower() not in VIDEO_SUFFIXES:
        return
    size = f"{resolution[0]}x{resolution[1]}"
    said = f'{label} "{size}"' if job else f"{label} {size}"
    refusals = [
        video_size_refusal(resolution, output.suffix.lower(), said, quote=job, views=v)
        for v in ([views] if views is not None else _LAYOUTS)
    ]
    if all(refusals):  # the first: one view's picture, the sizes offered as before
        raise DualTalkError(str(refusals[0]))


def needs_the_scene(output: Path | None, resolution: tuple[int, int] | None) -> bool:
    """Whether ``resolution`` for ``output`` is a video size only the scene's stereo layout can judge:
    one a picture of one view cannot be encoded at and one of two views can (``17x16`` side by
    side)."""
    try:
        check_video_resolution(output, resolution, "", views=(1, 1))
    except DualTalkError:
        return True  # odd as one view; not for every layout, or it was refused when it was read
    return False
