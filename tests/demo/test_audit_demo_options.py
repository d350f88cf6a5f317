"""A first-time user's odd demo runs: a relative --out, bad weights, no voices, silly counts.

Each refusal is one ``error:`` line with exit 2 and leaves no folder behind; a demo written to
a relative folder still plays its voices after the folder is moved.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

bpy = pytest.importorskip("bpy")

from test_demo import _demo  # noqa: E402  (the demo as a user runs it: a subprocess)


def _refused(proc: subprocess.CompletedProcess, *words: str) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert lines and lines[-1].startswith("error:") and all(w in lines[-1] for w in words), lines[-1:]
    assert sum(ln.startswith("error:") for ln in lines) == 1


def test_a_demo_in_a_relative_folder_still_finds_its_voices_after_the_folder_moves(tmp_path):
    # The README's own command: `python -m dualtalk demo --out demo_out`, from wherever the user is.
    proc = _demo("--out", "demo_out", "--seconds", "1", "--preview", "none", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    moved = tmp_path / "shared" / "for_a_friend"
    moved.parent.mkdir()
    shutil.move(str(tmp_path / "demo_out"), str(moved))

    bpy.ops.wm.open_mainfile(filepath=str(moved / "demo.blend"))
    sounds = list(bpy.data.sounds)
    assert sounds, "the demo scene has no sound"
    for sound in sounds:
        assert sound.filepath.startswith("//"), sound.filepath  # stored next to the .blend
        assert Path(bpy.path.abspath(sound.filepath)) == moved / "dialogue.wav"

    # Running again into that folder without the FBX: the old demo.fbx stays, and is named as old.
    proc = _demo("--out", str(moved), "--seconds", "1", "--preview", "none", "--no-fbx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (moved / "demo.fbx").is_file()
    note = [ln for ln in proc.stdout.splitlines() if "demo.fbx" in ln]
    assert note and "earlier run" in note[0]


@pytest.mark.parametrize("weights", ["missing.pt", "garbage.pt"])
def test_weights_that_cannot_load_are_refused_before_the_output_folder_is_made(tmp_path, weights):
    (tmp_path / "garbage.pt").write_bytes(b"not a weights file")
    out = tmp_path / "out"
    proc = _demo("--out", str(out), "--seconds", "1", "--checkpoint", str(tmp_path / weights), cwd=tmp_path)
    _refused(proc, weights)
    assert not out.exists(), sorted(p.name for p in out.iterdir())


def test_no_text_to_speech_with_dialogue_tts_is_refused_before_anything_is_written(
    tmp_path, monkeypatch, capsys
):
    from dualtalk.cli import main
    from dualtalk.inference.audio import tts

    monkeypatch.setattr(tts, "available_engines", lambda: [])  # a machine without espeak-ng or flite
    out = tmp_path / "out"
    rc = main(["demo", "--out", str(out), "--dialogue", "tts", "--seconds", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("error:") and "espeak-ng" in err[-1]
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--frames", "100000"), ("--frames", "100000")),  # was a 7-minute render and a 107 MB PNG
        (("--frames", "-3"), ("--frames",)),
        (("--seconds", "nan"), ("--seconds",)),
        (("--seconds", "abc"), ("--seconds",)),
    ],
)
def test_silly_counts_get_one_line_and_no_folder(tmp_path, args, words):
    out = tmp_path / "out"
    _refused(_demo("--out", str(out), *args, cwd=tmp_path), *words)
    assert not out.exists()


def test_an_empty_out_is_refused_instead_of_filling_the_current_folder(tmp_path):
    (tmp_path / "my_notes.txt").write_text("mine")
    _refused(_demo("--out", "", "--seconds", "1", cwd=tmp_path), "--out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_notes.txt"]


def test_the_summary_on_stdout_shows_no_blender_chatter_or_temporary_names(tmp_path):
    # e.g. `python -m dualtalk demo --out d > summary.txt`: Blender's "Info: Saved copy as
    # ".demo.xxxx.part.blend"" used to land there, naming a file that no longer exists.
    proc = _demo(
        "--out", str(tmp_path / "d"), "--seconds", "1", "--preview", "none", "--no-fbx", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.lstrip().startswith("DualTalk demo written to"), proc.stdout[:300]
    assert ".part" not in proc.stdout and "Info:" not in proc.stdout


@pytest.mark.parametrize("out", ["/proc/dualtalk_demo", "/sys/dualtalk_demo"])
def test_a_folder_where_no_file_can_be_made_is_refused_before_the_voices_are_made(out, monkeypatch, capsys):
    """As root, the permission bits say /proc and /sys are writable; the demo used to voice the
    whole script and load the engine before failing to make the folder. Now the first check finds it."""
    from dualtalk.cli import main
    from dualtalk.dualtalk_blender.demo import demo_dialogue

    voiced: list = []
    monkeypatch.setattr(demo_dialogue, "load_conversation", lambda *a: voiced.append(a))
    rc = main(["demo", "--out", out, "--seconds", "1", "--preview", "none"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("error:") and out in err[-1], err[-3:]
    assert sum(ln.startswith("error:") for ln in err) == 1
    assert not voiced
