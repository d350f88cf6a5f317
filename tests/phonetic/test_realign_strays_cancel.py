"""A TD cancels a take while a character's lines that did not fit where they fell are aligned again,
one by one, alone (``transcript._realign_strays``: a pocketsphinx pass per line and window, up to four
windows a line). The rest of alignment hears a cancel at each unit (review 29a, finding 13); this step
had no check inside, so every line's windows were still aligned after the cancel (the closing note of
session 29, "Left"). Now the cancel is heard before the next alignment alone, and the bar moves with
the lines."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from dualtalk.inference.core.errors import CancelledError, DualTalkError
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.phonetic import align
from dualtalk.inference.phonetic import transcript as tr

FPS = 25


def _split_lines() -> tuple[tr.Placement, np.ndarray]:
    """Three lines refused as split around speech they do not hold: each spans 2 s holding two
    stretches of speech, so each has two windows to be aligned again in."""
    words, spans, speaking = [], {}, np.zeros(12 * FPS, bool)
    for i in range(3):
        t = 0.5 + 4.0 * i
        spans[i] = (len(words), len(words) + 3)
        words += [("maybe", t, t + 0.6), ("we", t + 0.6, t + 1.2), ("should", t + 1.2, t + 2.0)]
        speaking[int((t + 0.1) * FPS) : int((t + 0.7) * FPS)] = True
        speaking[int((t + 1.2) * FPS) : int((t + 1.9) * FPS)] = True
    placement = tr.Placement(
        found=SimpleNamespace(words=words),
        words=spans,
        refused=dict.fromkeys(spans, tr.SPLIT),
        judged={i: {"fit": -1.0} for i in spans},
    )
    return placement, speaking


class CancelAtFirstAlignment(Recorder):
    """A TD's Progress whose cancel is asked while the first line is aligned again alone."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = False

    def check_cancel(self) -> None:
        if self.asked:
            raise CancelledError("cancelled")


@pytest.fixture
def aligned_alone(monkeypatch) -> list[str]:
    """Each alignment alone is counted; none fits better (the lines keep their placement)."""
    calls: list[str] = []

    def align_words(audio, text, **_kwargs):
        calls.append(text)
        raise DualTalkError("stand-in aligner: no better fit")

    monkeypatch.setattr(align, "align_words", align_words)
    return calls


def test_a_cancel_asked_while_lines_are_aligned_again_alone_stops_before_the_next(monkeypatch):
    placement, speaking = _split_lines()
    progress = CancelAtFirstAlignment()
    aligned: list[str] = []

    def align_words(audio, text, **_kwargs):
        progress.asked = True  # the TD presses cancel during the first line's first window
        aligned.append(text)
        raise DualTalkError("stand-in aligner: no better fit")

    monkeypatch.setattr(align, "align_words", align_words)
    with pytest.raises(CancelledError):
        tr._realign_strays(placement, np.zeros(12 * 16000, np.float32), speaking, FPS, 0.0, progress=progress)
    assert len(aligned) == 1  # before: all 6 windows of the 3 lines, and no CancelledError


def test_without_a_cancel_every_line_is_tried_and_the_bar_moves_line_by_line(aligned_alone):
    placement, speaking = _split_lines()
    progress = Recorder()
    moved = tr._realign_strays(
        placement, np.zeros(12 * 16000, np.float32), speaking, FPS, 0.0, progress=progress
    )
    assert moved == 0 and len(aligned_alone) == 6
    fractions = [f for stage, f, _m in progress.events if stage == "transcript"]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == pytest.approx(2 / 3)
