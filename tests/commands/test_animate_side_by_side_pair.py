"""A VTuber keys a take onto the shared test pair, Ann and Bob side by side, both facing the camera.
Before, eye contact turned both heads about 73 deg toward each other for the whole take and nothing
said so. Now they glance (the head at most 20 deg), the take's line says it once, with the flag
that turns them fully, and no warning is raised; ``--side-by-side turn`` turns them as before."""

from __future__ import annotations

import numpy as np
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, save_motion
from test_blender_animate import build_scene

NOTE = (
    "Ann and Bob face the same way (side by side): their heads turn at most 20 deg toward each other and "
    "the eyes glance the rest; --side-by-side turn turns them to face each other"
)


def take(folder) -> list[str]:
    """A 3 s take's motion files with eye contact: each looks at the other for its first 2 s."""
    looks = (np.arange(75) < 50).astype(np.int8)
    paths = []
    for role in "AB":
        motion = Motion("arkit55", np.zeros((75, 55), np.float32), role=role, gaze_target=looks,
                        gaze_dir=np.zeros((75, 2), np.float32))  # fmt: skip
        paths += [f"--motion-{role.lower()}", str(save_motion(folder / f"{role}.npz", motion))]
    return paths


def test_the_take_line_says_the_pair_glances_once_and_turn_turns_them_fully(tmp_path, capsys):
    scene = build_scene(tmp_path / "pair.blend")
    files = take(tmp_path)
    common = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob", *files]
    assert main([*common, "--out", str(tmp_path / "glance.blend")]) == 0
    out, err = capsys.readouterr()
    (line,) = [line for line in out.splitlines() if line.startswith("wrote ")]
    assert line.count(NOTE) == 1, line
    assert "warning:" not in err, err
    assert main([*common, "--out", str(tmp_path / "turn.blend"), "--side-by-side", "turn"]) == 0
    out, err = capsys.readouterr()
    assert "face the same way" not in out + err
