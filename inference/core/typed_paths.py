"""A path as a user typed it (a command-line flag, a job file's field), read one way before it becomes
a ``Path``: what a shell would have expanded and did not, and what Blender would read otherwise.

Blender reads a leading ``//`` as "beside the open .blend"; POSIX reads it as ``/``. A path that
reached Blender with its two slashes was checked at ``/work/x`` and written under the input
.blend's folder (review rv36a G5: a segfault, 100 frames beside the input, a render reported done
with no frame where asked). So the two slashes never reach Blender, by one policy:

- where a path comes in, it is read once: typed on a command line or in a job file, as POSIX reads
  it (:func:`one_leading_slash`: one slash where that names a folder at the root, refused otherwise,
  since ``//renders/frames`` is a Blender user's "beside the .blend"); given by a script to a scene
  function (``export_fbx``, ``render_shot``), as Blender reads it: beside the saved .blend, refused in
  a .blend never saved (``dualtalk_blender/scene/paths.blend_path``);
- what is handed to Blender after that (:func:`for_blender`) is refused if it still starts with
  ``//``, never collapsed: a collapse wrote a script's ``//renders/x`` at ``/renders/x`` with no
  word, and Blender's own reading would put it beside whichever .blend is open (the input's, in
  ``animate``).
"""

from __future__ import annotations

import os
import re

from .errors import DualTalkError

# what a shell or Windows expands where it would have been expanded: "$OUT", "${OUT}" or "%OUT%"
# leading the path or one of its folders ("$OUT/x.blend", "shots/${SHOT}/a.wav", "%OUT%/x"). The
# same characters inside a name ("Ca$h_money.wav", "50%done%.mp4") are the name's own letters.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_VARIABLE = re.compile(rf"(?:^|(?<=[/\\]))(?:\$\{{{_NAME}\}}|\${_NAME}|%{_NAME}%)")

BLEND_RELATIVE = "'//' means beside the .blend only inside Blender"


def unexpanded_variable(value: str) -> str | None:
    """``'$HOME' is not expanded`` when an environment variable leads ``value`` or one of its folders
    (a folder named ``$HOME`` would be made, and a later ``rm -rf $HOME/...`` removes the real one)."""
    found = _VARIABLE.search(value)
    return None if found is None else f"{found.group(0)!r} is not expanded"


def one_leading_slash(value: str, relative_to: str = "the current folder") -> str:
    """``value`` with a leading run of slashes read as POSIX reads it (one slash), where the first
    name after them is at the root (a folder, when more follows): ``//work/x`` is ``/work/x``. A
    first name the root does not have is refused in one line: ``//renders/frames`` is a Blender
    user's "beside the .blend", and would make (or look for) a folder at the file system's root.
    Windows keeps ``//server/share`` (a share); other paths are returned as they are."""
    if os.name == "nt" or not value.startswith("//"):
        return value
    rest = value.lstrip("/")
    first, more = rest.split("/", 1) if "/" in rest else (rest, "")
    top = "/" + first
    if not first or (os.path.isdir(top) if more.strip("/") else os.path.lexists(top)):
        return "/" + rest
    raise DualTalkError(
        f"{value!r}: {BLEND_RELATIVE}; give a path relative to {relative_to} ({rest}) or an absolute one "
        f"(/{rest})"
    )


def command_line_path(text: str) -> str:
    """A path typed on a command line, as the run will open it: ``~`` (``~user``) expanded as a shell
    does (bash leaves ``--out=~/takes`` and a quoted ``'~/talk.wav'`` alone), an unexpanded ``$HOME``
    refused as job files refuse it (a folder named ``$HOME`` was made), and a leading ``//`` read
    once (:func:`one_leading_slash`). Where there is no home folder a ``~/`` path is refused."""
    expanded = os.path.expanduser(text)
    if expanded == text and (text == "~" or text.startswith(("~/", "~" + os.sep))):
        raise DualTalkError(
            f"{text!r} starts with '~', but this user has no home folder (HOME is not set, and the "
            "system's user list has no entry for it); give the full path"
        )
    variable = unexpanded_variable(text)
    if variable is not None:
        raise DualTalkError(f"{text!r}: {variable}; give the real path")
    return one_leading_slash(expanded)


def for_blender(path: str | os.PathLike[str]) -> str:
    """``path`` as text for a Blender property or operator that takes a file path (a render's
    ``filepath``, the FBX exporter's, an image strip's, ``save_as_mainfile``). A leading ``//`` is
    refused, not read either way: every path was read where it came in (see the module), so one here
    is a caller's path nobody read, and Blender would write it beside the open .blend."""
    text = os.fspath(path)
    if os.name != "nt" and text.startswith("//"):
        raise DualTalkError(f"{text!r}: {BLEND_RELATIVE}; DualTalk hands Blender only absolute paths")
    return text
