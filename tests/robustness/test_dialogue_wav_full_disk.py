"""The disk fills while ``animate`` writes its work folder's ``dialogue.wav`` (the largest work file,
1.9 MB a minute), or while ``demo`` writes its stereo dialogue: libsndfile reports only "System
error.", which came out as ``internal error (LibsndfileError: System error.)``, exit 1 -- a farm
reads that as a product bug. Now it is the disk's own error in one line, exit 74 (no room), as for the other
work files, and the earlier set stays whole (review 29a, finding 3)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core import fileio
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import assert_refused, run_cli, write_stereo
from test_outputs_links_and_full_disk import small_disk  # noqa: F401  (a real 8 MiB tmpfs)

PAGE = 4096


def _pages(n: int) -> int:
    return -(-n // PAGE) * PAGE


def _fill_to(disk: Path, free: int) -> None:
    """Leave about ``free`` bytes free on ``disk``."""
    st = os.statvfs(disk)
    with open(disk / "filler.bin", "wb") as fh:
        fh.write(b"\1" * max(0, st.f_bavail * st.f_frsize - free))


def _argv(kit: Path, audio: Path, out: Path, work: Path) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--audio", str(audio), "--engine", "lite", "--device", "cpu",
            "--out", str(out), "--work", str(work)]  # fmt: skip


def test_a_disk_that_fills_while_the_dialogue_mix_is_written_says_so_and_keeps_the_set(
    kit,
    small_disk,  # noqa: F811
    tmp_path,
    capsys,
):
    """The review's night: the shot's work folder lives on a volume that fills up before the re-run
    writes dialogue.wav (the new motion files still fit)."""
    audio = write_stereo(tmp_path / "talk.wav", 8.0)
    out, work = tmp_path / "shot.blend", small_disk / "shot.dualtalk"
    code, err, _ = run_cli(capsys, _argv(kit, audio, out, work))
    assert code == 0, err
    earlier = {p.name: sha256_file(p) for p in (out, work / "A.npz", work / "B.npz", work / "dialogue.wav")}
    motion = _pages((work / "A.npz").stat().st_size) + _pages((work / "B.npz").stat().st_size)
    _fill_to(small_disk, motion + 8 * PAGE + (work / "dialogue.wav").stat().st_size // 2)

    code, err, _ = run_cli(capsys, _argv(kit, audio, out, work))

    line = assert_refused(code, err, "no space left on device", exit_code=74)
    assert f"could not write {work / 'dialogue.wav'}: No space left on device" in line, line
    now = {p.name: sha256_file(p) for p in (out, work / "A.npz", work / "B.npz", work / "dialogue.wav")}
    assert now == earlier
    assert sorted(p.name for p in work.iterdir() if not p.name.startswith(".dualtalk")) == [
        "A.npz", "B.npz", "dialogue.wav"
    ]  # fmt: skip


def test_a_full_disk_while_demo_writes_its_dialogue_is_one_line(full_disk):
    from dualtalk.dualtalk_blender.demo.demo_dialogue import write_stereo as demo_write

    voice = np.full(16000, 0.1, np.float32)
    conv = SimpleNamespace(a=voice, b=voice)
    with pytest.raises(DualTalkError) as info:
        demo_write(full_disk / "demo.wav", conv)  # type: ignore[arg-type]
    assert str(info.value) == f"could not write {full_disk / 'demo.wav'}: No space left on device"
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler.bin"]


def _libsndfile_fails_half_way(monkeypatch) -> None:
    """Where no tmpfs can be mounted: libsndfile writes part of the file, then fails as it does on a
    full disk ("System error."), and a test write of the file's size gets ENOSPC."""
    real_write = sf.write

    def write_then_full(target, data, *args, **kwargs):
        real_write(target, data[: len(data) // 2], *args, **kwargs)
        raise sf.LibsndfileError(2, "Error writing: ")  # code 2: SF_ERR_SYSTEM, "System error."

    monkeypatch.setattr(sf, "write", write_then_full)
    monkeypatch.setattr(fileio, "disk_trouble", lambda folder, size=0: os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("writer", ["animate", "demo"])
def test_a_dialogue_write_cut_off_by_a_full_disk_simulated(tmp_path, monkeypatch, writer):
    from dualtalk.dualtalk_blender.commands.shot_run import write_mix
    from dualtalk.dualtalk_blender.demo.demo_dialogue import write_stereo as demo_write

    path = tmp_path / "dialogue.wav"
    path.write_bytes(b"the earlier take's mix")
    voice = np.full(16000, 0.1, np.float32)
    _libsndfile_fails_half_way(monkeypatch)
    with pytest.raises(DualTalkError) as info:
        if writer == "animate":
            write_mix(SimpleNamespace(a=voice, b=voice), path)
        else:
            demo_write(path, SimpleNamespace(a=voice, b=voice))  # type: ignore[arg-type]
    assert str(info.value) == f"could not write {path}: No space left on device"
    assert path.read_bytes() == b"the earlier take's mix"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dialogue.wav"]
