"""What a shot holds while it runs and leaves behind when it is done: a lock per output, a done record.

**Lock.** Two workers given the same shot (two job files with the same ``out``, a farm that re-queued
a shot still running) each wrote a whole set, the last writer won, and both reported ``done``. A
shot now holds an exclusive ``flock`` on a hidden file beside its .blend (and beside the work folder
it uses, given or the default one beside the .blend), ``.NAME.blend.dualtalk-lock``, for as long as
it runs (:mod:`~...inference.core.locks`, the lock ``infer`` takes too). The kernel drops the lock
when the process ends however it ends (``kill -9`` included), so a lock is never stale; the file
itself is removed on the way out (a ``kill -9`` leaves it, and the next run takes it over, also as
another user of the group: the file is made ``0o666`` less the umask, and one it may not write is
locked read-only). A name too long for its lock file (a legal 255-byte ``out``) gets a shortened,
hashed one. A second run finds the lock held and fails that shot in one line naming the holder's
pid and host. On a network share the lock is as good as the share's locking (NFSv4 carries
``flock``); on a file system with no locks at all (``ENOLCK``, ``EOPNOTSUPP``, ``ENOSYS``: some NFS
and SMB mounts) the shot runs unlocked, and the run warns once.

**Done record.** ``animate --job --skip-done`` skips a shot finished before from the same inputs
and settings. The shot's work folder marker (``.dualtalk-work``, already there for every shot that
writes work files) carries a one-line JSON record once the shot's set is in place: a digest of the
shot's settings (every field and option and this build's version; the outputs' paths relative to the
shot's folder and the inputs by name, so the same job folder by another mount point or moved is the
same shot: :func:`settings_digest`), a digest of the
build that made it (:func:`build_digest`: the shipped code that makes and keys the animation -- in a
git checkout only the files git tracks, as the build id counts them -- and the
embedded lite weights' sha256 when the shot runs on them; ``__version__`` alone never changed while
the weights and the code did), a fingerprint of each input's contents (size and bytes: whole up to
16 MiB; a larger file as 16 slices plus its size and modification time, so an edit between the
slices is never taken for the same input -- a file only touched runs again, the safe side; a
``checkpoint`` is an input, so its weights are judged by this rule), the outputs with each file's
size, and when. A record made by another build (or by one from before the build digest) is not the
shot's: it runs again, and its line says why (:func:`rerun_reason`). So does a shot whose .blend is
cut short (a partial copy or sync: it does not end as a saved .blend ends), one of whose output
files changed size since (a record from before sizes: by its .blend alone), or whose frames folder
lacks a frame its render recorded or holds one changed since (:func:`frames_changed`).
The record also holds the fingerprints of the .blend, the FBX files and the video the shot wrote
and the digest of the ``recognised.txt`` it wrote: a later run replaces without a word only
animate's own unchanged output (:func:`not_ours`, :func:`file_not_ours`; any other .blend at
``out`` is kept as a backup, an FBX or video as ``NAME.N.fbx`` / ``NAME.N.mp4``) and keeps a
``recognised.txt`` edited since; and the files the run kept before replacing them (``OUT.blendN``,
``NAME.N.fbx``, ``recognised.edited.txt``: :func:`kept_files`), which a job's summary lists with
the shot's outputs, also when a later ``--skip-done`` run skips the shot. The record writes paths
as the run that wrote it reached them; a later run reads them as it reaches the shot's folder
(:func:`here`, by the ``.blend`` path the record names), so a record written at ``/mnt/proj`` still
names animate's own files at ``/net/proj`` (records written before this rule are read alike).
Before a run renames its new set into place it writes a *pending* record of that set, read from the
staged files (:func:`record_pending`), and the done record once the set is in place
(:func:`record_done`). A pending record is never read as done (the shot runs again), so a set put in
place by a run that then died is never taken for a finished one; it names the run's own outputs, so
the next run replaces them as animate's (:func:`not_ours`) instead of keeping them as the user's.

**A shot without work files** (motion files given, no audio) has no work folder. Its record lies
beside its .blend, hidden, named as its lock is: ``.NAME.blend.dualtalk-done``
(:func:`done_file`; a name too long is shortened as the lock's is). It says only what the run wrote
(each output's fingerprint and size) and kept, so a re-run replaces animate's own unchanged .blend,
FBX and video without a word, and keeps a file the user made or changed, as a shot with a work
folder does (before, each re-run kept another ``NAME.N.fbx`` of its own output, and replaced the
``OUT.blend1`` an earlier run had kept with its own .blend). Such a shot is always run
(``--skip-done`` skips none): its record says nothing of the inputs and settings. A record there
that is not a plain file of its own (a link someone planted, a folder) is neither read nor
written through: the shot then keeps what it replaces, as before.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path, PurePath
from typing import Any

from ... import __version__
from ...inference.core import locks
from ...inference.core.locks import LOCK_SUFFIX as LOCK_SUFFIX  # the locks' names, kept here for callers
from ...inference.core.locks import lock_file as lock_file
from ...inference.core.locks import reset_lock_warning as reset_lock_warning
from ...inference.core.outputs import WORK_MARKER
from ...inference.core.request import BY_NAME as REQUEST_OPTIONS
from ..scene.blendio import blend_is_complete
from .jobs import (
    OUTPUT_PATHS,
    SHOT_OPTIONS,
    Shot,
    fbx_files,
    intermediates,
    work_folder,
)
from .shot_reads import inputs_read

RECORD_VERSION = 1
DONE_SUFFIX = (
    ".dualtalk-done"  # a shot without work files: its record beside its .blend (as long as LOCK_SUFFIX)
)
_MARKER_TEXT = "DualTalk writes its intermediate files (A.npz, B.npz, dialogue.wav) here.\n"


@contextlib.contextmanager
def shot_lock(targets: list[tuple[str, Path]], work: Path | None = None) -> Iterator[None]:
    """Hold the lock of each ``(label, output)`` for the block (:func:`~...inference.core.locks.locked_all`);
    a held one is one line naming its holder (``label`` names the field or flag to change). The
    ``work`` folder is locked as ``infer`` locks a take folder: ``infer --out`` into it meanwhile stops."""
    takes = () if work is None else (work,)
    with locks.locked_all(targets, fix="give this shot another {label}", what="shot", take_folders=takes):
        yield


def set_outputs(shot: Shot) -> list[Path]:
    """Every file or folder a finished shot has in place: its set, which the done record stands for."""
    outs = [shot.out, *fbx_files(shot), *([shot.render] if shot.render is not None else [])]
    return outs + [work_folder(shot) / n for n in intermediates(shot)]


def shot_outputs(shot: Shot) -> list[Path]:
    """What a job's summary lists for a shot done before (``--skip-done``): its set, then the files
    the run that made it kept beside it (:func:`kept_files`)."""
    return set_outputs(shot) + kept_files(shot, read_record(shot))


def file_outputs(shot: Shot) -> list[Path]:
    """The shot's outputs other than its .blend that are one file each: its FBX (or one per
    character) and a render to a video. A render to a frames folder keeps its own record of the
    frames it wrote (:mod:`..scene.render`)."""
    from ..scene.render import VIDEO_SUFFIXES

    video = shot.render is not None and shot.render.suffix.lower() in VIDEO_SUFFIXES
    return [*fbx_files(shot), *([shot.render] if video and shot.render is not None else [])]


MAX_KEPT = 32  # NAME.1.fbx ... NAME.32.fbx


def kept_name(path: Path, n: int) -> Path:
    """Where an FBX or video the shot replaces is kept: ``NAME.N.fbx`` / ``NAME.N.mp4`` beside it. The
    extension stays last, so the copy still opens where the file did (an importer's file filter, a
    video player, a double-click); ``NAME.fbx1`` (the .blend's ``OUT.blend1`` way) would not."""
    return path.with_name(f"{path.stem}.{n}{path.suffix}")


def kept_name_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(path.stem) + r"\.[1-9][0-9]?" + re.escape(path.suffix))


