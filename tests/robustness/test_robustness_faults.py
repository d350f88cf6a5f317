"""Robustness matrix, faults: the disk fills up, a run is cancelled at any stage, two runs
race for the same folder. Outputs appear whole or not at all; no temp file is left behind."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import blender_rigs as br
import numpy as np
import pytest
from addon_helpers import write_tiny_lite
from dualtalk.dualtalk_blender.scene.blendio import blend_is_complete
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from robustness_util import assert_refused, run_cli, snapshot, write_stereo


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """scene.blend with Ann and Bob, their motion files, a stereo take and tiny lite weights."""
    root = tmp_path_factory.mktemp("faults")
    br.save_pair(root / "scene.blend")
    rng = np.random.default_rng(0)
    speak = np.arange(40) < 20
    for role, sp in (("A", speak), ("B", ~speak)):
        v = rng.uniform(0, 0.8, (40, 55)).astype(np.float32)
        v[:, 52:] = 0.02
        save_motion(root / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    write_stereo(root / "talk.wav", 2.0)
    write_tiny_lite(root / "lite.pt")
    return root


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler.bin")


def _animate_argv(kit: Path, out: Path, *extra: str) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(kit / "A.npz"), "--motion-b", str(kit / "B.npz"), "--out", str(out), *extra]  # fmt: skip


def test_a_full_disk_never_leaves_a_half_written_blend(kit, full_disk, capsys):
    """Blender's compressed writer says "Saved" on a full disk; we check the file and refuse it."""
    code, err, _ = run_cli(
        capsys, _animate_argv(kit, full_disk / "shot.blend", "--work", str(kit / "work_blend"))
    )
    assert_refused(code, err, "could not write", exit_code=74)
    assert _leftovers(full_disk) == []


def test_a_full_disk_never_leaves_a_half_written_fbx(kit, full_disk, tmp_path, capsys):
    code, err, _ = run_cli(
        capsys, _animate_argv(kit, tmp_path / "shot.blend", "--fbx", str(full_disk / "shot.fbx"))
    )
    assert_refused(code, err, "could not write", exit_code=74)
    assert _leftovers(full_disk) == []


def test_a_full_disk_never_leaves_a_half_written_motion_file(kit, full_disk, capsys):
    out = full_disk / "take"
    code, err, _ = run_cli(
        capsys,
        ["infer", "--quiet", "--audio", str(kit / "talk.wav"), "--checkpoint", str(kit / "lite.pt"),
         "--engine", "lite", "--out", str(out)],
    )  # fmt: skip
    assert_refused(code, err, "no space left on device", exit_code=74)
    assert not out.exists() or _leftovers(out) == []


def test_disk_full_while_writing_a_motion_file_simulated(tmp_path, monkeypatch):
    """Where no tmpfs can be mounted: the writer fails half-way with ENOSPC."""
    from dualtalk.inference.core import motion as motion_mod
    from dualtalk.inference.core.errors import DualTalkError

    good = save_motion(tmp_path / "A.npz", Motion("arkit55", np.zeros((10, 55), np.float32), role="A"))
    before = sha256_file(good)
    real_savez = np.savez

    def savez_then_full(fh, **arrays):
        real_savez(fh, **arrays)
        fh.truncate(100)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(motion_mod.np, "savez", savez_then_full)
    with pytest.raises(DualTalkError, match="No space left on device") as info:
        save_motion(good, Motion("arkit55", np.ones((10, 55), np.float32), role="A"))
    assert "\n" not in str(info.value)
    assert sha256_file(good) == before  # the previous take is still whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.npz"]


