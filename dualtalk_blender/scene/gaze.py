"""Mutual gaze in the scene: on *partner* frames the eyes point at the other character's head.

Both heads are known every motion frame, after their head motion is keyed, so the direction
follows the characters wherever they are animated to stand and whichever way their heads turn:
the scene is evaluated (``scene.frame_set``) at a fraction of the frames and the rest worked out
between them, checked against the scene inside every gap (:func:`sample`). :mod:`..rig.gaze` does the arithmetic; this module reads the
scene and returns motions whose ``eyeLook*`` channels (or FLAME overlay) hold the result, to be
keyed like any other motion: eye bones and ARKit keys are both driven from those channels.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import bpy
import numpy as np

from ...inference.core.channels import HEAD, SPACE_ARKIT
from ...inference.core.gaze import EYE_LOOK
from ...inference.core.motion import Motion
from ..rig import gaze as gz
from . import compat, layers, rest_beneath
from .steps import Steps, run_steps


def _matrix(m: Any) -> np.ndarray:
    return np.array([list(row) for row in m], dtype=np.float64)


def _head(report: Any) -> tuple[Any, Any]:
    """(pose bone or None, object whose world matrix carries it)."""
    arm = report.armature
    if arm is not None and report.head_target:
        return arm.pose.bones[report.head_target], arm
    return None, report.mesh


def rest_rotation(report: Any) -> tuple[np.ndarray, str]:
    """The head's rest orientation in its rig and the rig's up axis (see :func:`..rig.gaze.head_frames`)."""
    pb, _owner = _head(report)
    if report.head_frame == "bone":
        return np.eye(3), "bone"
    if pb is None:
        return np.eye(3), report.head_frame
    return _matrix(report.armature.data.bones[pb.name].matrix_local)[:3, :3], report.head_frame


def _points(
    report: Any, depsgraph: Any = None, place: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(head world rotation 3x3, eye point, head point) now, as ``depsgraph`` evaluated them (None:
    as the objects hold them, which is the open scene's evaluation); ``place``: the collection
    instance that shows the head on screen (:func:`_placements`), None: the head in its own place."""
    pb, owner = _head(report)
    played = owner.evaluated_get(depsgraph) if depsgraph is not None else owner
    world = _placed(_matrix(played.matrix_world), place, depsgraph)
    if pb is not None:
        pb = played.pose.bones[pb.name]
        pose = _matrix(pb.matrix)
        rot = world[:3, :3] @ pose[:3, :3]
        mid = 0.5 * (np.array(pb.head) + np.array(pb.tail))
        head = world[:3, :3] @ mid + world[:3, 3]
    else:
        rot = world[:3, :3]
        centre = np.mean([list(c) for c in owner.bound_box], axis=0)
        head = world[:3, :3] @ centre + world[:3, 3]
    rot = rot / np.linalg.norm(rot, axis=0, keepdims=True)
    eyes = []
    arm = report.armature
    for name in report.eye_bones:
        if arm is not None and name:
            bone = (arm.evaluated_get(depsgraph) if depsgraph is not None else arm).pose.bones[name]
            eyes.append(world[:3, :3] @ np.array(bone.head) + world[:3, 3])
    eye = np.mean(eyes, axis=0) if eyes else head
    return rot, eye, head


def _placed(world: np.ndarray, place: Any, depsgraph: Any = None) -> np.ndarray:
    """``world``, a source object's world matrix, where the collection instance ``place`` shows it
    (Blender: the empty's world matrix times the collection's instance offset taken away)."""
    if place is None:
        return world
    played = place.evaluated_get(depsgraph) if depsgraph is not None else place
    shift = np.eye(4)
    shift[:3, 3] = -np.array(place.instance_collection.instance_offset, dtype=np.float64)
    return _matrix(played.matrix_world) @ shift @ world


def _instancers(obj: Any) -> list[Any]:
    """The collection-instance empties whose collection (or a collection in it) holds ``obj``."""
    return [
        o
        for o in bpy.data.objects
        if o.instance_type == "COLLECTION"
        and o.instance_collection is not None
        and o.instance_collection.all_objects.get(obj.name) == obj
    ]


def _on_screen(layer: Any, obj: Any) -> bool:
    """Whether ``layer`` shows ``obj`` in its own place, in the render or in the viewports."""
    for path in _paths_to(layer.layer_collection, obj):
        if any(lc.exclude for lc in path):
            continue  # (``layer.objects`` can lag behind a collection just excluded)
        if not obj.hide_render and not any(lc.collection.hide_render for lc in path):
            return True
        if not (obj.hide_viewport or obj.hide_get(view_layer=layer)) and not any(
            lc.hide_viewport or lc.collection.hide_viewport for lc in path
        ):
            return True
    return False


def _shown_through(layer: Any, obj: Any, depth: int = 0) -> list[Any]:
    """A chain of collection instances, outermost first, through which ``layer`` shows ``obj``
    (itself an instancer) on screen: [] where none does."""
    if depth > 8:  # collections that instance each other
        return []
    if _on_screen(layer, obj):
        return [obj]
    for outer in _instancers(obj):
        chain = _shown_through(layer, outer, depth + 1)
        if chain:
            return [*chain, obj]
    return []


