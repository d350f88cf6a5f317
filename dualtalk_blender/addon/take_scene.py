"""What the scene holds for a kept take of another recording, part or first frame, when Play Take
(or Remove Take's fallback) plays it: its sound strips, turn markers and frame range.

A take kept in the file (Take renamed to compare) used to play only where it was made from the same
recording, part, first frame and rate as the take playing, since the sound strips, markers and range
belonged to that take. Now they are rebuilt from the kept take's record (``rig/plan.take_meta``:
recording files by name and contents, part start/end, first frame, rate): DualTalk's strips of the
pair are replaced as Generate replaces them (the animator's stay), the pair's markers are those the
take had when Play Take last switched away from it (:data:`KEPT_MARKERS_PROP`; a take Generate
replaced before takes kept them has none to bring back: said), and a range a take set follows.
Everything is found before anything changes: a recording that is gone or changed is refused in one
line naming it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy

from ...inference.core.errors import DualTalkError
from ...inference.core.take_record import recorded_offset_b
from ..scene import apply, before_take, marker_places
from ..scene.paths import abspath
from ..scene.sound import our_strips
from . import file_takes
from .take_sound import TakeSound, place_sound_strips

# scene custom property: the turn markers of takes kept in the file (JSON, take -> entry)
KEPT_MARKERS_PROP = apply.KEPT_MARKERS_PROP


@dataclass(frozen=True)
class TakeScene:
    """The kept take's record and where its recording is: what Play Take puts in the scene."""

    meta: dict[str, Any]
    files: tuple[str, ...]
    pair: tuple[str, ...]  # the characters' names: only their strips and markers are replaced

    @property
    def frames(self) -> int:
        """The take's length in its frames (its recording's part at its rate)."""
        return max(1, int(round(float(self.meta.get("seconds", 0.0)) * float(self.meta.get("fps", 0.0)))))

    @property
    def span(self) -> tuple[int, int]:
        first = int(self.meta.get("start_frame", 1))
        return first, first + self.frames - 1


def _folders(scene: Any) -> list[Path]:
    """Where a kept take's recording may lie: where the scene's sound strips play theirs, the panel's
    audio, beside the .blend."""
    out: list[Path] = []
    paths = [abspath(s.sound.filepath) for s in our_strips(scene) if getattr(s, "sound", None) is not None]
    s = getattr(scene, "dualtalk", None)
    paths += [abspath(p) for p in (getattr(s, "audio", ""), getattr(s, "audio_b", "")) if p]
    if bpy.data.filepath:
        paths.append(bpy.data.filepath)
    for path in paths:
        folder = Path(path).parent
        if folder not in out:
            out.append(folder)
    return out


def plan_scene(scene: Any, name: str, who: str, meta: dict[str, Any], characters: Iterable[str]) -> TakeScene:
    """Where the recording of take ``name`` (``meta``: its record; ``who``: the character as the line
    names it) is; refused in one line naming the files when they are gone or changed. Changes nothing."""
    audio = meta.get("audio")
    pair = tuple(dict.fromkeys(str(c) for c in characters))
    if not isinstance(audio, dict) or not audio.get("files"):
        raise DualTalkError(
            f"take {name!r} of {who} was made from another recording, part, first frame or frame rate than "
            f"the take playing, and does not record its recording, so its sound strips cannot be put back; "
            "make it again with Generate (Take name: a new one keeps this take), or use Apply Saved Take"
        )
    names = [str(n) for n in audio["files"]]
    fingerprint = str(audio.get("fingerprint") or "")
    files, _source = file_takes._find_recording(scene, set(pair), audio)
    changed = False
    for folder in [] if files else _folders(scene):
        tried = [str(folder / n) for n in names]
        if file_takes._is_recording(tried, names, fingerprint):
            files = [os.path.abspath(f) for f in tried]
            break
        changed = changed or all(os.path.isfile(f) for f in tried)
    if not files:
        said = " and ".join(names)
        why = "has changed since (other contents)" if changed else "is not found"
        raise DualTalkError(
            f"take {name!r} of {who} was made from {said}, which {why} where the sound strips play, beside the "
            f"panel's audio or beside the .blend: nothing changed; put {said} back there, or Generate the take "
            "again"
        )
    return TakeScene(dict(meta), tuple(files), pair)


def _kept_markers(scene: Any) -> dict[str, Any]:
    return apply.kept_markers(scene)


