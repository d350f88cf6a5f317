"""One more sentence end in the partner's turn gives the listener one more moment to nod and blink
at, and leaves the rest of the performance as it was.

Every phrase end used to draw its nod and its blink from the layer's one random stream, so a phrase
end found inside a turn re-drew every later nod and blink of the take: session 40's sentence pauses
moved AMI's listening blinks from 22.07 to 22.74 a minute, past the documented bound (review rv40d
F4). Each phrase end, own "mm-hm", large glance and blink now draws from a stream of its own."""

from __future__ import annotations

from dataclasses import replace

from behaviour_takes import base_motion
from dualtalk.inference.behaviour import BehaviourSettings, apply_with_cues, dialogue_cues
from dualtalk.inference.behaviour.cues import segments

FPS = 25


def test_a_sentence_end_inside_bens_turn_adds_a_nod_there_and_moves_no_other_nod_or_blink(demo_dialogue):
    """The demo: Ava listens while Ben talks for four seconds. Marking one more phrase end in the
    middle of his turn, Ava's nods elsewhere keep their frames in every performance, and her blinks
    change by at most the one locked to the new pause and the one background blink it takes the place
    of (each with its double): the blink rate stays what the table says. Before, whole takes were
    re-drawn: 3 of 5 performances lost or moved a nod elsewhere, and most blinks moved."""
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ava, ben = dialogue_cues(demo_dialogue, demo_dialogue.num_frames, FPS)
    s, e = max(segments(ben.speaking), key=lambda run: run[1] - run[0])
    pause = (s + e) // 2
    assert e - s > 3 * FPS and not ava.speaking[pause - FPS : pause + FPS].any(), "Ava listens there"
    more = replace(ben, phrase_ends=sorted([*ben.phrase_ends, pause]))
    added_nods = 0
    for seed in range(5):
        before, after = (
            apply_with_cues(a, b, ava, cues, BehaviourSettings(seed=seed))[0].meta["behaviour"]["events"]
            for cues in (ben, more)
        )
        near = range(pause, pause + int(1.2 * FPS))  # the new phrase end's nod lag, 0.2-0.9 s
        assert [n for n in before["nods"] if n not in near] == [n for n in after["nods"] if n not in near]
        added_nods += len(after["nods"]) - len(before["nods"])
        moved = set(before["blinks"]) ^ set(after["blinks"])
        assert len(moved) <= 4, f"seed {seed}: blinks {before['blinks']} -> {after['blinks']}"
    assert added_nods >= 3, f"{added_nods} nods at the new phrase end over five performances"
