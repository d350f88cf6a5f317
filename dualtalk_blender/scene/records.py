"""The records DualTalk keeps inside a .blend, read back as what they claim to be.

A take leaves JSON custom properties behind: on its layer actions (``dualtalk``: what the take is,
``dualtalk_keys``: the keys it wrote), on each datablock it keyed (``dualtalk_before``: what was there
before), on the scene (``dualtalk_range``, ``dualtalk_markers``) and on its sound strips
(``dualtalk_pair``, ``dualtalk_plays``). A .blend from elsewhere (a colleague's, an asset library, a script's slip) may
hold anything there: JSON nested 100,000 deep (Python's decoder recurses once per level), a list
where an object belongs, ``"fps": 0``, ``"start_frame": 1e300``. Each record has one reader here that
reads through :mod:`...inference.core.safe_json` and checks shape, types and ranges, so a damaged
record is :class:`DamagedRecord` (why, in words) and never a RecursionError, AttributeError or an
absurd frame further on. What a damaged record means (absent, or a refusal) is the caller's choice:
:func:`damaged_line` words a refusal. No bpy here: the readers take the property's value.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from ...inference.core import safe_json
from ...inference.core.errors import DualTalkError
from ...inference.core.request import MAX_AMOUNT, MAX_SEED
from ...inference.core.take_record import LIP_FIELDS, SETTING_FIELDS
from ..rig.gaze import SIDE_BY_SIDE, TURN
from ..rig.options import KEYS_MODES, MAX_FRAME
from ..rig.retarget import GROUPS

MAX_FPS = 100_000.0  # far above any frame rate Blender plays (fps 32767 at base 1)
MAX_SECONDS = 1.0e7  # a recording of 115 days: a length beyond it is damage, not a take


class DamagedRecord(Exception):
    """A record that is not what DualTalk writes; ``str()`` says why ("its 'fps' is 0, ...")."""


def damaged_line(blend: str, owner: str, prop: str, why: str, then: str) -> str:
    """One refusal line: ``scene.blend: DualTalk's record 'dualtalk_keys' on action 'X' is damaged
    (why); then``. ``blend``: the file's name ("" for a file never saved)."""
    where = f"{blend}: " if blend else ""
    return f"{where}DualTalk's record {prop!r} on {owner} is damaged ({why}); {then}"


def blend_name() -> str:
    """The open .blend's file name ("" when it was never saved, or outside Blender)."""
    data = getattr(sys.modules.get("bpy"), "data", None)
    path = str(getattr(data, "filepath", "") or "")
    return PurePath(path).name if path else ""


