"""The dialogue on the sequencer: one naming and ownership rule for the demo, ``animate`` and the add-on.

A strip is DualTalk's when it carries the ``dualtalk`` custom property (set when we
create it), never because of its name: re-animating replaces our earlier strips and
leaves every strip of the user's alone, whatever it is called. A new strip goes on
the lowest channel where it overlaps nothing, so it never plays over (or hides under)
another strip.

Several conversations may share a scene: each strip also names the pair whose take it plays
(:data:`PAIR_PROP`, the two characters' mesh names), and a pair's take replaces only the strips of
a pair that shares a character with it (a character carries one take, so a take that keys Ann
replaces Ann's earlier take, and its recording with it). A strip of an older DualTalk names no
pair: it is the scene's, replaced by the next take of any pair (unless the scene's old marker record
says whose it was: :func:`..apply.marker_records` tags it then).

A strip is ours only while it plays what DualTalk put there (review rv36a G7): Shift+D (or copy and
paste) in the sequencer copies a strip's custom properties, so the animator's copy of our strip,
pointed at their own music, carries our tags too. So each strip also records what it plays
(:data:`PLAYS_PROP`: the file's name and a token that its sound datablock carries,
:data:`SOUND_PROP`); a tagged strip playing another sound or file is the user's: never removed, its
tags dropped by the next take or Remove Take, with one line (:func:`release_users_copies`). A copy
still playing the take's recording is the take's (renamed or not: the name never says whose a strip
is), so it goes with the take. A strip of a DualTalk before this record is ours when it plays a file
an older DualTalk put there (:func:`_older_strip_plays_ours`), its own take's strip too: the
animator may point that one at their music as well (review rv38d F1). :func:`record_older_strips`
records it on them before a take is keyed, while the records that name their file are still there. In a
file whose takes record no recording either, a copy is told apart only beside a strip playing
animate's mix (:func:`_older_copies_of_the_mix`).
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import os
import re
import secrets
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ...inference.core.errors import DualTalkError
from ...inference.core.inputs import check_input_file
from . import records

OWNER_PROP = "dualtalk"  # strip custom property: which stream this strip carries ("A", "B", "dialogue")
PAIR_PROP = "dualtalk_pair"  # strip custom property: the pair whose take it plays (JSON list of two names)
# strip custom property: what it plays, {"file": the file's name, "sound": the token its sound carries}
PLAYS_PROP = "dualtalk_plays"
SOUND_PROP = "dualtalk_sound"  # sound datablock custom property: the token of the strip that made it
MIX_NAME = "dialogue.wav"  # the dialogue mix animate and the demo play (an older strip playing it is ours)
TAGS = (OWNER_PROP, PAIR_PROP, PLAYS_PROP)
MAX_CHANNEL = 128  # Blender's sequencer has channels 1..128


def _strips(scene: Any) -> tuple[Any, Any]:
    se = scene.sequence_editor or scene.sequence_editor_create()
    top = se.strips if hasattr(se, "strips") else se.sequences  # Blender 5 / 4.x
    every = se.strips_all if hasattr(se, "strips_all") else se.sequences_all
    return top, every


def our_strips(scene: Any) -> list[Any]:
    """Strips DualTalk made in ``scene`` (by their ownership property) that still play what it put
    there (:func:`plays_ours`): the animator's copy pointed at another sound is theirs."""
    return _split(scene)[0]


def users_copies(scene: Any) -> list[Any]:
    """Strips carrying our tags that play another sound than DualTalk put there: the animator's copies
    of ours (Shift+D copies the tags) pointed at their own sound."""
    return _split(scene)[1]


def _split(scene: Any) -> tuple[list[Any], list[Any]]:
    """(:func:`our_strips`, :func:`users_copies`) from one walk, the older takes' recordings read
    once (:class:`_OlderFiles`: a walk of every action's record, done twice per call before)."""
    older = _OlderFiles()
    tagged = _tagged(scene)
    beside_mix = _older_copies_of_the_mix(_unrecorded_groups(tagged), older)
    ours: list[Any] = []
    copies: list[Any] = []
    for strip in tagged:
        mine = plays_ours(strip, older) and strip not in beside_mix
        (ours if mine else copies).append(strip)
    return ours, copies