def _placements(scene: Any, reports: list[Any]) -> list[Any]:
    """Per report: the collection-instance empty that shows its head on screen, else None (the head
    is read in its own place).

    A character kept in a collection excluded from the view layer and shown by a collection-instance
    empty (the usual layout set-up) is on screen where the empty puts it, not where its objects are:
    its partner's eyes aimed at the hidden source. Exactly one shown empty (the source itself not
    shown) places the head; a collection on screen twice (two empties, or one and the source) or
    through nested instances has no one place, so the head is read in its own place and a warning
    on the character's report says so (one line).
    """
    layer = _view_layer(scene)
    places: list[Any] = []
    for rep in reports:
        _pb, owner = _head(rep)
        direct = _instancers(owner)
        shown = [e for e in direct if _on_screen(layer, e)]
        nested = [  # shown through an instance of a collection holding the instancer
            [*chain, e]
            for e in direct
            for outer in _instancers(e)
            for chain in [_shown_through(layer, outer)]
            if chain
        ]
        colls = ", ".join(dict.fromkeys(repr(e.instance_collection.name) for e in shown or direct))
        warning = None
        if nested:
            via = " > ".join(repr(o.name) for o in nested[0])
            warning = (
                f"{rep.mesh.name}: collection {colls} is shown through nested collection instances "
                f"({via}); eye contact is aimed at the collection's own place"
            )
        elif shown and (len(shown) > 1 or _on_screen(layer, rep.mesh)):
            where = (["in its own place"] if _on_screen(layer, rep.mesh) else []) + [
                f"through {e.name!r}" for e in shown
            ]
            warning = (
                f"{rep.mesh.name}: collection {colls} is on screen {len(where)} times "
                f"({' and '.join(where)}); eye contact is aimed at the collection's own place"
            )
        places.append(shown[0] if shown and warning is None else None)
        if warning is not None and warning not in rep.warnings:
            rep.warnings.append(warning)
    return places


def _view_layer(scene: Any) -> Any:
    """The view layer :func:`_depsgraph` evaluates ``scene`` through."""
    return bpy.context.view_layer if bpy.context.scene == scene else scene.view_layers[0]


@contextlib.contextmanager
def _heads_shown(scene: Any, reports: list[Any], places: Sequence[Any] = ()) -> Iterator[None]:
    """Evaluate heads the animator switched off in the viewports while they are read.

    Blender skips an object that is disabled in viewports (or sits only in excluded or disabled
    collections), so its head was read frozen at one pose and its partner's eyes were aimed at a
    head that does not move: the render, which shows it, had the eyes off by up to 0.7. The
    heads' objects and their parents (and the collection instances in ``places`` that show them)
    are switched on for the reading and put back after.
    """
    layer = _view_layer(scene)
    needed: list[Any] = []
    for start in [rep.armature if rep.armature is not None else rep.mesh for rep in reports] + [
        p for p in places if p is not None
    ]:
        obj = start
        while obj is not None and obj not in needed:
            needed.append(obj)
            obj = obj.parent
    shown = [o for o in needed if o.hide_viewport]
    paths: list[Any] = []  # layer collections (root first) switched off on an object's way in
    for obj in needed:
        found = list(_paths_to(layer.layer_collection, obj))
        if found and not any(
            all(not lc.exclude and not lc.collection.hide_viewport for lc in p) for p in found
        ):
            paths += [
                lc for lc in found[0] if lc not in paths and (lc.exclude or lc.collection.hide_viewport)
            ]
    states = [(lc, lc.exclude, lc.collection.hide_viewport) for lc in paths]
    try:
        for o in shown:
            o.hide_viewport = False
        for lc in paths:
            lc.exclude = False
            lc.collection.hide_viewport = False
        yield
    finally:
        for o in shown:
            o.hide_viewport = True
        for lc, exclude, hidden in reversed(states):
            lc.collection.hide_viewport = hidden
            lc.exclude = exclude


def _paths_to(lc: Any, obj: Any) -> Iterator[list[Any]]:
    """Each chain of layer collections from ``lc`` down to one whose collection holds ``obj``."""
    if lc.collection.objects.get(obj.name) == obj:
        yield [lc]
    for child in lc.children:
        for below in _paths_to(child, obj):
            yield [lc, *below]


def _depsgraph(scene: Any) -> Any:
    """The depsgraph that plays ``scene``: the context's for the context scene, else its first view
    layer's. Blender evaluates on ``frame_set`` only the depsgraphs that exist and writes only the
    active one back to the objects, so another scene's heads are read from evaluated copies."""
    with bpy.context.temp_override(scene=scene, view_layer=_view_layer(scene)):
        return bpy.context.evaluated_depsgraph_get()


@contextlib.contextmanager
def _skinned_meshes_off(scene: Any, reports: list[Any]) -> Iterator[None]:
    """Skip evaluating skinned meshes while heads are read: only armatures and transforms matter.

    Evaluating two 14k-vertex characters with 52 shape keys on every frame made gaze sampling
    take ~10 s for 2 minutes; heads and eyes come from bones, so the meshes they deform can sit
    out. A mesh that carries a head itself (no armature) stays on.
    """
    owners = {rep.mesh.name for rep in reports if rep.armature is None}
    off = [
        o
        for o in scene.objects
        if o.type == "MESH"
        and not o.hide_viewport
        and o.name not in owners
        and any(m.type == "ARMATURE" for m in o.modifiers)
    ]
    try:
        for o in off:
            o.hide_viewport = True
        yield
    finally:
        for o in off:
            o.hide_viewport = False


STRIDE = 32  # frames between the heads' first readings (and carrier keys); a gap is halved while it misses
ROT_TOL_DEG = 0.05  # a head frame worked out at a gap's checks is within this of the scene's...
POINT_TOL = 1e-3  # ...and its eye and head points within this share of the heads' distance


