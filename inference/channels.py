"""Old import path, kept for one release: the module now lives in ``inference/core/channels.py``."""

import sys

from .core import channels as _moved

sys.modules[__name__] = _moved
