"""Job files: many ``animate`` shots in one JSON file.

::

    {
      "version": 1,
      "defaults": {"checkpoint": "weights/DualTalk.pth", "preset": "auto", "fbx": true},
      "shots": [
        {"name": "cafe_01", "blend": "scenes/cafe.blend", "char_a": "Ann", "char_b": "Bob",
         "audio": "audio/cafe_01.wav", "start": 12.0, "end": 40.0,
         "out": "out/cafe_01.blend", "fbx": "out/cafe_01.fbx", "render": "out/cafe_01.mp4"}
      ]
    }

Rules (so a job file from someone else cannot write outside its folder):

* relative paths are resolved against the job file's folder and may not contain ``..``;
* outputs (``out``, ``fbx``, ``render``, ``work``) must be relative, i.e. inside that folder;
  inputs (``blend``, audio, motion, weights, maps) may also be absolute;
* ``"fbx": true`` / ``"render": true`` in defaults mean "next to ``out`` with the shot's name";
* no two shots may write the same file, and no shot may write over an input.

:func:`parse_jobs` is a pure function of the decoded JSON and the base folder.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ...inference.core import outputs
from ...inference.core.errors import DualTalkError
from ...inference.core.request import BY_NAME as REQUEST_OPTIONS
from ...inference.core.request import Request
from ..rig.jsonfile import read_json

MAX_JOB_BYTES = 4 << 20
MAX_SHOTS = 10_000


def _request_options(*kinds: str) -> tuple[str, ...]:
    """Shot-file keys that are engine options: declared once, in ``inference/core/request.py``."""
    return tuple(o.name for o in REQUEST_OPTIONS.values() if o.kind in kinds)


INPUT_PATHS = ("blend", *_request_options("path"), "motion_a", "motion_b", "map", "flame_map")
OUTPUT_PATHS = ("out", "fbx", "render", "work")
STRINGS = ("name", "char_a", "char_b", *_request_options("str", "choice"), "take", "preset")
AMOUNTS = _request_options("amount")  # blinks/gaze/head/brows: off, on, auto or a number (the request checks)
NUMBERS = (*_request_options("float"), "smoothing", "head_turn")
INTS = ("start_frame", *_request_options("int"), "samples")
BOOLS = (*_request_options("bool"), "markers")
OTHER = ("intensity", "resolution", "layer_influence", "range")
CHOICES = {"keys": ("every-frame", "reduced"), "fbx_scope": ("full", "face")}
FIELDS = set(INPUT_PATHS + OUTPUT_PATHS + STRINGS + AMOUNTS + NUMBERS + INTS + BOOLS + OTHER + tuple(CHOICES))
GROUPS = ("mouth", "brows", "eyes", "cheeks", "head")


@dataclass
class Shot:
    """One animate run; paths are absolute once parsed."""

    name: str
    blend: Path
    char_a: str
    char_b: str
    out: Path
    fbx: Path | None = None
    render: Path | None = None
    work: Path | None = None
    audio: Path | None = None
    audio_b: Path | None = None
    turns: Path | None = None
    motion_a: Path | None = None
    motion_b: Path | None = None
    checkpoint: Path | None = None
    map: Path | None = None
    flame_map: Path | None = None
    speaker_a: str | None = None
    swap: bool = False
    diarize: bool = False
    start: float | None = None
    end: float | None = None
    engine: str = "auto"
    device: str = "auto"
    precision: str = "fp32"
    rounds: int | None = None
    window: float | None = None
    take: str | None = None
    preset: str = "auto"
    blinks: str | float | None = None
    gaze: str | float | None = None
    head: str | float | None = None
    brows: str | float | None = None
    mood: str = "neutral"
    behaviour_seed: int = 0
    head_turn: float | None = None
    up_axis: str = "auto"
    markers: bool = True
    smoothing: float = 0.0
    start_frame: int | None = None
    intensity: dict[str, float] = field(default_factory=dict)
    resolution: tuple[int, int] | None = None
    samples: int | None = None
    keys: str = "every-frame"
    layer_influence: dict[str, float] = field(default_factory=dict)
    frame_range: tuple[int, int] | None = None
    fbx_scope: str = "full"

    def request(self) -> Request:
        """The engine-side options of this shot, as the one request model (``core/request.py``)."""
        return Request.from_mapping(
            {name: getattr(self, name) for name in REQUEST_OPTIONS}, where=f"shot {self.name!r}"
        )


def _relative_ok(value: str, where: str, allow_absolute: bool) -> PurePosixPath | Path:
    if not isinstance(value, str) or not value.strip():
        raise DualTalkError(f"{where}: expected a path string")
    if "\x00" in value or any(ord(c) < 32 for c in value):
        raise DualTalkError(f"{where}: path contains control characters")
    win = PureWindowsPath(value)
    is_abs = Path(value).is_absolute() or bool(win.drive) or value.startswith(("\\", "/"))
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if ".." in parts:
        raise DualTalkError(f"{where}: '..' is not allowed in job paths ({value!r})")
    if is_abs and not allow_absolute:
        raise DualTalkError(f"{where}: outputs must be relative to the job file's folder, got {value!r}")
    return Path(value)


def resolve_path(value: Any, base: Path, where: str, *, output: bool) -> Path:
    p = _relative_ok(value, where, allow_absolute=not output)
    return p if p.is_absolute() else (base / p)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DualTalkError(f"{where}: expected a finite number")
    return float(value)


def _shot(raw: Any, defaults: dict[str, Any], base: Path, index: int) -> Shot:
    if not isinstance(raw, dict):
        raise DualTalkError(f"shots[{index}]: expected an object")
    merged = {**defaults, **raw}
    unknown = set(merged) - FIELDS
    if unknown:
        raise DualTalkError(f"shots[{index}]: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    name = merged.get("name", f"shot{index + 1:03d}")
    if (
        not isinstance(name, str)
        or not name.strip()
        or len(name) > 40
        or any(c in name for c in '/\\:*?"<>|')
    ):
        raise DualTalkError(f"shots[{index}].name: 1-40 characters, no path separators")
    where = f"shot {name!r}"
    for req in ("blend", "char_a", "char_b", "out"):
        if req not in merged:
            raise DualTalkError(f"{where}: missing {req!r}")
    kw: dict[str, Any] = {"name": name}
    for key in INPUT_PATHS:
        if merged.get(key) is not None:
            kw[key] = resolve_path(merged[key], base, f"{where}.{key}", output=False)
    kw["out"] = resolve_path(merged["out"], base, f"{where}.out", output=True)
    if kw["out"].suffix.lower() != ".blend":
        raise DualTalkError(f"{where}.out: must end in .blend")
    for key, suffix in (("fbx", ".fbx"), ("render", ".mp4")):
        value = merged.get(key)
        if value is True:
            kw[key] = kw["out"].with_name(f"{name}{suffix}")
        elif value not in (None, False):
            kw[key] = resolve_path(value, base, f"{where}.{key}", output=True)
    if kw.get("fbx") is not None and kw["fbx"].suffix.lower() != ".fbx":
        raise DualTalkError(f"{where}.fbx: must end in .fbx")
    if merged.get("work") is not None:
        kw["work"] = resolve_path(merged["work"], base, f"{where}.work", output=True)
    for key in STRINGS[1:]:
        if merged.get(key) is not None:
            v = merged[key]
            if not isinstance(v, str) or not v or len(v) > 63:
                raise DualTalkError(f"{where}.{key}: expected a name of 1-63 characters")
            kw[key] = v
    for key in AMOUNTS:
        if merged.get(key) is not None:
            v = merged[key]
            if isinstance(v, bool) or not isinstance(v, str | int | float):
                raise DualTalkError(f"{where}.{key}: expected off, on or a number from 0 to 2")
            kw[key] = v
    for key in NUMBERS:
        if merged.get(key) is not None:
            kw[key] = _number(merged[key], f"{where}.{key}")
    for key in INTS:
        if merged.get(key) is not None:
            v = merged[key]
            if isinstance(v, bool) or not isinstance(v, int):
                raise DualTalkError(f"{where}.{key}: expected an integer")
            kw[key] = v
    for key in BOOLS:
        if merged.get(key) is not None:
            if not isinstance(merged[key], bool):
                raise DualTalkError(f"{where}.{key}: expected true or false")
            kw[key] = merged[key]
    if merged.get("intensity") is not None:
        inten = merged["intensity"]
        if not isinstance(inten, dict) or set(inten) - set(GROUPS):
            raise DualTalkError(f"{where}.intensity: expected an object with keys among {', '.join(GROUPS)}")
        kw["intensity"] = {k: _number(v, f"{where}.intensity.{k}") for k, v in inten.items()}
    if merged.get("resolution") is not None:
        res = merged["resolution"]
        if not (
            isinstance(res, list)
            and len(res) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in res)
        ):
            raise DualTalkError(f"{where}.resolution: expected [width, height]")
        if not all(8 <= x <= 16384 for x in res):
            raise DualTalkError(f"{where}.resolution: sizes must be within 8..16384")
        kw["resolution"] = (res[0], res[1])
    for key, allowed in CHOICES.items():
        if merged.get(key) is not None:
            if merged[key] not in allowed:
                raise DualTalkError(f"{where}.{key}: expected one of {', '.join(allowed)}")
            kw[key] = merged[key]
    if merged.get("layer_influence") is not None:
        from ..rig.layer_names import LAYERS

        infl = merged["layer_influence"]
        if not isinstance(infl, dict) or set(infl) - set(LAYERS):
            raise DualTalkError(
                f"{where}.layer_influence: expected an object with keys among {', '.join(LAYERS)}"
            )
        kw["layer_influence"] = {k: _number(v, f"{where}.layer_influence.{k}") for k, v in infl.items()}
    if merged.get("range") is not None:
        rng = merged["range"]
        if not (
            isinstance(rng, list)
            and len(rng) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in rng)
            and rng[0] <= rng[1]
        ):
            raise DualTalkError(f"{where}.range: expected [first, last] frames")
        kw["frame_range"] = (rng[0], rng[1])
    has_motion = "motion_a" in kw or "motion_b" in kw
    if has_motion and not ("motion_a" in kw and "motion_b" in kw):
        raise DualTalkError(f"{where}: give both motion_a and motion_b, or neither")
    if not has_motion and "audio" not in kw:
        raise DualTalkError(f"{where}: needs 'audio' (or motion_a + motion_b)")
    if kw.get("start") is not None and kw.get("end") is not None and kw["end"] <= kw["start"]:
        raise DualTalkError(f"{where}: end must be after start")
    return Shot(**kw)


def parse_jobs(data: Any, base: str | os.PathLike[str]) -> list[Shot]:
    """Validate a decoded job file; paths resolved against ``base`` (pure, raises DualTalkError)."""
    base = Path(base)
    if not isinstance(data, dict):
        raise DualTalkError("job file: the top level must be a JSON object")
    unknown = set(data) - {"version", "defaults", "shots", "description"}
    if unknown:
        raise DualTalkError(f"job file: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    if data.get("version", 1) != 1 or isinstance(data.get("version", 1), bool):
        raise DualTalkError(f"job file: unsupported version {data.get('version')!r} (this build reads 1)")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise DualTalkError("job file: 'defaults' must be an object")
    if "name" in defaults or "out" in defaults:
        raise DualTalkError("job file: 'name' and 'out' are per shot, not defaults")
    shots_raw = data.get("shots")
    if not isinstance(shots_raw, list) or not shots_raw:
        raise DualTalkError("job file: 'shots' must be a non-empty list")
    if len(shots_raw) > MAX_SHOTS:
        raise DualTalkError(f"job file: too many shots ({len(shots_raw)} > {MAX_SHOTS})")
    shots = [_shot(raw, defaults, base, i) for i, raw in enumerate(shots_raw)]
    names: set[str] = set()
    written: dict[Path, str] = {}
    inputs = {
        os.path.normpath(getattr(s, k)) for s in shots for k in INPUT_PATHS if getattr(s, k) is not None
    }
    for s in shots:
        # real paths: a symbolic link inside the job folder must not carry an output elsewhere
        outputs.check_write_plan(
            [("out", s.out), ("fbx", s.fbx), ("render", s.render)],
            [],
            folders=[("work", s.work)],
            root=base,
        )
        if s.name in names:
            raise DualTalkError(f"job file: two shots are named {s.name!r}")
        names.add(s.name)
        for key in ("out", "fbx", "render"):
            p = getattr(s, key)
            if p is None:
                continue
            norm = Path(os.path.normpath(p))
            if norm in written:
                raise DualTalkError(f"job file: shots {written[norm]!r} and {s.name!r} both write {p}")
            if str(norm) in inputs:
                raise DualTalkError(f"shot {s.name!r}: {key} {p} would overwrite an input")
            if Path(os.path.realpath(norm)) in {Path(os.path.realpath(i)) for i in inputs}:
                raise DualTalkError(f"shot {s.name!r}: {key} {p} would overwrite an input (through a link)")
            written[norm] = s.name
    return shots


def load_jobs(path: str | os.PathLike[str]) -> list[Shot]:
    """Read a job file; relative paths are taken from its folder."""
    data = read_json(path, "job file", MAX_JOB_BYTES)
    return parse_jobs(data, Path(path).resolve().parent)
