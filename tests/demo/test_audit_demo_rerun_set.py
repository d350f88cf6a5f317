"""A user runs the demo again into the folder of an earlier run, and stops it part-way.

The demo wrote its files one after another in place: Ctrl-C in the .blend save left the old
demo.blend playing the new dialogue.wav, in the FBX export a new .blend beside the old .fbx, in the
preview an old preview.png beside a new scene. Every file now goes to a hidden name first and all
are renamed into place together, so a stopped or failed re-run leaves the earlier set byte for
byte, and a re-run that finishes replaces all of it, its .blend playing the dialogue.wav beside it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

bpy = pytest.importorskip("bpy")
sf = pytest.importorskip("soundfile")

from dualtalk.dualtalk_blender.demo.cmd_demo import DEMO_FILES  # noqa: E402
from dualtalk.inference.core.outputs import WORK_MARKER  # noqa: E402
from test_demo import _demo, _weights_args  # noqa: E402  (the demo as a user runs it)

FIRST = ("--seconds", "1", "--preview", "both", "--frames", "1")  # every file the demo writes
AGAIN = ("--seconds", "2", "--preview", "both", "--frames", "1")  # other content in every file

# Each stop is a real signal the child sends itself from inside the step (the CLI's handler decides),
# or a failure there; "after" steps have written their staged file when it arrives.
_STOPS = {
    "save": (
        "from dualtalk.dualtalk_blender.scene import blendio as mod",
        "save_copy_checked",
        "real(*args, **kwargs); os.kill(os.getpid(), signal.SIGINT)",
    ),
    "fbx export": (
        "import bpy; import io_scene_fbx.export_fbx_bin as mod",
        "save_single",
        "os.kill(os.getpid(), signal.SIGTERM); return real(*args, **kwargs)",
    ),
    "contact sheet": (
        "from dualtalk.dualtalk_blender.demo import preview as mod",
        "_save_rgba_png",
        "real(*args, **kwargs); os.kill(os.getpid(), signal.SIGINT)",
    ),
    "video": (
        "from dualtalk.dualtalk_blender.demo import preview as mod",
        "render_video",
        "out = real(*args, **kwargs); os.kill(os.getpid(), signal.SIGTERM); return out",
    ),
    "video fails": (
        "from dualtalk.dualtalk_blender.demo import preview as mod",
        "render_video",
        "raise DualTalkError('this Blender build has no FFmpeg; use the contact sheet preview')",
    ),
}
_EXPECT = {  # exit status and the one error line
    "save": (130, "error: interrupted"),
    "fbx export": (143, "error: terminated (SIGTERM)"),
    "contact sheet": (130, "error: interrupted"),
    "video": (143, "error: terminated (SIGTERM)"),
    "video fails": (2, "error: this Blender build has no FFmpeg; use the contact sheet preview"),
}


def _stopped_demo(stop: str, out: Path, weights: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``python -m dualtalk demo`` in a child whose ``stop`` step is interrupted (or fails)."""
    setup, name, body = _STOPS[stop]
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from dualtalk.inference.core.errors import DualTalkError
        {setup}
        real = mod.{name}
        def stop(*args, **kwargs):
            {body}
        mod.{name} = stop
        from dualtalk.cli import main
        sys.exit(main(sys.argv[1:]))
        """
    )
    argv = ["demo", "--out", str(out), *AGAIN, *weights]
    return subprocess.run(
        [sys.executable, "-c", script, *argv], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _sha256s(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (hidden ones too) by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, list[str]]:
    """One finished demo (every file, preview video included), shared; each test works on a copy."""
    root = tmp_path_factory.mktemp("demo_first")
    weights = _weights_args(root)
    out = root / "demo_out"
    proc = _demo("--out", str(out), *FIRST, *weights, cwd=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(_sha256s(out)) == sorted([*DEMO_FILES, WORK_MARKER])
    return out, weights


def _copy_of(first: Path, tmp_path: Path) -> Path:
    out = tmp_path / "demo_out"
    shutil.copytree(first, out)
    return out


@pytest.mark.parametrize("stop", list(_STOPS))
def test_a_rerun_stopped_part_way_leaves_the_earlier_demo_whole(first_run, tmp_path, stop):
    first, weights = first_run
    out = _copy_of(first, tmp_path)
    before = _sha256s(out)
    proc = _stopped_demo(stop, out, weights, tmp_path)
    code, line = _EXPECT[stop]
    assert proc.returncode == code, proc.stderr[-3000:]
    assert proc.stderr.strip().splitlines()[-1] == line
    after = _sha256s(out)
    assert after == before, f"changed: {sorted(n for n in after if after[n] != before.get(n))}"


def test_a_first_run_stopped_part_way_leaves_no_folder(first_run, tmp_path):
    _, weights = first_run
    out = tmp_path / "demo_out"
    proc = _stopped_demo("fbx export", out, weights, tmp_path)
    assert proc.returncode == 143, proc.stderr[-3000:]
    assert not out.exists(), sorted(p.name for p in out.iterdir())  # no half set, no hidden files


def test_a_rerun_that_finishes_replaces_every_file_and_the_scene_plays_the_new_dialogue(first_run, tmp_path):
    first, weights = first_run
    out = _copy_of(first, tmp_path)
    before = _sha256s(out)
    proc = _demo("--out", str(out), *AGAIN, *weights, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = _sha256s(out)
    assert sorted(after) == sorted(before), "no hidden file left, nothing missing"
    assert [n for n in DEMO_FILES if after[n] == before[n]] == [], "every file is the new run's"
    # the summary and the progress name the user's files, never a hidden staged one
    assert f"DualTalk demo written to {out}" in proc.stdout
    assert all(n in proc.stdout for n in DEMO_FILES)
    assert ".part" not in proc.stdout + proc.stderr

    audio, rate = sf.read(str(out / "dialogue.wav"))
    assert len(audio) / rate == pytest.approx(2.0, abs=0.05)
    bpy.ops.wm.open_mainfile(filepath=str(out / "demo.blend"))
    (sound,) = bpy.data.sounds
    assert sound.filepath == "//dialogue.wav" and sound.name == "dialogue.wav"
    assert Path(bpy.path.abspath(sound.filepath)) == out / "dialogue.wav"
    assert bpy.context.scene.frame_end == 50  # keyed for the new 2 s dialogue it plays
