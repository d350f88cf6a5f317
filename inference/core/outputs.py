"""Checking every path a run will write *before* it writes anything.

Text checks on paths (no ``..``, relative to the job folder) are not enough: a symbolic
link turns ``exports/s1.blend`` into a path anywhere, and two spellings of one file
compare unequal. So every file a run will create or replace, intermediates included,
is resolved to its real path and compared with the real paths of the run's inputs.
A refusal is one line and happens before the first byte is written.

Folders we write into (an engine work folder, a render folder) get a second rule: we
never replace or delete a file in them that we did not write. A work folder we made
carries a marker file; an existing folder without it must not already hold the names we
are about to write.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib
import os
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import DualTalkError
from .fileio import cannot_write, ensure_writable_dir, read_only, resolve_output

WORK_MARKER = ".dualtalk-work"  # in a folder we created for intermediates: its A.npz etc. are ours
LOCK_SUFFIX = ".dualtalk-lock"  # a run's lock file (:mod:`.locks`); one inside a work folder is no content
# a take folder's files, written as one set (``generate.write_dialogue``); script_read.tsv is
# ``phonetic.script_reading.FILE_NAME``, named here as core imports nothing outside core
TAKE_FILES = ("A.npz", "B.npz", "script_read.tsv")

Labelled = tuple[str, "str | os.PathLike[str] | None"]


def real(path: str | os.PathLike[str]) -> Path:
    """The real path (symbolic links resolved, also for a file that does not exist yet) of the path as
    the writers open it: ``~`` is not expanded here (the command line expands it as it reads a flag,
    :func:`~.request.cli_path`), so a check never looks at another file than the one written."""
    return Path(os.path.realpath(os.path.abspath(path)))


def _inside(child: Path, folder: Path) -> bool:
    return child == folder or folder in child.parents


def case_insensitive(path: str | os.PathLike[str] | None = None) -> bool:
    """Whether names here are compared without letter case: macOS's default volumes (APFS, HFS+)
    and Windows (NTFS) take ``Scene.blend`` and ``scene.blend`` as one file. Elsewhere a folder can
    still do so (a Windows share mounted over SMB, an exFAT drive, an ext4 casefold folder): with an
    absolute ``path``, its nearest existing folder is asked (:func:`folds_case`)."""
    if sys.platform in ("darwin", "win32"):
        return True
    if path is None or not os.path.isabs(path):
        return False
    folder = os.path.abspath(path)
    while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folds_case(folder)


@functools.lru_cache(maxsize=256)
def folds_case(folder: str) -> bool:
    """Whether ``folder`` (an existing folder) takes a name in the other letter case as the same
    entry: one of its entries (or, if it has none, the folder itself in its parent) looked up with
    its letters' case swapped is the same file. Asked once per folder; nothing is written."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for n, entry in enumerate(entries):
            if n >= 32:
                break
            if entry.name.swapcase() != entry.name:
                with contextlib.suppress(OSError):
                    return _same_entry(os.path.join(folder, entry.name), folder, entry.name.swapcase())
    parent, name = os.path.split(folder)
    if parent and name and name.swapcase() != name:
        with contextlib.suppress(OSError):
            return _same_entry(folder, parent, name.swapcase())
    return False


def _same_entry(path: str, folder: str, other: str) -> bool:
    """``folder/other`` is ``path`` (False when nothing is there under that name)."""
    mine = os.stat(path)  # raises for a link to nothing: the caller tries another entry
    try:
        return os.path.samestat(os.stat(os.path.join(folder, other)), mine)
    except FileNotFoundError:
        return False


def normalization_insensitive() -> bool:
    """Whether names here are compared after Unicode normalization: macOS's APFS and HFS+ take
    "Café" typed (é, one code point) and "Café" from the Finder (e + a combining accent) as one file."""
    return sys.platform == "darwin"


def spelled(path: Path) -> Path:
    """``path`` as the file system compares names: case-folded where names are case-insensitive
    (:func:`case_insensitive`), in one Unicode normal form where the system normalizes
    (:func:`normalization_insensitive`), else as it is. For names that do not exist yet (a file that
    exists is compared by identity, :func:`identity`); ``real()`` keeps the spelling it was given."""
    text = str(path)
    if normalization_insensitive():
        text = unicodedata.normalize("NFD", text)
    if case_insensitive(path):
        text = text.casefold()
        if normalization_insensitive():  # folding can undo the normal form (ß, Greek with accents)
            text = unicodedata.normalize("NFD", text)
    return Path(text) if text != str(path) else path


