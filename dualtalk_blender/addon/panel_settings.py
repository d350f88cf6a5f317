"""The panel's settings, read and checked: the worker job and the keying options a run is made
from, and the same settings set from a script.

:func:`build_job` (the engine side, as a :class:`~...inference.core.request.Request`'s job) and
:func:`apply_options` (the scene side) are loops over the declared options (:mod:`.panel_options`)
plus what only the panel's layout decides: the audio form, *Part of the recording*, *Custom
amounts*, files that must exist. :func:`set_panel` is the checked way for a script to set them
(docs/scripting.md), and :func:`ignored_settings` what a script set that the run will not use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import bpy

from ...inference.core import language_names
from ...inference.core.errors import DualTalkError
from ...inference.core.request import Request
from ...inference.core.typed_paths import unexpanded_variable
from ..rig.options import ApplyOptions, link
from ..scene.paths import abspath, refuse_unsaved_relative
from . import panel_options
from .pickers import in_scene_uid, qualifies

FORMS = ("STEREO", "TWO_FILES", "MONO_TURNS", "MONO_AUTO")
# the panel's map files, as their messages name them: the shared one, then each character's own
MAP_FILES = {"map": "custom map", "map_a": "custom map of A", "map_b": "custom map of B"}


def refuse_unexpanded(label: str, chosen: str) -> None:
    """Refuse a field's text led by an environment variable (``$HOME/talk.wav``, ``${HOME}/x``,
    ``%HOME%\\x``): Blender does not expand it, so the file would be looked for, or a folder named
    ``$HOME`` made, in Blender's working folder. Refused in one line, as the command line refuses it
    (:func:`...inference.core.typed_paths.unexpanded_variable`); ``//`` and ``~`` are Blender's own."""
    variable = unexpanded_variable(str(chosen or ""))
    if variable is not None:
        raise DualTalkError(
            f"the {label} {chosen}: {variable}; choose the file or folder again, or type its full path"
        )


def model_dir(prefs: Any = None) -> Path:
    """The preferences' model folder, else the downloader's default (``~/.cache/dualtalk``)."""
    from ...inference.download import default_model_dir

    if prefs is not None:
        refuse_unexpanded("Model folder in the add-on preferences", prefs.model_dir)
    chosen = abspath(prefs.model_dir) if prefs is not None and prefs.model_dir else ""
    return Path(chosen) if chosen else default_model_dir()


def need_file(label: str, path: str | None, chosen: str = "") -> str:
    """``path`` in full once it names a file; ``chosen``: the panel's own text for it (a ``//`` path
    in a file never saved is refused, :func:`refuse_unsaved_relative`)."""
    refuse_unexpanded(label, chosen)
    refuse_unsaved_relative(label, chosen)
    p = abspath(path or "")
    if not p:
        raise DualTalkError(f"choose the {label}")
    if os.path.isdir(p):
        what = "an audio file" if label.startswith("audio file") else "a file"
        raise DualTalkError(f"{p} is a folder, not {what}; choose the {label}")
    if not os.path.isfile(p):
        raise DualTalkError(f"{label} not found: {p}")
    return p


