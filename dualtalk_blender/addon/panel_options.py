"""The panel's option properties as a view of the declarations (engine side ``inference/core/
request.py``, scene side ``dualtalk_blender/rig/options.py``): which property holds which option,
and how a property's value reads back as the option's value.

``panels/properties.py`` makes one typed property per name from :func:`property_names`;
``panel_settings`` reads them back with :func:`read` in a loop. A mapping option (intensity) is one
slider per key (``intensity_mouth`` ...). The engine's behaviour options are prefixed
``behaviour_`` so they never meet the scene side's own ``blinks`` / ``gaze``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...inference.core.request import BEHAVIOUR, OPTIONS, Option, Value
from ..rig.options import SCENE_OPTIONS

ENGINE_SIDE = tuple(o for o in OPTIONS if o.panel)
SCENE_SIDE = tuple(o for o in SCENE_OPTIONS if o.panel)
PANEL_OPTIONS = (*ENGINE_SIDE, *SCENE_SIDE)

ALIGNED_BY_POCKETSPHINX = "Aligned by pocketsphinx, a model of English speech"
ALIGNED_BY_ESPEAK = "Aligned by warping espeak-ng's reading of each line onto the voice"


def _script_languages() -> tuple[tuple[str, str, str], ...]:
    """(code, name, how it is aligned) for each transcript language the panel offers: the engine's
    table (``phonetic/script_languages.py``); the command line and Python take any espeak-ng tag.
    How a script must be written depends on what the worker's Python has installed (Japanese kanji:
    the kanji reader), so the panel says it under the menu while drawing, not in these fixed tooltips
    (``script_languages.spelling_hint``)."""
    from ...inference.phonetic.script_languages import SCRIPT_LANGUAGES, is_english

    return tuple(
        (code, name, ALIGNED_BY_POCKETSPHINX if is_english(code) else ALIGNED_BY_ESPEAK)
        for code, name, _voice in SCRIPT_LANGUAGES
    )


# The usual values of a text option whose list lives beside the engine code that uses it (the options
# model imports nothing outside inference/core): the panel offers them as a dropdown, as it does a
# declaration's own ``items`` (the device).
# B's own script language: the same list after "Same as A" (the default: one language for the script)
SAME_AS_A = ("same", "Same as A", "B's lines are written in the Script Language above")
LISTED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "transcript_language": _script_languages(),
    "transcript_language_b": (SAME_AS_A, *_script_languages()),
}


def items(option: Option) -> tuple[tuple[str, str, str], ...]:
    """(value, label, description) of each value the panel's dropdown for ``option`` offers; () for
    an option the panel shows as a field (a number, a path, free text)."""
    if option.items:
        return option.items
    if option.name in LISTED:
        return LISTED[option.name]
    return tuple((value, value.capitalize(), "") for value in option.choices)


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


UINT32 = 2**32


def unsigned32(option: Option) -> bool:
    """An int option declared from 0 to 2^32-1 (the behaviour seed). Blender's int properties are
    signed 32-bit, so the panel holds it as the signed 32-bit view of the same number: 0 to 2^31-1
    as they are, 2^31 to 2^32-1 as the number minus 2^32 (3000000000 is -1294967296). :func:`read`
    and :func:`panel_value` map between the two, so a seed from the command line or a shot file
    gives the same performance in the panel."""
    return option.kind == "int" and option.low == 0 and option.high == UINT32 - 1


def panel_value(option: Option, value: int) -> int:
    """What the panel property holds for the option's ``value`` (:func:`read` gives ``value`` back)."""
    if not unsigned32(option):
        return int(value)
    if not 0 <= int(value) < UINT32:
        raise ValueError(f"{option.name} must be from 0 to {UINT32 - 1}, got {value}")
    return int(value) - UINT32 if int(value) >= UINT32 // 2 else int(value)


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
    if option.kind == "int" and unsigned32(option):
        return int(raw) % UINT32  # the signed view back to the number the CLI and shot files take
    if option.kind == "int":
        return None if unset_by_zero(option) and raw == 0 else int(raw)
    if option.kind in ("float", "amount"):
        return None if unset_by_zero(option) and raw == 0 else _typed(raw)
    if option.kind == "bool":
        return bool(raw)
    return str(raw)


