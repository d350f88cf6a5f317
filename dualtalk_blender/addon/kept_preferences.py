"""The add-on's preferences kept across unticking and ticking it again.

Blender frees an add-on's preferences when it is disabled from its checkbox, so ticking it again
gave an empty Model folder and Python path (review 33u F2): a private environment or checkpoint in
the chosen folder was no longer found, Generate ran Blender's own Python ("missing torch") and the
panel offered Install Dependencies, a download of gigabytes, into another folder. Updating the
extension and Reload Scripts keep them (Blender disables without dropping them there).

So each unregister writes the preferences that differ from their defaults to
``<home>/addon_preferences-<user>.json`` (``$DUALTALK_HOME``, else ``~/.cache/dualtalk``: the downloads'
home, which the Model folder preference does not move; one file per user, since a farm's home may be
shared), and a register that finds every preference at its default takes them back, with one line. Preferences set by hand are never overwritten. No home, an
unreadable or damaged file: nothing is kept or restored, never an error.

A shared home is also one where another user can write: the file sets the Python that Generate runs
and the package index Install Dependencies reads (review rv36a G1). So only a file this user wrote is
taken back: a plain file of its own (no link, no second hard link), owned by this user and writable
by nobody else (POSIX; Windows has no such owner or mode bits); any other is ignored with one
printed line, and the next :func:`keep` (at once: nothing was restored) writes this user's own
(0600, as ``mkstemp`` makes it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ...inference.core.fileio import not_its_own_file

FILE_STEM = "addon_preferences"
MAX_BYTES = 64 * 1024  # a few paths and URLs: a larger file is not ours


def _user() -> str:
    """This user's name as a file name may hold it (the user id where there is no name: a container)."""
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # no user database entry, no LOGNAME/USER
        name = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:64] or "user"


def kept_file() -> Path | None:
    """Where this user's preferences are kept; None where there is no home folder."""
    from ...inference.download import default_model_dir

    try:
        return default_model_dir() / f"{FILE_STEM}-{_user()}.json"
    except Exception:  # no home folder and no DUALTALK_HOME
        return None


def _fields(prefs: Any) -> dict[str, Any]:
    """Each plain preference (text, number, switch, choice) and its default."""
    out = {}
    for prop in prefs.bl_rna.properties:
        if prop.identifier in ("rna_type", "bl_idname") or prop.type not in (
            "STRING",
            "BOOLEAN",
            "INT",
            "FLOAT",
            "ENUM",
        ):
            continue
        if getattr(prop, "is_array", False) or getattr(prop, "is_enum_flag", False):
            continue
        out[prop.identifier] = prop.default
    return out


def changed(prefs: Any) -> dict[str, Any]:
    """The preferences that differ from their defaults."""
    return {
        name: getattr(prefs, name)
        for name, default in _fields(prefs).items()
        if getattr(prefs, name) != default
    }


def keep(prefs: Any) -> None:
    """Write :func:`changed` (written whole or not at all; {} when all are at their defaults)."""
    path = kept_file()
    if prefs is None or path is None:
        return
    data = json.dumps(changed(prefs), ensure_ascii=False, indent=1).encode("utf-8")
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{FILE_STEM}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        tmp = None
    except OSError:  # a read-only home: the preferences are simply not kept
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _not_own(st: os.stat_result) -> str:
    """Why a kept file with status ``st`` (its ``lstat``) is not one this user wrote; "" when it is."""
    kind = not_its_own_file(st)
    if kind is not None:
        return f"it is {kind}"
    if os.name == "posix" and hasattr(os, "getuid"):  # Windows: no owner id, its mode bits say nothing
        if st.st_uid != os.getuid():
            return f"it belongs to another user (uid {st.st_uid})"
        if st.st_mode & 0o022:
            return "other users may write it"
    return ""


def _read_own(path: Path) -> bytes | None:
    """The kept file's bytes when this user wrote it (:func:`_not_own`), else None (one printed line
    when it is there but someone else's); None too when missing, unreadable or too large."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    why = _not_own(st)
    if not why:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            now = os.fstat(fh.fileno())
            # the file opened is the one checked (not swapped for another between the two)
            why = _not_own(now) if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino) else "it changed"
            if not why:
                return fh.read(MAX_BYTES + 1)
    print(f"DualTalk: ignored the kept preferences {path} ({why}): only a file you wrote is taken back")
    return None


def restore(prefs: Any) -> str:
    """Take the kept preferences back when every preference is at its default (the add-on was just
    ticked again); one line naming them (as the preferences label them), "" when nothing was. Only
    from a file this user wrote (:func:`_read_own`)."""
    path = kept_file()
    if prefs is None or path is None or changed(prefs):
        return ""
    data = _read_own(path)
    if data is None or len(data) > MAX_BYTES:
        return ""
    try:
        kept = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return ""
    if not isinstance(kept, dict):
        return ""
    fields = _fields(prefs)
    names = []
    for name, value in kept.items():
        if name not in fields or type(value) is not type(fields[name]):
            continue
        try:
            setattr(prefs, name, value)
        except (TypeError, ValueError, AttributeError):  # a choice no longer offered
            continue
        names.append(prefs.bl_rna.properties[name].name)
        _say_if_gone(prefs, name, value)
    if not names:
        return ""
    return f"DualTalk: preferences kept from before the add-on was disabled: {', '.join(names)}"


def _say_if_gone(prefs: Any, name: str, value: Any) -> None:
    """One printed line for a kept folder or file that is no longer there (deleted since, a drive not
    mounted, a home from an earlier install: review rv40d F5). It is taken back all the same, since a
    drive mounted later brings it back; the line says where to set it again or clear it."""
    prop = prefs.bl_rna.properties[name]
    if (
        getattr(prop, "subtype", "") not in ("DIR_PATH", "FILE_PATH")
        or not isinstance(value, str)
        or not value
    ):
        return
    import bpy

    where = os.path.expanduser(bpy.path.abspath(value))
    if os.path.exists(where):
        return
    print(
        f"DualTalk: the kept {prop.name} {value} is not there (deleted, or on a drive not mounted now): "
        "set it again or clear it in Edit > Preferences > Add-ons > DualTalk"
    )
