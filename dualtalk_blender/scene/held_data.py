"""What keying steps hold between two of Blender's turns, told again without touching it.

The panel keys a take (or re-generates a range) in steps, and Blender runs scripts, timers and the
Python console between two of them. The steps hold Python references to the characters' datablocks
and the data inside them: the shape keys, the rig and its pose bones, their animation data, NLA
strips, actions and curves. Python is told when a whole datablock it holds is removed, but not when
the data inside one goes (shape keys cleared, the rig deleted, the shape keys' animation cleared):
the next step then reads freed memory and Blender crashes, losing the animator's unsaved work.

:func:`held` lists what the steps may touch as facts made only of session ids and addresses, found
by walking the characters as they are now (never through a held reference); :func:`lost` says, in
the animator's words, the first fact of an earlier list that no longer holds. Taken after each step
and checked before the next, a change made meanwhile ends the steps before they touch it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...inference.core.errors import DualTalkError
from . import compat
from .characters import find_mesh_and_armature

Fact = tuple[Any, ...]


def held(characters: Iterable[tuple[str, Any]]) -> dict[Fact, str]:
    """Fact -> what it means when it is gone, for each (role, live character object), in an order
    where a datablock comes before what is inside it (the shape keys before their curves)."""
    out: dict[Fact, str] = {}
    for role, obj in characters:
        _character(out, f"character {role} {obj.name!r}", obj)
    return out


def lost(before: dict[Fact, str], now: dict[Fact, str]) -> str | None:
    """What happened to the first fact of ``before`` that ``now`` lacks; None when all still hold
    (what was added meanwhile does not matter: the steps hold none of it)."""
    return next((said for fact, said in before.items() if fact not in now), None)


def _character(out: dict[Fact, str], who: str, obj: Any) -> None:
    try:
        mesh, arm = find_mesh_and_armature(obj)
    except DualTalkError:  # no longer a character: what was held of it is missing, and said so
        return
    face = who if mesh == obj else f"the face mesh {mesh.name!r} of {who}"
    rig = None if arm is None else (who if arm == obj else f"the rig {arm.name!r} of {who}")
    out[("object", mesh.session_uid)] = f"{face} was deleted"
    out[("data", mesh.session_uid, mesh.data.session_uid)] = f"{face} was given other mesh data"
    key = mesh.data.shape_keys
    if key is not None:
        out[("shape keys", mesh.data.session_uid, key.session_uid)] = f"the shape keys of {who} were deleted"
        for kb in key.key_blocks:
            out[("key block", key.session_uid, kb.as_pointer())] = f"a shape key of {who} was deleted"
    if arm is not None and rig is not None:
        out[("object", arm.session_uid)] = f"{rig} was deleted"
        out[("data", arm.session_uid, arm.data.session_uid)] = f"{rig} was given other armature data"
        for pb in arm.pose.bones if arm.pose is not None else ():
            out[("bone", arm.session_uid, pb.as_pointer())] = f"the bones of {rig} changed"
    for idblock, what in ((key, f"the shape keys of {who}"), (arm, rig), (mesh, face)):
        if idblock is not None and what is not None:
            _animation(out, idblock, what, who)


def _animation(out: dict[Fact, str], idblock: Any, what: str, who: str) -> None:
    """The animation data of ``idblock``, its NLA tracks and strips, and each strip's action with its
    slots, channelbags and curves."""
    ad = idblock.animation_data
    if ad is None:
        return
    owner = idblock.session_uid
    out[("animation", owner, ad.as_pointer())] = f"the animation of {what} was cleared"
    for track in ad.nla_tracks:
        for strip in track.strips:
            action = strip.action
            slot = getattr(strip, "action_slot", None)
            fact = (
                "strip",
                owner,
                ad.as_pointer(),
                track.as_pointer(),
                strip.as_pointer(),
                0 if action is None else action.session_uid,
                -1 if slot is None else slot.handle,
            )
            out[fact] = f"the animation layers of {what} changed"
            if action is not None:
                _action(out, action, who)


def _action(out: dict[Fact, str], action: Any, who: str) -> None:
    uid = action.session_uid
    out[("action", uid)] = f"the action {action.name!r} of the take on {who} was deleted"
    changed = f"the action {action.name!r} of the take on {who} changed (a curve or slot deleted)"
    for slot in getattr(action, "slots", ()):
        out[("slot", uid, slot.as_pointer())] = changed
    for layer in getattr(action, "layers", ()):
        for strip in layer.strips:
            for bag in strip.channelbags:
                out[("channelbag", uid, bag.as_pointer())] = changed
    for fc in compat.iter_fcurves(action, None):
        out[("curve", uid, fc.as_pointer())] = changed
