"""An animator re-does a tenth of a second inside A's line (``infer --recognise --start 1 --end 1.1``).
The words are aligned on the whole recording, where A speaks through that tenth, so A's lips come from
them; the voice-activity pass alone hears nothing in a part that short. The run used to say "no speech
detected in either stream; both characters only listen" and then draw A's words there (review 29a,
nit 10g). Now who speaks in a part the words are drawn in is judged on the whole recording, as the
words are: the line is not said when the recording has speech there, and still is when it has none.

Recognition is replaced by fixed words (it is tested in tests/phonetic/test_recognise.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.phonetic import recognise
from dualtalk.inference.phonetic.transcript import Line

NO_SPEECH = "no speech detected in either stream"


@pytest.fixture
def heard(monkeypatch) -> None:
    """Recognition hears A say one line."""
    pytest.importorskip("pocketsphinx")
    monkeypatch.setattr(recognise, "recognised_lines", lambda *a, **k: [Line(1, "A", "maybe we should")])


def _recording(path: Path, speaks: bool) -> Path:
    """3 s of stereo: A talks (voiced bursts) throughout when ``speaks``, else a faint hiss; B is silent."""
    sr = 16000
    t = np.arange(3 * sr) / sr
    rng = np.random.default_rng(1)
    hiss = 0.001 * rng.standard_normal(len(t)).astype(np.float32)
    voice = 0.3 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 4 * t)) if speaks else 0
    sf.write(path, np.stack([(voice + hiss).astype(np.float32), np.zeros_like(hiss)], axis=1), sr)
    return path


def _infer(audio: Path, out: Path) -> int:
    return main(["infer", "--audio", str(audio), "--recognise", "--start", "1", "--end", "1.1",
                 "--engine", "lite", "--device", "cpu", "--out", str(out)])  # fmt: skip


def test_a_tenth_of_a_second_inside_as_line_is_not_called_speechless(tmp_path, heard, caplog, capsys):
    caplog.set_level(logging.WARNING)
    audio = _recording(tmp_path / "talk.wav", speaks=True)
    assert _infer(audio, tmp_path / "o") == 0, capsys.readouterr().err
    said = caplog.text + capsys.readouterr().err
    assert NO_SPEECH not in said, said
    source = load_motion(tmp_path / "o" / "A.npz").meta["source"]
    assert not any(NO_SPEECH in w for w in source["warnings"] + source["silent"]), source
    assert "speaker B's audio is silent" in said  # what holds for the part is still said


def test_a_tenth_of_a_second_where_nobody_speaks_still_says_so(tmp_path, heard, caplog, capsys):
    caplog.set_level(logging.WARNING)
    audio = _recording(tmp_path / "hiss.wav", speaks=False)
    assert _infer(audio, tmp_path / "o") == 0, capsys.readouterr().err
    assert NO_SPEECH in caplog.text + capsys.readouterr().err
    assert any(NO_SPEECH in w for w in load_motion(tmp_path / "o" / "A.npz").meta["source"]["warnings"])