def record_older_strips(scene: Any) -> int:
    """Before a take is keyed: write what it plays (:data:`PLAYS_PROP`) on each of DualTalk's strips
    that records nothing of it (keyed before 2026-12-07), while the takes' records that make it
    DualTalk's still name its file; returns how many. The new take's record names only the new
    recording, so afterwards an earlier take's strip playing the recording it replaces could not be
    told from the animator's music in DualTalk's strip (reviews e882a43, rv38d F1): the one would play
    on under the new take, or the other go without a word. Nothing is written where no take records
    its recording (keyed before 2026-12-04): nothing says there which file is DualTalk's."""
    older = _OlderFiles()
    tagged = [
        s for s in _tagged(scene) if PLAYS_PROP not in s.keys() and getattr(s, "sound", None) is not None
    ]
    if not tagged or older.names() is None:
        return 0
    mine = [s for s in tagged if _older_strip_plays_ours(s.sound, older)]
    for strip in mine:
        _record_plays(strip, strip.sound.filepath)
    return len(mine)


def _unrecorded_groups(tagged: list[Any]) -> dict[tuple[str, str], list[Any]]:
    """The tagged strips that record nothing of what they play (an older DualTalk's, and copies of
    them), by their stream and pair tags. A take puts one strip per stream and pair and replaces the
    earlier ones, so a group is the take's strip and copies of it (Shift+D copies the tags). A strip
    alone in its group is no more the take's than one beside others: the animator may have pointed
    DualTalk's strip itself at their music (review rv38d F1), so what it plays decides
    (:func:`_older_strip_plays_ours`)."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for strip in tagged:
        if PLAYS_PROP not in strip.keys() and getattr(strip, "sound", None) is not None:
            key = (str(strip.get(OWNER_PROP)), str(strip.get(PAIR_PROP)))
            groups.setdefault(key, []).append(strip)
    return groups


def _older_copies_of_the_mix(groups: dict[tuple[str, str], list[Any]], older: _OlderFiles) -> list[Any]:
    """In a file whose takes record no recording (keyed before 2026-12-04), every strip of
    :func:`_unrecorded_groups` is DualTalk's, the animator's copy among them. One kind of copy can be
    told apart: where a strip of a group plays animate's mix (:data:`MIX_NAME`), another of the group
    playing another file is the copy, pointed at the animator's own sound. Anything else stays
    DualTalk's, as before (a copy of a strip playing the recording itself cannot be told from it)."""
    if not any(len(group) > 1 for group in groups.values()) or older.names() is not None:
        return []
    copies: list[Any] = []
    for group in groups.values():
        if any(_file_name(s.sound.filepath) == MIX_NAME for s in group):
            copies += [s for s in group if _file_name(s.sound.filepath) != MIX_NAME]
    return copies


def _tagged(scene: Any) -> list[Any]:
    """Every strip in ``scene`` carrying our ownership tag, whatever it plays."""
    if scene.sequence_editor is None:
        return []
    _top, every = _strips(scene)
    return [s for s in every if s.get(OWNER_PROP) is not None]


def release_users_copies(scene: Any) -> list[str]:
    """Drop our tags from :func:`users_copies` (they are the user's strips from now on, whatever they
    play later); one line for each, naming it and what it plays."""
    return _release(users_copies(scene))


def _release(copies: list[Any]) -> list[str]:
    """:func:`release_users_copies` of the copies found."""
    lines = []
    for strip in copies:
        plays = _file_name(getattr(strip.sound, "filepath", "")) or "another sound"
        for key in TAGS:
            if key in strip.keys():
                del strip[key]
        lines.append(
            f"kept the sound strip {strip.name!r}: it plays {plays}, not the take's recording "
            "(a copy of DualTalk's strip: DualTalk's tags dropped from it)"
        )
    return lines


def plays_ours(strip: Any, older: _OlderFiles | None = None) -> bool:
    """Whether our tagged ``strip`` plays what DualTalk put there: the sound it was made with (its
    token) reading a file of the recorded name. A strip playing nothing is ours (nothing of the user's
    to keep); one with a damaged record too (as a damaged pair record, :func:`strip_pair`)."""
    sound = getattr(strip, "sound", None)
    if sound is None:
        return True
    if PLAYS_PROP not in strip.keys():
        return _older_strip_plays_ours(sound, older or _OlderFiles())
    try:
        record = records.plays_record(strip[PLAYS_PROP])
    except records.DamagedRecord:  # a file or token of another type too: never the user's copy
        return True
    return sound.get(SOUND_PROP) == record["sound"] and _file_name(sound.filepath) == record["file"]


