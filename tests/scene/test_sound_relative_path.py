"""A farm renders on a worker's scratch disk and copies each shot folder to shared storage
(notes/audit_batch.md, finding 6). The .blend stored an absolute path to its ``dialogue.wav``
(``OUT.dualtalk/`` beside it), so the copy played and rendered no dialogue, without a word. The
sound is now stored ``//``-relative when it lies in the .blend's folder, Blender's own convention:
the copied folder plays its own copy of the dialogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, save_motion


def scene_and_motions(folder: Path) -> tuple[Path, Path, Path]:
    """The test scene (two characters) and a 40-frame take's motion files, in ``folder``."""
    folder.mkdir(parents=True)
    br.reset()
    bpy.context.scene.render.fps = 25
    br.make_character("Ann")
    br.make_character("Bob", location=(1.0, 0.0, 0.0))
    scene = folder / "scene.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(scene))
    rng = np.random.default_rng(0)
    speak = np.arange(40) < 20
    paths = []
    for role, sp in (("A", speak), ("B", ~speak)):
        values = rng.uniform(0, 1, (40, 55)).astype(np.float32)
        paths.append(save_motion(folder / f"{role}.npz", Motion("arkit55", values, speaking=sp, role=role)))
    return scene, paths[0], paths[1]


def recording(path: Path) -> Path:
    t = np.arange(int(1.6 * 16000)) / 16000
    tone = (0.3 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    sf.write(path, np.stack([np.where(t < 0.8, tone, 0), np.where(t < 0.8, 0, tone)], axis=1), 16000)
    return path


def animate(tmp_path: Path, out: Path, *extra: str) -> None:
    scene, a, b = scene_and_motions(tmp_path / "in")
    talk = recording(tmp_path / "in" / "talk.wav")
    rc = main(["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--audio", str(talk), "--out", str(out), *extra])  # fmt: skip
    assert rc == 0


def dialogue_sound(blend: Path) -> tuple[str, Path, int]:
    """The stored path of the .blend's dialogue sound, the file it resolves to, and its strip's length."""
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    (strip,) = [s for s in bpy.context.scene.sequence_editor.strips_all if s.get("dualtalk")]
    return strip.sound.filepath, Path(bpy.path.abspath(strip.sound.filepath)), strip.frame_final_duration


def test_a_shot_folder_copied_elsewhere_plays_its_own_dialogue(tmp_path):
    shots = tmp_path / "scratch" / "shots"
    animate(tmp_path, shots / "s01.blend")
    stored, played, frames = dialogue_sound(shots / "s01.blend")
    assert stored == "//s01.dualtalk/dialogue.wav"
    assert played == shots / "s01.dualtalk" / "dialogue.wav" and frames == 40

    # the farm copies the folder to shared storage and clears its scratch disk
    shared = tmp_path / "shared" / "show" / "shots"
    shutil.copytree(shots, shared)
    shutil.rmtree(tmp_path / "scratch")
    stored, played, frames = dialogue_sound(shared / "s01.blend")
    assert played == shared / "s01.dualtalk" / "dialogue.wav" and played.is_file()
    assert sf.info(str(played)).duration * 25 == frames  # the whole recording, under the whole strip


def test_a_work_folder_outside_the_blends_folder_stays_absolute(tmp_path):
    """``--work`` elsewhere: a relative path would break as soon as one of the two folders moved
    without the other, so the path stays as it was."""
    work = tmp_path / "cache" / "s01"
    animate(tmp_path, tmp_path / "shots" / "s01.blend", "--work", str(work))
    stored, played, _frames = dialogue_sound(tmp_path / "shots" / "s01.blend")
    assert stored == str(work / "dialogue.wav") and played.is_file()


def test_an_out_that_is_a_link_to_a_file_elsewhere_stays_absolute(tmp_path):
    """The .blend is written beside the file the link points to, but ``//`` is read from the folder
    it is opened from (the link's): a relative path there would name a file that is not there."""
    real = tmp_path / "store" / "s01.blend"
    real.parent.mkdir()
    real.write_bytes(b"")  # the link's target, replaced by the run
    link = tmp_path / "shots" / "s01.blend"
    link.parent.mkdir()
    link.symlink_to(real)
    animate(tmp_path, link)
    stored, played, _frames = dialogue_sound(link)
    assert stored == str(tmp_path / "shots" / "s01.dualtalk" / "dialogue.wav") and played.is_file()