EDITED = "recognised.edited"  # recognised.edited.txt, -2.txt ...: a recognised.txt the user edited


def kept_files(shot: Shot, record: dict[str, Any] | None) -> list[Path]:
    """The files the run that wrote ``record`` kept before replacing them, still there: the .blend at
    ``out`` as ``OUT.blendN`` and an FBX or video as ``NAME.N.fbx`` / ``NAME.N.mp4`` (not animate's own
    unchanged output), and an edited ``recognised.txt`` as ``recognised.edited[-N].txt`` in the work folder. Only those names, where the shot keeps them,
    are taken from the record (a record is a file anyone may edit). They are not part of the set: one
    moved away does not make the shot run again."""
    kept = (record or {}).get("kept")
    if not isinstance(kept, list):
        return []
    backup = re.compile(re.escape(shot.out.name) + r"[1-9][0-9]?")
    edited = re.compile(re.escape(EDITED) + r"(-[1-9][0-9]{0,2})?\.txt")
    files = [(f.parent, kept_name_pattern(f)) for f in file_outputs(shot)]
    found: list[Path] = []
    for name in kept:
        if not isinstance(name, str) or "\0" in name:
            continue
        p = Path(here(shot, record, name))
        if (
            (p.parent == shot.out.parent and backup.fullmatch(p.name))
            or (p.parent == work_folder(shot) and edited.fullmatch(p.name))
            or any(p.parent == where and pattern.fullmatch(p.name) for where, pattern in files)
        ):
            if os.path.lexists(p) and p not in found:
                found.append(p)
    return found


