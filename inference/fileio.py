"""Old import path, kept for one release: the module now lives in ``inference/core/fileio.py``."""

import sys

from .core import fileio as _moved

sys.modules[__name__] = _moved
