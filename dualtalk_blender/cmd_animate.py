"""Old home of the headless ``animate`` command, kept for one release.

``blender -b -P dualtalk_blender/cmd_animate.py -- ...`` and ``import dualtalk.dualtalk_blender.cmd_animate``
still work; the command lives in ``dualtalk_blender/commands/animate.py``.
"""

import sys

if __name__ == "__main__" and not __package__:  # pragma: no cover - `blender -b -P cmd_animate.py -- ...`
    import runpy
    from pathlib import Path

    runpy.run_path(str(Path(__file__).resolve().parent / "commands" / "animate.py"), run_name="__main__")
else:
    from .commands import animate as _moved

    sys.modules[__name__] = _moved