def settings_digest(shot: Shot) -> str:
    """The shot's settings: every run field and option (paths as :func:`_portable` writes them) and
    the build.

    The text hashed is the same in every process (:func:`_canonical`): ``Shot.given`` is a set, and
    written as Python shows it (``frozenset({'turns', 'audio'})``) its order followed the process's
    string hashes (``PYTHONHASHSEED``), so a resumed batch ran about half of its done shots again
    (review rv35b F8). ``given`` stays in: which options were named decides what a shot does (a
    ``take`` named re-keys that take, a flag named at its default is checked against the take's)."""
    fields = asdict(shot)
    fields.pop("blend1_is_input", None)  # where a backup goes, not how the shot is made
    fields.pop("plan", None)  # what the other shots of its job write: where a copy goes, the same
    if not fields.get("fbx_per_character"):  # off: a record made before the option still reads done
        fields.pop("fbx_per_character", None)
    _portable(shot, fields)
    text = json.dumps({"build": __version__, "shot": fields}, sort_keys=True, default=_canonical)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _portable(shot: Shot, fields: dict[str, Any]) -> None:
    """The paths of a shot's ``fields`` as the same job reads them from any mount point: each output
    (``out``, ``fbx``, ``render``, ``work``) relative to the shot's folder (``out``'s), each input by
    its file name alone (its contents are in the record's ``inputs``). A farm mounts one share at
    ``/mnt/proj`` on one node and ``/net/proj`` on another: absolute paths made every done shot run
    again there ("its settings changed") and keep another copy of each output (review rv37b F1)."""
    base = os.path.dirname(os.fspath(shot.out))
    for key in OUTPUT_PATHS:
        if _is_path(fields.get(key)):
            fields[key] = _relative(os.fspath(fields[key]), base)
    for key in ("blend", "motion_a", "motion_b"):
        if _is_path(fields.get(key)):
            fields[key] = os.path.basename(os.fspath(fields[key]))
    for name, option in SHOT_OPTIONS.items():
        holder = fields.get("req" if name in REQUEST_OPTIONS else "options")
        if option.kind == "path" and isinstance(holder, dict) and _is_path(holder.get(option.field)):
            holder[option.field] = os.path.basename(os.fspath(holder[option.field]))


def _is_path(value: object) -> bool:
    """A path's text or a path (anything else is left for :func:`_canonical` to refuse)."""
    return isinstance(value, (str, os.PathLike))


def _relative(path: str, base: str) -> str:
    """``path`` from ``base`` (``/``-separated), or as it is where there is no way (another drive)."""
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:
        return path


def _canonical(value: object) -> object:
    """A settings value JSON has no form for, as one that reads alike in every process: a path as
    its text, a set as its items sorted. Anything else is refused (``TypeError``), so a field of
    another type added to a shot fails the tests instead of hashing an address or a random order."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda item: json.dumps(item, sort_keys=True, default=_canonical))
    raise TypeError(f"a shot's settings hold a {type(value).__name__}, which has no one text form")


# the shipped code that makes (the engine, lips, behaviour, audio intake) or keys (rig math, scene
# writes, the command) the animation, relative to the package root; the lite weights are apart
_BUILD_CODE = ("inference", "dualtalk_blender/rig", "dualtalk_blender/scene", "dualtalk_blender/commands")
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def code_meaning(source: bytes) -> bytes:
    """What a Python file does, without what it says: its syntax tree with comments, docstrings,
    line numbers and line endings gone, so a release that only mends words (or a checkout with
    Windows line endings) keeps every done shot. A file that does not parse counts by its bytes."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return repr(_shape(tree)).encode("utf-8", "surrogateescape")


def _shape(node: object) -> object:
    """A syntax tree as nested tuples, without the fields a newer Python added and left empty
    (``type_params``...), so the same code reads alike under Python 3.11 to 3.13 (``ast.dump``'s
    text differs between them)."""
    if isinstance(node, ast.JoinedStr):  # 3.12 keeps empty pieces of an f-string that 3.11 drops
        node = ast.JoinedStr([v for v in node.values if not (isinstance(v, ast.Constant) and v.value == "")])
    if isinstance(node, ast.AST):
        fields = ((f, getattr(node, f, None)) for f in node._fields)
        return (type(node).__name__, *((f, _shape(v)) for f, v in fields if v is not None and v != []))
    if isinstance(node, list):
        return tuple(_shape(v) for v in node)
    return node


