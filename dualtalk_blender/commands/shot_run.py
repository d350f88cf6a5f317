"""One shot of ``animate``: open the scene, run the engine (or read the motion files given), key
both characters and put the shot's whole set of outputs in place.

:func:`run_shot` checks the shot (:mod:`.shot_check`) and holds its outputs' locks
(:mod:`.shot_state`) while it opens the .blend, keys the take, writes the dialogue mix and its
sound strip, and saves the .blend, FBX and render together with the work files
(:func:`~...inference.core.fileio.staged_set`): a shot stopped half-way leaves the earlier run's set
as it was. It returns the shot's result line; a single shot and each shot of a job run through it.
A shot whose words were recognised (``--recognise``) keeps them as ``recognised.txt`` in its work
folder, with the take, for the TD to correct and give back as its transcript; one drawn from a typed
script keeps ``script_read.tsv`` there (each line as read: its language, the words as said, where it
was drawn), which the engine wrote beside the take.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from ...inference.core import interrupts
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import staged_set
from ...inference.core.locks import LockHeld
from ...inference.core.outputs import check_work_folder, identity, real, same_file, spelled, too_long
from ...inference.phonetic.script_reading import FILE_NAME as SCRIPT_READ
from ..scene.blendio import open_blend, quiet_stdout, save_blend
from ..scene.sound import add_dialogue_strip, remove_our_strips, sound_saved_as
from .jobs import (
    Shot,
    backup_of,
    fbx_files,
    intermediates,
    job_writes,
    shot_inputs,
    take_from_name,
    work_folder,
)
from .reporting import warn
from .shot_check import check_fbx_exportable, check_shot, check_video_picture, field_names, find_object
from .shot_libraries import check_shot_libraries
from .shot_motion import load_given, match_audio, motion_flags, read_motion
from .shot_range import excerpt_silence_unsaid, frame_range, mark_range, range_file_start, range_window
from .shot_state import (
    EDITED,
    MAX_KEPT,
    content_fingerprint,
    file_not_ours,
    file_outputs,
    kept_name,
    not_ours,
    own_blend,
    read_record,
    record_done,
    record_path,
    record_pending,
    shot_lock,
    words_digest,
)
from .shot_take import kept_line, played_takes, take_given, take_to_key
from .summary import BUSY_EXIT

if TYPE_CHECKING:
    from ...inference.core.motion import Motion
    from ..scene.range_plan import RangePlan

RECOGNISED = "recognised.txt"  # in the work folder: the words --recognise heard, as a transcript reads


@contextlib.contextmanager
def _set_in_place(finals: list[Path], placed: Callable[[], object]) -> Iterator[dict[Path, Path]]:
    """:func:`~...inference.core.fileio.staged_set` for the shot's outputs, then ``placed()``. A signal
    that lands as the set goes in place (held through the renames, it arrives right after them) is
    not raised once the new set is there: the outputs are whole and recorded, and the caller reports
    them and then the signal ("interrupted after the outputs were written"), instead of calling a
    finished shot interrupted with no result line. Told apart from one that stopped the set before
    the renames by the files in place: the staged files themselves (same inode), or not."""
    written: dict[Path, os.stat_result | None] = {}
    try:
        with staged_set(finals) as staged:
            yield staged
            written = {final: identity(tmp) for final, tmp in staged.items()}
    except KeyboardInterrupt:
        if not written or not all(same_file(identity(final), was) for final, was in written.items()):
            raise
    placed()


ALREADY = " (already kept there)"  # the result line's words for a copy kept by an earlier run
MAX_VERSIONS = 32  # OUT.blend1 ... OUT.blend32: where an earlier out is kept, never over a file


class _Backup(NamedTuple):
    at: Path  # where the .blend at ``out`` is kept
    why: str  # why it is kept (not animate's own unchanged output)
    said: str  # the result line's words
    own: str  # the fingerprint of animate's own earlier .blend, which alone may be replaced ("": none)


def _backup_name(shot: Shot, record: dict[str, Any] | None) -> _Backup | None:
    """Where the .blend at ``out`` is kept before it is replaced, when it is not animate's own
    unchanged output (:func:`.shot_state.not_ours`: a colleague's lighting file typed by mistake, a
    scene keyed in the add-on, animate's output an artist opened and saved): as ``OUT.blend1``, as
    Blender's Save Versions keeps a file it overwrites, or at the first free ``OUT.blendN`` where
    ``OUT.blend1`` is taken or is an input of the shot (or of a shot of its job: ``--blend
    shot.blend1 --out shot.blend``). A kept file is never replaced: a run that misjudged animate's own
    output as the user's (its record lost to a kill, the folder reached by another path) replaced the
    ``OUT.blend1`` that held an artist's saved edit (review rv37b F1). Only an ``OUT.blend1`` holding
    animate's own earlier output, as the record fingerprints it (Blender's backup of it when the
    artist saved), is replaced: nothing of anyone's is lost. A copy with the same bytes already kept
    is not made again. None for a new file or animate's own earlier output. Refused in one line,
    before any work, where it cannot be kept."""
    out = shot.out
    if not os.path.isfile(out):
        return None
    why = not_ours(shot, record)
    if why is None:
        return None
    own = own_blend(shot, record)  # read as this run reaches the shot's folder (another mount point too)
    at, note = _free_backup(shot, why, own)
    return _Backup(at, why, f"kept the {out.name} it replaced ({why}) as {at.name}{note}", own)


def _free_backup(shot: Shot, why: str, own: str) -> tuple[Path, str]:
    """Where the .blend at ``out`` is kept (:func:`_backup_name`) and what the line adds: an
    ``OUT.blendN`` holding its bytes already, else the first name that holds nothing and is no input
    (or an ``OUT.blend1`` whose fingerprint is ``own``). Refused in one line (its name too long for
    the file system, every name taken)."""
    out = shot.out
    first = backup_of(out)
    reason = too_long(first)
    if reason is not None:  # said now, not as "could not write OUT.blend" after the engine (rv37b F8)
        raise _backup_refused(out, first, why, reason)
    names = [backup_of(out, n) for n in range(1, MAX_VERSIONS + 1)]
    same = next((b for b in names if not _is_input(b, shot) and _same_bytes(out, b)), None)
    if same is not None:
        return same, ALREADY
    skip_first = shot.blend1_is_input or _is_input(first, shot)
    if not skip_first and _is_own(first, own):
        return first, f" (the earlier {first.name}, animate's own output, replaced)"
    for n, b in enumerate(names, start=1):
        if (n == 1 and skip_first) or os.path.lexists(b) or too_long(b) or _is_input(b, shot):
            continue
        if n == 1:
            return b, ""
        if skip_first:
            return b, f" ({first.name} is an input: left as it is)"
        return b, f" ({first.name} is taken: left as it is)"
    taken = f"{first.name} to {names[-1].name} are taken" + (
        f" ({first.name} is an input)" if skip_first else ""
    )
    raise _backup_refused(out, first, why, taken)


def _is_own(p: Path, own: str) -> bool:
    """Whether the plain file ``p`` holds animate's own earlier .blend (its fingerprint is ``own``,
    taken once while the file stays: :func:`~...inference.core.file_fingerprint.recording_fingerprint`
    keeps it by path, size and times)."""
    try:
        plain = stat.S_ISREG(os.lstat(p).st_mode)
    except OSError:
        return False
    return bool(own) and plain and content_fingerprint(p) == own


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether the plain file ``b`` holds exactly the bytes of ``a`` (one file under two names, or a
    copy): keeping ``a`` again beside it would only add a name for what is kept already. Each pair's
    bytes are read once while neither changes: ``filecmp`` keeps its verdict by both names, sizes
    and times, so :func:`_keep_backup`'s second look at the copy :func:`_free_backup` chose (before
    it relies on it, the engine's minutes later) reads none (a 155 MB .blend: 310 MB, then 0)."""
    import filecmp

    try:
        sa, sb = os.stat(a), os.lstat(b)
        if not stat.S_ISREG(sb.st_mode) or sa.st_size != sb.st_size:
            return False
        return os.path.samestat(sa, sb) or filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _is_input(p: Path, shot: Shot) -> bool:
    """Whether ``p`` names one of the shot's input files (through a link, in another letter case
    where names are compared so, or as another name of the same file)."""
    mine, ident = real(p), identity(p)
    return any(
        real(q) == mine or spelled(real(q)) == spelled(mine) or same_file(identity(q), ident)
        for q in shot_inputs(shot)
    )


