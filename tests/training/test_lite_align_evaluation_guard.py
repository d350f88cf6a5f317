"""The evaluation sets never become training data (review 26c, finding 16).

A user packing clips for ``synth --real`` points ``align`` at folders. The five LibriVox clips
(the evaluation set, known by their bytes and by their loudness over time, so a re-encoded copy
too) and the check sets this project writes (``align --holdout-dir``, ``heldout``, which leave a
``.dualtalk-evaluation-only`` marker) are refused in one line before anything is written; an
archive packed before the guard is refused by ``synth --real``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.tts import Phone
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.evaluation.lipsync import write_alignment
from dualtalk.training.lite import align as align_mod
from dualtalk.training.lite import align_tts, heldout
from dualtalk.training.lite.align import EVALUATION_MARKER, load_aligned, save_aligned
from dualtalk.training.lite.synth import generate_corpus

CLIP = "sense_and_sensibility_01_austen_64kb-0880"


def _reader(folder: Path, count: int = 2) -> Path:
    """``count`` short clips of our own (noise bursts with made-up ARPAbet phones), aligned."""
    rng = np.random.default_rng(7)
    for k in range(count):
        audio = (rng.standard_normal(16000) * np.hanning(16000) * 0.2).astype(np.float32)
        phones = [Phone("M", 0.1, 0.3, "arpabet"), Phone("AA", 0.3, 0.8, "arpabet")]
        write_alignment(folder, f"mine{k}", audio, phones, source="test")
    return folder


@pytest.fixture
def librivox(shared_dir: Path) -> Path:
    folder = shared_dir / "data" / "real_speech" / "librivox"
    if not folder.is_dir():
        pytest.skip("../shared/data/real_speech/librivox is not beside this checkout")
    return folder


def test_packing_the_librivox_folder_is_refused_naming_the_clip(librivox, tmp_path):
    out = tmp_path / "x.npz"
    with pytest.raises(DualTalkError) as err:
        align_mod.main(["--phones", str(librivox), "--out", str(out)])
    assert str(err.value) == (
        "sense_and_sensibility_01_austen_64kb-0870.wav is a LibriVox evaluation clip (docs/metrics.md): "
        "it is never used for training"
    )
    assert not out.exists()


def test_a_renamed_reencoded_copy_among_my_clips_is_refused(librivox, tmp_path):
    mine = _reader(tmp_path / "reader")
    audio, sr = sf.read(librivox / f"{CLIP}.wav", dtype="float32")
    from scipy.signal import resample_poly

    # another name, 22.05 kHz float, half as loud: other bytes, the same recording
    sf.write(mine / "take7.wav", resample_poly(audio, 441, 320) * 0.5, 22050, subtype="FLOAT")
    shutil.copy(librivox / f"{CLIP}.phone.json", mine / "take7.phone.json")
    out = tmp_path / "x.npz"
    with pytest.raises(DualTalkError, match=rf"^take7.wav is a LibriVox evaluation clip \({CLIP}.wav\)"):
        align_mod.main(["--phones", str(mine), "--out", str(out)])
    assert not out.exists()


def test_a_librivox_wav_in_an_ljspeech_folder_is_refused_before_it_is_aligned(librivox, tmp_path):
    folder = tmp_path / "lj"
    (folder / "wavs").mkdir(parents=True)
    shutil.copy(librivox / f"{CLIP}.wav", folder / "wavs" / "LJ999-0001.wav")
    (folder / "metadata.csv").write_text("LJ999-0001|words|words\n")
    with pytest.raises(DualTalkError, match=r"^LJ999-0001.wav is a LibriVox evaluation clip"):
        align_mod.main(["--ljspeech", str(folder), "--out", str(tmp_path / "x.npz")])
    assert not (tmp_path / "x.npz").exists()


def test_synth_refuses_an_archive_packed_before_the_guard(librivox, tmp_path):
    audio, _ = sf.read(librivox / f"{CLIP}.wav", dtype="float32")
    old = save_aligned(
        tmp_path / "old.npz",
        [
            {
                "name": CLIP,
                "source": "phone-json:en",
                "audio": audio,
                "phones": [Phone("AA", 0.1, 0.4, "arpabet")],
            }
        ],
    )
    out = tmp_path / "corpus"
    with pytest.raises(DualTalkError, match=rf"^{CLIP} in --real .*old.npz is a LibriVox evaluation clip"):
        generate_corpus(out, 1, real=old, real_share=1.0)
    assert not out.exists()


def test_the_check_set_align_holds_out_is_marked_and_never_packed(monkeypatch, tmp_path):
    lj = tmp_path / "lj"
    lj.mkdir()
    (lj / "metadata.csv").write_text("")
    assert (
        align_mod.main(["--phones", str(_reader(tmp_path / "r", 3)), "--out", str(tmp_path / "a.npz")]) == 0
    )
    clips = load_aligned(tmp_path / "a.npz")
    for c in clips:
        c["source"] = "ljspeech"
    monkeypatch.setattr(align_mod, "align_ljspeech", lambda folder, asr=False: (clips, []))
    ljval = tmp_path / "ljval"
    args = [
        "--ljspeech",
        str(lj),
        "--holdout",
        "1",
        "--holdout-dir",
        str(ljval),
        "--out",
        str(tmp_path / "t"),
    ]
    assert align_mod.main(args) == 0
    assert (ljval / EVALUATION_MARKER).read_text().startswith("align --holdout-dir: ")
    with pytest.raises(DualTalkError) as err:
        align_mod.main(["--phones", str(ljval), "--out", str(tmp_path / "x.npz")])
    assert str(err.value) == (
        f"{ljval} holds a check set written by align --holdout-dir (.dualtalk-evaluation-only): "
        "it is never used for training"
    )
    assert not (tmp_path / "x.npz").exists()


@pytest.mark.parametrize("make", ["generate_heldout", "generate_english", "generate_scripts"])
def test_the_held_out_synthetic_sets_are_marked_and_never_packed(monkeypatch, tmp_path, make):
    monkeypatch.setattr(heldout, "speak", lambda text, voice: SimpleNamespace(text=text))
    monkeypatch.setattr(heldout, "write_clip", lambda out, stem, lang, utt: None)
    getattr(heldout, make)(tmp_path / "heldout")
    with pytest.raises(DualTalkError, match=r"holds a check set written by heldout.*never used for training"):
        align_mod.main(["--phones", str(tmp_path / "heldout"), "--out", str(tmp_path / "x.npz")])


def test_a_marked_folder_is_refused_by_rttm_and_ljspeech_too(tmp_path):
    folder = _reader(tmp_path / "marked")
    align_mod.mark_evaluation_only(folder, "heldout")
    (folder / "a.rttm").write_text("SPEAKER mine0 1 0.0 1.0 <NA> <NA> A <NA> <NA>\n")
    (folder / "metadata.csv").write_text("mine0|words|words\n")
    for flag in ("--rttm", "--ljspeech"):
        with pytest.raises(DualTalkError, match="holds a check set written by heldout"):
            align_mod.main([flag, str(folder), "--out", str(tmp_path / "x.npz")])


def test_align_tts_of_a_marked_set_marks_its_alignments(monkeypatch, tmp_path):
    corpus = _reader(tmp_path / "corpus", 1)
    (corpus / "mine0.txt").write_text("words\n")
    align_mod.mark_evaluation_only(corpus, "heldout --scripts")
    monkeypatch.setattr(
        align_tts, "align_transcript", lambda audio, text, voice: [Phone("a", 0.1, 0.5, "ipa")]
    )
    out = tmp_path / "aligned"
    assert align_tts.main(["--corpus", str(corpus), "--lang", "en", "--out", str(out)]) == 0
    with pytest.raises(DualTalkError, match="written by align_tts of an evaluation set"):
        align_mod.main(["--phones", str(out), "--out", str(tmp_path / "x.npz")])


def test_the_command_says_it_in_one_line_with_exit_2(tmp_path):
    folder = _reader(tmp_path / "ljval")
    align_mod.mark_evaluation_only(folder, "align --holdout-dir")
    out = tmp_path / "x.npz"
    run = subprocess.run(
        [sys.executable, "-m", "dualtalk.training.lite.align", "--phones", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"error: {folder} holds a check set written by align --holdout-dir (.dualtalk-evaluation-only): "
        "it is never used for training"
    ]
    assert not out.exists()


def test_my_own_clips_are_still_packed(tmp_path, capsys):
    out = tmp_path / "x.npz"
    assert align_mod.main(["--phones", str(_reader(tmp_path / "reader")), "--out", str(out)]) == 0
    assert [c["name"] for c in load_aligned(out)] == ["mine0", "mine1"]
    assert "aligned 2 clips" in capsys.readouterr().out
