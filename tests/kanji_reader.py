"""Tests' view of the optional kanji reader (SudachiPy + its core dictionary,
``inference/phonetic/japanese_reading.py``): whether it is installed, and this Python as one without it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

INSTALLED = not subprocess.run(
    [sys.executable, "-c", "import sudachipy, sudachidict_core"], capture_output=True
).returncode
needs_it = pytest.mark.skipif(
    not INSTALLED, reason="sudachipy + sudachidict_core not installed (scripts/setup.sh --test installs them)"
)


def forget() -> None:
    """Load the reader afresh at its next use (it is loaded once per process), and read lines again."""
    reader = sys.modules.get("dualtalk.inference.phonetic.japanese_reading")
    if reader is not None:
        reader._tokenizer.cache_clear()
    warp = sys.modules.get("dualtalk.inference.phonetic.script_warp")
    if warp is not None:
        warp._reading.cache_clear()
    languages = sys.modules.get("dualtalk.inference.phonetic.script_languages")
    if languages is not None and hasattr(languages, "_KANJI_READER_SEEN"):  # the panel's look-up
        languages._KANJI_READER_SEEN.clear()


@contextmanager
def missing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This Python as one without SudachiPy (the add-on's venv before Install dependencies adds it)."""
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "sudachipy", None)  # import sudachipy: ImportError
        forget()
        try:
            yield
        finally:
            forget()
    forget()
