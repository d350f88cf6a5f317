"""A TD re-animates a shot with a new recording and the run fails part-way (a full disk while
exporting the FBX or rendering). The shot's .blend plays ``OUT.dualtalk/dialogue.wav`` and its keys
came from ``A.npz``/``B.npz`` there: the work files must be replaced together with the .blend and
FBX, only once every output of the shot is written, or the earlier .blend plays the new dialogue
over the old animation."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import load_motion
from test_audit_jobs import job_folder, voice

WORK_FILES = ("A.npz", "B.npz", "dialogue.wav")


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    """in/scene.blend (Ann, Bob, a camera), a take's motion files, two recordings and a tiny lite engine."""
    pytest.importorskip("torch")
    from addon_helpers import write_tiny_lite

    folder = job_folder(tmp_path)
    voice(folder / "in" / "night1.wav", 140, seconds=1.6)  # 40 frames at 25 fps
    voice(folder / "in" / "night2.wav", 440, seconds=2.4)  # 60 frames
    write_tiny_lite(folder / "in" / "lite.pt")
    return folder


def animate(folder: Path, recording: str, *extra: str) -> list[str]:
    return ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--audio", str(folder / "in" / recording), "--engine", "lite",
            "--checkpoint", str(folder / "in" / "lite.pt"), "--device", "cpu",
            "--out", str(folder / "out" / "shot.blend"), "--fbx", str(folder / "out" / "shot.fbx"), *extra]  # fmt: skip


def disk_full_on_fbx(monkeypatch: pytest.MonkeyPatch) -> None:
    from dualtalk.dualtalk_blender.scene import fbx_export

    def disk_full(objects, path, **kw):
        raise DualTalkError(f"could not write {path}: No space left on device")

    monkeypatch.setattr(fbx_export, "export_fbx", disk_full)


def fingerprint(*paths: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in paths}


def played(blend: Path) -> tuple[Path, int]:
    """The file the saved scene's dialogue strip plays, and how many frames the strip lasts."""
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    (strip,) = [s for s in bpy.context.scene.sequence_editor.strips_all if s.get("dualtalk")]
    return Path(bpy.path.abspath(strip.sound.filepath)), strip.frame_final_duration


def test_a_rerun_that_fails_keeps_the_work_files_the_earlier_blend_plays(kit, capsys, monkeypatch):
    """Night 1 animated the shot. Night 2, with a new recording, the FBX export hit a full disk:
    exit 2 and the earlier .blend and FBX were kept, but dialogue.wav, A.npz and B.npz had already
    been replaced, so the night-1 .blend played night 2's dialogue over night 1's keys. Now the
    work folder is byte-identical after the failure, and a run that succeeds replaces it all."""
    out, fbx, work = kit / "out" / "shot.blend", kit / "out" / "shot.fbx", kit / "out" / "shot.dualtalk"
    assert main(animate(kit, "night1.wav")) == 0, capsys.readouterr().err
    night1 = fingerprint(out, fbx, *(work / n for n in WORK_FILES))
    listing = sorted(p.name for p in work.iterdir())
    assert listing == [".dualtalk-work", *WORK_FILES]

    disk_full_on_fbx(monkeypatch)
    capsys.readouterr()
    assert main(animate(kit, "night2.wav")) == 74  # no room: retried
    assert capsys.readouterr().err.strip() == f"error: could not write {fbx}: No space left on device"
    assert fingerprint(out, fbx, *(work / n for n in WORK_FILES)) == night1
    assert sorted(p.name for p in work.iterdir()) == listing  # no temporaries, no engine scratch folder
    # ... so the night-1 .blend still plays night 1's dialogue, as long as its keys
    sound, frames = played(out)
    assert sound == work / "dialogue.wav" and frames == 40
    assert sf.info(str(sound)).duration == pytest.approx(1.6) and load_motion(work / "A.npz").num_frames == 40

    monkeypatch.undo()  # the disk has room again
    assert main(animate(kit, "night2.wav")) == 0, capsys.readouterr().err
    assert all(sha256_file(work / n) != night1[n] for n in WORK_FILES)
    assert load_motion(work / "A.npz").num_frames == 60
    assert sf.info(str(work / "dialogue.wav")).duration == pytest.approx(2.4)
    sound, frames = played(out)
    assert sound == work / "dialogue.wav" and frames == 60  # the final file, not a temporary name
    assert [s.name for s in bpy.data.sounds] == ["dialogue.wav"]
    assert sorted(p.name for p in work.iterdir()) == listing
    assert sorted(p.name for p in out.parent.iterdir()) == ["shot.blend", "shot.dualtalk", "shot.fbx"]


