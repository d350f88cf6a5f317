"""Aligning real speech in any language by warping espeak-ng's reading of the transcript onto it."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.training.evaluation.lipsync import find_alignments, write_alignment
from dualtalk.training.evaluation.phone_classes import BILABIAL
from dualtalk.training.lite import align_tts

needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
needs_both = pytest.mark.skipif(
    {"espeak", "flite"} - set(available_engines()), reason="espeak-ng and flite needed"
)

SENTENCES = (
    "Maybe my brother will buy a bigger boat in February.",
    "Please pass me the apple pie before the movie begins.",
    "My mother baked a plum cake for the party.",
)


def test_warping_identical_sequences_walks_the_diagonal():
    x = np.random.default_rng(0).normal(size=(30, 4))
    cost = np.linalg.norm(x[:, None] - x[None, :], axis=-1)
    path = align_tts.dtw_path(cost)
    assert path.tolist() == [[i, i] for i in range(30)]


def test_warping_recovers_a_known_stretch():
    # y plays the first half of x at half speed (each frame twice), the rest as is.
    x = np.cumsum(np.random.default_rng(1).normal(size=(40, 3)), axis=0)
    y = np.concatenate([np.repeat(x[:20], 2, axis=0), x[20:]])
    cost = np.linalg.norm(x[:, None] - y[None, :], axis=-1)
    path = align_tts.dtw_path(cost, step_penalty=0.1)
    assert path[0].tolist() == [0, 0] and path[-1].tolist() == [39, 59]
    assert np.all(np.diff(path, axis=0) >= 0) and np.all(np.diff(path, axis=0).sum(1) >= 1)
    mapped = align_tts.warp_times(path, [0.05, 0.15, 0.25, 0.35], hop_s=0.01)
    assert np.allclose(mapped, [0.10, 0.30, 0.45, 0.55], atol=0.011)


def test_warping_refuses_an_empty_matrix():
    with pytest.raises(align_tts.DualTalkError, match="non-empty"):
        align_tts.dtw_path(np.zeros((0, 5)))


@needs_espeak
def test_one_voice_warped_onto_another_finds_its_bilabials():
    """Same text, another accent, voice and speed: the warp must land each bilabial within a frame."""
    errors = []
    for i, text in enumerate(SENTENCES):
        other = speak(
            text, Voice("espeak", ["en-gb-x-rp+f3", "en-us+m5", "en-029+f2"][i], [1.0, 1.25, 0.85][i], 70)
        )
        ours = align_tts.align_transcript(other.audio, text, "en-us")
        errors += align_tts.onset_errors(ours, other.phones, "ipa", "ipa")[BILABIAL]
    assert len(errors) >= 15
    assert np.median(np.abs(errors)) <= 0.02


@needs_both
def test_espeak_phones_sit_on_the_sound_like_flites():
    """espeak-ng's events run ~20 ms late; with the correction its bilabials start where flite's do."""
    errors = []
    for i, text in enumerate(SENTENCES):
        flite = speak(text, Voice("flite", ["kal", "slt", "awb"][i]))
        ours = align_tts.align_transcript(flite.audio, text, "en-us")
        errors += align_tts.onset_errors(ours, flite.phones, "ipa", "arpabet")[BILABIAL]
    assert len(errors) >= 15
    assert abs(np.mean(errors)) <= 0.012  # without the correction: +24 ms


@needs_espeak
def test_a_transcribed_folder_becomes_scorable_alignments(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    utt = speak("Un pobre muchacho compra pan bueno.", Voice("espeak", "es+m3", 1.1))
    write_alignment(corpus, "clip", utt.audio, utt.phones, alphabet="ipa", lang="es")
    (corpus / "clip.phone.json").rename(tmp_path / "truth.json")
    (corpus / "clip.lab").write_text("Un pobre muchacho compra pan bueno.\n", encoding="utf-8")
    truth = tmp_path / "truth"
    truth.mkdir()
    (tmp_path / "truth.json").rename(truth / "clip.phone.json")
    (truth / "clip.wav").write_bytes((corpus / "clip.wav").read_bytes())
    out = tmp_path / "aligned"
    rc = align_tts.main(["--corpus", str(corpus), "--lang", "es", "--out", str(out), "--truth", str(truth)])
    assert rc == 0
    (clip,) = find_alignments(out)
    assert clip.lang == "es" and clip.alphabet == "ipa"
    bilabials = [p for p in clip.phones if BILABIAL in p.classes]
    assert len(bilabials) >= 5
    printed = capsys.readouterr().out
    assert "aligned 1 clips" in printed and "bilabial" in printed


def test_a_folder_without_transcripts_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "a.wav").write_bytes(b"")
    rc = align_tts.main(["--corpus", str(tmp_path), "--lang", "es", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and err.startswith("error: no audio file")
    assert not (tmp_path / "o").exists()


def test_a_transcript_that_is_not_utf8_is_one_line(tmp_path, capsys):
    (tmp_path / "a.wav").write_bytes(b"")
    (tmp_path / "a.lab").write_bytes("caf\xe9".encode("latin-1"))
    rc = align_tts.main(["--corpus", str(tmp_path), "--lang", "fr", "--out", str(tmp_path / "o")])
    assert rc == 2 and capsys.readouterr().err == "error: a.lab is not UTF-8 text\n"


@needs_espeak
def test_a_clip_too_long_to_warp_at_once_is_refused_with_the_fix(monkeypatch):
    utt = speak("Maybe my brother will buy a bigger boat.", Voice("espeak", "en-us"))
    monkeypatch.setattr(align_tts, "MAX_CELLS", 100)
    with pytest.raises(align_tts.DualTalkError, match="split it into utterances of up to 2 minutes"):
        align_tts.align_transcript(utt.audio, utt.text, "en-us")


@needs_espeak
def test_a_missing_corpus_or_an_unknown_voice_is_one_line(tmp_path, capsys):
    rc = align_tts.main(["--corpus", str(tmp_path / "nope"), "--lang", "es", "--out", str(tmp_path / "o")])
    assert rc == 2 and capsys.readouterr().err == f"error: corpus folder not found: {tmp_path / 'nope'}\n"
    utt = speak("Hola.", Voice("espeak", "es"))
    write_alignment(tmp_path, "a", utt.audio, [], alphabet="ipa", lang="es")
    (tmp_path / "a.lab").write_text("Hola.", encoding="utf-8")
    rc = align_tts.main(
        ["--corpus", str(tmp_path), "--lang", "es", "--voice", "xx-nowhere", "--out", str(tmp_path / "o")]
    )
    assert rc == 2 and capsys.readouterr().err == "error: espeak-ng has no voice 'xx-nowhere'\n"
    assert not (tmp_path / "o").exists()


@needs_espeak
def test_an_alignment_in_a_language_espeak_writes_with_mnemonics_is_plain_ipa():
    """Kyrgyz voices write ʃ and tʃ as espeak's own "S" and "tS": the written .phone.json carries
    the IPA letters, so the evaluator (which reads IPA, not espeak) classifies every phone."""
    from dualtalk.training.evaluation.phone_classes import classify

    text = "Чоң шаарда жаш балдар ойношот."
    real = speak(text, Voice("espeak", "ky", 1.1, 60))
    ours = align_tts.align_transcript(real.audio, text, "ky")
    symbols = [p.symbol for p in ours]
    assert any("ʃ" in s for s in symbols) and not any(c in s for s in symbols for c in "SN")
    assert all(classify(s, "ipa") is not None for s in symbols), symbols