def identity(path: str | os.PathLike[str]) -> os.stat_result | None:
    """What ``path`` is on disk (``os.stat``, links followed) when it exists, for
    ``os.path.samestat``: two names of one file (a hard link; ``scene.blend`` for ``Scene.blend`` on
    a case-insensitive disk) are one file. None where nothing is there, it cannot be read, it is no
    file or folder (``/dev/stdout`` and ``/dev/stdin`` on one terminal are one device, nothing
    replaced), or the file system gives no file numbers (``st_ino`` 0: some Windows and network file
    systems, where every file would look the same)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not st.st_ino or not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        return None
    return st


def same_file(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    """Both exist and are one file (:func:`identity`)."""
    return a is not None and b is not None and os.path.samestat(a, b)


def another_name(a: Path, b: Path) -> str:
    """Why two different paths name one file, for a refusal: " (the same file under another name)"."""
    if a != b and spelled(a) == spelled(b):
        if normalization_insensitive() and unicodedata.normalize("NFD", str(a)) == unicodedata.normalize(
            "NFD", str(b)
        ):
            return " (the same file: the names differ only in how their accented letters are encoded)"
        if case_insensitive(a):
            return " (the same file: names differing only in letter case name one file here)"
    return " (the same file under another name)"


NAME_MAX = 255  # bytes in one name, where the file system does not say


def path_max() -> int:
    """Bytes in a whole path, its end included (Linux 4096, macOS 1024); a path must be shorter."""
    return 1024 if sys.platform == "darwin" else 4096


def name_max(path: str | os.PathLike[str]) -> int:
    """The longest file name the file system holding ``path`` (its nearest existing folder) takes."""
    folder = os.path.dirname(os.path.abspath(path)) or os.sep
    while not os.path.isdir(folder) and folder != os.path.dirname(folder):
        folder = os.path.dirname(folder)
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return NAME_MAX


def too_long(path: str | os.PathLike[str]) -> str | None:
    """Why the system will refuse ``path`` for its length ("name too long (300 bytes; the limit is 255
    per name, 4096 per path)"), None when it will not. Judged from the text, so also for a path whose
    folders do not exist yet (the system says so only for the first missing one, and a run found the
    too-long name after its whole generation). Windows counts in UTF-16 units, not bytes
    (:func:`_too_long_on_windows`)."""
    if os.name == "nt":
        return _too_long_on_windows(os.fsdecode(os.path.abspath(path)))
    raw = os.fsencode(path)
    per_name = name_max(path)
    limits = f"the limit is {per_name} per name, {path_max()} per path"
    longest = max((len(part) for part in raw.split(b"/")), default=0)
    if longest > per_name:
        return f"name too long ({longest} bytes; {limits})"
    if len(raw) >= path_max():
        return f"path too long ({len(raw)} bytes; {limits})"
    return None


WINDOWS_NAME_MAX = 255  # UTF-16 units in one name (NTFS, exFAT, FAT32 long names)
WINDOWS_MAX_PATH = 260  # UTF-16 units in a whole path, its end included, without long paths


def windows_long_paths() -> bool:
    """Whether Windows' LongPathsEnabled policy is on. Where it is off, no program may use a path of
    260 units or more (unless spelled ``\\\\?\\``); where it is on, the program's own manifest
    decides, which cannot be read from here, so the path's length is then left to the system."""
    try:
        winreg: Any = importlib.import_module("winreg")  # Windows only

        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SYSTEM\CurrentControlSet\Control\FileSystem") as key:
            return bool(winreg.QueryValueEx(key, "LongPathsEnabled")[0])
    except (ImportError, OSError, ValueError, TypeError):
        return False


def _too_long_on_windows(text: str) -> str | None:
    """:func:`too_long` as Windows counts: UTF-16 units, 255 per name, paths under 260 units where
    long paths are off (an output past it was refused only after the whole generation)."""

    def units(part: str) -> int:
        return len(part.encode("utf-16-le", "surrogatepass")) // 2

    longest = max((units(part) for part in text.replace("\\", "/").split("/")), default=0)
    if longest > WINDOWS_NAME_MAX:
        return f"name too long ({longest} characters; Windows allows {WINDOWS_NAME_MAX} per name)"
    if text.startswith("\\\\?\\") or units(text) < WINDOWS_MAX_PATH or windows_long_paths():
        return None
    return (
        f"path too long ({units(text)} characters; Windows allows {WINDOWS_MAX_PATH - 1} unless long paths "
        "are enabled: use a shorter folder, or turn on Windows' LongPathsEnabled setting)"
    )


