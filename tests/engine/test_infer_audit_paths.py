"""File names that are not valid UTF-8 (unpacked from an old Latin-1 archive) are read and written like any other."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue

pytestmark = pytest.mark.skipif(
    os.name == "nt" or sys.platform == "darwin", reason="needs a file system that stores any bytes in a name"
)


def _latin1_name(folder, name: str):
    """``folder/name`` as a Linux file system keeps a Latin-1 name: bytes that are not UTF-8 ("é" is 0xE9)."""
    return folder / os.fsdecode(name.encode("latin-1"))


def _two_voices(seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    a = np.where(t < seconds / 2, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= seconds / 2, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    return np.stack([a, b], 1).astype(np.float32)


@pytest.mark.parametrize("fmt", ["WAV", "FLAC", "OGG"])
def test_audio_under_a_latin1_file_name_is_read(tmp_path, fmt):
    """Before, "café.wav" from a Latin-1 zip was refused as "not a readable audio file (a damaged or
    truncated WAV: surrogates not allowed)": the file was fine, only its name was not UTF-8."""
    path = _latin1_name(tmp_path, f"café.{fmt.lower()}")
    with open(path, "wb") as fh:  # soundfile itself cannot create such a name: write through a handle
        sf.write(fh, _two_voices(), SAMPLE_RATE, format=fmt)
    d = load_dialogue(path)
    assert d.duration == pytest.approx(2.0) and d.active_a[:20].mean() > 0.5 and d.active_b[-20:].mean() > 0.5


def test_infer_with_latin1_names_writes_the_take_and_reports_success(tmp_path):
    """Audio and output folder both carry Latin-1 names. Before, the audio was refused; with it read,
    the final "wrote ..." line still crashed on a strict stdout after A.npz and B.npz were written
    (exit 1, "internal error"), so a script took a finished take for a failure."""
    audio = _latin1_name(tmp_path, "réunion.wav")
    with open(audio, "wb") as fh:
        sf.write(fh, _two_voices(), SAMPLE_RATE, format="WAV")
    out = _latin1_name(tmp_path, "prise_é")
    proc = subprocess.run(
        [sys.executable, "-m", "dualtalk", "infer", "--quiet", "--audio", os.fsencode(audio), "--out", os.fsencode(out)],
        capture_output=True, timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert (out / "A.npz").is_file() and (out / "B.npz").is_file()
    assert proc.stdout.decode("utf-8").startswith("wrote ") and "prise_\\xe9" in proc.stdout.decode("utf-8")
