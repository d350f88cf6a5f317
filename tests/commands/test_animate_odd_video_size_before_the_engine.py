"""A TD renders a shot's video at a size H.264 cannot hold (``--resolution 320x181``, a scene of
1920x1080 at 33 %). The run used to render every frame and then fail as an internal error (review
rv36b R8); the render stage alone refused it later (fix36 evensz). Now ``animate`` refuses it before
the engine runs: one line, exit 2, no work folder and no frame written."""

from __future__ import annotations

import json

import bpy
import pytest
from dualtalk.inference import pipeline
from robustness_util import run_cli
from test_blender_animate import build_scene, two_voices


@pytest.fixture(autouse=True)
def no_audio_read(monkeypatch):
    """The refusal comes before the recording is read for the engine."""

    def read(*_args, **_kwargs):
        raise AssertionError("the recording was read for the engine before the size was refused")

    monkeypatch.setattr(pipeline, "load_dialogue", read)


CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]


def test_an_odd_resolution_for_a_video_is_refused_before_the_engine(tmp_path, capsys):
    scene, audio = build_scene(tmp_path / "in.blend"), two_voices(tmp_path / "talk.wav", seconds=2.0)
    argv = ["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(tmp_path / "shot.blend"),
            "--render", str(tmp_path / "shot.mp4"), "--resolution", "320x181", *CHARS]  # fmt: skip
    code, err, _out = run_cli(capsys, argv)

    assert code == 2
    assert err[-1].startswith("error: --resolution 320x181: a .mp4 video (H.264) needs an even"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.blend", "talk.wav"]  # no shot.dualtalk/


def test_a_scenes_own_odd_size_is_refused_before_the_engine(tmp_path, capsys):
    scene_file = build_scene(tmp_path / "in.blend")
    bpy.ops.wm.open_mainfile(filepath=str(scene_file))
    bpy.context.scene.render.resolution_x, bpy.context.scene.render.resolution_y = 1920, 1080
    bpy.context.scene.render.resolution_percentage = 33
    bpy.ops.wm.save_mainfile()
    audio = two_voices(tmp_path / "talk.wav", seconds=2.0)
    argv = ["animate", "--blend", str(scene_file), "--audio", str(audio), "--out", str(tmp_path / "shot.blend"),
            "--render", str(tmp_path / "shot.mp4"), *CHARS]  # fmt: skip
    code, err, _out = run_cli(capsys, argv)

    assert code == 2
    assert "632x356 or 634x356" in err[-1]
    assert not (tmp_path / "shot.dualtalk").exists() and not (tmp_path / "shot.mp4").exists()


def test_a_job_with_an_odd_video_size_is_refused_before_its_first_shot(tmp_path, capsys):
    """Refused when the job loaded until the stereo fix (session 38): a size one view cannot be is
    judged with the shot's scene open (its views side by side may make it even), still before any
    shot runs, as the shot's own line."""
    scene, audio = build_scene(tmp_path / "in.blend"), two_voices(tmp_path / "talk.wav", seconds=2.0)
    job = tmp_path / "job.json"
    shot = {"name": "s1", "blend": "in.blend", "audio": "talk.wav", "char_a": "Ann", "char_b": "Bob",
            "out": "s1.blend", "render": "s1.mp4", "resolution": "320x181"}  # fmt: skip
    job.write_text(json.dumps({"shots": [shot]}), encoding="utf-8")
    del scene, audio
    code, err, _out = run_cli(capsys, ["animate", "--job", str(job), "--quiet"])

    assert code == 2
    assert err[-2].startswith(f"error: shot s1: could not render {tmp_path / 's1.mp4'}: "), err
    assert err[-2].endswith('give "320x180" or "320x182", or render a folder of frames (any size)'), err
    assert not (tmp_path / "s1.dualtalk").exists()
