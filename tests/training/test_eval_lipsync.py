"""`eval lipsync` judges lips per phone class against true phone timings.

Hand-made phone tables and synthetic mouth curves with known answers: a mouth that shuts
on every M/B/P scores 100 %, a mouth that never moves scores 0 %, a mouth that is late
by k frames reports k x 40 ms, and a feature that separates two classes has AUC 1. The
command line reads the LibriVox layout, checks its input, and sets the model beside a
loudness lip-flap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion
from dualtalk.training.evaluation.lipsync import (
    TARGETS,
    AlignedPhone,
    auc,
    bootstrap_intervals,
    evaluate_clips,
    exact_rate_range,
    format_report,
    lipflap,
    mouth_features,
    paired_intervals,
    read_alignment,
    score_phones,
    summarize,
)
from dualtalk.training.evaluation.phone_classes import (
    BILABIAL,
    CONSONANT,
    LABIODENTAL,
    OPEN,
    ROUNDED,
    SILENCE,
    SPREAD,
    VOWEL,
    classify,
)

FPS = 25
SR = 16000
# "maybe a few more bits of food, please, father": every class, 3 frames (120 ms) a phone
WORDS = [
    ["SIL"],
    ["M", "EY1", "B", "IY0"],
    ["AH0"],
    ["F", "Y", "UW1"],
    ["M", "AO1", "R"],
    ["B", "IH1", "T", "S"],
    ["AH1", "V"],
    ["F", "UW1", "D"],
    ["P", "L", "IY1", "Z"],
    ["F", "AA1", "DH", "ER0"],
    ["SIL"],
]
PHONE_FRAMES = 3


def phones_of(words: list[list[str]] = WORDS, frames: int = PHONE_FRAMES) -> list[AlignedPhone]:
    out, t = [], 0.0
    for word in words:
        for sym in word:
            out.append(AlignedPhone(sym, t, t + frames / FPS, classify(sym, "arpabet")))
            t += frames / FPS
    return out


def ideal_motion(phones: list[AlignedPhone], num_frames: int) -> np.ndarray:
    """(T, 55) ARKit weights of a careful speaker: shut on M/B/P, teeth on lip for F/V, round on UW/OW."""
    v = np.zeros((num_frames, len(ARKIT55)), np.float32)
    col = {n: i for i, n in enumerate(ARKIT55)}
    for p in phones:
        lo, hi = round(p.start * FPS), round(p.end * FPS)
        if VOWEL in p.classes:
            v[lo:hi, col["jawOpen"]] = 0.6 if OPEN in p.classes else 0.35
            v[lo:hi, col["mouthLowerDownLeft"]] = v[lo:hi, col["mouthLowerDownRight"]] = 0.2
        elif BILABIAL in p.classes:
            v[lo:hi, col["jawOpen"]] = 0.1
            v[lo:hi, col["mouthClose"]] = 0.1
        elif CONSONANT in p.classes:
            v[lo:hi, col["jawOpen"]] = 0.3
        if LABIODENTAL in p.classes:
            v[lo:hi, col["mouthRollLower"]] = 0.5
            v[lo:hi, col["mouthUpperUpLeft"]] = v[lo:hi, col["mouthUpperUpRight"]] = 0.2
        if ROUNDED in p.classes:
            v[lo:hi, col["mouthFunnel"]] = 0.3
            v[lo:hi, col["mouthPucker"]] = 0.4
    return v


def features(values: np.ndarray) -> dict[str, np.ndarray]:
    return mouth_features(values, ARKIT55)


def frames_of(phones: list[AlignedPhone]) -> int:
    return round(phones[-1].end * FPS)


# ------------------------------------------------------------------ the tables


def test_arpabet_and_ipa_classes_agree_on_the_same_sounds():
    assert classify("M", "arpabet") == {CONSONANT, BILABIAL}
    assert classify("ae1", "arpabet") == {VOWEL, SPREAD, OPEN}  # stress digits and case ignored
    assert classify("UW0", "arpabet") == {VOWEL, ROUNDED}
    assert classify("+NSN+", "arpabet") == {SILENCE}
    assert classify("ʃ", "arpabet") is None
    assert classify("m", "ipa") == {CONSONANT, BILABIAL}
    assert classify("ɱ", "ipa") == {CONSONANT, LABIODENTAL}
    assert classify("ˈuː", "ipa") == {VOWEL, ROUNDED}  # stress and length dropped
    assert classify("aɪ", "ipa") == {VOWEL, OPEN}
    assert classify("eɪ", "ipa") == {VOWEL, SPREAD}
    assert classify("ɔɪ", "ipa") == {VOWEL, ROUNDED}
    assert classify("æ", "ipa") == {VOWEL, SPREAD, OPEN}
    assert classify("pʰ", "ipa") == {CONSONANT, BILABIAL}  # aspiration is a modifier letter
    assert classify("pf", "ipa") == {CONSONANT, BILABIAL}  # German affricate starts with a closure
    assert classify("t͡ʃ", "ipa") == {CONSONANT}
    assert classify("β", "ipa") == {CONSONANT}  # Spanish approximant b: lips need not meet
    assert classify("ã", "ipa") == {VOWEL, OPEN}  # nasalisation is a combining mark
    assert classify("_", "ipa") == {SILENCE}
    assert classify("ɫ", "ipa") == {CONSONANT}
    assert classify("ʲ", "ipa") == frozenset()  # a lone palatalisation mark has no class
    assert classify("Q!", "ipa") is None


# ------------------------------------------------------------------ known answers


def test_a_mouth_that_closes_on_every_bilabial_scores_100_percent():
    phones = phones_of()
    s = summarize([score_phones(features(ideal_motion(phones, frames_of(phones))), phones)])
    assert s["closure_rate"] == 1.0
    assert s["open_closed_rate"] == 0.0
    assert s["fv_auc"] == 1.0
    assert s["round_auc"] == 1.0
    assert s["open_vs_mbp_auc"] == 1.0
    assert s["offset_ms"] == pytest.approx(0.0, abs=1.0)
    assert s["offset_ok"] is True


def test_a_flat_mouth_scores_0_percent_and_separates_nothing():
    phones = phones_of()
    values = np.zeros((frames_of(phones), len(ARKIT55)), np.float32)
    values[:, ARKIT55.index("jawOpen")] = 0.3
    s = summarize([score_phones(features(values), phones)])
    assert s["closure_rate"] == 0.0
    assert s["open_closed_rate"] == 0.0
    assert s["fv_auc"] == s["round_auc"] == s["open_vs_mbp_auc"] == 0.5
    assert s["offset_ms"] is None and s["offset_ok"] is None  # no motion, no timing


def test_a_mouth_shut_throughout_closes_on_bilabials_but_the_open_vowel_row_catches_it():
    phones = phones_of()
    s = summarize([score_phones(features(np.zeros((frames_of(phones), len(ARKIT55)))), phones)])
    assert s["closure_rate"] == 1.0
    assert s["open_closed_rate"] == 1.0


def test_closure_forgives_one_frame_of_timing_but_not_two():
    # fast speech: one frame (40 ms) a phone, bilabials four phones apart
    phones = phones_of([["SIL"], "AA T AA M AA T AA B AA S AA P AA".split(), ["SIL"]], frames=1)
    ideal = ideal_motion(phones, frames_of(phones))
    one_late = np.concatenate([ideal[:1], ideal[:-1]])
    two_late = np.concatenate([ideal[:2], ideal[:-2]])
    assert summarize([score_phones(features(one_late), phones)])["closure_rate"] == 1.0
    assert summarize([score_phones(features(two_late), phones)])["closure_rate"] == 0.0


@pytest.mark.parametrize("shift", [-2, -1, 1, 2, 3])
def test_a_shifted_mouth_reports_its_shift_with_the_right_sign(shift):
    phones = phones_of()
    n = frames_of(phones)
    ideal = ideal_motion(phones, n)
    pad = np.repeat(ideal[:1], abs(shift), axis=0)
    # shift > 0: the mouth does at frame t + shift what the sound did at t (the mouth lags)
    moved = np.concatenate([pad, ideal[:-shift]]) if shift > 0 else np.concatenate([ideal[-shift:], pad])
    s = summarize([score_phones(features(moved), phones)])
    assert s["offset_ms"] == pytest.approx(shift * 1000 / FPS, abs=4.0)
    assert s["offset_ok"] is (-40 <= shift * 40 <= 20)


def test_auc_of_a_perfectly_separating_feature_is_one():
    assert auc([0.5, 0.7, 0.9], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert auc([0.1, 0.2], [0.5, 0.7]) == 0.0
    assert auc([1.0, 2.0], [0.0, 1.5]) == 0.75  # 3 of 4 pairs in order
    assert auc([1.0], [1.0, 1.0]) == 0.5  # ties count half
    assert auc([], [1.0]) is None


def test_the_lip_flap_opens_the_jaw_with_loudness_and_has_no_lip_shapes():
    audio = np.zeros(SR, np.float32)
    audio[8000:12000] = np.random.default_rng(0).standard_normal(4000) * 0.2
    jaw = lipflap(audio, 25)
    assert jaw.shape == (25,)
    assert jaw[13:18].min() > 0.5 and jaw[:11].max() == 0.0 and jaw[20:].max() == 0.0
    assert jaw.max() <= 1.0


def test_pooling_weighs_every_phone_once():
    phones = phones_of()
    n = frames_of(phones)
    good = score_phones(features(ideal_motion(phones, n)), phones)
    flat = np.zeros((n, len(ARKIT55)), np.float32)
    flat[:, ARKIT55.index("jawOpen")] = 0.3
    bad = score_phones(features(flat), phones)
    assert summarize([good, bad])["closure_rate"] == 0.5


# ------------------------------------------------------------------ files and the command line


def write_clip(folder: Path, stem: str, words: list[list[str]] = WORDS, ipa: dict | None = None) -> int:
    """<stem>.phone.json in the LibriVox layout + a noise <stem>.wav of the same length; frames."""
    phones = phones_of(words)
    doc_words = []
    i = 0
    for word in words:
        ps = phones[i : i + len(word)]
        i += len(word)
        doc_words.append(
            {
                "t": "-".join(word).lower(),
                "b": ps[0].start,
                "d": ps[-1].end - ps[0].start,
                "w": [
                    {"t": p.symbol, "b": round(p.start, 3), "d": round(p.end - p.start, 3), "p": 1.0}
                    for p in ps
                ],
            }
        )
    doc = {"t": "test", "b": 0.0, "d": phones[-1].end, "w": doc_words, **(ipa or {})}
    (folder / f"{stem}.phone.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    n = frames_of(phones)
    audio = np.random.default_rng(1).standard_normal(n * SR // FPS).astype(np.float32) * 0.1
    sf.write(folder / f"{stem}.wav", audio, SR)
    return n


def write_motion(path: Path, values: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_motion(path, Motion(space="arkit55", values=values, engine="lite"))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m dualtalk eval lipsync ARGS`` run in this process (cli_in_process): no Python and
    torch started for each; the old ``eval --pred --gt`` below still goes through a real command line."""
    return run_dualtalk("eval", "lipsync", *args)


