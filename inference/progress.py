"""Old import path, kept for one release: the module now lives in ``inference/core/progress.py``."""

import sys

from .core import progress as _moved

sys.modules[__name__] = _moved
