"""Names and text a pipeline hands us: file names that are not UTF-8, names with a tab or a
right-to-left override, a transcript that is a pipe, a motion with no frames, a mono mix of
hours, a full disk under a new ``--out`` folder.

A file name is bytes on Linux: ``$'out/\\xff.blend'`` (an old Latin-1 archive) is a legal file
that Blender writes, so it must work. Names that Blender stores (take, characters) and the shot
names that name files must be text: those are refused in one line naming the option. Each case
runs the real CLI entry and checks its exit status, its one ``error:`` line and that nothing
else was written (audit "hostile and unlucky input files", sections 3b, 5 and 6).
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import StandInEngine, assert_refused, run_cli, sha256s, snapshot, sparse_wav, two_voices

XFF = os.fsdecode(b"\xff")  # how Python hands a program the byte 0xff of an argument or file name


def _animate(kit: Path, out: Path, *extra: str, motion_a: Path | None = None) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(motion_a or kit / "in" / "A.npz"),
            "--motion-b", str(kit / "in" / "B.npz"), "--out", str(out), *extra]  # fmt: skip


def _inputs(kit: Path) -> dict[str, str]:
    return sha256s(kit / "in" / "scene.blend", kit / "in" / "A.npz", kit / "in" / "B.npz")


def _take_of(blend: Path) -> set[str]:
    """The take names the saved .blend's actions record."""
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    return {json.loads(a["dualtalk"])["take"] for a in bpy.data.actions if "dualtalk" in a}


# --- file names are bytes: they work --------------------------------------------------------


def test_an_out_file_named_in_latin1_is_written_with_its_fbx(kit, tmp_path, capsys):
    """The TD's archive folder came from an old Latin-1 file server: ``--out $'take_\\xff.blend'``.
    Blender writes such a .blend and FBX; the run crashed (exit 1) deriving the take name."""
    before = _inputs(kit)
    out, fbx = tmp_path / f"take_{XFF}.blend", tmp_path / f"take_{XFF}.fbx"
    code, err, stdout = run_cli(capsys, _animate(kit, out, "--fbx", str(fbx)))
    assert code == 0, err
    assert err == []
    assert sorted(os.listdir(os.fsencode(tmp_path))) == [
        b".take_\xff.blend.dualtalk-done",  # the record of what it wrote, named by the same bytes
        b"take_\xff.blend",
        b"take_\xff.fbx",
    ]
    lines = stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wrote ") and "take_\\xff.blend" in lines[0]
    assert _take_of(out) == {"take__"}  # the byte becomes "_": a Blender name must be text
    assert _inputs(kit) == before


@pytest.mark.parametrize("odd", ["\t", "\n"], ids=["tab", "newline"])
def test_an_out_file_name_with_a_tab_or_newline_is_animated_and_reported_on_one_line(
    kit, tmp_path, capsys, odd
):
    """A name pasted from a spreadsheet kept its tab. No --take was given, yet the run said
    "take name must be 1-40 printable bytes": the take is named after the file, and now a
    control character in it becomes "_" instead."""
    out = tmp_path / f"shot{odd}1.blend"
    code, err, stdout = run_cli(capsys, _animate(kit, out))
    assert code == 0, err
    assert err == [] and out.is_file()
    lines = stdout.splitlines()
    assert len(lines) == 1 and f"shot{repr(odd)[1:-1]}1.blend" in lines[0]  # shown escaped
    assert _take_of(out) == {"shot_1"}


def test_an_audio_take_whose_work_folder_is_not_utf8_is_refused_before_any_work(kit, tmp_path, capsys):
    """Blender's sound strips take only UTF-8 paths, and the .blend's strip plays OUT.dualtalk/
    dialogue.wav: refused up front, saying so, instead of an internal error."""
    audio = tmp_path / "dialogue.wav"
    sf.write(audio, two_voices(1.0), 16000)
    out = tmp_path / "out" / f"{XFF}.blend"
    argv = ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--audio", str(audio), "--out", str(out)]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    line = assert_refused(code, err, "sound strips take only UTF-8 paths")
    assert "\\xff.dualtalk/dialogue.wav" in line and "--work" in line
    assert not (tmp_path / "out").exists()


# --- names Blender stores must be text: refused naming the option ----------------------------


