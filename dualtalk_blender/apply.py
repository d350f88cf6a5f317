"""Old import path, kept for one release: the module now lives in ``dualtalk_blender/scene/apply.py``."""

import sys

from .scene import apply as _moved

sys.modules[__name__] = _moved
