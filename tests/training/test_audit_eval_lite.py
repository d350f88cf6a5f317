"""``python -m dualtalk.training.lite.evaluate``: a researcher points it at the wrong place,
or at a conversation where one person never speaks.

A folder with no alignments, or an alignment whose audio is missing, must be one ``error:``
line, not a report of ``"clips": 0`` (or of 4 clips out of 5) that reads like a result. Audio at
another sample rate is resampled like everywhere else, not silently dropped. And a speaker
with no speaking frames gets ``null``, because ``NaN`` is not JSON.
"""

from __future__ import annotations

import json

import numpy as np
import soundfile as sf
from dualtalk.training.lite.evaluate import DEMO_STEM, main, read_librivox


def _clip(folder, stem: str, sr: int = 16000) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sf.write(
        folder / f"{stem}.wav", np.random.default_rng(0).standard_normal(sr).astype(np.float32) * 0.1, sr
    )
    phones = [{"t": t, "b": 0.2 * i, "d": 0.2} for i, t in enumerate(["M", "AA1", "P"])]
    (folder / f"{stem}.phone.json").write_text(
        json.dumps({"w": [{"t": "mop", "b": 0, "d": 0.6, "w": phones}]})
    )


def _one_error_line(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and lines[0].startswith("error: "), captured.err
    return lines[0]


def test_a_folder_without_alignments_is_one_error_line_not_zero_clips(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert "no *.phone.json" in _one_error_line(capsys, ["--librivox", str(tmp_path / "empty")])
    assert "not found" in _one_error_line(capsys, ["--librivox", str(tmp_path / "nowhere")])


def test_an_alignment_without_its_audio_is_named_not_left_out(tmp_path, capsys):
    _clip(tmp_path, "one")
    _clip(tmp_path, "two")
    (tmp_path / "two.wav").unlink()
    line = _one_error_line(capsys, ["--librivox", str(tmp_path)])
    assert "two.wav" in line and "two.phone.json" in line


def test_audio_at_another_rate_is_resampled_not_dropped(tmp_path):
    _clip(tmp_path, "one", sr=44100)
    clips = read_librivox(tmp_path)
    assert [c["name"] for c in clips] == ["one"] and len(clips[0]["audio"]) == 16000


def test_a_partner_who_never_speaks_gets_null_not_nan_in_the_json(tmp_path, capsys):
    rng = np.random.default_rng(1)
    speech = np.zeros(16000 * 4, np.float32)  # bursts of noise, as a talker's syllables
    for k in range(0, len(speech), 4000):
        speech[k : k + 2500] = rng.standard_normal(2500) * 0.2
    sf.write(tmp_path / f"{DEMO_STEM}_speaker1.wav", speech, 16000)
    sf.write(tmp_path / f"{DEMO_STEM}_speaker2.wav", np.zeros_like(speech), 16000)
    np.savez(tmp_path / f"{DEMO_STEM}_speaker2.npz", exp=np.zeros((100, 50)), pose=np.zeros((100, 6)))
    assert main(["--demo", str(tmp_path)]) == 0

    def no_nan(token: str):
        raise AssertionError(f"{token} in the JSON")

    report = json.loads(capsys.readouterr().out, parse_constant=no_nan)
    assert report["demo_clip"]["B"]["speaking_share"] == 0.0
    assert report["demo_clip"]["B"]["open_speaking"] is None and report["demo_clip"]["B"]["contrast"] is None