def test_reading_the_librivox_layout_and_its_ipa_variant(tmp_path):
    write_clip(tmp_path, "en")
    clip = read_alignment(tmp_path / "en.phone.json")
    assert clip.stem == "en" and clip.alphabet == "arpabet" and clip.lang == "en"
    assert [p.symbol for p in clip.phones[:3]] == ["SIL", "M", "EY1"]
    assert clip.phones[1].start == pytest.approx(0.12) and clip.phones[1].end == pytest.approx(0.24)
    ipa_words = [["_"], ["ˈm", "a"], ["p", "ˈo"], ["f", "i"], ["β", "ɔ"], ["_"]]
    write_clip(tmp_path, "es", ipa_words, {"alphabet": "ipa", "lang": "es"})
    es = read_alignment(tmp_path / "es.phone.json")
    assert es.alphabet == "ipa" and es.lang == "es"
    assert [BILABIAL in p.classes for p in es.phones] == [False, True, False, True, False, False, False] + [
        False
    ] * 3


def test_the_command_scores_motion_files_beside_the_lip_flap(tmp_path):
    aligned, pred = tmp_path / "aligned", tmp_path / "pred"
    aligned.mkdir()
    n = write_clip(aligned, "one")
    write_clip(aligned, "two", WORDS[:6] + [["SIL"]])
    phones_two = phones_of(WORDS[:6] + [["SIL"]])
    write_motion(pred / "one.npz", ideal_motion(phones_of(), n))
    write_motion(pred / "two" / "A.npz", ideal_motion(phones_two, frames_of(phones_two)))  # an infer run
    out = run_cli("--aligned", aligned, "--pred", pred, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)  # JSON alone, as the other eval commands print it (review rv43b F4)
    table = format_report(report)
    assert "M/B/P closed" in table and "lip-flap" in table
    assert ", scored at 25 fps, model = " in table.splitlines()[0]  # the rate it scored at, said
    assert report["clips"] == 2 and [c["clip"] for c in report["per_clip"]] == ["one", "two"]
    model, flap = report["pooled"]["model"], report["pooled"]["lipflap"]
    assert model["closure_rate"] == 1.0 and model["fv_auc"] == 1.0 and model["open_vs_mbp_auc"] == 1.0
    assert flap["fv_auc"] == 0.5 and flap["round_auc"] == 0.5  # a jaw alone shapes no lips
    assert report["pooled"]["model_meets"]["closure_rate"] is True