def test_a_first_run_that_fails_leaves_no_work_files(kit, capsys, monkeypatch):
    """The first run of a shot failed at the FBX export: no .blend, no FBX, yet OUT.dualtalk/ held
    a complete-looking A.npz, B.npz and dialogue.wav that no .blend used. Now nothing is left."""
    disk_full_on_fbx(monkeypatch)
    capsys.readouterr()
    assert main(animate(kit, "night1.wav")) == 74  # no room: a farm tries again (review rv42b F7)
    assert capsys.readouterr().err.startswith("error: could not write")
    assert not (kit / "out" / "shot.dualtalk").exists()
    assert sorted(p.relative_to(kit).as_posix() for p in (kit / "out").rglob("*")) == []


def test_a_job_shot_whose_new_render_fails_keeps_its_dialogue(tmp_path, capsys, monkeypatch):
    """An overnight job keys the TD's own motion files with the shot's recording. The recording was
    re-cut and a render added; the render node ran out of disk. The shot failed, yet its
    dialogue.wav was already the re-cut one, which the kept .blend then played. Now it is kept."""
    from dualtalk.dualtalk_blender.scene import render

    folder = job_folder(tmp_path)
    talk = voice(folder / "in" / "talk.wav", 140)
    shot = {"name": "cafe", "out": "out/cafe.blend", "audio": "in/talk.wav"}
    spec = {"defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob",
                         "motion_a": "in/A.npz", "motion_b": "in/B.npz"}, "shots": [shot]}  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec))
    job = ["animate", "--quiet", "--job", str(folder / "shots.json")]
    assert main(job) == 0, capsys.readouterr().err
    work = folder / "out" / "cafe.dualtalk"
    before = fingerprint(folder / "out" / "cafe.blend", work / "dialogue.wav")

    voice(talk, 300)  # the re-cut
    spec["shots"] = [{**shot, "render": "out/cafe_frames"}]
    (folder / "shots.json").write_text(json.dumps(spec))

    def disk_full(scene, output, **kw):
        raise DualTalkError(f"could not write {output}: No space left on device")

    monkeypatch.setattr(render, "render_shot", disk_full)
    capsys.readouterr()
    assert main(job) == 74  # its one failed shot found no room: the job is retried
    assert "error: shot cafe: could not write" in capsys.readouterr().err
    assert fingerprint(folder / "out" / "cafe.blend", work / "dialogue.wav") == before
    assert sorted(p.name for p in work.iterdir()) == [".dualtalk-work", "dialogue.wav"]


@pytest.fixture
def can_render_video():
    from dualtalk.dualtalk_blender.demo.preview import start_workbench_probe, workbench_available

    start_workbench_probe()
    if not workbench_available():
        pytest.skip("no OpenGL context for Workbench on this machine")
    if not shutil.which("ffmpeg"):
        pytest.skip("no ffmpeg to read the video's sound back")


def test_a_rerendered_video_carries_the_new_dialogue(tmp_path, capsys, can_render_video):
    """The video is rendered while the new dialogue.wav is still under its hidden name: the video
    must carry the new recording, not the earlier one still in the work folder."""
    folder = job_folder(tmp_path)
    video = folder / "out" / "shot.mp4"
    argv = ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
            str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "shot.blend"),
            "--render", str(video), "--resolution", "32x24"]  # fmt: skip
    for hz in (140, 440):
        recording = voice(folder / "in" / f"talk{hz}.wav", hz)
        assert main([*argv, "--audio", str(recording)]) == 0, capsys.readouterr().err
    sound = folder / "sound.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(video), "-ac", "1", "-ar", "16000", str(sound)], check=True
    )
    samples, sr = sf.read(str(sound))
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.argmax(spectrum) * sr / len(samples) == pytest.approx(440, abs=10)
