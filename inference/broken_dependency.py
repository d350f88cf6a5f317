"""Tell an engine dependency that is installed but fails to import apart from a bug of ours.

A torch whose shared library is gone, one built for another Python or CPU, or a half-finished pip
install raises ImportError, OSError or ModuleNotFoundError ("No module named 'torch._C'") while its
own top-level code runs. The user's next step is then to repair the environment, not to report an
internal error, so the worker and the command line word it as an environment problem
(``inference/worker.py``, ``cli.py``). The next step itself (:func:`repair_advice`) is written
here once, for them and for the add-on's Check Python and Install Dependencies (``deps.py``):
this module imports neither bpy nor torch.
"""

from __future__ import annotations

import importlib.util
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


def broken_module(exc: BaseException) -> str | None:
    """:func:`failed_import`, except for a module that is truly absent: an engine module (numpy
    under scipy) that is not installed at all is missing, not broken. ``torch._C`` gone from an
    installed torch, or torch's own dependency gone, is a torch that does not import."""
    module = failed_import(exc)
    missing = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
    top = str(missing or "").partition(".")[0]
    if module is None or top not in ENGINE_MODULES or top == module:
        return module
    try:
        there = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):  # a half-made package: it is there
        there = True
    return module if there else None


def missing_module(exc: BaseException) -> str | None:
    """The engine module (``torch``, ...) that ``exc`` says is not installed in this Python at all,
    else None. A fresh Python without the README's set-up is a step the user skipped, not a bug."""
    if not isinstance(exc, ModuleNotFoundError):
        return None
    top = str(exc.name or "").partition(".")[0]
    if top not in ENGINE_MODULES or top != exc.name:
        return None  # torch._C gone from an installed torch is a broken torch (:func:`broken_module`)
    try:
        there = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):  # a half-made package: it is there
        there = True
    return None if there else top


def missing_line(module: str) -> str:
    """One line for an engine module this interpreter does not have, with the next step."""
    return (
        f"this Python ({sys.executable}) has no {module}, which the engine needs; install DualTalk's "
        'dependencies into it (README, "Set up, run, test": bash scripts/setup.sh), or run DualTalk with '
        "the Python that has them"
    )


def made_here(venv_dir: str | Path) -> bool:
    """Whether DualTalk's Install Dependencies created this venv (it holds :data:`VENV_MARKER`)."""
    return (Path(venv_dir) / VENV_MARKER).is_file()


def blenders_own_python(prefix: str | Path) -> bool:
    """Whether ``prefix`` (``sys.prefix``) is the Python Blender bundles: it sits beside Blender's
    ``scripts`` folder (``5.0/python`` and ``5.0/scripts``, on every platform)."""
    return (Path(prefix).parent / "scripts" / "startup" / "bl_ui").is_dir()


def repair_advice(python: str, *, venv_dir: str | Path | None = None, blenders_own: bool = False) -> str:
    """The next step for ``python`` whose engine does not import, said alike by the worker, the
    command line and the add-on's Check Python and Install Dependencies. ``venv_dir``: its
    environment (by default the folder above ``bin/python`` or ``Scripts/python.exe``);
    ``blenders_own``: the Python Blender bundles, left as it is."""
    venv = Path(venv_dir) if venv_dir is not None else Path(python).parent.parent
    if made_here(venv):  # the add-on's own venv: made again from scratch
        return (
            f"delete {venv} (DualTalk made it) and press Install Dependencies again in the DualTalk "
            "add-on preferences"
        )
    if blenders_own:
        return (
            "press Install Dependencies in the DualTalk add-on preferences: DualTalk then runs in a "
            "private environment (Blender's own Python is left as it is)"
        )
    return (
        f"repair it in {python}, or leave Python with torch empty and press Install Dependencies in the "
        "DualTalk add-on preferences (DualTalk then runs in a private environment)"
    )


def first_line(exc: BaseException, limit: int = 150) -> str:
    """``Type: first line of the message``, short enough for one status line."""
    text = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text}"[:limit]


def broken_line(module: str, exc: BaseException) -> str:
    """One line for ``module`` failing to import in this interpreter, with the next step."""
    here = f"the inference Python ({sys.executable}) has {module} but it does not import ({first_line(exc)})"
    advice = repair_advice(sys.executable, venv_dir=sys.prefix, blenders_own=blenders_own_python(sys.prefix))
    return f"{here}; {advice}"
