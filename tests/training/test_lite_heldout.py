"""``heldout --scripts``: every sentence of every corpus language, with its words and language tag.

The set measures the transcript aligner in each language, so each clip carries what is said
(``<stem>.txt`` and the alignment's text) and a tag the evaluator turns into the language the
words are read in. The default and ``--english`` sets, whose scores MODEL_CARD.md reports, must
not change: their clips (stems, tags, voices, texts) are pinned by a digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.training.lite import heldout
from dualtalk.training.lite.languages import HELDOUT_VARIANTS, LANGUAGES

# sha-256 of each set's clips as written before --scripts existed (stem, tag, text, voice per clip)
PINNED = {
    "generate_heldout": (60, "607b3dd376f9bd117a587984f3c230f0af28ab0f526ada9b3b4e5e25545fac7f"),
    "generate_english": (84, "a861c5c80fcb6bb3875570d7d41cba49945022c03954750a8467c3aa2c64b61a"),
}


def _spied(monkeypatch, tmp_path, make: str) -> list[list[str]]:
    """The clips ``make`` writes, with espeak-ng and the writer replaced by spies (nothing is spoken)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(heldout, "speak", lambda text, voice: SimpleNamespace(text=text, voice=voice))
    monkeypatch.setattr(
        heldout,
        "write_clip",
        lambda out, stem, lang, utt: calls.append([stem, lang, utt.text, repr(utt.voice)]),
    )
    stems = getattr(heldout, make)(tmp_path)
    assert stems == [c[0] for c in calls]
    return calls


@pytest.mark.parametrize("make", sorted(PINNED))
def test_the_default_and_english_sets_are_the_clips_they_always_were(monkeypatch, tmp_path, make):
    calls = _spied(monkeypatch, tmp_path, make)
    digest = hashlib.sha256(json.dumps(calls, ensure_ascii=False).encode()).hexdigest()
    assert (len(calls), digest) == PINNED[make], f"{make} writes other clips than MODEL_CARD.md measured"
    assert not list(tmp_path.glob("*.txt")), "only --scripts writes <stem>.txt"


def test_scripts_speak_every_sentence_of_every_language_in_the_held_out_voices(monkeypatch, tmp_path):
    calls = _spied(monkeypatch, tmp_path, "generate_scripts")
    rates = len(heldout.RATES)
    assert len(calls) == len(LANGUAGES) * 8 * len(HELDOUT_VARIANTS) * rates == 448
    for code, lang in LANGUAGES.items():
        mine = [c for c in calls if c[0].startswith(code) and c[0][len(code)].isdigit()]
        assert [c[2] for c in mine] == [
            t for t in lang.sentences for _ in range(len(HELDOUT_VARIANTS) * rates)
        ]
        assert {c[1] for c in mine} == {"pt-br" if code == "pt" else code}  # the variety the voice speaks
        assert all(f"name='{lang.voice}+" in c[3] for c in mine)
    assert calls[0][0] == "es1_m7_normal" and calls[-1][0] == "pl8_f5_fast"
    assert len({c[0] for c in calls}) == 448
    # each clip's words beside it, as the evaluator's --transcripts reads them
    assert sorted(p.stem for p in tmp_path.glob("*.txt")) == sorted(c[0] for c in calls)
    assert (tmp_path / "cmn3_m7_fast.txt").read_text(encoding="utf-8") == LANGUAGES["cmn"].sentences[2] + "\n"


def test_the_scripts_flag_writes_the_set_and_excludes_the_others(monkeypatch, tmp_path, capsys):
    seen = []
    monkeypatch.setattr(heldout, "generate_scripts", lambda out: seen.append(out) or ["a", "b"])
    assert heldout.main(["--out", str(tmp_path), "--scripts"]) == 0
    assert seen == [str(tmp_path)] and "wrote 2 held-out clips" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        heldout.main(["--out", str(tmp_path), "--scripts", "--english"])


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_script_clips_are_read_back_with_their_words_and_the_language_to_read_them_in(monkeypatch, tmp_path):
    """Real espeak-ng, the two languages with a twist: Mandarin in pinyin, Portuguese spoken as pt-br."""
    from dualtalk.training.evaluation.cmd_lipsync import transcript_language
    from dualtalk.training.evaluation.lipsync import find_alignments

    two = {code: replace(LANGUAGES[code], sentences=LANGUAGES[code].sentences[:1]) for code in ("cmn", "pt")}
    monkeypatch.setattr(heldout, "LANGUAGES", two)
    monkeypatch.setattr(heldout, "HELDOUT_VARIANTS", ("f5",))
    monkeypatch.setattr(heldout, "RATES", {"fast": 1.5})
    assert heldout.generate_scripts(tmp_path) == ["cmn1_f5_fast", "pt1_f5_fast"]
    cmn, pt = find_alignments(tmp_path)
    assert cmn.words == LANGUAGES["cmn"].sentences[0] and cmn.lang == "cmn" and cmn.alphabet == "ipa"
    assert pt.words == LANGUAGES["pt"].sentences[0] and pt.lang == "pt-br"
    assert transcript_language(cmn) == "cmn-latn-pinyin"  # pinyin read as pinyin, not as Han characters
    assert transcript_language(pt) == "pt-br"
