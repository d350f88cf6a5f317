"""A farm's out-of-memory killer stopped a batch shot while it wrote (SIGKILL: no clean-up runs;
review 33s, the soak). Its staged outputs stayed beside the real ones under hidden names: the .blend's
and the FBX's staged copies, the exporter's copy of the staged FBX, the work folder's motion files
and mix, the engine's scratch folder. The shot's next run (``--skip-done`` re-runs it) left them all
there, so every kill added a production .blend's worth of hidden files to the output folder. Now the
shot's next run, holding its outputs' locks, removes exactly those; another output's staged files
and anything else stay."""

from __future__ import annotations

from pathlib import Path

from dualtalk.cli import main
from test_audit_jobs import voice
from test_blender_animate import build_scene


def left_by_a_killed_run(out: Path, work: Path) -> list[Path]:
    """The hidden files and folder a shot SIGKILLed while writing out/s.blend leaves (as
    ``soak_batch_killed.py`` found them)."""
    work.mkdir(parents=True)
    files = [
        out / ".s.earh1114.part.blend",
        out / ".s.hzk2_g0h.part.fbx",
        out / "..s.4q4boatl.part.f0zbo8if.part.fbx",
        work / ".A.ykrk5h68.part.npz",
        work / ".B.06w3ofxl.part.npz",
        work / ".dialogue.jvqmndvm.part.wav",
        work / "..dialogue.jvqmndvm.part.zgmimcwc.part.wav",
    ]
    for path in files:
        path.write_bytes(b"half-written")
    scratch = work / ".engine.tbxeapkb.part"
    scratch.mkdir()
    (scratch / "A.npz").write_bytes(b"half-written")
    return [*files, scratch]


def test_the_next_run_of_a_killed_shot_removes_what_it_left(tmp_path, tiny_checkpoint, capsys):
    (tmp_path / "in").mkdir()
    scene = build_scene(tmp_path / "in" / "scene.blend")
    audio = voice(tmp_path / "in" / "talk.wav", 180)
    out = tmp_path / "out"
    work = out / "s.dualtalk"
    stale = left_by_a_killed_run(out, work)
    others = [out / ".other.earh1114.part.blend", out / ".s.notes.part.blend", out / "s.blend.part"]
    for path in others:  # another shot's staged .blend, and names the stager never makes
        path.write_bytes(b"not ours to remove")

    rc = main(["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
               "--audio", str(audio), "--checkpoint", str(tiny_checkpoint), "--device", "cpu",
               "--out", str(out / "s.blend"), "--fbx", str(out / "s.fbx")])  # fmt: skip

    assert rc == 0, capsys.readouterr().err
    assert [p.name for p in stale if p.exists()] == [], "the killed run's staged files stayed"
    assert all(p.read_bytes() == b"not ours to remove" for p in others)
    assert (out / "s.blend").is_file() and (out / "s.fbx").is_file() and (work / "A.npz").is_file()


def test_a_link_or_folder_under_a_staged_name_is_not_removed(tmp_path):
    """Only a dead run's own regular files go: a link there (to the TD's file) and a folder stay."""
    from dualtalk.inference.core.stale_parts import sweep

    mine = tmp_path / "keep.blend"
    mine.write_bytes(b"the TD's")
    (tmp_path / ".s.abcdefgh.part.blend").symlink_to(mine)
    (tmp_path / ".s.ijklmnop.part.blend").mkdir()
    (tmp_path / ".s.qrstuvwx.part.blend").write_bytes(b"dead run's")

    assert [p.name for p in sweep([tmp_path / "s.blend"])] == [".s.qrstuvwx.part.blend"]
    assert mine.read_bytes() == b"the TD's" and (tmp_path / ".s.abcdefgh.part.blend").is_symlink()
    assert (tmp_path / ".s.ijklmnop.part.blend").is_dir()
