"""Headless render of an animated shot with the scene's own camera, engine and frame range.

``OUT`` ending in ``.mp4``/``.mkv``/``.mov`` renders a video (H.264) with the sequencer's
sound (the dialogue) muxed in as AAC when this Blender build has FFmpeg; a build without
it renders PNG frames and muxes with a system ``ffmpeg`` if there is one, else refuses.
Any other ``OUT`` is a folder that receives an image sequence ``frame_0001.png`` ... in the
scene's image format when that is an image format, PNG otherwise.

Only the resolution and the sample count can be overridden; every setting touched is
restored afterwards, and outputs appear atomically (temp sibling, then rename).

Frames are rendered one Blender call each (every video's too, cropped to a render border or stereo
3D included, encoded from them after), so Ctrl-C, SIGTERM and the add-on's Cancel end a render after
the frame being rendered, and each frame's progress line reaches the real stderr: one animation call
heard a farm's SIGTERM only when the whole render was done (review rv35b F1, F2). A stereo 3D video is
its frames as Blender's Stereo 3D output lays each frame's two views out (side by side...); a
multiview render writing each view to a file of its own makes no one video and is refused.

Blender reports a render FINISHED also when its writer failed: a full disk leaves 0-byte frames
and a cut-off video. So every frame is checked from its header (the right size, not cut short)
and a video from its container's structure before anything is put in place; a failure says why
(the disk's own error, found by a test write) and leaves the earlier render as it was.

A render holds the lock of its output (``.NAME.dualtalk-lock`` beside it, :mod:`~...inference.core.locks`)
while it runs: a second render of the same output stops in one line naming the first's pid. A render
SIGKILLed mid-frame (out of memory, a farm's hard stop) runs no clean-up and left its hidden stage for
good, as large as the frames rendered so far (review 33s). The next render of the same output, once it
holds the lock, removes exactly what a killed render of that output leaves (:func:`sweep_dead_render`):
nobody else may be rendering it then, and the kernel dropped the dead run's lock with the process.
On a file system without locks (the lock cannot be taken; the render warns) nothing is swept: a
render of the same output may be running, and its stage looks like a dead one's (review rv35a F8).

A frames folder's earlier frames are DualTalk's only where its record says so: each render writes
``.dualtalk-render.frames`` (each frame's name, size and time) with its frames, and only frames that
match it are replaced or removed by the next render. Any other file, ``frame_0001.jpg`` that ffmpeg
extracted or a frame changed since, or frames an older build rendered (it wrote no record), makes the
render refuse in one line before any work, naming the folder and how many (review rv35a F9: 300 of a
user's extracted frames were deleted, exit 0).

Blender 5 reads characters in a render's output path: it expands ``{blend_name}`` templates (and
refuses ``{v2}``) anywhere in it, and a ``#`` in the file's name into frame numbers. So a render's work
is staged under names DualTalk makes (``.dualtalk-render.KEY.XXXXXXXX.part``, ``.dualtalk-video.KEY.
XXXXXXXX.part.mp4``; KEY stands for the output's name, so the sweep of one output's render never takes
another's), the folders' braces are doubled as Blender's templates expect (:func:`blender_path`), Blender
is asked where it will write before the first frame, and what Python renames into place is checked
where it lies (review rv36a G4, G6: ``o/{blend_name}`` was reported rendered while its frames lay in a
hidden ``o/.scene.XXXXXXXX.part``; ``shot#12.mp4`` left the whole video hidden beside it at every try).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import bpy

from ...inference.core import interrupts, locks
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import (
    atomic_path,
    disk_trouble,
    ensure_writable_dir,
    plain_mode,
    replace_all,
)
from ...inference.core.media_check import frame_problem, video_problem
from ...inference.core.outputs import real
from ...inference.core.typed_paths import for_blender
from ..rig.options import check_render
from .paths import blend_path

VIDEO_SUFFIXES = {".mp4": "MPEG4", ".mkv": "MKV", ".mov": "QUICKTIME"}
IMAGE_EXT = {
    "PNG": "png",
    "JPEG": "jpg",
    "OPEN_EXR": "exr",
    "TIFF": "tif",
    "BMP": "bmp",
    "WEBP": "webp",
    "TARGA": "tga",
}
FRAME_PREFIX = "frame_"
STAGE_PREFIX = ".dualtalk-render."  # a render's frames, inside an existing frames folder, until checked
INSIDE_LOCK = f"{STAGE_PREFIX}lock"  # a frames folder's render lock where the folder above takes no file
RECORD = f"{STAGE_PREFIX}frames"  # what DualTalk put in a frames folder: each frame's name, size, time
_RECORD_KIND = "DualTalk rendered frames"
_RECORD_MAX = 1 << 26  # bytes read of a record (a 100 000-frame render's is about 5 MB)
_RANDOM = r"[a-z0-9_]{8}"  # tempfile.mkdtemp's random part
_STAGE_INSIDE = re.compile(rf"{re.escape(STAGE_PREFIX)}{_RANDOM}\.part")
VIDEO_STAGE_PREFIX = ".dualtalk-video."  # a video being encoded, beside it, until checked


def _output_key(output: Path) -> str:
    """Eight hex digits standing for ``output``'s name in the names of its stages beside it: a name
    Blender reads nothing in (it expands ``#`` and ``{...}`` in a render's output path, review rv36a
    G4, G6), and still each output's own, so the sweep of one render never takes another's."""
    return hashlib.sha256(os.fsencode(output.name)).hexdigest()[:8]


def _beside_prefix(output: Path) -> str:
    """The start of the name of ``output``'s stage folder beside it (``.dualtalk-render.KEY.``)."""
    return f"{STAGE_PREFIX}{_output_key(output)}."


def _video_prefix(output: Path) -> str:
    """The start of the name of the video ``output`` staged beside it (``.dualtalk-video.KEY.``)."""
    return f"{VIDEO_STAGE_PREFIX}{_output_key(output)}."


