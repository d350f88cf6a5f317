"""A pipeline TD logs what each shot's run reports: ``pipeline.summary(take)`` reads as a record of facts
(no base64 blob of the recording's loudness envelopes, which stay in the motion files where the
recording checks read them), and ``format_report`` of motions scored from Python says nothing it does
not know (no empty ``model =``)."""

from __future__ import annotations

import json

import addon_helpers as ah
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.core.request import Request
from dualtalk.inference.pipeline import run, summary
from dualtalk.training.evaluation.lipsync import (
    AlignedClip,
    AlignedPhone,
    classify,
    evaluate_clips,
    format_report,
    lipflap_features,
)


def test_the_logged_summary_holds_no_envelope_blob_and_the_take_keeps_it(tmp_path):
    ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=4.0)
    take = run(Request(audio=str(tmp_path / "talk.wav"), engine="lite", rounds=1), tmp_path / "take")
    facts = summary(take)
    logged = json.dumps(facts, default=str)
    assert "env" not in facts["source"]["sound"] and len(logged) < 2000, logged
    assert facts["source"]["sound"]["samples"] == [64000] and facts["source"]["fingerprint"]
    # what the recording checks read is untouched: the take in memory and its motion file
    assert take.dialogue.source["sound"]["env"]
    assert load_motion(take.path_a).meta["source"]["sound"]["env"] == take.dialogue.source["sound"]["env"]


def test_format_report_of_motions_scored_from_python_has_no_empty_model_name(tmp_path):
    ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=2.0)
    take = run(Request(audio=str(tmp_path / "talk.wav"), engine="lite", rounds=1), tmp_path / "take")
    phones = [
        AlignedPhone(s, 0.2 + 0.12 * i, 0.32 + 0.12 * i, classify(s, "arpabet"))
        for i, s in enumerate(["M", "AA1", "M", "AH0", "B", "IY1"])
    ]
    flap = lipflap_features(take.dialogue.a, take.motion_a.num_frames)
    report = evaluate_clips([AlignedClip("talk", take.path_a, phones)], [take.motion_a], [flap])
    first = format_report(report).splitlines()[0]
    assert first.startswith("lip sync by phone class: 1 clip(s), ") and "model =" not in first, first
    named = format_report({**report, "source": "lite"}).splitlines()[0]
    assert named.endswith(", model = lite"), named