def panel_request(s: Any, prefs: Any = None) -> Request:
    """The engine-side options the panel asks for: one read per declared panel option, then what only
    the panel's layout decides (the audio form, *Part of the recording*, *Custom amounts*, files that
    must exist, the checkpoint in the model folder)."""
    values: dict[str, Any] = {o.name: panel_options.read(s, o) for o in panel_options.ENGINE_SIDE}
    form = s.audio_form
    if form not in FORMS:
        raise DualTalkError(f"unknown audio form {form!r}")
    label = "audio file" if form != "TWO_FILES" else "audio file of A"
    values["audio"] = need_file(label, values["audio"], s.audio)
    values["audio_b"] = (
        need_file("audio file of B", values["audio_b"], s.audio_b) if form == "TWO_FILES" else None
    )
    if form != "TWO_FILES":  # a shift left in the field from the two-files form: B has no file to shift
        values["offset_b"] = None
    if form == "MONO_TURNS":
        values["turns"] = need_file("turns file", values["turns"], s.turns)
    else:
        values["turns"] = values["speaker_a"] = None
    values["diarize"] = form == "MONO_AUTO"
    if values["transcript"]:  # optional: lips drawn from what each character says, in its language
        values["transcript"] = need_file("transcript file", values["transcript"], s.transcript)
        # the characters' names, as the script may name its speakers ("花子: ..."; review rv38a F8)
        values["character_a"] = s.char_a.name if s.char_a is not None else None
        values["character_b"] = s.char_b.name if s.char_b is not None else None
        values["recognise"] = False  # its box is hidden while a script is chosen: the script is what is read
    else:  # the language left in the (hidden) dropdown: no script to read in it
        values["transcript_language"] = Request.transcript_language
        values["transcript_language_b"] = Request.transcript_language_b
    if not s.use_range:
        values["start"] = values["end"] = None
    values.update(_panel_amounts(s))
    if values["engine"] == "lite":
        values["checkpoint"] = None
    elif values["checkpoint"] is not None or values["engine"] == "dualtalk":
        chosen = values["checkpoint"] or str(model_dir(prefs) / "DualTalk.pth")
        values["checkpoint"] = need_file(
            "DualTalk checkpoint", chosen, s.checkpoint if values["checkpoint"] else ""
        )
    return Request(**values)


def _panel_amounts(s: Any) -> dict[str, Any]:
    """The behaviour layers' amounts: the sliders under *Custom amounts*, else the engine's own."""
    amounts = [o for o in panel_options.ENGINE_SIDE if o.kind == "amount"]
    return {o.name: panel_options.read(s, o) if s.behaviour_custom else None for o in amounts}


def panel_names(s: Any) -> list[str]:
    """The settings ``scene.dualtalk`` holds (its registered properties), as a script sets them."""
    return [p.identifier for p in s.bl_rna.properties if p.identifier not in ("rna_type", "name")]


def set_panel(scene: Any, **values: Any) -> Any:
    """Set the panel's settings (``scene.dualtalk``) from a script, as a checked call: Blender lets a
    property group take any attribute, so ``scene.dualtalk.mood = "friendly"`` (the panel's name is
    ``behaviour_mood``) or a typo is kept in memory, never used and never saved. A name the panel does
    not have is refused in one line, with the name it has for that option, and so is a value Blender
    refuses for its setting; nothing is set then.
    Returns ``scene.dualtalk``. docs/scripting.md lists the names."""
    s = scene.dualtalk
    known = panel_names(s)
    for name in values:
        if name not in known:
            raise DualTalkError(f"scene.dualtalk has no setting {name!r}{_did_you_mean(name, known)}")
    for name in ("transcript_language", "transcript_language_b"):  # "same": B's, as A's
        if (
            name.endswith("_b")
            and isinstance(values.get(name), str)
            and language_names.as_tag(values[name]) == "same"
        ):
            values[name] = "same"  # the menu's own words for it too: "Same as A"
        elif isinstance(values.get(name), str):
            values[name] = _script_language(s, values[name], name)
    before = {name: getattr(s, name) for name in values}
    for name, value in values.items():
        try:
            setattr(s, name, value)
        except (TypeError, ValueError) as exc:  # bpy's own words for a bad value; nothing stays set
            for done, old in before.items():
                setattr(s, done, old)
            raise DualTalkError(f"scene.dualtalk.{name}: {exc}") from None
    return s


