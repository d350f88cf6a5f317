"""Which take a whole-take ``animate`` keys when ``--take`` (a job shot's ``take``) is left out.

``animate --blend OLD.blend --out NEW.blend`` re-animates a shot. Its take used to be named after
``--out`` whatever ``--blend`` held, so a re-animate into a new file keyed a second take beside the
one the characters played: the old take (the animator's hand fixes in it) stayed in the file, no
longer playing, with no word (review 31r F8; the panel's twin, F2, makes Generate replace the
playing take). Now, when both characters play one DualTalk take, that take is re-keyed, as the panel's
Generate does after Use Take's Settings, and a line says so; when they play different takes (or one
plays none), the take keeps the default name and a line names the takes that stay in the file, not
playing. A ``--take`` typed (a job's ``take`` key) is always obeyed, at its default value too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..rig.options import take_name_cut
from .jobs import Shot, take_from_name


@dataclass(frozen=True)
class Played:
    """A character and the DualTalk take it plays when the shot's .blend opens (None: none).

    ``character`` is the name the take recorded (how its actions are found); ``shown`` the object's name
    now, which the lines say: a character renamed since its take was keyed is named as the scene names
    it (review rv38a F9)."""

    character: str
    take: str | None
    start_frame: Any = None
    fps: Any = None
    shown: str = ""

    @property
    def name(self) -> str:
        """The character as the lines name it: its object's name now."""
        return self.shown or self.character

    @property
    def key(self) -> tuple[str | None, Any, Any]:
        """One take is one name keyed from one frame at one rate (the panel pairs takes so too)."""
        return (self.take, self.start_frame, self.fps)


def played_takes(objs: Iterable[Any]) -> list[Played]:
    """The take each of ``objs`` (mesh or armature) plays, read from its layers' record: a damaged
    record, or a take an older DualTalk keyed as one action without layers, reads as none."""
    from ..scene.layers import take_meta

    out: list[Played] = []
    for obj in objs:
        meta = take_meta(obj) or {}
        name = meta.get("take")
        who = str(meta.get("character") or obj.name)
        take = str(name) if isinstance(name, str) and name else None
        out.append(Played(who, take, meta.get("start_frame"), meta.get("fps"), str(obj.name)))
    return out


def take_given(shot: Shot) -> bool:
    """Whether the shot names its take: ``--take`` typed (at its default too) or a job's ``take`` key;
    a shot made in Python without that record counts as naming it (it keeps its take)."""
    return shot.given is None or "take" in shot.given


def take_to_key(shot: Shot, played: Sequence[Played], job: bool) -> tuple[str, str | None]:
    """The take a whole-take shot keys and the line that says why, once it is keyed (None: nothing to
    say: a shot refused on the way prints only its error).

    Both characters play one take: that take, re-keyed (said unless it is the default name anyway).
    Otherwise the shot's own take (``--take``, else the default after ``--out`` / the shot's name, and
    the line saying so when that name was cut to fit: review 32n F9)."""
    take = shot.options.take
    if take_given(shot):
        return take, None
    cut = take_name_cut(shot.name, take) if take == take_from_name(shot.name) else None
    if len(played) != 2:  # a range: it re-generates the take that plays
        return take, None
    a, b = played
    if a.take is None or a.key != b.key:
        return take, cut
    playing = take_from_name(a.take)  # a recorded name as a take name must be (the same for any we keyed)
    if playing == take:
        return take, cut
    how = "give the shot a take key" if job else "give --take NAME"
    return playing, (
        f"re-keyed take {playing!r}, which {a.name} and {b.name} played ({how} to key a new take beside it)"
    )


def kept_line(shot: Shot, played: Sequence[Played], take: str, job: bool) -> str | None:
    """After keying ``take``: the takes the characters played before that stay in the file, no longer
    playing, in one line (None: none, or the shot named its take, so a new take was asked for)."""
    if take_given(shot):
        return None
    kept = [p for p in played if p.take is not None and p.take != take and _in_file(p.take, p.character)]
    if not kept:
        return None
    names = list(dict.fromkeys(p.take for p in kept if p.take is not None))
    said = [
        f"{p.name}{' played' if i == 0 else ''} {'none' if p.take is None else f'take {p.take!r}'}"
        for i, p in enumerate(played)
    ]
    stay = f"{' and '.join(map(repr, names))} {'stays' if len(names) == 1 else 'stay'}"
    if len(names) == 1:
        how = f"{'the shot the take key' if job else '--take'} {names[0]!r} to re-key it"
    else:
        how = f"{'the shot a take key' if job else '--take NAME'} to re-key one of them"
    return (
        f"keyed a new take {take!r}: {' and '.join(said)}, not one take, so {stay} in the file, not "
        f"playing (give {how} instead)"
    )


def _in_file(take: str, character: str) -> bool:
    """Whether the file still holds ``take`` of ``character`` (kept with a fake user, or used)."""
    import bpy

    from ..scene.keying import action_meta, is_ours

    for action in bpy.data.actions:
        if not is_ours(action) or not (action.use_fake_user or action.users):
            continue
        meta = action_meta(action)
        if meta.get("take") == take and meta.get("character") == character:
            return True
    return False
