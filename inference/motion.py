"""Old import path, kept for one release: the module now lives in ``inference/core/motion.py``."""

import sys

from .core import motion as _moved

sys.modules[__name__] = _moved