def test_a_truncated_blend_is_recognised(kit, tmp_path):
    data = (kit / "scene.blend").read_bytes()
    assert blend_is_complete(kit / "scene.blend")
    for cut in (len(data) // 2, len(data) - 1, 16):
        (tmp_path / "cut.blend").write_bytes(data[:cut])
        assert not blend_is_complete(tmp_path / "cut.blend"), cut


# --- cancel at every stage (engine side, in-process) ----------------------------------------


class CancelAt:
    """A progress sink that cancels the first time ``stage`` is reported."""

    def __init__(self, stage: str) -> None:
        from dualtalk.inference.core.progress import Recorder

        self.rec = Recorder()
        self.stage = stage

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.rec.update(stage, fraction, message)
        if stage == self.stage:
            self.rec.cancel()
        self.rec.check_cancel()

    def check_cancel(self) -> None:
        self.rec.check_cancel()


def _stages(kit: Path) -> list[str]:
    from dualtalk.inference.core.progress import Recorder

    rec = Recorder()
    _pipeline(kit, rec, kit / "probe")
    return list(dict.fromkeys(stage for stage, _f, _m in rec.events))


def _pipeline(kit: Path, progress, out: Path) -> None:
    from dualtalk.inference.audio import load_dialogue
    from dualtalk.inference.engine import load_engine
    from dualtalk.inference.generate import generate_dialogue, write_dialogue

    engine = load_engine(str(kit / "lite.pt"), engine="lite", device="cpu", progress=progress)
    dialogue = load_dialogue(kit / "talk.wav", progress=progress)
    a, b = generate_dialogue(dialogue, engine, rounds=2, progress=progress)
    progress.check_cancel()
    write_dialogue(out, a, b)


def test_cancel_at_every_stage_writes_nothing(kit, tmp_path):
    from dualtalk.inference.core.errors import CancelledError

    stages = _stages(kit)
    assert {"engine", "audio", "generate"} <= set(stages) or len(stages) >= 3, stages
    for stage in stages:
        out = tmp_path / f"cancel_{stage}"
        with pytest.raises(CancelledError):
            _pipeline(kit, CancelAt(stage), out)
        assert snapshot(out) == {}, stage


def test_ctrl_c_in_the_cli_is_one_line_and_exit_130(kit, tmp_path, capsys, monkeypatch):
    import dualtalk.inference.generate as gen

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(gen, "generate_dialogue", interrupted)
    out = tmp_path / "take"
    code, err, _ = run_cli(
        capsys,
        ["infer", "--quiet", "--audio", str(kit / "talk.wav"), "--checkpoint", str(kit / "lite.pt"),
         "--engine", "lite", "--out", str(out)],
    )  # fmt: skip
    assert_refused(code, err, "interrupted", exit_code=130)
    assert snapshot(out) == {}


# --- two generations at once --------------------------------------------------------------


def test_two_generations_into_the_same_folder_both_leave_whole_files(kit, tmp_path):
    """Two ``infer`` processes racing for one take folder: one writes the set (the other, while the
    first holds the folder's lock, is refused in one line naming it, or runs after it); nothing is torn."""
    out = tmp_path / "take"
    cmd = [sys.executable, "-m", "dualtalk", "infer", "--quiet", "--audio", str(kit / "talk.wav"),
           "--checkpoint", str(kit / "lite.pt"), "--engine", "lite", "--device", "cpu", "--out", str(out)]  # fmt: skip
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert 0 in [p.returncode for p in procs] and {p.returncode for p in procs} <= {0, 75}, results
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 or err.startswith("error: another DualTalk run is writing"), err
    assert sorted(p.name for p in out.iterdir()) == ["A.npz", "B.npz"]  # no .part leftovers
    for name in ("A.npz", "B.npz"):
        m = load_motion(out / name)
        assert m.num_frames == 50 and np.isfinite(m.values).all()


def test_a_process_killed_while_writing_never_leaves_a_torn_file_under_the_final_name(tmp_path):
    """The writer dies mid-file (kill -9, power cut): the old take survives whole, no new one appears."""
    old = save_motion(tmp_path / "A.npz", Motion("arkit55", np.zeros((10, 55), np.float32), role="A"))
    before = sha256_file(old)
    script = (
        "import os, numpy as np\n"
        "from dualtalk.inference import motion as m\n"
        "def dying_savez(fh, **arrays):\n"
        "    fh.write(b'PK\\x03\\x04' + b'half a file' * 100); fh.flush(); os._exit(9)\n"
        "m.np.savez = dying_savez\n"
        f"m.save_motion({str(old)!r}, m.Motion('arkit55', np.ones((10, 55), np.float32), role='A'))\n"
        f"m.save_motion({str(tmp_path / 'B.npz')!r}, m.Motion('arkit55', np.ones((10, 55), np.float32), role='B'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    assert sha256_file(old) == before and load_motion(old).values.max() == 0.0
    assert not (tmp_path / "B.npz").exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "A.npz"]
    assert all(n.startswith(".A.") and ".part" in n for n in leftovers), (
        leftovers
    )  # hidden temp, never the final name
