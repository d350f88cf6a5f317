"""An animator's check: a character nods while it listens, not while it draws breath in its own turn."""

from __future__ import annotations

import numpy as np
from behaviour_takes import buzzy_voice, still_motion
from dualtalk.inference.audio.dialogue import Dialogue
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour, dialogue_cues
from dualtalk.inference.behaviour.cues import speaking_state

SR, FPS = 16000, 25


def _story_with_interjections():
    """Ann listens to Bob for 26 s (ten 2 s phrases, 0.6 s apart), then tells a story of twelve 2 s
    phrases with a 0.48 s breath between them; Bob murmurs "right" (0.5 s) ending 0.2 s before
    each of Ann's breaths. Returns the dialogue, Bob's phrase ends while Ann listens, and Ann's
    breaths as (start, stop) frames."""
    phrase, gap, breath = 2 * FPS, 15, 12
    t = 10 * (phrase + gap) + 12 * (phrase + breath) + 2 * FPS
    ann, bob = np.zeros(t, dtype=bool), np.zeros(t, dtype=bool)
    bob_ends = []
    k = FPS
    for _ in range(10):
        bob[k : k + phrase] = True
        bob_ends.append(k + phrase)
        k += phrase + gap
    breaths = []
    for i in range(12):
        ann[k : k + phrase] = True
        if i < 11:  # the story goes on after the breath
            breaths.append((k + phrase, k + phrase + breath))
            bob[k + phrase - 5 - int(0.5 * FPS) : k + phrase - 5] = True  # "right", just before Ann breathes
        k += phrase + breath
    d = Dialogue(buzzy_voice(ann, 200, 1), buzzy_voice(bob, 120, 2), ann, bob, names=("Ann", "Bob"))
    return d, bob_ends, breaths


def test_a_character_drawing_breath_in_its_own_turn_does_not_nod_as_if_listening():
    """Ann tells a story in phrases with short breaths; Bob murmurs "right" just before some of
    them. Before, Bob's murmur counted as a phrase end to answer, and Ann's 0.48 s breath (under
    the 0.6 s that still counts as speaking) as listening: Ann nodded mid-story, in her own breath,
    on about half of them over twenty performances. Now she never nods there, and while she really
    listens to Bob she still nods after about four of his five phrase ends, as before."""
    d, bob_ends, breaths = _story_with_interjections()
    cues_ann, cues_bob = dialogue_cues(d, d.num_frames)
    # the breaths are what the layer and the evaluator call speaking, though no voice is heard
    state = speaking_state(cues_ann.speaking, FPS)
    assert all(state[s:e].all() and not cues_ann.speaking[s:e].any() for s, e in breaths)
    # and each of Bob's murmurs ends a phrase that Ann could answer
    assert all(s - 5 in cues_bob.phrase_ends for s, _ in breaths)

    in_breath, answered, asked = 0, 0, 0
    a, b = still_motion(d, "A"), still_motion(d, "B")
    for seed in range(20):
        ann, _ = apply_behaviour(a, b, d, BehaviourSettings(seed=seed))
        nods = np.array(ann.meta["behaviour"]["events"]["nods"])
        in_breath += sum(int(np.any((nods >= s) & (nods < e))) for s, e in breaths)
        for e in bob_ends:  # Ann listening: a nod 0.2-0.9 s after Bob's phrase end
            asked += 1
            answered += int(np.any((nods >= e + 0.2 * FPS - 1) & (nods <= e + 0.9 * FPS)))
    assert in_breath == 0, f"{in_breath} nods in Ann's own breaths over 20 performances"
    assert asked == 200 and answered / asked >= 0.7, answered / asked
