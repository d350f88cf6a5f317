"""The add-on's state between operators and panels: job status, installer output, preferences.

Operators write it and panels draw it, so neither imports the other. Also the timer plumbing the
modal operators use.

Each job (generate, install dependencies, download) is a pollable object from
``dualtalk_blender``; a modal operator polls it on a timer. In background mode (no event
loop, e.g. ``blender -b`` or the ``bpy`` module) the same operators poll in a loop instead.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from typing import Any, NamedTuple

import bpy

# "dualtalk", or "bl_ext.<repo>.dualtalk" when installed as an extension
ADDON_ID = __package__.rsplit(".", 2)[0]


def get_prefs(context=None):
    """This add-on's preferences, or None when it was registered without being enabled."""
    context = context or bpy.context
    addon = context.preferences.addons.get(ADDON_ID)
    return addon.preferences if addon is not None else None


# Last lines of the dependency installer's pip output, drawn by the preferences.
INSTALL_LINES: deque[str] = deque(maxlen=200)
PYTHON_CHECK: str = ""
TIMER_STEP = 0.1
# The panel's one-line rig summaries, keyed by a fingerprint of the rig (see pickers.character_summary).
RIG_SUMMARIES: dict[tuple, str] = {}
# Each picked character's (mesh, armature) for the panel's redraws, and what to check it by
# (see pickers.character_parts): looked up once, not on every redraw.
RIG_PARTS: dict[tuple, tuple[Any, tuple]] = {}


class SetupWords(NamedTuple):
    """How the status names a setup job."""

    running: str  # its progress row, before the job's own message: "downloading: 1.0 / 268.4 MB"
    line: str  # a line about it: "download cancelled", "installing dependencies interrupted"


# The preferences' jobs (Install Dependencies, Download): nothing to do with the open file, so they
# carry on after another file is opened; the 3D Viewport's panel draws a running one's progress with
# its Cancel, and Generate waits for it (the worker must not import a half-installed package). The one
# list of them: the operators and the panels read it from here.
SETUP_WORDS: dict[str, SetupWords] = {
    "deps": SetupWords("installing dependencies", "installing dependencies"),
    "download": SetupWords("downloading", "download"),
}
SETUP_TASKS: tuple[str, ...] = tuple(SETUP_WORDS)


LAST_CHARS = 600  # the status line's length at most (the panel draws it whole, broken between words)


def set_status(
    context, *, running: bool, task: str = "", fraction: float = 0.0, message: str = "", last=None
):
    status = context.window_manager.dualtalk_status
    exported = status.task == _export_task()  # Export FBX's end: its task is still set
    status.running = running
    status.task = task
    status.fraction = min(max(fraction, 0.0), 1.0)
    status.message = message[:200]
    if last is not None:  # room for a kept take's line whole: where it came from and the folder to apply
        status.last = last[:LAST_CHARS]
        _follow(context, status.last if not running and fraction >= 1.0 and not exported else None)
    redraw(context)


# The line of the last finished step and the token written into its scene with it (``LINE_PROP``):
# the scene holds the token in the same undo step as the step's changes, so after an undo or redo the
# line stands while the scene still (again) holds it, and is marked "undone" when it does not.
LINE_PROP = "dualtalk_line"  # scene custom property: the token of the step the panel's line states
UNDONE = "DualTalk (undone): "  # the line of a step Ctrl+Z took back, until a redo brings it back
_FOLLOWED: tuple[str, str] | None = None  # (token, line)


def _export_task() -> str:
    from .fbx_job import TASK

    return TASK


def _follow(context, line: str | None) -> None:
    """A finished step's line (the operators' FINISHED lines come with fraction 1.0; Export FBX's
    writes a file and changes no scene) is followed through undo and redo; any other line (a refusal,
    an error: nothing pushed for the undo to take back) is left as it is."""
    global _FOLLOWED
    scene = getattr(context, "scene", None)
    if line is None or scene is None:
        _FOLLOWED = None
        return
    token = uuid.uuid4().hex[:12]
    try:
        scene[LINE_PROP] = token
    except (AttributeError, TypeError, RuntimeError):  # a scene linked from a library: not written
        _FOLLOWED = None
        return
    _FOLLOWED = (token, line)


def undone_line(line: str) -> str:
    """``line`` marked as taken back by an undo: "DualTalk (undone): Alice and Bob play take 'v1' ..."."""
    return UNDONE + line.removeprefix("DualTalk: ")


@bpy.app.handlers.persistent
def follow_scene(*_args) -> None:
    """``undo_post``/``redo_post``: the followed line stands where a scene holds its token, and is
    marked undone where none does (an undo of another edit leaves it; a redo brings it back)."""
    if _FOLLOWED is None:
        return
    token, line = _FOLLOWED
    status = getattr(bpy.context.window_manager, "dualtalk_status", None)
    if status is None or status.last not in (line, undone_line(line)):  # another line since
        return
    held = any(scene.get(LINE_PROP) == token for scene in bpy.data.scenes)
    status.last = line if held else undone_line(line)
    redraw(bpy.context)


@bpy.app.handlers.persistent
def forget_line(*_args) -> None:
    """``load_post``: a line about the file open before is no longer drawn under this file's panel
    (reopening the file saved after the step keeps it: the file holds its token)."""
    global _FOLLOWED
    if _FOLLOWED is None:
        return
    token, line = _FOLLOWED
    status = getattr(bpy.context.window_manager, "dualtalk_status", None)
    if any(scene.get(LINE_PROP) == token for scene in bpy.data.scenes):
        follow_scene()
        return
    _FOLLOWED = None
    if status is not None and status.last in (line, undone_line(line)):
        status.last = ""
        redraw(bpy.context)


HANDLERS = (("undo_post", follow_scene), ("redo_post", follow_scene), ("load_post", forget_line))


def redraw(context) -> None:
    wm = context.window_manager
    for window in getattr(wm, "windows", []):
        for area in window.screen.areas:
            if area.type in ("VIEW_3D", "PREFERENCES"):
                area.tag_redraw()


def headless() -> bool:
    return bool(bpy.app.background)


HEADLESS_TIMEOUT_S = 3600.0  # background mode gives a job this long before stopping it


def wait(job: Any, interval: float = 0.05, timeout: float | None = None) -> bool:
    """Background mode: poll ``job`` until it ends; stopped after ``timeout`` seconds (default
    :data:`HEADLESS_TIMEOUT_S`), and then True, so the caller says it timed out, not that the
    user cancelled."""
    end = time.monotonic() + (HEADLESS_TIMEOUT_S if timeout is None else timeout)
    timed_out = False
    while job.poll():
        if time.monotonic() > end:
            job.cancel()
            timed_out = True
            break
        time.sleep(interval)
    job.poll()
    return timed_out
