"""Issue 14, group 7: messages that pointed the user the wrong way.

Each case feeds the input a user really had and checks the one ``error:`` (or
``warning:``) line names the actual problem and its fix, exit 2, nothing written and
every input byte-identical.
"""

from __future__ import annotations

import os
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from robustness_util import StandInEngine, assert_refused, run_cli, sha256s, snapshot, two_voices


@pytest.fixture
def no_engine(monkeypatch):
    """Refusals happen before any engine work; a stand-in keeps these cases free of weights."""
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())


@pytest.fixture
def mix(tmp_path) -> Path:
    path = tmp_path / "mix.wav"
    sf.write(path, two_voices(2.0).sum(axis=1), 16000)
    return path


def _infer(capsys, *argv: str, out: Path) -> tuple[int, list[str], str]:
    return run_cli(capsys, ["infer", "--quiet", *argv, "--out", str(out)])


def test_utf16_subtitles_are_named_as_such_with_the_fix(tmp_path, capsys, no_engine, mix):
    """Windows tools save subtitles as UTF-16; they were called "binary". With a byte-order mark
    they are read (review 33x; tests/audio/test_turns_from_every_editor.py); without one, refused."""
    srt = tmp_path / "talk.srt"
    text = "1\n00:00:00,100 --> 00:00:00,900\nAna: hi\n\n2\n00:00:01,100 --> 00:00:01,900\nBen: hello\n"
    srt.write_bytes(text.encode("utf-16-le"))
    before = sha256s(mix, srt)
    out = tmp_path / "out"
    code, err, stdout = _infer(capsys, "--audio", str(mix), "--turns", str(srt), out=out)
    line = assert_refused(code, err, "UTF-16")
    assert "talk.srt" in line and "save it as UTF-8" in line and "binary" not in line
    assert stdout == "" and snapshot(out) == {} and sha256s(mix, srt) == before


def test_a_19_mb_number_is_not_echoed_whole(tmp_path, capsys, no_engine, mix):
    turns = tmp_path / "t.txt"
    turns.write_text("9" * 19_000_000 + "x\t1.0\tAna\n")
    out = tmp_path / "out"
    code, err, _ = _infer(capsys, "--audio", str(mix), "--turns", str(turns), out=out)
    line = assert_refused(code, err, "t.txt line 1")
    assert len(line) < 500 and "characters cut" in line
    assert snapshot(out) == {}


def test_a_pipe_is_called_a_pipe_not_empty(tmp_path, capsys, no_engine, mix):
    """``--audio <(sox ...)`` hands us /dev/fd/63, a pipe of size 0: it was "63 is empty"."""
    r, w = os.pipe()
    try:
        out = tmp_path / "out"
        code, err, _ = _infer(capsys, "--audio", f"/dev/fd/{r}", out=out)
        line = assert_refused(code, err, "is a pipe")
        assert "save it to a file first" in line and "empty" not in line
        fifo = tmp_path / "turns.fifo"
        os.mkfifo(fifo)
        code, err, _ = _infer(capsys, "--audio", str(mix), "--turns", str(fifo), out=out)
        assert "turns.fifo" in assert_refused(code, err, "is a pipe")
        assert snapshot(out) == {}
    finally:
        os.close(r)
        os.close(w)


def test_a_symlink_loop_is_called_a_loop_not_missing(tmp_path, capsys, no_engine, mix):
    loop = tmp_path / "take.wav"
    loop.symlink_to(tmp_path / "take.wav")
    broken = tmp_path / "gone.wav"
    broken.symlink_to(tmp_path / "moved_away.wav")
    out = tmp_path / "out"
    code, err, _ = _infer(capsys, "--audio", str(loop), out=out)
    assert "take.wav" in assert_refused(code, err, "symbolic link loop")
    code, err, _ = _infer(capsys, "--audio", str(broken), out=out)
    assert "moved_away.wav" in assert_refused(code, err, "broken link")
    code, err, _ = _infer(capsys, "--audio", str(mix), "--turns", str(loop), out=out)
    assert_refused(code, err, "symbolic link loop")
    assert snapshot(out) == {}


