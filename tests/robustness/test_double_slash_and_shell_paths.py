"""A path on the command line that Blender or the shell would read otherwise (review rv36a G5, G3).

A TD's script builds ``"$ROOT/renders"`` with ``ROOT=/`` and hands animate ``//work/shots/renders``:
POSIX reads that as ``/work/shots/renders``, Blender as "beside the open .blend". The run checked
one place and Blender wrote the other: a segfault with a video, 100 frames under the input's
folder, a frames render reported done with no frame where asked. Now each output lands where the
one-slash path puts it; a Blender user's ``//renders/frames`` (meaning beside the .blend) is refused
in one line instead of making a folder at the file system's root. A literal ``$HOME/x`` (a launcher
that does not expand it) is refused as job files refuse it, instead of making a folder named ``$HOME``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, save_filmed_pair, snapshot, two_voices

pytestmark = pytest.mark.skipif(os.name == "nt", reason="'//server/share' is a Windows share there")

BLEND_HABIT = "'//' means beside the .blend only inside Blender"


@pytest.fixture
def kit(tmp_path) -> Path:
    """A user's project: in/scene.blend (Ann, Bob, a camera), in/talk.wav, and motion files in/A.npz,
    in/B.npz (25 frames)."""
    (tmp_path / "in").mkdir()
    save_filmed_pair(tmp_path / "in" / "scene.blend")
    sf.write(tmp_path / "in" / "talk.wav", two_voices(1.0), 16000)
    speak = np.arange(25) < 12
    for role, sp in (("A", speak), ("B", ~speak)):
        v = np.random.default_rng(4).uniform(0, 0.8, (25, 55)).astype(np.float32)
        save_motion(tmp_path / "in" / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return tmp_path


def _animate(kit: Path, *outputs: str, audio: bool = False) -> list[str]:
    """animate on the kit's scene, from its motion files (or, with ``audio``, its recording)."""
    inputs = kit / "in"
    given = ["--audio", str(inputs / "talk.wav")] if audio else []
    given = given or ["--motion-a", str(inputs / "A.npz"), "--motion-b", str(inputs / "B.npz")]
    return [
        "animate",
        "--quiet",
        "--blend",
        str(inputs / "scene.blend"),
        "--char-a",
        "Ann",
        "--char-b",
        "Bob",
        *given,
        "--resolution",
        "16x16",
        *outputs,
    ]


def _refused_line(capsys, argv: list[str], needle: str) -> str:
    """The one ``error:`` line (exit 2) of a command refused as its flags are read (argparse exits)."""
    try:
        code, err, _ = run_cli(capsys, argv)
    except SystemExit as stop:
        code = stop.code
        err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    return assert_refused(code, err, needle)


def _two_slashes(path: Path) -> str:
    """``path`` (absolute) as ``"$ROOT/..."`` with ``ROOT=/`` writes it."""
    return "/" + str(path)


@pytest.fixture
def nowhere():
    """A first folder the file system's root does not have (``//renders``: a Blender user's "beside
    the .blend"); removed after if a run made it there (as root, the build before made it)."""
    name = f"dualtalk_renders_{uuid.uuid4().hex[:8]}"
    assert not os.path.lexists("/" + name)
    yield name
    if os.path.isdir("/" + name):
        import shutil

        shutil.rmtree("/" + name)


def test_every_animate_output_given_with_two_slashes_lands_where_one_slash_puts_it(kit, capsys):
    """The .blend, the FBX, the frames and the work folder, each as ``//abs/...``: all written under
    out/ (the frames in the frames folder, not in a hidden folder under in/; the take's sound strip
    found, not "audio file not found: .../in/work/..."), nothing under in/."""
    out = kit / "out"
    inputs = snapshot(kit / "in")
    argv = _animate(
        kit, "--out", _two_slashes(out / "s.blend"), "--fbx", _two_slashes(out / "s.fbx"), audio=True
    )
    argv += ["--render", _two_slashes(out / "frames"), "--work", _two_slashes(out / "work")]
    code, err, stdout = run_cli(capsys, argv)
    assert code == 0, err
    assert (out / "s.blend").is_file() and (out / "s.fbx").stat().st_size > 0
    frames = sorted(p.name for p in (out / "frames").iterdir() if p.name.startswith("frame_"))
    assert len(frames) == 25, sorted(p.name for p in (out / "frames").iterdir())
    assert (out / "work" / "A.npz").is_file()
    assert snapshot(kit / "in") == inputs  # nothing written beside the input .blend
    assert f"wrote {out / 's.blend'}, {out / 's.fbx'}, {out / 'frames'}: 25 frames" in stdout


