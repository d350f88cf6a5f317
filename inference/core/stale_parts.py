"""What a run killed mid-write left beside its outputs, removed by the next run of the same outputs.

An ``animate`` shot's outputs, and the ``A.npz``/``B.npz`` of an ``infer`` take folder, are written
under hidden names and renamed into place together (:func:`.fileio.staged_set`:
``.<stem>.XXXXXXXX.part<ext>`` beside each, the FBX exporter's and the mix writer's own
``..<stem>.XXXXXXXX.part.XXXXXXXX.part<ext>`` beside a staged one, the engine's
``.engine.XXXXXXXX.part/`` scratch folder in the work folder). A signal removes them; SIGKILL (the
out-of-memory killer, a farm's hard stop after its SIGTERM timeout) leaves them, hidden, for good: a
production .blend's worth per kill (review 33s). The next run of the same outputs holds their locks
(an ``animate`` shot's, a take folder's: nobody else may write them), so whatever staged copy of
exactly its own outputs lies there is a dead run's, and goes. Nothing else is touched: another
output's parts, a name the stager does not make, a link, a folder where a file is expected.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from .fileio import SCRATCH_PREFIX, STEM_CUT, recover_set

# tempfile.mkstemp / mkdtemp's random part: 8 of [a-z0-9_]
_RANDOM = r"[a-z0-9_]{8}"
SCRATCH = re.compile(rf"{re.escape(SCRATCH_PREFIX)}{_RANDOM}\.part")


def _staged_name(final: Path) -> re.Pattern[str]:
    """The names the stager gives ``final``'s staged copy, and the copy a writer stages beside it."""
    stem, ext = re.escape(final.stem[:STEM_CUT]), re.escape(final.suffix)
    direct = rf"\.{stem}\.{_RANDOM}\.part{ext}"
    if (
        len(final.stem[:STEM_CUT]) + 15 <= STEM_CUT
    ):  # a staged copy's own stem (".<stem>.XXXXXXXX.part"), uncut
        return re.compile(rf"{direct}|\.\.{stem}\.{_RANDOM}\.part\.{_RANDOM}\.part{ext}")
    return re.compile(direct)


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def sweep(finals: Iterable[Path], work: Path | None = None) -> list[Path]:
    """Remove the staged copies a killed run of these outputs left (``finals``: the shot's outputs;
    ``work``: its work folder, locked by this run, whose engine scratch folders go too); returns
    what went. Call only while holding the outputs' locks. A file that cannot be removed stays.
    A set the killed run left half renamed into place is put back first (:func:`.fileio.recover_set`)."""
    finals = list(finals)
    restored = recover_set(finals)
    if restored:
        back = ", ".join(p.name for p in restored)
        logging.getLogger("dualtalk").warning(
            f"the last run writing {finals[0]} was killed while putting its files in place; its earlier "
            f"files are back ({back}), never a mix of the two"
        )
    patterns: dict[Path, list[re.Pattern[str]]] = {}
    for final in finals:
        patterns.setdefault(final.parent, []).append(_staged_name(final))
    removed: list[Path] = []
    for folder, names in patterns.items():
        try:
            entries = os.listdir(folder)
        except OSError:  # not there yet: nothing was left in it
            continue
        for name in entries:
            path = folder / name
            if any(p.fullmatch(name) for p in names) and _regular_file(path):
                try:
                    path.unlink()
                    removed.append(path)
                except OSError:
                    pass
    if work is not None:
        try:
            entries = os.listdir(work)
        except OSError:
            entries = []
        for name in entries:
            path = work / name
            if SCRATCH.fullmatch(name) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
                if not path.exists():
                    removed.append(path)
    return removed