class _OlderFiles:
    """The names of the files an older DualTalk's strips play, read once when first needed."""

    def __init__(self) -> None:
        self._names: set[str] | None = None

    def names(self) -> set[str] | None:
        """The recordings DualTalk's takes in this file were made from (their records' ``audio``),
        with animate's and the demo's mix; None where no take records its recording (a file keyed
        before takes did, 2026-12-04: every tagged strip is ours then, as it was)."""
        if self._names is None:
            import bpy

            from .keying import OWNER_PROP as TAKE_PROP
            from .keying import action_meta

            found: set[str] = set()
            for action in bpy.data.actions:
                if TAKE_PROP in action.keys():
                    audio = action_meta(action).get("audio") or {}
                    found.update(_file_name(f) for f in audio.get("files", []))
            self._names = found | {MIX_NAME} if found else set()
        return self._names or None


def _older_strip_plays_ours(sound: Any, older: _OlderFiles) -> bool:
    """A strip of a DualTalk that did not record what it plays: ours when its file is one an older
    DualTalk played (animate's ``dialogue.wav``, or a recording one of the file's takes was made
    from); every such strip where no take records its recording."""
    names = older.names()
    return names is None or _file_name(sound.filepath) in names


def _file_name(path: object) -> str:
    """The file name of a path as Blender stores it (``//``-relative, either slash)."""
    return re.split(r"[\\/]", str(path or ""))[-1]  # not ntpath: it reads "//a/b.wav" as a share


def _record_plays(strip: Any, path: str | os.PathLike[str]) -> None:
    """Record that ``strip`` plays the file ``path`` through its sound (the token it carries, a new
    one on a sound that has none)."""
    token = strip.sound.get(SOUND_PROP)
    if not isinstance(token, str):
        token = secrets.token_hex(8)
        strip.sound[SOUND_PROP] = token
    strip[PLAYS_PROP] = json.dumps({"file": _file_name(os.fspath(path)), "sound": token})


def _plays_file(strip: Any, path: str | os.PathLike[str]) -> None:
    """The file name in ``strip``'s record, its token kept (a save storing the final file's path)."""
    try:
        record = records.plays_record(strip[PLAYS_PROP])
    except (KeyError, records.DamagedRecord):
        return
    record["file"] = _file_name(os.fspath(path))
    strip[PLAYS_PROP] = json.dumps(record)


def strip_pair(strip: Any) -> frozenset[str] | None:
    """The characters whose take ``strip`` plays (:data:`PAIR_PROP`); None for a strip that names none
    (an older DualTalk's)."""
    try:
        return records.pair_record(strip[PAIR_PROP])
    except (KeyError, records.DamagedRecord):
        return None  # a damaged one too: the strip is the scene's, replaced by the next take (it is ours)


def tag_pair(strip: Any, pair: Iterable[str]) -> None:
    """Say that ``strip`` plays the take of ``pair``."""
    strip[PAIR_PROP] = json.dumps(sorted(str(n) for n in pair))


def remove_our_strips(scene: Any, pair: Iterable[str] | None = None, *, said: list[str] | None = None) -> int:
    """Remove our strips from ``scene``; returns how many went. Without ``pair``: all of them. With
    ``pair`` (the characters a take is keyed on): those of a pair sharing a character with it, those
    that name no pair (the scene's), and those of a pair that no longer plays in the scene (renamed,
    deleted, its take removed); another conversation's strips stay. The animator's copies of ours
    playing their own sound stay, their tags dropped (:func:`release_users_copies`): a line for each
    goes into ``said``, else to stderr."""
    from .apply import pair_plays

    if scene.sequence_editor is None:
        return 0
    ours, copies = _split(scene)  # one reading of the older takes' recordings for both
    lines = _release(copies)
    if said is not None:
        said.extend(lines)
    else:
        for line in lines:
            print(f"DualTalk: {line}", file=sys.stderr, flush=True)
    top, _every = _strips(scene)
    names = None if pair is None else {str(n) for n in pair}
    mine = []
    for strip in ours:
        if strip not in list(top):
            continue
        owner = strip_pair(strip)
        if names is None or owner is None or owner & names or not pair_plays(scene, owner):
            mine.append(strip)
    for strip in mine:
        _remove_strip(top, strip)
    return len(mine)