@functools.cache
def code_fingerprint() -> str:
    """A digest of this build's source that makes or keys the animation (about 1.9 MB of Python in
    134 files): another release, or a patched engine, differs; an edit of comments or docstrings
    alone does not (:func:`code_meaning`). Parsing it all took 3 s a process (review rv36b R4: more
    than a 2-s ``--range``), so each file's meaning digest is kept by its bytes' sha256
    (:func:`meaning_cache`) and a file is parsed only when its bytes are new: the same digest, in
    hundredths of a second."""
    return fingerprint_of(_PACKAGE_ROOT, _BUILD_CODE, meaning_cache())


def fingerprint_of(root: Path, rooms: tuple[str, ...], cache: Path | None) -> str:
    """:func:`code_fingerprint` of the ``*.py`` files under ``root``'s ``rooms``, each file's meaning
    digest read from ``cache`` where it holds one for the file's exact bytes (and for this very
    :func:`code_meaning`: the cache names the source of this module), else computed and kept."""
    from ...inference.build_info import is_tracked, tracked_files

    rule = _meaning_rule()
    known = _read_meanings(cache, rule)
    meanings: dict[str, str] = {}
    digest = hashlib.sha256()
    # in a git checkout only what git tracks, the build id's rule (a scratch try.py dropped in the
    # package made every done shot run again, "made by another build": review rv37b F10)
    tracked = tracked_files(root)  # None: no git checkout (an installed extension): every file counts
    for room in rooms:
        for path in sorted((root / room).rglob("*.py")):
            if "__pycache__" in path.parts or not is_tracked(path.relative_to(root).as_posix(), tracked):
                continue
            digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
            try:
                source = path.read_bytes()
            except OSError:
                digest.update(b"?")
                continue
            raw = hashlib.sha256(source).hexdigest()
            meaning = known.get(raw) or hashlib.sha256(code_meaning(source)).hexdigest()
            meanings[raw] = meaning
            digest.update(bytes.fromhex(meaning))
    if cache is not None and rule and meanings != known:
        _write_meanings(cache, rule, meanings)
    return digest.hexdigest()[:32]


def meaning_cache() -> Path | None:
    """Where each source file's meaning digest is kept by its bytes: in this module's own
    ``__pycache__``, beside the compiled files Python keeps there by their source (whoever may write
    it may write the code itself: nothing there is trusted more than the code). An entry is the
    sha256 of a file's exact bytes, so an edit (of any size, at any time) is never read from it. One
    file per Python (``cpython-311``); None where Python names none."""
    tag = sys.implementation.cache_tag
    return (
        None if tag is None else Path(__file__).resolve().parent / "__pycache__" / f"code_meaning.{tag}.json"
    )


_HEX64 = re.compile(r"[0-9a-f]{64}")


