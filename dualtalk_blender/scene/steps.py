"""Long keying cut into steps: a generator yields where a caller may give Blender back its window.

The add-on's Generate keys a finished take in the modal's timer ticks (one step per tick, so Blender
redraws and hears Esc between them); the CLI and the Python API run the same steps to the end
(:func:`run_steps`), so both key the same curves.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TypeVar, cast

T = TypeVar("T")

Steps = Generator[None, None, T]  # yields between steps, returns the result


def run_steps(steps: Steps[T]) -> T:
    """Run ``steps`` to the end and return what they return."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return cast(T, done.value)
