"""``align --ljspeech`` without ``--asr`` says which wavs it left out for want of a transcript.

Review 26c, finding 12: on the shared LJ Speech folder 24 of 32 clips have no ``metadata.csv``
line; they were dropped while the result line said ``skipped 0: `` (a dangling colon).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.tts import Phone
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.lite import align as align_mod
from dualtalk.training.lite.align import load_aligned


def _reader(folder, names, transcribed):
    """An LJ Speech folder: a second of sound per wav, metadata.csv lines for some of them."""
    (folder / "wavs").mkdir(parents=True)
    for name in names:
        sf.write(folder / "wavs" / f"{name}.wav", np.full(16000, 0.1, np.float32), 16000)
    lines = [f"{n}|Mama made a map.|mama made a map" for n in transcribed]
    (folder / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _quick_align(audio, text):  # pocketsphinx's answer is not what this story is about
    return [Phone("M", 0.1, 0.2, "arpabet"), Phone("AA", 0.2, 0.5, "arpabet")]


def test_wavs_without_a_transcript_are_counted_and_named_with_the_flag_that_takes_them_in(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(align_mod, "align", _quick_align)
    names = [f"LJ{k:03d}" for k in range(8)]
    folder = _reader(tmp_path / "lj", names, transcribed=names[:1])
    out = tmp_path / "lj.npz"
    assert align_mod.main(["--ljspeech", str(folder), "--out", str(out)]) == 0
    said = capsys.readouterr().out.strip()
    assert said == (
        f"aligned 1 clips (1 s) into {out}, skipped 0; 7 wavs without a transcript left out "
        "(LJ001 LJ002 LJ003 LJ004 LJ005 and 2 more): add --asr to transcribe them"
    )
    assert [c["name"] for c in load_aligned(out)] == ["LJ000"]


def test_a_folder_fully_transcribed_ends_its_line_without_a_dangling_colon(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(align_mod, "align", _quick_align)
    folder = _reader(tmp_path / "lj", ["a", "b"], transcribed=["a", "b"])
    out = tmp_path / "lj.npz"
    assert align_mod.main(["--ljspeech", str(folder), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"aligned 2 clips (2 s) into {out}, skipped 0"


def test_a_folder_with_no_transcript_at_all_says_why_nothing_was_aligned(tmp_path, monkeypatch):
    monkeypatch.setattr(align_mod, "align", _quick_align)
    folder = _reader(tmp_path / "lj", ["a", "b"], transcribed=[])
    message = r"^no clip could be aligned; 2 wavs without a transcript left out \(a b\): add --asr to transcribe them$"
    with pytest.raises(DualTalkError, match=message):
        align_mod.main(["--ljspeech", str(folder), "--out", str(tmp_path / "lj.npz")])
    assert not (tmp_path / "lj.npz").exists()
