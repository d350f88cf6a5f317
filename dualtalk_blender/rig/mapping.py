"""Custom retarget maps: motion channel -> shape key(s) and/or bone rotation, with weights.

A map is JSON; :func:`parse_mapping` is a pure function over the decoded data so it can be
fuzzed, :func:`load_mapping` adds file reading. Format (version 1)::

    {
      "version": 1,
      "space": "arkit55",                       # channel names used below (default arkit55)
      "map": {
        "jawOpen":      [{"key": "MouthOpen", "weight": 1.0},
                         {"bone": "Jaw", "axis": "X", "weight": 0.35}],
        "eyeBlinkLeft": "Blink_L",              # shorthand: key with weight 1
        "eyeBlinkRight": "Blink_R",
        "mouthSmileLeft": {"key": "Smile", "weight": 0.5},
        "mouthSmileRight": {"key": "Smile", "weight": 0.5}   # linear mix: contributions add up
      },
      "head": "Head",                           # optional: bone for head rotation, "" = the object
      "up_axis": "Y",                           # optional: the rig's up axis (auto, Y or Z)
      "clip": [0, 1]                            # optional: clamp key values
    }

A map without ``"map"`` that gives only ``"up_axis"`` and/or ``"head"`` keeps the preset's keys
(:attr:`CustomMap.preset_keys`): all a rig needs whose head alone the preset reads wrong (a Maya
rig's up axis, from the panel's map file, which has no up-axis control: review rv40b F2).

Bone weights are radians per unit of the channel, about ``axis`` of the bone's own
(local) frame. Every problem is reported as one :class:`DualTalkError` line naming the
offending entry.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from ...inference.core.channels import CHANNELS, HEAD, SPACE_ARKIT
from ...inference.core.errors import DualTalkError
from ...inference.core.numeric import finite_number, shown
from .jsonfile import read_json
from .presets import normalize_name

MAX_MAP_BYTES = 1 << 20
MAX_ENTRIES = 4096
MAX_WEIGHT = 100.0
AXES = {"X": (1.0, 0.0, 0.0), "Y": (0.0, 1.0, 0.0), "Z": (0.0, 0.0, 1.0)}
_TOP_KEYS = {"version", "space", "map", "head", "up_axis", "clip", "name", "description"}
UP_AXES = ("auto", "Y", "Z")


@dataclass(frozen=True)
class KeyLink:
    channel: str
    key: str
    weight: float


@dataclass(frozen=True)
class BoneLink:
    channel: str
    bone: str
    axis: tuple[float, float, float]
    weight: float


@dataclass
class CustomMap:
    space: str = SPACE_ARKIT
    keys: list[KeyLink] = field(default_factory=list)
    bones: list[BoneLink] = field(default_factory=list)
    head: str | None = None  # None: auto; "": the object; else a bone name
    up_axis: str = "auto"  # the rig's up axis for head rotation: auto / Y / Z (a flag overrides it)
    clip: tuple[float, float] | None = None
    name: str = "custom"
    preset_keys: bool = False  # no "map": the preset keys the face, the map says only up_axis / head

    @property
    def key_names(self) -> list[str]:
        return list(dict.fromkeys(link.key for link in self.keys))

    @property
    def bone_names(self) -> list[str]:
        return list(dict.fromkeys(link.bone for link in self.bones))


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DualTalkError(f"{where}: expected a non-empty name string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no Blender name can hold it
        raise DualTalkError(f"{where}: name is not valid Unicode text") from None
    if len(value.encode("utf-8")) > 63:
        raise DualTalkError(f"{where}: name {value[:20]!r}... is longer than Blender's 63-byte limit")
    if any(ord(c) < 32 for c in value):
        raise DualTalkError(f"{where}: name contains control characters")
    return value


def _weight(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DualTalkError(f"{where}: weight must be a number, got {type(value).__name__}")
    w = finite_number(value)  # the shared scalar rule: JSON's 400-digit integer is None, not OverflowError
    if w is None or abs(w) > MAX_WEIGHT:
        raise DualTalkError(f"{where}: weight {shown(value)} must be finite and within ±{MAX_WEIGHT:g}")
    return w


def _axis(value: object, where: str) -> tuple[float, float, float]:
    if not isinstance(value, str):
        raise DualTalkError(f"{where}: axis must be one of X, Y, Z, -X, -Y, -Z")
    s = value.strip().upper()
    sign = -1.0 if s.startswith("-") else 1.0
    base = AXES.get(s.lstrip("+-"))
    if base is None or len(s.lstrip("+-")) != 1:
        raise DualTalkError(f"{where}: axis {value!r} must be one of X, Y, Z, -X, -Y, -Z")
    return (sign * base[0], sign * base[1], sign * base[2])


def _up_axis(value: object) -> str:
    """The map's ``"up_axis"``: one rig of a pair may be Y-up (a Maya FBX) and the other Z-up, so
    the map that names its bones also says which way its head is up (case as typed: "y" is "Y")."""
    said = value.strip() if isinstance(value, str) else None
    for axis in UP_AXES:
        if said is not None and said.lower() == axis.lower():
            return axis
    number = isinstance(value, int | float) and not isinstance(value, bool)
    got = shown(value) if number else shown(repr(value), 40)
    raise DualTalkError(f"mapping.up_axis: expected one of {', '.join(UP_AXES)}, got {got}")


def _links(channel: str, entry: object, where: str) -> tuple[list[KeyLink], list[BoneLink]]:
    keys: list[KeyLink] = []
    bones: list[BoneLink] = []
    items = entry if isinstance(entry, list) else [entry]
    if not items:
        raise DualTalkError(f"{where}: empty target list")
    for i, item in enumerate(items):
        w = f"{where}[{i}]" if isinstance(entry, list) else where
        if isinstance(item, str):
            keys.append(KeyLink(channel, _name(item, w), 1.0))
            continue
        if not isinstance(item, dict):
            raise DualTalkError(f"{w}: expected a key name or an object with 'key' or 'bone'")
        unknown = set(item) - {"key", "bone", "axis", "weight"}
        if unknown:
            raise DualTalkError(f"{w}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        weight = _weight(item.get("weight", 1.0), w)
        if ("key" in item) == ("bone" in item):
            raise DualTalkError(f"{w}: give exactly one of 'key' or 'bone'")
        if "key" in item:
            if "axis" in item:
                raise DualTalkError(f"{w}: 'axis' only applies to bones")
            keys.append(KeyLink(channel, _name(item["key"], w + ".key"), weight))
        else:
            if "axis" not in item:
                raise DualTalkError(f"{w}: a bone target needs an 'axis' (X, Y, Z, -X, -Y or -Z)")
            bones.append(
                BoneLink(channel, _name(item["bone"], w + ".bone"), _axis(item["axis"], w + ".axis"), weight)
            )
    return keys, bones


def _norm(name: str) -> str:
    return re.sub(r"0+(\d)", r"\1", normalize_name(name))  # exp_7 == exp_07


def _under_map_hint(fields: set[object]) -> str:
    """Where channel names go, when a field written at the top level is one (``{"jawOpen": 5}``,
    the likeliest first mistake: the bare "unknown field(s) jawOpen" sent people to the docs)."""
    known = {_norm(c) for names in CHANNELS.values() for c in names}
    if any(isinstance(f, str) and _norm(f) in known for f in fields):
        return '; channel names go under "map" (see docs/blender.md, Custom maps)'
    return ""


def _hint(channel: str, channels: tuple[str, ...]) -> str:
    """A spelling hint: the channel written the way rig presets accept it (``eyeBlink_L``,
    ``EyeBlinkLeft``), else the closest name (``exp_0`` -> ``exp_00``)."""
    close = [c for c in channels if _norm(c) == _norm(channel)]
    close = close or difflib.get_close_matches(channel, channels, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_mapping(data: object) -> CustomMap:
    """Validate decoded JSON and return a :class:`CustomMap` (pure; raises DualTalkError)."""
    if not isinstance(data, dict):
        raise DualTalkError("mapping: the top level must be a JSON object")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise DualTalkError(
            f"mapping: unknown field(s) {', '.join(sorted(map(str, unknown)))}{_under_map_hint(unknown)}"
        )
    version = data.get("version", 1)
    if isinstance(version, bool) or version != 1:
        said = shown(version) if isinstance(version, int | float) else shown(repr(version), 40)
        raise DualTalkError(f"mapping: unsupported version {said} (this build reads version 1)")
    space = data.get("space", SPACE_ARKIT)
    if not isinstance(space, str) or space not in CHANNELS:
        raise DualTalkError(f"mapping: unknown space {space!r} (expected one of {', '.join(CHANNELS)})")
    table = data.get("map")
    if "map" not in data and ({"up_axis", "head"} & set(data)):
        table = {}  # only how the rig turns its head: the preset's keys stay (see the module's text)
        if {"space", "clip"} & set(data):
            said = " and ".join(repr(k) for k in ("space", "clip") if k in data)
            raise DualTalkError(
                f"mapping: {said} {'need' if ' and ' in said else 'needs'} a 'map' of channels (a map of only 'up_axis'/'head' keeps the preset's keys)"
            )
    elif not isinstance(table, dict) or not table:
        raise DualTalkError(
            "mapping: 'map' must be a non-empty object of channel -> target(s) (or leave 'map' out "
            "and give only 'up_axis' and/or 'head': the preset keeps its keys)"
        )
    if len(table) > MAX_ENTRIES:
        raise DualTalkError(f"mapping: too many entries ({len(table)} > {MAX_ENTRIES})")
    channels = CHANNELS[space]
    name = data.get("name", "custom")
    # the name is only shown in messages: a lone surrogate would make printing them fail
    name = name.encode("utf-8", "replace").decode("utf-8")[:63] if isinstance(name, str) else "custom"
    result = CustomMap(space=space, name=name, preset_keys=not table)
    for channel, entry in table.items():
        if channel not in channels:
            raise DualTalkError(f"mapping: {channel!r} is not a channel of {space}{_hint(channel, channels)}")
        if space == SPACE_ARKIT and channel in HEAD:
            raise DualTalkError(
                f"mapping: {channel!r} is head rotation; use the top-level 'head' field for it"
            )
        keys, bones = _links(channel, entry, f"mapping.map[{channel!r}]")
        result.keys.extend(keys)
        result.bones.extend(bones)
    if "head" in data:
        head = data["head"]
        if head is None or head == "":
            result.head = ""
        else:
            result.head = _name(head, "mapping.head")
    if "up_axis" in data:
        result.up_axis = _up_axis(data["up_axis"])
    if "clip" in data:
        clip = data["clip"]
        if not (isinstance(clip, list) and len(clip) == 2):
            raise DualTalkError("mapping.clip: expected [low, high]")
        lo, hi = _weight(clip[0], "mapping.clip[0]"), _weight(clip[1], "mapping.clip[1]")
        if not lo < hi:
            raise DualTalkError("mapping.clip: low must be below high")
        result.clip = (lo, hi)
    return result


def load_mapping(path: str | os.PathLike[str]) -> CustomMap:
    """Read and validate a JSON map file; without a ``"name"`` of its own it is named after its file,
    so a warning about it names the file the animator has to open."""
    data = read_json(path, "mapping file", MAX_MAP_BYTES)
    mapping = parse_mapping(data)
    if not (isinstance(data, dict) and isinstance(data.get("name"), str)):
        mapping.name = os.path.basename(os.fspath(path))[:63] or mapping.name
    return mapping


def nearest_name(name: str, names: list[str]) -> str | None:
    """The rig's name a map most likely meant (``MouthOpn`` -> ``MouthOpen``): the same after
    normalising (case, separators, Left/L), else the closest spelling; None when nothing is close."""
    close = [n for n in names if _norm(n) == _norm(name)] or difflib.get_close_matches(
        name, names, n=1, cutoff=0.75
    )
    return close[0] if close else None


def name_finder(names: list[str]) -> Callable[[str], str | None]:
    """The rig's name a map's target names: the same code points, else the same text in another
    Unicode form (a map written on macOS holds "Mundwinkel_Lächeln" decomposed, the rig composed),
    where only one of the rig's names reads so."""
    exact = set(names)
    composed: dict[str, list[str]] = {}
    for name in names:
        composed.setdefault(unicodedata.normalize("NFC", name), []).append(name)

    def find(target: str) -> str | None:
        if target in exact:
            return target
        found = composed.get(unicodedata.normalize("NFC", target), [])
        return found[0] if len(found) == 1 else None

    return find
