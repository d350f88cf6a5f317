"""A folder of entries DualTalk keeps under ``$DUALTALK_HOME`` (else ``~/.cache/dualtalk``, the
downloads' home) so a later run does not repeat work: what ``--recognise`` heard
(:mod:`.phonetic.recognised_cache`) and a recording's cues (:mod:`.behaviour.recording_cues`).

One rule for every such folder, so what the preferences show and clear is what the caches write:
an entry is ``<sha256>.<suffix>``, written through a temporary ``.<key[:16]>.<random>.tmp`` beside
it and renamed over it (whole or not at all). Those are the only names a cache writes, prunes or
clears; a folder holding any other name is the user's (``$DUALTALK_HOME`` is a folder they choose):
never written into, pruned or cleared. A temporary younger than :data:`STALE_TEMP_S` may be
written now and stays; an older one a run that died left is removed with the entries.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .core.fileio import plain_mode

STALE_TEMP_S = 3600.0  # a temporary left by a run that died is removed after this
TEMP_NAME = re.compile(r"\.[0-9a-f]{16}\..+\.tmp")


@dataclass
class Held:
    """What a kept folder holds, or what :meth:`KeptFolder.clear` removed from it: ``entries``,
    ``size`` bytes (entries and temporaries), ``foreign``: the first name the cache did not write
    (the folder is then the user's: never written into, pruned or cleared)."""

    entries: int = 0
    size: int = 0
    foreign: str | None = None


class KeptFolder:
    """The folder ``name`` under the home, whose entries are ``<64 hex digits><suffix>``; debug
    lines go to ``log``, ``not_kept`` starting the one said where the folder cannot be used."""

    def __init__(self, name: str, suffix: str, log: logging.Logger, not_kept: str) -> None:
        self.name = name
        self.entry_name = re.compile(r"[0-9a-f]{64}" + re.escape(suffix))
        self.suffix = suffix
        self.log = log
        self.not_kept = not_kept

    def home_folder(self) -> Path:
        """Where the entries go, whether or not anything was kept yet (nothing is made here); a
        DualTalkError where there is no home folder and no ``$DUALTALK_HOME``."""
        from .download import default_model_dir

        return default_model_dir() / self.name

    def usable(self) -> Path | None:
        """The folder (created), or None where there is no writable home or where it holds a name
        the cache did not write; one debug line then, never an error: the work is done uncached."""
        try:
            folder = self.home_folder()
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise PermissionError(f"{folder} is not writable")
            foreign = next((p.name for p in folder.iterdir() if not self.ours(p.name)), None)
            if foreign is not None:
                raise FileExistsError(f"{folder} holds {foreign!r}, which is not a cache entry")
        except Exception as exc:  # no home, a read-only home, a file in the way
            self.log.debug("%s (%s)", self.not_kept, exc)
            return None
        return folder

    def ours(self, name: str) -> bool:
        """A name the cache writes (an entry or its temporary)."""
        return bool(self.entry_name.fullmatch(name) or TEMP_NAME.fullmatch(name))

    def own_files(self, folder: Path) -> tuple[list[tuple[Path, os.stat_result]], str | None]:
        """The cache's own plain files in ``folder`` (not followed: a link is itself) and the first
        name it did not write; nothing at all where the folder does not exist."""
        found, foreign = [], None
        try:
            names = sorted(folder.iterdir())
        except FileNotFoundError:
            return [], None
        for path in names:
            if not self.ours(path.name):
                foreign = foreign or path.name
                continue
            with contextlib.suppress(OSError):
                st = path.lstat()
                if not stat.S_ISDIR(st.st_mode):
                    found.append((path, st))
        return found, foreign

    def held(self, folder: Path) -> Held:
        """How many entries ``folder`` keeps and their size on disk (the preferences' line)."""
        files, foreign = self.own_files(folder)
        entries = sum(1 for path, _st in files if self.entry_name.fullmatch(path.name))
        return Held(entries, sum(st.st_size for _path, st in files), foreign)

    def clear(self, folder: Path) -> Held:
        """Remove the entries from ``folder`` (and temporaries older than :data:`STALE_TEMP_S`: a
        younger one may be written now); returns what went. Nothing at all from a folder holding a
        name the cache did not write (``foreign`` says which). Unreadable or busy files stay."""
        files, foreign = self.own_files(folder)
        removed = Held(foreign=foreign)
        if foreign is not None:
            return removed
        now = time.time()
        for path, st in files:
            if TEMP_NAME.fullmatch(path.name) and now - st.st_mtime <= STALE_TEMP_S:
                continue
            try:
                path.unlink()
            except OSError as exc:
                self.log.debug("%s not removed (%s)", path, exc)
                continue
            removed.entries += bool(self.entry_name.fullmatch(path.name))
            removed.size += st.st_size
        return removed

    def prune(self, folder: Path, keep: int) -> None:
        """At most ``keep`` entries left, the least recently used removed, and no stale temporary;
        only the cache's own names are ever removed."""
        entries, now = [], time.time()
        for path in folder.iterdir():
            with contextlib.suppress(OSError):
                st = path.stat()
                if TEMP_NAME.fullmatch(path.name):
                    if now - st.st_mtime > STALE_TEMP_S:
                        path.unlink()
                elif self.entry_name.fullmatch(path.name):
                    entries.append((st.st_mtime_ns, path))
        for _mtime, path in sorted(entries, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                path.unlink()

    def store(self, folder: Path, key: str, write: Callable[[IO[bytes]], None], keep: int) -> None:
        """The entry ``key`` written by ``write`` into a temporary renamed over it, then the oldest
        pruned to ``keep``; a failure is a debug line: the run does not depend on it."""
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=folder)
            # mkstemp makes 0600: an entry gets what a plain open() would, so the other users of a
            # shared $DUALTALK_HOME (a farm's, under a group umask) read it instead of measuring again
            os.chmod(tmp, plain_mode())
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.replace(tmp, folder / f"{key}{self.suffix}")
            tmp = None
            self.prune(folder, keep)
        except OSError as exc:  # a full disk, a folder made read-only meanwhile
            self.log.debug("%s in %s (%s)", self.not_kept, folder, exc)
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    @staticmethod
    def used(path: Path) -> None:
        """``path`` marked as used now: the least recently used entries are pruned first."""
        with contextlib.suppress(OSError):
            os.utime(path)


# What DualTalk keeps under its home, each folder once: the caches write through these, and the
# add-on's preferences read and clear them without importing the caches (scipy, pocketsphinx).
RECOGNISED = KeptFolder("recognised", ".json", logging.getLogger("dualtalk.transcript"),
                        "recognised words are not cached")  # fmt: skip
RECORDING_CUES = KeptFolder("recording_cues", ".npz", logging.getLogger("dualtalk"),
                            "the recording's cues are not kept")  # fmt: skip