@pytest.mark.parametrize(
    ("flag", "value", "needle"),
    [
        ("--take", XFF, "--take '\\xff' is not valid Unicode text"),
        ("--char-a", XFF, "--char-a '\\xff' is not valid Unicode text"),
        ("--char-b", f"Bob{XFF}", "--char-b 'Bob\\xff' is not valid Unicode text"),
    ],
)
def test_a_take_or_character_name_that_is_not_utf8_is_one_line_naming_the_option(
    kit, tmp_path, capsys, flag, value, needle
):
    """A shell script passed a Latin-1 name on: the run died inside Blender (SystemError) or in
    an encoder (UnicodeEncodeError), exit 1."""
    argv = _animate(kit, tmp_path / "out" / "shot.blend")
    if flag == "--take":
        argv += ["--take", value]
    else:
        argv[argv.index(flag) + 1] = value
    before = _inputs(kit)
    code, err, _ = run_cli(capsys, argv)
    assert_refused(code, err, needle)
    assert not (tmp_path / "out").exists() and _inputs(kit) == before


def test_a_take_with_a_tab_names_the_option_it_came_from(kit, tmp_path, capsys):
    code, err, _ = run_cli(capsys, _animate(kit, tmp_path / "out" / "shot.blend", "--take", "a\tb"))
    assert_refused(code, err, "--take (the take's name) must be 1-40 printable bytes, got 'a\\tb'")
    assert not (tmp_path / "out").exists()


def _job(kit: Path, folder: Path, **shot: object) -> Path:
    spec = {
        "version": 1,
        "defaults": {"fbx": True},
        "shots": [{"name": "s1", "blend": str(kit / "in" / "scene.blend"), "char_a": "Ann", "char_b": "Bob",
                   "motion_a": str(kit / "in" / "A.npz"), "motion_b": str(kit / "in" / "B.npz"),
                   "out": "o/s1.blend", **shot}],
    }  # fmt: skip
    job = folder / "job.json"
    job.write_text(json.dumps(spec))  # a lone surrogate is written as the JSON escape "\ud800"
    return job


@pytest.mark.parametrize(
    ("shot", "needle"),
    [
        ({"take": "\ud800x"}, "shot 's1'.take: '\\ud800x' is not valid Unicode text"),
        ({"char_a": "\ud800"}, "shot 's1'.char_a: '\\ud800' is not valid Unicode text"),
        ({"name": "s\ud800"}, "shots[0].name: 's\\ud800' holds a surrogate U+D800"),
        ({"out": "o/\ud800.blend"}, "shot 's1'.out: path 'o/\\ud800.blend' is not valid Unicode text"),
    ],
    ids=["take", "char_a", "name", "out"],
)
def test_a_job_file_with_a_lone_surrogate_is_refused_before_any_shot_runs(
    kit, tmp_path, capsys, shot, needle
):
    """A job file generated by a tool that cut a UTF-16 string in half: ``"take": "\\ud800x"``.
    Each shot failed with an internal error; now the file is refused in one line naming the key."""
    job = _job(kit, tmp_path, **shot)
    before = snapshot(tmp_path)
    code, err, stdout = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
    assert_refused(code, err, needle)
    assert stdout == "" and snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("a\u202egnp.exe", "format character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("take\u200b1", "format character U+200B (ZERO WIDTH SPACE)"),
        ("take\u20281", "line break U+2028"),
    ],
    ids=["rtl-override", "zero-width-space", "line-separator"],
)
def test_a_shot_name_that_would_disguise_its_files_is_refused(kit, tmp_path, capsys, name, needle):
    """``"name": "a\\u202egnp.exe"`` with ``"fbx": true`` wrote a file listed as "axbf.exe.png"
    reversed: a right-to-left override turned the name around. Format characters are refused like
    control characters, and the message shows the character escaped, not applied."""
    job = _job(kit, tmp_path, name=name)
    before = snapshot(tmp_path)
    code, err, stdout = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
    line = assert_refused(code, err, needle)
    assert line.startswith("error: shots[0].name: ") and "\u202e" not in line
    assert stdout == "" and snapshot(tmp_path) == before


# --- messages that pointed the wrong way ---------------------------------------------------


@pytest.fixture
def no_engine(monkeypatch):
    """Refusals happen before any engine work; a stand-in keeps these cases free of weights."""
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())


@pytest.fixture
def stereo(tmp_path) -> Path:
    path = tmp_path / "talk.wav"
    sf.write(path, two_voices(2.0), 16000)
    return path


def test_a_transcript_that_is_a_pipe_or_a_link_loop_is_called_so(tmp_path, capsys, no_engine, stereo):
    """``--transcript <(grep ...)`` and a link loop left by a sync tool were both "transcript
    not found" though the path exists. The transcript reader now asks check_input_file first."""
    fifo = tmp_path / "script.txt"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    out = tmp_path / "out"
    cases = [(fifo, "is a pipe"), (loop, "is a symbolic link loop")]
    for given, needle in cases:
        code, err, stdout = run_cli(
            capsys,
            ["infer", "--quiet", "--audio", str(stereo), "--transcript", str(given), "--out", str(out)],
        )
        line = assert_refused(code, err, needle)
        assert given.name in line and "not found" not in line
        assert stdout == "" and not out.exists()


