"""Fuzz targets for the files users exchange: custom retarget maps and job files.

Same contract as :mod:`dualtalk.bench.fuzz_targets`: each target either
returns a sane result or raises a one-line :class:`DualTalkError`; anything else (a
TypeError from an unexpected JSON shape, a path that escapes the job folder) is a bug
and propagates. Both parsers are pure Python (no bpy), so these run anywhere.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..dualtalk_blender.commands.jobs import INPUT_PATHS, OUTPUT_PATHS, load_jobs, parse_jobs
from ..dualtalk_blender.rig.mapping import MAX_WEIGHT, BoneLink, KeyLink, load_mapping, parse_mapping
from ..inference.core.channels import CHANNELS
from ..inference.core.errors import DualTalkError
from .fuzz_targets import read_saved

BASE = Path("/fuzz/jobs")  # parse_jobs is pure: the base folder need not exist


def _one_line(exc: DualTalkError) -> None:
    msg = str(exc)
    assert msg and "\n" not in msg, f"refusal must be one non-empty line: {msg!r}"


def mapping_data(data: Any) -> None:
    """Any decoded JSON value as a map: a valid CustomMap or a one-line refusal."""
    try:
        cmap = parse_mapping(data)
    except DualTalkError as exc:
        _one_line(exc)
        return
    channels = set(CHANNELS[cmap.space])
    assert cmap.keys or cmap.bones
    links: list[KeyLink | BoneLink] = [*cmap.keys, *cmap.bones]
    for link in links:
        assert link.channel in channels
        assert math.isfinite(link.weight) and abs(link.weight) <= MAX_WEIGHT
    for name in [*cmap.key_names, *cmap.bone_names]:
        assert name.strip() and len(name.encode("utf-8")) <= 63 and not any(ord(c) < 32 for c in name)
    for link in cmap.bones:
        assert sorted(abs(v) for v in link.axis) == [0.0, 0.0, 1.0]
    if cmap.clip is not None:
        assert cmap.clip[0] < cmap.clip[1]


def mapping_text(text: str) -> None:
    """Any text saved as a map file: parsed or refused in one line (file reading included)."""
    cmap = read_saved(text, "map.json", load_mapping)
    assert cmap is None or cmap.keys or cmap.bones


def _inside(path: Path, base: Path) -> bool:
    try:
        return os.path.commonpath([os.path.normpath(path), os.path.normpath(base)]) == os.path.normpath(base)
    except ValueError:
        return False


def jobs_data(data: Any) -> None:
    """Any decoded JSON as a job file: shots whose outputs stay inside the job folder, or a refusal."""
    try:
        shots = parse_jobs(data, BASE)
    except DualTalkError as exc:
        _one_line(exc)
        return
    assert shots
    names = [s.name for s in shots]
    assert len(names) == len(set(names))
    written: set[str] = set()
    inputs = {
        os.path.normpath(getattr(s, k)) for s in shots for k in INPUT_PATHS if getattr(s, k) is not None
    }
    for s in shots:
        assert s.name and "/" not in s.name and "\\" not in s.name
        for key in OUTPUT_PATHS:
            p = getattr(s, key)
            if p is None:
                continue
            assert ".." not in Path(p).parts, (key, p)
            assert _inside(Path(p), BASE), f"{key} {p} escapes the job folder"
            if key != "work":
                norm = os.path.normpath(p)
                assert norm not in written, f"two shots write {p}"
                assert norm not in inputs, f"{p} overwrites an input"
                written.add(norm)
        for key in INPUT_PATHS:
            p = getattr(s, key)
            if p is not None:
                assert ".." not in Path(p).parts, (key, p)
                assert p.is_absolute()
        assert s.out.suffix.lower() == ".blend"
        for key in ("start", "end", "smoothing", "window"):
            v = getattr(s, key)
            assert v is None or math.isfinite(v)


def jobs_text(text: str) -> None:
    """Any text saved as a job file."""
    read_saved(text, "jobs.json", load_jobs)


def strategies() -> dict[str, tuple[Callable[..., Any], Any]]:
    """name -> (target, Hypothesis strategy of its keyword arguments)."""
    from hypothesis import strategies as st

    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=80),
    )  # fmt: skip
    anyjson = st.recursive(
        scalars,
        lambda kids: st.one_of(
            st.lists(kids, max_size=5), st.dictionaries(st.text(max_size=12), kids, max_size=5)
        ),
        max_leaves=25,
    )
    arkit = CHANNELS["arkit55"]
    flame = CHANNELS["flame56"]
    names = st.one_of(
        st.sampled_from(["jawOpen", "Jaw", "Blink_L", "MouthOpen", "head", "頭", "mixamorig:Head", ""]),
        st.text(max_size=70),
    )
    axis = st.one_of(st.sampled_from(["X", "Y", "Z", "-X", "-y", "+z", "W", "XY", ""]), st.text(max_size=3))
    weight = st.one_of(
        st.floats(-150, 150, allow_nan=False),
        st.sampled_from([float("nan"), float("inf"), True, "1", None, 1e308]),
    )
    target = st.one_of(
        names,
        st.fixed_dictionaries({"key": names}, optional={"weight": weight, "axis": axis}),
        st.fixed_dictionaries({"bone": names}, optional={"axis": axis, "weight": weight, "key": names}),
        st.dictionaries(st.sampled_from(["key", "bone", "axis", "weight", "colour"]), scalars, max_size=4),
    )
    channel = st.one_of(st.sampled_from(arkit), st.sampled_from(flame), st.text(max_size=15))
    near_map = st.fixed_dictionaries(
        {"map": st.dictionaries(channel, st.one_of(target, st.lists(target, max_size=4)), max_size=8)},
        optional={
            "version": st.sampled_from([1, 1.0, 2, True, "1", None]),
            "space": st.sampled_from(["arkit55", "flame56", "arkit52", "", 5]),
            "head": st.one_of(names, st.none(), st.integers()),
            "clip": st.one_of(st.lists(weight, max_size=3), scalars),
            "name": scalars,
            "extra": scalars,
        },
    )
    rel = st.lists(
        st.sampled_from(
            ["out", "in", "..", ".", "a.blend", "x.fbx", "shots", "~", "C:", "\\..", "a/../b", "b.mp4"]
        ),
        min_size=1,
        max_size=4,
    ).map("/".join)
    path = st.one_of(
        rel,
        rel.map(lambda p: "/" + p),
        rel.map(lambda p: p.replace("/", "\\")),
        rel.map(lambda p: "C:\\" + p),
        st.sampled_from(["", " ", "out/a\x00.blend", "out/a\nb.blend", "//server/share/x.blend"]),
        st.text(max_size=30),
        st.booleans(),
        st.integers(),
    )
    shot_fields = {
        "name": st.one_of(st.sampled_from(["s1", "s2", "../s", "a/b", "x" * 41, ""]), st.text(max_size=12)),
        "blend": path, "char_a": names, "char_b": names, "audio": path, "motion_a": path, "motion_b": path,
        "fbx": st.one_of(path, st.booleans()), "render": st.one_of(path, st.booleans()), "work": path,
        "start": weight, "end": weight, "rounds": scalars, "swap": scalars,
        "intensity": st.one_of(st.dictionaries(st.sampled_from(["mouth", "eyes", "nose"]), weight, max_size=3), scalars),
        "resolution": st.one_of(st.lists(st.integers(-5, 20000), max_size=3), scalars),
    }  # fmt: skip
    shot = st.fixed_dictionaries(
        {"out": st.one_of(path, rel.map(lambda p: p + ".blend"))},
        optional={**shot_fields, "colour": scalars},
    )
    near_job = st.fixed_dictionaries(
        {"shots": st.one_of(st.lists(shot, max_size=4), scalars)},
        optional={
            "version": st.sampled_from([1, 2, True, None, "1"]),
            "defaults": st.one_of(
                st.fixed_dictionaries({}, optional={k: v for k, v in shot_fields.items() if k != "name"}),
                scalars,
            ),
            "description": scalars,
        },
    )
    json_text = st.one_of(
        st.text(max_size=300),
        anyjson.map(lambda v: json.dumps(v, allow_nan=True)),
        near_map.map(lambda v: json.dumps(v, allow_nan=True)),
        near_job.map(lambda v: json.dumps(v, allow_nan=True)),
        near_job.map(lambda v: json.dumps(v, allow_nan=True)[: max(1, len(json.dumps(v)) // 2)]),  # cut short
    )
    return {
        "mapping_data": (mapping_data, st.fixed_dictionaries({"data": st.one_of(anyjson, near_map)})),
        "mapping_text": (mapping_text, st.fixed_dictionaries({"text": json_text})),
        "jobs_data": (jobs_data, st.fixed_dictionaries({"data": st.one_of(anyjson, near_job)})),
        "jobs_text": (jobs_text, st.fixed_dictionaries({"text": json_text})),
    }
