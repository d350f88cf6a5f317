"""Panel settings (``Scene.dualtalk``) and the live job status (``WindowManager.dualtalk_status``).

Settings live on the scene so they are saved with the .blend; the status is per session. Every
option property is generated from the option's one declaration (:func:`option_property`: its
type, default, bounds, choices and help); only what the panel alone has is written here (the
character pickers, the audio form, a few toggles, the FBX export, the status).
"""

from __future__ import annotations

from typing import Any

import bpy
from bpy.props import (
    BoolProperty,
    EnumProperty,
    FloatProperty,
    IntProperty,
    PointerProperty,
    StringProperty,
)

from ..dualtalk_blender.addon import panel_options
from ..dualtalk_blender.addon.pickers import qualifies
from ..inference.core.request import MAX_AMOUNT, Option

MAX_INT = 2**31 - 1  # Blender's int properties are 32-bit


def _poll_character(_self, obj) -> bool:
    return qualifies(obj)


def _title(option: Option, key: str | None) -> str:
    if key is not None:
        return key.capitalize()
    return panel_options.title(option)


# what the panel's 0 does for a number the declarations leave unset
_ZERO_MEANS = {"start": "0: from the beginning", "end": "0: to the end", "offset_b": "0: not shifted"}


def _description(option: Option, key: str | None) -> str:
    text = panel_options.tooltip(option)  # the panel's words, not the command line's
    if key is not None:
        text = f"{text} ({key})"
    if panel_options.unset_by_zero(option):  # the slider's 0 is "not set": say what that does
        text += f" ({_ZERO_MEANS.get(option.name, '0: the default')})"
    if panel_options.unsigned32(option):
        top = panel_options.UINT32
        text += (
            f". A seed from {top // 2} to {top - 1} (command line, shot file) is typed minus {top}: "
            f"3000000000 as {panel_options.panel_value(option, 3_000_000_000)}"
        )
    return text


def _items(option: Option) -> list[tuple[str, str, str]]:
    return [
        (value, label, panel_options.in_panel_words(text, shown=False))
        for value, label, text in panel_options.items(option)
    ]


def option_property(option: Option, key: str | None = None) -> Any:
    """The typed bpy property for one declared option (one key of a mapping option)."""
    kw: dict[str, Any] = {"name": _title(option, key), "description": _description(option, key)}
    kind = option.kind
    if kind == "path":  # "//" = beside the .blend (kept naming the same file on Save As: blend_paths)
        return StringProperty(subtype="FILE_PATH", options={"PATH_SUPPORTS_BLEND_RELATIVE"}, default="", **kw)
    if kind == "choice" or (kind == "str" and panel_options.items(option)):  # usual values: device, language
        return EnumProperty(items=_items(option), default=str(option.default), **kw)
    if kind == "str":
        return StringProperty(default=str(option.default or ""), **kw)
    if kind == "bool":
        return BoolProperty(default=bool(option.default), **kw)
    if kind == "amount":
        return FloatProperty(min=0.0, max=MAX_AMOUNT, default=1.0, **kw)
    unset = panel_options.unset_by_zero(option)
    # unset: 0 means "not set", so the field reaches down to 0 (rounds); a declared negative bound
    # stays (--offset-b: 0 is no shift, a later recorder is negative)
    low = 0 if option.low is None or (unset and option.low > 0) else option.low
    if kind == "int" and panel_options.unsigned32(option):  # 0..2^32-1 as its signed 32-bit view
        held = panel_options.panel_value(option, int(option.default or 0))
        return IntProperty(min=-MAX_INT - 1, max=MAX_INT, soft_min=0, default=held, **kw)
    if kind == "int":
        high = MAX_INT if option.high is None else min(int(option.high), MAX_INT)
        return IntProperty(min=int(low), max=high, default=int(option.default or 0), **kw)
    if kind in ("float", "mapping"):
        if option.high is not None:
            kw["max"] = float(option.high)
        if option.soft_high is not None:
            kw["soft_max"] = float(option.soft_high)
        if option.metavar == "SEC":
            kw["unit"] = "TIME_ABSOLUTE"
        default = 1.0 if kind == "mapping" else float(option.default or 0.0)  # a mapping's 1 = as is
        return FloatProperty(min=float(low), default=default, **kw)
    raise ValueError(f"option {option.name} ({kind}) has no panel property")


