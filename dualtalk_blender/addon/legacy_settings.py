"""Panel settings a .blend kept under the names of builds before 2026-12-02 (9f8dac4), carried over.

9f8dac4 made the panel's properties from the declared options and renamed four of them (``key_mode``
-> ``keys``, ``custom_map`` -> ``map``, ``behaviour_head_turn`` -> ``head_turn``, ``behaviour_gaze_on``
-> ``gaze``) and dropped the *Custom map* rig preset (its stored value, 5, matches no preset now).
Blender keeps a property's value in the file under the name it was saved with, and nothing read
those back: an animator's Keys *Reduced*, custom map, head turn and *Eye contact* off came back as
the defaults without a word (review 33u F1). They are carried over when a file is opened
(``load_post``) and when the add-on is enabled with such a file open: a new property already set
(the file was saved by a newer build too) is kept, and the old names are dropped either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import bpy


def _keys(value: Any) -> str | None:
    """``key_mode`` as stored: 0 EVERY_FRAME, 1 REDUCED (anything else: damaged)."""
    return {0: "every-frame", 1: "reduced"}.get(value) if type(value) is int else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _share(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0
    return float(value) if ok else None


def _switch(value: Any) -> bool | None:
    return bool(value) if type(value) is int and value in (0, 1) else None


# old name -> (today's property, its value from the stored one or None when damaged, how the status
# line names it)
RENAMED: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "key_mode": ("keys", _keys, "Keys"),
    "custom_map": ("map", _text, "Map file"),
    "behaviour_head_turn": ("head_turn", _share, "Head turn"),
    "behaviour_gaze_on": ("gaze", _switch, "Eye contact"),
}


def _stored(scene: Any) -> Any | None:
    """The scene's stored panel settings (the values Blender keeps for ``scene.dualtalk``), or None."""
    get = getattr(scene, "bl_system_properties_get", None)  # Blender 5: registered properties' storage
    if get is None:
        return None
    with contextlib.suppress(AttributeError, KeyError, TypeError, RuntimeError):
        system = get()
        if system is not None and "dualtalk" in system.keys():
            return system["dualtalk"]
    return None


def carry_over(scene: Any) -> list[str]:
    """Move ``scene``'s settings saved under the old names to today's properties; returns the names
    of the settings carried over (as the panel labels them), [] when there was nothing to do."""
    stored = _stored(scene)
    settings = getattr(scene, "dualtalk", None)
    if stored is None or settings is None:
        return []
    keys = set(stored.keys())
    moved = []
    for old, (new, convert, label) in RENAMED.items():
        if old not in keys:
            continue
        if new not in keys:  # never set under today's name: the old value is the animator's
            value = convert(stored[old])
            if value is not None:  # damaged: today's default stays
                setattr(settings, new, value)
                moved.append(label)
        del stored[old]
    preset = stored.get("preset") if "preset" in keys else None
    valid = {item.value for item in settings.bl_rna.properties["preset"].enum_items}
    if isinstance(preset, int) and preset not in valid:  # the old Custom map preset: the map says it
        settings.preset = "auto"
        moved.append("Rig")
    return moved


def carry_over_all() -> list[str]:
    """:func:`carry_over` on every scene of the open file; one line when anything moved (also printed)."""
    lines = []
    with contextlib.suppress(AttributeError):  # bpy.data not readable yet (add-ons enabled at start-up)
        for scene in bpy.data.scenes:
            if scene.library is not None:  # linked from another file: read-only here, that file's to carry
                continue
            moved = carry_over(scene)
            if moved:
                lines.append(
                    f"DualTalk: scene {scene.name!r} was saved by an earlier DualTalk: its "
                    f"{', '.join(moved)} carried over to today's panel"
                )
    for line in lines:
        print(line)
    return lines


@bpy.app.handlers.persistent
def on_load(*_args: Any) -> None:
    """``load_post``: a file saved by an earlier build gets its panel settings back; the status says so
    where no job is running."""
    lines = carry_over_all()
    if not lines:
        return
    from . import state

    with contextlib.suppress(AttributeError, ReferenceError, RuntimeError):
        status = getattr(bpy.context.window_manager, "dualtalk_status", None)  # registered by us
        if status is not None and not status.running:
            state.set_status(bpy.context, running=False, last="; ".join(lines))
