"""scipy.signal's compiled loops, loaded without ``scipy/signal/__init__.py``.

``import scipy.signal`` runs an ``__init__`` that imports scipy.stats, optimize, interpolate, spatial
and more: 0.6-0.9 CPU-s that every Generate, ``infer`` and ``animate`` paid at its start for two
small loops (the VAD's band-pass, the resampler). Each loop is a Cython extension of its own that
needs only numpy (``_sosfilt``: what ``sosfilt`` calls; ``_upfirdn_apply``: what ``resample_poly``
calls), so it is loaded from its file under its own name (about 0.02 CPU-s); a later
``import scipy.signal`` gets the same module from Cython, not a second copy. Where a
scipy has no such file (another version's layout), :func:`scipy_kernel` says None and the caller
uses ``scipy.signal``'s public function: the same loop, slower to reach.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType


@functools.cache
def scipy_kernel(name: str) -> ModuleType | None:
    """``scipy.signal.<name>`` (a compiled extension), loaded from its file alone; None where it cannot be."""
    full = f"scipy.signal.{name}"
    if full in sys.modules:  # scipy.signal (or an earlier call) has it already
        return sys.modules[full]
    try:
        # imported first: its __init__ readies the folders its compiled parts load from (Windows wheels)
        scipy = importlib.import_module("scipy")
        for base in list(getattr(scipy, "__path__", [])):
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = os.path.join(base, "signal", name + suffix)
                if not os.path.isfile(path):
                    continue
                loader = importlib.machinery.ExtensionFileLoader(full, path)
                found = importlib.util.spec_from_file_location(full, path, loader=loader)
                if found is None:
                    return None
                module = importlib.util.module_from_spec(found)
                loader.exec_module(module)
                # Cython put it in sys.modules; taken out again, a later import of scipy.signal loads
                # it as its own submodule (Cython hands back this same module) and binds it there
                sys.modules.pop(full, None)
                return module
    except (ImportError, OSError):
        return None
    return None
