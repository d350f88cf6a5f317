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
