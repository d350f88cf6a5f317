"""A character whose script lines are all stage directions ("(laughs)", "[MUSIC]") has nothing to say:
it keeps the engine's lips without an error about letters or phones it was never asked to read."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript

SR = 16000


@pytest.fixture(scope="module")
def voice_and_motion() -> tuple[np.ndarray, Motion]:
    said = speak("Maybe my brother will buy a boat.", Voice("flite", "kal")).audio
    audio = np.concatenate([np.zeros(SR, np.float32), said, np.zeros(SR, np.float32)])
    audio += np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)
    frames = int(len(audio) / SR * 25)
    return audio, Motion("arkit55", np.full((frames, 55), 0.2, np.float32), engine="lite")


@pytest.mark.parametrize(
    "language, lines", [("en", ["(laughs)", "[MUSIC]"]), ("es", ["(risas)", "[MÚSICA]"])]
)
def test_only_directions_keep_the_engines_lips_and_report_no_words(voice_and_motion, language, lines):
    audio, motion = voice_and_motion
    script = [transcript.Line(i + 1, "A", text) for i, text in enumerate(lines)]
    drawn, report = transcript.draw_lips(motion, audio, script, language=language)
    assert np.array_equal(drawn.values, motion.values)
    assert report["words"] == 0
    assert "error" not in report


def test_a_direction_in_another_language_does_not_make_an_english_script_look_foreign():
    from dualtalk.inference.phonetic.script_languages import not_english_words

    lines = [
        "(suspira profundamente, mirando por la ventana) I think so, yes.",
        "[risas nerviosas] Well, maybe tomorrow then.",
    ]
    unknown, counted = not_english_words(lines)
    assert unknown == []
    assert counted == len("I think so yes Well maybe tomorrow then".split())