@functools.cache
def _meaning_rule() -> str:
    """The sha256 of this module's source: the rule the kept digests were made by (a build that
    changes :func:`code_meaning` reads none of an older one's). "" when it cannot be read (no cache)."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        return ""


def _read_meanings(cache: Path | None, rule: str) -> dict[str, str]:
    """The kept digests made by ``rule`` ({} where none, or the file is not one this module wrote)."""
    if cache is None or not rule:
        return {}
    try:
        with open(cache, "rb") as fh:
            data = json.loads(fh.read(1 << 22))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("rule") != rule or not isinstance(data.get("meanings"), dict):
        return {}
    return {
        k: v
        for k, v in data["meanings"].items()
        if isinstance(k, str) and isinstance(v, str) and _HEX64.fullmatch(k) and _HEX64.fullmatch(v)
    }


def _write_meanings(cache: Path, rule: str, meanings: dict[str, str]) -> None:
    """Keep this build's digests (whole, through a temporary renamed over the file); where the folder
    cannot be written (a read-only install) nothing is kept and each process parses again."""
    from ...inference.core.errors import DualTalkError
    from ...inference.core.fileio import atomic_path

    text = json.dumps({"rule": rule, "meanings": meanings}, sort_keys=True)
    with contextlib.suppress(OSError, DualTalkError):  # a file there this user may not write
        cache.parent.mkdir(exist_ok=True)
        with atomic_path(cache) as tmp:
            tmp.write_text(text, encoding="ascii")


@functools.cache
def _weights_sha256(path: str, size: int, mtime_ns: int) -> str:
    from ...inference.core.fileio import sha256_file

    return sha256_file(path)


def embedded_weights(shot: Shot) -> Path | None:
    """The embedded lite weights file when the shot's engine would run on it (no motion files given,
    no checkpoint, engine auto or lite); None otherwise (a checkpoint is an input of the shot)."""
    if shot.motion_a is not None or shot.req.checkpoint or shot.req.engine not in ("auto", "lite"):
        return None
    from ...inference.models.lite.model import DEFAULT_WEIGHTS

    return Path(DEFAULT_WEIGHTS)


def build_digest(shot: Shot) -> str:
    """The build that makes this shot: its version, :func:`code_fingerprint`, and the sha256 of the
    embedded weights when the shot runs on them (hashed once per process while the file stays)."""
    parts = {"version": __version__, "code": code_fingerprint()}
    weights = embedded_weights(shot)
    if weights is not None:
        try:
            st = os.stat(weights)
            parts["weights"] = _weights_sha256(str(weights), st.st_size, st.st_mtime_ns)
        except OSError:
            parts["weights"] = ""  # missing: the engine refuses it in one line
    text = json.dumps(parts, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def input_fingerprints(shot: Shot) -> dict[str, str]:
    """Each input file's content fingerprint ("" for one that cannot be read), of the files the
    shot's run reads (:func:`.shot_reads.inputs_read`: a transcript named for a shot keyed from motion
    files, moved away since, made the shot run again at every ``--skip-done``, "an input changed"). A
    file over 16 MiB is fingerprinted from 16 slices: half a second of a 40 MiB WAV changed between
    them read as the same input, so its size and modification time (ns) are part of it too."""
    return {key: content_fingerprint(Path(getattr(shot, key))) for key in inputs_read(shot)}


def content_fingerprint(path: Path) -> str:
    """A file's content fingerprint, as :func:`input_fingerprints` takes it ("" when unreadable)."""
    from ...inference.core.file_fingerprint import FINGERPRINT_WHOLE, recording_fingerprint

    fp = recording_fingerprint([path])
    try:
        st = os.stat(path)
    except OSError:
        return ""
    if fp and st.st_size > FINGERPRINT_WHOLE:
        return f"{fp}:{st.st_size}:{st.st_mtime_ns}"
    return fp


def _marker(shot: Shot) -> Path | None:
    return work_folder(shot) / WORK_MARKER if intermediates(shot) else None


def done_file(shot: Shot) -> Path:
    """Where a shot without work files keeps its record: beside its .blend, named as its lock file
    is (``.NAME.blend.dualtalk-done``, or the lock's shortened, hashed name for a long one). Beside
    ``out`` as given: an ``out`` that links into the studio's asset tree leaves its record in the
    shot's folder, where the copies it keeps go, not among the assets."""
    from ...inference.core.outputs import name_max

    lock = locks.lock_name(shot.out.name, name_max(shot.out))
    return shot.out.with_name(lock[: -len(LOCK_SUFFIX)] + DONE_SUFFIX)


def record_path(shot: Shot) -> Path:
    """The file holding the shot's record: its work folder's marker, or :func:`done_file`. Each is
    written under a hidden temporary named as the stager names a staged output (``.STEM.XXXXXXXX.part``
    + its suffix, :func:`~...inference.core.fileio.atomic_paths`), so the next run of the shot sweeps
    one a ``kill -9`` left (:mod:`~...inference.core.stale_parts`)."""
    return _marker(shot) or done_file(shot)


def read_record(shot: Shot) -> dict[str, Any] | None:
    """The shot's record (:func:`record_path`), or None."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:  # never through a link someone planted: a record there is not ours (it reads as none)
        fd = os.open(record_path(shot), flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, encoding="utf-8", errors="replace", closefd=False) as fh:
            text = fh.read(1 << 20)
    except OSError:
        return None
    finally:
        os.close(fd)
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                return None
            done = data.get("done") if isinstance(data, dict) else None
            return done if isinstance(done, dict) else None
    return None


def _why_not(shot: Shot, record: dict[str, Any] | None) -> str | None:
    """Why ``record`` does not stand for this shot's set now (None: it does)."""
    if record is None or record.get("version") != RECORD_VERSION:
        return "no usable done record"
    if record.get("pending"):
        return "its last run was stopped as it put its outputs in place"
    if record.get("build") != build_digest(shot):
        return "made by another build of DualTalk (other engine weights or code than this one's)"
    if record.get("settings") != settings_digest(shot):
        return "its settings changed"
    if any(not os.path.lexists(p) for p in set_outputs(shot)):
        return "an output is missing"
    changed = _output_changed(shot, record) or frames_changed(shot)
    if changed is not None:
        return changed
    inputs = input_fingerprints(shot)
    if "" in inputs.values() or record.get("inputs") != inputs:
        return "an input changed"
    return None


