"""Fuzz targets for the files that cross a seam: motion files (the engine-Blender seam, which
``animate --motion-a`` and the add-on load from anywhere), lite weights (``--checkpoint``),
``--flame-map`` files, transcripts (``--transcript``) and the phone alignments ``eval lipsync``
reads (``.phone.json``, Praat ``.TextGrid``).

Like :mod:`.fuzz_targets`: each target either returns sane data or raises a one-line
:class:`DualTalkError`; anything else, a Python warning included (:func:`.fuzz_targets.read_saved`),
is a bug and propagates.
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..dualtalk_blender.rig.flame_arkit import load_arkit_flame_map
from ..inference.core.channels import CHANNELS
from ..inference.core.motion import MAX_FPS, MIN_FPS, Motion, load_motion, save_motion
from ..inference.phonetic.transcript import read_transcript
from ..training.evaluation.lipsync import read_alignment, read_textgrid_alignment
from .fuzz_targets import overwrite, read_saved


def _check_motion(m: Motion) -> None:
    """What every loaded motion promises the Blender side."""
    assert m.values.dtype == np.float32 and m.values.ndim == 2
    assert m.values.shape[1] == len(CHANNELS[m.space]) and np.isfinite(m.values).all()
    assert MIN_FPS <= m.fps <= MAX_FPS and math.isfinite(m.start_time) and m.start_time >= 0
    assert m.speaking.dtype == bool and m.speaking.shape == (m.num_frames,)
    for extra in (m.gaze_target, m.gaze_dir, m.overlay):
        assert extra is None or len(extra) == m.num_frames
    assert isinstance(m.meta, dict)


def _load(data: bytes) -> Motion | None:
    m = read_saved(data, "fuzz.npz", load_motion)
    if m is not None:
        _check_motion(m)
    return m


def motion_arrays(arrays: dict[str, Any]) -> Motion | None:
    """Any set of named arrays saved as an npz: a sane :class:`Motion` or a one-line refusal."""
    bio = io.BytesIO()
    np.savez(bio, **arrays)
    return _load(bio.getvalue())


def mutated_motion(seed_motion: bytes, positions: list[int], values: list[int]) -> Motion | None:
    """A valid motion file with bytes overwritten (zip directory, npy headers, data)."""
    return _load(overwrite(seed_motion, positions, values))


def _damaged_map_bytes(position: int, value: int, suffix: str) -> bytes:
    """A valid 51 x 103 map as .npz (or .npy) with one byte overwritten."""
    bio = io.BytesIO()
    matrix = np.ones((51, 103), np.float32)
    if suffix == ".npz":
        np.savez(bio, mat=matrix)
    else:
        np.save(bio, matrix)
    return overwrite(bio.getvalue(), [position], [value])


def seed_motion(frames: int = 6) -> bytes:
    """A small valid motion file (ARKit, with speaking flags and meta) to mutate."""
    rng = np.random.default_rng(0)
    m = Motion(
        "arkit55",
        rng.uniform(0, 1, (frames, len(CHANNELS["arkit55"]))).astype(np.float32),
        speaking=rng.random(frames) < 0.5,
        meta={"names": ["A", "B"]},
        role="A",
    )
    with tempfile.TemporaryDirectory() as tmp:
        return save_motion(Path(tmp) / "seed.npz", m).read_bytes()


def mutated_weights(positions: list[int], values: list[int], keep: float = 1.0) -> None:
    """The shipped lite weights with bytes overwritten (from the end when ``positions`` are negative:
    the zip directory) and cut to ``keep`` of their length: a model or a one-line refusal."""
    from ..inference.models.lite.model import DEFAULT_WEIGHTS, load_lite

    buf = overwrite(DEFAULT_WEIGHTS.read_bytes(), positions, values)
    buf = buf[: max(1, int(len(buf) * keep))]
    read_saved(buf, "weights.pt", lambda path: load_lite(str(path), device="cpu"))


def transcript_text(text: str) -> None:
    """Any text saved as a transcript: lines who-says-what, or a one-line refusal."""
    lines = read_saved(text, "script.txt", read_transcript)
    if lines is None:
        return
    assert any(line.text for line in lines)
    for line in lines:
        assert line.number >= 1 and line.speaker == line.speaker.strip() and line.speaker


def alignment_text(text: str) -> None:
    """Any text saved as a ``.phone.json``: phones in order of sane times, or a one-line refusal."""
    clip = read_saved(text, "clip.phone.json", read_alignment)
    if clip is None:
        return
    for phone in clip.phones:
        assert math.isfinite(phone.start) and math.isfinite(phone.end) and 0 <= phone.start <= phone.end


def textgrid_text(text: str) -> None:
    """Any text saved as a Praat ``.TextGrid``: phones of sane times, or a one-line refusal."""
    clip = read_saved(text, "clip.TextGrid", read_textgrid_alignment)
    for phone in [] if clip is None else clip.phones:
        assert math.isfinite(phone.start) and math.isfinite(phone.end) and 0 <= phone.start <= phone.end


def flame_map_file(content: str | bytes, suffix: str) -> None:
    """Any text or bytes saved as a ``--flame-map`` file: a finite 51 x 103 matrix, or one line."""
    matrix = read_saved(content, f"map{suffix}", load_arkit_flame_map)
    assert matrix is None or (matrix.shape == (51, 103) and np.isfinite(matrix).all())


def strategies() -> dict[str, tuple[Callable[..., Any], Any]]:
    """name -> (target, Hypothesis strategy of its keyword arguments)."""
    import json

    from hypothesis import strategies as st

    frames = st.integers(0, 12)
    width = st.sampled_from([55, 56, 52, 0, 3])
    numbers = st.floats(allow_nan=True, allow_infinity=True, width=32)

    def filled(shape: tuple[int, ...]) -> Any:
        size = int(np.prod(shape))
        return st.lists(numbers, min_size=size, max_size=size).map(
            lambda xs: np.asarray(xs, np.float32).reshape(shape)
        )

    def matrix(draw_shape: Any) -> Any:
        return draw_shape.flatmap(filled)

    values = (
        matrix(st.tuples(frames, width))
        | matrix(st.tuples(frames))
        | st.just(np.zeros((2, 2, 55), np.float32))
    )
    text_scalar = st.one_of(
        st.sampled_from(["arkit55", "flame56", "dualtalk-motion", "A", "", "x" * 300]), st.text(max_size=20)
    ).map(lambda s: np.asarray(s))
    number_scalar = st.one_of(numbers, st.integers(-(2**40), 2**40), st.booleans()).map(
        lambda v: np.asarray(v)
    )
    flags = frames.flatmap(lambda n: st.lists(st.integers(-2, 2), min_size=n, max_size=n)).map(
        lambda xs: np.asarray(xs, np.int8)
    )
    meta = st.one_of(
        st.sampled_from(['{"names": ["A", "B"]}', "[", '{"behaviour": {"events": 5}}', "null", '"x"']),
        st.text(max_size=40),
    ).map(lambda s: np.asarray(s))
    anything = st.one_of(values, text_scalar, number_scalar, flags, meta)
    keys = ["format", "space", "values", "fps", "speaking", "engine", "role", "start_time", "meta"]
    extra_keys = [
        "gaze_target",
        "gaze_dir",
        "overlay",
        "overlay_channels",
        "exp",
        "pose",
        "checkpoint_sha256",
    ]
    near_motion = st.fixed_dictionaries(
        {
            "format": st.sampled_from(["dualtalk-motion", "other"]).map(np.asarray),
            "space": st.sampled_from(["arkit55", "flame56", "rgb"]).map(np.asarray),
            "values": values,
        },
        optional={
            "fps": number_scalar,
            "speaking": flags,
            "start_time": number_scalar,
            "meta": meta,
            **{k: anything for k in extra_keys},
        },
    )
    dataset = st.fixed_dictionaries(
        {
            "exp": matrix(st.tuples(frames, st.sampled_from([50, 49]))),
            "pose": matrix(st.tuples(frames, st.sampled_from([6, 3]))),
        }
    )
    loose = st.dictionaries(st.sampled_from(keys + extra_keys), anything, max_size=6)
    seed = seed_motion()
    speakers = st.sampled_from(["A", "B", "Ana", " ", "", "A B", "#A", "a:b"])
    script_lines = st.one_of(
        st.tuples(speakers, st.text(max_size=30)).map(lambda t: f"{t[0]}: {t[1]}"),
        st.sampled_from(["", "# note", "A:", ":", "no colon here", "\x00", "\ufeffA: hi", "B:   "]),
        st.text(max_size=30),
    )
    phone = st.fixed_dictionaries(
        {
            "t": st.one_of(
                st.sampled_from(["AA1", "M", "P", "sil", "ʃ", "a"]), st.text(max_size=4), st.integers()
            )
        },
        optional={
            "b": st.one_of(numbers, st.integers(-5, 10**12), st.text(max_size=3)),
            "d": st.one_of(numbers, st.integers(-5, 10**6)),
        },
    )
    word = st.fixed_dictionaries({"w": st.lists(phone, max_size=4)}, optional={"t": st.text(max_size=8)})
    doc = st.fixed_dictionaries(
        {"w": st.lists(word, max_size=4)},
        optional={
            "alphabet": st.sampled_from(["ipa", "arpabet", "x", 3]),
            "lang": st.sampled_from(["es", "en", "zz", "", 1]),
            "t": st.text(max_size=10),
        },
    )

    def as_json(value: Any) -> str:
        return json.dumps(value, allow_nan=True, ensure_ascii=False)

    grid_lines = st.sampled_from(
        [
            'File type = "ooTextFile"', 'Object class = "TextGrid"', "xmin = 0", "xmax = 1.5", "tiers? <exists>",
            "size = 2", "item []:", "item [1]:", 'class = "IntervalTier"', 'name = "phones"', 'name = "words"',
            "intervals: size = 2", "intervals [1]:", "xmin = 0.2", "xmax = 0.1", 'text = "M"', 'text = ""',
            'text = "AA1"', "xmax = nan", "xmin = -1", "size = 99999999", '"IntervalTier"', '"phones"', "0", "1e308",
        ]
    )  # fmt: skip
    map_rows = st.lists(st.lists(numbers, min_size=0, max_size=110), max_size=60)
    return {
        "textgrid_text": (
            textgrid_text,
            st.fixed_dictionaries(
                {
                    "text": st.one_of(
                        st.text(max_size=300),
                        st.lists(st.one_of(grid_lines, st.text(max_size=12)), max_size=60).map("\n".join),
                    )
                }
            ),
        ),
        "flame_map_file": (
            flame_map_file,
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "content": st.one_of(
                            map_rows.map(lambda rows: json.dumps({"matrix": rows}, allow_nan=True)),
                            map_rows.map(lambda rows: "\n".join(",".join(map(str, r)) for r in rows)),
                            st.text(max_size=200),
                        ),
                        "suffix": st.sampled_from([".json", ".csv", ".txt"]),
                    }
                ),
                st.fixed_dictionaries(
                    {"content": st.binary(max_size=600), "suffix": st.sampled_from([".npy", ".npz"])}
                ),
                st.fixed_dictionaries(
                    {
                        "content": st.tuples(
                            st.integers(0, 4000), st.integers(0, 255), st.sampled_from([".npy", ".npz"])
                        ).map(lambda t: _damaged_map_bytes(*t)),
                        "suffix": st.just(".npz"),
                    }
                ),
            ),
        ),
        "motion_arrays": (
            motion_arrays,
            st.fixed_dictionaries({"arrays": st.one_of(near_motion, dataset, loose)}),
        ),
        "mutated_motion": (
            mutated_motion,
            st.fixed_dictionaries(
                {
                    "seed_motion": st.just(seed),
                    "positions": st.lists(st.integers(0, 2**20), min_size=1, max_size=8),
                    "values": st.lists(st.integers(0, 255), min_size=1, max_size=8),
                }
            ),
        ),
        "mutated_weights": (
            mutated_weights,
            st.fixed_dictionaries(
                {
                    "positions": st.lists(st.integers(-4096, 2**21), min_size=1, max_size=8),
                    "values": st.lists(st.integers(0, 255), min_size=1, max_size=8),
                    "keep": st.one_of(st.just(1.0), st.floats(0.0, 1.0)),
                }
            ),
        ),
        "transcript_text": (
            transcript_text,
            st.fixed_dictionaries(
                {"text": st.one_of(st.text(max_size=300), st.lists(script_lines, max_size=12).map("\n".join))}
            ),
        ),
        "alignment_text": (
            alignment_text,
            st.fixed_dictionaries(
                {
                    "text": st.one_of(
                        doc.map(as_json),
                        doc.map(as_json).map(lambda s: s[: len(s) // 2]),
                        st.text(max_size=200),
                    )
                }
            ),
        ),
    }