def test_a_motion_file_with_no_frames_is_named(kit, tmp_path, capsys):
    """Two takes were keyed from a folder of motion files; the one that had no frames was not
    named ("the motion has no frames"), so the TD had to bisect the folder."""
    empty = tmp_path / "shot12_A.npz"
    save_motion(empty, Motion("arkit55", np.zeros((0, 55), np.float32), role="A"))
    out = tmp_path / "out" / "shot.blend"
    code, err, _ = run_cli(capsys, _animate(kit, out, motion_a=empty))
    assert_refused(code, err, "shot12_A.npz: the motion has no frames")
    assert not (tmp_path / "out").exists()


# --- work a refusal does not need, and a folder a failed run made ---------------------------


def test_a_long_mono_mix_is_refused_from_its_header_before_decoding(tmp_path, capsys, monkeypatch, no_engine):
    """A 3 h mono meeting recording without turns was decoded whole (9-16 s, 1.7 GB) only to be
    told it is a mono mix. The header's channel count is enough: nothing is decoded."""
    from dualtalk.inference.audio import dialogue, loader

    meeting = sparse_wav(tmp_path / "meeting.wav", 3 * 3600, 8000, channels=1)
    decoded: list[object] = []

    def decoder(*args, **kwargs):
        decoded.append(args)
        raise AssertionError("the recording was decoded")

    monkeypatch.setattr(dialogue, "read_channels", decoder)
    monkeypatch.setattr(loader, "_read_resampled", decoder)
    out = tmp_path / "out"
    code, err, _ = run_cli(capsys, ["infer", "--quiet", "--audio", str(meeting), "--out", str(out)])
    line = assert_refused(code, err, "meeting.wav is a mono mix: say who speaks when with --turns")
    assert "--diarize" in line
    assert decoded == [] and not out.exists()


@pytest.fixture
def tiny_lite(tmp_path) -> Path:
    from addon_helpers import write_tiny_lite

    return write_tiny_lite(tmp_path / "lite.pt")


def _infer_lite(capsys, audio: Path, lite: Path, out: Path) -> tuple[int, list[str], str]:
    return run_cli(capsys, ["infer", "--quiet", "--audio", str(audio), "--engine", "lite",
                            "--checkpoint", str(lite), "--out", str(out)])  # fmt: skip


def test_a_new_out_folder_is_removed_when_the_disk_fills_but_an_existing_one_is_kept(
    tmp_path, capsys, monkeypatch, stereo, tiny_lite
):
    """``infer --out takes/scene4/shot2`` on a full disk said "No space left on device" and left
    the empty folders it had made; the next ``ls`` showed a take that was never written. The
    folders this run made go again; a folder that was there (with the user's notes) stays."""
    from dualtalk.inference.core import motion as motion_mod

    def full(motion):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(motion_mod, "motion_archive", full)
    code, err, stdout = _infer_lite(capsys, stereo, tiny_lite, tmp_path / "takes" / "scene4" / "shot2")
    assert_refused(code, err, "No space left on device", exit_code=74)
    assert stdout == "" and not (tmp_path / "takes").exists()

    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("retake on Monday\n")
    code, err, _ = _infer_lite(capsys, stereo, tiny_lite, kept / "new")
    assert_refused(code, err, "No space left on device", exit_code=74)
    assert sorted(p.name for p in kept.iterdir()) == ["notes.txt"]
    code, err, _ = _infer_lite(capsys, stereo, tiny_lite, kept)
    assert_refused(code, err, "No space left on device", exit_code=74)
    assert sorted(p.name for p in kept.iterdir()) == ["notes.txt"]


def test_a_new_out_folder_on_a_real_full_disk_is_not_left_behind(capsys, stereo, tiny_lite, full_disk):
    code, err, _ = _infer_lite(capsys, stereo, tiny_lite, full_disk / "take2")
    assert_refused(code, err, "No space left on device", exit_code=74)
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler.bin"]


def test_a_shot_named_in_persian_or_with_an_emoji_keeps_its_zero_width_joiners():
    """The zero-width non-joiner and joiner are format characters too, but words need them: Persian
    "می‌خواهم" is spelt with one, a family emoji with several. They cannot reorder what is shown."""
    from dualtalk.dualtalk_blender.commands import jobs

    assert jobs._shot_name_problem("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") is None
    assert jobs._shot_name_problem("scene \U0001f469\u200d\U0001f4bb") is None
    assert "U+202E" in (jobs._shot_name_problem("a\u202egnp.exe") or "")
