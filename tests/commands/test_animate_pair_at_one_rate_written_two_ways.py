"""A farm keys another tool's motion files with ``animate --motion-a/-b``; that tool wrote A's ``fps``
as a float32 and B's as a float64, both 29.97 fps. Before, the pair was refused with "--motion-a
A.npz is at 29.97 fps but --motion-b B.npz at 29.97 fps" and nothing keyed (review rv41d F5). Now the
two are one rate and the take keys; 29.97 beside 30 is still refused, each rate as written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from robustness_util import assert_refused, run_cli, snapshot
from test_blender_animate import build_scene

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


def _files(folder: Path, fps: tuple[object, object], frames: int = 120) -> list[str]:
    """A talks the first half, B the second; each ``fps`` saved as the tool's own number type."""
    paths = []
    for role, rate in zip("AB", fps, strict=True):
        speaking = (np.arange(frames) < frames // 2) == (role == "A")
        values = np.zeros((frames, len(ARKIT55)), np.float32)
        values[:, ARKIT55.index("jawOpen")] = 0.3 * speaking
        path = folder / f"{role}.npz"
        np.savez(
            path, space="arkit55", channels=np.array(ARKIT55), values=values, fps=rate,
            speaking=speaking.astype(np.uint8), role=role,
        )  # fmt: skip
        paths += [f"--motion-{role.lower()}", str(path)]
    return paths


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("rates") / "in.blend")


def test_a_float32_and_a_float64_29_97_key_as_one_take(scene, tmp_path, capsys):
    files = _files(tmp_path, (np.float32(29.97), np.float64(29.97)))
    out = tmp_path / "shot.blend"
    code, err, line = run_cli(capsys, ["animate", "--blend", str(scene), *CHARS, *files, "--out", str(out)])
    assert code == 0 and not err, err  # before: refused, exit 2
    assert out.is_file() and "100 frames at 25 fps" in line  # 4 s of motion on the scene's 25 fps


def test_29_97_beside_30_is_refused_naming_both_rates(scene, tmp_path, capsys):
    files = _files(tmp_path, (np.float32(29.97), 30.0))
    out = tmp_path / "out"
    code, err, _ = run_cli(
        capsys, ["animate", "--blend", str(scene), *CHARS, *files, "--out", str(out / "shot.blend")]
    )
    assert_refused(code, err, "--motion-a A.npz is at 29.97 fps but --motion-b B.npz at 30 fps")
    assert snapshot(out) == {}
