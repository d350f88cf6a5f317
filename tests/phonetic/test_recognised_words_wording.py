"""Words recognised from the voice (``--recognise``) that cannot be placed are not the user's
script: the panel's warning says so and asks nothing about a script's language."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic import transcript as tr

NOT_PLACED = "11 of 79 words placed, but they cover 14% of the time the character speaks (needs 80%)"


def _report(**extra):
    failed = {"words": 79, "aligned": 0, "unknown": [], "seconds": 0.0, "error": NOT_PLACED}
    return {"a": failed, "b": {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}, **extra}


def test_a_typed_script_that_does_not_align_asks_about_its_language():
    said = tr.unaligned(_report())
    assert said.startswith("A's lines keep the engine's lips") and "as Script Language says?" in said


def test_recognised_words_that_do_not_align_are_called_so_and_no_script_is_questioned():
    said = tr.unaligned(_report(script="A: hello there\n"))
    assert said.startswith("A's recognised words keep the engine's lips, not aligned to the voice")
    assert "Script Language" not in said and "14%" in said


def test_a_missing_recogniser_names_the_option_that_needs_it(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a, **k: None)
    with pytest.raises(DualTalkError, match=r"^--recognise needs pocketsphinx"):
        tr.check_available("en", flag="--recognise")


def _short_cover(recognised: bool) -> str:
    """A's 4 words, 3 placed, covering 47 % of A's speech, said as draw_lips says it."""
    from types import SimpleNamespace

    found = SimpleNamespace(words=[("but", 1.0, 1.2), ("the", 1.2, 1.3), ("boat", 1.3, 1.6)])
    placement = tr.Placement(found=found, words={0: (0, 3)}, refused={})
    lines = [tr.Line(1, "A", "but the boat sailed")]
    problem = tr.Misfit("cover", f"its words cover 47% {tr.COVER_NEEDS}{tr.LACKS_LINES}", 0.47)
    return tr._not_aligned(placement, lines, "en", 4, problem, [], recognised)


def test_recognised_words_that_cover_too_little_ask_nothing_about_a_script():
    """Review 29a, finding 9: the user gave no script, so "the script lacks lines they say?" points
    the wrong way; a typed script still gets the question."""
    assert _short_cover(recognised=False).endswith("(needs 80%): the script lacks lines they say?")
    said = _short_cover(recognised=True)
    assert said == "3 of 4 words placed, but they cover 47% of the time the character speaks (needs 80%)"


def test_the_warning_calls_recognised_words_so(monkeypatch, caplog):
    import numpy as np
    from dualtalk.inference.core.channels import ARKIT55
    from dualtalk.inference.core.motion import Motion

    motion = Motion(
        space="arkit55", values=np.zeros((50, len(ARKIT55)), np.float32), speaking=np.ones(50, bool)
    )

    def refuse(*args, **kwargs):
        raise DualTalkError("stand-in aligner: nothing placed")

    monkeypatch.setattr(tr, "place_lines", refuse)
    audio = np.zeros(16000 * 2, np.float32)
    tr.apply_transcript([tr.Line(1, "A", "hello there")], ("A", "B"), audio, audio, motion, motion,
                        tr.RECOGNISED_WORDS)  # fmt: skip
    assert "could not align A's recognised words with A's voice (stand-in aligner" in caplog.text
    caplog.clear()
    tr.apply_transcript(
        [tr.Line(1, "A", "hello there")], ("A", "B"), audio, audio, motion, motion, "scene.txt"
    )
    assert "could not align A's transcript with A's voice" in caplog.text