def test_a_rate_where_every_phone_passed_gets_the_exact_binomial_range():
    """29 of 29 bilabials closed, as on LibriVox: a resampling can only say 100-100 %."""
    assert exact_rate_range(np.ones(29, bool)) == pytest.approx([0.8806, 1.0], abs=1e-4)
    assert exact_rate_range(np.zeros(42, bool)) == pytest.approx([0.0, 0.0841], abs=1e-4)
    five_of_42 = np.r_[np.ones(5, bool), np.zeros(37, bool)]
    assert exact_rate_range(five_of_42) == pytest.approx([0.0398, 0.2563], abs=1e-4)
    assert exact_rate_range(np.zeros(0, bool)) is None


def test_each_row_can_carry_the_range_its_few_phones_allow(tmp_path):
    phones = phones_of()
    ideal = score_phones(features(ideal_motion(phones, frames_of(phones))), phones)
    r = bootstrap_intervals([ideal], rounds=300)
    # every bilabial closed and no open vowel shut: still not a certainty on this few phones
    n_mbp, n_open = len(ideal.closed_bilabial), len(ideal.closed_open)
    assert r["closure_rate"] == pytest.approx([0.025 ** (1 / n_mbp), 1.0])
    assert r["open_closed_rate"] == pytest.approx([0.0, 1 - 0.025 ** (1 / n_open)])
    assert r["fv_auc"] == [1.0, 1.0]
    # a mouth that misses some closures: the range holds the value and has a width
    values = ideal_motion(phones, frames_of(phones))
    values[:, ARKIT55.index("mouthClose")] *= 0.0
    values[:, ARKIT55.index("jawOpen")] += np.random.default_rng(1).uniform(0, 0.3, len(values))
    sloppy = score_phones(features(values), phones)
    value = summarize([sloppy])["closure_rate"]
    lo, hi = bootstrap_intervals([sloppy], rounds=300)["closure_rate"]
    assert lo <= value <= hi and hi - lo > 0.05
    assert bootstrap_intervals([sloppy], rounds=300) == bootstrap_intervals([sloppy], rounds=300)

    aligned, pred = tmp_path / "aligned", tmp_path / "pred"
    aligned.mkdir()
    n = write_clip(aligned, "one")
    write_motion(pred / "one.npz", ideal_motion(phones_of(), n))
    out = run_cli("--aligned", aligned, "--pred", pred, "--bootstrap", "200", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert "model 95 % range" in format_report(report) and "200 resamplings" in format_report(report)
    low, high = report["pooled"]["model_range"]["closure_rate"]
    assert 0.0 < low < 1.0 and high == 1.0
    assert report["pooled"]["lipflap_range"]["fv_auc"] == [0.5, 0.5]
    bad = run_cli("--aligned", aligned, "--pred", pred, "--bootstrap", "5")
    assert bad.returncode == 2 and bad.stderr.strip().splitlines() == [
        "error: --bootstrap must be 0 (off) or 100-100000, got 5"
    ]


def test_a_candidate_is_compared_with_other_motion_on_the_very_same_phones(tmp_path):
    aligned, pred, old = tmp_path / "aligned", tmp_path / "pred", tmp_path / "old"
    aligned.mkdir()
    n = write_clip(aligned, "one")
    write_motion(pred / "one.npz", ideal_motion(phones_of(), n))
    flat = np.zeros((n, len(ARKIT55)), np.float32)
    flat[:, ARKIT55.index("jawOpen")] = 0.3  # never closes, never shapes the lips
    write_motion(old / "one.npz", flat)
    out = run_cli("--aligned", aligned, "--pred", pred, "--against", old, "--bootstrap", "200", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert f"against {old}" in format_report(report)
    vs = report["against"]
    assert vs["rounds"] == 200 and vs["model"]["closure_rate"] == 0.0
    closure = vs["rows"]["closure_rate"]
    assert closure["change"] == 1.0 and closure["verdict"] == "better"
    assert vs["rows"]["fv_auc"]["change"] == 0.5 and vs["rows"]["fv_auc"]["verdict"] == "better"
    # neither shuts an open vowel: no change, and nothing shown
    assert vs["rows"]["open_closed_rate"] == {"change": 0.0, "range": [0.0, 0.0], "verdict": "not shown"}
    # the other way round it is worse, by the row's own direction
    back = run_cli("--aligned", aligned, "--pred", old, "--against", pred, "--json")
    rows = json.loads(back.stdout.strip().splitlines()[-1])["against"]["rows"]
    assert rows["closure_rate"]["verdict"] == "worse" and rows["closure_rate"]["change"] == -1.0


def test_paired_ranges_need_the_same_phones_and_see_no_change_in_a_copy():
    phones = phones_of()
    ideal = score_phones(features(ideal_motion(phones, frames_of(phones))), phones)
    same = paired_intervals([ideal], [ideal], rounds=100)
    assert all(r is not None and r["change"] == 0.0 and r["verdict"] == "not shown" for r in same.values())
    shorter = phones_of(WORDS[:4] + [["SIL"]])
    other = score_phones(features(ideal_motion(shorter, frames_of(shorter))), shorter)
    with pytest.raises(DualTalkError, match="same clips and phones"):
        paired_intervals([ideal], [other])


def test_weights_against_themselves_change_nothing_and_a_missing_file_is_one_line(tmp_path):
    from dualtalk.inference.models.lite.model import DEFAULT_WEIGHTS

    aligned = tmp_path / "aligned"
    aligned.mkdir()
    write_clip(aligned, "one")
    out = run_cli("--aligned", aligned, "--against", DEFAULT_WEIGHTS, "--json")
    assert out.returncode == 0, out.stderr
    vs = json.loads(out.stdout.strip().splitlines()[-1])["against"]
    assert vs["source"].startswith("lite engine ")
    assert all(r is None or (r["change"] == 0.0 and r["verdict"] == "not shown") for r in vs["rows"].values())
    bad = run_cli("--aligned", aligned, "--against", tmp_path / "nope.pt")
    assert bad.returncode == 2 and bad.stderr.strip().splitlines() == [
        f"error: --against {tmp_path / 'nope.pt'}: no such weights file or motion folder"
    ]


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("no-aligned-dir", "aligned folder not found"),
        ("malformed-json", "is not valid JSON"),
        ("deeply-nested-json", "levels deep"),
        ("no-words", "list of words"),
        ("negative-duration", "negative start or duration"),
        ("ipa-without-lang", "needs a language tag"),
        ("ipa-in-arpabet-file", '"alphabet": "ipa"'),
        ("short-motion", "must be the same take"),
        ("missing-motion", "no motion for one"),
        ("no-pred-dir", "prediction folder not found"),
        ("pred-is-a-file", "is a file; give the folder that holds the motion files"),
        ("flame-motion", "scored on ARKit blendshapes"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(tmp_path, breakage, message):
    aligned, pred = tmp_path / "aligned", tmp_path / "pred"
    aligned.mkdir()
    n = write_clip(aligned, "one")
    write_motion(pred / "one.npz", ideal_motion(phones_of(), n))
    pj = aligned / "one.phone.json"
    doc = json.loads(pj.read_text())
    if breakage == "no-aligned-dir":
        aligned = tmp_path / "nowhere"
    elif breakage == "malformed-json":
        pj.write_text(pj.read_text()[:-5])
    elif breakage == "deeply-nested-json":
        pj.write_text('{"w": ' + "[" * 3000 + "]" * 3000 + "}")
    elif breakage == "no-words":
        pj.write_text(json.dumps({"t": "x"}))
    elif breakage == "negative-duration":
        doc["w"][1]["w"][0]["d"] = -0.1
        pj.write_text(json.dumps(doc))
    elif breakage == "ipa-without-lang":
        pj.write_text(json.dumps({**doc, "alphabet": "ipa"}))
    elif breakage == "ipa-in-arpabet-file":
        for w in doc["w"]:
            for p in w["w"]:
                p["t"] = "ʃ"
        pj.write_text(json.dumps(doc, ensure_ascii=False))
    elif breakage == "short-motion":
        write_motion(pred / "one.npz", ideal_motion(phones_of(), n)[:-10])
    elif breakage == "missing-motion":
        (pred / "one.npz").unlink()
    elif breakage == "no-pred-dir":
        pred = tmp_path / "nopred"
    elif breakage == "pred-is-a-file":
        pred = pred / "one.npz"
    elif breakage == "flame-motion":
        save_motion(pred / "one.npz", Motion(space="flame56", values=np.zeros((n, 56), np.float32)))
    out = run_cli("--aligned", aligned, "--pred", pred)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], out.stderr
    assert out.stdout == ""


def test_without_pred_a_missing_checkpoint_is_one_error_line(tmp_path):
    write_clip(tmp_path, "one")
    out = run_cli("--aligned", tmp_path, "--checkpoint", tmp_path / "missing.pt")
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: checkpoint not found: {tmp_path / 'missing.pt'}"


def test_the_old_eval_command_still_takes_pred_and_gt(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "dualtalk",
            "eval",
            "--pred",
            str(tmp_path / "p"),
            "--gt",
            str(tmp_path / "g"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        out.returncode == 2 and out.stderr.strip() == f"error: prediction folder not found: {tmp_path / 'p'}"
    )


def test_evaluate_clips_pools_per_language(tmp_path):
    write_clip(tmp_path, "en")
    ipa_words = [["_"], ["m", "a"], ["p", "u"], ["f", "i"], ["b", "o"], ["_"]]
    write_clip(tmp_path, "es", ipa_words, {"alphabet": "ipa", "lang": "es"})
    clips = [read_alignment(tmp_path / f"{s}.phone.json") for s in ("en", "es")]
    feats = [features(ideal_motion(c.phones, frames_of(c.phones))) for c in clips]
    report = evaluate_clips(clips, feats, feats)
    assert set(report["by_lang"]) == {"en", "es"}
    assert report["by_lang"]["es"]["model"]["closure_rate"] == 1.0
    table = format_report(report)
    assert "language (model / lip-flap)" in table and "es (1 clips)" in table


# ------------------------------------------------------------------ the real clips


# the weights shipped when the evaluator was written: measured below every target except
# the timing (closure 72 %, F/V 0.69, rounded 0.948, open/MBP 0.85, open shut 24 %; issue 13).
# Any other shipped weights must meet every target.
# lite_v2 (MODEL_CARD.md): closure 97 % and timing meet their targets; F/V 0.82, rounded 0.92,
# open/MBP 0.96 and open shut 24 % still miss theirs.
# lite_v3 (the mean of v2 and a second fine-tune): closure 100 %, F/V 0.919 and timing meet their
# targets; rounded 0.929, open/MBP 0.968 and open shut 17 % still miss theirs. With the lip release
# (round 22, on by default) open/MBP 0.976 meets its target; with the lip rounding (round 23, on by
# default) rounded 0.959 meets its target too; with the round 24 release open shut is 12 % and still misses.
KNOWN_SHORT_WEIGHTS = {
    "00897dfce4fb7f9da784cf4219f164be5a01fce7f7d621ef1c168ce09ab62b3d",
    "283f5bd7aaa678d5f76ee59299319041fa0d4f35e450e7cf17b3266bfc5244ff",
    "2dbbf94f7ce26d72583c7f54c6d8d999415f120d35a08d451da15aff4e26c4a5",
}


@pytest.fixture(scope="module")
def shipped_report(shared_dir: Path) -> dict:
    """The shipped model run as a user runs it (character speaks, partner silent) on the 5 LibriVox clips."""
    from dualtalk.training.evaluation.cmd_lipsync import evaluate_lipsync

    return evaluate_lipsync(shared_dir / "data" / "real_speech" / "librivox", engine="lite")


def test_the_model_run_on_real_read_speech_beats_the_lip_flap(shipped_report):
    assert shipped_report["clips"] == 5 and shipped_report["seconds"] > 20
    model, flap = shipped_report["pooled"]["model"], shipped_report["pooled"]["lipflap"]
    assert model["closure_rate"] > flap["closure_rate"]
    assert model["open_vs_mbp_auc"] > flap["open_vs_mbp_auc"]
    assert model["round_auc"] > 0.5 and model["fv_auc"] > 0.5


@pytest.mark.parametrize("measure", [*TARGETS, "offset_ms"])
def test_the_shipped_model_meets_the_lip_sync_targets_on_real_speech(shipped_report, measure):
    """Regression test of the model as shipped, judged by the published evaluator and the issue's targets."""
    model = shipped_report["pooled"]["model"]
    met = shipped_report["pooled"]["model_meets"][measure]
    if not met and shipped_report["checkpoint_sha256"] in KNOWN_SHORT_WEIGHTS:
        pytest.xfail(f"known weights (KNOWN_SHORT_WEIGHTS) miss this target: {measure} = {model[measure]}")
    assert met, f"{measure} = {model[measure]} misses its target {shipped_report['targets'][measure]}"


def test_lips_drawn_from_each_clips_words_are_scored_against_its_exact_phones(tmp_path):
    """``--transcripts``: the words beside each clip drive the lips (as ``infer --transcript``)."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference.audio.tts import Voice, available_engines, speak
    from dualtalk.training.evaluation.cmd_lipsync import evaluate_lipsync
    from dualtalk.training.evaluation.lipsync import write_alignment

    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    text = "Maybe my brother will buy a bigger boat before February."
    utt = speak(text, Voice("flite", "rms"))  # flite's phone ends are exact: an independent answer
    write_alignment(tmp_path / "clips", "boat", utt.audio, utt.phones, text=text)
    report = evaluate_lipsync(tmp_path / "clips", transcripts=True)
    assert report["transcripts"] == {"clips": 1, "aligned": 1, "not_aligned": []}
    assert report["source"].endswith("+ transcripts")
    assert report["pooled"]["model"]["closure_rate"] == 1.0
    assert report["pooled"]["model"]["fv_auc"] == 1.0
    # a <stem>.txt beside the clip wins over the text inside its alignment; no words is one line
    (tmp_path / "clips" / "boat.txt").write_text("   ", encoding="utf-8")
    with pytest.raises(DualTalkError, match="--transcripts: no words for boat"):
        evaluate_lipsync(tmp_path / "clips", transcripts=True)
    with pytest.raises(DualTalkError, match="does not apply to --pred"):
        evaluate_lipsync(tmp_path / "clips", tmp_path, transcripts=True)


def textgrid(phones: list[AlignedPhone], words: list[tuple[float, float, str]], short: bool = False) -> str:
    """A Praat TextGrid with a words and a phones tier, in Praat's long (MFA's) or short text format."""
    end = phones[-1].end
    words = [(a, b, t.replace('"', '""')) for a, b, t in words]  # Praat doubles a quote inside a label
    tiers = [
        ("words", words),
        ("phones", [(p.start, p.end, "" if p.symbol == "SIL" else p.symbol) for p in phones]),
    ]
    if short:
        rows = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "", "0", str(end), "<exists>", "2"]
        for name, items in tiers:
            rows += ['"IntervalTier"', f'"{name}"', "0", str(end), str(len(items))]
            rows += [x for a, b, t in items for x in (str(a), str(b), f'"{t}"')]
        return "\n".join(rows) + "\n"
    rows = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "", "xmin = 0", f"xmax = {end}",
            "tiers? <exists>", "size = 2", "item []:"]  # fmt: skip
    for k, (name, items) in enumerate(tiers, 1):
        rows += [f"    item [{k}]:", '        class = "IntervalTier"', f'        name = "{name}"',
                 "        xmin = 0", f"        xmax = {end}", f"        intervals: size = {len(items)}"]  # fmt: skip
        for i, (a, b, t) in enumerate(items, 1):
            rows += [f"        intervals [{i}]:", f"            xmin = {a}", f"            xmax = {b}",
                     f'            text = "{t}"']  # fmt: skip
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("short", [False, True], ids=["long", "short"])
def test_a_praat_textgrid_from_a_forced_aligner_is_scored_like_the_librivox_layout(tmp_path, short):
    """MFA writes TextGrids: the same phones as a .phone.json give the same scores."""
    phones = phones_of()
    (tmp_path / "json").mkdir()
    (tmp_path / "grid").mkdir()
    n = write_clip(tmp_path / "json", "clip")
    words = [
        (0.0, phones[1].start, ""),
        (phones[1].start, phones[-1].start, 'maybe a "few" words'),
        (phones[-1].start, phones[-1].end, ""),
    ]
    (tmp_path / "grid" / "clip.TextGrid").write_text(textgrid(phones, words, short), encoding="utf-8")
    (tmp_path / "grid" / "clip.wav").write_bytes((tmp_path / "json" / "clip.wav").read_bytes())
    from dualtalk.training.evaluation.lipsync import find_alignments

    (grid,) = find_alignments(tmp_path / "grid")
    assert grid.text == 'maybe a "few" words' and grid.alphabet == "arpabet"
    assert [(p.symbol, round(p.start, 3), p.classes) for p in grid.phones[1:]] == [
        (p.symbol, round(p.start, 3), p.classes) for p in phones[1:]
    ]
    write_motion(tmp_path / "pred" / "clip.npz", ideal_motion(phones, n))
    reports = [json.loads(run_cli("--aligned", tmp_path / d, "--pred", tmp_path / "pred", "--json").stdout.splitlines()[-1])
               for d in ("json", "grid")]  # fmt: skip
    assert (
        reports[0]["pooled"] == reports[1]["pooled"] and reports[1]["pooled"]["model"]["closure_rate"] == 1.0
    )


ARPABET_TO_IPA = {"M": "m", "EY1": "eɪ", "B": "b", "IY0": "i", "AH0": "ə", "F": "f", "Y": "j", "UW1": "u",
                  "AO1": "ɔ", "R": "ɹ", "IH1": "ɪ", "T": "t", "S": "s", "AH1": "ʌ", "V": "v", "D": "d",
                  "P": "p", "L": "l", "IY1": "i", "Z": "z", "AA1": "ɑ", "DH": "ð", "ER0": "ɚ", "SIL": "SIL"}  # fmt: skip


def test_an_ipa_textgrid_from_an_mfa_ipa_model_is_read_as_ipa(tmp_path):
    """MFA's non-English and english_mfa models label phones in IPA: such a grid was refused with a
    hint (add "alphabet": "ipa") that only a .phone.json can follow."""
    phones = phones_of()
    n = write_clip(tmp_path, "clip")
    (tmp_path / "clip.phone.json").unlink()
    ipa = [AlignedPhone(ARPABET_TO_IPA[p.symbol], p.start, p.end, p.classes) for p in phones]
    ipa[-1] = AlignedPhone("spn", ipa[-1].start, ipa[-1].end, ipa[-1].classes)  # MFA's spoken noise
    (tmp_path / "clip.TextGrid").write_text(textgrid(ipa, [(0.0, phones[-1].end, "")]), encoding="utf-8")
    from dualtalk.training.evaluation.lipsync import find_alignments

    (grid,) = find_alignments(tmp_path)
    assert (grid.alphabet, grid.lang) == ("ipa", "und")
    assert [p.classes for p in grid.phones] == [classify(p.symbol, "ipa") for p in ipa[:-1]] + [{SILENCE}]
    write_motion(tmp_path / "pred" / "clip.npz", ideal_motion(phones, n))
    report = json.loads(
        run_cli("--aligned", tmp_path, "--pred", tmp_path / "pred", "--json").stdout.splitlines()[-1]
    )
    assert report["pooled"]["model"]["closure_rate"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("just some text\n", "not a Praat TextGrid"),
        (
            'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n2\n<exists>\n1\n"IntervalTier"\n"words"\n0\n2\n1\n0\n2\n"hi"\n',
            "no tier named 'phones' (tiers: words)",
        ),
        (
            'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n2\n<exists>\n1\n"IntervalTier"\n"phones"\n0\n2\n1\n1.5\n0.5\n"M"\n',
            "interval 1 runs from 1.5 to 0.5",
        ),
        (
            'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n2\n<exists>\n1\n"IntervalTier"\n"phones"\n0\n2\n3\n0\n1\n"M"\n',
            "expected an interval's start",
        ),
    ],
    ids=["not-a-grid", "no-phones", "backwards", "truncated"],
)
def test_a_broken_textgrid_is_one_error_line_naming_it(tmp_path, content, message):
    (tmp_path / "bad.TextGrid").write_text(content, encoding="utf-8")
    (tmp_path / "bad.wav").write_bytes(b"")
    out = run_cli("--aligned", tmp_path, "--pred", tmp_path)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "bad.TextGrid" in out.stderr and message in out.stderr, out.stderr


def test_a_clip_aligned_twice_is_refused(tmp_path):
    write_clip(tmp_path, "clip")
    (tmp_path / "clip.TextGrid").write_text(textgrid(phones_of(), [(0.0, 1.0, "x")]), encoding="utf-8")
    out = run_cli("--aligned", tmp_path)
    assert out.returncode == 2 and "clip has both a .phone.json and a .TextGrid" in out.stderr


def test_any_bytes_named_textgrid_give_tiers_or_one_clear_error(tmp_path):
    """The TextGrid reader is a parser of untrusted files: it answers or says why, never crashes."""
    from dualtalk.training.evaluation.textgrid import read_textgrid
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = textgrid(phones_of(), [(0.0, 1.0, "x")]).encode()

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.one_of(
            st.binary(max_size=400),
            st.builds(
                lambda k, junk: good[:k] + junk,
                st.integers(0, len(good)),
                st.sampled_from([b"1e999", b"-3", b"<absent>", b'"', b"\x00"]) | st.binary(max_size=20),
            ),
        )
    )
    def check(data: bytes) -> None:
        path = tmp_path / "x.TextGrid"
        path.write_bytes(data)
        try:
            tiers = read_textgrid(path)
        except DualTalkError as exc:
            assert "\n" not in str(exc) and "x.TextGrid" in str(exc)
        else:
            assert all(a <= b for items in tiers.values() for a, b, _t in items)

    check()