def frames_changed(shot: Shot) -> str | None:
    """Why the shot's frames folder is not the set its render put there (None: each frame its render
    recorded is in place, a plain file as big as then; :mod:`..scene.render` keeps that record beside
    the frames). Frames deleted since (a node's partial frames cleaned, a sync that dropped some, an
    artist clearing a range to render again) made ``--skip-done`` skip the shot with 9 of its 25
    frames, "its outputs in place" (review rv37b F3): such a shot runs again, and its render puts
    back every frame. Sizes, as the record judges the shot's other files: a copy that did not keep
    the frames' times is still the same frames. A video, or no render, has no frames to count."""
    from ..scene import render

    folder = shot.render
    if folder is None or folder.suffix.lower() in render.VIDEO_SUFFIXES or not folder.is_dir():
        return None
    frames = render.frames_record(folder)
    if not frames:
        return f"its frames folder {folder} holds no record of the frames its render wrote"
    missing = changed = 0
    for name, stamps in frames.items():
        try:
            st = os.lstat(folder / name)
        except OSError:
            missing += 1
            continue
        changed += not stat.S_ISREG(st.st_mode) or st.st_size not in {size for size, _ in stamps}
    if missing:
        return f"its frames folder {folder} lacks {missing} of its {len(frames)} frames"
    if changed:
        return f"{changed} of the {len(frames)} frames in its frames folder {folder} changed since"
    return None


def output_sizes(shot: Shot, staged: dict[Path, Path] | None = None) -> dict[str, int]:
    """Each output file's size in bytes as it is now, by path (a render's frames folder has none);
    ``staged``: where the bytes of an output not yet renamed into place are."""
    sizes: dict[str, int] = {}
    for p in set_outputs(shot):
        try:
            st = os.stat((staged or {}).get(p, p))
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            sizes[str(p)] = st.st_size
    return sizes


def _output_changed(shot: Shot, record: dict[str, Any]) -> str | None:
    """Why an output in place is not the one recorded: a .blend cut short (a partial copy or sync
    leaves one that Blender cannot open; a whole one ends as a save ends, :func:`blend_is_complete`)
    or another output file whose size differs from the record's. The .blend is judged by that
    alone: an artist who opened the shot and saved their edits changed its size, and a run would
    replace their work. A record from before sizes were recorded is judged by the .blend alone.
    Only plain files are read (a pipe would block)."""
    now = output_sizes(shot)
    if str(shot.out) in now and not blend_is_complete(shot.out):
        return f"its output {shot.out} is cut short (not a whole .blend)"
    if not isinstance(record.get("sizes"), dict):
        return None
    for path, size in _by_here(shot, record, "sizes").items():
        if path == str(shot.out):
            continue
        if now.get(path) != size:
            found = f"now {now[path]:,} bytes" if path in now else "now not a file"
            was = f", {size:,} when done" if isinstance(size, int) else ""
            return f"its output {path} changed since ({found}{was})"
    return None


def done_state(shot: Shot) -> tuple[dict[str, Any] | None, str | None]:
    """The shot's done record and why it does not stand for the shot now (None: it does, the shot is
    done: :func:`done_before`), its inputs fingerprinted once for both answers; ``(None, None)`` for
    no record, or a shot without work files (it always runs: its record, :func:`done_file`, holds no
    inputs)."""
    if not intermediates(shot):
        return None, None
    record = read_record(shot)
    if record is None:
        return None, None
    return record, _why_not(shot, record)


def done_before(shot: Shot) -> dict[str, Any] | None:
    """The record of this shot's earlier run when that run was made by this build from the same
    settings and inputs and every output it put in place is still there; None otherwise (the shot
    must run)."""
    record, why = done_state(shot)
    return record if why is None else None


def rerun_reason(shot: Shot) -> tuple[dict[str, Any], str] | None:
    """(the done record, why the shot runs again anyway) when the shot has a record that does not
    stand for it now; None when it has none, or when it is done (:func:`done_before`), or has no work
    files (it always runs)."""
    record, why = done_state(shot)
    return None if record is None or why is None else (record, why)


def _write_marker(marker: Path, record: dict[str, Any] | None) -> None:
    """The marker replaced whole (a new file renamed over its name): only a regular file of its own
    is replaced, never a link's target (:func:`outputs.has_work_marker` refuses one in one line)."""
    from ...inference.core.fileio import atomic_path
    from ...inference.core.outputs import has_work_marker

    has_work_marker(marker.parent)
    text = _MARKER_TEXT + ("" if record is None else json.dumps({"done": record}, sort_keys=True) + "\n")
    with atomic_path(marker) as tmp:
        has_work_marker(marker.parent)  # again: a link planted since is refused, nothing renamed
        tmp.write_text(text, encoding="utf-8", errors="surrogateescape")