def closed_folder(path: str | os.PathLike[str]) -> Path | None:
    """The first folder on the way to ``path`` this user may not enter (no search permission), or None."""
    p = Path(os.path.abspath(path))
    for folder in reversed(p.parents):
        if os.path.isdir(folder) and not os.access(folder, os.X_OK):
            return folder
    return None


def stat_path(
    path: str | os.PathLike[str], label: str, *, follow: bool = True, action: str = "opened"
) -> os.stat_result | None:
    """``os.stat`` (``os.lstat`` without ``follow``) of a path the user gave, None when nothing is
    there (or a link loop: the callers say that in their words). What Python 3.11's ``Path.exists()``,
    ``is_dir()`` and ``is_symlink()`` raise instead of answering is one :class:`DualTalkError` line
    naming the path and the reason: a name or path too long for the system (:func:`too_long`), and a
    path inside a folder this user cannot enter ("LABEL PATH cannot be opened (permission denied:
    cannot enter folder F)"; ``action`` is the verb, "written" for an output)."""
    p = Path(path)
    why = too_long(p)
    if why is not None:
        raise DualTalkError(f"{label} {p}: {why}")
    try:
        return os.stat(p) if follow else os.lstat(p)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise DualTalkError(f"{label} {p}: {exc.strerror or 'name too long'}") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise permission_denied(label, p, action) from None
        return None


def permission_denied(label: str, path: Path, action: str = "opened") -> DualTalkError:
    """ "LABEL PATH cannot be opened (permission denied: cannot enter folder F)", the folder named
    when one on the way is closed to this user (:func:`closed_folder`)."""
    closed = closed_folder(path)
    where = f": cannot enter folder {closed}" if closed is not None else ""
    return DualTalkError(f"{label} {path} cannot be {action} (permission denied{where})")


def refuse_existing(
    path: str | os.PathLike[str], label: str, *, replace: bool, flag: str = "--replace"
) -> None:
    """A single-file output that already exists is someone's work (weights, an aligned corpus):
    write over it only when the user said so with ``flag``; a folder there is never replaced."""
    st = stat_path(path, label, action="written")
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        raise DualTalkError(f"{label} {path} is a folder; give a file name")
    if not replace:
        raise DualTalkError(
            f"{label} {path} already exists; give {flag} to write over it, or another {label}"
        )


def is_folder(path: str | os.PathLike[str], label: str, *, action: str = "opened") -> bool:
    """``Path.is_dir()`` that says why in one line where it would raise (:func:`stat_path`)."""
    st = stat_path(path, label, action=action)
    return st is not None and stat.S_ISDIR(st.st_mode)


def check_write_plan(
    files: Iterable[Labelled],
    inputs: Iterable[Labelled],
    *,
    folders: Iterable[Labelled] = (),
    root: str | os.PathLike[str] | None = None,
) -> None:
    """Refuse a plan whose outputs would overwrite an input, hold an input, or leave ``root``.

    ``files`` are the files the run creates or replaces (intermediates included),
    ``folders`` the folders it writes into, ``inputs`` every file it reads. With ``root``
    (a job file's folder), every output must really lie inside it, symbolic links followed.
    """
    ins = [(label, Path(p), real(p)) for label, p in inputs if p is not None]
    outs = [(label, Path(p), real(p), False) for label, p in files if p is not None]
    outs += [(label, Path(p), real(p), True) for label, p in folders if p is not None]
    if root is not None:
        top = real(root)
        for label, p, rp, _ in outs:
            if not _inside(spelled(rp), spelled(top)):
                raise DualTalkError(
                    f"{label} {p} leads outside the job folder {top} (to {rp}, through a symbolic link); "
                    "outputs must stay inside the job file's folder"
                )
    # names compared as the file system compares them (case-folded on macOS and Windows), and a
    # file that exists by identity: a hard link, or "scene.blend" for "Scene.blend" on such a disk
    in_keys = [(in_label, ip, irp, spelled(irp), identity(irp)) for in_label, ip, irp in ins]
    for label, p, rp, is_folder in outs:
        key, ident = spelled(rp), identity(rp)
        for in_label, ip, irp, ikey, iident in in_keys:
            if key == ikey or same_file(ident, iident):
                why = "" if rp == irp else another_name(rp, irp)
                raise DualTalkError(
                    f"{label} {p} would overwrite the {in_label} {ip}{why}; choose another path"
                )
            if is_folder and _inside(ikey, key):
                raise DualTalkError(
                    f"{label} {p} holds the {in_label} ({ip.name}), which this run could replace; "
                    "choose another folder"
                )
            if not is_folder and _inside(key, ikey):
                raise DualTalkError(f"{label} {p} lies inside the {in_label} {ip}")