def remove_strip(scene: Any, strip: Any) -> None:
    """Remove one of our strips from ``scene`` with its sound when nothing else uses it now
    (:func:`_remove_strip`): Remove Take's way, so a day of Generate and Remove Take leaves no
    orphan sounds behind."""
    top, _every = _strips(scene)
    _remove_strip(top, strip)


def _remove_strip(top: Any, strip: Any) -> None:
    """Remove one of our strips and, when nothing else uses it now, the sound datablock it played:
    each take adds a new one, so replaced takes would pile up orphan sounds in a long session. A sound
    the user's own strips, a speaker or a fake user hold has users left and stays."""
    import bpy

    sound = getattr(strip, "sound", None)
    top.remove(strip)
    if sound is not None and sound.users == 0:
        bpy.data.sounds.remove(sound)


def _free_channel(every: Any, strip: Any) -> int | None:
    a, b = strip.frame_final_start, strip.frame_final_end
    for channel in range(1, MAX_CHANNEL + 1):
        if not any(
            o != strip and o.channel == channel and o.frame_final_start < b and a < o.frame_final_end
            for o in every
        ):
            return channel
    return None


def add_dialogue_strip(
    scene: Any,
    path: str | os.PathLike[str],
    role: str,
    frame_start: int,
    *,
    skip_frames: int = 0,
    end_frame: int | None = None,
    pair: Iterable[str] | None = None,
) -> Any:
    """One of our sound strips (``role`` "A", "B" or "dialogue") at ``frame_start``, on a free channel.

    ``skip_frames`` trims the start of the file (a take that begins inside the recording);
    ``end_frame`` (exclusive) trims its end (a take that ends inside it: the recording must not
    play on over a frozen face); ``pair``: the two characters whose take it plays (see the module
    docstring). Call :func:`remove_our_strips` (with the same ``pair``) first when replacing a take.
    A path that is not a readable file (missing, a folder, a pipe...) or not audio Blender reads, another
    role, or a frame that is not a whole number is refused in one line (:class:`DualTalkError`) before
    the scene changes.
    """
    _check_role(role)
    start, skip = _whole(frame_start, "frame_start"), _whole(skip_frames, "skip_frames")
    end_frame = None if end_frame is None else _whole(end_frame, "end_frame")
    if skip < 0:
        raise DualTalkError(
            f"skip_frames must be 0 or more (frames trimmed from the file's start), got {skip}"
        )
    _check_audio(path)
    top, every = _strips(scene)
    name = "DualTalk dialogue" if role == "dialogue" else f"DualTalk {role} audio"
    strip = top.new_sound(name, os.fspath(path), 1, start - skip)
    strip[OWNER_PROP] = role
    _record_plays(strip, path)
    if pair is not None:
        tag_pair(strip, pair)
    if skip:
        strip.frame_offset_start = skip
    if end_frame is not None and strip.frame_final_end > end_frame:
        strip.frame_offset_end += strip.frame_final_end - end_frame
    channel = _free_channel(every, strip)
    if channel is None:
        _remove_strip(top, strip)
        raise DualTalkError(
            "every sequencer channel overlaps the take; free a channel for the dialogue audio"
        )
    strip.channel = channel
    return strip


ROLES = ("dialogue", "A", "B")


def _check_role(role: object) -> None:
    """The stream a strip carries: one recording, or one character's own file."""
    if not isinstance(role, str) or role not in ROLES:
        raise DualTalkError(
            f"role must be 'dialogue' (one recording) or 'A'/'B' (one file each), got {role!r}"
        )


