"""A script handed in without its language whose words hold no English letter at all (Russian,
Korean, Japanese, Arabic...). The character keeps the engine's lips, and the line says which flag
to give, with the language its letters are in; the panel says the menu once. Before: "needs its
language: --transcript-language, the panel's Script Language)", a flag with no value and, in the
panel, "Script Language, the panel's Script Language" (review 32n F3's wording, left on this path)."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr

NOTHING = {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
# the menu's entry the panel names for each flag (review rv36b R5); none for a language it lacks
ENTRY = {
    "ru": " › Russian",
    "ko": " › Korean",
    "ja": " › Japanese",
    "cmn|ja": " › Mandarin or Japanese",
    "CODE": "",
}


def _refused(text: str) -> tuple[str, str]:
    """(the command line's summary, the panel's) for B's one line ``text`` given as English."""
    audio = (0.1 * np.sin(np.arange(32000) / 5.0)).astype(np.float32)
    motion = Motion("arkit55", np.full((50, 55), 0.2, np.float32), speaking=np.ones(50, bool), engine="lite")
    drawn, report = tr.draw_lips(motion, audio, text, "B")
    assert np.array_equal(drawn.values, motion.values)  # the engine's lips, untouched
    summary = tr.describe({"a": NOTHING, "b": report})
    return summary, in_panel_words(summary)


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Привет, как дела?", "ru"),
        ("안녕하세요 여러분", "ko"),
        ("東京へ行きます", "ja"),
        ("东京很大", "cmn|ja"),
        ("Γεια σου", "CODE"),
    ],
    ids=["Russian", "Korean", "Japanese", "Han only", "Greek (no panel language)"],
)
def test_a_script_with_no_english_letters_is_told_its_language(line, flag):
    summary, panel = _refused(line)
    assert "is written in English letters; a script in another language needs its language: " in summary
    assert f"--transcript-language {flag} (panel: Script Language)" in summary
    assert f"needs its language: Script Language{ENTRY[flag]})" in panel  # the menu's entry, where one
    assert "--" not in panel and "the panel's" not in panel
