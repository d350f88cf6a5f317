"""A screen recording or phone video given as --audio: the refusal says what the file is and how to get its sound."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio import load_dialogue
from dualtalk.inference.core.errors import DualTalkError

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg to make the videos")


@pytest.fixture
def talk(tmp_path):
    t = np.arange(2 * 16000) / 16000
    x = np.stack(
        [0.3 * np.sin(2 * np.pi * 220 * t) * (t < 1), 0.3 * np.sin(2 * np.pi * 150 * t) * (t >= 1)], 1
    )
    sf.write(tmp_path / "talk.wav", x.astype(np.float32), 16000)
    return tmp_path / "talk.wav"


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args], check=True, timeout=120)


@pytest.mark.parametrize(
    ("name", "video", "words"),
    [
        ("call.mp4", True, "is an MP4/MOV/M4A file"),
        ("call.m4a", False, "is an MP4/MOV/M4A file"),
        ("call.mkv", True, "is a Matroska/WebM file"),
        ("call.aac", False, "is raw AAC audio"),
    ],
)
def test_a_video_or_aac_file_is_named_for_what_it_is(tmp_path, talk, name, video, words):
    """Before, every one of these got libsndfile's "Format not recognised." and a list of formats,
    which does not tell a user holding a video that the sound only needs extracting."""
    path = tmp_path / name
    if video:
        _ffmpeg(
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x64:rate=25",
            "-i",
            str(talk),
            "-t",
            "2",
            "-shortest",
            str(path),
        )
    else:
        _ffmpeg("-i", str(talk), str(path))
    with pytest.raises(DualTalkError) as err:
        load_dialogue(path)
    msg = str(err.value)
    assert msg.startswith(f"{name} {words}") and f"ffmpeg -i {name} -vn call.wav" in msg


def test_infer_on_a_video_without_sound_is_one_line(tmp_path, capsys):
    """A silent screen capture: one error line naming it as a video, exit 2, nothing written."""
    path = tmp_path / "screen.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=25", "-t", "1", str(path))
    out = tmp_path / "take"
    rc = main(["infer", "--quiet", "--audio", str(path), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error: screen.mp4 is an MP4/MOV/M4A file")
    assert not out.exists()
