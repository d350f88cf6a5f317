"""The evaluation reads pocketsphinx-style alignments and scores the model against the
viseme curve of the true phones, next to an energy lip-flap baseline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.models.lite.model import load_lite
from dualtalk.training.lite.evaluate import energy_flap, eval_librivox, pearson, read_librivox


def _write_aligned_clip(folder: Path, name: str, text: str) -> None:
    """A clip in the pocketsphinx test layout: <name>.wav + <name>.phone.json (words -> phones)."""
    utt = speak(text, Voice("flite", "rms", pitch=35.0))
    sf.write(folder / f"{name}.wav", utt.audio, 16000)
    words = [
        {
            "t": "w",
            "b": p.start,
            "d": p.end - p.start,
            "w": [{"t": p.symbol.upper(), "b": p.start, "d": p.end - p.start}],
        }
        for p in utt.phones
    ]
    (folder / f"{name}.phone.json").write_text(json.dumps({"t": text, "w": words}))


@pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
def test_lite_beats_the_energy_baseline_on_aligned_speech(tmp_path):
    _write_aligned_clip(tmp_path, "one", "Maybe we can walk along the river, then stop for a bite.")
    _write_aligned_clip(tmp_path, "two", "Please pass the blue folder from the top shelf.")
    clips = read_librivox(tmp_path)
    assert [c["name"] for c in clips] == ["one", "two"]
    assert all(c["phones"] and c["phones"][0].alphabet == "arpabet" for c in clips)
    model, _ = load_lite()
    report = eval_librivox(model, tmp_path)
    assert report["clips"] == 2
    assert report["lite_corr"] > 0.5
    assert report["lite_corr"] > report["energy_baseline_corr"]


def test_real_librivox_speech(shared_dir):
    report = eval_librivox(load_lite()[0], shared_dir / "data" / "real_speech" / "librivox")
    assert report["clips"] == 5 and report["lite_corr"] > report["energy_baseline_corr"]


def test_pearson_and_energy_flap_behave():
    x = np.sin(np.linspace(0, 6, 100))
    assert pearson(x, 2 * x + 1) == pytest.approx(1.0)
    assert pearson(x, -x) == pytest.approx(-1.0)
    assert pearson(x, np.zeros(100)) == 0.0
    audio = np.zeros(16000, np.float32)
    audio[8000:12000] = np.random.default_rng(0).standard_normal(4000) * 0.1
    flap = energy_flap(audio, 25)
    assert flap[14:18].min() > 0.5 and flap[:10].max() < 0.1


def test_the_real_conversation_opens_the_talkers_mouth_and_the_release_only_opens_it_more(shared_dir):
    """``evaluate --demo``: on the real DualTalk clip each character's mouth is far more open while it
    talks than while it listens, with or without the lip release, and the release never shuts it more."""
    from dualtalk.inference.engine import load_engine
    from dualtalk.training.lite.evaluate import eval_demo_clip

    engine = load_engine(None, engine="lite", device="cpu")
    folder = shared_dir / "data" / "dualtalk_demo"
    plain, released = eval_demo_clip(engine, folder, lip_release=0.0), eval_demo_clip(engine, folder)
    assert released["lip_release"] == 0.75 and plain["lip_release"] == 0.0
    for who in ("A", "B"):
        assert plain[who]["contrast"] > 3 and released[who]["contrast"] > 3
        assert released[who]["open_speaking"] >= plain[who]["open_speaking"]
    assert np.isfinite(released["B"]["jaw_corr_vs_tracked"])
    # the row sits beside the lip-flap every other table uses, not only the older log-energy curve
    assert np.isfinite(released["B"]["lipflap_corr_vs_tracked"])
    assert released["B"]["lipflap_corr_vs_tracked"] != released["B"]["energy_baseline_corr_vs_tracked"]
    # "listening" as the behaviour suite reads it: a breath between one's own words is not listening
    for who in ("A", "B"):
        assert released[who]["listening_turns_seconds"] < released[who]["listening_seconds"]


@pytest.mark.parametrize("flag", ["--lip-release", "--lip-rounding"])
def test_a_demo_voice_pass_outside_0_to_1_is_refused_in_one_line(capsys, flag):
    """``evaluate --lip-release`` and ``--lip-rounding`` are infer's flags: the same bounds and the
    same one-line refusal."""
    from dualtalk.training.lite.evaluate import main

    assert main(["--demo", "unused", flag, "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {flag} must be between 0 and 1, got 2"]


def test_a_clip_of_whole_frames_is_heard_where_its_sound_is(shared_dir):
    """The evaluator's own runs read a clip as ``generate`` reads every window: a clip a whole number
    of 25-fps frames long (a multiple of 640 samples) is not stretched onto its frames, so cutting it
    a few samples shorter changes nothing but the last frame (review rv39c F3's rule, here)."""
    from dualtalk.training.lite.evaluate import predict_single

    speech, sr = sf.read(shared_dir / "data" / "dualtalk_demo" / "UbjUDM1MiGE_sub_video_72_speaker1.wav")
    assert sr == 16000
    whole = np.asarray(speech[: 640 * 150], np.float32)  # 6 s: exactly 150 frames
    model, _ = load_lite()
    as_is, shorter = predict_single(model, whole), predict_single(model, whole[:-4])
    assert as_is.shape == shorter.shape == (150, 55)
    assert float(np.abs(as_is[:-1] - shorter[:-1]).max()) < 0.05
