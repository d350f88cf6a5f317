"""Lips meet on /p b m/, the lower lip meets the teeth on /f v/, open vowels stay open."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dualtalk.inference.audio.tts import Phone
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.phonetic.visemes import IDX, render_visemes
from dualtalk.training.lite.synth import PHONE_BILABIAL, PHONE_OPEN, phone_class_track
from dualtalk.training.lite.train_lite import channel_weights, lip_aperture, lite_loss


def _phones(spec, t=0.3):
    out = []
    for sym, dur in spec:
        out.append(Phone(sym, t, t + dur, "arpabet"))
        t += dur
    return out


def _aperture(v):
    low = 0.5 * (v[:, IDX["mouthLowerDownLeft"]] + v[:, IDX["mouthLowerDownRight"]])
    return v[:, IDX["jawOpen"]] - v[:, IDX["mouthClose"]] + 0.3 * low


def test_fast_bilabials_close_on_their_frame_and_the_vowels_between_stay_open():
    # "papapapa" at 12 syllables a second: each /p/ 40 ms, shorter than a 25 fps frame.
    spec = [("pau", 0.3)] + [("p", 0.04), ("aa", 0.045)] * 8 + [("pau", 0.4)]
    phones = _phones(spec, 0.0)
    frames = 45
    ap = _aperture(render_visemes(phones, frames, contact=True))
    open_ap = float(ap.max())
    assert open_ap > 0.15, "the vowels still open the mouth (undershot at 12 syllables a second)"
    for p in phones:
        lo, hi = int(np.floor(p.start * 25)), int(np.ceil(p.end * 25))
        if p.symbol == "p":
            assert ap[lo:hi].min() <= 0.0, "lips sealed on every /p/"
    # Between the /p/s the mouth opens again: it is not simply kept shut.
    speech = ap[int(0.3 * 25) : int((0.3 + 8 * 0.085) * 25)]
    assert (speech > 0.25 * open_ap).sum() >= 5


def test_labiodental_contact_tucks_the_lower_lip():
    phones = _phones([("pau", 0.2), ("aa", 0.15), ("f", 0.05), ("aa", 0.15), ("pau", 0.3)], 0.0)
    v = render_visemes(phones, 22, contact=True)
    f_frame = int(round((0.2 + 0.15 + 0.025) * 25 - 0.5))
    assert v[f_frame, IDX["mouthRollLower"]] > 0.4
    assert v[:, IDX["mouthRollLower"]].argmax() == f_frame


def test_phone_class_track_marks_contacts_even_when_shorter_than_a_frame():
    phones = _phones([("pau", 0.2), ("m", 0.03), ("aa", 0.2), ("pau", 0.2)], 0.0)
    track = phone_class_track(phones, 16)
    assert (track == PHONE_BILABIAL).sum() == 1
    assert (track == PHONE_OPEN).sum() >= 4


def test_contact_term_punishes_a_half_open_mouth_on_a_bilabial_more_than_plain_error():
    target = torch.zeros(1, 10, len(ARKIT55))
    target[0, :, ARKIT55.index("jawOpen")] = 0.3
    target[0, 5, ARKIT55.index("mouthClose")] = 0.3  # sealed lips at frame 5
    half = target.clone()
    half[0, 5, ARKIT55.index("mouthClose")] = 0.15  # lips only half way
    pc = torch.zeros(1, 10, dtype=torch.long)
    pc[0, 5] = PHONE_BILABIAL
    w = channel_weights()
    plain = lite_loss(half, target, w) - lite_loss(target, target, w)
    contact = lite_loss(half, target, w, pc, 3.0) - lite_loss(target, target, w, pc, 3.0)
    assert contact > 5 * plain > 0
    assert float(lip_aperture(target)[0, 5]) == 0.0


def test_contact_head_targets_come_from_the_frames_phone_classes():
    from dualtalk.training.lite.synth import PHONE_LABIODENTAL, PHONE_NONE, PHONE_OTHER
    from dualtalk.training.lite.train_lite import contact_targets

    pc = torch.tensor(
        [[PHONE_NONE, PHONE_BILABIAL, PHONE_BILABIAL, PHONE_OPEN, PHONE_LABIODENTAL, PHONE_OTHER]]
    )
    t = contact_targets(pc)
    assert t.shape == (1, 6, 2)
    assert t[0, :, 0].tolist() == [0, 1, 1, 0, 0, 0]  # bilabial closure
    assert t[0, :, 1].tolist() == [0, 0, 0, 0, 1, 0]  # labiodental contact


def test_contact_head_loss_rewards_logits_that_agree_with_the_phones():
    from dualtalk.training.lite.train_lite import contact_loss, contact_targets

    pc = torch.tensor([[0, 1, 1, 3, 2, 4, 0]])
    right = (contact_targets(pc) * 2 - 1) * 6.0
    assert contact_loss(right, pc) < 0.01 < contact_loss(-right, pc)


def test_the_contact_head_decodes_to_the_shapes_the_targets_draw():
    # the network's contact shapes (inference) are the training renderer's contact frames
    from dualtalk.inference.core.channels import ARKIT52
    from dualtalk.inference.models.lite.model import CONTACT_SHAPES
    from dualtalk.inference.phonetic.visemes import _CONTACT

    for cls, key in (("bilabial", "PBM"), ("labiodental", "FV")):
        for name, value in CONTACT_SHAPES[cls].items():
            assert value == pytest.approx(float(_CONTACT[key][ARKIT52.index(name)]), abs=1e-6), (cls, name)


def test_soft_contact_frees_the_regression_on_frames_the_head_is_sure_of():
    # with the head certain of a bilabial, the motion loss no longer asks the regressed
    # aperture to dip there (the dip that, blurred, shut the neighbouring vowels)
    from dualtalk.inference.models.lite.model import blend_contact

    frames = 9
    phones = _phones([("pau", 0.12), ("aa", 0.08), ("m", 0.04), ("aa", 0.12), ("pau", 0.2)], 0.0)
    target = torch.zeros(1, frames, len(ARKIT55))
    target[0, :, :52] = torch.from_numpy(render_visemes(phones, frames, contact=True))
    pc = torch.from_numpy(phone_class_track(phones, frames)).long()[None]
    m = int(np.flatnonzero(pc[0].numpy() == PHONE_BILABIAL)[0])
    open_mouth = target.clone()
    open_mouth[0, m] = target[0, m - 1]  # regression that stays open through the /m/
    w = channel_weights()
    sure = torch.zeros(1, frames, 2)
    sure[0, m, 0] = 1.0
    with_head = lite_loss(blend_contact(open_mouth, sure), target, w, pc, 3.0)
    without = lite_loss(open_mouth, target, w, pc, 3.0)
    assert with_head < 0.02 * without


def test_an_absolute_contact_term_asks_a_torn_frame_for_the_likelier_shape_not_the_average():
    # One open-vowel frame the audio leaves torn: 3 of 5 times the lips are already apart
    # (aperture 0.4), 2 of 5 still sealed (0.0). Squared error is least at the half-open
    # average; absolute error at the likelier open mouth.
    jaw = ARKIT55.index("jawOpen")
    targets = torch.zeros(5, 2, len(ARKIT55))  # two frames: the loss also compares velocities
    targets[:3, :, jaw] = 0.4
    pc = torch.full((5, 2), PHONE_OPEN, dtype=torch.long)
    w = torch.zeros(len(ARKIT55))  # the contact term alone

    def best(l1: bool) -> float:
        grid = torch.linspace(0.0, 0.4, 41)
        losses = []
        for a in grid:
            pred = torch.zeros(5, 2, len(ARKIT55))
            pred[:, :, jaw] = a
            losses.append(float(lite_loss(pred, targets, w, pc, 1.0, contact_l1="aperture" if l1 else "")))
        return float(grid[int(np.argmin(losses))])

    assert best(l1=False) == pytest.approx(0.24, abs=0.011)
    assert best(l1=True) == pytest.approx(0.4, abs=0.011)


def test_an_unknown_contact_error_kind_is_refused_with_one_line():
    from dualtalk.inference.core.errors import DualTalkError

    target = torch.zeros(1, 4, len(ARKIT55))
    pc = torch.full((1, 4), PHONE_OPEN, dtype=torch.long)
    with pytest.raises(DualTalkError, match="--contact-l1 must be one of aperture, both, got 'tuck'"):
        lite_loss(target, target, channel_weights(), pc, 3.0, contact_l1="tuck")


def test_an_open_expectile_leans_a_torn_vowel_frame_open_and_leaves_closures_alone():
    # Half the time the lips have parted (aperture 0.4), half the time not yet (0.0). Squared
    # error is least at 0.2; with "too shut costs 0.8, too open 0.2" at 0.4 x 0.8 = 0.32. The
    # same torn targets on a bilabial frame keep the plain optimum: closures are not traded away.
    jaw = ARKIT55.index("jawOpen")
    targets = torch.zeros(4, 2, len(ARKIT55))
    targets[:2, :, jaw] = 0.4
    w = torch.zeros(len(ARKIT55))

    def best(kind: int, expectile: float) -> float:
        pc = torch.full((4, 2), kind, dtype=torch.long)
        grid = torch.linspace(0.0, 0.4, 41)
        losses = []
        for a in grid:
            pred = torch.zeros(4, 2, len(ARKIT55))
            pred[:, :, jaw] = a
            losses.append(float(lite_loss(pred, targets, w, pc, 1.0, open_expectile=expectile)))
        return float(grid[int(np.argmin(losses))])

    assert best(PHONE_OPEN, 0.5) == pytest.approx(0.2, abs=0.011)
    assert best(PHONE_OPEN, 0.8) == pytest.approx(0.32, abs=0.011)
    assert best(PHONE_BILABIAL, 0.8) == pytest.approx(0.2, abs=0.011)


def test_an_expectile_outside_zero_to_one_is_refused():
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.training.lite.train_lite import main

    target = torch.zeros(1, 4, len(ARKIT55))
    pc = torch.full((1, 4), PHONE_OPEN, dtype=torch.long)
    with pytest.raises(DualTalkError, match="--open-expectile must be between 0 and 1"):
        lite_loss(target, target, channel_weights(), pc, 3.0, open_expectile=1.0)
    with pytest.raises(DualTalkError, match="--open-expectile must be between 0 and 1"):
        main(["--data", "nowhere", "--out", "nowhere", "--open-expectile", "0"])
