"""A TD keys an ARKit motion file another tool exported in percent (0-100), or hand-scaled x1000.
Before, it was keyed without a word and every shape key sat at Blender's clamp of 10: the face
exploded. Now weights past ±10 (ARKit weights run 0-1; ``--intensity`` scales them at most x5 only
when keying) are refused in one line naming the file and the channel; a FLAME file, whose
coefficients have no 0-1 range, and weights a little over 1 are keyed as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from robustness_util import assert_refused, run_cli, snapshot
from test_blender_animate import build_scene, motions

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("weights") / "in.blend")


def _scaled(folder: Path, factor: float) -> tuple[Path, Path]:
    a, b = motions(folder)
    motion = load_motion(a)
    motion.values[:, :52] *= factor
    return save_motion(folder / "A_scaled.npz", motion), b


def _animate(scene, capsys, a: Path, b: Path, out: Path) -> tuple[int, list[str], str]:
    argv = [
        "animate",
        "--blend",
        str(scene),
        *CHARS,
        "--motion-a",
        str(a),
        "--motion-b",
        str(b),
        "--out",
        str(out),
    ]
    return run_cli(capsys, argv)


@pytest.mark.parametrize("factor", [100.0, 1000.0])
def test_weights_in_percent_or_thousandths_are_refused_before_anything_is_written(
    scene, tmp_path, capsys, factor
):
    a, b = _scaled(tmp_path, factor)
    out = tmp_path / "out"
    code, err, _ = _animate(scene, capsys, a, b, out / "x.blend")
    line = assert_refused(code, err, "A_scaled.npz: its ARKit weights reach")
    assert "ARKit weights run 0-1" in line and "scale it to 0-1" in line, line
    assert snapshot(out) == {}


def test_weights_a_little_over_one_and_flame_coefficients_are_keyed(scene, tmp_path, capsys):
    a, b = _scaled(tmp_path, 1.5)
    code, err, _ = _animate(scene, capsys, a, b, tmp_path / "over.blend")
    assert code == 0 and not err, err
    rng = np.random.default_rng(0)
    flame = [save_motion(tmp_path / f"{r}.npz", Motion("flame56", rng.normal(0, 30, (40, 56)) * np.r_[np.ones(50), np.zeros(6)], role=r))
             for r in ("A", "B")]  # fmt: skip
    code, err, _ = _animate(scene, capsys, flame[0], flame[1], tmp_path / "flame.blend")
    assert code == 0, err
