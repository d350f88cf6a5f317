"""The shipped lite model speaks other languages: lips close on their bilabials, open on their vowels.

Spanish and German sentences the corpus never contained, in espeak-ng voices the corpus
never used (the held-out variants), scored with the published lip-sync evaluator
against espeak-ng's exact IPA phone timings.
"""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.training.evaluation.cmd_lipsync import evaluate_lipsync
from dualtalk.training.lite.heldout import write_clip
from dualtalk.training.lite.languages import HELDOUT_VARIANTS

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SENTENCES = {
    "es": "Mi papá pide un bocadillo de jamón para el almuerzo.",
    "de": "Mein Vater baut im Mai ein Boot aus Pappe.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_a_held_out_voice_in_another_language_closes_on_bilabials_and_opens_on_open_vowels(tmp_path, lang):
    for variant in HELDOUT_VARIANTS:
        female = variant.startswith("f")
        voice = Voice("espeak", f"{lang}+{variant}", 1.1, 65.0 if female else 40.0, 60.0, female)
        write_clip(tmp_path, f"{lang}_{variant}", lang, speak(SENTENCES[lang], voice))
    report = evaluate_lipsync(tmp_path, engine="lite")
    model, flap = report["pooled"]["model"], report["pooled"]["lipflap"]
    assert model["closure_rate"] >= 0.9, model
    assert model["open_vs_mbp_auc"] >= 0.9, model  # open vowels are open where bilabials are shut
    # (the stricter "open vowel never shut" rate is still 36 % in Spanish: MODEL_CARD.md, limits)
    assert model["closure_rate"] > flap["closure_rate"] + 0.5, "far better than a loudness lip flap"


def test_the_english_held_out_set_carries_each_clips_words_for_transcript_scoring(tmp_path):
    """``heldout --english``: 7 sentences x 3 accents x 2 voices x 2 rates, each alignment with its text."""
    from dualtalk.training.evaluation.lipsync import find_alignments
    from dualtalk.training.lite.heldout import ENGLISH_MORE, generate_english

    stems = generate_english(tmp_path)
    clips = find_alignments(tmp_path)
    assert len(stems) == len(clips) == 84 and sorted(stems) == [c.stem for c in clips]
    assert {c.words for c in clips} == {text for text in ENGLISH_MORE}


def test_held_out_clips_are_written_in_plain_ipa_the_evaluator_reads(tmp_path):
    """Kyrgyz "ч" comes from espeak as its mnemonic "tS": the evaluator reads IPA only and dropped it."""
    import json

    from dualtalk.training.evaluation.phone_classes import classify

    write_clip(tmp_path, "ky_m7", "ky", speak("чоң шаар", Voice("espeak", "ky+m7")))
    utterance = json.loads((tmp_path / "ky_m7.phone.json").read_text(encoding="utf-8"))
    phones = [p["t"] for word in utterance["w"] for p in word["w"]]
    assert "tʃ" in phones and "ʃ" in phones and "ŋ" in phones, phones
    assert all(classify(p, "ipa") is not None for p in phones), phones
