"""Two of a TD's slips said in words that point the right way (review 29a, nits 10a and 10d): an
--out a script left a trailing space on ("s3.blend ") is quoted, so the space shows; a --work folder
holding an input motion file names it once ("the input motion A (A.npz)", not "input motion A A.npz")."""

from __future__ import annotations

import shutil

from robustness_util import assert_refused, run_cli, write_stereo


def _animate(kit, *extra):
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", *extra]  # fmt: skip


def test_an_out_with_a_trailing_space_is_quoted(kit, tmp_path, capsys):
    args = ["--motion-a", str(kit / "in" / "A.npz"), "--motion-b", str(kit / "in" / "B.npz")]
    code, err, _ = run_cli(capsys, _animate(kit, *args, "--out", str(tmp_path / "s3.blend ")))
    line = assert_refused(code, err, "must end in .blend")
    assert line.endswith("got 's3.blend '"), line


def test_a_work_folder_holding_an_input_motion_names_it_once(kit, tmp_path, capsys):
    work = tmp_path / "shot.dualtalk"
    work.mkdir()
    for name in ("A.npz", "B.npz"):
        shutil.copy(kit / "in" / name, work / name)
    args = ["--motion-a", str(work / "A.npz"), "--motion-b", str(work / "B.npz"), "--work", str(work)]
    audio = write_stereo(tmp_path / "talk.wav", 1.2)
    code, err, _ = run_cli(
        capsys, _animate(kit, *args, "--audio", str(audio), "--out", str(tmp_path / "shot.blend"))
    )
    line = assert_refused(code, err, "which this run could replace")
    assert "holds the input motion A (A.npz)" in line, line
