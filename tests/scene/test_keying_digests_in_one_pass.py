"""A director generates a short take again and again to compare (review rv37c, finding 5). Each
take reads the earlier one's keys back to find hand edits, and since e959dfa that record cost more
than keying the take: 11 -> ~30 ms CPU for one character's 500 frames, most of it numpy's start-up
cost paid once per curve. A layer's curves are now digested in one pass; the record must be the very
one a curve-by-curve digest gives, or every take in a saved .blend would read as edited by hand."""

from __future__ import annotations

import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, keying

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def _curves(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every frame of a take, reduced keys, keys before frame 0, a lone key, a curve with none."""
    every = np.arange(1, 501, dtype=np.float64)
    reduced = np.sort(rng.choice(np.arange(-300, 3000), 180, replace=False)).astype(np.float64)
    return [
        (every, rng.uniform(0, 1, 500)),
        (reduced, rng.uniform(-1, 1, 180)),
        (every - 700, rng.uniform(0, 1, 500)),
        (np.array([12.0]), np.array([0.25])),
        (np.empty(0), np.empty(0)),
        (every, np.full(500, 0.5)),
    ]


def _recorded(frames: np.ndarray, values: np.ndarray) -> tuple[dict[int, int], dict[int, int]]:
    """The record as a .blend holds it, key by key in plain Python: each key's float32 frame and
    value bits mixed by splitmix64 and summed mod 2**64 per 8 frames; per 64 frames the sum mod
    2**32, and the low 16 bits of each 8 frames' sum packed, the first in the low bits."""
    full = (1 << 64) - 1
    subs: dict[int, int] = {}
    for frame, value in zip(frames.astype(np.float32), values.astype(np.float32), strict=True):
        x = int(np.array([frame, value], np.float32).view(np.uint64)[0]) * 0x9E3779B97F4A7C15 & full
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & full
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB & full
        sub = int(np.floor_divide(frame, np.float32(8)))
        subs[sub] = (subs.get(sub, 0) + (x ^ (x >> 31))) & full
    sums: dict[int, int] = {}
    tags: dict[int, int] = {}
    for sub, total in subs.items():
        chunk, lane = sub // 8, sub % 8
        sums[chunk] = (sums.get(chunk, 0) + total) & 0xFFFFFFFF
        tags[chunk] = tags.get(chunk, 0) | ((total & 0xFFFF) << (16 * lane))
    return {c: s for c, s in sums.items() if s}, {c: t for c, t in tags.items() if t}


def test_a_layers_curves_digested_together_are_the_records_a_blend_holds():
    keys = _curves(np.random.default_rng(0))
    for (frames, values), digest in zip(keys, keying.keys_digests(keys), strict=True):
        assert (digest.count, digest.sums, digest.tags) == (len(frames), *_recorded(frames, values))
        assert digest.encode() == keying.keys_digest(frames, values).encode()
    assert keying.keys_digests([]) == []


def test_curves_read_back_in_one_pass_match_the_keys_written_and_show_an_edit():
    keys = _curves(np.random.default_rng(1))
    action = bpy.data.actions.new("Layer")
    ob = bpy.data.objects.new("Ann", None)
    slot = compat.new_slot(action, ob, "Ann")
    bag = compat.channelbag(action, slot)
    curves = []
    for i, (frames, values) in enumerate(keys):
        fc = bag.fcurves.new("location", index=i % 3) if i < 3 else bag.fcurves.new("scale", index=i % 3)
        keying.fill(fc, frames, values)
        curves.append(fc)
    read = keying.curve_digests(curves)
    assert read == keying.keys_digests(keys) == [keying.curve_digest(fc) for fc in curves]
    curves[1].keyframe_points[7].co[1] += 0.125  # an animator's fix inside the layer
    edited = keying.curve_digests(curves)
    assert [a == b for a, b in zip(edited, read, strict=True)] == [True, False, True, True, True, True]
    assert keying.curve_digests([]) == []