def _script_language(s: Any, language: str, name: str = "transcript_language") -> str:
    """The panel's Script Language code for a language as the command line and the README name it
    (``cmn``, ``zh`` -> ``cmn-latn-pinyin``; ``es-MX``, ``ES`` -> ``es``); one line naming the panel's
    codes when it offers none for it (a script written from the command line's docs failed on
    Blender's enum words)."""
    from ...inference.phonetic.script_languages import panel_code

    prop = s.bl_rna.properties[name]
    offered = [item.identifier for item in prop.enum_items]
    title = prop.name  # Script Language, or B's own: Script Language B
    code = panel_code(language)
    if code in offered:
        return str(code)
    raise DualTalkError(
        f"scene.dualtalk.{name}: the panel has no {title} {language!r} "
        f"(its codes: {', '.join(offered)}; Mandarin is 'cmn-latn-pinyin'; other espeak-ng languages: "
        f"animate {'--transcript-language-b' if name.endswith('_b') else '--transcript-language'})"
    )


def _did_you_mean(name: str, known: list[str]) -> str:
    """``; the panel calls it 'behaviour_mood'`` for an option's Request/CLI name, else the closest
    names; "" when none is close."""
    import difflib

    by_option = {
        o.name: names
        for o in panel_options.PANEL_OPTIONS
        if (names := [n for n, _key in panel_options.property_names(o)]) != [o.name]
    }
    key = name.removeprefix("--").replace("-", "_")
    if key not in by_option and f"behaviour_{key}" in known:  # seed -> behaviour_seed
        by_option[key] = [f"behaviour_{key}"]
    if key in by_option:
        return f"; the panel calls it {' / '.join(repr(n) for n in by_option[key])}"
    close = difflib.get_close_matches(name, known, n=2)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _changed(s: Any, name: str) -> bool:
    """Whether the panel property ``name`` holds another value than its default (a float as typed)."""
    default = s.bl_rna.properties[name].default
    value = getattr(s, name)
    if isinstance(value, float):
        return abs(value - float(default)) > 1e-6
    return bool(value != default)


def _label(s: Any, name: str) -> str:
    return str(s.bl_rna.properties[name].name or name)


def ignored_settings(s: Any, *, regenerating: bool = False) -> list[str]:
    """Panel values a run does not use because the toggle that shows them is off: the panel hides
    them then, but a script that sets ``scene.dualtalk.start`` (or an amount, or B's shift) without
    the toggle would get a take made without them and not know. One warning per toggle, only for
    values changed from their defaults; what the run does is unchanged. ``regenerating``: Re-generate
    Preview Range, which hears the take's own part with *Part of the recording* off (its refusal says
    to turn it off), so Start/End left there are not worth a word."""
    out = []
    if not s.use_range and not regenerating:
        moved = [_label(s, n) for n in ("start", "end") if _changed(s, n)]
        if moved:
            what = " and ".join(moved)
            out.append(
                f"{what} {'are' if len(moved) > 1 else 'is'} set but {_label(s, 'use_range')} is off, "
                f"so {'they are' if len(moved) > 1 else 'it is'} not used; tick {_label(s, 'use_range')} "
                f"(use_range) to use {'them' if len(moved) > 1 else 'it'}"
            )
    if not s.behaviour_custom:
        amounts = [o for o in panel_options.ENGINE_SIDE if o.kind == "amount"]
        names = [n for o in amounts for n, _key in panel_options.property_names(o)]
        moved = [_label(s, n) for n in names if _changed(s, n)]
        if moved:
            custom = _label(s, "behaviour_custom")
            out.append(
                f"{', '.join(moved)} set but {custom} is off, so the engine's own amounts are used; "
                f"tick {custom} (behaviour_custom) to use them"
            )
    if s.audio_form != "TWO_FILES" and _changed(s, "offset_b"):
        out.append(
            f"{_label(s, 'offset_b')} is set but the audio is not in the Two files form, so it is not used"
        )
    return out


def check_characters(s: Any) -> tuple[Any, Any]:
    a, b = s.char_a, s.char_b
    if a is None or b is None:
        raise DualTalkError("choose both characters (A and B)")
    if a == b:
        raise DualTalkError("character A and character B must be different objects")
    scene: Any = getattr(s, "id_data", None)  # the scene the panel belongs to
    for label, obj in (("A", a), ("B", b)):
        # deleting with X only unlinks: the picker still holds an object no longer in any view
        if isinstance(scene, bpy.types.Scene) and not in_scene_uid(obj, scene.session_uid):
            raise DualTalkError(
                f"character {label} {obj.name!r} is not in scene {scene.name!r} (deleted?); choose it again"
            )
    for obj in (a, b):
        if not qualifies(obj):
            raise DualTalkError(f"{obj.name!r} is not a character (needs shape keys or an armature)")
    return a, b


