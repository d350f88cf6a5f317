"""A researcher scores lips from an IPA alignment written word by word (review 32n, Minor): every
word entry had its "t", the file no top-level "t", and ``eval lipsync --transcripts`` said "no words
for ar_A (a ar_A.txt, or words in its alignment file)"."""

from __future__ import annotations

import json

from dualtalk.training.evaluation.lipsync import read_alignment


def test_the_words_of_an_alignment_without_a_top_level_text_are_its_word_entries(tmp_path):
    words = [
        {
            "t": "نعم",
            "b": 0.1,
            "d": 0.3,
            "w": [{"t": "n", "b": 0.1, "d": 0.1}, {"t": "a", "b": 0.2, "d": 0.2}],
        },
        {
            "t": "طيب",
            "b": 0.5,
            "d": 0.3,
            "w": [{"t": "t", "b": 0.5, "d": 0.1}, {"t": "i", "b": 0.6, "d": 0.2}],
        },
    ]
    path = tmp_path / "ar_A.phone.json"
    path.write_text(json.dumps({"alphabet": "ipa", "lang": "ar", "w": words}, ensure_ascii=False), "utf-8")
    assert read_alignment(path).text == "نعم طيب"
    path.write_text(json.dumps({"alphabet": "ipa", "lang": "ar", "t": "نعم، طيب", "w": words}), "utf-8")
    assert read_alignment(path).text == "نعم، طيب"  # the file's own text first
