"""``infer --out`` values a script or a stale link hands us: refused up front, in one line, nothing written."""

from __future__ import annotations

import numpy as np
import soundfile as sf
from dualtalk.cli import main

SR = 16000


def _stereo(path):
    """2 s: A talks in the first second, B in the second (modulated tones)."""
    t = np.arange(2 * SR) / SR
    a = np.where(t < 1, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= 1, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    sf.write(path, np.stack([a, b], 1).astype(np.float32), SR)
    return path


def test_an_empty_out_is_refused_instead_of_filling_the_current_folder(tmp_path, monkeypatch, capsys):
    """``infer --out "$TAKE_DIR"`` with the variable unset: before, A.npz and B.npz landed in the
    current folder (replacing a take already there) and the run reported success."""
    audio = _stereo(tmp_path / "talk.wav")
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    rc = main(["infer", "--quiet", "--audio", str(audio), "--out", ""])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("error: --out is empty")
    assert list(here.iterdir()) == []


def test_an_out_that_is_a_broken_link_is_refused_before_generating(tmp_path, capsys):
    """--out is a link left over from a moved project. Before, the whole take was generated and then
    the run failed with "cannot create output directory ...: File exists", which named no link."""
    audio = _stereo(tmp_path / "talk.wav")
    out = tmp_path / "take"
    out.symlink_to(tmp_path / "moved" / "take")
    rc = main(["infer", "--quiet", "--audio", str(audio), "--out", str(out)])
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert (
        err[0]
        == f"error: --out {out} is a broken link (it points to {tmp_path / 'moved' / 'take'}, which does not exist)"
    )
    assert captured.out == "" and out.is_symlink() and not (tmp_path / "moved").exists()


def test_an_out_named_like_a_recording_is_refused_before_a_folder_of_that_name_appears(tmp_path, capsys):
    """``infer --audio talk.wav --out take.wav`` (meaning the audio): before, a folder named
    take.wav was made and filled with A.npz and B.npz."""
    audio = _stereo(tmp_path / "talk.wav")
    rc = main(["infer", "--quiet", "--audio", str(audio), "--out", str(tmp_path / "take.wav")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith(
        "error: dialogue mode writes A.npz and B.npz: --out must be a folder"
    )
    assert not (tmp_path / "take.wav").exists()


def test_a_folder_given_as_the_recording_is_named_as_such(tmp_path, capsys):
    """``--audio`` pointing at the folder that holds the output: before, the message blamed --out
    ("--out .../A.npz lies inside the input audio ...") instead of the folder given as audio."""
    rc = main(["infer", "--quiet", "--audio", str(tmp_path), "--out", str(tmp_path / "take")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1] == f"error: input audio {tmp_path} is a directory, not a file"
    assert not (tmp_path / "take").exists()
