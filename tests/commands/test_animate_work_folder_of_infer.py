"""A TD made a take with ``infer --out takes/scene1`` and now animates the scene with
``--work takes/scene1`` so the new take's files land beside it. Before, animate refused the folder:
"already holds A.npz, B.npz, which DualTalk did not write there" -- they were DualTalk's own motion
files (infer marks no work folder). Now the motion files of a take the engine made are replaced, as
``infer --out`` on that folder would; a file of the user's under those names (motion files made by
hand included) is still refused."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from robustness_util import assert_refused, run_cli
from test_blender_animate import build_scene, two_voices

ENGINE = ["--engine", "lite", "--device", "cpu", "--quiet"]


def test_animate_replaces_the_take_infer_wrote_in_its_work_folder(tmp_path, capsys):
    audio = two_voices(tmp_path / "talk.wav", seconds=2.0)
    take = tmp_path / "takes" / "scene1"
    assert main(["infer", "--audio", str(audio), "--out", str(take), "--end", "1", *ENGINE]) == 0
    assert load_motion(take / "A.npz").num_frames == 25
    scene = build_scene(tmp_path / "in.blend")
    argv = ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob", "--audio", str(audio),
            "--out", str(tmp_path / "shot.blend"), "--work", str(take), *ENGINE]  # fmt: skip
    code, err, line = run_cli(capsys, argv)
    assert code == 0 and not err, err
    assert "50 frames at 25 fps" in line
    assert load_motion(take / "A.npz").num_frames == 50 and (take / "dialogue.wav").is_file()


@pytest.mark.parametrize("theirs", ["notes", "hand-made motion"])
def test_a_users_own_file_under_a_motion_files_name_is_still_refused(tmp_path, capsys, theirs):
    audio = two_voices(tmp_path / "talk.wav", seconds=2.0)
    work = tmp_path / "mine"
    work.mkdir()
    if theirs == "notes":
        (work / "A.npz").write_text("my notes")
    else:  # a motion file of the user's own, made by no engine run
        save_motion(work / "A.npz", Motion("arkit55", np.full((25, 55), 0.1, np.float32), role="A"))
    before = (work / "A.npz").read_bytes()
    scene = build_scene(tmp_path / "in.blend")
    argv = ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob", "--audio", str(audio),
            "--out", str(tmp_path / "shot.blend"), "--work", str(work), *ENGINE]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert_refused(code, err, f"--work {work} already holds A.npz, which DualTalk did not write there")
    assert (work / "A.npz").read_bytes() == before