def sample(
    scene: Any, reports: list[Any], frames: np.ndarray, progress: Any = None, stage: str = "keying"
) -> list[dict[str, np.ndarray]]:
    """Per report: world head rotation (T,3,3), eye point (T,3), head point (T,3) at scene ``frames``.

    The scene is evaluated (``frame_set``) at a fraction of the frames, not at every one: a head's
    world frame is what carries it (the object, its parents, the bones from the root down to the
    head and on to the eyes: the animator's motion) times the head's own keyed rotation (ours,
    changing every frame). The carrier and the eye and head points in the head's frame are read
    every :data:`STRIDE` frames and at every key of the carriers' F-curves inside the take (a
    Cycles modifier's keys wherever it repeats them, NLA strip ends), so between two readings each
    carrier curve is one key-to-key segment. Each gap is then checked at its quarter points and its
    middle: where one of them, worked out from the gap's ends, misses the scene by more than
    :data:`ROT_TOL_DEG` or :data:`POINT_TOL` of the distance between the heads, the gap is halved,
    down to single frames. Where no key moves any carrier (characters placed and left, the usual
    set-up), a gap whose ends read the carrier the same (:meth:`_Head.held`) is not checked: its
    checks would only read what its ends did. The bound is checked at those points, not proven
    between them; a key-to-key segment bends smoothly, and every sway, bob and walk in the tests
    stays within it.
    In between, the carrier is interpolated and the head's own rotation is read from its keys
    (``FCurve.evaluate``, our head layer, as played). Every frame is evaluated, as before, where the
    carriers move other than from key to key (an F-curve modifier other than Cycles, such as Noise
    or Stepped; a driver; a constraint on them; Bounce or Elastic easing; a bone or vertex parent;
    an NLA strip with animated time, reversed, or with modifiers; time remapping: see
    :func:`_carrier_times`), or where the head's keys do not give what the scene plays at a reading
    (the animator keys the head too, a constraint turns it).

    A head shown through a collection-instance empty is read where the empty shows it, and the
    empty counts among its carriers (:func:`_placements`).

    ``progress`` (``update``/``check_cancel``) hears ``stage`` with "aiming the eyes: frame n/N".

    :func:`sample_steps` is the same reading in steps.
    """
    return run_steps(sample_steps(scene, reports, frames, progress, stage))


READS_PER_STEP = 200  # scene evaluations between two of :func:`sample_steps`' yields (~0.5 s)


def sample_steps(
    scene: Any,
    reports: list[Any],
    frames: np.ndarray,
    progress: Any = None,
    stage: str = "keying",
    *,
    around: Callable[[], Sequence[contextlib.AbstractContextManager[Any]]] = tuple,
    pauses: bool = False,
) -> Steps[list[dict[str, np.ndarray]]]:
    """:func:`sample` in steps: yields every :data:`READS_PER_STEP` scene evaluations.

    ``around``: the caller's own states for the reading (Time Stretching off, the animator's head
    keys muted), entered outside this module's (heads shown, skinned meshes off, the frame kept).
    ``pauses``: the caller returns to Blender at each yield, so all of them are put back before
    it and entered again after (the viewport must never draw characters undeformed); else they stay
    on until the end, as :func:`sample` keeps them."""
    frames = np.asarray(frames, dtype=np.float64)
    places = _placements(scene, reports)

    def scopes() -> list[contextlib.AbstractContextManager[Any]]:
        return [
            *around(),
            _kept_frame(scene),
            _heads_shown(scene, reports, places),
            _skinned_meshes_off(scene, reports),
        ]

    reader = _Reader(scene, reports, None, places, scopes=scopes, pauses=pauses)
    try:
        reader.open()
        sparse = _sparse(reader, frames, progress, stage)
        out = None if sparse is None else (yield from sparse)
        if out is None:
            out = yield from _dense(reader, frames, progress, stage)
    finally:
        reader.close()
    return out


@contextlib.contextmanager
def _kept_frame(scene: Any) -> Iterator[None]:
    """The scene's frame (and subframe) as it was, set again after the heads were read elsewhere."""
    keep = (scene.frame_current, scene.frame_subframe)
    try:
        yield
    finally:
        scene.frame_set(keep[0], subframe=keep[1])


@contextlib.contextmanager
def hand_keys_off(scene: Any, reports: list[Any]) -> Iterator[int]:
    """Mute the animator's own keys on each head bone's rotation while the heads are read; yields how
    many curves it muted (0: none, the scene plays as it is).

    A key the animator sets on the head over a take (the active action in Combine, or a track of
    theirs) is a fix that plays on top of the head turn toward the partner. Read as the head looking
    away, it made the turn make up for it: one hand key turned the whole take's head ~31 degrees on
    the next Generate. The bones above the head, the rig and its placement stay as they play.
    """
    curves = hand_key_curves(reports)
    keep = (scene.frame_current, scene.frame_subframe)
    try:
        for fc in curves:
            fc.mute = True
        yield len(curves)
    finally:
        for fc in curves:
            fc.mute = False
        if curves:
            scene.frame_set(keep[0], subframe=keep[1])


def hand_key_curves(reports: list[Any]) -> list[Any]:
    """The animator's own curves on each head bone's rotation, unmuted (what :func:`hand_keys_off`
    mutes)."""
    curves: list[Any] = []
    for rep in reports:
        pb, owner = _head(rep)
        ad = owner.animation_data
        if pb is None or ad is None:
            continue
        path = _head_path(rep)
        sources = [(ad.action, getattr(ad, "action_slot", None))] if ad.action is not None else []
        ours = {*layers.our_strips(owner).values(), *rest_beneath.beneath_strips(owner)}
        sources += [
            (s.action, s.action_slot)
            for t in ad.nla_tracks
            for s in t.strips
            if s not in ours and s.action is not None
        ]
        for action, slot in sources:
            curves += [
                fc
                for fc in compat.iter_fcurves(action, slot)
                if fc.data_path == path and not fc.mute and all(fc != c for c in curves)
            ]
    return curves


