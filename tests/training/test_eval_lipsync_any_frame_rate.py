"""A researcher whose model writes 30 or 50 fps scores its lips with ``eval lipsync`` and from Python.

Before (review rv43b F1, F2, F4, F6, F7): the same mouth saved at 50 fps (each frame twice) lost a
closure and shut more open vowels than at 25 fps, and the lip-flap's closure went 14 -> 41 %, since the
closure widening and the lip-flap's 3-frame average were counted in the file's frames; python.md's recipe
gave a 30 fps motion a 25 fps lip-flap stretched past the audio without a word; ``--json`` printed the
table before the JSON; a recording with no alignment was skipped silently; and ``evaluate_clips`` gave
where the phones end as the clip's length. Now every curve is scored at 25 fps (resampled as ``at_rate``
samples a motion) and the report says so, the lip-flap is made at 25 fps from the motion, ``--json`` is
JSON alone, the lone recording is named in one warning, and the length is the motion's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_in_process import run_dualtalk
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion
from dualtalk.training.evaluation.lipsync import (
    AlignedClip,
    AlignedPhone,
    classify,
    evaluate_clips,
    format_report,
    lipflap_features,
    write_alignment,
)

SR = 16000
SYMBOLS = ("SIL", "M", "AA1", "F", "UW1", "B", "IY1", "V", "AH0", "P", "OW1", "T", "AE1", "M", "SIL")


def phones() -> list[AlignedPhone]:
    """Every class once or more, 120 ms a phone, in a 2 s take."""
    return [AlignedPhone(s, 0.12 * i, 0.12 * (i + 1), classify(s, "arpabet")) for i, s in enumerate(SYMBOLS)]  # type: ignore[arg-type]


def speech() -> np.ndarray:
    t = np.arange(2 * SR) / SR
    return (0.3 * np.sin(2 * np.pi * 3 * t) ** 2 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)


def mouth_at_25() -> Motion:
    """A noisy mouth whose jaw opens on the vowels: 50 frames, 2 s."""
    values = np.random.default_rng(7).uniform(0, 0.3, (50, len(ARKIT55))).astype(np.float32)
    for p in phones():
        if p.symbol[-1].isdigit():
            values[round(p.start * 25) : round(p.end * 25), ARKIT55.index("jawOpen")] += 0.6
    return Motion("arkit55", values, fps=25.0)


def held(motion: Motion, times: int) -> Motion:
    """The same mouth at ``times`` the rate, each frame repeated: the same mouth at the same times."""
    return Motion("arkit55", np.repeat(motion.values, times, axis=0), fps=motion.fps * times)


def test_the_same_mouth_at_50_fps_scores_as_at_25_and_the_report_says_the_rate():
    clip = AlignedClip("talk", "talk.phone.json", phones())  # type: ignore[arg-type]
    at_25, at_50 = mouth_at_25(), held(mouth_at_25(), 2)
    flap_25, flap_50 = lipflap_features(speech(), at_25), lipflap_features(speech(), at_50)
    assert all(np.array_equal(flap_25[k], flap_50[k]) for k in flap_25)  # one baseline, made at 25 fps

    first, second = evaluate_clips([clip], [at_25], [flap_25]), evaluate_clips([clip], [at_50], [flap_50])

    assert second["pooled"] == first["pooled"] and second["per_clip"] == first["per_clip"]
    assert first["pooled"]["model"]["closure_rate"] == 1.0  # a mouth worth comparing
    assert (second["fps"], second["motion_fps"], first["motion_fps"]) == (25.0, 50.0, 25.0)
    assert ", 2.0 s, scored at 25 fps (the motion's 50 fps resampled)" in format_report(second)
    assert first["seconds"] == 2.0  # the motion's length, not where its phones end (1.68 s)


def test_python_md_s_old_recipe_at_30_fps_is_refused_not_scored_on_another_stretch():
    clip = AlignedClip("talk", "talk.phone.json", phones())  # type: ignore[arg-type]
    at_30 = Motion("arkit55", np.zeros((60, len(ARKIT55)), np.float32), fps=30.0)
    with pytest.raises(
        DualTalkError,
        match=r"^clip talk: lip-flap has 60 frames, motion 50 at 25 fps \(its 60 at 30 fps, resampled\); "
        r"give lipflap_features\(audio, motion\)",
    ):  # 60 frames at 25 fps: 2.4 s of a 2.0 s clip
        evaluate_clips([clip], [at_30], [lipflap_features(speech(), at_30.num_frames)])
    assert lipflap_features(speech(), at_30)["aperture"].size == 50


def test_the_command_scores_a_50_fps_file_as_its_25_fps_mouth_prints_json_alone_and_names_a_lone_wav(
    tmp_path,
):
    aligned = tmp_path / "aligned"
    write_alignment(aligned, "talk", speech(), phones())
    write_alignment(tmp_path / "other", "failed", speech(), phones())
    (tmp_path / "other" / "failed.wav").rename(aligned / "failed.wav")  # its aligner gave nothing
    reports = {}
    for rate, motion in (("25", mouth_at_25()), ("50", held(mouth_at_25(), 2))):
        save_motion(tmp_path / rate / "talk.npz", motion)
        out = run_dualtalk("eval", "lipsync", "--aligned", aligned, "--pred", tmp_path / rate, "--json")
        assert out.returncode == 0, out.stderr
        reports[rate] = json.loads(out.stdout)  # JSON alone on stdout, as eval and eval behaviour print it
        assert out.stderr.strip().splitlines() == [
            "warning: 1 recording without an alignment (<stem>.phone.json or <stem>.TextGrid) left out: "
            "failed.wav"
        ]
    assert reports["50"]["pooled"] == reports["25"]["pooled"] and reports["50"]["motion_fps"] == 50.0
    assert reports["25"]["clips"] == 1 and reports["25"]["fps"] == 25.0