def _same_take(take: Any, meta: dict[str, Any]) -> bool:
    """Whether a marker record's ``take`` is the take of ``meta`` (by name and first frame, and by its
    characters' take ids where both say: a take Generated again under that name is another)."""
    if not isinstance(take, dict) or take.get("take") != meta.get("take"):
        return False
    ids = take.get("ids")
    if isinstance(ids, dict) and meta.get("take_id") and any(ids.values()):
        return meta["take_id"] in ids.values()
    return take.get("start_frame") == meta.get("start_frame")


def keep_markers(scene: Any, left: dict[str, Any], pair: tuple[str, ...]) -> None:
    """Keep the pair's turn markers of the take switched away from (``left``: its record), so playing
    it again brings them back."""
    for entry in apply.marker_records(scene):
        if entry["pair"] and set(entry["pair"]) & set(pair) and _same_take(entry["take"], left):
            apply.keep_marker_entry(scene, str(left.get("take", "")), entry)
            return


def rebuild(scene: Any, plan: TakeScene, left: dict[str, Any] | None) -> str:
    """Put the take's sound strips, turn markers and frame range in ``scene`` (the pair's earlier ones
    go, the animator's stay); the words for the status line."""
    meta, name = plan.meta, str(plan.meta.get("take", ""))
    if left is not None:
        keep_markers(scene, left, plan.pair)
    audio = meta["audio"]
    offset = recorded_offset_b(audio) if len(plan.files) == 2 else 0.0
    moved = _strips_moved(scene, plan.pair)
    first, last = (f + moved for f in plan.span)
    strips = place_sound_strips(
        scene,
        TakeSound(plan.files, True, offset_b=offset),
        float(audio.get("start", 0.0)),
        first,
        frames=plan.frames,
        pair=plan.pair,
    )
    apply.remove_turn_markers(scene, plan.pair)
    entry = _kept_markers(scene).get(name)
    found = isinstance(entry, dict) and _same_take(entry.get("take"), meta)
    markers = 0
    if isinstance(entry, dict) and found:
        records = apply.marker_records(scene)
        made = []
        since = moved - marker_places.moved(entry.get("take"))  # the strips' move since the markers were kept
        for marker_name, frame in entry.get("markers", []):
            at = int(frame) + since
            made.append([scene.timeline_markers.new(str(marker_name), frame=at).name, at])
        take = entry.get("take")
        take = {**take, marker_places.MOVED: moved} if isinstance(take, dict) else take
        apply.write_marker_records(scene, [*records, {**entry, "markers": made, "take": take}], records)
        markers = len(made)
    ranged = _follow_range(scene, plan, (first, last))
    files = " and ".join(Path(f).name for f in plan.files)
    said = [
        f"{files} from {float(audio.get('start', 0.0)):.2f} s",
        f"{len(strips)} sound strip{'' if len(strips) == 1 else 's'}",
        f"{markers} turn marker{'' if markers == 1 else 's'}"
        if found
        else f"no turn markers (the file kept none of take {name!r}: Generate it again under its name for them)",
        f"frames {first}-{last}" + ("" if ranged is None else f" (scene range now {ranged[0]}-{ranged[1]})"),
    ]
    return "; its " + ", ".join(said)


def _strips_moved(scene: Any, pair: tuple[str, ...]) -> int:
    """Frames the strips the take now plays in were moved in the NLA editor (Play Take swaps its actions
    into them, where they are): its sound strips and markers go there too (review rv37a F5: a take the
    animator moved, then Generate under a new name, keys the new one where they moved it). 0 where they
    were not, or were moved unevenly (:func:`..scene.range_plan.take_offset`)."""
    from ..scene.range_plan import take_offset

    objs = [obj for name in pair if (obj := scene.objects.get(name)) is not None]
    try:
        return take_offset(objs)
    except DualTalkError:
        return 0


def _follow_range(scene: Any, plan: TakeScene, span: tuple[int, int]) -> tuple[int, int] | None:
    """The scene's range as Generate's *extend* leaves it for the take (``plan``) playing over ``span``
    (its frames where its strips play now, moved or not: :func:`rebuild` works it out once): grown from
    the shot's own range while a take set the range, else from the range as it is (the animator's);
    recorded so Remove Take puts the shot's back. The new range, or None where it stays."""
    from ..rig import plan as rig_plan

    now = (int(scene.frame_start), int(scene.frame_end))
    shot = before_take.shot_range(scene)
    base = shot if shot is not None and shot[0] == now[0] else now
    first, last = span
    new = rig_plan.scene_range(
        rig_plan.FrameSpan(first, last - first + 1),
        base[0],
        base[1],
        "extend",
        rig_plan.time_stretch(*apply.scene_stretch(scene)),
    )
    if new != now:
        before_take.set_scene_range(scene, *new)
    before_take.note_scene_range(scene, now, new, plan.meta)
    return None if new == now else new