def _report(progress: Any, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress.update(stage, done / max(total, 1), f"aiming the eyes: frame {done:,}/{total:,}")


TURNS_SHARE = 0.3  # of a sparse reading's time, the heads' own turns at every frame (10 and 20 minutes)


class _SparseProgress:
    """How far a sparse reading (:func:`_sparse_reads`) is, as a share of its work: each head's turn
    worked out (:data:`TURNS_SHARE` between them), then the scene evaluations done against those
    expected (the first readings and the checks of their gaps); it never goes back. The frames said
    are that share of the take's (a reading of every 32nd frame said "frame 200/15,000" at a fifth
    of its work and jumped to the end)."""

    def __init__(self, progress: Any, stage: str, n: int, heads: int) -> None:
        self.progress, self.stage, self.n, self.heads = progress, stage, n, max(heads, 1)
        self.turned = self.reads = 0
        self.expected = 1
        self.last = 0.0

    def expect(self, more: int) -> None:
        """``more`` evaluations are still to come, at least."""
        self.expected = max(self.expected, self.reads + int(more))

    def say(self) -> None:
        read = min(self.reads / max(self.expected, 1), 1.0)
        self.last = max(self.last, TURNS_SHARE * self.turned / self.heads + (1.0 - TURNS_SHARE) * read)
        _report(self.progress, self.stage, int(self.last * self.n), self.n)


def _dense(
    reader: _Reader, frames: np.ndarray, progress: Any, stage: str
) -> Steps[list[dict[str, np.ndarray]]]:
    """Every frame evaluated: the heads as the scene plays them, whatever moves them."""
    out = [
        {
            "rot": np.zeros((len(frames), 3, 3)),
            "eye": np.zeros((len(frames), 3)),
            "head": np.zeros((len(frames), 3)),
        }
        for _ in reader.reports
    ]
    for i, f in enumerate(frames):
        if i and i % READS_PER_STEP == 0:
            yield from reader.pause()
        if i % 500 == 0:
            _report(progress, stage, i, len(frames))
        reader.frame_set(float(f))
        for rep, place, dst in zip(reader.reports, reader.places, out, strict=True):
            dst["rot"][i], dst["eye"][i], dst["head"][i] = _points(rep, reader.depsgraph, place)
    _report(progress, stage, len(frames), len(frames))
    return out


def _sparse(
    reader: _Reader, frames: np.ndarray, progress: Any, stage: str
) -> Steps[list[dict[str, np.ndarray]] | None] | None:
    """The heads read at some frames and worked out between them (:func:`sample`), in steps; None
    where the carriers move other than from key to key (:func:`_carrier_times`), and the steps
    return None where the head's keys do not give what the scene plays."""
    n = len(frames)
    if n <= 2:
        return None
    found = [reader.turn_keys(j) for j in range(len(reader.reports))]
    keyed = _carrier_times(reader, frames, [f is not None for f in found])
    if keyed is None:
        return None
    return _sparse_reads(reader, frames, progress, stage, found, keyed)


def _sparse_reads(
    reader: _Reader,
    frames: np.ndarray,
    progress: Any,
    stage: str,
    found: list[tuple[list[tuple[Any, float]], str] | None],
    keyed: np.ndarray,
) -> Steps[list[dict[str, np.ndarray]] | None]:
    """:func:`_sparse`'s readings, the curves of the heads' own turns and the carriers' key frames
    known: each head's turn at every frame is a step of its own (a 10-minute take: 60,000 curve
    evaluations, ~0.3 s), then the readings."""
    n = len(frames)
    said = _SparseProgress(progress, stage, n, len(found))
    turns = []
    for keys in found:
        turns.append(None if keys is None else _turned(keys, frames))
        said.turned += 1
        said.say()
        yield from reader.pause()
    heads = [_Head(t, n) for t in turns]
    still = not len(keyed)  # nothing keyed carries the heads: only their own keyed turn moves them
    keyed = keyed[(keyed >= frames[0] - 1) & (keyed <= frames[-1] + 1)]
    below, above = (
        np.searchsorted(frames, keyed, "right") - 1,
        np.searchsorted(frames, keyed),
    )  # around each key
    grid = np.unique(np.clip(np.r_[np.arange(0, n, STRIDE), n - 1, below, above], 0, n - 1))
    spans = np.stack([grid[:-1], grid[1:]], axis=1)
    todo = grid
    tol_point = 0.0
    said.expect(len(grid) + (0 if still else 3 * len(spans)))  # the gaps' checks: 3 each
    while True:
        todo = np.unique([i for i in np.ravel(todo) if not heads[0].known[i]]).astype(np.int64)
        said.expect(len(todo))
        for k, i in enumerate(todo):
            if reader.reads >= READS_PER_STEP:
                said.say()
                yield from reader.pause()
            if k % 10 == 0:
                said.say()
            for head, got in zip(heads, reader.read(float(frames[i])), strict=True):
                head.put(int(i), *got)
            said.reads += 1
        if not all(h.keys_hold(todo) for h in heads):
            return None
        if not tol_point:
            reach = float(np.linalg.norm(heads[0].eye[0] - heads[-1].eye[0])) if len(heads) > 1 else 0.0
            tol_point = POINT_TOL * (reach if reach > 0 else 1.0)
        spans = spans[spans[:, 1] - spans[:, 0] > 1]
        if still:  # a gap whose ends hold the carrier still needs no checks (:meth:`_Head.held`)
            spans = spans[~np.all([h.held(spans, tol_point) for h in heads], axis=0)]
            still = False  # only the first gaps: one halved has shown that something moves it
        if not len(spans):
            break
        checks = spans[:, :1] + ((spans[:, 1:] - spans[:, :1]) * np.arange(1, 4)) // 4  # quarters, middle
        if not heads[0].known[checks].all():
            todo = checks  # read the checks first, then judge the spans
            continue
        missed = np.zeros(len(spans), bool)
        for head in heads:
            for c in range(checks.shape[1]):
                missed |= ~head.close(spans, checks[:, c], tol_point)
        mids = checks[missed, 1]
        spans = np.concatenate([np.stack([spans[missed, 0], mids], 1), np.stack([mids, spans[missed, 1]], 1)])
        todo = spans[:, :1] + ((spans[:, 1:] - spans[:, :1]) * np.arange(1, 4)) // 4
    _report(progress, stage, n, n)
    return [head.filled() for head in heads]


class _Head:
    """One head's readings over the take: at read frames its world frame (4x4), basis (the head's
    own 4x4 under it), eye and head points; and the keys' basis at every frame (None: none)."""

    def __init__(self, turns: np.ndarray | None, n: int) -> None:
        self.turns, self.n = turns, n
        self.known = np.zeros(n, bool)
        self.frame, self.basis = np.zeros((n, 4, 4)), np.zeros((n, 4, 4))
        self.eye, self.head = np.zeros((n, 3)), np.zeros((n, 3))
        self.spin: np.ndarray | None = None

    def put(self, i: int, frame: np.ndarray, basis: np.ndarray, eye: np.ndarray, head: np.ndarray) -> None:
        self.frame[i], self.basis[i], self.eye[i], self.head[i] = frame, basis, eye, head
        self.known[i] = True
        if self.turns is not None and self.spin is None:  # location and scale as first read
            self.spin = np.repeat(basis[None], self.n, axis=0)
            self.spin[:, :3, :3] = self.turns * np.linalg.norm(basis[:3, :3], axis=0)[None, None, :]

    def keys_hold(self, idx: np.ndarray) -> bool:
        """Whether the head's keys give the basis the scene played at the frames ``idx`` read."""
        if self.spin is None or not len(idx):
            return True
        diff = np.abs(self.spin[idx] - self.basis[idx]).max()
        return bool(diff < 1e-4 * max(1.0, float(np.abs(self.basis[idx]).max())))

    def own(self, idx: np.ndarray) -> np.ndarray:
        """The head's own basis at ``idx``: from its keys, else as read (then carried along)."""
        return self.spin[idx] if self.spin is not None else self.basis[idx]

    def carried(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(carrier 4x4, eye point and head point in the head's frame) at read frames ``idx``."""
        inv = np.linalg.inv(self.frame[idx])
        return (
            self.frame[idx] @ np.linalg.inv(self.own(idx)),
            _apply(inv, self.eye[idx]),
            _apply(inv, self.head[idx]),
        )

    def close(self, spans: np.ndarray, mids: np.ndarray, tol: float) -> np.ndarray:
        """Per span: whether the frame ``mids`` inside it, worked out from its ends, is that frame
        as read."""
        w = ((mids - spans[:, 0]) / (spans[:, 1] - spans[:, 0]))[:, None]
        ends = [self.carried(spans[:, k]) for k in (0, 1)]
        carrier, eye, head = ((1 - w[..., None]) * ends[0][0] + w[..., None] * ends[1][0],
                              (1 - w) * ends[0][1] + w * ends[1][1], (1 - w) * ends[0][2] + w * ends[1][2])  # fmt: skip
        return self._as_read(carrier, eye, head, mids, ROT_TOL_DEG, tol)

    def held(self, spans: np.ndarray, tol: float) -> np.ndarray:
        """Per span: whether its end, worked out from its start's carrier and points, is its end as
        read, within a hundredth of the bounds: the carrier stood still over the gap.

        Only asked where no key moves any carrier (:func:`_sparse`), so nothing keyed swings away and
        back between the ends; a gap's checks then add readings and no accuracy (the demo take's
        10 minutes: 1,877 readings -> 470, the same heads)."""
        carrier, eye, head = self.carried(spans[:, 0])
        return self._as_read(carrier, eye, head, spans[:, 1], ROT_TOL_DEG / 100, tol / 100)

    def _as_read(
        self,
        carrier: np.ndarray,
        eye: np.ndarray,
        head: np.ndarray,
        at: np.ndarray,
        rot_deg: float,
        tol: float,
    ) -> np.ndarray:
        """Whether ``carrier`` and the points in the head's frame, under the head's own basis at the
        read frames ``at``, give those frames as read (within ``rot_deg`` and ``tol``)."""
        frame = carrier @ self.own(at)
        r1, r2 = _normalized(frame[:, :3, :3]), _normalized(self.frame[at, :3, :3])
        cos = (np.einsum("kij,kij->k", r1, r2) - 1.0) / 2.0
        return (
            (cos >= np.cos(np.radians(rot_deg)))
            & (np.linalg.norm(_apply(frame, eye) - self.eye[at], axis=1) <= tol)
            & (np.linalg.norm(_apply(frame, head) - self.head[at], axis=1) <= tol)
        )

    def filled(self) -> dict[str, np.ndarray]:
        """Every frame: carrier and points interpolated between the readings, the head's own
        rotation from its keys; the frames read are the readings themselves."""
        done = np.flatnonzero(self.known)
        at = np.arange(self.n, dtype=np.float64)
        carrier, eye_local, head_local = (_interp(at, done, v) for v in self.carried(done))
        frame = carrier @ (self.spin if self.spin is not None else _interp(at, done, self.basis[done]))
        eye, head = _apply(frame, eye_local), _apply(frame, head_local)
        eye[done], head[done] = self.eye[done], self.head[done]
        frame[done] = self.frame[done]
        return {"rot": _normalized(frame[:, :3, :3]), "eye": eye, "head": head}


def _interp(at: np.ndarray, known: np.ndarray, values: np.ndarray) -> np.ndarray:
    flat = values.reshape(len(known), -1)
    cols = [np.interp(at, known, flat[:, c]) for c in range(flat.shape[1])]
    return np.stack(cols, axis=1).reshape((len(at), *values.shape[1:]))


def _apply(m: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.einsum("...ij,...j->...i", m[..., :3, :3], p) + m[..., :3, 3]


def _normalized(rot: np.ndarray) -> np.ndarray:
    return rot / np.linalg.norm(rot, axis=-2, keepdims=True)


class _Reader:
    """Evaluates the scene at a frame and reads each head: (world frame 4x4, the head's own basis
    4x4 under it, eye point, head point)."""

    def __init__(
        self,
        scene: Any,
        reports: list[Any],
        depsgraph: Any,
        places: list[Any] | None = None,
        *,
        scopes: Callable[[], Sequence[contextlib.AbstractContextManager[Any]]] = tuple,
        pauses: bool = False,
    ) -> None:
        self.scene, self.reports, self.depsgraph = scene, reports, depsgraph
        self.places = list(places) if places is not None else [None] * len(reports)
        self.scopes, self.pauses = scopes, pauses
        self.reads = 0  # scene evaluations since the last step began
        self._open: contextlib.ExitStack | None = None

    def open(self) -> None:
        """Enter the states the heads are read in (:func:`sample_steps`), then find the depsgraph."""
        stack = contextlib.ExitStack()
        try:
            for scope in self.scopes():
                stack.enter_context(scope)
            self.depsgraph = _depsgraph(self.scene)
        except BaseException:
            stack.close()
            raise
        self._open = stack

    def close(self) -> None:
        """Put those states back (again: nothing to do)."""
        stack, self._open = self._open, None
        if stack is not None:
            stack.close()

    def pause(self) -> Steps[None]:
        """A step ends here: with ``pauses``, the scene is put back as it was before the caller
        returns to Blender, and the states are entered again when the next step begins."""
        if self.pauses:
            self.close()
        yield
        self.reads = 0
        if self.pauses:
            self.open()

    def frame_set(self, f: float) -> None:
        self.reads += 1
        whole = int(np.floor(f))
        self.scene.frame_set(whole, subframe=float(f - whole))

    def read(self, f: float) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        self.frame_set(f)
        return [self._one(rep, place) for rep, place in zip(self.reports, self.places, strict=True)]

    def _one(self, report: Any, place: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        pb, owner = _head(report)
        played = owner.evaluated_get(self.depsgraph)
        world = _placed(_matrix(played.matrix_world), place, self.depsgraph)
        if pb is not None:
            pb = played.pose.bones[pb.name]
            frame, basis = world @ _matrix(pb.matrix), _matrix(pb.matrix_basis)
        else:
            frame, basis = world, _matrix(played.matrix_basis)
        _rot, eye, head = _points(report, self.depsgraph, place)
        return frame, basis, eye, head

    def turns(self, j: int, frames: np.ndarray) -> np.ndarray | None:
        """(T, 3, 3) the head's own rotation at ``frames`` as its rotation keys on our layers give
        it, or None where there are no such keys (the head then moves with its carrier)."""
        keys = self.turn_keys(j)
        return None if keys is None else _turned(keys, frames)

    def turn_keys(self, j: int) -> tuple[list[tuple[Any, float]], str] | None:
        """The curves of the head's own rotation on our layers (each with its strip's shift) and the
        rotation mode; None where :meth:`turns` has none."""
        report = self.reports[j]
        pb, owner = _head(report)
        if pb is None and report.armature is not None:
            return None  # the armature object is keyed, the mesh read: not one frame times a basis
        target = pb if pb is not None else owner
        mode = target.rotation_mode
        if mode == "AXIS_ANGLE":
            return None
        prop = "rotation_quaternion" if mode == "QUATERNION" else "rotation_euler"
        path = f'pose.bones["{bpy.utils.escape_identifier(pb.name)}"].{prop}' if pb is not None else prop
        found: dict[int, tuple[Any, float]] = {}
        for layer, strip in layers.our_strips(owner).items():
            if layer == layers.REST or strip.action is None or strip.mute:
                continue
            shift = float(strip.frame_start - strip.action_frame_start)
            for fc in compat.iter_fcurves(strip.action, strip.action_slot):
                if fc.data_path == path and fc.array_index not in found:
                    found[fc.array_index] = (fc, shift)
        size = 4 if mode == "QUATERNION" else 3
        if sorted(found) != list(range(size)):
            return None
        return [found[i] for i in range(size)], mode


def _turned(keys: tuple[list[tuple[Any, float]], str], frames: np.ndarray) -> np.ndarray:
    """(T, 3, 3) the rotation ``keys`` (:meth:`_Reader.turn_keys`) give at ``frames``."""
    curves, mode = keys
    comps = np.array([[fc.evaluate(float(f) - shift) for f in frames] for fc, shift in curves]).T
    return _quat_matrix(comps) if mode == "QUATERNION" else _euler_matrix(comps, mode)


_WAVY = {"BOUNCE", "ELASTIC"}  # easings that swing back and forth between two keys


def _carrier_times(reader: _Reader, frames: np.ndarray, spun: list[bool]) -> np.ndarray | None:
    """Scene frames where what carries a head (its object and parents, the collection instance that
    shows it and that one's parents, the bones from the root down to the head and on to the eyes)
    has a key, a strip starts or ends, or a cycle repeats one; None
    where something else moves them between keys (an F-curve modifier other than a plain Cycles,
    a driver, a constraint, a strip whose time is animated, a bone parent, ...): read every frame.

    Between two of these frames every carrier curve is one smooth segment, so a reading at each
    end and checks inside the gap (:meth:`_Head.close`) see how it moves. ``spun[j]``: the head's own
    rotation keys on our layers are read from the keys (:meth:`_Reader.turns`), not as a carrier.
    """
    span = (float(frames[0]), float(frames[-1]))
    render = reader.scene.render
    if render.frame_map_old != render.frame_map_new:
        return None
    times: list[float] = []
    for j, report in enumerate(reader.reports):
        pb, owner = _head(report)
        chain = []
        for obj in (owner, reader.places[j]):  # the collection instance showing it carries it too
            while obj is not None:
                chain.append(obj)
                if obj.parent is not None and obj.parent_type not in ("OBJECT", "ARMATURE"):
                    return None
                obj = obj.parent
        bones: dict[str, str] = {}  # bone -> what of it moves the head or eyes: "all", "location"
        if pb is not None:
            up = pb.parent
            while up is not None:
                bones[up.name] = "all"
                up = up.parent
            bones[pb.name] = "all"
            for name in report.eye_bones:
                if not name:
                    continue
                eye = owner.pose.bones[name]
                bones[name] = bones.get(name) or "location"
                up = eye.parent
                while up is not None and up.name not in bones:
                    bones[up.name] = "all"
                    up = up.parent
        head_path = _head_path(report) if spun[j] else None
        for obj in chain:
            if any(not c.mute for c in obj.constraints):
                return None
            moves = _Moves(obj, bones if obj is owner else {}, head_path if obj is owner else None, span)
            if pb is not None and obj is owner:
                if any(not c.mute for name in bones for c in owner.pose.bones[name].constraints):
                    return None
            got = moves.times()
            if got is None:
                return None
            times += got
    return np.asarray(times, dtype=np.float64)


class _Moves:
    """The F-curves that move one carrier object (its transform; ``bones``' channels) and when."""

    def __init__(
        self, obj: Any, bones: dict[str, str], head_path: str | None, span: tuple[float, float]
    ) -> None:
        self.obj, self.bones, self.head_path, self.span = obj, bones, head_path, span

    def counts(self, path: str, ours: bool) -> bool:
        """Whether the channel at ``path`` moves the head or eyes (the head's own keyed rotation on
        our layers does not count: it is read from the keys)."""
        if ours and path == self.head_path:
            return False
        if not path.startswith("pose.bones["):
            return True
        name, _, prop = path[len('pose.bones["') :].partition('"]')
        what = self.bones.get(name.replace('\\"', '"').replace("\\\\", "\\"))
        return what == "all" or (what == "location" and prop == ".location")

    def times(self) -> list[float] | None:
        ad = self.obj.animation_data
        if ad is None:
            return []
        if ad.use_tweak_mode or any(self.counts(d.data_path, False) for d in ad.drivers if not d.mute):
            return None
        out: list[float] = []
        if ad.action is not None:
            got = self._keys(ad.action, ad.action_slot, False, self.span)
            if got is None:
                return None
            out += got
        if not ad.use_nla:
            return out
        ours = {*layers.our_strips(self.obj).values(), *rest_beneath.beneath_strips(self.obj)}
        for track in ad.nla_tracks:
            if track.mute:
                continue
            for strip in track.strips:
                if strip.mute:
                    continue
                if strip.type != "CLIP" or strip.action is None:
                    return None
                a0, a1 = float(strip.action_frame_start), float(strip.action_frame_end)
                s0, s1, scale = float(strip.frame_start), float(strip.frame_end), float(strip.scale)
                got = self._keys(strip.action, strip.action_slot, strip in ours, (a0, a1))
                if got is None:
                    return None
                if not got:
                    continue
                if strip.use_animated_time or strip.use_reverse or len(strip.modifiers):
                    return None
                keys = np.asarray(got)
                for r in range(int(np.ceil(strip.repeat))):
                    at = s0 + (keys - a0 + r * (a1 - a0)) * scale
                    out += [float(t) for t in at if s0 <= t <= s1]
                out += [s0, s1, s0 + strip.blend_in, s1 - strip.blend_out]
                for fc in strip.fcurves:  # its influence keyed
                    if len(fc.modifiers):
                        return None
                    out += [float(k.co[0]) for k in fc.keyframe_points]
        return out

    def _keys(self, action: Any, slot: Any, ours: bool, span: tuple[float, float]) -> list[float] | None:
        """Key frames (action time, a cycle's repeated over ``span``) of the curves in ``action``
        that move the head; None: they do not move it from key to key in one smooth stroke."""
        out: list[float] = []
        for fc in compat.iter_fcurves(action, slot):
            if fc.mute or not self.counts(fc.data_path, ours):
                continue
            kp = fc.keyframe_points
            if not len(kp):
                continue
            keys = np.array([k.co[0] for k in kp], dtype=np.float64)
            if any(k.interpolation in _WAVY for k in kp):
                return None
            mods = [m for m in fc.modifiers if not m.mute]
            if mods:
                if len(mods) > 1 or mods[0].type != "CYCLES" or mods[0].use_restricted_range:
                    return None
                if mods[0].use_influence or len(keys) < 2:
                    return None
                keys = _cycled(keys, span)
            out += keys.tolist()
        return out


def _cycled(keys: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    """A cycled curve's keys repeated (and mirrored, for Mirror mode) over ``span``."""
    first, period = keys[0], keys[-1] - keys[0]
    if period <= 0:
        return keys
    turns = np.arange(np.floor((span[0] - first) / period) - 1, np.ceil((span[1] - first) / period) + 2)
    rel = keys - first
    return (first + turns[:, None] * period + np.r_[rel, period - rel][None, :]).ravel()


def _head_path(report: Any) -> str | None:
    """The data path of the head's own rotation (what :meth:`_Reader.turns` reads)."""
    pb, owner = _head(report)
    target = pb if pb is not None else owner
    prop = "rotation_quaternion" if target.rotation_mode == "QUATERNION" else "rotation_euler"
    return f'pose.bones["{bpy.utils.escape_identifier(pb.name)}"].{prop}' if pb is not None else prop


def _quat_matrix(q: np.ndarray) -> np.ndarray:
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    w, x, y, z = q.T
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=-1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=-1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=-1),
        ],
        axis=1,
    )


def _euler_matrix(e: np.ndarray, order: str) -> np.ndarray:
    """Blender's Euler ``order`` ("XYZ": X turns first, then Y, then Z)."""
    c, s = np.cos(e), np.sin(e)
    one, zero = np.ones(len(e)), np.zeros(len(e))
    axes = {
        "X": np.stack([np.stack([one, zero, zero], -1), np.stack([zero, c[:, 0], -s[:, 0]], -1), np.stack([zero, s[:, 0], c[:, 0]], -1)], 1),
        "Y": np.stack([np.stack([c[:, 1], zero, s[:, 1]], -1), np.stack([zero, one, zero], -1), np.stack([-s[:, 1], zero, c[:, 1]], -1)], 1),
        "Z": np.stack([np.stack([c[:, 2], -s[:, 2], zero], -1), np.stack([s[:, 2], c[:, 2], zero], -1), np.stack([zero, zero, one], -1)], 1),
    }  # fmt: skip
    return axes[order[2]] @ axes[order[1]] @ axes[order[0]]


def to_partner(samples: dict[str, np.ndarray], partner: dict[str, np.ndarray], report: Any) -> np.ndarray:
    """(T, 2) degrees from this character's eyes to the partner's eyes (or head) in its head frame."""
    rest, up = rest_rotation(report)
    frames = samples["rot"] if up == "bone" else gz.head_frames(samples["rot"], rest, up)
    return gz.partner_angles(frames, samples["eye"], partner["eye"])


def pair_glance(
    objs: Sequence[Any], options: Any, angles: Sequence[np.ndarray]
) -> tuple[float, float | None]:
    """How much the pair glances at each other (:func:`..rig.gaze.glance_weight`; 0 with
    ``options.side_by_side`` :data:`..rig.gaze.TURN`, and with ``head_turn`` 0: a head that does not
    turn leaves the eyes their whole range) and how far apart they face (None: not read here), from
    both characters' angles to each other (A's, then B's). A whole take's weight is recorded with its
    keying (:func:`.range_plan.glance_decided`); a range takes its take's, so it turns the heads as the
    take did, not as its own frames would (a take whose pair turned mid-take glanced inside a fully
    turned take); a take recorded before the weight: read here, as before."""
    from . import range_plan

    glances = options.side_by_side == gz.GLANCE and options.head_turn > 0  # heads kept still: eyes unbound
    if options.replace_range is not None:
        kept = range_plan.take_glance(objs)
        if kept is not None:
            return (kept if glances else 0.0), None
    apart = gz.facing_apart(angles[0], angles[1]) if len(angles) == 2 else None
    weight = gz.glance_weight(apart) if glances else 0.0
    if options.replace_range is None:
        range_plan.glance_decided(objs, weight)
    return weight, apart


def glance_changes(motion: Motion, turn_from: np.ndarray, head_share: float, glance: float = 1.0) -> bool:
    """Whether a glance of weight ``glance`` turns ``motion``'s head less than a full turn would, by
    a degree or more somewhere (a pair side by side a hand apart, one looking straight ahead, or a
    pair nearly 90 deg apart with a weight near 0, loses nothing)."""
    if motion.gaze_target is None or head_share <= 0 or glance <= 0:
        return False
    full = gz.head_turn(motion.gaze_target, turn_from, head_share, motion.fps)
    held = gz.head_turn(motion.gaze_target, turn_from, head_share, motion.fps, glance=glance)
    return bool(np.max(np.abs(full - held), initial=0.0) >= 1.0)


def glance_line(names: Sequence[str], glance: float = 1.0, apart: float | None = None) -> str:
    """What a take whose pair glanced says once, with the flag that turns them fully: a partial
    glance (a pair between :data:`..rig.gaze.GLANCE_FROM_DEG` and :data:`..rig.gaze.TURN_FROM_DEG`
    apart) says how far apart and how much of the glance."""
    turn = f"--side-by-side {gz.TURN} turns them to face each other"
    if glance >= 1:
        return (
            f"{names[0]} and {names[1]} face the same way (side by side): their heads turn at most "
            f"{gz.GLANCE_DEG:g} deg toward each other and the eyes glance the rest; {turn}"
        )
    where = "" if apart is None else f" ({apart:.0f} deg apart)"
    return (
        f"{names[0]} and {names[1]} face nearly the same way{where}: their heads turn toward each other "
        f"{round(100 * glance)}% of the way from a full turn to a {gz.GLANCE_DEG:g}-deg glance (none from "
        f"{gz.TURN_FROM_DEG:g} deg apart) and the eyes glance the rest; {turn}"
    )


def aimed(
    motion: Motion,
    angles: np.ndarray,
    head_share: float = 0.0,
    turn_from: np.ndarray | None = None,
    glance: float = 0.0,
) -> Motion:
    """``motion`` with its eyes on the partner on partner frames (``angles`` from :func:`to_partner`).

    ``head_share`` turns the head that part of the way (eased); the eyes do the rest. ``turn_from``:
    the partner's angles the head turn is worked out from, when not ``angles`` (the heads read
    without the animator's keys on them, :func:`hand_keys_off`; the eyes still aim from the head as
    it plays, the animator's pose included). ``glance`` (:func:`pair_glance`, 0 to 1): the head turns
    that share of the way to at most :data:`..rig.gaze.GLANCE_DEG` and the eyes stop that share short
    of their corners.
    """
    if motion.gaze_target is None or motion.gaze_dir is None:
        return motion
    source = angles if turn_from is None else turn_from
    turn = (
        gz.head_turn(motion.gaze_target, source, head_share, motion.fps, glance=glance)
        if head_share > 0
        else None
    )
    left = angles - (turn if turn is not None else 0.0)
    eyes = gz.gaze_angles(
        motion.gaze_target, motion.gaze_dir, gz.glance_eyes(left, glance) if glance > 0 else left
    )
    weights = gz.eye_channels(eyes)
    values = motion.values.copy()
    overlay = None if motion.overlay is None else motion.overlay.copy()
    if motion.space == SPACE_ARKIT:
        for name in EYE_LOOK:
            values[:, motion.channels.index(name)] = weights[name]
        head_cols = [motion.channels.index(c) for c in HEAD]
    else:
        names = list(motion.overlay_channels)
        extra = [n for n in EYE_LOOK if n not in names]
        base = overlay if overlay is not None else np.zeros((motion.num_frames, 0), np.float32)
        overlay = np.concatenate([base, np.zeros((motion.num_frames, len(extra)), np.float32)], axis=1)
        names += extra
        for name in EYE_LOOK:
            overlay[:, names.index(name)] = weights[name]
        motion = replace(motion, overlay_channels=tuple(names), overlay=overlay)
        head_cols = [motion.channels.index(c) for c in ("neck_rx", "neck_ry", "neck_rz")]
    if turn is not None:
        # head frame: yaw is a turn about the up axis (ry), pitch up is chin up (-rx)
        values[:, head_cols[1]] += np.radians(turn[:, 0]).astype(np.float32)
        values[:, head_cols[0]] -= np.radians(turn[:, 1]).astype(np.float32)
    return replace(motion, values=values, overlay=overlay if motion.space != SPACE_ARKIT else motion.overlay)
