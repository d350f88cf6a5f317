"""The progress bar a user watches in a terminal: a running stage stays on one line whatever the
terminal's width, and a stage's last line (e.g. the demo's dialogue summary) is shown whole."""

from __future__ import annotations

import io
import os
import shutil

from dualtalk.inference.core.progress import ConsoleBar

SUMMARY = "8.00 s from demo: Ann speaks 52%, Bob 48%, overlap 3%, and a little more to say"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _bar(monkeypatch, columns: int) -> tuple[ConsoleBar, _Terminal]:
    monkeypatch.setattr(
        shutil, "get_terminal_size", lambda fallback=(100, 24): os.terminal_size((columns, 24))
    )
    term = _Terminal()
    return ConsoleBar(term), term


def test_a_finished_stage_shows_its_whole_message(monkeypatch):
    bar, term = _bar(monkeypatch, 100)
    bar.update("dialogue", 1.0, SUMMARY)
    assert SUMMARY in term.getvalue() and term.getvalue().endswith("\n")


def test_a_running_stage_fits_one_line_of_a_narrow_terminal(monkeypatch):
    bar, term = _bar(monkeypatch, 80)
    bar.update("engine", 0.5, SUMMARY)
    line = term.getvalue()
    assert line.startswith("\r") and "\n" not in line
    assert len(line) - 1 <= 80 - 1 and line.rstrip().endswith("…")


def test_a_short_message_in_a_wide_terminal_is_not_cut(monkeypatch):
    bar, term = _bar(monkeypatch, 200)
    bar.update("engine", 0.5, SUMMARY)
    assert SUMMARY in term.getvalue()
