"""What a pipeline TD's headless runs leave on the timeline and say about what they ignore.

* Re-keying a shot from existing motion files without ``--audio`` used to leave the earlier take's
  "DualTalk dialogue" strip playing under the new take (another recording, another length). Our
  strip now goes with the take it belonged to, the result line says so, and the TD's own sound
  strips stay.
* ``--fbx-scope`` without ``--fbx`` wrote no FBX without a word (``--resolution`` without
  ``--render`` warns); now it warns the same way, in a job file too.
* The up-front check that a take fits before Blender's last frame counted frames its own way
  (``ceil(seconds * fps)``), a frame off the keying's count at 60 fps: a 1.92 s line that fits was
  refused, and a 1.95 s line that does not fit ran the engine before the keying refused it.
* A result line holding a file name that is not UTF-8 crashed the command after its work was done.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.rig.options import MAX_FRAME
from robustness_util import assert_refused, run_cli, snapshot
from test_audit_jobs import job_folder, run_job
from test_blender_animate import build_scene, motions, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]
LITE = ["--engine", "lite", "--device", "cpu"]


def sound_strips(path: Path) -> list[tuple[str, int, int]]:
    bpy.ops.wm.open_mainfile(filepath=str(path))
    se = bpy.context.scene.sequence_editor
    strips = se.strips_all if se is not None else []
    return sorted((s.name, s.frame_final_start, s.frame_final_end) for s in strips if s.type == "SOUND")


def test_keying_motion_files_without_audio_removes_the_earlier_takes_sound_strip(tmp_path, capsys):
    scene = build_scene(tmp_path / "in.blend")
    music = tmp_path / "music.wav"
    sf.write(str(music), np.zeros((16000, 2), np.float32), 16000)
    bpy.context.scene.sequence_editor_create().strips.new_sound("Music", str(music), 3, 1)  # the TD's own
    bpy.ops.wm.save_as_mainfile(filepath=str(scene))
    take = tmp_path / "take.blend"
    audio = two_voices(tmp_path / "talk.wav", seconds=3.0)
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take),
                                    *CHARS, *LITE])  # fmt: skip
    assert code == 0, err
    assert sound_strips(take) == [("DualTalk dialogue", 1, 76), ("Music", 1, 26)]
    # Another version of the shot's motion, 40 frames, made elsewhere without its audio.
    a, b = motions(tmp_path)
    keyed = tmp_path / "keyed.blend"
    code, err, out = run_cli(capsys, ["animate", "--blend", str(take), "--motion-a", str(a), "--motion-b", str(b),
                                      "--out", str(keyed), *CHARS])  # fmt: skip
    assert code == 0, err
    assert "40 frames at 25 fps" in out
    assert "; removed the earlier take's sound strip (give --audio to place this take's sound)" in out, out
    assert sound_strips(keyed) == [("Music", 1, 26)]


def test_fbx_scope_without_fbx_is_said_to_be_ignored(tmp_path, capsys):
    folder = job_folder(tmp_path)
    motion = ["--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz")]
    argv = ["animate", "--blend", str(folder / "in" / "scene.blend"), *motion, "--out", str(folder / "x.blend"),
            "--fbx-scope", "face", *CHARS]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert code == 0 and err == ["warning: --fbx-scope applies only with --fbx; ignored"], err
    assert not list(folder.glob("*.fbx"))
    spec = {
        "defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                     "motion_b": "in/B.npz", "fbx_scope": "face"},
        "shots": [{"name": "wide", "out": "out/wide.blend", "fbx": "out/wide.fbx"},
                  {"name": "close", "out": "out/close.blend"}],
    }  # fmt: skip
    capsys.readouterr()
    assert run_job(folder, spec) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        "warning: shot 'close': fbx_scope applies only with fbx; ignored"
    ], err
    assert (folder / "out" / "wide.fbx").is_file() and not (folder / "out" / "close.fbx").exists()


def _line(path: Path, samples: int) -> Path:
    """A stereo line of exactly ``samples`` 16 kHz samples: A speaks, then B."""
    t = np.arange(samples) / 16000
    voice = (0.3 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 4 * t))).astype(np.float32)
    half = samples // 2
    sf.write(
        str(path), np.stack([np.where(t < t[half], voice, 0), np.where(t < t[half], 0, voice)], 1), 16000
    )
    return path


def test_the_frames_a_take_needs_are_counted_once_the_way_keying_counts_them(tmp_path, capsys, monkeypatch):
    from dualtalk.inference import pipeline

    scene = build_scene(tmp_path / "in.blend")
    bpy.context.scene.render.fps = 60
    bpy.ops.wm.save_as_mainfile(filepath=str(scene))
    runs = []
    real_run = pipeline.run
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: runs.append(1) or real_run(*a, **k))
    # 1.92 s = 48 frames at 25 fps = 115 frames at 60 fps: it ends on Blender's last frame
    fits = _line(tmp_path / "fits.wav", 30720)
    out = tmp_path / "fits.blend"
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--audio", str(fits), "--out", str(out),
                                    "--start-frame", str(MAX_FRAME - 114), *CHARS, *LITE])  # fmt: skip
    assert code == 0, err
    bpy.ops.wm.open_mainfile(filepath=str(out))
    assert (bpy.context.scene.frame_start, bpy.context.scene.frame_end) == (MAX_FRAME - 114, MAX_FRAME)
    # 1.95 s = 49 frames at 25 fps = 118 at 60 fps: one past the last frame, refused before the engine runs
    runs.clear()
    late = _line(tmp_path / "late.wav", 31200)
    out = tmp_path / "late"
    code, err, _ = run_cli(capsys, ["animate", "--blend", str(scene), "--audio", str(late),
                                    "--out", str(out / "late.blend"), "--start-frame", str(MAX_FRAME - 116),
                                    *CHARS, *LITE])  # fmt: skip
    assert_refused(code, err, f"the take would span frames {MAX_FRAME - 116:,}-{MAX_FRAME + 1:,}")
    assert runs == [] and snapshot(out) == {}


@pytest.mark.skipif(
    sys.platform != "linux", reason="a file name that is not UTF-8 needs a byte-named file system"
)
def test_a_result_naming_a_folder_that_is_not_utf8_is_printed_escaped(tmp_path):
    """The checkpoint goes into the studio's share, whose folder name came from an old Latin-1
    machine (byte 0xff). The download was done; printing where it went crashed (internal error)."""
    folder = os.fsencode(tmp_path) + b"/models_\xff"
    os.mkdir(folder)
    target = folder + b"/DualTalk.pth"
    with open(target, "wb") as fh:
        fh.write(b"weights")
    digest = hashlib.sha256(b"weights").hexdigest()
    result = subprocess.run(
        [sys.executable, "-m", "dualtalk", "download", "--out", target, "--sha256", digest],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout.splitlines() == [
        os.fsencode(tmp_path) + b"/models_\\udcff/DualTalk.pth",
        b"sha256 " + digest.encode(),
    ]