def parse(value: Any) -> Any:
    """The JSON value of a custom property: text, nested no deeper than safe_json allows."""
    if not isinstance(value, str):
        raise DamagedRecord(f"it is {_kind(value)}, not JSON text")
    try:
        return safe_json.loads(value, "it")
    except DualTalkError as exc:
        raise DamagedRecord(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise DamagedRecord(f"it is not JSON: {exc.msg} at character {exc.pos}") from None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _object(value: Any, what: str = "it") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DamagedRecord(f"{what} is {_kind(value)}, not an object")
    return value


def _number(value: Any, what: str, lo: float, hi: float, *, above: bool = False) -> float:
    """A finite number in ``[lo, hi]`` (``above``: strictly above ``lo``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not (lo < value if above else lo <= value) or value > hi:
        shown = json.dumps(value)[:40] if ok or isinstance(value, str) else _kind(value)
        floor = f"above {_bound(lo)}" if above else f"from {_bound(lo)}"
        raise DamagedRecord(f"its {what} is {shown}, not a number {floor} to {_bound(hi)}")
    return float(value)


def _bound(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) and abs(x) < 1e15 else f"{x:g}"


def frame(value: Any, what: str, lo: int = -MAX_FRAME) -> int:
    """A whole frame Blender can hold (``lo`` to MAX_FRAME)."""
    number = _number(value, what, lo, MAX_FRAME)
    if number != int(number):
        raise DamagedRecord(f"its {what} is {number:g}, not a whole frame")
    return int(number)


def _checked(record: dict[str, Any], key: str, check: Callable[[Any], Any]) -> None:
    """``record[key]`` through ``check`` (its normal form), when present."""
    if key in record:
        record[key] = check(record[key])


def _text(what: str, *, none: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str) or (none and value is None):
            return value
        raise DamagedRecord(f"its {what!r} is {_kind(value)}, not text")

    return check


def _fps(value: Any) -> float:
    return _number(value, "'fps'", 0.0, MAX_FPS, above=True)


# -- a layer action's ``dualtalk``: what the take is ---------------------------------------------


def action_record(value: Any) -> dict[str, Any]:
    """A layer action's record of its take (``rig.plan.take_meta`` plus ``layer`` and ``take_id``):
    the fields DualTalk reads are checked (take, character, layer, take_id: text; fps above 0;
    start_frame a whole frame; seconds a length; rest an object; audio an object or null); any
    other field is kept as it is (a newer DualTalk's)."""
    record = dict(_object(parse(value)))
    for key in ("take", "character", "layer", "take_id"):
        _checked(record, key, _text(key))
    _checked(record, "fps", _fps)
    _checked(record, "start_frame", lambda v: frame(v, "'start_frame'"))
    _checked(record, "seconds", lambda v: None if v is None else _number(v, "'seconds'", 0.0, MAX_SECONDS))
    _checked(record, "rest", lambda v: _object(v, "its 'rest'"))
    _checked(record, "audio", _audio)
    return record


def _audio(value: Any) -> dict[str, Any] | None:
    """The take's record of its recording (``inference.core.take_record.audio_record``) or null."""
    if value is None:
        return None
    audio = dict(_object(value, "its 'audio'"))
    # every DualTalk that kept this record (since dfa679b) wrote these: one missing is damage, which a
    # range reading the take's part would meet as a KeyError further on
    lacking = [key for key in ("files", "start", "end") if key not in audio]
    if lacking:
        raise DamagedRecord(f"its 'audio' lacks {', '.join(repr(k) for k in lacking)}")
    files = audio.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise DamagedRecord("its audio 'files' are not a list of file names")
    for key in ("start", "end"):
        _checked(audio, key, _seconds(f"audio {key!r}"))
    _checked(audio, "offset_b", lambda v: _number(v, "audio 'offset_b'", -MAX_SECONDS, MAX_SECONDS))
    _checked(audio, "fingerprint", _text("fingerprint"))
    _checked(audio, "sound", lambda v: _object(v, "its audio 'sound'"))
    for key in ("speaker_a", "turns", "turns_fingerprint", "form"):
        _checked(audio, key, _text(f"audio {key}"))
    _checked(audio, "settings", _settings)
    _checked(audio, "lips", _lips)
    return audio


def _lips(value: Any) -> dict[str, float]:
    """The lips' passes a take was drawn with (``take_record.lips_made_with``): each amount 0 to 1."""
    lips = dict(_object(value, "its audio 'lips'"))
    for key in LIP_FIELDS:
        if key not in lips:
            raise DamagedRecord(f"its audio 'lips' lack {key!r}")
        lips[key] = _number(lips[key], f"lips' {key!r}", 0.0, 1.0)
    return lips


def _settings(value: Any) -> dict[str, Any]:
    """The behaviour settings a take was made with (``take_record.made_with``): seed a whole number,
    moods text (B's may be null), gaze on/off, each amount a number or null (the engine's default)."""
    settings = dict(_object(value, "its audio 'settings'"))
    missing = [k for k in SETTING_FIELDS if k not in settings]
    if missing:
        raise DamagedRecord(f"its audio 'settings' lack {', '.join(missing)}")
    seed = settings["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise DamagedRecord(
            f"its settings' 'seed' is {json.dumps(seed)[:40]}, not a whole number from 0 to {MAX_SEED}"
        )
    for key in ("mood", "mood_b"):
        if not (isinstance(settings[key], str) or (key == "mood_b" and settings[key] is None)):
            raise DamagedRecord(f"its settings' {key!r} is {_kind(settings[key])}, not text")
    if not isinstance(settings["gaze_on"], bool):
        raise DamagedRecord(f"its settings' 'gaze_on' is {_kind(settings['gaze_on'])}, not true/false")
    for key in ("blinks", "gaze", "head", "brows"):
        if settings[key] is not None:
            settings[key] = _number(settings[key], f"settings' {key!r}", 0.0, MAX_AMOUNT)
    return settings


def _seconds(what: str) -> Callable[[Any], float]:
    return lambda v: _number(v, what, 0.0, MAX_SECONDS)


# -- a layer action's ``dualtalk_keyed``: the scene-side settings its take was keyed with -------


def keyed_record(value: Any) -> dict[str, Any]:
    """How a take was keyed (``range_plan.note_keyed``): its take_id (text), keys (a mode), each
    intensity group's scale (0 to 5), smoothing (0 to 25), head_turn (0 to 1) and side_by_side (a
    mode; a take recorded before it was keyed turning a pair side by side fully: ``turn``) and, with
    eye contact, glance (0 to 1: how much the pair glanced; a take recorded before it: none)."""
    record = dict(_object(parse(value)))
    if not isinstance(record.get("take_id"), str) or not record["take_id"]:
        raise DamagedRecord("it names no take_id")
    if record.get("keys") not in KEYS_MODES:
        raise DamagedRecord(
            f"its 'keys' is {json.dumps(record.get('keys'))[:40]}, not {' or '.join(KEYS_MODES)}"
        )
    scales = _object(record.get("intensities"), "its 'intensities'")
    unknown = sorted(set(scales) - set(GROUPS))
    if unknown:
        raise DamagedRecord(f"its 'intensities' name {', '.join(unknown)}, not one of {', '.join(GROUPS)}")
    record["intensities"] = {k: _number(v, f"{k} intensity", 0.0, 5.0) for k, v in scales.items()}
    record["smoothing"] = _number(record.get("smoothing"), "'smoothing'", 0.0, 25.0)
    record["head_turn"] = _number(record.get("head_turn"), "'head_turn'", 0.0, 1.0)
    record.setdefault("side_by_side", TURN)
    if record["side_by_side"] not in SIDE_BY_SIDE:
        raise DamagedRecord(
            f"its 'side_by_side' is {json.dumps(record['side_by_side'])[:40]}, not {' or '.join(SIDE_BY_SIDE)}"
        )
    if "glance" in record:
        record["glance"] = _number(record["glance"], "'glance'", 0.0, 1.0)
    return record


# -- a datablock's ``dualtalk_before``: what it was before its first take ----------------------


def before_record(value: Any) -> dict[str, Any]:
    """What a datablock was before its first take (``before_take.before_record`` says each key)."""
    record = dict(_object(parse(value)))
    _checked(record, "animation_data", _flag)
    for key in ("blend_type", "extrapolation", "replaced_take"):
        _checked(record, key, _text(key, none=True))
    _checked(record, "influence", lambda v: _number(v, "'influence'", 0.0, 1.0))
    _checked(record, "values", _values)
    _checked(record, "replaced", _paths)
    _checked(record, "kept", _kept)
    return record


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise DamagedRecord(f"its 'animation_data' is {_kind(value)}, not true/false")
    return value


def _path(item: Any, what: str) -> tuple[str, int]:
    if not isinstance(item, list) or len(item) < 2 or not isinstance(item[0], str):
        raise DamagedRecord(f"an entry of its {what!r} is not [data path, index, ...]")
    return item[0], int(_number(item[1], f"{what} index", 0, 1024))


def _values(value: Any) -> list[list[Any]]:
    """[data path, index, value] of each property keyed, as it was."""
    if not isinstance(value, list):
        raise DamagedRecord(f"its 'values' are {_kind(value)}, not a list")
    out = []
    for item in value:
        path, index = _path(item, "values")
        if len(item) != 3:
            raise DamagedRecord("an entry of its 'values' is not [data path, index, value]")
        out.append([path, index, _number(item[2], f"value of {path}[{index}]", -1e30, 1e30)])
    return out


def _paths(value: Any) -> list[list[Any]]:
    if not isinstance(value, list):
        raise DamagedRecord(f"its 'replaced' is {_kind(value)}, not a list")
    return [list(_path(item, "replaced")) for item in value]


def _kept(value: Any) -> list[dict[str, Any]]:
    """Each animator's action pushed below the take: track, action, slot and its settings."""
    if not isinstance(value, list):
        raise DamagedRecord(f"its 'kept' is {_kind(value)}, not a list")
    out = []
    for item in value:
        entry = dict(_object(item, "an entry of its 'kept'"))
        for key in ("track", "action"):
            if not isinstance(entry.get(key), str):
                raise DamagedRecord(f"an entry of its 'kept' has no {key} name")
        for key in ("slot", "blend_type", "extrapolation"):
            _checked(entry, key, _text(key, none=True))
        _checked(entry, "influence", lambda v: _number(v, "kept 'influence'", 0.0, 1.0))
        out.append(entry)
    return out


# -- the scene's ``dualtalk_range``: the frame range a take replaced ---------------------------


def scene_range_record(value: Any) -> dict[str, Any]:
    """``before`` and ``set`` ([first, last] scene frames) with the take's ``take``, ``start_frame``
    and ``fps``."""
    record = dict(_object(parse(value)))
    for key in ("before", "set"):
        pair = record.get(key)
        if not isinstance(pair, list) or len(pair) != 2:
            raise DamagedRecord(f"its {key!r} is not [first, last]")
        first, last = (frame(f, f"{key!r} frame", 0) for f in pair)
        if last < first:
            raise DamagedRecord(f"its {key!r} ends at {last}, before it starts at {first}")
        record[key] = [first, last]
    _checked(record, "take", _text("take"))
    _checked(record, "start_frame", lambda v: frame(v, "'start_frame'"))
    _checked(record, "fps", lambda v: 0.0 if v == 0 else _fps(v))  # 0: the rate was not known
    return record


# -- a sound strip's ``dualtalk_pair`` and a layer action's ``dualtalk_keys`` --------------------


def pair_record(value: Any) -> frozenset[str]:
    """The names of the characters whose take a sound strip plays."""
    names = parse(value)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise DamagedRecord(f"it is {_kind(names)}, not a list of character names")
    return frozenset(names)


def plays_record(value: Any) -> dict[str, str]:
    """What a sound strip plays (``sound.PLAYS_PROP``): its file's name and the token its sound
    carries, both text; a record of other types is damaged, never read as another sound's."""
    record = _object(parse(value))
    for key in ("file", "sound"):
        if key not in record:
            raise DamagedRecord(f"it has no {key!r}")
        _text(key)(record[key])
    return record


def digest_record(value: Any) -> dict[str, str]:
    """{curve id: encoded digest} (``keying.CurveDigest``, which checks each entry's own form)."""
    record = _object(parse(value))
    for key, text in record.items():
        if not isinstance(text, str):
            raise DamagedRecord(f"its entry for {key!r} is {_kind(text)}, not text")
    return record


def entries(value: Any) -> list[Any]:
    """The scene's ``dualtalk_markers``: a list (its entries are read by ``apply.marker_records``)."""
    data = parse(value)
    if not isinstance(data, list):
        raise DamagedRecord(f"it is {_kind(data)}, not a list")
    return data
