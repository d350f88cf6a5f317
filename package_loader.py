"""The package loaded from its own folder as ``dualtalk``, before anything can import it.

Two entries run where no ``dualtalk`` is on ``sys.path`` yet: ``scripts/build_extension.py`` (the
zip's build reads ``inference/build_info.py``) and ``blender -b -P dualtalk_blender/commands/animate.py``
(Blender runs that file as a script). Each used to copy the same ``spec_from_file_location`` steps,
with two different errors for a folder that is not the package (closing39 D7). Now each runs this
file by its path (``runpy.run_path``: it imports nothing of ours) and calls :func:`load_package`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

NAME = "dualtalk"
MARKS = ("__init__.py", "inference/__init__.py")  # what a folder holding the package holds


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
