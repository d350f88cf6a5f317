"""A farm's render layout: each shot's folder (``/proj/renders/shot010/``) is made by the pipeline and
writable by the artist, the project folder above it is not. The render writes only inside the shot's
folder, but since renders hold their output's lock (a file beside the output), it was refused:
"cannot lock .../shot010: Permission denied (.../.shot010.dualtalk-lock)", nothing rendered (it
rendered before the lock came). Now such a folder's render takes its lock inside the folder; a second
render of it still stops in one line, and a killed render's lock file there is no stranger's file."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.scene.render import INSIDE_LOCK, RECORD, render_lock, render_shot
from dualtalk.inference.core.errors import DualTalkError
from no_write_folder import takes_no_file
from test_render_killed_run import _scene


@pytest.fixture
def shot_folder(tmp_path):
    project = tmp_path / "renders"
    shot = project / "shot010"
    shot.mkdir(parents=True)
    with takes_no_file(project):
        yield shot


def test_a_shot_folder_under_a_folder_the_artist_may_not_write_renders(shot_folder):
    scene = _scene()
    got = render_shot(scene, shot_folder, resolution=(16, 16))  # before: cannot lock ...: not permitted
    assert got == shot_folder
    assert sorted(p.name for p in shot_folder.iterdir()) == [
        RECORD,  # what the render put there (.dualtalk-render.frames): its frames, no lock
        "frame_0001.png",
        "frame_0002.png",
        "frame_0003.png",
    ]
    assert sorted(p.name for p in shot_folder.parent.iterdir()) == ["shot010"]


def test_a_second_render_of_that_folder_stops_in_one_line(shot_folder):
    scene = _scene()
    with render_lock(shot_folder):  # a render of it running (its lock inside the folder)
        assert (shot_folder / INSIDE_LOCK).is_file()
        with pytest.raises(DualTalkError, match=r"^another DualTalk run is writing .*shot010"):
            render_shot(scene, shot_folder, resolution=(16, 16))
    assert not (shot_folder / INSIDE_LOCK).exists()


def test_the_lock_file_a_killed_render_left_there_is_no_strangers_file(shot_folder):
    (shot_folder / INSIDE_LOCK).write_text("pid 4242 on farm-07, since 2026-12-06T03:00:00Z\n")  # SIGKILLed
    render_shot(_scene(), shot_folder, resolution=(16, 16))
    assert sorted(p.name for p in shot_folder.iterdir()) == [
        RECORD,  # what the render put there (.dualtalk-render.frames): its frames, no lock
        "frame_0001.png",
        "frame_0002.png",
        "frame_0003.png",
    ]


def test_a_folder_whose_parent_takes_files_keeps_its_lock_beside_it(tmp_path):
    shot = tmp_path / "shot020"
    shot.mkdir()
    with render_lock(shot):
        assert (tmp_path / ".shot020.dualtalk-lock").is_file() and not (shot / INSIDE_LOCK).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shot020"]
