"""On a real recorded conversation (never seen in training, which is all TTS), the lite
engine moves each character's mouth while they talk and keeps it calm while they listen."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.audio import load_dialogue
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_dialogue
from dualtalk.inference.phonetic.visemes import mouth_openness


def test_mouths_move_more_while_speaking_than_while_listening(demo_clip):
    dialogue = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    engine = load_engine(engine="lite")
    assert engine.name == "lite" and engine.space == "arkit55"
    motion_a, motion_b = generate_dialogue(dialogue, engine)
    assert motion_a.num_frames == motion_b.num_frames == dialogue.num_frames
    for motion, active in ((motion_a, dialogue.active_a), (motion_b, dialogue.active_b)):
        assert motion.engine == "lite" and motion.checkpoint_sha256 == engine.sha256
        active = np.asarray(active[: motion.num_frames], bool)
        assert active.any() and (~active).any()
        openness = mouth_openness(motion.values[:, :52])
        speed = np.abs(np.diff(openness))
        assert openness[active].mean() > 2.0 * openness[~active].mean()
        assert speed[active[1:]].mean() > 2.0 * speed[~active[1:]].mean()
        # Heads move, but stay within a natural range.
        head = motion.values[:, 52:]
        assert head.std(axis=0).max() > 1e-3 and np.abs(head).max() < 0.6