# The engine and its options speak in command-line flags (one declaration serves the CLI, shot
# files, the Python API and this panel); an animator reads the panel's names. Flags that stand for
# a choice of the panel's Audio form, in the sentences the engine uses them in, then every flag of
# a panel option as the option's label.
FORM_PHRASES = (
    ("with --turns FILE", "with Audio: Mono + turns and a Turns file"),
    ("--turns FILE", "a Turns file (Audio: Mono + turns)"),
    ("with --turns:", "with Mono + turns:"),
    ("with --turns", "with Audio: Mono + turns"),
    ("B's own file with --audio-b", "B's own file in Audio B (Audio: Two files)"),
    ("with --audio-b:", "with Two files:"),
    ("with --audio-b", "with Audio: Two files"),
    ("--audio FILE", "an Audio file"),
    ("try --diarize (automatic, less accurate)", "try Audio: Mono, automatic (less accurate)"),
    ("--diarize (the panel's Mono, automatic)", "Audio: Mono, automatic"),
    ("--diarize", "Audio: Mono, automatic"),
    ("--start/--end", "Start/End"),  # a pair (a lone flag beside a "/" is taken for part of a path)
    # the up-axis warning's second advice: the panel has the two controls (each named as shown, below)
    ("or, on the command line, --up-axis-a/--up-axis-b", "or set --up-axis-a or --up-axis-b to"),
    ("--side-by-side turn", "--side-by-side set to Turn"),  # the take's line on a pair side by side
    ("--side-by-side glance", "--side-by-side set to Glance"),  # the line of a take that kept a turn
)
_FLAG = re.compile(r"(?<![\w./\\-])--[a-z][a-z0-9-]*(?![\w/\\-]|\.\w)")  # not inside a path or a word
# where the engine already gives the panel's words beside a flag ("give --offset-b 2 (panel: B Starts
# Earlier By 2 s)"), the panel's alone
_BESIDE = re.compile(
    r"(?<![\w-])--[a-z][a-z0-9-]*(?: [^\s()]+)?( instead)? \(panel: ([^;)]*)(?:; ([^)]*))?\)"
)
# a quoted name or path (a file, a folder to apply, a character): the user's words, left as they are
_QUOTED = re.compile(r"""(?<!\w)'[^'\n]*'(?!\w)|(?<!\w)"[^"\n]*"(?!\w)""")
_PHRASES = [
    (re.compile(r"(?<![\w./\\-])" + re.escape(flag) + r"(?![\w/\\-])"), words) for flag, words in FORM_PHRASES
]


# the script's language as a flag with its code(s) ("--transcript-language es", also with "(panel: ...)"
# after it): the menu's entry, named as the menu shows it (``Script Language › Spanish``)
_CODE = r"[a-z]{2,3}(?:-[a-z0-9]+)*"
_LANGUAGE_FLAG = re.compile(
    rf"(?<![\w./\\-])(--transcript-language(?:-b)?) ({_CODE}(?:\|{_CODE})*)(?: \(panel: [^;)]*\))?(?![\w|/\\-]|\.\w)"
)


def _language_entry(m: re.Match[str], name: Callable[[str], str]) -> str:
    """``--transcript-language es`` -> ``Script Language › Spanish``; two codes, the two entries
    (``cmn|ja`` -> ``Script Language › Mandarin or Japanese``); more, or a code the menu lacks, as
    they are, for the flags' other words (review rv36b R5: before, the menu's name alone, never which)."""
    from ...inference.phonetic.script_languages import panel_code

    names = {code: name for code, name, _how in LISTED["transcript_language"]}
    codes = [panel_code(code) for code in m.group(2).split("|")]
    if len(codes) > 2 or not all(codes):  # as the flags' other words (the menu's name alone)
        return m.group(0)
    menu = name(_LABELS[m.group(1)])  # A's menu, or B's own (Script Language B)
    return f"{menu} › {' or '.join(name(names[code]) for code in codes if code)}"


