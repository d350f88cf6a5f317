"""Tell an engine dependency that is installed but fails to import apart from a bug of ours.

A torch whose shared library is gone, one built for another Python or CPU, or a half-finished pip
install raises ImportError (or OSError) while its own top-level code runs. The user's next step is
then to repair the environment (Install Dependencies), not to report an internal error, so the
worker words it as an environment problem (``inference/worker.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# What the worker imports besides the standard library and our own code.
ENGINE_MODULES = ("torch", "numpy", "scipy", "soundfile")
# Written by the add-on's Install Dependencies into the venv it makes (``deps.VENV_MARKER``).
VENV_MARKER = ".dualtalk-venv"


def failed_import(exc: BaseException) -> str | None:
    """The engine module (``torch``, ...) whose import raised ``exc``, else None (raised elsewhere).

    Found by the module-level frame of that package in the traceback: only an import runs it."""
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "<module>":
            top = str(frame.f_globals.get("__name__", "")).partition(".")[0]
            if top in ENGINE_MODULES:
                return top
        tb = tb.tb_next
    return None


def first_line(exc: BaseException, limit: int = 150) -> str:
    """``Type: first line of the message``, short enough for one status line."""
    text = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text}"[:limit]


def broken_line(module: str, exc: BaseException) -> str:
    """The worker's one line for ``module`` failing to import in this interpreter, with the next step."""
    here = f"the inference Python ({sys.executable}) has {module} but it does not import ({first_line(exc)})"
    prefix = Path(sys.prefix)
    if (prefix / VENV_MARKER).is_file():  # the add-on's own venv: made again from scratch
        return (
            f"{here}; delete {prefix} (DualTalk's Install Dependencies made it) and press Install "
            "Dependencies in the DualTalk add-on preferences again"
        )
    return (
        f"{here}; repair {module} in that Python, or leave Python with torch empty and press Install "
        "Dependencies in the DualTalk add-on preferences (it runs in a private environment then)"
    )