def _backup_refused(out: Path, backup: Path, why: str, problem: str) -> DualTalkError:
    return DualTalkError(
        f"could not keep {out.name} ({why}) as {backup.name} before replacing it ({problem}); move it "
        "or choose another output path"
    )


def _keep_copy(source: Path, at: Path) -> None:
    """``source`` as it is now, at ``at`` (a hard link where the file system has them, else a copy),
    before the new set replaces it; written under a hidden name and renamed into place."""
    import shutil
    import tempfile

    source = Path(os.path.realpath(source))  # a link to the file: keep the file, not the link
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{at.name[:64]}.", suffix=".part", dir=at.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copy2(source, tmp)
        os.replace(tmp, at)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _keep_backup(shot: Shot, backup: _Backup) -> tuple[Path, str]:
    """The earlier ``out`` kept at its backup name (:func:`_backup_name`) before the new set replaces
    it, the name taken with ``O_EXCL``: never over a file (but animate's own earlier output), one that
    appeared since the run started included (then the next free name). Refused in one line when it
    cannot be kept (nothing replaced). Returns where it is and the result line's words."""
    out, at, why, said = shot.out, backup.at, backup.why, backup.said
    while True:
        if said.endswith(ALREADY) and _same_bytes(out, at):
            return at, said
        claim = not (at == backup_of(out) and _is_own(at, backup.own))
        if claim:
            try:
                os.close(os.open(at, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                at, note = _free_backup(shot, why, backup.own)
                said = f"kept the {out.name} it replaced ({why}) as {at.name}{note}"
                continue
            except OSError as exc:
                raise _backup_refused(out, at, why, str(exc.strerror or exc)) from None
        try:
            _keep_copy(out, at)  # over the name just taken (or animate's own earlier .blend)
        except OSError as exc:
            if claim:
                at.unlink(missing_ok=True)
            raise _backup_refused(out, at, why, str(exc.strerror or exc)) from None
        return at, said


def _files_to_keep(shot: Shot, record: dict[str, Any] | None) -> list[tuple[Path, str]]:
    """(file, why) for each FBX or video in place at an output name that is not animate's own
    unchanged output (:func:`.shot_state.file_not_ours`: a hand-keyed FBX exported under the shot's
    name, the client's approved video under the name the render reuses): each is kept before it is
    replaced (:func:`_keep_file`), as the .blend is. Refused in one line, before any work, where
    there is no free name to keep one at (review rv36a G2: they were replaced without a word)."""
    keep: list[tuple[Path, str]] = []
    for path in file_outputs(shot):
        if not path.is_file():
            continue
        why = file_not_ours(shot, record, path)
        if why is None:
            continue
        reason = too_long(kept_name(path, MAX_KEPT))
        if reason is not None:  # said now, not after the engine (review rv37b F8)
            raise DualTalkError(
                f"could not keep {path.name} ({why}) as {kept_name(path, 1).name} before replacing it "
                f"({reason}); choose a shorter output name"
            )
        if _already_kept(shot, path) is None and _free_kept_name(shot, path) is None:
            raise DualTalkError(
                f"could not keep {path.name} ({why}) before replacing it: {kept_name(path, 1).name} to "
                f"{kept_name(path, MAX_KEPT).name} are taken; move them or choose another output path"
            )
        keep.append((path, why))
    return keep


def _free_kept_name(shot: Shot, path: Path) -> Path | None:
    """The first ``NAME.N.EXT`` (N from 1) that names nothing yet, nor this shot's input or output,
    nor a file another shot of its job writes (:func:`.jobs.job_writes`): a kept copy never replaces
    a file (a user's own ``take.1.mp4`` stays) and is never replaced in turn."""
    own = {str(p) for p in (shot.out, *file_outputs(shot))}
    for n in range(1, MAX_KEPT + 1):
        at = kept_name(path, n)
        taken = os.path.lexists(at) or str(at) in own or _is_input(at, shot) or job_writes(shot, at)
        if not taken:
            return at
    return None


def _already_kept(shot: Shot, path: Path) -> Path | None:
    """A ``NAME.N.EXT`` beside ``path`` that holds its bytes already (one file under two names, or a
    copy), nor this shot's input or output: the copy a run killed mid-render made of the client's
    video (review rv37b F7: each killed run added one more name for it)."""
    own = {str(p) for p in (shot.out, *file_outputs(shot))}
    for n in range(1, MAX_KEPT + 1):
        at = kept_name(path, n)
        if str(at) not in own and not _is_input(at, shot) and _same_bytes(path, at):
            return at
    return None


def _keep_file(shot: Shot, path: Path, why: str) -> tuple[Path, str]:
    """Keep the FBX or video at ``path`` under the first free ``NAME.N.EXT`` beside it (its name
    taken with ``O_EXCL``: never over a file that appeared meanwhile), or name the ``NAME.N.EXT``
    that holds its bytes already (:func:`_already_kept`, the line ending in :data:`ALREADY`); returns
    where, and the result line's words. Refused in one line when it cannot be kept (nothing replaced
    yet)."""
    same = _already_kept(shot, path)
    if same is not None:
        return same, f"kept the {path.name} it replaced ({why}) as {same.name}{ALREADY}"
    while True:
        at = _free_kept_name(shot, path)
        if at is None:
            raise DualTalkError(f"could not keep {path.name} ({why}) before replacing it: no free name")
        try:
            os.close(os.open(at, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        except OSError as exc:
            raise DualTalkError(
                f"could not keep {path} ({why}) as {at.name}: {exc.strerror or exc}"
            ) from None
        try:
            _keep_copy(path, at)  # over the name just taken
        except OSError as exc:
            at.unlink(missing_ok=True)
            raise DualTalkError(
                f"could not keep {path} ({why}) as {at.name}: {exc.strerror or exc}"
            ) from None
        return at, f"kept the {path.name} it replaced ({why}) as {at.name}"


@contextlib.contextmanager
def _video_kept(shot: Shot, keep: list[tuple[Path, str]], kept: list[tuple[Path, str]]) -> Iterator[None]:
    """The render's video kept before the render replaces it in place (it is not staged with the
    set); appended to ``kept``. Where the shot then fails while the video there is still the one
    kept (the render never replaced it), the copy goes again: a failed run leaves no new file."""
    made = [(path, _keep_file(shot, path, why)) for path, why in keep if path == shot.render]
    kept.extend(entry for _, entry in made)
    try:
        yield
    except BaseException:
        for path, entry in made:
            if not entry[1].endswith(ALREADY) and same_file(identity(path), identity(entry[0])):
                entry[0].unlink(missing_ok=True)
                kept.remove(entry)
        raise


def _edited_words(words: Path, new: bytes, record: dict[str, Any] | None) -> str | None:
    """Why the ``recognised.txt`` in place must not be replaced without a word (None: it may): its
    bytes differ from the ones animate last wrote there (the done record's digest) -- the TD
    corrected it where the result line named it -- or no record says what animate wrote. The same
    words as this run's are no loss."""
    try:
        if not words.is_file():
            return None
        now = words.read_bytes()
    except OSError:
        return None
    if now == new:
        return None
    wrote = (record or {}).get("words")
    if not isinstance(wrote, str):
        return "no record says animate wrote it"
    return None if words_digest(now) == wrote else "edited since animate wrote it"


def _keep_edited_words(words: Path, why: str) -> tuple[Path, str]:
    """Keep the edited ``recognised.txt`` under the first free ``recognised.edited[-N].txt`` beside it
    (never over another file) before the new words replace it; returns where, and the result line's
    words."""
    names = [f"{EDITED}.txt", *(f"{EDITED}-{n}.txt" for n in range(2, 1000))]
    at = next((words.with_name(n) for n in names if not os.path.lexists(words.with_name(n))), None)
    if at is None:
        raise DualTalkError(f"could not keep {words} ({why}): {names[-1]} and every name before it are taken")
    try:
        _keep_copy(words, at)
    except OSError as exc:
        raise DualTalkError(f"could not keep {words} ({why}) as {at.name}: {exc.strerror or exc}") from None
    return at, f" (the {words.name} it replaced, {why}, is kept as {at})"


@contextlib.contextmanager
def _work_files(work: Path, engine: bool) -> Iterator[Path | None]:
    """The work folder, marked as ours, for a shot that writes work files; with ``engine`` also a
    hidden scratch folder inside it where the engine writes its take (moved into place with the
    shot's other outputs by :func:`~...inference.core.fileio.staged_set`; removed whatever happens). A
    work folder this shot created is removed again when the shot fails, so a failed first run leaves
    no work folder."""
    from ...inference.core.fileio import scratch_folder
    from ...inference.core.outputs import run_folder

    with run_folder(work), scratch_folder(work) if engine else contextlib.nullcontext() as scratch:
        yield scratch


def add_dialogue_sound(scene: Any, wav: Path, frame: int, pair: tuple[str, str] | None = None) -> Any:
    """Put the dialogue on the timeline (replacing our earlier strips: with ``pair``, the two
    characters' names, only that pair's, another conversation's stay) for playback and renders;
    returns the strip."""
    remove_our_strips(scene, pair)
    return add_dialogue_strip(scene, wav, "dialogue", frame, pair=pair)


def _check_one_rate(shot: Shot, motions: tuple[Motion, Motion], job: bool) -> None:
    """Two files at different rates refused naming both, before the scene is touched (the keying
    refuses them too, as A and B: :func:`~...inference.core.motion.check_one_rate`)."""
    from ...inference.core.motion import check_one_rate

    assert shot.motion_a is not None and shot.motion_b is not None  # both or neither (jobs too)
    flags = motion_flags(job)
    check_one_rate(*motions, names=(f"{flags[0]} {shot.motion_a.name}", f"{flags[1]} {shot.motion_b.name}"))


def start_from_files(
    shot: Shot, request: Any, motions: tuple[Motion, Motion], job: bool, warnings: list[str]
) -> tuple[Any, str]:
    """``request`` hearing ``--audio`` from where motion files that record no source say their first
    frame sits (``start_time``, seconds into the recording), unless a part is given: another tool's
    files made from seconds 2-6 were keyed against the recording from 0 s, the face 2 s ahead of its
    sound (review rv41b F6); and, when the start came from the files, what chose it (for a refusal
    of that start to say: the user typed no --start), else "". ``warnings`` says when A and B start
    at different points."""
    from ...inference.core.take_record import audio_record

    if audio_record(motions[0]) or audio_record(motions[1]):  # the take's own part: match_audio's
        return request, ""
    if shot.req.start is not None or shot.req.end is not None:  # the part given is the part heard
        return request, ""
    start_a, start_b = motions[0].start_time, motions[1].start_time
    if start_a == 0.0 and start_b == 0.0:
        return request, ""
    assert shot.motion_a is not None and shot.motion_b is not None  # both or neither (jobs too)
    flags = motion_flags(job)
    a, b = f"{flags[0]} {shot.motion_a.name}", f"{flags[1]} {shot.motion_b.name}"
    if abs(start_a - start_b) > 0.5 / max(motions[0].fps, motions[1].fps):
        warnings.append(
            f"{a} starts {start_a:.2f} s into its recording but {b} {start_b:.2f} s (start_time): the sound "
            f"plays from {start_a:.2f} s, so B's face is {abs(start_b - start_a):.2f} s off its voice"
        )
    started = f"the start_time of {a}; give {'start' if job else '--start'} to hear another part"
    return request.replace(start=start_a), started


def sound_length_said(
    shot: Shot, motions: tuple[Motion, Motion], heard_s: float, job: bool, started: bool
) -> list[str]:
    """One warning, giving both lengths, when motion files that record no source and the sound
    ``--audio`` plays under them (``heard_s`` seconds, the part heard) are not one take's length:
    more than :data:`~...inference.metrics.MAX_LENGTH_MISMATCH_S` apart, the rule by which ``eval``
    tells two takes apart. Our own takes end within a frame of their sound (0.01-0.03 s over, the
    LibriVox takes; the dataset's 587 frames are 0.008 s short of its 23.488 s), so a normal take
    never trips it; 23.5 s of motion under 10 s of sound was keyed without a word (review rv43b F5).
    Files that record their source are checked against it (:func:`.shot_motion.match_audio`); motion
    shorter than a sound heard from a start (``started``: the files' ``start_time``, or ``--start``)
    with no end given is a part of the recording, as such files are made."""
    from ...inference.core.take_record import audio_record
    from ...inference.metrics import MAX_LENGTH_MISMATCH_S

    if audio_record(motions[0]) or audio_record(motions[1]):
        return []
    motion_s = max(motions[0].duration, motions[1].duration)
    if abs(motion_s - heard_s) <= MAX_LENGTH_MISMATCH_S:
        return []
    opened = (started or shot.req.start is not None) and shot.req.end is None
    if motion_s < heard_s and opened:
        return []
    assert shot.motion_a is not None and shot.motion_b is not None and shot.req.audio is not None
    flags = motion_flags(job)
    files = f"{flags[0]} {shot.motion_a.name} and {flags[1]} {shot.motion_b.name}"
    sounds = [Path(f).name for f in (shot.req.audio, shot.req.audio_b) if f is not None]
    part = " (the part heard)" if started or shot.req.start is not None or shot.req.end is not None else ""
    verb = "are" if len(sounds) > 1 else "is"
    return [
        f"{files} are {motion_s:.1f} s of motion but {' and '.join(sounds)}{part} {verb} {heard_s:.1f} s "
        "of sound: is it their take's recording? Keyed as given (the scene range follows the motion)"
    ]


def write_mix(dialogue: Any, path: Path) -> Path:
    """The dialogue mix (both voices, 16 kHz, 16-bit) at ``path``; a write that fails (a full disk)
    is one line with the disk's own error, exit 2 (:func:`~...inference.core.fileio.write_sound`)."""
    import numpy as np

    from ...inference.core.fileio import write_sound

    mix = dialogue.a.astype(np.float32) + dialogue.b.astype(np.float32)
    peak = float(np.abs(mix).max()) if len(mix) else 0.0
    if peak > 0.99:
        mix *= 0.99 / peak
    return write_sound(path, mix, 16000, suffix=".wav", subtype="PCM_16", format="WAV")


def run_shot(
    shot: Shot,
    engines: Any,
    progress: Any,
    where: str = "",
    wrote: list[Path] | None = None,
    *,
    job: bool = False,
    run_id: str = "",
    heard: list[str] | None = None,
    held: Callable[[], None] | None = None,
) -> str:
    """Animate one shot; returns the result line. ``where`` leads its warnings (a job's shot name);
    ``wrote`` receives the files put in place (a job's summary lists them), once all of them are;
    ``job``: messages name the job file's fields; ``run_id`` goes into the shot's done record;
    ``heard`` receives the recognised words (``--recognise``: a job's summary carries them);
    ``held`` is called once the shot's locks are this run's, before any long work (a job says there
    why ``--skip-done`` runs the shot again).

    The shot holds the lock of its .blend (and of its FBX, work folder and render output) while it runs
    (:mod:`.shot_state`): a second run on the same outputs fails in one line instead of both
    writing and both reporting done."""
    with interrupts.held():  # an interrupt inside Blender's start-up crashed the process
        import bpy

    t0 = time.perf_counter()
    check_shot(shot, job=job)
    f = field_names(job)
    locks = [(f["out"], shot.out)]
    # its FBX too: two runs given one --fbx (and two --out) both wrote it, the first one's was lost (rv40c F1)
    locks += [(f["fbx"], p) for p in fbx_files(shot)]
    work = work_folder(shot) if intermediates(shot) else None
    if work is not None:  # the work folder it uses, given or beside ``out``: another run may name it
        locks.append((f["work"] if shot.work is not None else f["out"], work))
    line = ""
    try:
        # once the set is in place, a signal waits (held) until the result line is made; a single
        # shot's set is its run's product: a signal then is too late to stop it (interrupts.landed)
        def placed() -> None:
            after.enter_context(interrupts.held())
            if not job:
                interrupts.landed("shot")

        with contextlib.ExitStack() as after:
            with _locked(shot, locks, work, f["render"]), excerpt_silence_unsaid(shot):
                if held is not None:
                    held()
                line = _run_locked(
                    bpy, shot, engines, progress, where, wrote, run_id, t0, job,
                    placed=placed, heard=heard,
                )  # fmt: skip
    except KeyboardInterrupt:
        if not line:  # stopped before the new set was in place: the earlier one stands
            raise
    return line  # a signal after the set went in place: received(), read back by the caller


class ShotBusy(LockHeld):
    """Another DualTalk run (a second farm worker on the job folder) holds the shot's lock: nothing is
    wrong with the shot, the other run is writing it. A job reports it ``busy`` (review rv37b F4: it
    read ``failed``, exit 2, as bad input does, and a scheduler re-queued both workers). A single shot
    exits with the job's busy code, 75 (EX_TEMPFAIL: try again later), not bad input's 2 (rv40c F5)."""

    exit_code = BUSY_EXIT


@contextlib.contextmanager
def _locked(shot: Shot, locks: list[tuple[str, Path]], work: Path | None, render: str) -> Iterator[None]:
    """The shot's locks (:func:`.shot_state.shot_lock`, :func:`_render_locked`), held for the block;
    one another run holds (:class:`~...inference.core.locks.LockHeld`, told by its type, not its
    words) is :class:`ShotBusy`, with the same line."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(shot_lock(locks, work))
            stack.enter_context(_render_locked(shot, render))
        except LockHeld as exc:
            raise ShotBusy(str(exc), holder=exc.holder, held=exc.held) from None
        yield


def _render_locked(shot: Shot, label: str) -> contextlib.AbstractContextManager[None]:
    """The lock of the shot's render output, held with its other outputs' (a render of it running
    elsewhere is said now, not after the engine and the keying), where a render takes it: beside the
    output, or inside an existing frames folder whose folder above takes no file (render_lock_file)."""
    if shot.render is None:
        return contextlib.nullcontext()
    from ..scene.render import render_lock

    return render_lock(shot.render, label, fix=f"give this shot another {label}")


def _run_locked(
    bpy: Any,
    shot: Shot,
    engines: Any,
    progress: Any,
    where: str,
    wrote: list[Path] | None,
    run_id: str,
    t0: float,
    job: bool = False,
    placed: Callable[[], object] = lambda: None,
    heard: list[str] | None = None,
) -> str:
    """:func:`run_shot` once the shot is checked and its outputs locked; ``placed`` is called as soon
    as the shot's new set is in place (from then on the shot finishes and reports it)."""
    from ...inference import pipeline
    from ..rig.options import link
    from ..scene.apply import TakeLength, apply_dialogue, check_character, check_frame_span, role_options
    from ..scene.moved_take import MovedTo, where_moved
    from ..scene.remove_take import other_takes, shared_scene_warnings

    lips = ""  # what a transcript drew, for the result line
    script = ""  # the words --recognise heard, kept in the work folder
    kept_words = ""  # where they are, for the result line
    removed = 0  # our sound strips of an earlier take, removed for a take without --audio
    edited: str | None = None  # why the recognised.txt in place is kept aside (the TD edited it)
    kept_aside: list[Path] = []  # what this run kept before replacing it (a job's summary lists them)
    backed = ""  # what the result line says of them
    _sweep_killed_run(shot)
    open_blend(bpy, shot.blend)
    check_shot_libraries(bpy, shot, job)  # its out over a library the scene links: before any work
    before = read_record(shot)  # what the shot's last run wrote, read before this run forgets it
    recorded = (before or {}).get("words")  # a run that hears no words keeps the last run's digest
    words = recorded if isinstance(recorded, str) else None
    backup = _backup_name(shot, before)  # said before any work when it cannot be kept
    keep = _files_to_keep(shot, before)  # an FBX or video not animate's own: the same, each
    kept_copies: list[tuple[Path, str]] = []  # (where, the result line's words)
    # Belt and braces: Blender runs Python handlers (load, save, frame change, render) and prints and
    # swallows what they raise, an interrupt included; the signal is remembered, so it is read back
    # at each stage and before the shot's set goes in place, never lost.
    interrupts.raise_if_interrupted()
    scene = bpy.context.scene
    if scene is None:
        raise RuntimeError(f"Blender opened {shot.blend.name} without an active scene")
    obj_a = find_object(bpy, shot.char_a, "character A", scene, shot.blend)
    obj_b = find_object(bpy, shot.char_b, "character B", scene, shot.blend)
    if shot.render is not None and scene.camera is None:
        raise DualTalkError(
            f"{shot.blend.name} has no active camera to render from (set one, or drop --render)"
        )
    check_video_picture(scene, shot, job=job)  # odd (x its %, its views): before the engine (rv36b R8)
    if shot.fbx is not None:
        check_fbx_exportable((obj_a, obj_b), shot.fbx_scope)
    for line in shared_scene_warnings((obj_a, obj_b), scene):  # one object, one animation: said up front
        warn(f"{where}{line}")
    # the shot's own options, as animate keys them: the scene range fits the take, no undo steps; a
    # file that holds another conversation's take keeps it in the range: extended, not fitted
    others = other_takes(scene, (obj_a, obj_b)) if shot.frame_range is None else []
    fit = "extend" if others else "fit"
    request, options = link(shot.request(), shot.options.replace(frame_range=fit, undo_push=False))
    # Refuse unusable rigs and map files now, not after the engine has run and written motion files;
    # the reports are reused for the keying (each character is inspected once per shot).
    options.validate()
    # each with its own map (--map-a / --map-b), else --map, else the preset: each file read once (a
    # --map of both too), and one that went bad since the shot was checked is refused as A's or B's
    own = role_options(options)
    reports = (check_character(obj_a, own["A"]), check_character(obj_b, own["B"]))
    for label, report in zip(("A", "B"), reports, strict=True):
        progress.update("characters", 0.5 if label == "A" else 1.0, f"{label}: {report.summary}")
    # a whole take without --take re-keys the take both characters play (review 31r F8)
    played = played_takes((obj_a, obj_b)) if shot.frame_range is None else []
    options.take, rekey = take_to_key(shot, played, job)  # said once the take is keyed
    scene_start = int(scene.frame_start)  # before keying: a fitted range starts where the take does
    moved = MovedTo(options)  # a whole take keyed where the animator slid the earlier one, as Generate
    if shot.frame_range is None:
        moved = where_moved(scene, options, (obj_a, obj_b))
        options = moved.options
        for line in moved.warnings:  # slid unevenly: the scene's start, and why
            warn(f"{where}{line}")
    plan: RangePlan | None = None  # a re-generated range's
    if shot.frame_range is not None:
        notes: list[str] = []
        start, end, offset_b, plan = range_window(shot, options, obj_a, obj_b, scene, notes)
        for note in notes:
            warn(f"{where}{note}")
        # the take's values are set on the shot's request: linked again, as a flag that switched
        # blinks or eye contact off made the request above a copy made before they were set
        request, options = link(shot.request(), options)
        request = request.replace(start=start, end=end, offset_b=offset_b)
    work = work_folder(shot)
    engine_needed = shot.motion_a is None
    given: tuple[Motion, Motion] | None = None  # the motion files given, read and checked up front
    started = ""  # where the sound starts when the files' start_time chose it, for a refusal to say
    if not engine_needed:
        said: list[str] = []
        given = load_given(shot, job, said)
        _check_one_rate(shot, given, job)
        if shot.req.audio is not None and shot.frame_range is None:  # the take's own part of its recording
            request = match_audio(shot, request, given, job, said)
            request, started = start_from_files(shot, request, given, job, said)
        for line in said:
            warn(f"{where}{line}")
    # the words heard, or the script as read, would replace a file of that name not ours (the reading
    # an ``infer --out`` run wrote in a folder given as --work is ours: replaced as infer would)
    if engine_needed and (request.recognise or (request.transcript and not _reading_ours(work))):
        check_work_folder(
            work,
            [RECOGNISED if request.recognise else SCRIPT_READ],
            field_names(job)["work"] if shot.work is not None else "work folder",
        )
    try:
        dialogue = (
            pipeline.load_dialogue(request, progress)
            if shot.req.audio is not None and (shot.frame_range is None or engine_needed)
            else None
        )
    except DualTalkError as exc:  # "--start 40 s is past the end": a start the user never typed
        if not started:
            raise
        raise DualTalkError(f"{exc} ({started})") from None
    if given is not None and dialogue is not None and shot.frame_range is None:
        for line in sound_length_said(shot, given, dialogue.duration, job, bool(started)):
            warn(f"{where}{line}")
    if dialogue is not None and engine_needed:
        # the take's frames, before the engine runs: counted by the keying's own check, on the
        # motion the engine will make (as many 25 fps frames as cover the audio)
        check_frame_span(scene, cast("Motion", TakeLength(dialogue.num_frames)), options.start_frame)
    mix = dialogue is not None and shot.frame_range is None  # a range keeps the take's sound strip
    # The work files this shot replaces: written under hidden names, in place only with the rest.
    wav = work / "dialogue.wav"
    work_files = ([work / "A.npz", work / "B.npz"] if engine_needed else []) + ([wav] if mix else [])
    with contextlib.ExitStack() as stack:
        scratch = stack.enter_context(_work_files(work, engine_needed)) if work_files else None
        if engine_needed:
            assert scratch is not None  # made by _work_files for the engine's take
            take = pipeline.run(request, scratch, progress=progress, dialogue=dialogue, engines=engines)
            path_a, path_b = take.path_a, take.path_b
            if plan is not None:  # the work folder then holds a range, not a take: its files say so
                mark_range([(path_a, take.motion_a), (path_b, take.motion_b)], plan, shot)
            if take.transcript is not None:
                from ...inference.phonetic.transcript import brief

                lips = f"; {brief(take.transcript)}"
                script = str(take.transcript.get("script") or "")
            if (scratch / SCRIPT_READ).is_file():  # the script as read goes in place with the take
                work_files.append(work / SCRIPT_READ)
                kept_words = f"; each script line as read is in {work / SCRIPT_READ}"
            if script:  # what was heard goes in place with the take it drew
                work_files.append(work / RECOGNISED)
                kept_words = f"; the recognised words are in {work / RECOGNISED}"
                if heard is not None:
                    heard.append(script)
        # The motion files are the seam: key what was written, exactly as a user would load it.
        if given is None:
            motion_a, motion_b = read_motion(path_a), read_motion(path_b)
        else:
            assert shot.motion_a is not None and shot.motion_b is not None  # both or neither (jobs too)
            path_a, path_b = shot.motion_a, shot.motion_b
            motion_a, motion_b = given
        if not engine_needed:  # motion files given: a re-generated range keys only as the range it is
            range_start = range_file_start(shot, plan, [(path_a, motion_a), (path_b, motion_b)])
            if range_start is not None:
                options.start_frame = range_start
        progress.update("keying", 0.0, "both characters")
        rep_a, rep_b, markers = apply_dialogue(
            obj_a, obj_b, motion_a, motion_b, options, scene=scene, reports=reports, progress=progress
        )
        progress.update(
            "keying",
            1.0,
            f"{rep_a.curves + rep_b.curves} curves, {markers} turn marker{'' if markers == 1 else 's'}",
        )
        frames = f"{scene.frame_start}-{scene.frame_end}"  # the scene range the take left
        for said_take in (rekey, kept_line(shot, played, options.take, job)):  # which take, first
            if said_take is not None:
                warn(f"{where}{said_take}")
        for warning in rep_a.warnings + rep_b.warnings:
            warn(f"{where}{warning}")
        fbx = fbx_files(shot)  # one, or one per character
        written = [str(p) for p in (shot.out, *fbx, shot.render) if p is not None]
        finals = [shot.out, *fbx, *work_files]
        with _set_in_place(finals, placed) as staged:
            if engine_needed:  # the engine's take, from the scratch folder to its staged names
                for final, new in zip(work_files[:2], (path_a, path_b), strict=True):
                    os.replace(new, staged[final])
                if work / SCRIPT_READ in staged:
                    os.replace(path_a.parent / SCRIPT_READ, staged[work / SCRIPT_READ])
            if script:
                staged[work / RECOGNISED].write_text(script, encoding="utf-8")
                new_words = staged[work / RECOGNISED].read_bytes()  # as written (line ends too)
                words = words_digest(new_words)
                edited = _edited_words(work / RECOGNISED, new_words, before)
            strip = None
            if mix:
                write_mix(dialogue, staged[wav])
                strip = add_dialogue_sound(
                    scene, staged[wav], rep_a.first_frame, (rep_a.character, rep_b.character)
                )
                strip.sound.name = wav.name
            elif shot.frame_range is None:  # a new take with no sound of its own: the earlier take's goes
                removed = remove_our_strips(scene, (rep_a.character, rep_b.character))
            scene.frame_set(scene.frame_start)
            progress.update("save", 0.0, shot.out.name)
            # the .blend plays the work folder's mix, stored "//"-relative when it lies in the .blend's
            # folder (a shot folder copied elsewhere keeps its sound)
            with sound_saved_as(strip, wav if mix else None, blend=shot.out, saved_to=staged[shot.out]):
                save_blend(bpy, staged[shot.out], quiet=quiet_stdout)
            interrupts.raise_if_interrupted()  # a save handler swallowed it
            progress.update("save", 1.0, shot.out.name)
            # both characters in one file, or each in its own (--fbx-per-character: one root per file)
            exports = [[obj_a, obj_b]] if len(fbx) == 1 else [[obj_a], [obj_b]]
            for path, chars in zip(fbx, exports, strict=False):
                from ..scene.fbx_export import clip_warnings, export_fbx, left_out_modifiers

                on = f"{path.name}: " if len(fbx) > 1 else ""  # which file a warning is about
                progress.update("fbx", 0.0, path.name)
                # a shot naming no take names its clip (review rv35b F6: every shot of one layout re-keyed
                # its take, and forty files held forty clips of one name); a named take names it
                clip = None if take_given(shot) else take_from_name(shot.name)
                export_fbx(
                    chars, staged[path], scene=scene, scope=shot.fbx_scope, progress=progress, clip=clip
                )
                progress.update("fbx", 1.0, path.name)
                for warning in left_out_modifiers(chars, scope=shot.fbx_scope):
                    warn(f"{where}{on}{warning}")
                for warning in clip_warnings(chars, scene):  # a range extended for another take
                    warn(f"{where}{on}{warning}")
            if shot.render is not None:
                from ..scene.render import render_shot

                stack.enter_context(_video_kept(shot, keep, kept_copies))  # replaced in place by the render
                render_shot(  # its lock is held with the shot's (run_shot)
                    scene,
                    shot.render,
                    resolution=shot.resolution,
                    samples=shot.samples,
                    progress=progress,
                    lock=False,
                    frames=shot.frame_range,  # a --range's frames only, into a frames folder (rv36b R2)
                    job=job,  # the preview hint names the job's fields (rv36b R3)
                )
            interrupts.raise_if_interrupted()  # stopped: the earlier set stays, this one goes
            if backup is not None:
                at, said_backup = _keep_backup(shot, backup)
                backed = f"; {said_backup}"
                kept_aside.append(at)
            for path, why in keep:  # the FBX files: replaced with the set, just after this
                if path != shot.render:
                    kept_copies.append(_keep_file(shot, path, why))
            kept_aside.extend(at for at, _ in kept_copies)
            backed += "".join(f"; {said}" for _, said in kept_copies)
            if edited is not None:
                at, said_kept = _keep_edited_words(work / RECOGNISED, edited)
                kept_words += said_kept
                kept_aside.append(at)
            # the set about to go in place, recorded first (pending): a run killed between the renames
            # and record_done leaves a record naming its own outputs, never one of the old set
            record_pending(shot, run_id, words, kept_aside, staged)
        # the new set is in place (kept by --skip-done when nothing changed)
        if engine_needed and work / SCRIPT_READ not in staged:  # an earlier take's reading is not this one's
            _drop_reading(work)
        record_done(shot, run_id, words, kept_aside)
    took = time.perf_counter() - t0
    noted = "".join(f"; {note}" for note in dict.fromkeys([*rep_a.notes, *rep_b.notes]))  # said once
    if wrote is not None:
        wrote.extend(
            p for p in (shot.out, *fbx_files(shot), shot.render, *work_files, *kept_aside) if p is not None
        )
    if rep_a.replaced is not None:
        range_first, range_last = frame_range(shot)
        assert options.replace_range is not None  # set by range_window
        shift = range_first - options.replace_range[0]  # the take's strips moved in the NLA editor
        lo, hi = (f + shift for f in rep_a.replaced)
        rendered = ""
        if shot.render is not None:  # a frames folder gets the range's frames; a video is the whole take
            from ..scene.render import VIDEO_SUFFIXES

            whole = shot.render.suffix.lower() in VIDEO_SUFFIXES
            rendered = (
                "; rendered the whole take (a video)"
                if whole
                else (f"; rendered frames {range_first}-{range_last} only")
            )
        return (
            f"wrote {', '.join(written)}: re-generated frames {range_first}-{range_last} "
            f"(cross-faded over {lo}-{hi}) of A {rep_a.character} and B {rep_b.character}{noted}{kept_words}{backed}"
            f"{rendered}, {took:.1f} s"
        )
    sound = (
        f"; removed the earlier take's sound strip{'s' if removed > 1 else ''} (give --audio to place "
        "this take's sound)"
        if removed
        else ""
    )
    instead = f"give {'the shot start_frame' if job else '--start-frame'} {scene_start}"
    slid = "".join(
        f"; {said}"
        for said in moved.said(
            rep_a.first_frame, max(rep_a.last_frame, rep_b.last_frame), scene_start, instead
        )
    )
    kept = (  # another conversation's take stays in the range, and the line says so
        f"; scene range {frames} (extended to this take, not fitted to it: the file holds another take, "
        f"of {_names(others)})"
        if others
        else ""
    )
    return (
        f"wrote {', '.join(written)}: {_length(rep_a.frames, rep_b.frames)} at {rep_a.fps:g} fps "
        f"(A {rep_a.character}: {rep_a.mapping}; B {rep_b.character}: {rep_b.mapping}){slid}{noted}{lips}"
        f"{kept_words}{sound}"
        f"{kept}{backed}, "
        f"{took:.1f} s"
    )


def _reading_ours(work: Path) -> bool:
    """Whether the work folder's ``script_read.tsv`` is one DualTalk wrote (its header row: ``infer``
    or an earlier shot), a regular file; False where there is none or it is anything else."""
    from ...inference.phonetic.script_reading import is_reading

    return is_reading(work / SCRIPT_READ)


def _drop_reading(work: Path) -> None:
    """The ``script_read.tsv`` of an earlier take removed once a take drawn without a typed script is
    in place (it would describe lines this take was not drawn from); a file of that name DualTalk
    did not write is left, with a warning (:func:`~...inference.phonetic.script_reading.write`)."""
    from ...inference.phonetic.script_reading import write

    write(work, None)


def _sweep_killed_run(shot: Shot) -> None:
    """The staged outputs a run of this shot killed mid-write left (SIGKILL runs no clean-up), removed
    now that this run holds the outputs' locks (:mod:`~...inference.core.stale_parts`; review 33s: each kill left a
    .blend's worth of hidden files for good), the shot's record's too (review rv38d F7). The work folder
    is locked, and swept, when it is written."""
    from ...inference.core.stale_parts import sweep

    names = intermediates(shot)
    work = work_folder(shot) if names else None
    finals = [shot.out, *fbx_files(shot), record_path(shot)]
    if work is not None:
        finals += [work / name for name in (*names, RECOGNISED, SCRIPT_READ)]
    sweep(finals, work)


def _length(a: int, b: int) -> str:
    """The take's length, as the scene range is set to it: the longer character's (motion files of
    old takes that record no source may differ; both counts are then given)."""

    def frames(n: int) -> str:
        return f"{n} frame{'' if n == 1 else 's'}"

    return frames(a) if a == b else f"{frames(max(a, b))} (A {a}, B {b})"


def _names(names: list[str]) -> str:
    """'Ann', 'Ann and Bob', 'Ann, Bob and Cat'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