def _beside(m: re.Match[str]) -> str:
    instead, panel, more = m.groups()
    return panel + (instead or "") + (f" ({more})" if more else "")


def title(option: Option) -> str:
    """The option's label on the panel."""
    return option.title or option.name.replace("_", " ").capitalize()


def tooltip(option: Option) -> str:
    """The option's help as the panel shows it: its own ``panel_help`` where the command line's words
    do not fit the panel's control (a 0-2 slider takes no "off", a menu no "any language"), else the
    command line's help with each flag named as the panel names it."""
    text = option.panel_help or in_panel_words(option.help, shown=False)
    return text[:1].upper() + text[1:]


def _panel_labels() -> tuple[dict[str, str], frozenset[str]]:
    """Each panel option's flag -> its label, and the flags that turn the control off
    (``--no-gaze``: ``Eye contact`` off); where the engine and the scene share a flag (``--blinks``),
    the engine's, which is what its messages say."""
    labels: dict[str, str] = {}
    off: set[str] = set()
    for option in (*SCENE_SIDE, *ENGINE_SIDE):  # the engine's last: it wins a shared flag
        label = title(option)
        labels[option.flag] = label
        labels["--" + option.name.replace("_", "-")] = label
        if option.flag.startswith("--no-"):
            off.add(option.flag)
        else:
            off.discard(option.flag)
    return labels, frozenset(off)


_LABELS, _OFF = _panel_labels()


def in_panel_words(text: str, *, shown: bool = True) -> str:
    """``text`` (an engine message, an option's help) with command-line flags named as the panel
    names them: ``B's own file with --audio-b`` -> ``... in Audio B (Audio: Two files)``,
    ``--offset-b`` -> ``B Starts Earlier By``. Flags the panel has no field for stay as they are, and
    so do quoted names and paths (``directory='/takes/--audio/x'``) and flag-like parts of paths.

    ``shown`` (a message: a status line, a report): a control's name and a menu entry are written as
    the panel shows them in the user's interface language (``台本の言語 › スペイン語`` in Japanese), the
    rest stays English; before, a Japanese user read "Script Language" beside a menu labelled 台本の言語
    (review rv38a F7). Text Blender looks up whole in the tables (a tooltip, an enum item's
    description) passes ``shown=False``: its English is the table's key."""
    name = _iface if shown else _same
    out, last = [], 0
    for quoted in _QUOTED.finditer(text):
        out += [_panel_words(text[last : quoted.start()], name), quoted.group(0)]
        last = quoted.end()
    return "".join([*out, _panel_words(text[last:], name)])


def _same(label: str) -> str:
    return label


def _iface(label: str) -> str:
    """``label`` as Blender's interface shows it in the user's language (itself in English, or
    where Blender or its Python module has no translations)."""
    try:
        import bpy
    except ImportError:  # pragma: no cover - the add-on's modules run inside Blender
        return label
    return str(bpy.app.translations.pgettext_iface(label))


def _panel_words(text: str, name: Callable[[str], str]) -> str:
    text = _LANGUAGE_FLAG.sub(lambda m: _language_entry(m, name), text)
    text = _BESIDE.sub(_beside, text)
    for phrase, words in _PHRASES:
        text = phrase.sub(words, text)
    return _FLAG.sub(lambda m: _flag_words(m.group(0), name), text)


def _flag_words(flag: str, name: Callable[[str], str]) -> str:
    """A flag as the panel's control (``--no-gaze`` -> ``Eye contact off``, the label shown as
    ``name`` gives it); a flag the panel has no control for, as it is."""
    label = _LABELS.get(flag)
    if label is None:
        return flag
    return f"{name(label)} off" if flag in _OFF else name(label)