def check_target(path: str | os.PathLike[str], label: str) -> None:
    """A file we will create at ``path``: its nearest existing ancestor must be a writable folder.

    What is there is judged by the rule every writer follows (:func:`~.fileio.resolve_output`): a
    pipe, a terminal or ``/dev/stdout`` is written into (nothing to create); a symbolic link to a
    file keeps the link, so the folder of the file it points to must take the new file; a device,
    a socket, a link loop are refused here, before any work. So are a name or path too long for the
    system, a path inside a folder this user cannot enter (:func:`stat_path`), and a file
    there this user may not replace (:func:`~.fileio.read_only`)."""
    p = Path(path)
    stat_path(p, label, follow=False, action="written")  # too long, or behind a closed folder
    out = resolve_output(p, label)
    if out.streamed:
        return
    if is_folder(out.file, label, action="written"):
        raise DualTalkError(f"{label} {p} is a folder; give a file name")
    if read_only(out.file):
        raise DualTalkError(f"{label} {p} is read-only; remove it or make it writable")
    _check_creatable(p, out.file.parent, label)  # of the file a link points to: that file is replaced


def _check_creatable(p: Path, parent: Path, label: str) -> None:
    """``p`` (the path as given, for messages) can be made under ``parent``: the nearest existing
    folder on the way is a folder this user may write into."""
    while stat_path(parent, label, action="written") is None:
        there = stat_path(parent, label, follow=False, action="written")
        if there is not None:
            if stat.S_ISLNK(there.st_mode) and stat_path(parent, label, action="written") is None:
                raise DualTalkError(f"{label} {p}: {parent} is a broken link")  # a link to nothing
            break  # made a moment ago (another run writing into the same new folder): judged below
        if parent == parent.parent:
            break
        parent = parent.parent
    if not is_folder(parent, label, action="written"):
        raise DualTalkError(f"{label} {p} cannot be created: {parent} is a file, not a folder")
    why = cannot_write(parent)
    if why is not None:
        raise DualTalkError(f"{label} {p} cannot be created: folder {parent} {why}")


def check_folder_target(path: str | os.PathLike[str], label: str) -> None:
    """A folder we will create or write into: a folder (or creatable), and writable. ``label`` leads
    the message ("--out", "work folder"); a label that does not already say "folder" gets the word."""
    p = Path(path)
    there = stat_path(p, label, action="written")
    link = stat_path(p, label, follow=False, action="written")
    if there is None and link is not None and stat.S_ISLNK(link.st_mode):
        # else mkdir fails only after the whole run, with "File exists"
        raise DualTalkError(
            f"{label} {p} is a broken link (it points to {os.readlink(p)}, which does not exist)"
        )
    if there is not None and not stat.S_ISDIR(there.st_mode):
        raise DualTalkError(f"{label} {p} exists and is not a folder")
    if there is not None:
        why = cannot_write(p)
        if why is not None:
            name = label if label.split()[-1] == "folder" else f"{label} folder"
            raise DualTalkError(f"{name} {p} {why}")
        return
    # not there a moment ago: judged by the folder it will be made in, not as a file (another run
    # may make it between the two looks, and a folder is what we want there)
    _check_creatable(p, p.parent, label)


def check_work_folder(folder: str | os.PathLike[str], names: Sequence[str], label: str = "--work") -> None:
    """Refuse a work folder that already holds files we would replace but did not write."""
    p = Path(folder)
    check_folder_target(p, label)
    if not p.is_dir() or has_work_marker(p):
        return
    clash = [n for n in names if (p / n).exists() or (p / n).is_symlink()]
    if clash:
        raise DualTalkError(
            f"{label} {p} already holds {', '.join(clash)}, which DualTalk did not write there and would "
            "replace; choose an empty or new folder"
        )


def check_motion_outputs(files: Sequence[str | os.PathLike[str]], label: str = "--out") -> None:
    """Refuse to replace a file that is not a DualTalk motion file (the user's own ``A.npz``, a folder
    of that name): a motion file there is an earlier take of ours, anything else is theirs. And refuse
    a take folder's file that is a link leading out of it (:func:`check_take_links`)."""
    from .motion import is_motion_file

    paths = [Path(f) for f in files]
    if paths:
        check_take_links(paths[0].parent, list(dict.fromkeys([*(p.name for p in paths), *TAKE_FILES])), label)
    theirs = [p.name for p in paths if os.path.lexists(p) and not is_motion_file(p)]
    if theirs:
        what = "is not a DualTalk motion file" if len(theirs) == 1 else "are not DualTalk motion files"
        raise DualTalkError(
            f"{label} {paths[0].parent} already holds {', '.join(theirs)}, which {what} and this run would "
            f"replace; move {'it' if len(theirs) == 1 else 'them'} or choose another folder"
        )