def _panel_scene_options(
    s: Any, prefs: Any, take: str, given: Mapping[str, Any] | None = None
) -> ApplyOptions:
    given = given or {}
    values = {o.name: panel_options.read(s, o) for o in panel_options.SCENE_SIDE if o.name not in given}
    for name, label in MAP_FILES.items():  # the shared map, then each character's own
        map_path = values.get(name)
        if map_path is not None:
            assert isinstance(map_path, str)  # a path option reads as its absolute path
            values[name] = need_file(label, map_path, getattr(s, name))
    values.update(given)
    if prefs is not None:
        refuse_unexpanded("FLAME map file in the add-on preferences", prefs.flame_map)
    flame_map = abspath(prefs.flame_map) if prefs is not None and prefs.flame_map else None
    if flame_map and not os.path.isfile(flame_map):  # dropped silently, the run would key jaw and head only
        raise DualTalkError(
            f"FLAME map file in the add-on preferences not found: {flame_map}; choose it again or clear it"
        )
    values["flame_map"] = flame_map or None
    # the operator's UNDO flag makes the whole run one undo step
    return ApplyOptions.from_values(values, take=take, undo_push=False)


def build_job(s: Any, work_dir: Path, prefs: Any = None) -> dict[str, Any]:
    """Validate the settings (one-line errors, the same as the CLI's) and return the worker job dict."""
    check_characters(s)
    request, _options = link(panel_request(s, prefs), _panel_scene_options(s, prefs, "take"))
    return {"out_dir": str(work_dir), **request.validate().to_job()}


def scene_values(s: Any) -> dict[str, Any]:
    """The panel's scene-side values by option name as a take is keyed with them: blinks and eye
    contact switched off by the behaviour amounts (:func:`link`); files read as paths, not checked."""
    values = {o.name: panel_options.read(s, o) for o in panel_options.SCENE_SIDE}
    side = ApplyOptions(blinks=str(values["blinks"]), gaze=bool(values["gaze"]))
    linked = link(Request(**_panel_amounts(s)), side)[1]
    return {**values, "blinks": linked.blinks, "gaze": linked.gaze}


def panel_take(s: Any) -> str:
    """The panel's *Take* name (``take_name``), checked as ``--take`` is, in the panel's words: the
    same name replaces the take, another keeps the earlier one in the file. Spaces around it are
    dropped: unseen in the field, they made 'v1 ' a take beside 'v1' that the Takes list draws alike."""
    name = str(getattr(s, "take_name", "take")).strip()
    try:
        ApplyOptions(take=name).validate()
    except DualTalkError as exc:
        raise DualTalkError(str(exc).replace("--take (the take's name)", "the Take name", 1)) from None
    return name


def apply_options(
    s: Any, prefs: Any = None, take: str | None = None, given: Mapping[str, Any] | None = None
) -> ApplyOptions:
    """How the panel keys the result: its scene-side options (the Python API's ApplyOptions).
    ``take``: the take's name, by default the panel's *Take* (:func:`panel_take`).
    ``given``: scene-side values by option name that stand instead of the panel's (a kept take's
    own, Apply Saved Take's *As Made*), typed and checked by the caller (a map file found); the
    panel's behaviour amounts switch blinks or eye contact off (:func:`link`) only where the
    panel's value of it stands, as a given one was linked when the take was made."""
    given = given or {}
    amounts = {name: value for name, value in _panel_amounts(s).items() if name not in given}
    name = panel_take(s) if take is None else take
    return link(Request(**amounts), _panel_scene_options(s, prefs, name, given))[1]