def test_the_package_log_warnings_carry_the_warning_prefix(tmp_path, capsys):
    """An audio-loader warning ("B's audio is silent") was printed bare, like output."""
    from addon_helpers import write_tiny_lite

    x = two_voices(2.0)
    x[:, 1] = 0.0
    audio = tmp_path / "one_voice.wav"
    sf.write(audio, x, 16000)
    lite = write_tiny_lite(tmp_path / "lite.pt")
    code, err, stdout = _infer(capsys, "--audio", str(audio), "--engine", "lite", "--checkpoint", str(lite),
                               out=tmp_path / "out")  # fmt: skip
    assert code == 0, err
    assert err == ["warning: speaker B's audio is silent; B only listens"], err
    assert stdout.startswith("wrote ")


# --- scenes --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scene_kit(tmp_path_factory) -> Path:
    """scene.blend with Bob (local) and Ava linked from lib/library.blend, which is then deleted;
    a map folder; motion files for both."""
    from dualtalk.inference.core.motion import Motion, save_motion

    root = tmp_path_factory.mktemp("scenes")
    (root / "lib").mkdir()
    br.reset()
    br.make_character("Ava")
    bpy.ops.wm.save_as_mainfile(filepath=str(root / "lib" / "library.blend"))
    br.reset()
    bpy.context.scene.render.fps = 25
    br.make_character("Bob")
    br.make_character("Cid", location=(2.0, 0.0, 0.0))
    with bpy.data.libraries.load(str(root / "lib" / "library.blend"), link=True) as (_src, dst):
        dst.objects = ["Ava"]
    for obj in dst.objects:
        bpy.context.scene.collection.objects.link(obj)
    bpy.ops.wm.save_as_mainfile(filepath=str(root / "scene.blend"))
    (root / "lib" / "library.blend").unlink()
    speak = np.arange(30) < 15
    for role, sp in (("A", speak), ("B", ~speak)):
        v = np.random.default_rng(2).uniform(0, 0.8, (30, 55)).astype(np.float32)
        save_motion(root / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    (root / "maps").mkdir()
    return root


def _animate(capsys, kit: Path, out: Path, char_a: str, *extra: str) -> tuple[int, list[str]]:
    argv = ["animate", "--quiet", "--blend", str(kit / "scene.blend"), "--char-a", char_a, "--char-b", "Bob",
            "--motion-a", str(kit / "A.npz"), "--motion-b", str(kit / "B.npz"), "--out", str(out / "shot.blend"),
            *extra]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    return code, err


def test_a_character_from_a_missing_library_says_the_library_is_missing(scene_kit, tmp_path, capsys):
    """It read "'Ava' is a empty": Blender's placeholder for linked data it could not load."""
    inputs = [scene_kit / "scene.blend", scene_kit / "A.npz", scene_kit / "B.npz"]
    before = sha256s(*inputs)
    out = tmp_path / "out"
    code, err = _animate(capsys, scene_kit, out, "Ava")
    line = assert_refused(code, err, "which is missing")
    assert "'Ava' is linked from" in line and "library.blend" in line and "a empty" not in line
    assert snapshot(out) == {} and sha256s(*inputs) == before


def test_a_folder_given_as_a_map_is_called_a_folder(scene_kit, tmp_path, capsys):
    out = tmp_path / "out"
    for option in ("--map", "--flame-map"):
        code, err = _animate(capsys, scene_kit, out, "Cid", option, str(scene_kit / "maps"))
        line = assert_refused(code, err, "is a directory")
        assert "not found" not in line, (option, line)
        assert snapshot(out) == {}


def test_a_blender_backup_blend1_is_opened_like_any_blend(scene_kit, tmp_path, capsys):
    """``scene.blend1`` (Blender's previous save) was "not an existing .blend file"; it is one."""
    import shutil

    backup = tmp_path / "scene.blend1"
    shutil.copyfile(scene_kit / "scene.blend", backup)
    before = sha256s(backup)
    out = tmp_path / "out"
    argv = ["animate", "--quiet", "--blend", str(backup), "--char-a", "Cid", "--char-b", "Bob",
            "--motion-a", str(scene_kit / "A.npz"), "--motion-b", str(scene_kit / "B.npz"),
            "--out", str(out / "shot.blend")]  # fmt: skip
    code, err, stdout = run_cli(capsys, argv)
    assert code == 0, err
    assert (out / "shot.blend").is_file() and sha256s(backup) == before
