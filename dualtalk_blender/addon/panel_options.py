"""The panel's option properties as a view of the declarations (engine side ``inference/core/
request.py``, scene side ``dualtalk_blender/rig/options.py``): which property holds which option,
and how a property's value reads back as the option's value.

``panels/properties.py`` makes one typed property per name from :func:`property_names`;
``ui_run`` reads them back with :func:`read` in a loop. A mapping option (intensity) is one
slider per key (``intensity_mouth`` ...). The engine's behaviour options are prefixed
``behaviour_`` so they never meet the scene side's own ``blinks`` / ``gaze``.
"""

from __future__ import annotations

from typing import Any

from ...inference.core.request import BEHAVIOUR, OPTIONS, Option, Value
from ..rig.options import SCENE_OPTIONS

ENGINE_SIDE = tuple(o for o in OPTIONS if o.panel)
SCENE_SIDE = tuple(o for o in SCENE_OPTIONS if o.panel)
PANEL_OPTIONS = (*ENGINE_SIDE, *SCENE_SIDE)


def property_names(option: Option) -> list[tuple[str, str | None]]:
    """(property name, mapping key or None) for each panel property that holds ``option``."""
    base = option.name
    if option in OPTIONS and option.group == BEHAVIOUR:
        base = "behaviour_" + option.name.removeprefix("behaviour_")
    if option.kind == "mapping":
        return [(f"{base}_{key}", key) for key in option.keys]
    return [(base, None)]


def names(option_name: str, side: tuple[Option, ...] = SCENE_SIDE) -> list[str]:
    """The panel properties of one side's declared option by its name (``intensity`` -> 5 sliders)."""
    option = next(o for o in side if o.name == option_name)
    return [name for name, _key in property_names(option)]


def unset_by_zero(option: Option) -> bool:
    """A number whose declaration has no default: the panel's 0 means "not set" (rounds, start, end)."""
    return option.kind in ("int", "float") and option.default is None


def _typed(number: float) -> float:
    """A panel float (stored as float32) as the user typed it: 0.15, not 0.15000000596."""
    return float(f"{number:.7g}")


def read(settings: Any, option: Option) -> Value | dict[str, float]:
    """The option's value as the panel holds it (None: not set, the declaration's default applies)."""
    from .ui_run import abspath  # the one place that knows Blender's "//" paths

    names = property_names(option)
    if option.kind == "mapping":
        return {key or name: _typed(getattr(settings, name)) for name, key in names}
    raw = getattr(settings, names[0][0])
    if option.kind == "path":
        return abspath(raw) or None
    if option.kind == "str":
        return raw.strip() or None
    if option.kind == "int":
        return None if unset_by_zero(option) and raw == 0 else int(raw)
    if option.kind in ("float", "amount"):
        return None if unset_by_zero(option) and raw == 0 else _typed(raw)
    if option.kind == "bool":
        return bool(raw)
    return str(raw)