def option_properties() -> dict[str, Any]:
    """Every declared panel option's properties, by property name."""
    return {
        name: option_property(option, key)
        for option in panel_options.PANEL_OPTIONS
        for name, key in panel_options.property_names(option)
    }


PANEL_ONLY = {  # what only the panel has: not options of a run
    "char_a": PointerProperty(
        name="Character A",
        type=bpy.types.Object,
        poll=_poll_character,
        description="Mesh with shape keys (or its armature) voiced by speaker A",
    ),
    "char_b": PointerProperty(
        name="Character B",
        type=bpy.types.Object,
        poll=_poll_character,
        description="Mesh with shape keys (or its armature) voiced by speaker B",
    ),
    "audio_form": EnumProperty(
        name="Audio",
        description="How the two voices are recorded",
        items=[
            ("STEREO", "Stereo file", "One file; left channel is A, right channel is B"),
            ("TWO_FILES", "Two files", "One file per speaker, same length"),
            ("MONO_TURNS", "Mono + turns", "One mixed recording plus a file saying who speaks when"),
            ("MONO_AUTO", "Mono, automatic", "One mixed recording; speakers separated automatically"),
        ],
        default="STEREO",
    ),
    "use_range": BoolProperty(name="Part of the recording", description="Only animate from Start to End"),
    "take_name": StringProperty(  # the take option (ApplyOptions.take, --take), as the panel names it
        name="Take",
        default="take",
        description="Name of the take Generate makes: the same name replaces it; a new name keeps the "
        "earlier take in the file, listed under Takes, to compare and play again",
    ),
    "behaviour_custom": BoolProperty(
        name="Custom amounts",
        default=False,
        description="Set each layer's amount (off: the engine's defaults, e.g. the published DualTalk "
        "model keeps its own head and face motion)",
    ),
    "sound_strip": BoolProperty(
        name="Sound strip",
        default=True,
        description="Place the audio in the sequencer (off: none, and an earlier take's strip is removed)",
    ),
    "fbx_path": StringProperty(  # "//": next to the .blend; Blender 5 draws it invalid without the option
        name="FBX",
        subtype="FILE_PATH",
        options={"PATH_SUPPORTS_BLEND_RELATIVE"},
        default="//dualtalk.fbx",
        description="FBX output",
    ),
    "fbx_scope": EnumProperty(
        name="Scope",
        items=[
            ("FULL", "Whole Characters", "Both characters' meshes and whole skeletons"),
            ("FACE", "Face Only", "Face meshes and only the bones that move (with their parents)"),
        ],
        default="FULL",
        description="What Export FBX writes: the whole characters, or only the faces and the bones that move",
    ),
    "fbx_per_character": BoolProperty(
        name="One File per Character",
        default=False,
        description="Export FBX writes NAME_A.fbx and NAME_B.fbx next to the chosen path, one character and "
        "one root each (Unreal's skeletal-mesh import wants one root per file)",
    ),
}

DUALTALK_PG_settings = type(
    "DUALTALK_PG_settings",
    (bpy.types.PropertyGroup,),
    {"__annotations__": {**PANEL_ONLY, **option_properties()}, "__module__": __name__},
)


class DUALTALK_PG_status(bpy.types.PropertyGroup):
    running: BoolProperty(default=False)
    fraction: FloatProperty(default=0.0, min=0.0, max=1.0, subtype="FACTOR")
    message: StringProperty(default="")
    last: StringProperty(default="", description="Outcome of the last run")
    task: StringProperty(default="", description="What is running: generate / deps / download")


CLASSES = (DUALTALK_PG_settings, DUALTALK_PG_status)


def register_props() -> None:
    # Blender adds a property to one of its types by assignment; the stubs cannot know the new name
    bpy.types.Scene.dualtalk = PointerProperty(type=DUALTALK_PG_settings)  # type: ignore[attr-defined]
    bpy.types.WindowManager.dualtalk_status = PointerProperty(type=DUALTALK_PG_status)  # type: ignore[attr-defined]


def unregister_props() -> None:
    for owner, name in ((bpy.types.Scene, "dualtalk"), (bpy.types.WindowManager, "dualtalk_status")):
        if hasattr(owner, name):
            delattr(owner, name)
