"""FLAME motion on an ARKit rig through the user's published 51x103 map: the bounded solve
recovers known ARKit weights, matches a reference solver, and bad map files are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.flame_arkit import (
    USED_COLS,
    arkit_to_flame,
    flame_to_arkit,
    flame_to_arkit_fallback,
    load_arkit_flame_map,
)
from dualtalk.inference.core.errors import DualTalkError
from scipy.optimize import lsq_linear


@pytest.fixture
def fake_map(rng) -> np.ndarray:
    """A stand-in with the published map's shape and rough scale (the real one is not shipped)."""
    m = rng.normal(0, 0.6, (51, 103))
    m[:, 100:] *= 0.1  # jaw columns are radians
    return m


def test_known_arkit_weights_are_recovered_from_their_flame_image(fake_map, rng):
    w = rng.uniform(0, 1, (400, 51))
    w[w < 0.4] = 0.0  # sparse, with many weights on the lower bound
    solved, residual = flame_to_arkit(arkit_to_flame(w, fake_map), fake_map)
    assert solved.shape == (400, 52) and (solved[:, 51] == 0).all()  # tongueOut has no row
    assert np.abs(solved[:, :51] - w).max() < 1e-3
    assert residual < 1e-4


def test_out_of_reach_frames_get_the_bounded_least_squares_optimum(fake_map, rng):
    flame = arkit_to_flame(rng.uniform(0, 1, (30, 51)), fake_map) + rng.normal(0, 1.0, (30, 53))
    solved, _ = flame_to_arkit(flame, fake_map)
    assert solved.min() >= 0.0 and solved.max() <= 1.0
    m = fake_map[:, USED_COLS]
    for i in range(0, 30, 6):
        ref = lsq_linear(m.T, flame[i].astype(np.float64), bounds=(0, 1), tol=1e-12).x
        ours = solved[i, :51].astype(np.float64)
        cost = lambda x, i=i: np.sum((x @ m - flame[i]) ** 2)  # noqa: E731
        assert cost(ours) <= cost(ref) * (1 + 1e-5) + 1e-9


def test_without_a_map_only_the_jaw_opens_the_mouth():
    flame = np.zeros((3, 53), np.float32)
    flame[:, 50] = [0.0, 0.175, 1.0]
    out = flame_to_arkit_fallback(flame)
    assert out[:, 17] == pytest.approx([0.0, 0.5, 1.0]) and np.count_nonzero(out[:, :17]) == 0


@pytest.mark.parametrize("fmt", ["npy", "npy_T", "json", "csv", "npz"])
def test_map_files_in_common_formats_load(tmp_path, fake_map, fmt):
    if fmt.startswith("npy"):
        path = tmp_path / "map.npy"
        np.save(path, fake_map.T if fmt == "npy_T" else fake_map)
    elif fmt == "json":
        path = tmp_path / "map.json"
        path.write_text(json.dumps({"matrix": fake_map.tolist()}))
    elif fmt == "csv":
        path = tmp_path / "map.csv"
        np.savetxt(path, fake_map, delimiter=",")
    else:
        path = tmp_path / "map.npz"
        np.savez(path, mat=fake_map)
    assert np.allclose(load_arkit_flame_map(path), fake_map)


@pytest.mark.parametrize(
    "content, message",
    [
        (np.zeros((52, 100)), "51 x 103"),
        (np.full((51, 103), np.nan), "NaN"),
        (np.zeros((51, 103)), "all zeros"),
    ],
)
def test_bad_map_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.npy"
    np.save(path, content)
    with pytest.raises(DualTalkError, match=message):
        load_arkit_flame_map(path)
    with pytest.raises(DualTalkError, match="not found"):
        load_arkit_flame_map(tmp_path / "missing.npy")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(DualTalkError, match="cannot read"):
        load_arkit_flame_map(garbage)


def test_flame_motion_lands_on_an_arkit_rig_through_the_map_file(tmp_path, fake_map, rng):
    import blender_rigs as br
    import bpy
    from dualtalk.dualtalk_blender.scene import layers
    from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
    from dualtalk.inference.core.channels import ARKIT52
    from dualtalk.inference.core.motion import Motion

    br.reset()
    bpy.context.scene.render.fps = 25
    obj = br.make_character("Ann", armature=False)
    weights = rng.uniform(0, 1, (30, 51))
    values = np.zeros((30, 56), np.float32)
    values[:, :50] = arkit_to_flame(weights, fake_map)[:, :50]
    values[:, 50:53] = arkit_to_flame(weights, fake_map)[:, 50:53]
    np.save(tmp_path / "map.npy", fake_map)
    rep = apply_motion(
        obj, Motion("flame56", values), ApplyOptions(flame_map=str(tmp_path / "map.npy"), blinks="off")
    )
    assert not any("map" in w for w in rep.warnings)
    curves = {fc.data_path: fc for fc in layers.layer_fcurves(obj.data.shape_keys)}
    for name in ("jawOpen", "mouthSmileLeft", "browInnerUp"):
        keyed = br.fcurve_values(curves[f'key_blocks["{name}"].value'])[:, 1]
        assert np.abs(keyed - weights[:, ARKIT52.index(name)]).max() < 1e-3