def here(shot: Shot, record: dict[str, Any] | None, entry: str) -> str:
    """A path the record names (it writes them absolute), as this run reaches it: one written under
    another path to the shot's folder -- the share mounted at ``/net/proj`` where the record was
    written at ``/mnt/proj``, the job folder moved or renamed -- is taken onto this one, by where the
    record says the shot's .blend was (``blend_path``; records made before it hold none: as written).
    Where the two paths to the shot's folder end alike, what lies under the part they do not share
    is moved (:func:`_mounts`) and a path outside it stays as written: an explicit ``work`` on a local
    disk was moved one folder off where the two mounts differ in depth (``/mnt/proj`` and
    ``/data/share/proj``: review rv38d F7). What the record says of the file there is then still
    judged by its fingerprint or size."""
    then = (record or {}).get("blend_path")
    if not isinstance(then, str) or not os.path.isabs(then) or not os.path.isabs(entry):
        return entry
    was, now, alike = _mounts(os.path.dirname(then), os.path.dirname(os.fspath(shot.out)))
    rel = _relative(entry, was)
    if os.path.isabs(rel) or (alike and (rel == os.pardir or rel.startswith(os.pardir + "/"))):
        return entry
    return os.path.normpath(os.path.join(now, rel))


def _mounts(then: str, now: str) -> tuple[str, str, bool]:
    """Where the shot's folder was reached then and is now, less the folders the two paths end in
    alike (``/mnt/proj/s01`` and ``/data/share/proj/s01``: ``/mnt`` and ``/data/share``), and
    whether they end in any alike (not where the shot's folder itself was renamed: then the two
    folders, and a path beside them is taken along as it lay beside them)."""
    a, b = PurePath(then).parts, PurePath(now).parts
    same = 0
    while same < min(len(a), len(b)) - 1 and a[-1 - same] == b[-1 - same]:
        same += 1
    return str(PurePath(*a[: len(a) - same])), str(PurePath(*b[: len(b) - same])), same > 0


def _by_here(shot: Shot, record: dict[str, Any], key: str) -> dict[str, Any]:
    """The record's ``key`` map (path -> value) keyed by the paths as this run reaches them ({} where none)."""
    found = record.get(key)
    if not isinstance(found, dict):
        return {}
    return {here(shot, record, k): v for k, v in found.items() if isinstance(k, str)}


def own_blend(shot: Shot, record: dict[str, Any] | None) -> str:
    """The fingerprint the record holds of the .blend animate wrote at the shot's ``out`` ("" where
    it holds none for it): the one file at ``OUT.blend1`` a run may replace (animate's own)."""
    then, where = (record or {}).get("blend"), (record or {}).get("blend_path")
    if not isinstance(then, str) or not isinstance(where, str):
        return ""
    return then if here(shot, record, where) == str(shot.out) else ""


def not_ours(shot: Shot, record: dict[str, Any] | None) -> str | None:
    """Why the .blend at the shot's ``out`` is not animate's own unchanged output (None: it is, and
    a re-run may replace it without a word). Judged by the done record (``record``, read before
    the run), which holds the fingerprint of the .blend the shot wrote: not by what the file holds
    (every scene keyed with DualTalk has its actions) -- a file animate did not write, or one an
    artist opened and saved since, is theirs. The record's paths are read as this run reaches the
    shot's folder (:func:`here`): the same folder by another mount point is the same shot."""
    then = own_blend(shot, record)
    if then:
        return None if content_fingerprint(shot.out) == then else "changed since animate wrote it"
    return "no record says animate wrote it"


def file_not_ours(shot: Shot, record: dict[str, Any] | None, path: Path) -> str | None:
    """Why the FBX or video at ``path`` (one of :func:`file_outputs`) is not animate's own unchanged
    output (None: it is, and a re-run may replace it without a word), judged as :func:`not_ours`
    judges the .blend: by the fingerprint the done record holds of the file the shot wrote there (a
    record from before those: by the size it holds, as ``--skip-done`` judges the set). A
    hand-keyed FBX or a client's approved video under the output's name is the user's."""
    outputs = (record or {}).get("outputs")
    if record is None or not isinstance(outputs, list):
        return "no record says animate wrote it"
    if str(path) not in {here(shot, record, p) for p in outputs if isinstance(p, str)}:
        return "no record says animate wrote it"
    then = _by_here(shot, record, "files").get(str(path))
    if isinstance(then, str) and then:
        return None if content_fingerprint(path) == then else "changed since animate wrote it"
    size = _by_here(shot, record, "sizes").get(str(path))
    if isinstance(size, int) and not isinstance(size, bool):
        try:
            same = os.stat(path).st_size == size
        except OSError:
            same = False
        return None if same else "changed since animate wrote it"
    return "no record says animate wrote it"


