"""The evaluator times a listener's nods from the same phrase ends the layer nods at.

The layer finds a sentence pause inside the partner's turn on the partner's loudness (its floor for
0.25 s or more); the evaluator found phrase ends on the voice flags alone, so a nod at such a pause
counted as "not after a phrase end": with the layer's change alone the suite's demo read 3 of 14
nods in 0.2-1.0 s and missed its target (review rv40d F4)."""

from __future__ import annotations

import numpy as np
from dualtalk.bench.testsignals import place
from dualtalk.inference.audio import Dialogue
from dualtalk.inference.behaviour import dialogue_cues
from dualtalk.training.evaluation import behaviour as ev

FPS = 25
SR = 16000
TOTAL_S = 10.0
SENTENCES = [(1.0, 3.4), (3.75, 6.1), (6.45, 8.8)]  # Ben's three sentences, 0.35 s apart


def test_the_evaluator_sees_bens_sentence_pauses_where_the_layer_does():
    rng = np.random.default_rng(0)
    ben = place(TOTAL_S, SENTENCES, rng)
    room = [(1e-3 * rng.standard_normal(int(TOTAL_S * SR))).astype(np.float32) for _ in range(2)]
    take = Dialogue.from_arrays(room[0], ben + room[1], sample_rate=SR)
    _, cues = dialogue_cues(take, take.num_frames, FPS)
    judged = ev.phrase_ends(take.active_b, FPS, cues.loud_db)
    assert judged.tolist() == cues.phrase_ends
    for _, end in SENTENCES:
        assert any(abs(e - end * FPS) <= 2 for e in judged), judged


def test_a_motion_file_without_sound_keeps_the_flags_phrase_ends():
    """No loudness (motion files on disk without a dialogue.wav): the voice flags alone, as before."""
    flags = np.zeros(200, dtype=bool)
    flags[20:80] = flags[84:150] = True  # a 0.16 s gap: bridged, not a phrase end
    assert ev.phrase_ends(flags, FPS).tolist() == [150]
