"""A researcher scores lip sync from Python with phones from their own aligner, not a folder of
.phone.json files: ``evaluate_clips``/``score_phones`` hold them to the rule the folder path holds
them to (phones end with the take), take the frame rate from the Motion they are given, and say
what ``mouth_features`` needs, instead of scoring nonsense without a word.

(The audit that found these: phones given in ms scored closure 0.0 and every AUC 0.5; phones in
frames scored closure 0.0; fps=30 for 25 fps motion scored a -215 ms offset; motion cut to half its
length scored closure 0.14; mouth_features(values, None) raised "'NoneType' object is not iterable".)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation import lipsync
from dualtalk.training.evaluation.lipsync import (
    AlignedClip,
    AlignedPhone,
    evaluate_clips,
    lipflap_features,
    mouth_features,
    phone_frames,
    score_phones,
)
from dualtalk.training.evaluation.phone_classes import classify

SYMBOLS = ["SIL", "M", "EY1", "B", "IY0", "F", "UW1", "D", "P", "L", "IY1", "Z", "AA1", "SIL"]


def phones(scale: float = 1.0) -> list[AlignedPhone]:
    """The researcher's aligner output: 14 phones of 0.12 s each (1.68 s), times in seconds * ``scale``."""
    return [
        AlignedPhone(s, i * 0.12 * scale, (i + 1) * 0.12 * scale, classify(s, "arpabet"))
        for i, s in enumerate(SYMBOLS)
    ]


@pytest.fixture
def clip():
    return AlignedClip("take1", Path("take1.phone.json"), phones())


@pytest.fixture
def motion(rng):
    """Their model's 25 fps ARKit motion of the same 1.72 s (43 frames)."""
    return Motion("arkit55", rng.uniform(0, 1, (43, len(ARKIT55))).astype(np.float32), fps=25.0)


@pytest.fixture
def flap(rng, motion):
    return lipflap_features(0.1 * rng.standard_normal(43 * 640), motion.num_frames)


@pytest.mark.parametrize(("unit", "scale"), [("ms", 1000.0), ("frames", 25.0)])
def test_phones_in_ms_or_frames_are_refused_not_scored(clip, motion, flap, unit, scale):
    clip.phones = phones(scale)
    with pytest.raises(
        DualTalkError,
        match=r"^take1: phones run to .* past the end of the motion \(43 frames = 1.72 s at 25 fps\); phone times are seconds",
    ):
        evaluate_clips([clip], [mouth_features(motion.values, motion.channels)], [flap])
    with pytest.raises(DualTalkError, match="past the end of the motion"):
        score_phones(mouth_features(motion.values, motion.channels), clip.phones)


def test_a_motion_cut_to_half_is_refused(clip, motion, flap):
    half = Motion("arkit55", motion.values[:21], fps=25.0)
    with pytest.raises(DualTalkError, match=r"phones run to 1.56 s, past the end of the motion \(21 frames"):
        evaluate_clips(
            [clip], [mouth_features(half.values, half.channels)], [{k: v[:21] for k, v in flap.items()}]
        )


def test_the_frame_rate_is_the_motions_own(clip, rng):
    at_50 = Motion("arkit55", rng.uniform(0, 1, (86, len(ARKIT55))).astype(np.float32), fps=50.0)
    flap = lipflap_features(0.1 * rng.standard_normal(86 * 320), 86, fps=50.0)  # made at 25 fps: 43 frames
    report = evaluate_clips([clip], [at_50], [flap])  # no fps=: read from the Motion
    assert report["motion_fps"] == 50.0 and report["fps"] == 25.0  # read at 50, scored at 25
    by_hand = evaluate_clips([clip], [mouth_features(at_50.values, at_50.channels)], [flap], fps=50.0)
    assert report["pooled"] == by_hand["pooled"]
    with pytest.raises(DualTalkError, match="fps=30 was given but the motions are at 50 fps"):
        evaluate_clips([clip], [at_50], [flap], fps=30.0)


def test_a_wrong_fps_for_features_is_caught_by_the_same_rule(clip, motion, flap):
    with pytest.raises(DualTalkError, match=r"past the end of the motion \(43 frames = 0.43 s at 100 fps\)"):
        evaluate_clips([clip], [mouth_features(motion.values, motion.channels)], [flap], fps=100.0)


def test_mouth_features_say_what_they_need(motion):
    with pytest.raises(DualTalkError, match=r"needs the motion's channel names: mouth_features\(motion\)"):
        mouth_features(motion.values, None)
    assert mouth_features(motion)["aperture"].shape == (43,)
    with pytest.raises(DualTalkError, match=r"shape \(43, 55\) but 56 channel names"):
        mouth_features(motion.values, [*ARKIT55, "extra"])


def test_one_phone_past_the_end_is_refused_by_phone_frames_too(motion):
    late = AlignedPhone("M", 2.0, 2.2, classify("M", "arpabet"))
    with pytest.raises(DualTalkError, match=r"'M': phones run to 2.20 s, past the end of the motion"):
        phone_frames(late, 25.0, motion.num_frames)
    last = AlignedPhone("M", 1.6, 1.8, classify("M", "arpabet"))  # within the 3 frames' slack: clipped
    assert phone_frames(last, 25.0, motion.num_frames) == (40, 43)


def test_the_folder_path_and_the_in_memory_path_share_the_rule():
    # against the audio a frame of slack (aligners round), against the motion the frames it may differ by too
    assert lipsync.MOTION_END_SLACK_FRAMES == lipsync.PHONE_END_SLACK_FRAMES + lipsync.LENGTH_TOLERANCE_FRAMES
    assert lipsync.phones_fit(1.76, 1.72, 25.0) and not lipsync.phones_fit(1.77, 1.72, 25.0)
