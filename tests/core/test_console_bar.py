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


def test_a_log_gets_each_new_step_of_a_stage_but_not_every_counter():
    """In a farm log "reading audio" and then "diarizing the mix" came within 2 s: the second was
    throttled away and the log said "reading audio" for the 35 s diarization took."""
    log = io.StringIO()
    bar = ConsoleBar(log)
    bar.update("audio", 0.1, "reading audio")
    bar.update("audio", 0.3, "diarizing the mix")
    bar.update("generate", 0.1, "window 1/40")
    bar.update("generate", 0.12, "window 2/40")  # only the count moved: throttled
    assert log.getvalue().splitlines() == [
        "audio: 10% reading audio",
        "audio: 30% diarizing the mix",
        "generate: 10% window 1/40",
    ]


class _AsciiTerminal(io.TextIOWrapper):
    """A terminal in an ASCII locale: Python escapes what it cannot write (``\\xe9``)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="ascii", errors="backslashreplace")

    def isatty(self) -> bool:
        return True


def test_a_running_stage_fits_one_line_of_an_ascii_terminal_too(monkeypatch):
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(100, 24): os.terminal_size((80, 24)))
    term = _AsciiTerminal()
    ConsoleBar(term).update("audio", 0.5, "reading Tomás y José — una conversación larga " * 3)
    term.flush()
    line = term.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert line.startswith("\r") and "\n" not in line
    assert len(line) - 1 <= 80 - 1 and line.rstrip().endswith("...")  # was: 99 columns, wrapped
    assert "Tom\\xe1s" in line
