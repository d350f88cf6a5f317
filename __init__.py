"""DualTalk for Blender: two characters animated from one recorded conversation.

This file is the Blender extension's entry point; outside Blender the same folder is the
Python package ``dualtalk`` (engine in ``inference/``, scene logic in ``dualtalk_blender/``).
Nothing heavy is imported here so the package stays cheap to import everywhere.
"""

from __future__ import annotations

__version__ = "0.3.0"  # with blender_manifest.toml; see inference/build_info.py for the build id


def register() -> None:
    """Blender entry point: register operators, panels and preferences."""
    from .registration import register as _register

    _register()


def unregister() -> None:
    from .registration import unregister as _unregister

    _unregister()
