"""The controls a user has: seed, per-layer amounts, mood, gaze on/off, and their refusals."""

from __future__ import annotations

import numpy as np
import pytest
from behaviour_takes import base_motion
from dualtalk.inference.behaviour import (
    LAYER_CHANNELS,
    LAYERS,
    LIP_CHANNELS,
    BehaviourSettings,
    apply_behaviour,
    parse_amount,
    parse_switch,
)
from dualtalk.inference.core.channels import SPACE_FLAME
from dualtalk.inference.core.errors import DualTalkError


@pytest.fixture(scope="module")
def take(demo_dialogue):
    return demo_dialogue, base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")


def _cols(motion, names):
    return [motion.channels.index(n) for n in names]


def test_the_same_seed_gives_the_same_performance(take):
    d, a, b = take
    one = apply_behaviour(a, b, d, BehaviourSettings(seed=5))
    two = apply_behaviour(a, b, d, BehaviourSettings(seed=5))
    for x, y in zip(one, two, strict=True):
        assert np.array_equal(x.values, y.values)
        assert np.array_equal(x.gaze_target, y.gaze_target) and np.array_equal(x.gaze_dir, y.gaze_dir)
        assert x.meta["behaviour"]["events"] == y.meta["behaviour"]["events"]


def test_another_seed_gives_other_events_and_the_same_lips(take):
    d, a, b = take
    ma, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=1))
    mc, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=2))
    assert ma.meta["behaviour"]["events"]["blinks"] != mc.meta["behaviour"]["events"]["blinks"]
    assert not np.array_equal(ma.gaze_target, mc.gaze_target)
    lips = _cols(a, LIP_CHANNELS)
    assert np.array_equal(ma.values[:, lips], a.values[:, lips])
    assert np.array_equal(mc.values[:, lips], a.values[:, lips])


@pytest.mark.parametrize("layer", LAYERS)
def test_an_amount_of_zero_removes_exactly_that_layer(take, layer):
    d, a, b = take
    full, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=4))
    without, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=4, **{layer: 0.0}))
    own = _cols(a, LAYER_CHANNELS[layer])
    rest = [i for i in range(len(a.channels)) if i not in own]
    assert np.array_equal(without.values[:, own], a.values[:, own])  # back to the engine's
    assert np.array_equal(without.values[:, rest], full.values[:, rest])  # the others untouched
    assert not np.array_equal(full.values[:, own], a.values[:, own])  # and the layer did something


def test_all_amounts_at_zero_give_back_the_engine_motion(take):
    d, a, b = take
    off = BehaviourSettings(blinks=0, gaze=0, head=0, brows=0)
    ma, mb = apply_behaviour(a, b, d, off)
    assert np.array_equal(ma.values, a.values) and np.array_equal(mb.values, b.values)
    assert ma.gaze_target is None


def test_gaze_off_keeps_the_eyes_and_records_no_intent(take):
    d, a, b = take
    ma, _ = apply_behaviour(a, b, d, BehaviourSettings(gaze_on=False))
    eyes = _cols(a, LAYER_CHANNELS["gaze"])
    assert np.array_equal(ma.values[:, eyes], a.values[:, eyes]) and ma.gaze_target is None


def test_amounts_scale_the_head_and_the_mood_shifts_it(take):
    d, a, b = take
    head = _cols(a, LAYER_CHANNELS["head"])

    def std(settings):
        m, _ = apply_behaviour(a, b, d, settings)
        return float((m.values[:, head] - a.values[:, head]).std())

    assert std(BehaviourSettings(head=0.5)) < std(BehaviourSettings()) < std(BehaviourSettings(head=2.0))
    assert (
        std(BehaviourSettings(mood="serious"))
        < std(BehaviourSettings())
        < std(BehaviourSettings(mood="animated"))
    )


def test_each_character_can_have_its_own_mood(take):
    """A calm interviewer and a lively guest: B animated leaves A exactly as in a neutral take."""
    d, a, b = take
    head = _cols(a, LAYER_CHANNELS["head"])
    calm_a, calm_b = apply_behaviour(a, b, d, BehaviourSettings())
    mixed_a, mixed_b = apply_behaviour(a, b, d, BehaviourSettings(mood_b="animated"))
    assert np.array_equal(mixed_a.values, calm_a.values)
    assert (mixed_b.values[:, head] - b.values[:, head]).std() > 2 * (
        calm_b.values[:, head] - b.values[:, head]
    ).std()
    assert mixed_b.meta["behaviour"]["mood_b"] == "animated"
    with pytest.raises(DualTalkError, match="--mood-b must be one of"):
        BehaviourSettings(mood_b="grumpy").validate()
    # "same", as the CLI, job files and the panel spell it, was refused from Python (listed as allowed)
    assert BehaviourSettings(mood_b="same").validate() == BehaviourSettings()


