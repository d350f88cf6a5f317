"""Headless preview renders: a contact sheet of frames, or a short low-res video.

Workbench is used because it renders in well under a second per frame on a CPU-only
machine (software OpenGL is enough); where no OpenGL context can be made at all, a
low-sample Cycles CPU render stands in. The scene's own engine and settings are
restored afterwards so the saved .blend keeps what the user (or the demo) chose.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import atomic_path
from ..scene.blendio import quiet_native_output

WORKBENCH = "BLENDER_WORKBENCH"
CYCLES = "CYCLES"
AUTO = "auto"
GUTTER = 8  # pixels between contact-sheet tiles

# Workbench needs an OpenGL context (EGL, software llvmpipe is enough). Where none can
# be made, Blender aborts the whole process instead of raising, so we first try a tiny
# Workbench render in a child process, started early so that it costs no wall time.
_PROBE_CODE = r"""
import os, sys, tempfile
import bpy
scene = bpy.context.scene
scene.render.engine = "BLENDER_WORKBENCH"
scene.render.resolution_x = scene.render.resolution_y = 16
out = os.path.join(tempfile.mkdtemp(), "probe.png")
scene.render.filepath = out
bpy.ops.render.render(write_still=True)
sys.exit(0 if os.path.isfile(out) else 3)
"""
_probe: subprocess.Popen | None = None
_probe_result: bool | None = None


def start_workbench_probe() -> None:
    """Start checking (in the background) whether Workbench can render here."""
    global _probe
    if _probe is None and _probe_result is None:
        _probe = subprocess.Popen(
            [sys.executable, "-c", _PROBE_CODE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )


def workbench_available(timeout: float = 120.0) -> bool:
    """True when a Workbench render works on this machine (cached)."""
    global _probe, _probe_result
    if _probe_result is None:
        start_workbench_probe()
        assert _probe is not None
        try:
            _probe_result = _probe.wait(timeout=timeout) == 0
        except subprocess.TimeoutExpired:
            _probe.kill()
            _probe_result = False
        _probe = None
    return _probe_result


def resolve_engine(engine: str) -> str:
    """``auto``: Workbench where it works, else Cycles on the CPU."""
    if engine != AUTO:
        return engine
    return WORKBENCH if workbench_available() else CYCLES


def pick_frames(scene, count: int) -> list[int]:
    """``count`` frames spread evenly over the scene's frame range (ends included)."""
    start, end = int(scene.frame_start), int(scene.frame_end)
    count = max(1, int(count))
    if end <= start or count == 1:
        return [start]
    return sorted({int(round(x)) for x in np.linspace(start, end, count)})


