"""Shared checks for the robustness matrix: one clear line, non-zero exit, nothing written."""

from __future__ import annotations

import contextlib
import os
import struct
from pathlib import Path

import numpy as np
import soundfile as sf


class StandInEngine:
    """An engine that is never run (no weights): for tests of inputs refused before any engine work,
    which happens on the engine's CPU threads (reading the audio among it)."""

    name, space, threads = "stand-in", "arkit55", None

    @contextlib.contextmanager
    def cpu_threads(self):
        yield


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and mtime: proof that nothing was written."""
    if not folder.exists():
        return {}
    out = {}
    for root, _dirs, files in os.walk(folder):
        for f in files:
            p = Path(root) / f
            st = p.stat()
            out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


def run_cli(capsys, argv: list[str]) -> tuple[int, list[str], str]:
    """``python -m dualtalk ARGV`` in this process; returns (exit code, stderr lines, stdout)."""
    from dualtalk import cli

    capsys.readouterr()
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # an argument refused by argparse: the exit status the command gives
        code = stop.code if isinstance(stop.code, int) else 1
    cap = capsys.readouterr()
    return code, [line for line in cap.err.splitlines() if line.strip()], cap.out


def assert_refused(code: int, err: list[str], needle: str, exit_code: int = 2) -> str:
    """Exit status, exactly one stderr line, starting ``error: `` and saying ``needle``."""
    assert code == exit_code, (code, err)
    assert len(err) == 1, err
    assert err[0].startswith("error: "), err
    assert needle.lower() in err[0].lower(), (needle, err[0])
    assert "Traceback" not in err[0] and "internal error" not in err[0]
    return err[0]


def wav_header(samplerate: int, channels: int, frames: int, bits: int = 16) -> bytes:
    """A canonical 44-byte PCM WAV header claiming ``frames`` frames."""
    data = frames * channels * bits // 8
    block = channels * bits // 8
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, samplerate, samplerate * block, block, bits)
    return (
        b"RIFF"
        + struct.pack("<I", (36 + data) & 0xFFFFFFFF)
        + b"WAVE"
        + b"fmt "
        + fmt
        + b"data"
        + struct.pack("<I", data & 0xFFFFFFFF)
    )


def sparse_wav(path: Path, seconds: float, samplerate: int = 48000, channels: int = 2) -> Path:
    """A real, full-length WAV of silence that takes no disk space (a sparse file)."""
    frames = int(seconds * samplerate)
    with open(path, "wb") as fh:
        fh.write(wav_header(samplerate, channels, frames))
        fh.truncate(44 + frames * channels * 2)
    return path


def two_voices(seconds: float = 2.0, sr: int = 16000) -> np.ndarray:
    """(N, 2) float32: A talks (a modulated tone) in the first half, B in the second."""
    t = np.arange(int(seconds * sr)) / sr
    half = seconds / 2
    a = np.where(t < half, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= half, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    return np.stack([a, b], 1).astype(np.float32)


def write_stereo(path: Path, seconds: float = 2.0, sr: int = 16000, subtype: str = "PCM_16") -> Path:
    sf.write(str(path), two_voices(seconds, sr), sr, subtype=subtype)
    return path


def sha256s(*paths: Path) -> dict[str, str]:
    """sha256 of every given input file: proof that a run never changed what the user handed it."""
    import hashlib

    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def streamed_flac(path: Path, data: np.ndarray, samplerate: int) -> Path:
    """A FLAC whose STREAMINFO says "total samples 0" (length unknown), as live encoders and crashed
    recorders write it; the format allows it."""
    sf.write(str(path), data, samplerate, format="FLAC")
    raw = bytearray(path.read_bytes())
    assert raw[:4] == b"fLaC"
    field = int.from_bytes(raw[18:26], "big") & ~((1 << 36) - 1)
    raw[18:26] = field.to_bytes(8, "big")
    raw[26:42] = bytes(16)  # no MD5 either: the encoder never saw the end
    path.write_bytes(bytes(raw))
    return path


def make_kit(root: Path) -> Path:
    """``root`` as a job folder: in/scene.blend with Ann and Bob, and their 30-frame motion files
    in/A.npz and in/B.npz (A speaks the first half)."""
    import blender_rigs as br
    from dualtalk.inference.core.motion import Motion, save_motion

    (root / "in").mkdir()
    br.save_pair(root / "in" / "scene.blend")
    rng = np.random.default_rng(0)
    speak = np.arange(30) < 15
    for role, sp in (("A", speak), ("B", ~speak)):
        v = rng.uniform(0, 0.8, (30, 55)).astype(np.float32)
        v[:, 52:] = 0.02
        save_motion(root / "in" / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return root


def save_filmed_pair(path: Path) -> Path:
    """A Workbench scene at 25 fps with Ann and Bob and an active camera (so it can render), saved at
    ``path``."""
    import blender_rigs as br
    import bpy

    br.reset()
    bpy.context.scene.render.fps = 25
    bpy.context.scene.render.engine = "BLENDER_WORKBENCH"
    br.make_character("Ann")
    br.make_character("Bob", location=(1.0, 0.0, 0.0))
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    bpy.context.scene.collection.objects.link(cam)
    bpy.context.scene.camera = cam
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path
