"""Job files on Windows and macOS (simulated on Linux): one file under two names (a hard link; on
macOS and Windows a name differing only in letter case), and Windows' own backslash paths."""

from __future__ import annotations

import ntpath
import os
import sys
import types
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands import jobs
from dualtalk.inference.core.errors import DualTalkError

SHOT = {"blend": "Scene.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "Scene.blend").write_bytes(b"BLENDER-v500 the user's scene")
    (tmp_path / "talk.wav").write_bytes(b"RIFF")
    return tmp_path


def _parse(folder: Path, *outs: str) -> list[jobs.Shot]:
    shots = [{**SHOT, "name": f"s{i}", "out": out} for i, out in enumerate(outs, 1)]
    return jobs.parse_jobs({"shots": shots}, folder)


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_a_shot_writing_another_name_of_an_input_is_refused(folder):
    os.link(folder / "Scene.blend", folder / "scene.blend")  # what a case-insensitive disk shows
    with pytest.raises(DualTalkError) as err:
        _parse(folder, "scene.blend")
    assert str(err.value) == (
        f"shot 's1': out {folder / 'scene.blend'} would overwrite an input (the same file under another name)"
    )


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_two_shots_writing_one_existing_file_under_two_names_are_refused(folder):
    (folder / "a.blend").write_bytes(b"an earlier take")
    os.link(folder / "a.blend", folder / "b.blend")
    with pytest.raises(DualTalkError) as err:
        _parse(folder, "a.blend", "b.blend")
    assert str(err.value) == (
        f"job file: shots 's1' and 's2' both write {folder / 'b.blend'} ({folder / 'a.blend'}: the same "
        "file under another name)"
    )


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_on_macos_and_windows_names_differing_only_in_case_are_one_file(folder, monkeypatch, platform):
    monkeypatch.setattr(sys, "platform", platform)
    with pytest.raises(DualTalkError) as err:
        _parse(folder, "S1.blend", "s1.blend")
    assert str(err.value) == (
        f"job file: shots 's1' and 's2' both write {folder / 's1.blend'} and {folder / 'S1.blend'} (names "
        "differing only in letter case name one file here)"
    )
    with pytest.raises(DualTalkError) as err:
        _parse(folder, "scene.blend")
    assert str(err.value) == (
        f"shot 's1': out {folder / 'scene.blend'} would overwrite an input (names differing only in letter "
        "case name one file here)"
    )
    with pytest.raises(DualTalkError, match="writes .* inside .*, the out of shot 's1'"):
        _parse(folder, "Renders.blend", "renders.blend/x.blend")


def test_on_linux_names_differing_only_in_case_are_two_files(folder, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert [s.out.name for s in _parse(folder, "S1.blend", "s1.blend", "scene.blend")] == [
        "S1.blend",
        "s1.blend",
        "scene.blend",
    ]


@pytest.fixture
def windows(monkeypatch):
    nt = types.SimpleNamespace(name="nt", fsencode=os.fsencode, path=ntpath)
    monkeypatch.setattr(jobs, "os", nt)


@pytest.mark.parametrize(
    ("value", "output"),
    [
        (r"C:\shots\s1\talk.wav", False),
        (r"\\nas\share\s1\talk.wav", False),
        (r"renders\s1.blend", True),
        (r"renders/s1\take.blend", True),
        ("C:/shots/s1/talk.wav", False),
    ],
)
def test_on_windows_native_paths_load_as_written(windows, value, output):
    assert str(jobs._relative_ok(value, "shot 's1'.audio", allow_absolute=not output)) == value


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (r"%OUT%\s1.blend", "'%OUT%' is not expanded"),
        (r"renders\$SHOT\s1.blend", "'$SHOT' is not expanded"),
        (r"~\s1.blend", "'~' is not expanded"),
        (r"renders\..\s1.blend", "'..' is not allowed"),
        (r"C:\out\s1.blend", "outputs must be relative"),
    ],
)
def test_on_windows_what_nothing_expands_is_still_refused(windows, value, problem):
    with pytest.raises(DualTalkError, match=problem.replace("$", r"\$").replace(".", r"\.")):
        jobs._relative_ok(value, "shot 's1'.out", allow_absolute=False)


@pytest.mark.skipif(os.name == "nt", reason="POSIX rule")
def test_off_windows_a_backslash_is_still_refused():
    with pytest.raises(DualTalkError, match="a backslash is not a folder separator"):
        jobs._relative_ok(r"renders\s1.blend", "shot 's1'.out", allow_absolute=False)
