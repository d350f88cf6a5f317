"""A TD renders a stereo shot whose two views go side by side: ``animate --render shot.mp4
--resolution 17x16`` writes a 34x16 video, an even picture H.264 takes. It was refused before the
scene was open, as if the video were 17x16 (session 37's closing note). Now a size is refused only
where the picture actually written is odd: judged with the scene open, per view as its stereo layout
lays them out, still before the engine; a job shot alike."""

from __future__ import annotations

import json

import bpy
import pytest
from dualtalk.dualtalk_blender.commands import batch
from dualtalk.dualtalk_blender.scene.render import blender_has_ffmpeg
from dualtalk.inference.core.media_check import video_problem
from robustness_util import run_cli
from test_blender_animate import build_scene, motions

needs_a_video_writer = pytest.mark.skipif(not blender_has_ffmpeg(), reason="this Blender has no FFmpeg")


def _stereo_scene(path, mode):
    build_scene(path)
    bpy.ops.wm.open_mainfile(filepath=str(path))
    r = bpy.context.scene.render
    r.use_multiview, r.views_format = True, "STEREO_3D"
    r.image_settings.views_format = "STEREO_3D"
    r.image_settings.stereo_3d_format.display_mode = mode
    bpy.ops.wm.save_mainfile()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    return path


def _shot(tmp_path, mode):
    scene = _stereo_scene(tmp_path / "in.blend", mode)
    a, b = motions(tmp_path, frames=4)
    return scene, [
        "--motion-a",
        str(a),
        "--motion-b",
        str(b),
        "--char-a",
        "Ann",
        "--char-b",
        "Bob",
        "--quiet",
    ]


@needs_a_video_writer
def test_an_odd_width_whose_two_views_side_by_side_make_an_even_video_renders(tmp_path, capsys):
    scene, given = _shot(tmp_path, "SIDEBYSIDE")
    video = tmp_path / "shot.mp4"
    argv = ["animate", "--blend", str(scene), "--out", str(tmp_path / "shot.blend"), "--render", str(video),
            "--resolution", "17x16", *given]  # fmt: skip
    code, err, _out = run_cli(capsys, argv)

    assert code == 0, err
    assert video_problem(video) is None
    assert tuple(bpy.data.images.load(str(video)).size) == (34, 16)


def test_the_same_size_with_its_views_one_above_the_other_is_refused_before_any_work(tmp_path, capsys):
    """Top and bottom, 17x16 is a 17x32 video: odd, refused in one line before the shot is keyed."""
    scene, given = _shot(tmp_path, "TOPBOTTOM")
    argv = ["animate", "--blend", str(scene), "--out", str(tmp_path / "shot.blend"),
            "--render", str(tmp_path / "shot.mp4"), "--resolution", "17x16", *given]  # fmt: skip
    code, err, _out = run_cli(capsys, argv)

    assert code == 2
    assert err[-1].startswith(
        f"error: could not render {tmp_path / 'shot.mp4'}: the render is 17x32 (--resolution 17x16, its two "
        "views top and bottom): a .mp4 video (H.264) needs an even width and height"
    ), err
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(("shot", ".shot"))]


def test_a_job_shot_side_by_side_at_17x16_is_not_refused_when_the_job_loads(tmp_path, capsys):
    """The job's check of ``"resolution": "17x16"`` waits for the scene too; its odd twin in a scene
    of one view is still refused before the first shot runs (test_animate_odd_video_size_...)."""
    _stereo_scene(tmp_path / "in.blend", "SIDEBYSIDE")
    motions(tmp_path, frames=4)
    shot = {"name": "s1", "blend": "in.blend", "motion_a": "A.npz", "motion_b": "B.npz", "char_a": "Ann",
            "char_b": "Bob", "out": "s1.blend", "render": "s1/", "resolution": "17x16"}  # fmt: skip
    (tmp_path / "job.json").write_text(json.dumps({"shots": [shot]}), encoding="utf-8")
    code, err, _out = run_cli(capsys, ["animate", "--job", str(tmp_path / "job.json"), "--quiet"])
    assert code == 0, err  # a frames folder: any size

    shot["render"] = "s1.mp4"
    (tmp_path / "job.json").write_text(json.dumps({"shots": [shot]}), encoding="utf-8")
    code, err, _out = run_cli(capsys, ["animate", "--job", str(tmp_path / "job.json"), "--quiet"])
    assert not any("17x16" in line for line in err), err
    if blender_has_ffmpeg():
        assert code == 0, err
        assert tuple(bpy.data.images.load(str(tmp_path / "s1.mp4")).size) == (34, 16)


def test_a_job_shots_odd_size_in_a_scene_of_one_view_is_refused_before_the_first_shot(
    tmp_path, capsys, monkeypatch
):
    """Shot s2's ``"resolution": "320x181"`` waits for its scene, which is opened up front for it
    (its .blend alone): a scene of one view makes it a 320x181 video, refused before s1 runs; s1
    still runs, exit 2."""
    build_scene(tmp_path / "in.blend")
    motions(tmp_path, frames=4)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    keyed = {"blend": "in.blend", "motion_a": "A.npz", "motion_b": "B.npz", "char_a": "Ann", "char_b": "Bob"}
    shots = [{"name": "s1", "out": "s1.blend"}, {"name": "s2", "out": "s2.blend", "render": "s2.mp4",
                                                  "resolution": "320x181"}]  # fmt: skip
    (tmp_path / "job.json").write_text(json.dumps({"defaults": keyed, "shots": shots}), encoding="utf-8")
    said_before: list[str] = []
    real = batch.run_shot

    def run_shot(shot, *args, **kwargs):
        said_before.extend(capsys.readouterr().err.splitlines())
        return real(shot, *args, **kwargs)

    monkeypatch.setattr(batch, "run_shot", run_shot)
    code, _err, out = run_cli(capsys, ["animate", "--job", str(tmp_path / "job.json"), "--quiet"])

    assert code == 2
    assert [line for line in said_before if line.startswith("error:")] == [
        f'error: shot s2: could not render {tmp_path / "s2.mp4"}: "resolution" "320x181": a .mp4 video '
        '(H.264) needs an even width and height; give "320x180" or "320x182", or render a folder of frames '
        "(any size)"
    ]
    assert (tmp_path / "s1.blend").exists() and not (tmp_path / "s2.blend").exists()