def _whole(value: object, name: str) -> int:
    """A frame number given as a whole number (a float such as 12.0 too), else one line."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DualTalkError(f"{name} must be a whole number of frames, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number != int(number):
        raise DualTalkError(f"{name} must be a whole number of frames, got {value!r}")
    return int(number)


def _check_audio(path: object) -> None:
    """Refuse, before the scene changes, a path Blender would make a silent, dead strip of: not a
    path; not a readable file (missing, a folder, a pipe, a link loop...: the engine's check, in the
    words ``dualtalk infer --audio`` uses for the same file); or a file its audio library cannot read."""
    import bpy

    if isinstance(path, bytes) or not isinstance(path, str | os.PathLike) or not os.fspath(path):
        got = repr(path) if isinstance(path, str | bytes) or path is None else type(path).__name__
        raise DualTalkError(f"the dialogue audio must be a file path, got {got}")
    text = os.fspath(path)
    where = bpy.path.abspath(text) if text.startswith("//") else text
    check_input_file(where, "audio file")
    try:
        import aud
    except ImportError:  # a Blender built without audio: its strips play nothing anyway
        return
    reader: Any = aud  # its stubs know neither Sound(path) nor aud.error
    try:
        _ = reader.Sound(where).specs  # opens the file with Blender's own readers, as the strip will
    except reader.error:
        raise DualTalkError(
            f"the dialogue audio {text} is not a sound file Blender can read (a wav, flac, ogg, mp3...)"
        ) from None


def stored_sound_path(
    bpy: Any,
    path: str | os.PathLike[str],
    blend: str | os.PathLike[str] | None,
    saved_to: str | os.PathLike[str] | None,
) -> str:
    """What to set a sound's path to so that the .blend ``blend``, written now as ``saved_to``, stores
    ``path`` ``//``-relative when it lies in the .blend's folder (a shot folder copied or synced
    elsewhere then still plays its sound), and absolute otherwise.

    Blender saves a copy with ``relative_remap``: it rebases each relative path from the open file's
    folder to the folder it writes into, and leaves absolute paths as they are (an unsaved session
    has no folder: it makes every path relative to the new file). So the path is handed over relative
    to the open file. Only when the file is written in the folder it will be opened from: an ``out``
    that is a link to a file elsewhere is written beside its target, and ``//`` is read from the link.
    """
    target = os.path.abspath(path)
    if blend is None or saved_to is None:
        return target
    folder = os.path.dirname(os.path.abspath(blend))
    if os.path.dirname(os.path.abspath(saved_to)) != folder or os.path.islink(blend):
        return target
    try:
        if os.path.commonpath([folder, target]) != folder:  # elsewhere (another --work): kept absolute
            return target
    except ValueError:  # another drive (Windows): no common folder, kept absolute
        return target
    if not bpy.data.filepath:
        return target  # an unsaved session: Blender makes it relative to the new file itself
    try:
        relative = bpy.path.relpath(target)
    except ValueError:  # another drive (Windows): no relative path leads there
        return target
    return relative if relative.startswith("//") else target


def blend_relative(bpy: Any, path: str | os.PathLike[str], chosen_relative: bool = False) -> str:
    """What to set a sound's path to in the open .blend: ``//``-relative by :func:`stored_sound_path`'s
    rule (the .blend is saved and the file lies in or under its folder), or wherever the animator chose
    it ``//``-relative themselves (``//../audio/talk.wav``); absolute otherwise. Blender rebases a
    relative path on Save As, so a project folder moved or synced elsewhere still plays its sound."""
    blend = bpy.data.filepath or None
    stored = stored_sound_path(bpy, path, blend, blend)
    if stored.startswith("//") or not (chosen_relative and blend):
        return stored
    try:
        relative = bpy.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive (Windows): no relative path leads there
        return stored
    return relative if relative.startswith("//") else stored


@contextlib.contextmanager
def sound_saved_as(
    strip: Any,
    path: str | os.PathLike[str] | None,
    *,
    blend: str | os.PathLike[str] | None = None,
    saved_to: str | os.PathLike[str] | None = None,
) -> Iterator[None]:
    """While a .blend is saved, the strip's sound reads ``path`` (the final dialogue.wav, put in
    place with the .blend once both are written), so the file stores it beside itself; renders
    around the save still hear the staged file, which exists now. Nothing changes without a path.

    With ``blend`` (the .blend's final path) and ``saved_to`` (the file Blender writes now, beside
    it), a ``path`` inside the .blend's folder is stored ``//``-relative (:func:`stored_sound_path`).

    The strip itself keeps the path it was made with (the staged file's): Blender 5's sound strip
    has no path to set, and playback and renders read the sound's (a known limit, docs/robustness.md).
    """
    if strip is None or path is None:
        yield
        return
    import bpy

    sound = strip.sound
    staged = sound.filepath
    recorded = strip.get(PLAYS_PROP)
    sound.filepath = stored_sound_path(bpy, path, blend, saved_to)
    _plays_file(strip, path)  # the saved strip records the file it plays there
    try:
        yield
    finally:
        sound.filepath = staged
        if recorded is not None:
            strip[PLAYS_PROP] = recorded
