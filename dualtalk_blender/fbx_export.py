"""Old import path, kept for one release: the module now lives in ``dualtalk_blender/scene/fbx_export.py``."""

import sys

from .scene import fbx_export as _moved

sys.modules[__name__] = _moved