def test_a_tiny_blink_amount_gives_no_blinks_not_a_crash(take):
    """--blinks 1e-310 passed the checks, then overflowed to an infinite first blink: internal error."""
    d, a, b = take
    lids = _cols(a, ["eyeBlinkLeft", "eyeBlinkRight"])
    for tiny in (1e-310, 5e-324, 1e-12):
        out_a, _out_b = apply_behaviour(a, b, d, BehaviourSettings(blinks=tiny).validate())
        assert np.array_equal(out_a.values[:, lids], a.values[:, lids])


def test_the_settings_used_are_recorded_in_the_meta(take):
    d, a, b = take
    ma, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=9, head=0.5, mood="friendly"))
    rec = ma.meta["behaviour"]
    assert rec["seed"] == 9 and rec["mood"] == "friendly" and rec["amounts"]["head"] == 0.5
    assert rec["amounts"]["blinks"] == 1.0 and "blinks" in rec["events"]


def test_published_engine_keeps_its_head_and_face_unless_asked(demo_dialogue):
    d = demo_dialogue
    a = base_motion(d, "A", SPACE_FLAME, engine="dualtalk")
    b = base_motion(d, "B", SPACE_FLAME, engine="dualtalk")
    ma, _ = apply_behaviour(a, b, d)
    assert np.array_equal(ma.values, a.values)  # FLAME has no lids/eyes/brows: they go to the overlay
    assert "eyeBlinkLeft" in ma.overlay_channels and "eyeLookOutLeft" in ma.overlay_channels
    assert "browInnerUp" not in ma.overlay_channels
    assert ma.overlay[:, ma.overlay_channels.index("eyeBlinkLeft")].max() > 0.9
    raised, _ = apply_behaviour(a, b, d, BehaviourSettings(head=1.0))
    assert np.array_equal(raised.values[:, :53], a.values[:, :53])  # expression + jaw bit-identical
    assert not np.array_equal(raised.values[:, 53:], a.values[:, 53:])  # head goes into the neck


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"seed": -1}, "--behaviour-seed"),
        ({"seed": 1.5}, "--behaviour-seed"),
        ({"blinks": 2.5}, "--blinks"),
        ({"head": float("nan")}, "--head"),
        ({"brows": -0.1}, "--brows"),
        ({"mood": "grumpy"}, "--mood"),
        ({"gaze_on": "maybe"}, "--gaze"),
    ],
)
def test_bad_control_values_are_refused_in_one_line(kwargs, words):
    with pytest.raises(DualTalkError) as err:
        BehaviourSettings(**kwargs).validate()
    assert words in str(err.value) and "\n" not in str(err.value)


def test_amount_words_parse_and_bad_ones_are_refused():
    assert parse_amount("off", "blinks") == 0.0 and parse_amount("on", "blinks") == 1.0
    assert parse_amount("1.5", "head") == 1.5 and parse_switch("off", "gaze") is False
    for bad in ("lots", "3", "-1", "inf"):
        with pytest.raises(DualTalkError, match="--head"):
            parse_amount(bad, "head")
    with pytest.raises(DualTalkError, match="--gaze must be on or off"):
        parse_switch("sometimes", "gaze")


def test_mismatched_takes_are_refused(take):
    d, a, b = take
    short = base_motion(d, "B")
    short.values = short.values[:10]
    short.speaking = short.speaking[:10]
    with pytest.raises(DualTalkError, match="frames"):
        apply_behaviour(a, short, d)


def test_a_speakers_head_waits_for_the_first_word_and_settles_after_the_last():
    """Before a turn the head keeps its listening motion (a chin dip there reads as a nod)."""
    from dualtalk.inference.behaviour.layers import speaking_weight

    fps = 25.0
    speaking = np.zeros(250, bool)
    speaking[100:175] = True  # a 3 s turn from 4 s to 7 s
    w = speaking_weight(speaking, fps)
    assert w[100 - 8] < 0.05 and w[100 - 3] < 0.25  # 0.3 s and 0.1 s before the first word
    assert w[137] > 0.99  # mid-turn: all speaking
    assert w[175 + 2] > 0.5 > w[175 + 20]  # just after the last word still mostly speaking; 0.8 s after not
    assert np.all(np.abs(np.diff(w)) < 0.1)  # eased, no jump