def check_take_links(folder: str | os.PathLike[str], names: Sequence[str], label: str = "--out") -> None:
    """Refuse a take folder whose ``names`` (its A.npz, B.npz, script_read.tsv) include a symbolic link
    leading out of it. A take's files are one set, written together under the folder's lock; written
    through such a link, another take's A.npz was replaced, left beside its old B.npz outside any lock
    (review rv43c F2); animate's work folder and a job's outputs refused such a link already. A link
    within the folder, and the folder itself a link (``--out`` names that take), are written as before;
    so is a link given as a single output (``--fbx``, ``--summary``): the link is what the user named."""
    inside = real(folder)
    out = [
        (n, os.readlink(Path(folder) / n))
        for n in names
        if os.path.islink(Path(folder) / n) and not _inside(real(Path(folder) / n), inside)
    ]
    if out:
        one = len(out) == 1
        links = ", ".join(f"{n} (a link to {target})" for n, target in out)
        raise DualTalkError(
            f"{label} {folder} holds {links}, which lead{'s' if one else ''} outside the folder: writing "
            f"the take through {'it' if one else 'them'} would replace the file{'' if one else 's'} there; "
            f"remove the link{'' if one else 's'} or choose another folder"
        )


def has_work_marker(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` holds DualTalk's marker: a regular file of its own. A symbolic link there
    (dangling or not) or anything else at its name was planted by someone else (a shared shot
    folder): it does not make the folder ours, and the record must never be written through it, so
    it is refused in one line before any work."""
    marker = Path(folder) / WORK_MARKER
    try:
        st = os.lstat(marker)
    except (FileNotFoundError, NotADirectoryError):
        return False
    if stat.S_ISLNK(st.st_mode):
        raise DualTalkError(f"{marker} is a symbolic link, not DualTalk's record; remove it")
    if not stat.S_ISREG(st.st_mode):
        raise DualTalkError(f"{marker} is not a regular file, not DualTalk's record; remove it")
    return True


def mark_work_folder(folder: str | os.PathLike[str]) -> None:
    """Record that the intermediates in ``folder`` are ours (the next run may replace them). The
    marker is created as a new regular file (``O_EXCL | O_NOFOLLOW``): never through a link."""
    p = Path(folder)
    p.mkdir(parents=True, exist_ok=True)
    if has_work_marker(p):
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p / WORK_MARKER, flags, 0o666)
    except FileExistsError:  # made a moment ago (another run): judged as any marker found
        has_work_marker(p)
        return
    with os.fdopen(fd, "w") as fh:
        fh.write("DualTalk writes its intermediate files (A.npz, B.npz, dialogue.wav) here.\n")


@contextlib.contextmanager
def run_folder(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """``folder`` made if needed (checked writable) and marked as ours for one run; one this run
    made is removed again when the run fails or stops, so a first run stopped part-way leaves no
    folder behind (``animate``'s work folder, the demo's ``--out``)."""
    p = Path(folder)
    created = not os.path.lexists(p) or _only_locks(p)  # the run's lock inside made it a moment ago
    ensure_writable_dir(p)
    mark_work_folder(p)
    try:
        yield p
    except BaseException:
        if created:
            _drop_work_folder(p)
        raise


def _contents(folder: Path) -> list[str]:
    """What a folder holds, its runs' lock files aside (they go when their runs end)."""
    return [c.name for c in folder.iterdir() if not c.name.endswith(LOCK_SUFFIX)]


def _only_locks(folder: Path) -> bool:
    """A folder holding a run's lock file and nothing else: made a moment ago for the lock. An empty
    folder the user made (``mkdir out`` before the run) is theirs, and stays when the run fails."""
    try:
        names = [c.name for c in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        return False
    return bool(names) and not _contents(folder)


def _drop_work_folder(folder: Path) -> None:
    """Remove a work folder a failed first run made, and its marker, only while nothing else is in
    it: another run writing there keeps both (without the marker every later run refused the folder
    as not DualTalk's). The run's own lock inside it keeps the folder until the lock is let go,
    which removes the folder it was made for (:func:`.locks.locked`)."""
    try:
        if _contents(folder) != [WORK_MARKER]:
            return
        (folder / WORK_MARKER).unlink()
        folder.rmdir()
    except OSError:
        return
