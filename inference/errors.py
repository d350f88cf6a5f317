"""Old import path, kept for one release: the module now lives in ``inference/core/errors.py``."""

import sys

from .core import errors as _moved

sys.modules[__name__] = _moved
