"""A TD drives their own progress bar from ``run(..., progress=obj)`` and cancels from it.

Before (review rv38c, finding 5): the last report was ``('write', 0.0, 'writing the motion files')``,
so a bar ended at "write 0 %", and ``('engine', 1.0, ...)`` and ``('audio', 0.0, 'reading audio')``
came twice each. Now the last report is ``write 1.0`` once the files are written, and no stage ends
twice nor repeats a report.
"""

from __future__ import annotations

import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.errors import CancelledError, DualTalkError
from dualtalk.inference.core.progress import Recorder, Silent, StageReports
from dualtalk.inference.core.request import Request


class Bar:
    """The TD's own object: the two methods of the Progress protocol, nothing inherited."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float, str]] = []

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.events.append((stage, fraction, message))

    def check_cancel(self) -> None:
        pass


def test_the_bar_ends_full_after_the_files_are_written_and_says_nothing_twice(talk, tmp_path):
    bar = Bar()
    take = pipeline.run(Request(audio=str(talk), rounds=1), tmp_path / "take", progress=bar)
    stage, fraction, message = bar.events[-1]
    assert (stage, fraction) == ("write", 1.0) and message == "A.npz and B.npz written"
    assert take.path_a.is_file() and take.path_b.is_file()
    ends = [s for s, f, _m in bar.events if f >= 1.0]
    assert len(ends) == len(set(ends)), ends  # each stage ends once (engine was twice)
    repeats = [b for a, b in zip(bar.events, bar.events[1:], strict=False) if a == b]
    assert not repeats  # ('audio', 0.0, 'reading audio') was twice
    assert all(0.0 <= f <= 1.0 for _s, f, _m in bar.events)


def test_a_cancel_at_the_last_report_is_too_late_and_the_take_is_kept(talk, tmp_path):
    """Cancelling while the files are written: the run returns its take (both files exist)."""

    class LateCancel(Silent):
        def update(self, stage: str, fraction: float, message: str = "") -> None:
            if (stage, fraction) == ("write", 1.0):
                self.cancel()
            super().update(stage, fraction, message)

    take = pipeline.run(Request(audio=str(talk), rounds=1), tmp_path / "take", progress=LateCancel())
    assert take.path_a.is_file() and take.path_b.is_file()


def test_a_cancel_is_a_dualtalk_error_subclass_a_bad_input_handler_would_catch_first(talk, tmp_path):
    """python.md says so: catch CancelledError before DualTalkError to tell a cancel from bad input."""
    bar = Silent()
    bar.cancel()
    with pytest.raises(CancelledError) as exc:
        pipeline.run(Request(audio=str(talk), rounds=1), tmp_path / "take", progress=bar)
    assert isinstance(exc.value, DualTalkError)
    assert not (tmp_path / "take" / "A.npz").exists()


def test_a_dropped_repeat_still_checks_for_a_cancel():
    inner = Recorder()
    reports = StageReports(inner)
    reports.update("engine", 1.0, "lite on cpu")
    inner.cancel()
    with pytest.raises(CancelledError):
        reports.update("engine", 1.0, "engine ready")  # dropped, but a cancel is still heard
    assert inner.events == [("engine", 1.0, "lite on cpu")]
