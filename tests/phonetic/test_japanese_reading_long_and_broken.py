"""A Japanese user's script as it really arrives, and a kanji reader that is installed but broken.

A transcript pasted from a speech-to-text service is often one paragraph: one line of tens of
thousands of characters. SudachiPy reads at most 49,149 bytes at once (16,383 kana or kanji), so such
a line ended the whole run with "internal error (SudachiError ... Input is too long)", nothing written,
and a kana line did too (every Japanese line is read for its particles). Now the line is read in
pieces cut after its sentences, as the same sentences on lines of their own read.

A reader installed but broken (the dictionary package without its dictionary file, a SudachiPy built
for another Python) refused every kanji line telling the user to ``pip install`` what they had
installed. Now the refusal says it does not load, why, and to reinstall.
"""

from __future__ import annotations

import shutil
import sys

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import japanese_reading, script_warp
from dualtalk.inference.phonetic import transcript as tr

SENTENCES = (
    "私は東京へ行きます。",
    "明日、駅の前で会いましょう。",
    "コーヒーを一杯飲みませんか？",
    "10分待ってください！",
)
PARAGRAPH = "".join(SENTENCES * 700)  # 36,400 characters, 100,100 bytes: one line


@kanji_reader.needs_it
def test_a_whole_transcript_pasted_as_one_line_reads_as_its_sentences_do():
    kanji_reader.forget()
    assert len(PARAGRAPH.encode("utf-8")) > 49_149  # more than SudachiPy reads at once
    said = japanese_reading.reading(PARAGRAPH)  # before: SudachiError, Input is too long
    assert said == " ".join(japanese_reading.reading(s) for s in SENTENCES * 700)
    assert not japanese_reading.has_kanji(said) and said.startswith("わたしわ とうきょうえ いきます。")
    kana = "わたしは とうきょうへ いきます。" * 3000  # a kana line too
    assert japanese_reading.reading(kana).startswith("わたしわ とうきょうえ いきます。わたしわ")


@kanji_reader.needs_it
def test_the_run_goes_on_with_a_line_over_the_readers_limit():
    """Through the lips' reader (as ``infer --transcript``): a clean refusal of its own kind (here: far
    more words than 4 s of speech), never an internal error."""
    kanji_reader.forget()
    audio = np.random.default_rng(0).normal(scale=1e-3, size=16000 * 4).astype(np.float32)
    motion = Motion("arkit55", np.full((100, 55), 0.2, np.float32), engine="lite")
    _, report = tr.draw_lips(motion, audio, [tr.Line(1, "A", PARAGRAPH)], language="ja")
    assert "more than anyone says" in report["error"]


def test_a_line_without_sentence_ends_is_cut_where_it_fits():
    """No 。 in reach: a comma or space, else anywhere (never an empty piece, never over the size)."""
    text = "ああああ、" * 5000
    parts = japanese_reading.pieces(text)
    assert "".join(parts) == text and all(0 < len(p.encode()) <= japanese_reading.PIECE_BYTES for p in parts)
    assert all(p.endswith("、") for p in parts)
    unbroken = "あ" * 20_000
    parts = japanese_reading.pieces(unbroken)
    assert "".join(parts) == unbroken and all(len(p.encode()) <= japanese_reading.PIECE_BYTES for p in parts)
    assert japanese_reading.pieces("") == [] and japanese_reading.pieces("短い。") == ["短い。"]


@pytest.fixture
def dictionary_file_missing(tmp_path, monkeypatch):
    """sudachidict_core installed without its dictionary file (an interrupted download, a disk
    clean-up): SudachiPy imports, its dictionary does not load."""
    real = pytest.importorskip("sudachidict_core")
    broken = tmp_path / "sudachidict_core"
    broken.mkdir()
    shutil.copy(real.__file__, broken / "__init__.py")
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(tmp_path))
        patch.delitem(sys.modules, "sudachidict_core")
        kanji_reader.forget()
        try:
            yield
        finally:
            kanji_reader.forget()
    kanji_reader.forget()


@kanji_reader.needs_it
def test_a_broken_install_says_it_does_not_load_and_why(dictionary_file_missing):
    why = script_warp.foreign_writing("私は東京へ行きます。", "ja")
    assert "installed but does not load" in why, why  # before: "... pip install sudachipy ..."
    assert "system.dic" in why  # SudachiPy's own reason
    assert "pip install --force-reinstall sudachipy sudachidict_core" in why
    assert "\n" not in why


def test_a_reader_not_installed_still_names_the_plain_install(monkeypatch):
    with kanji_reader.missing(monkeypatch):
        assert japanese_reading.load_problem() == ""
        why = script_warp.foreign_writing("私は東京へ行きます。", "ja")
    assert "pip install sudachipy sudachidict_core" in why and "does not load" not in why
