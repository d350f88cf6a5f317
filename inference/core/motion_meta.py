"""What a motion file says of itself, read without its arrays: frame rate, length, start, engine and
its ``meta`` (the record of the recording and the settings it was made with).

An older take's *Use Take's Settings* and each range re-generated from it read that record from the
take's two motion files (``scene.older_takes``); loading them whole read and checked every frame of
both characters for a few hundred bytes of JSON. An npz member is read only when asked for: here the
small ones (``format``, ``version``, ``requires``, ``space``, ``channels``, ``fps``, ``start_time``,
``engine``, ``role``, ``meta``) and every member's header (its shape, for the length), never
``values``, ``speaking`` or the behaviour arrays.

Everything read is checked as :func:`.motion.load_motion` checks it, with the same one-line refusal
(the archive, each member's header and declared size, format, version, required features, channel
names, fps, length, start); the arrays' contents, not read, are not vouched for.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .channels import CHANNELS, SPACE_FLAME, SPACES
from .errors import DualTalkError
from .inputs import DAMAGED_ARRAY_FILE, check_input_file, npy_header
from .motion import (  # the checks load_motion makes, to refuse alike (they might move here with it)
    MAX_START_TIME,
    _check_members,
    _scalar,
    _short,
    dataset_record,
    missing_members,
    read_record,
    refusals,
    stated_fps,
)
from .numeric import finite_number, shown


@dataclass(frozen=True)
class MotionMeta:
    """A motion file's account of itself (the attributes of a :class:`.motion.Motion` a record needs)."""

    space: str
    num_frames: int
    fps: float
    start_time: float = 0.0
    engine: str = ""
    role: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def read_motion_meta(path: str | Path) -> MotionMeta:
    """The record of the motion file ``path``, its arrays left unread; a file :func:`.motion.load_motion`
    refuses for what is read here is refused in the same line (:class:`DualTalkError`)."""
    path = check_input_file(path, "motion file")
    if not zipfile.is_zipfile(path):
        raise DualTalkError(f"{path.name} is not a readable .npz motion file (not an npz archive)")
    with open(path, "rb") as fh:
        try:
            data = np.load(fh, allow_pickle=False)
        except (ValueError, OSError, *DAMAGED_ARRAY_FILE) as exc:
            raise DualTalkError(
                f"{path.name} is not a readable .npz motion file ({_short(exc, 120)})"
            ) from None
        with data, refusals(path.name):
            return _read(data, path.name)


def _check_lengths(data: Any, name: str) -> None:
    """Each member holds the bytes its header declares (from the archive's directory, nothing read
    past the headers): frames cut short are refused as loading them refuses them, in other words
    (their bytes, never read here, are not checked further)."""
    for key in data.files:
        with data.zip.open(f"{key}.npy") as fh:
            shape, dtype = npy_header(fh)
            start = fh.tell()
        if dtype.hasobject:
            continue  # refused when read (np.load without pickles), as loading does
        declared = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        held = data.zip.getinfo(f"{key}.npy").file_size - start
        if held < declared:
            raise DualTalkError(
                f"{name} is not a valid motion file ({key} holds {held:,} of the {declared:,} bytes its header "
                "declares)"
            )


def _read(data: Any, name: str) -> MotionMeta:
    shapes = _check_members(data, name)
    _check_lengths(data, name)
    if "values" in data.files and "space" in data.files:
        space, meta, fps = read_record(data, name, shapes)
        shape = shapes["values"]
        rows = shape[0] if shape else 0
        if len(shape) != 2:
            raise DualTalkError(f"motion values must be (frames, channels), got shape {shape}")
        stated_fps(data.files, name)
        # what Motion checks of the rest, from the headers
        if space not in SPACES:
            raise DualTalkError(f"unknown motion space {space!r} (expected one of {', '.join(SPACES)})")
        if shape[1] != len(CHANNELS[space]):
            raise DualTalkError(
                f"motion values must be (frames, {len(CHANNELS[space])}) for {space}, got {shape}"
            )
        return MotionMeta(
            space=space,
            num_frames=int(rows),
            fps=fps,
            start_time=_start(data),
            engine=str(_scalar(data, "engine", "")),
            role=str(_scalar(data, "role", "")),
            meta=meta if isinstance(meta, dict) else {},
        )
    if "exp" in data.files and "pose" in data.files:  # a DualTalk dataset file: no record of its own
        rows = shapes["exp"][0] if shapes["exp"] else 0
        fps, role = dataset_record(data, name)
        return MotionMeta(
            space=SPACE_FLAME,
            num_frames=int(rows),
            fps=fps,
            start_time=_start(data),
            engine="dataset",
            role=role,
        )
    raise DualTalkError(missing_members(data.files, name))


def _start(data: Any) -> float:
    """The file's ``start_time``, checked as :class:`.motion.Motion` checks it."""
    raw_start = _scalar(data, "start_time", 0.0)
    start = finite_number(raw_start)
    if start is None or not 0.0 <= start <= MAX_START_TIME:
        raise DualTalkError(
            f"motion start time must be 0 to {MAX_START_TIME} s into the audio, got {shown(raw_start)}"
        )
    return start
