"""A researcher labels a Japanese corpus with ``align_tts``: its ``.lab`` transcripts are written the
usual way, in kanji and kana (as Common Voice's and MFA's are). Before, align_tts gave them to espeak-ng
as written: espeak-ng says each kanji as "Chinese letter", and the warp timed those phones on the
voice, with no word of it. Now the transcript is read into kana as said by the same reader the engine
uses for a script (SudachiPy, where installed), and without it a transcript in kanji is one line
naming the install, with nothing written."""

from __future__ import annotations

import json

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.training.evaluation.lipsync import find_alignments, write_alignment
from dualtalk.training.evaluation.phone_classes import BILABIAL
from dualtalk.training.lite import align_tts

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

# (the transcript as written, as it is said: what the speaker's voice is made from)
LINES = {
    "breakfast": ("私は毎朝パンを買います。", "わたしわ まいあさ ぱんお かいます。"),
    "film": ("母と映画を見ました。", "ははと えいがお みました。"),
}


def _corpus(tmp_path):
    """Each line said by a voice the reader never hears (ja+f3, a little fast), its .lab in kanji; its
    exact phones (espeak-ng's own) kept apart as the truth."""
    corpus, truth = tmp_path / "corpus", tmp_path / "truth"
    for stem, (written, said) in LINES.items():
        utt = speak(said, Voice("espeak", "ja+f3", 1.1))
        write_alignment(truth, stem, utt.audio, utt.phones, alphabet="ipa", lang="ja")
        write_alignment(corpus, stem, utt.audio, utt.phones, alphabet="ipa", lang="ja")
        (corpus / f"{stem}.phone.json").unlink()
        (corpus / f"{stem}.lab").write_text(written + "\n", encoding="utf-8")
    return corpus, truth


@kanji_reader.needs_it
def test_a_lab_in_kanji_is_aligned_with_the_phones_said(tmp_path, capsys):
    corpus, truth = _corpus(tmp_path)
    out = tmp_path / "aligned"
    assert align_tts.main(["--corpus", str(corpus), "--lang", "ja", "--out", str(out)]) == 0
    aligned = {clip.stem: clip for clip in find_alignments(out)}
    expected = {clip.stem: clip for clip in find_alignments(truth)}
    errors = []
    for stem in LINES:
        assert [p.symbol for p in aligned[stem].phones] == [p.symbol for p in expected[stem].phones], stem
        errors += align_tts.onset_errors(aligned[stem].phones, expected[stem].phones, "ipa", "ipa")[BILABIAL]
        written = json.loads((out / f"{stem}.phone.json").read_text(encoding="utf-8"))
        assert written["t"] == LINES[stem][0]  # the transcript as the corpus has it
    assert len(errors) >= 3 and np.median(np.abs(errors)) <= 0.02  # 毎朝, パン, 母, 見ました


def test_without_the_reader_a_lab_in_kanji_is_one_line_naming_the_install(tmp_path, capsys, monkeypatch):
    corpus, _truth = _corpus(tmp_path)
    out = tmp_path / "aligned"
    with kanji_reader.missing(monkeypatch):
        rc = align_tts.main(["--corpus", str(corpus), "--lang", "ja", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1, err
    assert err.startswith("error: breakfast: '私は毎朝パンを買います。' is written in kanji"), err
    assert "pip install sudachipy sudachidict_core" in err
    assert not out.exists() or not list(out.glob("*.phone.json"))
