"""Real speech in another language goes into the corpus: clips aligned in IPA (``align_tts`` writes
``<stem>.wav`` + ``<stem>.phone.json``) are packed by ``align --phones`` for ``synth --real``, and
the dialogues made from them draw lips from those IPA phones."""

from __future__ import annotations

import json

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.evaluation.lipsync import write_alignment
from dualtalk.training.lite import align as align_mod
from dualtalk.training.lite.align import load_aligned
from dualtalk.training.lite.synth import PHONE_BILABIAL, PHONE_OPEN, make_dialogue

needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng is not installed")


def _italian_reader(folder):
    """Two Italian sentences read by one voice, aligned in IPA (as align_tts leaves them)."""
    for k, text in enumerate(("Il bambino mangia la mela.", "Maria porta il pane a mamma.")):
        utt = speak(text, Voice("espeak", "it+m3", 1.0, 40.0, 60.0, False))
        write_alignment(folder, f"clip{k}", utt.audio, utt.phones, alphabet="ipa", lang="it", text=text)
    return folder


@needs_espeak
def test_a_folder_of_ipa_alignments_is_packed_with_its_alphabet_language_and_speaker(tmp_path):
    reader = _italian_reader(tmp_path / "asterisk_it")
    out = tmp_path / "it.npz"
    assert align_mod.main(["--phones", str(reader), "--out", str(out)]) == 0
    clips = load_aligned(out)
    assert [c["name"] for c in clips] == ["clip0", "clip1"]
    assert {c["speaker"] for c in clips} == {"asterisk_it"} and {c["lang"] for c in clips} == {"it"}
    assert all(p.alphabet == "ipa" for c in clips for p in c["phones"])
    written = json.loads((reader / "clip0.phone.json").read_text())["w"][0]["w"]
    assert [p.symbol for p in clips[0]["phones"]] == [p["t"] for p in written]


@needs_espeak
def test_a_dialogue_with_the_real_italian_reader_closes_on_its_bilabials(tmp_path):
    reader = _italian_reader(tmp_path / "asterisk_it")
    out = tmp_path / "it.npz"
    align_mod.main(["--phones", str(reader), "--out", str(out)])
    d = make_dialogue(seed=1, index=0, duration=8.0, real=load_aligned(out))
    assert d["language"] == "it"
    a = d["speakers"][0]
    assert a["meta"]["voice"]["speaker"] == "asterisk_it"
    # A's bilabial frames (from the IPA phones) are shut, its open-vowel frames open
    close, jaw = a["values"][:, ARKIT52.index("mouthClose")], a["values"][:, ARKIT52.index("jawOpen")]
    bilabial, open_ = a["phone_class"] == PHONE_BILABIAL, a["phone_class"] == PHONE_OPEN
    assert bilabial.sum() >= 8 and open_.sum() >= 8
    assert np.median(jaw[bilabial] - close[bilabial]) < 0.05 < np.median(jaw[open_] - close[open_])


def test_phones_needs_a_folder_holding_alignments(tmp_path):
    with pytest.raises(DualTalkError, match="is not a folder"):
        align_mod.main(["--phones", str(tmp_path / "missing"), "--out", str(tmp_path / "x.npz")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DualTalkError, match="holds no <stem>.phone.json"):
        align_mod.main(["--phones", str(tmp_path / "empty"), "--out", str(tmp_path / "x.npz")])


@needs_espeak
def test_a_broken_alignment_or_missing_wav_is_skipped_and_named(tmp_path, capsys):
    reader = _italian_reader(tmp_path / "asterisk_it")
    (reader / "broken.phone.json").write_text("{not json")
    (reader / "lonely.phone.json").write_text((reader / "clip0.phone.json").read_text())  # no lonely.wav
    out = tmp_path / "it.npz"
    assert align_mod.main(["--phones", str(reader), "--out", str(out)]) == 0
    assert [c["name"] for c in load_aligned(out)] == ["clip0", "clip1"]
    said = capsys.readouterr().out
    assert "skipped 2" in said and "broken (" in said and "lonely (" in said


@needs_espeak
def test_an_aligned_corpus_already_at_out_is_kept_unless_told_to_replace_it(tmp_path):
    """Minutes of earlier alignment at --out are not written over by a second run without --replace."""
    reader = _italian_reader(tmp_path / "asterisk_it")
    out = tmp_path / "it.npz"
    out.write_bytes(b"my earlier corpus")
    with pytest.raises(
        DualTalkError, match=r"already exists; give --replace to write over it, or another --out"
    ):
        align_mod.main(["--phones", str(reader), "--out", str(out)])
    assert out.read_bytes() == b"my earlier corpus"
    assert align_mod.main(["--phones", str(reader), "--out", str(out), "--replace"]) == 0
    assert [c["name"] for c in load_aligned(out)] == ["clip0", "clip1"]