def test_a_video_given_with_two_slashes_is_written_there_not_a_crash(kit):
    """``--render //abs/v.mp4``: Blender rendered the frames beside the input .blend and then died
    (exit 139, no line at all). Run as a farm runs it, in its own process."""
    out = kit / "out"
    inputs = snapshot(kit / "in")
    argv = _animate(kit, "--out", str(out / "s.blend"), "--render", _two_slashes(out / "v.mp4"))
    proc = subprocess.run(
        [sys.executable, "-m", "dualtalk", *argv], capture_output=True, text=True, timeout=600, cwd=kit
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "v.mp4").stat().st_size > 0
    # no hidden stage left: the shot's record of what it wrote only
    assert sorted(p.name for p in out.iterdir()) == [".s.blend.dualtalk-done", "s.blend", "v.mp4"]
    assert snapshot(kit / "in") == inputs


@pytest.mark.parametrize("flag", ["--out", "--render", "--fbx", "--work"])
def test_a_blender_users_double_slash_output_is_refused_in_one_line(kit, capsys, nowhere, flag):
    """``--render //renders/frames`` meant "beside the .blend": it made a folder at the file system's
    root (as root) holding only a record, the frames went to a hidden folder beside the input, and
    the render was reported done. Now one line says what ``//`` means where, and nothing is written."""
    given = {"--out": f"//{nowhere}/s.blend", "--render": f"//{nowhere}/frames"}
    given |= {"--fbx": f"//{nowhere}/s.fbx", "--work": f"//{nowhere}/work"}
    outputs = ["--out", str(kit / "out" / "s.blend")] if flag != "--out" else []
    inputs = snapshot(kit / "in")
    line = _refused_line(capsys, _animate(kit, *outputs, flag, given[flag]), BLEND_HABIT)
    assert f"argument {flag}: '{given[flag]}'" in line
    assert (
        f"relative to the current folder ({given[flag][2:]}) or an absolute one (/{given[flag][2:]})" in line
    )
    assert not os.path.lexists("/" + nowhere) and not (kit / "out").exists()
    assert snapshot(kit / "in") == inputs


@pytest.mark.parametrize("command", ["infer", "demo"])
def test_infer_and_demo_read_a_double_slash_out_the_same_way(kit, capsys, nowhere, command):
    """``demo --out //abs`` said "audio file not found: work/..." (a path nobody gave); the habit is
    refused by every command in the same words, before any work."""
    audio = ["--audio", str(kit / "in" / "talk.wav")] if command == "infer" else []
    line = _refused_line(capsys, [command, *audio, "--out", f"//{nowhere}/take"], BLEND_HABIT)
    assert f"argument --out: '//{nowhere}/take'" in line
    assert not os.path.lexists("/" + nowhere)


@pytest.mark.parametrize(
    ("command", "flag", "given", "word"),
    [
        ("infer", "--out", "$HOME/dt_take", "$HOME"),
        ("infer", "--audio", "${SHOTS}/talk.wav", "${SHOTS}"),
        ("animate", "--out", "$HOME/dt/s.blend", "$HOME"),
        ("animate", "--render", "renders/${SHOT}/frames", "${SHOT}"),
        ("demo", "--out", "%USERPROFILE%\\demo", "%USERPROFILE%"),
    ],
)
def test_an_unexpanded_variable_in_a_command_line_path_is_refused_as_job_files_refuse_it(
    kit, capsys, monkeypatch, command, flag, given, word
):
    """``infer --out '$HOME/dt_take'`` (a launcher passing it unexpanded) wrote the take into a folder
    named ``$HOME`` in the current folder, which a later ``rm -rf $HOME/...`` takes as the real home."""
    monkeypatch.chdir(kit)
    before = snapshot(kit)
    argv = {
        "infer": ["infer", "--audio", str(kit / "in" / "talk.wav"), "--out", "take"],
        "animate": _animate(kit, "--out", "out/s.blend", "--render", "out/frames"),
        "demo": ["demo", "--out", "demo"],
    }[command]
    argv[argv.index(flag) + 1] = given
    line = _refused_line(capsys, argv, f"'{word}' is not expanded; give the real path")
    assert line.startswith(f"error: argument {flag}: ")
    assert snapshot(kit) == before and sorted(p.name for p in kit.iterdir()) == ["in"]


def test_a_job_file_reads_double_slash_inputs_as_the_command_line_does(kit, nowhere):
    """A job's ``"audio": "//abs/talk.wav"`` is the one-slash file (a map given so was read beside the
    .blend by the scene side); a ``//maps/hero.json`` habit is refused naming the shot's field."""
    shot = {"name": "s1", "blend": _two_slashes(kit / "in" / "scene.blend"), "char_a": "Ann"}
    shot |= {"char_b": "Bob", "audio": _two_slashes(kit / "in" / "talk.wav"), "out": "out/s1.blend"}
    (parsed,) = parse_jobs({"shots": [shot]}, kit)
    assert str(parsed.audio) == str(kit / "in" / "talk.wav")
    assert str(parsed.blend) == str(kit / "in" / "scene.blend")
    habit = {**shot, "map": f"//{nowhere}/hero.json"}
    with pytest.raises(DualTalkError) as refused:
        parse_jobs({"shots": [habit]}, kit)
    line = str(refused.value)
    assert line.startswith("shot 's1'.map: ") and BLEND_HABIT in line
    assert f"relative to the job file's folder ({nowhere}/hero.json)" in line and "\n" not in line
