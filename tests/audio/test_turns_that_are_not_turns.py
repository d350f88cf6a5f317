"""A TD points --turns at the wrong label track: 190,000 Audacity labels of 53 microseconds each,
alternating Ann and Ben over a 10 s mix (review 29a, nit 10i). Before, the shot was written, rc 0,
both characters "speaking" 45 % of the take in flickers. Now such a file is refused in one line;
real turns files, short backchannels among them, read as before."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.turns import read_turns
from dualtalk.inference.core.errors import DualTalkError


def _labels(path, turns):
    path.write_text("".join(f"{a:.6f}\t{b:.6f}\t{who}\n" for a, b, who in turns), encoding="utf-8")
    return path


def test_many_turns_shorter_than_a_frame_are_refused(tmp_path):
    step = 10.0 / 190_000
    flicker = [(i * step, (i + 1) * step, "Ann" if i % 2 else "Ben") for i in range(190_000)]
    with pytest.raises(DualTalkError) as refused:
        read_turns(_labels(tmp_path / "clicks.txt", flicker))
    assert str(refused.value) == (
        "clicks.txt holds 190,000 turns with a median length of 0.053 ms (a spoken turn lasts seconds): "
        "is it a turns file of who speaks when?"
    )


def test_a_conversation_with_quick_backchannels_reads_as_before(tmp_path):
    turns = []
    t = 0.0
    for i in range(60):  # 60 turns: long lines and "mm-hmm"s of 0.3 s
        length = 2.5 if i % 2 == 0 else 0.3
        turns.append((t, t + length, "Ann" if i % 2 == 0 else "Ben"))
        t += length + 0.2
    assert len(read_turns(_labels(tmp_path / "talk.txt", turns))) == 60


def test_a_few_short_turns_are_not_judged_by_their_lengths(tmp_path):
    """Fewer than 50 turns: a 10 ms click among them is the other checks' business."""
    turns = [(1.0, 1.01, "Ann"), (2.0, 4.0, "Ben"), (4.5, 4.51, "Ann")]
    assert len(read_turns(_labels(tmp_path / "few.txt", turns))) == 3
