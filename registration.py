"""The one registration tuple of the add-on (filled in by operators/panels/preferences)."""

from __future__ import annotations

CLASSES: tuple[type, ...] = ()


def register() -> None:
    import bpy

    for cls in CLASSES:
        bpy.utils.register_class(cls)


def unregister() -> None:
    import bpy

    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
