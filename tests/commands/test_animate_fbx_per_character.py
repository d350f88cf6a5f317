"""An Unreal user exports the animated pair for a game: Unreal's skeletal-mesh import wants one root
per skeleton, and ``--fbx OUT.fbx`` wrote both characters into one file, each rig its own root
(review 32g F4). ``--fbx-per-character`` (job key ``fbx_per_character``) writes ``OUT_<A>.fbx`` and
``OUT_<B>.fbx`` instead: each holds one character, one rig, the clip named after the take, and both
go through every check the FBX path had (a file that would replace an input is refused before any
work) and into ``--skip-done``'s set. Read back with ufbx, never with Blender reading its own output."""

from __future__ import annotations

import json
import shutil

import pytest
from dualtalk.cli import main
from fbx_nodes import read_fbx_nodes
from robustness_util import assert_refused, run_cli
from test_audit_jobs import DEFAULTS, job_folder, voice


def test_each_character_gets_its_own_file_with_one_rig_and_the_take_clip(tmp_path, capsys):
    folder = job_folder(tmp_path)
    fbx = folder / "cafe.fbx"
    argv = ["animate", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz"),
            "--out", str(folder / "cafe.blend"), "--fbx", str(fbx), "--fbx-per-character", "--quiet"]  # fmt: skip
    code, err, out = run_cli(capsys, argv)
    assert code == 0, err
    ann, bob = folder / "cafe_Ann.fbx", folder / "cafe_Bob.fbx"
    assert not fbx.exists() and ann.is_file() and bob.is_file()
    assert f"{ann}, {bob}" in out  # the result line names both files
    assert [p.name for p in folder.glob(".*")] == [".cafe.blend.dualtalk-done"]  # nothing staged left behind
    for path, own, other in ((ann, "Ann", "Bob"), (bob, "Bob", "Ann")):
        got = read_fbx_nodes(path)
        assert got["clips"] == ["cafe"], got["clips"]  # the take, named after --out
        names = [n for top in got["tops"].values() for n in top["names"]]
        assert not [n for n in names if other in n], names  # the other character is not in it
        assert got["meshes"] and all(own in m for m in got["meshes"]), got["meshes"]
        rigs = [name for name, top in got["tops"].items() if top["bones"]]
        assert len(rigs) == 1, got["tops"].keys()  # one skeleton root per file


def test_a_per_character_file_that_would_replace_an_input_is_refused_before_any_work(tmp_path, capsys):
    folder = job_folder(tmp_path)
    motion_b = shutil.copy(folder / "in" / "B.npz", folder / "cafe_Bob.fbx")  # B's file's name, an input
    argv = ["animate", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(motion_b),
            "--out", str(folder / "cafe.blend"), "--fbx", str(folder / "cafe.fbx"), "--fbx-per-character",
            "--quiet"]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert_refused(code, err, "cafe_Bob.fbx")
    assert not (folder / "cafe.blend").exists() and not (folder / "cafe_Ann.fbx").exists()
    assert (folder / "cafe_Bob.fbx").read_bytes() == (folder / "in" / "B.npz").read_bytes()


def test_the_option_without_fbx_is_said_to_be_ignored(tmp_path, capsys):
    folder = job_folder(tmp_path)
    argv = ["animate", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz"),
            "--out", str(folder / "x.blend"), "--fbx-per-character", "--quiet"]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert code == 0 and err == ["warning: --fbx-per-character applies only with --fbx; ignored"], err
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz", "fbx_per_character": True},
        "shots": [{"name": "close", "out": "out/close.blend"}],
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(folder / "shots.json")])
    assert code == 0, err
    assert [line for line in err if line.startswith("warning:")] == [
        "warning: shot 'close': fbx_per_character applies only with fbx; ignored"
    ], err
    assert not list(folder.rglob("*.fbx"))


def test_a_job_shot_writes_both_files_and_skip_done_counts_each(tmp_path, capsys):
    folder = job_folder(tmp_path)
    voice(folder / "in" / "talk.wav", 180, seconds=1.2)  # a shot with a sound keeps a done record
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz", "fbx": True},
        "shots": [{"name": "s1", "out": "out/s1.blend", "audio": "in/talk.wav", "fbx_per_character": True}],
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    report = folder / "report.json"

    def night() -> dict:
        capsys.readouterr()
        argv = [
            "animate",
            "--quiet",
            "--job",
            str(folder / "shots.json"),
            "--skip-done",
            "--summary",
            str(report),
        ]
        assert main(argv) == 0, capsys.readouterr().err
        return json.loads(report.read_text())["shots"][0]

    ann, bob = folder / "out" / "s1_Ann.fbx", folder / "out" / "s1_Bob.fbx"
    first = night()
    assert first["status"] == "done" and ann.is_file() and bob.is_file()
    assert not (folder / "out" / "s1.fbx").exists()
    assert {str(ann), str(bob)} <= set(first["outputs"]), first["outputs"]
    skipped = night()
    assert skipped["status"] == "skipped" and {str(ann), str(bob)} <= set(skipped["outputs"])
    bob.unlink()  # B's file lost (a sync that missed it): the shot is not done
    assert night()["status"] == "done" and bob.is_file()


def test_a_job_whose_other_shot_writes_a_per_character_file_is_refused_before_any_shot_runs(tmp_path, capsys):
    folder = job_folder(tmp_path)
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
        "shots": [
            {"name": "wide", "out": "out/wide.blend", "fbx": "out/cafe.fbx", "fbx_per_character": True},
            {"name": "close", "out": "out/close.blend", "fbx": "out/cafe_Bob.fbx"},
        ],
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(folder / "shots.json")])
    assert_refused(code, err, "cafe_Bob.fbx")
    assert not (folder / "out").exists()


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_a_job_key_that_is_not_true_or_false_is_refused_naming_the_shot(tmp_path, value):
    """``"fbx_per_character": "yes"`` (or 1) in a hand-written job: one line naming the shot and the key,
    never read as true (a string is truthy) or silently as one file."""
    from dualtalk.dualtalk_blender.commands import jobs
    from dualtalk.inference.core.errors import DualTalkError

    (tmp_path / "Scene.blend").write_bytes(b"BLENDER-v500 the user's scene")
    (tmp_path / "talk.wav").write_bytes(b"RIFF")
    shot = {"name": "s1", "blend": "Scene.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav",
            "out": "s1.blend", "fbx": "s1.fbx", "fbx_per_character": value}  # fmt: skip
    with pytest.raises(DualTalkError, match=r"^shot 's1'\.fbx_per_character: expected true or false$"):
        jobs.parse_jobs({"shots": [shot]}, tmp_path)