def behaviour_frames(motions: Sequence, start: int, ratio: float, count: int) -> list[int]:
    """Scene frames for a contact sheet that shows the behaviour layer at work.

    One frame with a character's lids shut mid-blink, one at the deepest point of a listener's
    nod, one in the middle of a long look at the partner while the other speaks; the rest spread
    evenly. ``ratio`` is scene fps / motion fps; motions without the layer give the even spread.
    """
    n = min(m.num_frames for m in motions) if motions else 0
    picks: list[tuple[str, int]] = []  # (what the frame shows, motion frame)
    for m in motions:
        events = m.meta.get("behaviour", {}).get("events", {})
        blinks = [b for b in events.get("blinks", []) if b + 3 < n]
        if blinks and not any(p[0] == "blink" for p in picks):
            picks.append(("blink", blinks[len(blinks) // 2] + 2))
    for m in motions:
        events = m.meta.get("behaviour", {}).get("events", {})
        nods = [k for k in events.get("nods", []) if k + 8 < n]
        if nods and not any(p[0] == "nod" for p in picks):
            k = nods[len(nods) // 2]
            pitch = m.values[k : k + 20, m.channels.index("head_rx" if m.space == "arkit55" else "neck_rx")]
            picks.append(("nod", k + int(np.argmax(pitch))))
    for m, other in zip(motions, list(motions)[::-1], strict=False):
        if m.gaze_target is None or any(p[0] == "look" for p in picks):
            continue
        looking = (m.gaze_target[:n] == 1) & other.speaking[:n] & ~m.speaking[:n]
        edges = np.flatnonzero(np.diff(np.concatenate([[0], looking.astype(np.int8), [0]])))
        runs = list(zip(edges[::2], edges[1::2], strict=True))
        if runs:
            s, e = max(runs, key=lambda r: r[1] - r[0])
            picks.append(("look", (s + e) // 2))
    frames = {start + int(round(f * ratio)) for _, f in picks}
    if n and count > len(frames):
        for f in np.linspace(0, n - 1, count - len(frames) + 2)[1:-1]:
            frames.add(start + int(round(f * ratio)))
    return sorted(frames)


@contextlib.contextmanager
def _preview_settings(
    scene, width: int, height: int, engine: str, stamp: bool, border: tuple[float, ...] | None = None
) -> Iterator[None]:
    r = scene.render
    saved_border = (
        r.use_border,
        r.use_crop_to_border,
        r.border_min_x,
        r.border_max_x,
        r.border_min_y,
        r.border_max_y,
    )
    saved = {
        "engine": r.engine,
        "resolution_x": r.resolution_x,
        "resolution_y": r.resolution_y,
        "resolution_percentage": r.resolution_percentage,
        "use_stamp": r.use_stamp,
        "filepath": r.filepath,
        "frame": scene.frame_current,
    }
    fmt = r.image_settings
    saved_fmt = (getattr(fmt, "media_type", None), fmt.file_format, fmt.color_mode)
    cycles = getattr(scene, "cycles", None)
    saved_cycles = (cycles.samples, cycles.use_denoising, cycles.device) if cycles is not None else None
    try:
        r.engine = engine
        if engine == CYCLES and cycles is not None:  # a quick, noisy-but-readable CPU preview
            cycles.samples, cycles.use_denoising, cycles.device = 12, False, "CPU"
        r.resolution_x, r.resolution_y, r.resolution_percentage = int(width), int(height), 100
        r.use_stamp = stamp
        if border is not None:
            r.use_border = r.use_crop_to_border = True
            r.border_min_x, r.border_max_x, r.border_min_y, r.border_max_y = border
        if stamp:
            for flag in ("use_stamp_date", "use_stamp_time", "use_stamp_render_time", "use_stamp_camera",
                         "use_stamp_lens", "use_stamp_scene", "use_stamp_filename", "use_stamp_memory",
                         "use_stamp_hostname", "use_stamp_marker"):  # fmt: skip
                if hasattr(r, flag):
                    setattr(r, flag, False)
            r.use_stamp_frame = True
            tile_h = height * (border[3] - border[2]) if border is not None else height
            r.stamp_font_size = int(max(10, tile_h // 14))
        yield
    finally:
        r.use_border, r.use_crop_to_border = saved_border[:2]
        r.border_min_x, r.border_max_x, r.border_min_y, r.border_max_y = saved_border[2:]
        r.engine = saved["engine"]
        if saved_cycles is not None and cycles is not None:  # saved exactly when cycles is there
            cycles.samples, cycles.use_denoising, cycles.device = saved_cycles
        r.resolution_x, r.resolution_y = saved["resolution_x"], saved["resolution_y"]
        r.resolution_percentage = saved["resolution_percentage"]
        r.use_stamp = saved["use_stamp"]
        r.filepath = saved["filepath"]
        if saved_fmt[0] is not None:
            fmt.media_type = saved_fmt[0]
        fmt.file_format, fmt.color_mode = saved_fmt[1:]
        scene.frame_set(saved["frame"])


def _focus_border(scene, focus) -> tuple[tuple[float, float, float, float], list[tuple[float, float]]] | None:
    """Where spheres fall in the camera view (0..1 units).

    Returns the render border (min x, max x, min y, max y) round all of them and the
    horizontal span of each (overlapping spans merged, left to right); None when one
    is behind the camera or the region is degenerate.
    """
    from bpy_extras.object_utils import world_to_camera_view
    from mathutils import Vector

    cam = scene.camera
    rot = cam.matrix_world.to_3x3()
    right, up = rot @ Vector((1.0, 0.0, 0.0)), rot @ Vector((0.0, 1.0, 0.0))
    spans: list[tuple[float, float]] = []
    vs: list[float] = []
    for point, radius in focus:
        centre = Vector(point)
        us: list[float] = []
        for dx, dy in ((-1, -1), (-1, 1), (1, -1), (1, 1)):
            ndc = world_to_camera_view(scene, cam, centre + right * dx * radius + up * dy * radius)
            u, v, depth = ndc.x, ndc.y, ndc.z
            if depth <= 0:
                return None
            us.append(u)
            vs.append(v)
        spans.append((max(0.0, min(us)), min(1.0, max(us))))
    spans.sort()
    merged = [spans[0]]
    for u0, u1 in spans[1:]:
        if u0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], u1))
        else:
            merged.append((u0, u1))
    x0, x1 = merged[0][0], max(u1 for _, u1 in merged)
    y0, y1 = max(0.0, min(vs)), min(1.0, max(vs))
    if x1 - x0 < 0.05 or y1 - y0 < 0.05:
        return None
    return (x0, x1, y0, y1), merged


def _keep_spans(tile: np.ndarray, border: tuple[float, ...], spans: list[tuple[float, float]]) -> np.ndarray:
    """Cut the empty columns between focus regions out of a border-cropped tile."""
    if len(spans) < 2:
        return tile
    w = tile.shape[1]
    scale = w / (border[1] - border[0])
    parts: list[np.ndarray] = []
    for u0, u1 in spans:
        c0 = int(round((u0 - border[0]) * scale))
        c1 = int(round((u1 - border[0]) * scale))
        if parts:
            parts.append(np.zeros((tile.shape[0], 2, 4), dtype=tile.dtype) + [0.1, 0.1, 0.1, 1.0])
        parts.append(tile[:, max(0, c0) : min(w, c1)])
    return np.concatenate(parts, axis=1)


def _render_frame_rgba(scene, frame: int, tmpdir: Path) -> np.ndarray:
    """Render one frame and return it as (H, W, 4) float32, top row first."""
    import bpy

    scene.frame_set(frame)
    path = tmpdir / f"frame_{frame:06d}.png"
    if hasattr(scene.render.image_settings, "media_type"):
        scene.render.image_settings.media_type = "IMAGE"
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_mode = "RGBA"
    scene.render.filepath = str(path)
    with quiet_native_output():
        bpy.ops.render.render(write_still=True, scene=scene.name)
    if not path.is_file():
        raise DualTalkError(f"rendering frame {frame} produced no image")
    return read_rgba(path)


def read_rgba(path: Path) -> np.ndarray:
    """An image file as (H, W, 4) float32, top row first (Blender stores the bottom row first)."""
    import bpy

    img = bpy.data.images.load(str(path))
    try:
        # an int[2] array property: the stubs' bpy_prop_array has no sequence methods
        w, h = cast("tuple[int, int]", img.size)
        px = np.empty(w * h * 4, dtype=np.float32)
        img.pixels.foreach_get(px)
    finally:
        bpy.data.images.remove(img)
    return px.reshape(h, w, 4)[::-1]


def _save_rgba_png(pixels: np.ndarray, path: Path) -> None:
    import bpy

    h, w = pixels.shape[:2]
    img = bpy.data.images.new("dualtalk_contact_sheet", w, h, alpha=True)
    try:
        flat = np.ascontiguousarray(pixels[::-1], dtype=np.float32).ravel()
        img.pixels.foreach_set(flat)  # type: ignore[arg-type]  # any buffer; the stubs say sequence
        img.filepath_raw = str(path)
        img.file_format = "PNG"
        img.save()
    finally:
        bpy.data.images.remove(img)


def render_contact_sheet(
    scene,
    out_path: str | os.PathLike[str],
    *,
    frames: Sequence[int] | None = None,
    count: int = 6,
    columns: int = 3,
    width: int = 640,
    height: int = 360,
    engine: str = AUTO,
    focus: Sequence[tuple[Sequence[float], float]] | None = None,
    progress=None,
) -> Path:
    """Render ``frames`` (default: ``count`` spread over the range) into one PNG grid.

    ``focus``: (world point, radius in metres) pairs, e.g. the characters' heads. When
    given, each tile is the part of the camera view around them, ``width`` pixels wide,
    so faces stay readable on a small sheet; otherwise tiles are ``width`` x ``height``.
    """
    if scene.camera is None:
        raise DualTalkError("the scene has no camera to render the preview from")
    out_path = Path(out_path)
    frames = list(frames) if frames is not None else pick_frames(scene, count)
    if not frames:
        raise DualTalkError("no frames to render")
    engine = resolve_engine(engine)
    columns = max(1, min(int(columns), len(frames)))
    rows = -(-len(frames) // columns)
    found = _focus_border(scene, focus) if focus else None
    border, spans = found if found is not None else (None, [])
    full_w, full_h = width, height
    if border is not None:
        # Render so that the kept columns add up to about ``width`` pixels, at the
        # scene's own aspect ratio (the camera framing depends on it).
        full_w = int(round(width / sum(u1 - u0 for u0, u1 in spans)))
        full_h = int(round(full_w * scene.render.resolution_y / max(1, scene.render.resolution_x)))
    tiles: list[np.ndarray] = []
    with tempfile.TemporaryDirectory(prefix="dualtalk_preview_") as tmp:
        with _preview_settings(scene, full_w, full_h, engine, stamp=True, border=border):
            for i, frame in enumerate(frames):
                if progress is not None:
                    progress.update("preview", i / len(frames), f"frame {frame}")
                tile = _render_frame_rgba(scene, frame, Path(tmp))
                tiles.append(_keep_spans(tile, border, spans) if border is not None else tile)
        th = max(t.shape[0] for t in tiles)
        tw = max(t.shape[1] for t in tiles)
        gap = GUTTER if len(tiles) > 1 else 0  # light gutters tell frames apart
        sheet = np.ones(
            (rows * th + (rows - 1) * gap, columns * tw + (columns - 1) * gap, 4), dtype=np.float32
        )
        sheet[..., :3] = 0.85
        for i, tile in enumerate(tiles):
            r, c = divmod(i, columns)
            y, x = r * (th + gap), c * (tw + gap)
            sheet[y : y + tile.shape[0], x : x + tile.shape[1]] = tile
        with atomic_path(out_path, suffix=".png") as part:
            _save_rgba_png(sheet, part)
    if progress is not None:
        progress.update("preview", 1.0, out_path.name)
    return out_path


def render_video(
    scene,
    out_path: str | os.PathLike[str],
    *,
    width: int = 480,
    height: int = 270,
    engine: str = AUTO,
    audio: bool = True,
) -> Path:
    """Render the scene's frame range to an H.264 MP4 (with the scene's sound strips)."""
    import bpy

    if not bpy.app.build_options.codec_ffmpeg:  # type: ignore[attr-defined]  # missing from the stubs
        raise DualTalkError("this Blender build has no FFmpeg; use the contact sheet preview")
    if scene.camera is None:
        raise DualTalkError("the scene has no camera to render the preview from")
    out_path = Path(out_path)
    engine = resolve_engine(engine)
    r = scene.render
    fmt = r.image_settings
    has_media = hasattr(fmt, "media_type")  # Blender 5 splits image/video formats
    saved = (
        fmt.media_type if has_media else None,
        fmt.file_format,
        r.ffmpeg.format,
        r.ffmpeg.codec,
        r.ffmpeg.audio_codec,
        r.use_file_extension,
    )
    with atomic_path(out_path, suffix=".mp4") as part, _preview_settings(scene, width, height, engine, False):
        try:
            if has_media:
                fmt.media_type = "VIDEO"
            fmt.file_format = "FFMPEG"
            r.ffmpeg.format = "MPEG4"
            r.ffmpeg.codec = "H264"
            r.ffmpeg.constant_rate_factor = "MEDIUM"
            r.ffmpeg.audio_codec = "AAC" if audio else "NONE"
            r.use_file_extension = False
            r.filepath = str(part)
            with quiet_native_output():
                bpy.ops.render.render(animation=True, scene=scene.name)
        finally:
            if has_media:
                fmt.media_type = saved[0]
            fmt.file_format, r.ffmpeg.format, r.ffmpeg.codec, r.ffmpeg.audio_codec = saved[1:5]
            r.use_file_extension = saved[5]
    return out_path
