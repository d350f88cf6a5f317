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
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .errors import DualTalkError
from .fileio import cannot_write, ensure_writable_dir, resolve_output

WORK_MARKER = ".dualtalk-work"  # in a folder we created for intermediates: its A.npz etc. are ours

Labelled = tuple[str, "str | os.PathLike[str] | None"]


def real(path: str | os.PathLike[str]) -> Path:
    """The real path (symbolic links resolved, also for a file that does not exist yet)."""
    return Path(os.path.realpath(os.path.abspath(os.path.expanduser(path))))


def _inside(child: Path, folder: Path) -> bool:
    return child == folder or folder in child.parents


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
            if not _inside(rp, top):
                raise DualTalkError(
                    f"{label} {p} leads outside the job folder {top} (to {rp}, through a symbolic link); "
                    "outputs must stay inside the job file's folder"
                )
    for label, p, rp, is_folder in outs:
        for in_label, ip, irp in ins:
            if rp == irp:
                raise DualTalkError(f"{label} {p} would overwrite the {in_label} {ip}; choose another path")
            if is_folder and _inside(irp, rp):
                raise DualTalkError(
                    f"{label} {p} holds the {in_label} {ip.name}, which this run could replace; "
                    "choose another folder"
                )
            if not is_folder and _inside(rp, irp) and rp != irp:
                raise DualTalkError(f"{label} {p} lies inside the {in_label} {ip}")


def check_target(path: str | os.PathLike[str], label: str) -> None:
    """A file we will create at ``path``: its nearest existing ancestor must be a writable folder.

    What is there is judged by the rule every writer follows (:func:`~.fileio.resolve_output`): a
    pipe, a terminal or ``/dev/stdout`` is written into (nothing to create); a symbolic link to a
    file keeps the link, so the folder of the file it points to must take the new file; a device,
    a socket, a link loop are refused here, before any work."""
    p = Path(path)
    out = resolve_output(p, label)
    if out.streamed:
        return
    if out.file.is_dir():
        raise DualTalkError(f"{label} {p} is a folder; give a file name")
    parent = out.file.parent  # of the file a link points to: that file is the one replaced
    while not parent.exists():
        if parent.is_symlink():
            raise DualTalkError(f"{label} {p}: {parent} is a broken link")
        if parent == parent.parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise DualTalkError(f"{label} {p} cannot be created: {parent} is a file, not a folder")
    why = cannot_write(parent)
    if why is not None:
        raise DualTalkError(f"{label} {p} cannot be created: folder {parent} {why}")


def check_folder_target(path: str | os.PathLike[str], label: str) -> None:
    """A folder we will create or write into: a folder (or creatable), and writable."""
    p = Path(path)
    if p.is_symlink() and not p.exists():  # else mkdir fails only after the whole run, with "File exists"
        target = os.readlink(p)
        raise DualTalkError(f"{label} {p} is a broken link (it points to {target}, which does not exist)")
    if p.exists() and not p.is_dir():
        raise DualTalkError(f"{label} {p} exists and is not a folder")
    if p.is_dir():
        why = cannot_write(p)
        if why is not None:
            raise DualTalkError(f"{label} folder {p} {why}")
        return
    check_target(p, label)


def check_work_folder(folder: str | os.PathLike[str], names: Sequence[str], label: str = "--work") -> None:
    """Refuse a work folder that already holds files we would replace but did not write."""
    p = Path(folder)
    check_folder_target(p, label)
    if not p.is_dir() or (p / WORK_MARKER).is_file():
        return
    clash = [n for n in names if (p / n).exists() or (p / n).is_symlink()]
    if clash:
        raise DualTalkError(
            f"{label} {p} already holds {', '.join(clash)}, which DualTalk did not write there and would "
            "replace; choose an empty or new folder"
        )


def check_motion_outputs(files: Sequence[str | os.PathLike[str]], label: str = "--out") -> None:
    """Refuse to replace a file that is not a DualTalk motion file (the user's own ``A.npz``, a folder
    of that name): a motion file there is an earlier take of ours, anything else is theirs."""
    from .motion import is_motion_file

    paths = [Path(f) for f in files]
    theirs = [p.name for p in paths if os.path.lexists(p) and not is_motion_file(p)]
    if theirs:
        what = "is not a DualTalk motion file" if len(theirs) == 1 else "are not DualTalk motion files"
        raise DualTalkError(
            f"{label} {paths[0].parent} already holds {', '.join(theirs)}, which {what} and this run would "
            f"replace; move {'it' if len(theirs) == 1 else 'them'} or choose another folder"
        )


def mark_work_folder(folder: str | os.PathLike[str]) -> None:
    """Record that the intermediates in ``folder`` are ours (the next run may replace them)."""
    p = Path(folder)
    p.mkdir(parents=True, exist_ok=True)
    marker = p / WORK_MARKER
    if not marker.exists():
        marker.write_text("DualTalk writes its intermediate files (A.npz, B.npz, dialogue.wav) here.\n")


@contextlib.contextmanager
def run_folder(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """``folder`` made if needed (checked writable) and marked as ours for one run; one this run
    made is removed again when the run fails or stops, so a first run stopped part-way leaves no
    folder behind (``animate``'s work folder, the demo's ``--out``)."""
    p = Path(folder)
    created = not os.path.lexists(p)
    ensure_writable_dir(p)
    mark_work_folder(p)
    try:
        yield p
    except BaseException:
        if created:
            _drop_work_folder(p)
        raise


def _drop_work_folder(folder: Path) -> None:
    """Remove a work folder a failed first run made, and its marker, only while nothing else is in
    it: another run writing there keeps both (without the marker every later run refused the folder
    as not DualTalk's)."""
    try:
        if [c.name for c in folder.iterdir()] != [WORK_MARKER]:
            return
        (folder / WORK_MARKER).unlink()
        folder.rmdir()
    except OSError:
        return
