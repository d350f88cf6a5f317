"""What an Export FBX leaves when the animator's Blender dies mid-export, and how the next one finds it.

The job (:mod:`.fbx_job`) stages hidden siblings of the user's files (``.pair.XXXXXXXX.part.fbx``) and
saves a copy of the .blend in a ``dualtalk_fbx_*`` temp folder. A crash, ``kill -9`` or the OOM killer
of the animator's Blender left both behind (review rv38f F3: a full copy of the scene per crash). The
exporting Blender now removes them itself once its parent is gone (:mod:`.fbx_child`); what it could
not remove (it was killed too, or a reboot emptied the temp folder but not the user's) the next Export
FBX sweeps (:func:`sweep`):

- a temp folder whose ``owner.lock`` nobody holds: the staged files its job lists and the lock files
  beside the user's files it names (the job file is written before the slow save of the copy), then
  the folder. The owner lock is taken with ``flock`` by the animator's Blender before anything is
  staged and passed to the exporting Blender (the same open file), so it is let go only when both
  are gone;
- beside each file the export writes, that file's staged names (and the exporter's temporary beside
  one) that no live folder lists. The sweep runs holding the file's own lock
  (:func:`...inference.core.locks.locked`), which every export of that file holds while it runs, so a
  live export's staged file is never taken.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ...inference.core.fileio import STEM_CUT
from ...inference.core.locks import try_lock

FOLDER_PREFIX = "dualtalk_fbx_"  # the job's temp folder (tempfile.mkdtemp's prefix)
OWNER = "owner.lock"  # in it: held while the animator's Blender or the exporting one lives
RANDOM = "[a-z0-9_]"  # one of the 8 characters tempfile.mkstemp puts in a name
_NO_LINK = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_ANY_STAGED = re.compile(rf"\..+\.{RANDOM}{{8}}\.part\.fbx")


def hold_owner(folder: Path) -> int:
    """Make and lock ``folder``'s owner lock; its descriptor (close it to let go). On POSIX it is
    locked under another name and renamed, so no sweep ever finds it there and not yet held."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    if os.name != "posix":  # Windows renames no open file
        fd = os.open(folder / OWNER, flags, 0o600)
        try_lock(fd)
        return fd
    fd = os.open(folder / f".{OWNER}.new", flags, 0o600)
    try:
        if not try_lock(fd):
            raise OSError(f"could not lock {folder / OWNER}")
        os.rename(folder / f".{OWNER}.new", folder / OWNER)
    except BaseException:
        os.close(fd)
        raise
    return fd


def exporters_temporaries(staged: Path) -> Iterable[Path]:
    """What the exporter was writing beside ``staged`` (its own atomic temporary) when it stopped."""
    cut = re.escape(staged.stem[:STEM_CUT])
    pattern = re.compile(rf"\.{cut}\.{RANDOM}{{8}}\.part\.fbx")
    with contextlib.suppress(OSError):
        for name in os.listdir(staged.parent):
            if pattern.fullmatch(name):
                yield staged.parent / name


def remove_staged(staged: Iterable[Path]) -> None:
    """Each staged file and the exporter's temporary beside it; only names the job stages."""
    for path in staged:
        if not _ANY_STAGED.fullmatch(path.name):
            continue
        for left in [path, *exporters_temporaries(path)]:
            with contextlib.suppress(OSError):
                left.unlink()


def job_staged(folder: Path) -> list[Path]:
    """The staged files the job in ``folder`` writes (none when its job file is not written yet)."""
    return [Path(str(entry["path"])) for entry in _job_files(folder) if "path" in entry]


def job_finals(folder: Path) -> list[Path]:
    """The user's files the job in ``folder`` writes, whose locks it holds while it lives."""
    return [Path(str(entry["final"])) for entry in _job_files(folder) if "final" in entry]


def _job_files(folder: Path) -> list[dict[str, object]]:
    try:
        job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
        return [entry for entry in job["files"] if isinstance(entry, dict)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def let_go_of(final: Path) -> None:
    """Remove the lock file a dead export left beside ``final`` (taken and let go, as
    :func:`...inference.core.locks.locked` does, which removes it); one a live export holds stays."""
    from ...inference.core import locks
    from ...inference.core.errors import DualTalkError

    if not locks.lock_file(final).exists():
        return
    with contextlib.suppress(DualTalkError, OSError), locks.locked(final, "FBX file"):
        pass


def _folders() -> Iterable[Path]:
    """This user's job folders in the temp folder (another user's are not ours to judge)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            if not entry.name.startswith(FOLDER_PREFIX):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False) and (
                    os.name != "posix" or entry.stat(follow_symlinks=False).st_uid == os.getuid()
                ):
                    yield Path(entry.path)


def sweep_folders() -> set[Path]:
    """Remove every job folder nobody owns any more, with the staged files its job lists; the staged
    files of the live ones. A folder with no owner lock yet (being made) is left alone."""
    live: set[Path] = set()
    for folder in _folders():
        try:
            fd = os.open(folder / OWNER, os.O_RDWR | _NO_LINK)
        except OSError:
            continue
        try:
            if not try_lock(fd):
                live.update(job_staged(folder))
                continue
            remove_staged(job_staged(folder))
            for final in job_finals(folder):  # a crash while the copy was saved left these too
                let_go_of(final)
            if os.name != "posix":
                os.close(fd)
                fd = -1
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            if fd >= 0:
                os.close(fd)
    return live


def _staged_names(final: Path) -> re.Pattern[str] | None:
    """The names the job stages for ``final`` and the exporter's temporaries beside them, never the
    exporter's temporary beside ``final`` itself (a script writing it now: ``.pair.writing.XXXXXXXX
    .part.fbx``, :func:`..scene.fbx_export.temporary_prefix`); None where the stem is cut (another
    file's staged names could share it)."""
    stem = final.stem
    if len(stem) >= STEM_CUT:
        return None
    # the staged name's stem, position by position, cut where the exporter cuts its temporary's
    pieces = [r"\.", *map(re.escape, stem), r"\.", *[RANDOM] * 8, *map(re.escape, ".part")]
    staged = "".join(pieces) + r"\.fbx"
    temporary = r"\." + "".join(pieces[:STEM_CUT]) + rf"\.{RANDOM}{{8}}\.part\.fbx"
    return re.compile(f"{staged}|{temporary}")


def sweep(finals: Iterable[Path]) -> None:
    """What dead exports left: their folders (:func:`sweep_folders`), then the staged files beside
    each of ``finals`` no live job lists. Call it holding each final's lock."""
    from ...inference.core.errors import DualTalkError
    from ...inference.core.fileio import resolve_output

    live = {os.path.realpath(p) for p in sweep_folders()}
    live_cuts = {Path(p).stem[:STEM_CUT] for p in live}
    for final in finals:
        names = _staged_names(final)
        try:
            out = resolve_output(final)  # staged beside the file a link at ``final`` points to
        except DualTalkError:
            continue
        if names is None or out.streamed:
            continue
        with contextlib.suppress(OSError):
            for name in os.listdir(out.file.parent):
                path = out.file.parent / name
                if not names.fullmatch(name) or os.path.realpath(path) in live:
                    continue
                if name[1:-18] in live_cuts:  # the exporter's temporary beside a live staged file
                    continue
                with contextlib.suppress(OSError):
                    path.unlink()