def words_digest(data: bytes) -> str:
    """The digest of a ``recognised.txt`` as written, kept in the record: one that differs was edited."""
    return hashlib.sha256(data).hexdigest()


def record_done(shot: Shot, run_id: str, words: str | None = None, kept: list[Path] | None = None) -> None:
    """Record that the shot's set, now in place, was made from its current settings and inputs;
    ``words``: the digest of the ``recognised.txt`` animate last wrote in the work folder (this run's,
    or the one an earlier run recorded: an edit made since must still read as an edit); ``kept``: the
    files this run kept before replacing them (:func:`kept_files`). A shot without work files keeps
    what it wrote and kept beside its .blend (:func:`done_file`)."""
    _record(shot, run_id, words, kept or [], None)


def record_pending(
    shot: Shot, run_id: str, words: str | None, kept: list[Path], staged: dict[Path, Path]
) -> None:
    """Before the shot's staged set is renamed into place: the record of that set, read from the
    staged files' bytes (a rename keeps them) and marked ``pending``, in place of the old one. A run
    killed between the renames and :func:`record_done` then leaves a record that names its own
    outputs (:func:`not_ours` and :func:`file_not_ours` know them: nothing of animate's is taken for
    the user's and kept again) but that ``--skip-done`` never takes for a finished set (review rv37b
    F1: the next run kept animate's own .blend as the user's). Killed before the renames, the old
    set stays and differs from the record: kept as not animate's, the safe side."""
    _record(shot, run_id, words, kept, staged)


def _record(
    shot: Shot, run_id: str, words: str | None, kept: list[Path], staged: dict[Path, Path] | None
) -> None:
    """The work folder's record of the shot's set: done (``staged`` None: the set is in place) or
    pending (``staged``: the set about to be renamed into place); beside the .blend for a shot without
    work files."""
    marker = _marker(shot)
    if marker is None:
        _write_done_file(shot, kept, staged, pending=staged is not None)
        return
    if not marker.parent.is_dir():
        return
    record: dict[str, Any] = {"version": RECORD_VERSION, "shot": shot.name}
    if staged is not None:
        record["pending"] = True
    record |= {
        "settings": settings_digest(shot),
        "build": build_digest(shot),
        "inputs": input_fingerprints(shot),
        **_written(shot, kept, staged),
        "words": words,
        "run_id": run_id,
    }
    if staged is None:
        record["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    _write_marker(marker, record)


def _written(shot: Shot, kept: list[Path], staged: dict[Path, Path] | None = None) -> dict[str, Any]:
    """What a run put in place and kept: the outputs with their sizes, and the fingerprints of its
    .blend, FBX files and video (:func:`not_ours`, :func:`file_not_ours`, :func:`kept_files` read them)."""
    at = dict(staged or {})  # where each output's bytes are now: staged, not yet renamed in

    def now(p: Path) -> Path:
        return at.get(p, p)

    return {
        "outputs": [str(p) for p in set_outputs(shot)],
        "kept": [str(p) for p in kept],
        "sizes": output_sizes(shot, at),
        "blend_path": str(shot.out),
        "blend": content_fingerprint(now(shot.out)),  # the .blend as written: later saves differ
        "files": {str(p): content_fingerprint(now(p)) for p in file_outputs(shot) if now(p).is_file()},
    }


def _write_done_file(
    shot: Shot, kept: list[Path], staged: dict[Path, Path] | None = None, *, pending: bool = False
) -> None:
    """The record of a shot without work files (:func:`done_file`), written whole under a temporary
    name and renamed over the old one (a link at its name is replaced, never written through). One
    that cannot be written is left out: the next run then keeps what it replaces, the safe side."""
    import tempfile

    from ...inference.core.fileio import STEM_CUT, plain_mode

    path = done_file(shot)
    record = {"version": RECORD_VERSION, "shot": shot.name, **_written(shot, kept, staged)}
    if pending:
        record["pending"] = True
    else:
        record["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    text = _DONE_TEXT + json.dumps({"done": record}, sort_keys=True) + "\n"
    tmp: str | None = None
    try:
        # named as a staged output of its own (not ".dualtalk-done.XXXXXXXX.part", one name for every
        # shot of the folder): the shot's next run sweeps one a kill left (review rv38d F7)
        start = f".{path.stem[:STEM_CUT]}."
        fd, tmp = tempfile.mkstemp(prefix=start, suffix=".part" + path.suffix, dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text)
        os.chmod(tmp, plain_mode())
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


_DONE_TEXT = (
    "DualTalk's record of the files this shot wrote here (replaced by its next run without a word).\n"
)
