"""A researcher scores lip sync with their own phones from Python (python.md's recipe:
``evaluate_clips(clips, motions, lipflap)``) and gets the inputs slightly wrong.

Before (review rv38c, finding 2): a lip-flap of another stretch of audio was scored without a word
(the baseline column read 0.667 instead of 0.5), lists of different lengths gave ``IndexError`` or
left a motion out silently, a phone ``classify`` did not know gave ``TypeError``, and
``classify(..., "klingon")`` / ``lipflap_features(audio, 0)`` escaped as ``ValueError``. An ``against``
curve of another stretch, and a clip length of -5 s, were still taken as given (review rv39a F4).
Now each is one ``DualTalkError`` line, and an unknown phone is left out and named as the folder path
does.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation.lipsync import (
    AlignedClip,
    AlignedPhone,
    classify,
    evaluate_clips,
    format_report,
    lipflap_features,
)

FRAMES = 50  # 2 s at 25 fps
SR = 16000


def speech() -> np.ndarray:
    """2 s of a tone that swells and fades, so the lip-flap has a shape."""
    t = np.arange(2 * SR) / SR
    return (0.3 * np.sin(2 * np.pi * 3 * t) ** 2 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)


def clip(stem: str = "talk", symbols: tuple[str, ...] = ("M", "AA1", "M", "AH0", "B", "IY1")) -> AlignedClip:
    phones = [
        AlignedPhone(s, 0.2 + 0.12 * i, 0.32 + 0.12 * i, classify(s, "arpabet"))  # type: ignore[arg-type]
        for i, s in enumerate(symbols)
    ]
    return AlignedClip(stem, "talk.phone.json", phones)  # type: ignore[arg-type]


def talking_motion(frames: int = FRAMES, start: int = 0) -> Motion:
    """A jaw that opens on :func:`clip`'s vowels and shuts on its M, B and P (ARKit's ``jawOpen``:
    index 24 is ``mouthSmileRight``, so the curve once written there was a mouth that never opened),
    in a take of ``frames`` frames where the clip begins at frame ``start``."""
    values = np.zeros((frames, 55), np.float32)
    jaw = values[:, ARKIT55.index("jawOpen")]
    for phone in clip().phones:
        if phone.symbol[-1].isdigit():  # an ARPAbet vowel carries its stress
            jaw[start + round(phone.start * 25) : start + round(phone.end * 25)] = 0.6
    return Motion(space="arkit55", values=values)


def test_the_recipe_as_python_md_gives_it_still_scores_an_opening_mouth():
    report = evaluate_clips([clip()], [talking_motion()], [lipflap_features(speech(), FRAMES)])
    assert report["clips"] == 1 and report["per_clip"][0]["unknown_phones"] == []
    model = report["per_clip"][0]["model"]  # open on every vowel, shut on every M/B/P
    assert (
        model["closure_rate"] == 1.0 and model["open_vs_mbp_auc"] == 1.0 and model["open_closed_rate"] == 0.0
    )


def test_an_against_curve_of_another_stretch_is_refused_naming_both_counts():
    """The same mouth inside the whole recording's 215 frames, the clip 4 frames in: it was scored
    without a word, open vs M/B/P 0.04 against 1.0, and the paired change built on it (review rv39a F4)."""
    flap = lipflap_features(speech(), FRAMES)
    same = evaluate_clips([clip()], [talking_motion()], [flap], against=[talking_motion()])
    assert same["against"]["model"]["open_vs_mbp_auc"] == 1.0  # the same curve: no change
    a_frame_longer = talking_motion(frames=FRAMES + 1)  # another file of the same take, rounded up
    assert evaluate_clips([clip()], [talking_motion()], [flap], against=[a_frame_longer])["against"]
    whole_take = talking_motion(frames=215, start=4)
    with pytest.raises(
        DualTalkError, match=r"^clip talk: against has 215 frames, motion 50; give the other "
    ):
        evaluate_clips([clip()], [talking_motion()], [flap], against=[whole_take])


@pytest.mark.parametrize("seconds", [-5.0, float("nan"), float("inf"), "two", None, True])
def test_a_clip_length_that_is_no_length_is_one_line(seconds):
    """``seconds=[-5.0]`` was reported as a clip of -5 s."""
    with pytest.raises(
        DualTalkError, match=r"^clip talk: seconds must be the clip's length, a number of 0 or more"
    ):
        evaluate_clips([clip()], [talking_motion()], [lipflap_features(speech(), FRAMES)], seconds=[seconds])


def test_a_clip_length_given_is_the_one_reported():
    report = evaluate_clips([clip()], [talking_motion()], [lipflap_features(speech(), FRAMES)], seconds=[2])
    assert report["per_clip"][0]["seconds"] == 2.0 and report["seconds"] == 2.0


def test_a_lip_flap_of_another_length_is_refused_naming_both_counts():
    other = lipflap_features(np.tile(speech(), 4), 215)  # another stretch of the recording
    with pytest.raises(DualTalkError, match=r"^clip talk: lip-flap has 215 frames, motion 50; give "):
        evaluate_clips([clip()], [talking_motion()], [other])


@pytest.mark.parametrize(
    ("clips", "motions", "flaps", "said"),
    [
        (2, 1, 1, "got 2 clip(s) but 1 motions"),
        (1, 1, 0, "got 1 clip(s) but 0 lip-flaps"),
        (1, 2, 2, "got 1 clip(s) but 2 motions"),  # the extra motion was left out without a word
    ],
)
def test_lists_of_different_lengths_are_one_line(clips, motions, flaps, said):
    flap = lipflap_features(speech(), FRAMES)
    with pytest.raises(
        DualTalkError, match=r"^evaluate_clips " + said.replace("(", r"\(").replace(")", r"\)")
    ):
        evaluate_clips([clip(f"c{i}") for i in range(clips)], [talking_motion()] * motions, [flap] * flaps)


def test_seconds_and_against_must_match_the_clips_too():
    flap = lipflap_features(speech(), FRAMES)
    with pytest.raises(DualTalkError, match="but 2 seconds"):
        evaluate_clips([clip()], [talking_motion()], [flap], seconds=[2.0, 2.0])
    with pytest.raises(DualTalkError, match="but 0 against"):
        evaluate_clips([clip()], [talking_motion()], [flap], against=[])


def test_a_phone_in_no_table_is_left_out_and_named_as_the_folder_path_does():
    odd = clip(symbols=("M", "AA1", "QQ", "AH0", "B", "IY1"))
    report = evaluate_clips([odd], [talking_motion()], [lipflap_features(speech(), FRAMES)])
    assert report["per_clip"][0]["unknown_phones"] == ["QQ"]
    assert "left out, symbols in no phone table: talk ('QQ')" in format_report(report)
    assert odd.phones[2].classes is None  # the caller's clip is not changed


def test_mostly_unknown_phones_are_another_alphabet_refused_as_the_folder_path_does():
    with pytest.raises(DualTalkError, match=r"^qq: 2 of 3 phones are not arpabet"):
        evaluate_clips(
            [clip("qq", ("QQ", "M", "XX"))], [talking_motion()], [lipflap_features(speech(), FRAMES)]
        )


def test_an_unknown_alphabet_is_one_line():
    with pytest.raises(DualTalkError, match=r"^unknown phone alphabet 'klingon' \(expected one of "):
        classify("M", "klingon")


@pytest.mark.parametrize("frames", [0, -1, 2.5])
def test_a_lip_flap_of_no_frames_is_one_line(frames):
    with pytest.raises(DualTalkError, match=r"^lip-flap needs a whole number of frames \(1 or more\)"):
        lipflap_features(speech(), frames)
