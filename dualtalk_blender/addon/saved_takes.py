"""Takes kept on disk: a run's motion files saved when they could not be keyed, listed, applied
and deleted.

A run whose characters were deleted (or whose file was closed) while it generated keeps its take
in a ``dualtalk_take_*`` folder of the temp folder (:func:`keep_take`) instead of losing it;
:func:`apply_take` (Apply Saved Take) keys such a folder, or an ``infer --out`` one, as Generate
would have, with the settings it was made with (*As Made*) or the panel's; the preferences list the
kept takes and delete them (:func:`kept_takes`, :func:`delete_kept_takes`), never a folder holding
anything else: a kept take is one whose ``result.json`` names the folder's own motion files, as
:func:`keep_take` has always written it (an ``infer --out`` folder, an empty one, is not).

Kept takes are pruned as the temp folder itself is (review 33s: nothing else ever removed them):
systemd-tmpfiles empties ``/tmp`` of what is older than 10 days on many Linux systems, macOS and
Windows' Storage Sense often do likewise, and Blender leaves its own autosaves there to them. Here,
once per session, just after the add-on starts (:func:`start_pruning`), the takes last changed more
than the preference *Delete Kept Takes After* (days, 14; 0: never) ago are deleted
(:func:`prune_kept_takes`), with one line saying how many, how much and where. Never one the open
.blend was made with or points into (:func:`takes_in_use`), nor one whose .blend was saved within
those days (:func:`project_saved_since`: a file opened from the splash opens after the pruning ran),
nor one a Blender still running holds:
the session that kept a take holds a shared ``flock`` on its folder for as long as it runs
(systemd-tmpfiles, too, leaves a folder so locked), an exclusive one while writing it, and Apply
Saved Take a shared one while reading it; a pruning takes it exclusively or leaves the take (a file
system without locks: by age alone). A take is removed through its opened folder, never by a path
a symlink could redirect (:func:`_remove_take`). Age is the clock less the files' last change; the
clock is never written into them: a take dated ahead of it is not old (:func:`prune_kept_takes`).
Past :data:`WARN_BYTES` the preferences warn in one line.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from ...inference.core import safe_json
from ...inference.core.errors import DualTalkError
from ...inference.core.motion import MAX_START_TIME
from ...inference.core.request import Option, check, coerce
from ..rig.options import SCENE_BY_NAME, ApplyOptions, escaped
from ..scene.paths import abspath
from . import panel_options
from .blend_paths import same_path
from .panel_settings import MAP_FILES, apply_options, need_file, scene_values
from .pickers import qualifies
from .preflight import preflight
from .preview_range import kept_range
from .take_keying import key_take
from .take_sound import TakeSound

TAKE_FILES = ("A.npz", "B.npz")
TAKE_PREFIX = "dualtalk_take_"  # a kept take's folder in the temp folder (see keep_take)
_TAKE_CONTENTS = {*TAKE_FILES, "result.json"}  # what every kept take holds
READING = "script_read.tsv"  # a take drawn from a typed script: each line as read (script_reading)
_TAKE_OPTIONAL = {READING}  # what a kept take may hold besides
_TAKE_NAMES = _TAKE_CONTENTS | _TAKE_OPTIONAL  # the only names a kept take's folder holds

# Which settings Apply Saved Take keys with (the operator's ``settings``)
AS_MADE, PANELS = "AS_MADE", "PANEL"
SETTINGS = (
    (
        AS_MADE,
        "As Made",
        "The settings the take was made with, as its folder records them (the panel's for any it does not)",
    ),
    (PANELS, "Panel's", "The panel's settings now, as Generate would use them"),
)
# What a kept take's ``scene_options`` may hold (ui_run's _origin): the panel's scene-side options,
# and the first keyed frame where it says
_RECORDED = {o.name: o for o in (*panel_options.SCENE_SIDE, SCENE_BY_NAME["start_frame"])}
_MOST_SAID = 3  # differences from the panel the line names before "and N more"
MAX_RESULT_BYTES = (
    16 * 2**20
)  # a take's result.json: far more than a run writes (a few KB, and the words heard)
MAX_NAME = 4096  # a file or character name result.json records, at most (PATH_MAX)
PRUNE_DAYS = 14  # the preference's default: past the 10 days systemd-tmpfiles gives /tmp on many systems
WARN_BYTES = 1 << 30  # kept takes past this (a few MB per 20-minute take) get a warning line
DAY_S = 86400.0
PRUNED = ""  # the line of this session's pruning at start (the preferences show it)
_HELD: dict[str, int] = {}  # the takes this session kept -> the folder's descriptor holding LOCK_SH


def kept_takes() -> list[Path]:
    """The takes kept in the temp folder (oldest first): folders named ``dualtalk_take_*`` that hold
    a take's three files (and its ``script_read.tsv`` when it had one) and nothing else, its
    ``result.json`` naming the folder's own ``A.npz`` and
    ``B.npz`` (:func:`_kept_by_addon`), so a folder a user put other things in, an empty one, or an
    ``infer --out`` folder the user named so (no ``result.json``) is never listed, pruned or deleted."""
    found = []
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(TAKE_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            inside = {c.name: c for c in os.scandir(entry.path)}
            if not _TAKE_CONTENTS <= set(inside) <= _TAKE_NAMES or not all(
                c.is_file(follow_symlinks=False) for c in inside.values()
            ):
                continue
            if _kept_by_addon(Path(entry.path), inside["result.json"].stat(follow_symlinks=False)):
                found.append((entry.stat(follow_symlinks=False).st_mtime, Path(entry.path)))
        except OSError:
            continue
    return [p for _t, p in sorted(found)]


_RECOGNISED: dict[tuple[str, int, int, int], bool] = {}  # result.json (path, inode, mtime, size) -> ours


def _kept_by_addon(folder: Path, record: os.stat_result) -> bool:
    """Whether ``folder`` is a take the add-on kept: :func:`keep_take` (every build since takes were
    kept) writes a ``result.json`` whose ``a`` and ``b`` are this folder's ``A.npz`` and ``B.npz``;
    ``infer --out`` writes no ``result.json``, the worker writes its own in the add-on's job folder.
    By the folder's and files' names, not the whole path (the temp folder reached by another
    spelling, a macOS ``/private`` one). Remembered per version of the file (the preferences ask at
    each redraw); one that cannot be read is not recognised: left alone."""
    key = (str(folder), record.st_ino, record.st_mtime_ns, record.st_size)
    known = _RECOGNISED.get(key)
    if known is None:
        try:
            said = _read_result(folder / "result.json")
        except DualTalkError:
            said = {}
        known = all(
            isinstance(said.get(k), str)
            and Path(said[k]).name == name
            and Path(said[k]).parent.name == folder.name
            for k, name in zip(("a", "b"), TAKE_FILES, strict=True)
        )
        if len(_RECOGNISED) > 4096:
            _RECOGNISED.clear()
        _RECOGNISED[key] = known
    return known


def takes_size(folders: list[Path]) -> int:
    """Bytes the kept takes hold."""
    total = 0
    for folder in folders:
        for name in _TAKE_NAMES:
            with contextlib.suppress(OSError):
                total += (folder / name).stat().st_size
    return total


@contextlib.contextmanager
def folder_lock(folder: Path, exclusive: bool) -> Iterator[int | None]:
    """A ``flock`` on the take folder itself for the block, not waiting: yields the descriptor holding
    it, -1 where there is no lock to take (Windows, a file system without locks, a folder that cannot
    be opened), None when another process holds one in the way (an exclusive one for
    ``exclusive=False``). The lock ends with the block (or the process, however it ends)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock (and no descriptor of a folder)
        yield -1
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # not there (or not a folder we may read): no lock to take
        yield -1
        return
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        except OSError:  # a file system without locks: age alone decides
            yield -1
            return
        yield fd
    finally:
        os.close(fd)