def blender_path(path: Path) -> str:
    """``path`` written as Blender reads a render's output path back, naming that very file or folder:
    :func:`~...inference.core.typed_paths.for_blender`'s text (a leading ``//`` refused: the output was
    read where it came in, :func:`render_shot`), its braces doubled (Blender 5 expands ``{blend_name}``
    there, and refuses ``{v2}`` after the engine ran: review rv36a G6). A ``#`` in a folder's name is
    left as it is: Blender reads frame numbers in the file's name only, and DualTalk makes those names."""
    return for_blender(path).replace("{", "{{").replace("}", "}}")


def _aim(scene: Any, target: Path, output: Path, folder: bool) -> None:
    """Point Blender's render output at ``target`` (a frames stage folder, or a video's staged file)
    and check, before any frame, that Blender reads it as that place: a render Blender would write
    elsewhere is one line naming the user's ``output``, not a render reported done that is not there."""
    r = scene.render
    r.filepath = blender_path(target / FRAME_PREFIX if folder else target)
    try:
        read = Path(r.frame_path(frame=scene.frame_start))
    except RuntimeError as exc:  # Blender's multi-line "Error: Parse errors in path ..."
        raise DualTalkError(f"could not render {output}: Blender cannot read the path {target}") from exc
    aimed = read.parent if folder else read
    if os.path.realpath(aimed) != os.path.realpath(target):
        raise DualTalkError(f"could not render {output}: Blender reads the path {target} as {aimed}")


@contextlib.contextmanager
def _restored(obj: Any, *names: str) -> Iterator[None]:
    saved = {n: getattr(obj, n) for n in names if hasattr(obj, n)}
    try:
        yield
    finally:
        for n, v in saved.items():
            with contextlib.suppress(AttributeError, TypeError, ValueError):
                setattr(obj, n, v)


def _set_samples(scene: Any, samples: int) -> None:
    engine = scene.render.engine
    if engine == "CYCLES":
        scene.cycles.samples = samples
    elif engine.startswith("BLENDER_EEVEE"):
        scene.eevee.taa_render_samples = samples
    # Workbench has no sample count (anti-aliasing is a quality preset): nothing to set.


def _has_sound(scene: Any) -> bool:
    se = scene.sequence_editor
    if se is None:
        return False
    strips = se.strips_all if hasattr(se, "strips_all") else se.sequences_all
    return any(s.type == "SOUND" and not s.mute for s in strips)


PREVIEW_SIZE = (480, 270)


def _samples(scene: Any) -> int:
    """The scene's render samples (1 for an engine without a sample count: Workbench's)."""
    engine = scene.render.engine
    if engine == "CYCLES":
        return int(scene.cycles.samples)
    if engine.startswith("BLENDER_EEVEE"):
        return int(scene.eevee.taa_render_samples)
    return 1


