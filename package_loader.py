"""The package loaded from its own folder as ``dualtalk``, before anything can import it.

Two entries run where no ``dualtalk`` is on ``sys.path`` yet: ``scripts/build_extension.py`` (the
zip's build reads ``inference/build_info.py``) and ``blender -b -P dualtalk_blender/commands/animate.py``
(Blender runs that file as a script). Each used to copy the same ``spec_from_file_location`` steps,
with two different errors for a folder that is not the package (closing39 D7). Now each runs this
file by its path (``runpy.run_path``: it imports nothing of ours) and calls :func:`load_package`.

The add-on's two child processes start this file as their script: the worker
(``python package_loader.py cli worker --job JOB``, in whatever Python has torch) and Export FBX's own
Blender (``blender -b --python package_loader.py -- fbx-export JOB``). Installed, the add-on is
``bl_ext.<repo>.dualtalk`` and a child has never heard of it; each carried its own copy of these steps
as a string of code, which refused nothing and left a traceback. Now they load the package beside this
file the one way (:func:`run_entry`), so a child always runs the same code as the add-on that started it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

NAME = "dualtalk"
MARKS = ("__init__.py", "inference/__init__.py")  # what a folder holding the package holds
# what a child started with this file as its script runs: ENTRY -> the module whose ``main(args)`` it
# calls with the arguments after ENTRY
ENTRIES = {
    "cli": "cli",  # ``python -m dualtalk``'s commands: the add-on's worker runs ``cli worker --job JOB``
    "fbx-export": "dualtalk_blender.addon.fbx_child",  # the panel's Export FBX, in a Blender of its own
}


class NotThePackage(ImportError):
    """The folder given holds no DualTalk package: one line, naming it and what it lacks."""


def load_package(root: Path | str) -> ModuleType:
    """The package ``dualtalk`` from the folder ``root``, registered in ``sys.modules`` so that its
    modules import by their absolute names; the one already imported where there is one (tests, a
    second entry). A folder that is not the package is refused (:class:`NotThePackage`), and a
    package that fails while loading is not left half-loaded for the next import."""
    held = sys.modules.get(NAME)
    if held is not None:
        return held
    folder = Path(root)
    missing = next((m for m in MARKS if not (folder / m).is_file()), None)
    if missing is not None:
        raise NotThePackage(f"cannot load the {NAME} package from {folder}: it holds no {missing}")
    spec = importlib.util.spec_from_file_location(
        NAME, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
        raise NotThePackage(f"cannot load the {NAME} package from {folder}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = package
    try:
        spec.loader.exec_module(package)
    except BaseException:
        sys.modules.pop(NAME, None)
        raise
    return package


def run_entry(argv: Sequence[str], root: Path | str | None = None) -> int:
    """``ENTRY ARGS...``: the package loaded from ``root`` (this file's folder), then ENTRY's ``main(ARGS)``
    (:data:`ENTRIES`); its exit status. A folder that is not the package, or an entry not known, is one
    ``error:`` line on stderr and status 2, as the command line's refusals are."""
    if not argv or argv[0] not in ENTRIES:
        got = repr(argv[0]) if argv else "nothing"
        print(f"error: {Path(__file__).name} runs one of {', '.join(ENTRIES)}; got {got}", file=sys.stderr)
        return 2
    try:
        load_package(Path(__file__).resolve().parent if root is None else root)
    except NotThePackage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"{NAME}.{ENTRIES[argv[0]]}")
    return int(module.main(list(argv[1:])))


def script_arguments(argv: Sequence[str]) -> list[str]:
    """This script's own arguments: Python gives them after the script's path, Blender (whose
    ``sys.argv`` is its own command line) after ``--``."""
    if argv and os.path.realpath(argv[0]) == os.path.realpath(__file__):
        return list(argv[1:])
    return list(argv[list(argv).index("--") + 1 :]) if "--" in argv else []


def _forget_own_folder() -> None:
    """Python puts a script's folder first on ``sys.path``: here the package's own root, whose
    ``cli.py`` and folders (``inference``, ``training``, ``operators``) would then be found as
    top-level modules by any library asking for one of those names. The package needs no such entry."""
    here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
    if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) == here:
        del sys.path[0]


if __name__ == "__main__":  # a child process of the add-on (see the module's docstring)
    _forget_own_folder()
    sys.exit(run_entry(script_arguments(sys.argv)))