def _hold(folder: Path, fd: int) -> None:
    """This session keeps a shared lock on a take it kept until it ends (another Blender's pruning,
    or systemd-tmpfiles, leaves it): ``fd`` (locked exclusively while writing) is turned shared and kept."""
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except (ImportError, OSError):
        return
    _HELD[str(folder)] = os.dup(fd)


def _let_go(folder: Path) -> None:
    """This session's own hold on ``folder`` ends (it deletes the take itself)."""
    fd = _HELD.pop(str(folder), None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


# a take is removed through its opened folder (never by path, which a swap could point elsewhere)
_BY_DESCRIPTOR = (
    hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and {os.open, os.unlink, os.rmdir, os.stat} <= os.supports_dir_fd
)


def _remove_take(folder: Path, exclusive: bool) -> bool:
    """Remove a listed take: its own files, then its folder (something else in it since: it
    stays); True when it went. Never by following a symlink: the folder is opened without following
    one (another local user of a shared temp folder may put a symlink to a project in its place
    after it was listed: that folder is not a take any more and is left), its files unlinked
    through that descriptor and the folder removed through its parent's, so a swap after the check
    removes nothing outside it. Left (False) when another process holds a lock in the way
    (:func:`folder_lock`'s rule; a file system without locks: age alone decides) or a file cannot be
    removed (a folder its user made read-only to keep it, a read-only mount)."""
    if not _BY_DESCRIPTOR:  # Windows: no descriptor of a folder; a link or junction is left
        with folder_lock(folder, exclusive) as fd:
            return fd is not None and not folder.is_symlink() and not _is_junction(folder) and _remove(folder)
    try:
        parent = os.open(folder.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        try:
            fd = os.open(folder.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
        except OSError:  # gone, or no longer a folder (ELOOP, ENOTDIR: a symlink in its place)
            return False
        try:
            return _locked(fd, exclusive) and _remove_at(parent, folder.name, fd)
        finally:
            os.close(fd)
    finally:
        os.close(parent)


def _locked(fd: int, exclusive: bool) -> bool:
    """A ``flock`` taken on the opened folder without waiting (kept until ``fd`` closes); False when
    another process holds one in the way, True where there is none to take."""
    try:
        import fcntl

        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except (ImportError, OSError):  # a file system without locks: age alone decides
        return True
    return True


def _remove_at(parent: int, name: str, fd: int) -> bool:
    """The take's own files unlinked inside the opened folder ``fd``, then the folder ``name`` removed
    from ``parent`` while it is still that folder."""
    for file in _TAKE_NAMES:
        try:
            os.unlink(file, dir_fd=fd)
        except FileNotFoundError:
            continue
        except OSError:
            return False
    try:
        now, opened = os.stat(name, dir_fd=parent, follow_symlinks=False), os.fstat(fd)
        if (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
            return False  # renamed away meanwhile: what now has its name is not the take
        os.rmdir(name, dir_fd=parent)
    except OSError:
        return False
    return True


def _is_junction(folder: Path) -> bool:
    is_junction = getattr(os.path, "isjunction", None)
    return bool(is_junction and is_junction(folder))


def _remove(folder: Path) -> bool:
    """:func:`_remove_take` by path, where folders have no descriptors (Windows)."""
    for name in _TAKE_NAMES:
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            continue
        except OSError:
            return False
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def delete_kept_takes() -> tuple[int, int]:
    """Delete the kept takes (:func:`kept_takes`): only their own files, then the empty folder;
    returns (takes deleted, bytes freed). A take being written this moment (its writer's exclusive
    lock) is left, and so is one no longer a folder (:func:`_remove_take`)."""
    count = freed = 0
    for folder in kept_takes():
        size = takes_size([folder])
        _let_go(folder)
        if _remove_take(folder, exclusive=False):
            count, freed = count + 1, freed + size
    return count, freed


def last_changed(folder: Path) -> float:
    """When a kept take last changed: the newest modification time of its folder and files."""
    times = []
    for path in (folder, *(folder / n for n in _TAKE_NAMES)):
        with contextlib.suppress(OSError):
            times.append(os.lstat(path).st_mtime)
    return max(times, default=0.0)


def prune_kept_takes(
    days: float, keep: Collection[Path] = (), now: float | None = None
) -> tuple[list[Path], int, int]:
    """Delete the kept takes last changed more than ``days`` ago (0 or less: none), except those in
    ``keep`` (:func:`takes_in_use`), those of a project saved since (:func:`project_saved_since`) and
    those another process holds (:func:`_remove_take`: a Blender that kept or is applying it, or one
    writing it); returns (deleted, bytes freed, old ones left because in use or held).

    The clock is doubted, never written: a take's age is ``now`` less the time its files were last
    changed, which only a write to them sets. A take dated ahead of ``now`` is not old (made while
    the clock ran fast, or this start's clock is behind): it stays as it is, and ages once the clock
    passes its date (:func:`dated_ahead` counts them for the line). Dating it ``now`` instead
    (review rv34 F7) let one start with the clock a year behind date every take a year back, and
    the next start, the clock right, deleted takes made the day before (review rv35a F1)."""
    if not days > 0:
        return [], 0, 0
    now = time.time() if now is None else now
    kept = {os.path.realpath(p) for p in keep}
    deleted: list[Path] = []
    freed = left = 0
    for folder in kept_takes():
        if now - last_changed(folder) <= days * DAY_S:  # young, or dated ahead of the clock
            continue
        in_use = os.path.realpath(folder) in kept or str(folder) in _HELD
        if in_use or project_saved_since(folder, now - days * DAY_S):
            left += 1
            continue
        size = takes_size([folder])
        if not _remove_take(folder, exclusive=True):
            left += 1
            continue
        deleted.append(folder)
        freed += size
    return deleted, freed, left


def dated_ahead(now: float | None = None) -> int:
    """How many kept takes are dated more than a day ahead of ``now`` (the clock): the pruning
    leaves them until the clock passes their date; many at once say this clock is behind."""
    now = time.time() if now is None else now
    return sum(last_changed(f) > now + DAY_S for f in kept_takes())


def project_saved_since(folder: Path, since: float) -> bool:
    """Whether the .blend a kept take was made in (``result.json``'s ``blend_file``) is still there
    and was saved after ``since``: its project is worked on, though not the file open at start (the
    pruning runs before a file opened from the splash or File > Open Recent)."""
    try:
        made = _read_result(folder / "result.json").get("blend_file")
    except DualTalkError:
        return False
    if not isinstance(made, str) or not made:
        return False
    try:
        return os.stat(made).st_mtime > since
    except (OSError, ValueError):
        return False


def takes_in_use(blend_file: str, paths: Collection[str]) -> list[Path]:
    """The kept takes the open .blend uses: made in it (``result.json``'s ``blend_file`` is
    ``blend_file``, a saved file's path) or holding a file it points to (``paths``: its external
    files, absolute)."""
    found = []
    inside = [os.path.realpath(p) for p in paths if p]
    for folder in kept_takes():
        real = os.path.realpath(folder) + os.sep
        if any(p.startswith(real) for p in inside):
            found.append(folder)
            continue
        try:
            made = _read_result(folder / "result.json").get("blend_file")
        except DualTalkError:
            continue
        if blend_file and isinstance(made, str) and made and same_path(made, blend_file):
            found.append(folder)
    return found


def pruned_line(deleted: list[Path], freed: int, left: int, days: float, ahead: int = 0) -> str:
    """The one line a pruning says ("" when it deleted nothing and found no take dated ahead of the
    clock: ``ahead``, :func:`dated_ahead`)."""
    ahead_said = (
        f"{ahead} kept take{' is' if ahead == 1 else 's are'} dated ahead of the clock, kept until it "
        "passes that date (is the clock right?)"
    )
    if not deleted:
        return f"DualTalk: {ahead_said} (Preferences > Delete Saved Takes)" if ahead else ""
    n = len(deleted)
    line = (
        f"DualTalk: deleted {n} kept take{'' if n == 1 else 's'} older than {days:g} days "
        f"({freed / 1e6:.1f} MB) from {deleted[0].parent}"
    )
    if left:
        line += f"; {left} as old kept (in use by an open file or a running Blender)"
    if ahead:
        line += f"; {ahead_said}"
    return line + " (Preferences > Delete Kept Takes After)"


def prune_at_start() -> None:
    """The add-on's start: prune the kept takes by the preference (:func:`prune_kept_takes`), sparing
    those the open .blend uses; says what went in one line (printed, shown in the preferences and the
    status line). Runs once (a timer's callback: None ends it)."""
    import bpy

    from . import state

    global PRUNED
    try:
        prefs = state.get_prefs()
        days = float(getattr(prefs, "kept_takes_days", PRUNE_DAYS)) if prefs is not None else 0.0
        in_use = takes_in_use(bpy.data.filepath, bpy.utils.blend_paths(absolute=True))
    except (AttributeError, RuntimeError, ReferenceError):  # disabled meanwhile, no data yet
        return None
    now = time.time()
    deleted, freed, left = prune_kept_takes(days, in_use, now)
    line = pruned_line(deleted, freed, left, days, dated_ahead(now) if days > 0 else 0)
    if line:
        PRUNED = line
        print(line)
        with contextlib.suppress(AttributeError, RuntimeError, ReferenceError):
            status = getattr(bpy.context.window_manager, "dualtalk_status", None)
            if status is not None and not status.running:
                state.set_status(bpy.context, running=False, last=line)
    return None


START_DELAY_S = 1.0  # after the add-on's start: the file given on the command line is open by then


def start_pruning() -> None:
    """Prune once, just after the add-on starts (a timer: the .blend Blender opens is loaded by then,
    and bpy.data may not be read while the add-on registers)."""
    import bpy

    if not bpy.app.timers.is_registered(prune_at_start):
        # persistent: Blender loads the file given on its command line after the add-ons start
        bpy.app.timers.register(prune_at_start, first_interval=START_DELAY_S, persistent=True)


def stop_pruning() -> None:
    import bpy

    if bpy.app.timers.is_registered(prune_at_start):
        bpy.app.timers.unregister(prune_at_start)


def keep_take(result: dict[str, Any]) -> Path | None:
    """Move a finished run's motion files into a folder of their own (``dualtalk_take_*`` in the
    temp folder) with its ``result.json``: the worker's result and, from Generate, where the take was
    made (``blend_file``, ``scene``, ``characters``, ``scene_options``: what the folder alone says
    once its file is closed; :func:`apply_take` keys the ``characters`` again where it finds them,
    with the ``scene_options`` unless told to use the panel's, and needs none of these, as older
    folders lack them); None when they cannot be moved. The run's ``script_read.tsv`` (each script
    line as read, which the engine writes beside the motion files) goes with them: the run's folder
    is removed after every run."""
    folder: Path | None = None
    try:
        folder = Path(tempfile.mkdtemp(prefix=TAKE_PREFIX))
        with folder_lock(folder, exclusive=True) as fd:  # written: no pruning or deleting meanwhile
            reading = Path(result["a"]).parent / READING
            for key, name in zip(("a", "b"), TAKE_FILES, strict=True):
                shutil.move(str(result[key]), str(folder / name))
            if reading.is_file() and not reading.is_symlink():
                shutil.move(str(reading), str(folder / READING))
            kept = {**result, "a": str(folder / TAKE_FILES[0]), "b": str(folder / TAKE_FILES[1])}
            (folder / "result.json").write_text(json.dumps(kept, indent=1, default=str), encoding="utf-8")
            if fd is not None and fd >= 0:
                _hold(folder, fd)  # ... and while this Blender runs, whose line named the folder
    except (OSError, KeyError, TypeError):
        if folder is not None:
            _let_go(folder)
            shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def apply_take(
    scene: Any,
    settings: Any,
    folder: str,
    prefs: Any = None,
    use: str = AS_MADE,
    warned: list[str] | None = None,
) -> str:
    """Key a take kept on disk (a folder with ``A.npz`` and ``B.npz``, e.g. the one a run kept when
    a character was deleted while it generated) as Generate would have: onto the characters it was
    made for when its ``result.json`` names them and both are usable characters in ``scene`` (the
    panel then picks them, A and B as recorded, in the operator's one undo step), else onto the
    panel's characters, the line saying whom it was made for and why they were not picked.
    ``use``: :data:`AS_MADE` keys with the scene-side settings the take records (``scene_options``:
    rig, map, intensity, smoothing...; the panel's for those it does not, said once), a recorded value
    the declarations refuse is one line naming it; :data:`PANELS` with the panel's now. The line says
    which, and the recorded values that differ from the panel's. Checked before either character is
    keyed; a refusal leaves the picks as they were. ``result.json`` is anyone's to edit: read with a
    nesting limit and refused whole when unreadable (:func:`_read_result`), each field read checked,
    one of another shape left out with a note (:func:`_usable`). ``warned`` (a list) receives every
    warning of the take, the line showing the first (``take_keying.key_take``)."""
    if use not in (AS_MADE, PANELS):
        raise DualTalkError(f"settings must be {AS_MADE} or {PANELS}, got {escaped(str(use))[:24]!r}")
    where = abspath(folder)
    if not where:
        raise DualTalkError("choose the folder of the take (it holds A.npz and B.npz)")
    with folder_lock(Path(where), exclusive=False) as held:  # no pruning while it is read
        if held is None:
            raise DualTalkError(
                f"{where} is being written by another Blender (a take it keeps); apply it in a moment"
            )
        return _apply_take(scene, settings, where, prefs, use, warned)


def _apply_take(scene: Any, settings: Any, where: str, prefs: Any, use: str, warned: list[str] | None) -> str:
    """:func:`apply_take` once the folder is known and held."""
    paths = [Path(where) / name for name in TAKE_FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise DualTalkError(f"{where} holds no take: {' and '.join(missing)} not found")
    # what the run said about itself (engine, start time, transcript...): for the sound strip and the line
    result, notes = _usable(_read_result(Path(where) / "result.json"))
    result.update(a=str(paths[0]), b=str(paths[1]))
    made_with = _made_with(result) if use == AS_MADE else None
    before = (settings.char_a, settings.char_b)
    keying = False
    try:
        options, frame_range, inspected, picks = _onto_whom(scene, settings, result, prefs, made_with)
        sound = TakeSound.of_result(result, bool(settings.sound_strip))
        if sound is None:  # an ``infer --out`` folder: its motion files name their recording
            sound = TakeSound.of_motion(paths[0], settings, notes)
        how = _settings_said(scene, settings, use, made_with, ranged=frame_range is not None)
        if made_with is not None and (unknown := _unknown(result)):
            how += (
                f"; left out {_listed(unknown)}, which this DualTalk does not know (the take was made by a "
                "newer version?)"
            )
        said = "; ".join(c for c in (picks, how) if c)
        keying = True
        line = key_take(
            scene,
            settings,
            options,
            result,
            inspected,
            frame_range,
            sound,
            notes=notes,
            picks=said,
            warned=warned,
            reading_kept=True,  # the folder's script_read.tsv stays: named with the take's text
        )
        return line
    except BaseException as exc:
        # refused (nothing keyed: key_take checks before keying) or failed before keying: the picks go
        # back; a failure while keying leaves them on the characters that may hold its keys
        if (not keying or isinstance(exc, DualTalkError)) and (settings.char_a, settings.char_b) != before:
            settings.char_a, settings.char_b = before
        raise


def reading_said(folder: Path) -> str:
    """The line's pointer to a kept take's reading (``; each script line as read is in
    <folder>/script_read.tsv``), in the words Generate's line names the take's text with; "" where
    the folder holds none of DualTalk's (a take made without a script)."""
    from ...inference.phonetic.script_reading import is_reading

    path = folder / READING
    return f"; each script line as read is in {path}" if is_reading(path) else ""


def _read_result(path: Path) -> dict[str, Any]:
    """A take folder's ``result.json``: {} where it has none (an ``infer --out`` folder, an older
    version's). One that is there but cannot be read (cut short, damaged, not UTF-8, nested deeper
    than DualTalk writes, not an object, larger than any run writes) is refused in one line, not
    skipped: it says how the take was made, a kept range's frames among it, and that range's motion
    files keyed as a whole take would replace the take the range belongs to. Moving the file away is
    the way to key the motion files alone, said in the line."""
    try:
        size = path.stat().st_size
        if size > MAX_RESULT_BYTES:
            raise DualTalkError(f"it is {size / 1e6:.0f} MB, more than any take's record holds")
        loaded = safe_json.loads(path.read_text(encoding="utf-8"), "it")
        if not isinstance(loaded, dict):
            raise DualTalkError(f"it holds {_kind(loaded)}, not an object")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError, DualTalkError) as exc:
        why = {
            UnicodeDecodeError: "it is not UTF-8 text",
            json.JSONDecodeError: f"it is not JSON: {exc}",
        }.get(type(exc), str(getattr(exc, "strerror", None) or exc))
        raise DualTalkError(
            f"{path} cannot be read ({why}); move it out of the folder to key the take from its "
            "motion files alone"
        ) from None
    return loaded


def _kind(value: Any) -> str:
    """A JSON value in a line: a short number or text as written, else its kind (``a list of 2``)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    said = json.dumps(value)
    return said if len(said) <= 24 else f"{said[:20]}..."


def _path_text(value: Any) -> bool:
    """A file or object name as a run records it: text, not absurdly long, no NUL."""
    return isinstance(value, str) and len(value) <= MAX_NAME and "\0" not in value


def _seconds(value: Any) -> bool:
    """Seconds into a recording (or between two), as a run records them."""
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) <= MAX_START_TIME


def _must(fits: Callable[[Any], bool], what: str) -> Callable[[Any], str | None]:
    return lambda value: None if fits(value) else f"must be {what}, got {_kind(value)}"


def _source_problem(source: Any) -> str | None:
    """What is wrong with ``source`` where the add-on reads it: B's shift and the audio warnings."""
    if not isinstance(source, dict):
        return f"must be an object, got {_kind(source)}"
    offset = source.get("offset_b")
    if offset is not None and not _seconds(offset):
        return f"its offset_b must be the seconds B's file started before A's, got {_kind(offset)}"
    for name in ("warnings", "silent"):
        if source.get(name) is not None and not isinstance(source[name], list):
            return f"its {name} must be a list, got {_kind(source[name])}"
    return None


def _transcript_problem(report: Any) -> str | None:
    from ...inference.phonetic.transcript import report_problem

    return report_problem(report)


# The fields of result.json the add-on reads besides scene_options and a kept range's (refused in one
# line where they cannot be used: _made_with, kept_range), each with what is wrong with a value
_FIELDS: dict[str, Callable[[Any], str | None]] = {
    "engine": _must(lambda v: isinstance(v, str) and len(v) <= MAX_NAME, "the engine's name"),
    "start_time": _must(
        lambda v: _seconds(v) and v >= 0, f"0 to {MAX_START_TIME} seconds into the recording"
    ),
    "audio_files": _must(
        lambda v: isinstance(v, list) and 1 <= len(v) <= 2 and all(_path_text(f) for f in v),
        "a list of one or two file names",
    ),
    "source": _source_problem,
    "transcript": _transcript_problem,
    "recognise": _must(lambda v: isinstance(v, bool), "true or false"),
    "characters": _must(
        lambda v: (
            isinstance(v, list) and len(v) == 2 and all(_path_text(n) and n for n in v) and v[0] != v[1]
        ),
        "the two characters' names",
    ),
    "blend_file": _must(_path_text, "the .blend file's name"),
}


def _usable(result: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``result`` less the fields the add-on reads that are not as a run writes them (:data:`_FIELDS`:
    a hand edit, another tool, a damaged copy), and a note naming them for the line. Each such field
    only says something of the take the motion files also say (its engine, start time, recording) or
    that the line shows (its words, whom it was made for), so the take still keys from its motion
    files, as if the field were absent; refusing would leave the animator no way to key a good take
    but editing JSON. A transcript report left out takes ``recognise`` with it: nothing can be said of
    what was heard. Checked before anything is picked or keyed."""
    kept, why = dict(result), {}
    for name, problem_of in _FIELDS.items():
        value = kept.get(name)
        problem = None if value is None else problem_of(value)
        if problem:
            why[name] = problem
            del kept[name]
    if "transcript" in why:
        kept.pop("recognise", None)
    if not why:
        return kept, []
    if len(why) == 1:
        ((name, problem),) = why.items()
        return kept, [f"left out result.json's {name}, not as DualTalk writes it ({problem})"]
    reasons = "; ".join(f"{name}: {problem}" for name, problem in why.items())
    return kept, [f"left out result.json's {_listed(list(why))}, not as DualTalk writes them ({reasons})"]


def _onto_whom(
    scene: Any, settings: Any, result: dict[str, Any], prefs: Any, made_with: dict[str, Any] | None
) -> tuple[ApplyOptions, tuple[int, int] | None, list[tuple[Any, tuple[Any, ...]]], str]:
    """Pick the characters the take was made for when they are in ``scene`` and pass the checks,
    else keep the panel's; then :func:`_checked`, and the line's clause on whom it keys (Generate's
    form: ``keyed Alice and Bob, the characters the take was made for (the panel now picks Alice for
    A and Bob for B)``; ``keyed Carol and Dan, the panel's picks (the take was made for Alice and
    Bob: Bob is not in scene 'Scene')``; "" when the panel already picks them, or the take does not
    say (a folder kept by an older version, ``infer --out``)."""
    made_for = _made_for(result)
    if made_for is None:
        return (*_checked(scene, settings, result, prefs, made_with), "")
    before = (settings.char_a, settings.char_b)
    elsewhere = _made_elsewhere(result)
    if elsewhere and None not in before and [obj.name for obj in before] != made_for:
        # made in another file (a shot saved as a new version, stand-ins picked on purpose): the
        # panel's picks stand while they can be keyed
        with contextlib.suppress(DualTalkError):
            checked = _checked(scene, settings, result, prefs, made_with)
            return (
                *checked,
                f"keyed {before[0].name} and {before[1].name}, the panel's picks (the take was made for "
                f"{made_for[0]} and {made_for[1]} in {elsewhere})",
            )
    found, why = _recorded_characters(scene, before, made_for)
    if found is not None and found != before:
        settings.char_a, settings.char_b = found
        try:
            checked = _checked(scene, settings, result, prefs, made_with)
        except DualTalkError as exc:  # e.g. linked from a library, read-only: the panel's picks, as before
            settings.char_a, settings.char_b = before
            why = str(exc)
        else:
            now = [
                f"{obj.name} for {role}"
                for role, obj, was in zip("AB", found, before, strict=True)
                if obj != was
            ]
            return (
                *checked,
                f"keyed {found[0].name} and {found[1].name}, the characters the take was made for "
                f"(the panel now picks {' and '.join(now)})",
            )
    whom = f"the take was made for {made_for[0]} and {made_for[1]}"
    try:
        checked = _checked(scene, settings, result, prefs, made_with)
    except DualTalkError as exc:
        if why and None in before and str(exc) != why:  # "choose both characters": whom, and why not them
            raise DualTalkError(f"{exc} ({whom}: {why})") from None
        raise
    picked = [obj.name for obj in before]
    if found == before or picked == made_for:
        return (*checked, "")
    return (*checked, f"keyed {picked[0]} and {picked[1]}, the panel's picks ({whom}: {why})")


def _checked(
    scene: Any, settings: Any, result: dict[str, Any], prefs: Any, made_with: dict[str, Any] | None
) -> tuple[ApplyOptions, tuple[int, int] | None, list[tuple[Any, tuple[Any, ...]]]]:
    """The options to key with (the panel's, with ``made_with``'s values in their place), a kept
    range re-planned on the picked characters, and the preflight's reports of both
    (:func:`.preflight.preflight`): everything checked before keying."""
    options = apply_options(settings, prefs, given=made_with)
    frame_range = kept_range(scene, settings, result, options)
    return options, frame_range, preflight(settings, options)


def _made_with(result: dict[str, Any]) -> dict[str, Any] | None:
    """The scene-side settings a kept take records (``scene_options``, since 2026-12), typed and
    checked through their declarations (:func:`coerce`, :func:`check`: the words a shot file's bad
    value gets) and its map file found; None where it records none (older folders, ``infer --out``).
    A value that cannot be used is refused in one line that names it and the way out (the panel's
    settings), before any pick changes: guessing another value would key the take unlike either.
    A setting this build does not know (a newer DualTalk's take) is left out, as Blender opens a
    newer file: :func:`_unknown` names it in the line, and the rest still key as made."""
    said = result.get("scene_options")
    if said is None:
        return None
    try:
        if not isinstance(said, dict):
            raise DualTalkError(f"scene_options must be an object of settings, got {type(said).__name__}")
        made = {name: _made_value(name, value) for name, value in said.items() if name in _RECORDED}
    except DualTalkError as exc:
        raise DualTalkError(
            f"the settings this take was made with cannot be used ({exc}); "
            "choose Settings: Panel's to key it with the panel's settings"
        ) from None
    return _one_map_for_both(made)


def _one_map_for_both(made: dict[str, Any]) -> dict[str, Any]:
    """A take made before each character could have its own map recorded one ``map`` for both: it
    keys as made, that map (or none) on both, not with a map A or B the panel holds now."""
    if "map" in made and "map_a" not in made and "map_b" not in made:
        return {**made, "map_a": None, "map_b": None}
    return made


def _unknown(result: dict[str, Any]) -> list[str]:
    """The recorded setting names this build does not know, as shown in the line (quoted, cut)."""
    said = result.get("scene_options")
    names = sorted(n for n in said if n not in _RECORDED) if isinstance(said, dict) else []
    shown = [repr(escaped(n if len(n) <= 30 else n[:27] + "...")) for n in names[:_MOST_SAID]]
    return shown + ([f"{len(names) - _MOST_SAID} more"] if len(names) > _MOST_SAID else [])


def _made_value(name: str, value: Any) -> Any:
    """One recorded setting as the declaration types it; a map file must still be there."""
    option = _RECORDED[name]
    typed = coerce(option, value, option.label)
    check(option, typed, required=option.default is not None or option.kind == "mapping")
    if option.kind == "path" and typed is not None:
        return need_file(MAP_FILES.get(name, "custom map"), str(typed))
    return typed


def _settings_said(
    scene: Any, settings: Any, use: str, made_with: dict[str, Any] | None, ranged: bool = False
) -> str:
    """The line's clause on the settings keyed with: ``with the settings the take was made with:
    smoothing 2 (the panel has 0)``, naming once those it does not record (the panel's). A kept
    range goes into the take at its own frames, without markers: those are not said."""
    if use == PANELS:
        return "with the panel's settings"
    if not made_with:
        return "with the panel's settings (the take does not record the settings it was made with)"
    ignored = ("markers", "start_frame") if ranged else ()
    differ = _differences(scene, settings, {k: v for k, v in made_with.items() if k not in ignored})
    said = "with the settings the take was made with"
    if differ:
        more = len(differ) - _MOST_SAID
        said += ": " + ", ".join(differ[:_MOST_SAID]) + (f" and {more} more" if more > 0 else "")
    unsaid = [_title(o) for o in panel_options.SCENE_SIDE if o.name not in made_with]
    if unsaid:
        said += f"; the panel's {_listed(unsaid)} (the take does not record {'it' if len(unsaid) == 1 else 'them'})"
    return said


def _listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _differences(scene: Any, settings: Any, made_with: dict[str, Any]) -> list[str]:
    """``smoothing 2 (the panel has 0)`` for each recorded value the panel (or, for the first
    frame, the scene) now holds otherwise; an intensity per group."""
    panel = scene_values(settings)
    out = []
    for name, value in made_with.items():
        option = _RECORDED[name]
        if name == "start_frame":
            if value is not None and value != scene.frame_start:
                out.append(f"start frame {value} (the scene starts at {scene.frame_start})")
        elif option.kind == "mapping":
            for key in option.keys:
                was, now = value.get(key, 1.0), panel[name].get(key, 1.0)
                if not math.isclose(was, now, abs_tol=1e-6):
                    out.append(f"{key} {_title(option)} {was:g} (the panel has {now:g})")
        elif not _same(option, value, panel[name]):
            out.append(
                f"{_title(option)} {_shown(option, value)} (the panel has {_shown(option, panel[name])})"
            )
    return out


def _same(option: Option, was: Any, now: Any) -> bool:
    if option.kind == "path":
        return was == now if None in (was, now) else same_path(was, now)
    if option.kind == "float":
        return math.isclose(was, now, abs_tol=1e-6)
    return bool(was == now)


def _title(option: Option) -> str:
    """The option's label inside a line: ``smoothing``, ``map file``; a character's stays ``A's map file``."""
    title = panel_options.title(option)
    return title if title[1:3] == "'s" else title.lower()


def _shown(option: Option, value: Any) -> str:
    """A setting's value as the panel shows it: a choice's label, on/off, a file's name, 2.5."""
    if value is None:
        return "none"
    if option.kind == "bool":
        return "on" if value else "off"
    if option.kind == "path":
        return Path(value).name
    if option.kind == "float":
        return f"{value:g}"
    return next((label for v, label, _text in panel_options.items(option) if v == value), str(value))


def _made_for(result: dict[str, Any]) -> list[str] | None:
    """The two characters' names a kept take records (``characters``, since 2026-12), or None where
    it records none (older folders, ``infer --out``) or something else."""
    names = result.get("characters")
    if not isinstance(names, list) or len(names) != 2:
        return None
    if not all(isinstance(n, str) and n for n in names) or names[0] == names[1]:
        return None
    return [str(n) for n in names]


def _made_elsewhere(result: dict[str, Any]) -> str:
    """The name of the .blend file a kept take was made in when it is not the open one ("an unsaved
    file" for a file never saved), else "" (made here, or the take does not say)."""
    import bpy

    made = result.get("blend_file")
    if not isinstance(made, str):
        return ""
    if same_path(made, bpy.data.filepath):  # (two unsaved files: both the working folder)
        return ""
    return Path(made).name if made else "an unsaved file"


def _recorded_characters(
    scene: Any, picks: tuple[Any, Any], names: list[str]
) -> tuple[tuple[Any, Any] | None, str]:
    """The objects of ``scene`` named as the take records its characters, A then B, when each is
    one usable character (the pickers' test); else None and why (``Bob is not in scene 'Scene'``).
    By name, as a kept take outlives the session: a character renamed since is not found, one in a
    collection excluded from every view layer is not picked, and a name shared by a linked object and
    a local one (or its override) is the panel's pick, else the local one."""
    found: list[Any] = []
    why: list[str] = []
    absent: list[str] = []
    shown = {obj for layer in scene.view_layers for obj in layer.objects}
    for name, pick in zip(names, picks, strict=True):
        same = [obj for obj in scene.objects if obj.name == name]
        characters = [obj for obj in same if qualifies(obj)]
        usable = [obj for obj in characters if obj in shown]
        local = [obj for obj in usable if obj.library is None]
        if pick is not None and pick in usable:
            found.append(pick)
        elif len(usable) == 1 or len(local) == 1:
            found.append(usable[0] if len(usable) == 1 else local[0])
        elif usable:
            why.append(f"more than one object in scene {scene.name!r} is named {name!r}")
        elif characters:
            why.append(f"{name!r} is in no view layer of scene {scene.name!r} (its collection is excluded)")
        elif same:
            why.append(f"{name!r} is not a character (needs shape keys or an armature)")
        else:
            absent.append(name)
    if absent:
        are = "is" if len(absent) == 1 else "are"
        why.insert(0, f"{' and '.join(absent)} {are} not in scene {scene.name!r}")
    if why:
        return None, "; ".join(why)
    return (found[0], found[1]), ""