def preview_hint(scene: Any, *, job: bool = False) -> str:
    """The "for a quick preview: ..." hint, naming what would make this render quicker and only that: a size
    past 480x270, more than one sample (EEVEE, Cycles); empty where neither holds (a Workbench render
    has no samples and is quick). ``job``: worded as a job file's fields, not as flags (review rv36b R3:
    it was printed for 320x180 at 1 sample, for Workbench, and named flags in a job's log)."""
    r = scene.render
    if r.engine == "BLENDER_WORKBENCH":
        return ""
    w, h = (r.resolution_x * r.resolution_percentage // 100, r.resolution_y * r.resolution_percentage // 100)
    size = f"{PREVIEW_SIZE[0]}x{PREVIEW_SIZE[1]}"
    parts = []
    if w * h > PREVIEW_SIZE[0] * PREVIEW_SIZE[1]:
        parts.append(f'"resolution": "{size}"' if job else f"--resolution {size}")
    if _samples(scene) > 1:
        parts.append('"samples": 1' if job else "--samples 1")
    if not parts:
        return ""
    return f"for a quick preview: {', '.join(parts) if job else ' '.join(parts)}"


VIDEO_MIN_SIDE = 16  # Blender 5.0.1's FFmpeg writer: "Image too small" under 16 pixels a side (measured)


def _f32(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


def render_size(scene: Any, resolution: tuple[int, int] | None = None) -> tuple[tuple[int, int], str, bool]:
    """The size in pixels a render of ``scene`` writes (at ``resolution`` if given, else the scene's size
    at its percentage, cropped to its border where it crops), how it came about in words ("" for
    ``resolution`` as given), and whether it is cropped. Blender truncates ``size * percentage / 100``,
    and a border's edges at ``float32(edge * size)`` (matched against 40 cropped renders)."""
    r = scene.render
    if resolution is not None:
        w, h = int(resolution[0]), int(resolution[1])
        how = ""
    else:
        w, h = (
            r.resolution_x * r.resolution_percentage // 100,
            r.resolution_y * r.resolution_percentage // 100,
        )
        how = f"the scene's {r.resolution_x}x{r.resolution_y}"
        if r.resolution_percentage != 100:
            how += f" at {r.resolution_percentage} %"
    cropped = bool(r.use_border and r.use_crop_to_border)
    if cropped:
        how = f"{how or f'{w}x{h}'}, cropped to its render border"
        edges = [(r.border_min_x, r.border_max_x, w), (r.border_min_y, r.border_max_y, h)]
        w, h = (int(_f32(_f32(hi) * n)) - int(_f32(_f32(lo) * n)) for lo, hi, n in edges)
    return (w, h), how, cropped


_STEREO_WORDS = {
    "SIDEBYSIDE": "side by side",
    "TOPBOTTOM": "top and bottom",
    "ANAGLYPH": "as an anaglyph",
    "INTERLACE": "interlaced",
}


def stereo_layout(scene: Any) -> tuple[tuple[int, int], str]:
    """How a multiview render puts its views in one picture per frame, as Blender's Stereo 3D output
    does (the scene's output Views Format): how many times the picture is as wide and as high as one
    view (side by side doubles the width, top and bottom the height, unless squeezed), and in words
    (``"its two views side by side"``). ``((1, 1), "")`` where the render is not multiview, or writes
    each view to a file of its own (Individual)."""
    r = scene.render
    fmt = r.image_settings
    if not r.use_multiview or fmt.views_format != "STEREO_3D":
        return (1, 1), ""
    stereo = fmt.stereo_3d_format
    mode = stereo.display_mode
    words = f"its two views {_STEREO_WORDS.get(mode, mode.lower())}"
    if stereo.use_squeezed_frame and mode in ("SIDEBYSIDE", "TOPBOTTOM"):
        return (1, 1), f"{words}, squeezed"
    return {"SIDEBYSIDE": (2, 1), "TOPBOTTOM": (1, 2)}.get(mode, (1, 1)), words


def one_file_per_view(scene: Any) -> bool:
    """Whether a render of ``scene`` writes each view to a file of its own (multiview, Individual):
    ``frame_0001_L.png`` and ``frame_0001_R.png``, and for a video two videos, ``_L`` and ``_R``."""
    r = scene.render
    return bool(r.use_multiview and r.image_settings.views_format != "STEREO_3D")


def video_size_refusal(
    size: tuple[int, int],
    suffix: str,
    said: str,
    give: str = "",
    *,
    quote: bool = False,
    views: tuple[int, int] = (1, 1),
) -> str | None:
    """Why a ``suffix`` video cannot be ``size`` (None: it can), as ``said: why; fix``. Every video
    DualTalk writes is H.264 in 4:2:0 (Blender's FFmpeg or a system ffmpeg's libx264), which needs an
    even width and height; Blender's writer also refuses under 16 pixels a side. Found by the encoder
    once every frame was rendered, as an "internal error" (review rv36b R8). ``give``: what the sizes
    offered follow (``--resolution ``, ``"resolution": ``); ``quote``: each in quotes (a job's).
    ``views``: a stereo render's picture is ``size`` times that (:func:`stereo_layout`), and the sizes
    offered are still one view's."""
    low = VIDEO_MIN_SIDE if blender_has_ffmpeg() else 2
    w, h = size[0] * views[0], size[1] * views[1]
    if w % 2 == 0 and h % 2 == 0 and min(w, h) >= low:
        return None
    # one view's side n, in a picture k views across: even and at least `low` once multiplied
    down = tuple(max(-(-low // k), n - n % 2 if k == 1 else n) for n, k in zip(size, views, strict=True))
    up = tuple(max(-(-low // k), n + n % 2 if k == 1 else n) for n, k in zip(size, views, strict=True))
    sizes = [f'"{a}x{b}"' if quote else f"{a}x{b}" for a, b in dict.fromkeys([down, up])]
    why = "an even width and height"
    if min(w, h) < low:
        why += f", at least {low}x{low} (Blender's FFmpeg writer)"
    offer = give + " or ".join(sizes)
    return (
        f"{said}: a {suffix} video (H.264) needs {why}; give {offer}, or render a folder of frames (any size)"
    )


def check_video_size(
    scene: Any, output: Path, resolution: tuple[int, int] | None = None, *, job: bool = False
) -> None:
    """Refuse a video ``output`` whose frames would be a size its encoder refuses, before any work:
    an odd ``--resolution``, a scene's own odd size (``1920x1080`` at 33 % is ``633x356``), or a crop
    to its render border. A stereo 3D render's picture holds its two views (side by side: twice as
    wide, :func:`stereo_layout`); a multiview render writing each view to its own file makes two
    videos, and is refused (every multiview video failed after the engine ran, "not finished", and
    left its hidden ``_L``/``_R`` videos behind; an odd size stopped inside Blender's writer). A frames
    folder takes any size."""
    suffix = output.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        return
    if one_file_per_view(scene):
        raise DualTalkError(
            f"could not render {output}: the scene's output Views Format is Individual (each view "
            "to a file of its own), and a video is one file: set it to Stereo 3D (Output Properties > "
            "Output > Views), or render a folder of frames (frame_0001_L.png, frame_0001_R.png, ...)"
        )
    size, how, cropped = render_size(scene, resolution)
    views, layout = stereo_layout(scene)
    asked = f'"resolution" "{size[0]}x{size[1]}"' if job else f"--resolution {size[0]}x{size[1]}"
    whence = ", ".join(filter(None, [how or asked, layout]))
    said = f"the render is {size[0] * views[0]}x{size[1] * views[1]} ({whence})"
    give = '"resolution": ' if job else "--resolution "
    if not how and not layout:  # as asked: the flag's own line
        said, give = asked, ""
    elif cropped:
        give = "a render border that crops to "
    refusal = video_size_refusal(size, suffix, said, give, quote=job and not cropped, views=views)
    if refusal is not None:
        raise DualTalkError(f"could not render {output}: {refusal}")


def rendered_frames(scene: Any) -> int:
    """How many frames a render of ``scene`` writes: its range, every ``frame_step``-th frame."""
    return len(range(scene.frame_start, scene.frame_end + 1, max(1, scene.frame_step)))


class _FrameClock:
    """Progress per rendered frame with an ETA (EEVEE on a CPU-only machine can take a minute a frame)."""

    def __init__(self, scene: Any, progress: Any) -> None:
        self.total = max(1, rendered_frames(scene))
        self.progress = progress
        self.done = 0
        self.t0 = time.perf_counter()
        self.quiet: Any = None  # a video's: Blender's prints are off the real stderr while it renders

    def __call__(self, *_args: Any) -> None:  # bpy.app.handlers.render_post(scene, depsgraph)
        try:
            if self.quiet is None:
                self.tick()
            else:
                with self.quiet.aside():  # else the line went to the temp file (review rv35b F1)
                    self.tick()
        except KeyboardInterrupt:
            # A signal's Python handler runs here, inside Blender's render loop, which would print
            # and swallow it; interrupts recorded it, and _render_animation re-raises it after.
            pass

    def tick(self) -> None:
        self.done += 1
        if self.progress is None:
            return
        spent = time.perf_counter() - self.t0
        per = spent / self.done
        left = per * (self.total - self.done)
        self.progress.update(
            "render",
            min(self.done / self.total, 0.999),
            f"frame {self.done}/{self.total}, {per:.1f} s/frame, about {_clock(left)} left",
        )


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _render_animation(scene: Any, progress: Any, output: Path, folder: Path) -> None:
    """Render the animation as one video into ``folder`` (where the temporary output lies) for ``output``:
    only a video's encode of frames already rendered (:func:`_render_video_from_frames`), a short call.

    Blender's animation loop gives Python no way to stop it: a signal is heard only when the whole
    video is done (:func:`_render_frames` renders frames one by one for that reason, every video's too).
    A render Blender gives up on while the disk is full blames something else ("Could not
    initialize streams, probably unsupported codec combination"): the disk is asked first, and its
    error is the one line, naming the user's output."""
    from .blendio import quiet_native_output  # Blender's per-frame C prints, replayed on failure

    clock = _FrameClock(scene, progress)
    bpy.app.handlers.render_post.append(clock)
    try:
        with quiet_native_output() as quiet:
            clock.quiet = quiet
            result, disk = _render_call(scene, folder)
    finally:
        with contextlib.suppress(ValueError):
            bpy.app.handlers.render_post.remove(clock)
    _check_rendered(result, disk, output)


def _render_call(scene: Any, folder: Path) -> tuple[Collection[str], str | None]:
    """One animation render call: (Blender's result, None), or (nothing, the disk's error) when it
    failed on a full or failing disk; another failure, or one while a signal is pending, is raised."""
    try:
        return bpy.ops.render.render(animation=True, scene=scene.name), None
    except RuntimeError:
        disk = disk_trouble(folder) if interrupts.received() is None else None
        if disk is None:
            raise
        return (), disk


def _check_rendered(result: Collection[str], disk: str | None, output: Path) -> None:
    """After a render call: a signal heard during it unwinds (the temp output removed); the disk's
    error or an unfinished render is one line naming the user's output."""
    interrupts.raise_if_interrupted()
    if disk is not None:
        raise DualTalkError(f"could not write {output}: {disk}")
    if "FINISHED" not in result:
        raise DualTalkError("Blender did not finish rendering")


def _render_frames(scene: Any, progress: Any, output: Path, folder: Path) -> None:
    """Render the scene's frames into ``folder`` (where ``scene.render.filepath`` points) for
    ``output``, as an animation render of one frame each: named, written and seen by frame handlers
    as in one animation render of them all.

    One Blender call per frame, so Python runs between frames: Ctrl-C, SIGTERM or the add-on's
    Cancel end the render after the frame being rendered (one animation call heard a farm's SIGTERM
    only when all of it was done: 384 s for 75 tiny frames, review rv35b F2), and each frame's
    progress line is printed on the real stderr (review rv35b F1)."""
    from .blendio import quiet_native_output  # Blender's per-frame C prints, replayed on failure

    clock = _FrameClock(scene, progress)
    frames = range(scene.frame_start, scene.frame_end + 1, max(1, scene.frame_step))
    with _restored(scene, "frame_start", "frame_end"):
        for frame in frames:
            interrupts.raise_if_interrupted()
            scene.frame_start = frame  # (first: a start past the end moves the end with it)
            scene.frame_end = frame
            with quiet_native_output():
                result, disk = _render_call(scene, folder)
            _check_rendered(result, disk, output)
            clock.tick()


_FRAME_FILE = re.compile(rf"{FRAME_PREFIX}\d+\.(?:{'|'.join(sorted(set(IMAGE_EXT.values())))})")


Stamp = tuple[int, int]  # a frame's size and modification time (whole seconds) as its record keeps it


def _stamp(path: Path) -> Stamp:
    st = path.stat()
    return st.st_size, st.st_mtime_ns // 1_000_000_000  # seconds: a copy keeping times may lose the rest


def frames_record(folder: Path) -> dict[str, set[Stamp]]:
    """The frames the record in ``folder`` lists, each with the stamps it may have (two while a
    render puts its frames in place); empty where there is none, it is no plain file of ours, or it
    does not read as one (then no frame in the folder counts as DualTalk's). Public: ``--skip-done``
    judges a done shot's frames by it too (``commands/shot_state.frames_changed``)."""
    path = folder / RECORD
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _RECORD_MAX:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    frames = data.get("frames") if isinstance(data, dict) and data.get("kind") == _RECORD_KIND else None
    if not isinstance(frames, dict):
        return {}
    record: dict[str, set[Stamp]] = {}
    for name, stamps in frames.items():
        if isinstance(stamps, list):
            record[name] = {
                (s[0], s[1])
                for s in stamps
                if isinstance(s, list) and len(s) == 2 and all(type(v) is int for v in s)
            }
    return record


def _write_record(folder: Path, stage: Path, record: dict[str, set[Stamp]]) -> None:
    """Put ``record`` in ``folder`` whole: written in the stage (a killed run's is swept with it),
    then renamed over the old one."""
    frames = {name: sorted([list(s) for s in stamps]) for name, stamps in sorted(record.items())}
    tmp = stage / RECORD
    tmp.write_text(json.dumps({"kind": _RECORD_KIND, "frames": frames}, indent=0) + "\n", encoding="utf-8")
    os.chmod(tmp, plain_mode())
    if tmp.parent != folder:
        os.replace(tmp, folder / RECORD)


def _is_record(path: Path) -> bool:
    return path.name == RECORD and path.is_file() and not path.is_symlink()


def _is_our_frame(path: Path, record: dict[str, set[Stamp]]) -> bool:
    """A frame DualTalk rendered here: a plain file its record lists, as big and as old as it was
    then (a name alone is anyone's: ``ffmpeg -i ref.mp4 frame_%04d.png``)."""
    stamps = record.get(path.name)
    if not stamps or path.is_symlink() or not path.is_file():
        return False
    try:
        return _stamp(path) in stamps
    except OSError:
        return False


def _is_our_leftover(path: Path) -> bool:
    """What a render killed outright (``kill -9``, power loss) leaves in a frames folder: its hidden
    staging folder, or an earlier frame's second name kept while the new frames were renamed in."""
    name = path.name
    return not path.is_symlink() and (
        (name.startswith(STAGE_PREFIX) and name.endswith(".part") and path.is_dir())
        or (name.startswith(f".{FRAME_PREFIX}") and ".old." in name and path.is_file())
        or (name == INSIDE_LOCK and path.is_file())  # (a render's lock, held or a killed one's)
    )


def render_lock_file(output: str | os.PathLike[str]) -> Path | None:
    """Where a render of ``output`` takes its lock: beside it (None: :func:`~...inference.core.locks.lock_file`),
    as every DualTalk output is locked; inside it (:data:`INSIDE_LOCK`) where ``output`` is an existing
    frames folder and the folder above takes no new file (a farm's shot folder the artist may write
    in, its project folder not): such a render writes nothing above the folder, and was refused for
    its lock alone. Two renders of one folder by one user find the same file."""
    output = Path(output)
    if not output.is_dir() or output.is_symlink():
        return None
    beside = locks.lock_file(output)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:  # made here, :func:`locks.locked` opens it as it would have made it (and removes it after)
        os.close(os.open(beside, flags, 0o666))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return real(output) / INSIDE_LOCK
        return None  # there already (a run holds it, or left it), or another failure the lock says
    return None


def held_render_lock(
    output: str | os.PathLike[str], label: str = "render output", fix: str | None = None
) -> contextlib.AbstractContextManager[bool]:
    """The lock a render of ``output`` holds (:func:`render_lock_file`), ``as held``: whether it
    holds it (False on a file system without locks, :func:`~...inference.core.locks.locked`).
    ``label`` and ``fix`` name, in the "held" line, the field or flag to change."""
    return locks.locked(output, label, lock=render_lock_file(output), fix=fix, what="render")


@contextlib.contextmanager
def render_lock(
    output: str | os.PathLike[str], label: str = "render output", fix: str | None = None
) -> Iterator[None]:
    """:func:`held_render_lock` for a caller that holds it around :func:`render_shot` with
    ``lock=False`` (``animate``'s shot, with its other outputs), which asks the lock whether it is
    held (:func:`holds_render_lock`)."""
    with held_render_lock(output, label, fix):
        yield


def holds_render_lock(output: str | os.PathLike[str]) -> bool:
    """Whether this process holds the lock of a render of ``output`` (:func:`render_lock`, or a
    caller's :func:`~...inference.core.locks.locked`), beside or inside the output, as the lock
    itself answers (:func:`~...inference.core.locks.holding`). False on a file system without
    locks: then nothing is swept, which leaves leftovers and never a live render's frames.

    It used to read the lock file's holder line, which names the run only where it could be
    written: a lock file another user's killed render left, which this run could open only
    read-only, kept that render's line, and its dead stage was never swept."""
    output = Path(output)
    places = [locks.lock_file(output)]
    if output.is_dir() and not output.is_symlink():
        places.append(real(output) / INSIDE_LOCK)
    return any(locks.holding(path) for path in places)


def _stage_beside(output: Path) -> re.Pattern[str]:
    """The name of a render's stage beside ``output`` (a new frames folder's, or a video's frames):
    ``.dualtalk-render.KEY.XXXXXXXX.part`` (:func:`_beside_prefix`), or ``.NAME.XXXXXXXX.part`` as
    renders before session 36 named it."""
    return re.compile(rf"(?:{re.escape(_beside_prefix(output))}|\.{re.escape(output.name)}\.){_RANDOM}\.part")


def _video_beside(output: Path) -> re.Pattern[str]:
    """The name of the video ``output`` staged beside it: ``.dualtalk-video.KEY.XXXXXXXX.part.mp4``, or
    with a view's ``_L``/``_R``, as a stereo video of a build before session 37 left it at every try."""
    return re.compile(
        rf"{re.escape(_video_prefix(output))}{_RANDOM}\.part(?:_[LR])?{re.escape(output.suffix)}"
    )


_OLD_FRAME = re.compile(
    rf"\.{FRAME_PREFIX}\d+\.[0-9a-f]{{8}}\.old\.(?:{'|'.join(sorted(set(IMAGE_EXT.values())))})"
)


def sweep_dead_render(output: Path) -> list[Path]:
    """Remove what a render of ``output`` killed outright left; returns what went. Call only while
    holding ``output``'s lock (:func:`render_shot` does): then no render of it runs, and each of these
    is a dead run's. Only our own names, each a real folder or file, never through a link: a stage
    inside the frames folder (``.dualtalk-render.XXXXXXXX.part/``) or beside it
    (``.NAME.XXXXXXXX.part/``), an earlier frame's second name kept while new frames were renamed in
    (``.frame_0001.xxxxxxxx.old.png``), a video's staged file (``.dualtalk-video.KEY.XXXXXXXX.part.mp4``,
    or ``.NAME.XXXXXXXX.part.mp4`` as renders before session 36 named it)."""
    from ...inference.core.stale_parts import sweep

    removed: list[Path] = []
    places = [(output.parent, _stage_beside(output), True)]
    if output.suffix.lower() in VIDEO_SUFFIXES:
        places.append((output.parent, _video_beside(output), False))
    if output.is_dir() and not output.is_symlink():
        places += [(output, _STAGE_INSIDE, True), (output, _OLD_FRAME, False)]
    for folder, pattern, is_dir in places:
        try:
            names = os.listdir(folder)
        except OSError:  # not there yet: nothing was left in it
            continue
        for name in names:
            path = folder / name
            if not pattern.fullmatch(name) or path.is_symlink():
                continue
            if is_dir and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif not is_dir and path.is_file():
                with contextlib.suppress(OSError):
                    path.unlink()
            if not os.path.lexists(path):
                removed.append(path)
    if output.suffix.lower() in VIDEO_SUFFIXES:
        removed += sweep([output])
    return removed


def _images(scene: Any, folder: Path) -> list[Path]:
    fmt = scene.render.image_settings.file_format
    ext = IMAGE_EXT.get(fmt, "png")
    return sorted(folder.glob(f"{FRAME_PREFIX}*.{ext}"))


def render_shot(
    scene: Any,
    output: str | os.PathLike[str],
    *,
    resolution: tuple[int, int] | None = None,
    samples: int | None = None,
    progress: Any = None,
    lock: bool = True,
    frames: tuple[int, int] | None = None,
    job: bool = False,
) -> Path:
    """Render ``scene`` to a video file or an image-sequence folder; returns the path. ``lock``: take
    the output's lock for the render (False only for a caller that holds it already: a second
    ``flock`` of it by the same process would find it held).

    ``frames``: ``(first, last)``, the timeline frames a ``--range`` re-generated. A frames folder then
    gets those frames only, each of them (no frame step), and keeps its other frames of ours: the
    folder is the take with the range redone (review rv36b R2: two frames of a shot rendered all 588,
    ~10 h on EEVEE). A video is one file of the whole take: it is rendered whole, and the first progress
    line says so and how to render the range alone. ``job``: lines name a job file's fields, not flags.

    ``output`` is read as a script means it (:func:`.paths.blend_path`, as ``export_fbx`` reads its
    path): ``//frames`` beside the saved .blend, refused in a .blend never saved, ``~`` the home folder.
    A ``//`` path was written at the file system's root with no word (``//renders/x`` at ``/renders/x``);
    the command line and job files read theirs before it comes here (:mod:`...inference.core.typed_paths`)."""
    output = Path(blend_path("render output", output, "is next to"))
    if scene.camera is None:
        raise DualTalkError("the scene has no active camera to render from")
    check_render(resolution, samples)
    if frames is not None and not (
        len(frames) == 2 and all(type(f) is int for f in frames) and frames[0] <= frames[1]
    ):
        raise DualTalkError(f"frames to render must be FIRST-LAST with FIRST <= LAST, not {frames!r}")
    check_video_size(scene, output, resolution, job=job)  # before the first frame, not after the last
    r = scene.render
    fmt = r.image_settings
    video = output.suffix.lower() in VIDEO_SUFFIXES
    with contextlib.ExitStack() as stack:
        # one render of an output at a time; what a killed one left goes (sweep_dead_render)
        # unlocked (a file system without locks), a stage may be a live render's: left as it is
        held = stack.enter_context(held_render_lock(output)) if lock else holds_render_lock(output)
        if held:
            sweep_dead_render(output)
        if video:
            # A video plays every frame at the scene's rate against its sound: a Frame Step (a preview
            # setting) would leave frames out and the faces run ahead of the voices. A frames folder
            # keeps the step (every n-th frame, named by its frame).
            stack.enter_context(_restored(scene, "frame_step"))
            scene.frame_step = 1
        only = ""
        if frames is not None and not video:
            stack.enter_context(_restored(scene, "frame_start", "frame_end", "frame_step"))
            scene.frame_start = frames[0]  # (first: a start past the end moves the end with it)
            scene.frame_end = frames[1]
            scene.frame_step = 1
            only = f"frames {frames[0]}-{frames[1]}"
        stack.enter_context(
            _restored(
                r, "filepath", "resolution_x", "resolution_y", "resolution_percentage", "use_file_extension"
            )
        )
        stack.enter_context(_restored(fmt, "media_type", "file_format", "color_mode"))
        stack.enter_context(
            _restored(r.ffmpeg, "format", "codec", "audio_codec", "constant_rate_factor", "audio_channels")
        )
        if scene.render.engine == "CYCLES":
            stack.enter_context(_restored(scene.cycles, "samples"))
        elif scene.render.engine.startswith("BLENDER_EEVEE"):
            stack.enter_context(_restored(scene.eevee, "taa_render_samples"))
        if resolution is not None:
            r.resolution_x, r.resolution_y = int(resolution[0]), int(resolution[1])
            r.resolution_percentage = 100
        if samples is not None:
            _set_samples(scene, int(samples))
        r.use_file_extension = True
        if progress is not None:
            progress.update("render", 0.0, _first_line(scene, frames if video else None, only, job))
        if video:
            result = _render_video(scene, output, progress)
        else:
            result = _render_images(scene, output, progress, partial=frames is not None)
    if progress is not None:
        progress.update("render", 1.0, f"{result}: {only} only" if only else str(result))
    return result


def _first_line(scene: Any, whole_video: tuple[int, int] | None, only: str, job: bool) -> str:
    """The render's first progress line: how many frames, which engine, and a hint where one helps."""
    count = f"{rendered_frames(scene)} frames"
    if only:
        count += f" ({only} only)"
    elif whole_video is not None:  # a range's frames cannot be spliced into a video
        field = '"render" a folder' if job else "--render a folder"
        count += (
            f" (a video is the whole take; to render frames {whole_video[0]}-{whole_video[1]} only, give "
            f"{field})"
        )
    hint = preview_hint(scene, job=job)
    return f"{count}, {scene.render.engine}" + (f"; {hint}" if hint else "")


def _render_images(
    scene: Any, folder: Path, progress: Any = None, video: Path | None = None, partial: bool = False
) -> Path:
    """Render the frames into ``folder``; ``video``: the video they are for, which a failure names;
    ``partial``: the frames are some of the take's (``--range``), the folder's others of ours stay."""
    fmt = scene.render.image_settings
    if hasattr(fmt, "media_type"):
        fmt.media_type = "IMAGE"
    if fmt.file_format not in IMAGE_EXT:
        fmt.file_format = "PNG"
    check_render_folder(folder)
    if folder.is_dir():
        # Rendered inside the folder (hidden), on the disk the frames end on; the old frames are
        # touched only once every new one is checked.
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, suffix=".part", dir=os.path.realpath(folder)))
    else:
        parent = ensure_writable_dir(folder.parent)
        # named by DualTalk, not from the user's name: Blender reads `{...}` in it (review rv36a G6)
        stage = Path(tempfile.mkdtemp(prefix=_beside_prefix(folder), suffix=".part", dir=parent))
    try:
        _aim(scene, stage, video or folder, folder=True)
        _render_frames(scene, progress, video or folder, stage)
        frames = _checked_frames(scene, stage, folder, video)
        if folder.is_dir():
            _put_frames_in_place(folder, frames, stage, partial)
        else:
            _write_record(stage, stage, {f.name: {_stamp(f)} for f in frames})
            # mkdtemp's 0700 shut out a compositor running as another user
            os.chmod(stage, plain_mode(folder=True))
            os.replace(stage, folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # only the temp folder we made
    return folder


def _put_frames_in_place(folder: Path, frames: list[Path], stage: Path, partial: bool = False) -> None:
    """Replace our earlier frames with the checked new ones: each new frame renamed over its old one
    (undone if a rename fails), then our old frames the new render has no counterpart for removed
    (kept, and listed in the record still, where the render is ``partial``: a ``--range``'s frames).
    Never the folder, nor anything in it we did not write (check_render_folder refused anything else).
    The record lists the old and the new frames while they change places, so a run killed there
    leaves no frame of ours that the next one would not know."""
    check_render_folder(folder)
    record = frames_record(folder)
    ours = {p.name: _stamp(p) for p in folder.iterdir() if _is_our_frame(p, record)}
    new = {f.name: _stamp(f) for f in frames}
    stale = [] if partial else [folder / name for name in ours if name not in new]
    with interrupts.held():  # a frames folder is one set: never half old, half new
        both = {name: {s} for name, s in new.items()}
        for name, s in ours.items():
            both.setdefault(name, set()).add(s)
        _write_record(folder, stage, both)
        replace_all([folder / f.name for f in frames], frames)
        for old_frame in stale:
            with contextlib.suppress(FileNotFoundError):
                old_frame.unlink()
        kept = {name: {s} for name, s in ours.items() if name not in new} if partial else {}
        _write_record(folder, stage, kept | {name: {_stamp(folder / name)} for name in new})


def _checked_frames(scene: Any, stage: Path, folder: Path, video: Path | None = None) -> list[Path]:
    """Every frame the render should have written, each whole and of the rendered size, or one line
    naming the first that is not (or the ``video`` they are for) and why (the disk's own error where
    a test write gets one)."""
    r = scene.render
    if one_file_per_view(scene):  # one file per view (frame_0001_L.png): their names and sizes vary
        expected = _images(scene, stage)
        size = None
    else:
        frames = range(scene.frame_start, scene.frame_end + 1, max(1, scene.frame_step))
        # in the stage, where Python takes them from (not where Blender says: it expanded a template
        # in the path to another folder, and the frames were "checked" there, review rv36a G6)
        expected = [stage / Path(r.frame_path(frame=f)).name for f in frames]
        cropped = r.use_border and r.use_crop_to_border
        views, _layout = stereo_layout(scene)  # a stereo 3D frame: its two views in one picture
        size = None if cropped else (r.resolution_x * r.resolution_percentage // 100 * views[0],
                                     r.resolution_y * r.resolution_percentage // 100 * views[1])  # fmt: skip
    if not expected:
        raise DualTalkError("rendering produced no frames")
    written = 0
    for frame in expected:
        problem = frame_problem(frame, size)
        if problem is not None:
            # a test write as big as a frame (a smaller one may still fit): Blender hid the error it hit
            w, h = size or (1024, 1024)
            why = disk_trouble(stage, max(1 << 16, written or min(1 << 26, 4 * w * h)))
            raise DualTalkError(f"could not write {video or folder / frame.name}: {why or problem}")
        written = max(written, frame.stat().st_size)
    return expected


# what a file browser leaves in a folder it showed (Finder, Explorer, KDE's Dolphin, macOS on a shared
# drive): not a frame, not the user's work; left where it is and not counted against the folder
_DESKTOP_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".directory", "icon\r"})


def _is_desktop_file(path: Path) -> bool:
    name = path.name.lower()
    return name in _DESKTOP_FILES or name.startswith("._")


def check_render_folder(folder: Path) -> None:
    """Refuse a render folder that is a file or holds anything but frames its record says we rendered
    (and what a render of ours leaves while it runs): one line naming the folder, how many, and one."""
    if not folder.exists() and not folder.is_symlink():
        return
    if not folder.is_dir():
        raise DualTalkError(f"render output {folder} exists and is not a folder")
    record = frames_record(folder)
    others = [
        p
        for p in folder.iterdir()
        if not _is_our_frame(p, record)
        and not _is_our_leftover(p)
        and not _is_record(p)
        and not _is_desktop_file(p)
    ]
    if not others:
        return
    # a file of another kind says most about whose folder it is; then the first frame
    first = min(others, key=lambda p: (bool(_FRAME_FILE.fullmatch(p.name)), p.name))
    count = f"{len(others)} file{'s' if len(others) != 1 else ''}"
    why = (
        ", changed since DualTalk rendered it (or copied without its file times: cp -a or rsync -a keep them)"
        if first.name in record
        else ""
    )
    hint = ""
    if not record and _FRAME_FILE.fullmatch(first.name):
        hint = (
            " (frames an older DualTalk rendered carry no record of being its own: empty it to render there)"
        )
    raise DualTalkError(
        f"render folder {folder} holds files DualTalk did not render ({count}; first: {first.name}{why}); "
        f"choose an empty or new folder{hint}"
    )


def blender_has_ffmpeg() -> bool:
    return bool(bpy.app.build_options.codec_ffmpeg)  # type: ignore[attr-defined]  # missing from the stubs


def check_video_encoder() -> None:
    """Refuse a video render this machine cannot encode, before any work: found at render time, it
    came after the engine ran and the .blend and FBX were written."""
    if not blender_has_ffmpeg() and shutil.which("ffmpeg") is None:
        raise DualTalkError(
            "this Blender build has no FFmpeg and no ffmpeg is on PATH: render to a folder instead"
        )


def _render_video(scene: Any, path: Path, progress: Any = None) -> Path:
    """A video, every kind the same way: its frames rendered one Blender call each, then encoded.
    A stereo 3D or a cropped video was one animation call (Ctrl-C, SIGTERM and Cancel heard only when
    all of it was done; a stereo one then failed, its ``_L`` video left hidden beside the output)."""
    audio = _has_sound(scene)
    if not blender_has_ffmpeg():
        return _render_video_with_system_ffmpeg(scene, path, audio, progress)
    return _render_video_from_frames(scene, path, audio, progress)


def _video_output(scene: Any, path: Path, tmp: Path, audio: bool) -> None:
    """Blender's FFmpeg output for the video ``path`` (its container from the name; H.264, AAC
    stereo when the scene has sound), written to ``tmp``."""
    r = scene.render
    fmt = r.image_settings
    if hasattr(fmt, "media_type"):
        fmt.media_type = "VIDEO"
    fmt.file_format = "FFMPEG"
    r.ffmpeg.format = VIDEO_SUFFIXES[path.suffix.lower()]
    r.ffmpeg.codec = "H264"
    r.ffmpeg.constant_rate_factor = "MEDIUM"
    r.ffmpeg.audio_codec = "AAC" if audio else "NONE"
    if audio:
        r.ffmpeg.audio_channels = "STEREO"
    r.use_file_extension = False
    _aim(scene, tmp, path, folder=False)  # a name of DualTalk's: Blender expanded `#` in `shot#12` (rv36a G4)


def _render_video_from_frames(scene: Any, path: Path, audio: bool, progress: Any = None) -> Path:
    """A video with Blender's own FFmpeg, its frames rendered one by one first (a signal is heard
    after the frame being rendered, not when the whole video is done: review rv35b F2), then
    encoded with the scene's own sound by the sequencer: the frames as the top strip, shown as they
    are (no second view transform or burnt-in stamp), in one short call. A frame as rendered is the
    picture: cropped to the render border, or a stereo 3D render's two views in one."""
    r = scene.render
    fmt = r.image_settings
    with _stage_folder(path) as stage:
        if hasattr(fmt, "media_type"):
            fmt.media_type = "IMAGE"
        fmt.file_format = "PNG"  # lossless: the frames are compressed once, by the video's encoder
        frames = _render_images(scene, stage / "frames", progress, video=path)
        step = range(scene.frame_start, scene.frame_end + 1)
        names = [Path(r.frame_path(frame=f)).name for f in step]
        size = _png_size(frames / names[0])
        with (
            atomic_path(path, prefix=_video_prefix(path)) as tmp,
            _frames_as_strip(scene, frames, names, size),
        ):
            _video_output(scene, path, tmp, audio)
            _render_animation(scene, None, path, tmp.parent)
            _check_video(tmp, path)
    return path


def _png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its header (a video's frames are PNGs, checked whole)."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


@contextlib.contextmanager
def _frames_as_strip(scene: Any, folder: Path, names: list[str], size: tuple[int, int]) -> Iterator[None]:
    """The rendered frames as an image strip above every other strip of ``scene``'s sequencer, and
    the sequencer as the render's picture, for as long as the encode runs; all undone after. The
    picture is ``size``, the frames' own: no border crops it, and one view of it is all there is (a
    stereo 3D frame holds its two already)."""
    created = scene.sequence_editor is None
    se = scene.sequence_editor_create()
    strips = se.strips_all if hasattr(se, "strips_all") else se.sequences_all
    channel = min(128, max([s.channel for s in strips], default=0) + 1)
    collection = se.strips if hasattr(se, "strips") else se.sequences
    strip = collection.new_image(
        "DualTalk frames", for_blender(folder / names[0]), channel, scene.frame_start
    )
    try:
        for name in names[1:]:
            strip.elements.append(name)
        strip.blend_type = "REPLACE"
        view = scene.view_settings
        r = scene.render
        with (
            _restored(r, "use_sequencer", "use_stamp", "use_multiview", "use_border"),
            _restored(r, "resolution_x", "resolution_y", "resolution_percentage"),
            _restored(view, "view_transform", "look", "exposure", "gamma", "use_curve_mapping"),
        ):
            r.use_multiview = r.use_border = False
            r.resolution_x, r.resolution_y = size
            r.resolution_percentage = 100
            scene.render.use_sequencer = True
            scene.render.use_stamp = False  # burnt into the frames already, where the scene asks for it
            view.view_transform, view.look, view.exposure, view.gamma = "Standard", "None", 0.0, 1.0
            view.use_curve_mapping = False
            yield
    finally:
        with contextlib.suppress(ReferenceError, RuntimeError):
            collection.remove(strip)
        if created:
            scene.sequence_editor_clear()


def _check_video(tmp: Path, path: Path) -> None:
    """Refuse a video the encoder left unfinished (a full disk cuts it off and Blender still says
    FINISHED): one line with the disk's own error where a test write gets one."""
    problem = video_problem(tmp)
    if problem is not None:
        why = disk_trouble(tmp.parent)
        raise DualTalkError(f"could not write {path}: {why or problem}")


@contextlib.contextmanager
def _stage_folder(output: Path) -> Iterator[Path]:
    """A hidden work folder beside ``output`` (``.dualtalk-render.KEY.XXXXXXXX.part``), removed on the way out."""
    stage = Path(
        tempfile.mkdtemp(
            prefix=_beside_prefix(output), suffix=".part", dir=ensure_writable_dir(output.parent)
        )
    )
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _render_video_with_system_ffmpeg(scene: Any, path: Path, audio: bool, progress: Any = None) -> Path:
    check_video_encoder()
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    # beside the output, hidden, where the next render of it finds it if this one is killed
    with _stage_folder(path) as tmp_dir:
        frames = _render_images(scene, Path(tmp_dir) / "frames", progress, video=path)
        fps = scene.render.fps / scene.render.fps_base
        cmd = [
            ffmpeg,
            "-y",
            "-loglevel",
            "error",
            "-framerate",
            f"{fps:.6f}",
            "-start_number",
            str(scene.frame_start),
            "-i",
            str(frames / f"{FRAME_PREFIX}%04d.png"),
        ]
        if audio:
            mix = Path(tmp_dir) / "mix.wav"
            bpy.ops.sound.mixdown(filepath=str(mix), container="WAV", codec="PCM")
            cmd += ["-i", str(mix), "-c:a", "aac", "-shortest"]
        with atomic_path(path, prefix=_video_prefix(path)) as tmp:
            cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(tmp)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                why = disk_trouble(tmp.parent)
                if why is not None:
                    raise DualTalkError(f"could not write {path}: {why}")
                raise DualTalkError(
                    f"ffmpeg failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}"
                )
            _check_video(tmp, path)
    return path
