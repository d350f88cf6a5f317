"""Make Blender's FBX exporter bake only what moves.

Blender's exporter (``io_scene_fbx``, Blender 5.0) bakes every object *and every bone* on every
frame in Python: on the demo characters (2 x 163 bones) that is ~1 M bone-matrix evaluations for
2 minutes, 85 % of the export. Its options do not avoid it: ``bake_anim_use_all_bones=False``
and ``bake_anim_simplify_factor`` only drop the constant curves *after* sampling them, and
``use_armature_deform_only`` keeps every deforming bone (all of them on these rigs).

Two changes, both measured in ``bench fbx`` and checked by re-reading the file:

* **Bake only animated bones.** The exporter's ``fbx_animations_do`` accepts the set of objects
  to sample (its NLA/all-actions paths use it); for the scene bake we pass the objects and only
  the bones that can move: curves or drivers (any action the armature plays: active action and
  NLA strips), or a constraint reading something that moves (:func:`animated_bones`). Other bones,
  constrained or not, keep their evaluated local transform on every frame, which the file already
  holds (its rest/bind data and ``Lcl`` properties). Armatures whose own transform can move are
  sampled whole, as before.
* **Skip the skinned meshes while sampling.** A skinned mesh's transform is never baked, but
  evaluating it on each frame dominates what is left (14k vertices, 53 shape keys; meshes under
  SKIP_MESH_MIN_VERTICES are left alone, they cost less than skipping them). During the
  bake those meshes are disabled in the viewport and a temporary driver reads each shape-key
  block, so the depsgraph still evaluates the shape-key animation the exporter samples.

A third, for a take keyed with reduced keys: **the sampled curves are thinned** before they are
written (:func:`thin_sampled`, :mod:`..rig.fbx_keys`): within the take's bounds of what Blender plays,
turning points (closures) exact; the exporter's own ``bake_anim_simplify_factor`` knows no bounds
(relative to each value) and keeps no closures.

Remove Take's ``Before take`` track (the values a character held before its take, under the
animator's own tracks: :data:`.layers.BASE_TRACK`) is no take: where the exporter makes a clip of each
NLA strip or action (``exporter_options`` turning Blender's *NLA Strips* or *All Actions* on), it makes
none of it, and it plays under each clip of the animator's strips, as Blender plays it (the stock bake
muted it: a nod fix over a tilted head was written as a nod from rest).

Everything is restored afterwards, also on errors. If the exporter module changes shape (a
later Blender), :func:`bake_only_animated` does nothing and the stock bake runs.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import bpy

from ...inference.core import interrupts
from ...inference.core.errors import DualTalkError

BONE_PATH = re.compile(r'^pose\.bones\["((?:[^"\\]|\\.)*)"\]')
DATA_BONE_PATH = re.compile(r'^bones\["((?:[^"\\]|\\.)*)"\]')  # on the armature data
PROBE_NAME = "DualTalk FBX shape-key probe"
# Below this, re-deforming a mesh per frame costs less than the probe driver and the depsgraph
# rebuild that hiding it brings (bench fbx: 8-vertex test meshes 2.24 s -> 2.56 s when hidden;
# the 14k-vertex demo meshes 9.9 s -> 4.9 s).
SKIP_MESH_MIN_VERTICES = 1000


def _view_layer() -> bpy.types.ViewLayer:
    """The context's view layer (Blender always has one while a scene is open)."""
    view_layer = bpy.context.view_layer
    if view_layer is None:
        raise RuntimeError("Blender has no active view layer")
    return view_layer


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def _played_actions(ad: Any) -> list[tuple[Any, Any]]:
    """(action, slot) pairs an AnimData evaluates: the active action and every NLA strip."""
    out = []
    if ad.action is not None:
        out.append((ad.action, getattr(ad, "action_slot", None)))
    for track in ad.nla_tracks:
        for strip in track.strips:
            if strip.action is not None:
                out.append((strip.action, getattr(strip, "action_slot", None)))
    return out


def animated_paths(idblock: Any) -> list[str]:
    """Data paths of every curve and driver that can move ``idblock``."""
    from . import compat

    ad = getattr(idblock, "animation_data", None)
    if ad is None:
        return []
    paths = [fc.data_path for action, slot in _played_actions(ad) for fc in compat.iter_fcurves(action, slot)]
    return paths + [fc.data_path for fc in ad.drivers]


# Constraint types whose result is a function of the owner's own pose (and its parent's) and of
# their targets' transforms, read on the same frame: nothing from the clock, a clip, a cache, an
# action or geometry, and nothing kept from one frame to the next. Any other type counts as moving.
PURE_CONSTRAINTS = frozenset(
    {
        "COPY_LOCATION",
        "COPY_ROTATION",
        "COPY_SCALE",
        "COPY_TRANSFORMS",
        "LIMIT_DISTANCE",
        "LIMIT_LOCATION",
        "LIMIT_ROTATION",
        "LIMIT_SCALE",
        "MAINTAIN_VOLUME",
        "TRANSFORM",
        "DAMPED_TRACK",
        "LOCKED_TRACK",
        "TRACK_TO",
        "STRETCH_TO",
        "CHILD_OF",
        "FLOOR",
        "PIVOT",
        "ARMATURE",
        "IK",
    }
)
OWN_TARGETS = {"LIMIT_LOCATION", "LIMIT_ROTATION", "LIMIT_SCALE", "MAINTAIN_VOLUME", "PIVOT", "ARMATURE"}
NEEDS_TARGET = PURE_CONSTRAINTS - OWN_TARGETS  # without one they read as not provably still
CHAIN_CONSTRAINTS = ("IK", "SPLINE_IK")  # they move the bones up their chain, not only their owner

Node = tuple[str, int, str]  # ("O", object, "") world transform; ("L"|"W", armature, bone) local|world


def _active(con: Any) -> bool:
    """Whether a constraint acts (switching it on or off by a curve or driver makes its bone keyed)."""
    return bool(getattr(con, "enabled", not getattr(con, "mute", False))) and con.influence > 0.0


class _Movement:
    """What can move during the take, on the armatures given and everything their constraints read.

    A graph of transforms (an object's world transform; each bone's local transform, the one the
    FBX holds, and its world transform) and what each is computed from. Seeds are what surely
    changes: curves, drivers, and whatever this cannot prove still (a constraint type that reads
    time, a cache or geometry, a target that cannot be found, an unusual parenting). Moving
    spreads from the seeds to everything computed from them.
    """

    def __init__(self, arms: Iterable[Any]) -> None:
        self.inputs: dict[Node, set[Node]] = {}
        self.seeds: set[Node] = set()
        self.done: set[int] = set()
        self.todo: list[Any] = []
        for arm in arms:
            self._add(arm)
        while self.todo:
            obj = self.todo.pop()
            self._object(obj)
            if obj.type == "ARMATURE" and obj.pose is not None:
                self._armature(obj)
        self.moving = self._spread()

    def _add(self, obj: Any) -> int:
        key = int(obj.as_pointer())
        if key not in self.done:
            self.done.add(key)
            self.todo.append(obj)
        return key

    def _dep(self, node: Node, *inputs: Node) -> None:
        self.inputs.setdefault(node, set()).update(inputs)

    def _spread(self) -> set[Node]:
        users: dict[Node, list[Node]] = {}
        for node, inputs in self.inputs.items():
            for i in inputs:
                users.setdefault(i, []).append(node)
        moving, stack = set(self.seeds), list(self.seeds)
        while stack:
            for user in users.get(stack.pop(), ()):
                if user not in moving:
                    moving.add(user)
                    stack.append(user)
        return moving

    def _object(self, obj: Any) -> None:
        node: Node = ("O", int(obj.as_pointer()), "")
        paths = animated_paths(obj)
        if obj.type == "ARMATURE":
            paths = [p for p in paths if not p.startswith("pose.")]  # bones: see _armature
        if paths or getattr(obj, "rigid_body", None) is not None:
            self.seeds.add(node)
        parent = obj.parent
        if parent is not None:
            key = self._add(parent)
            if obj.parent_type in ("OBJECT", "ARMATURE"):
                self._dep(node, ("O", key, ""))
            elif obj.parent_type == "BONE" and obj.parent_bone in getattr(parent.data, "bones", ()):
                self._dep(node, ("W", key, obj.parent_bone))
            else:  # vertex, curve, lattice parents follow geometry
                self.seeds.add(node)
        for con in obj.constraints:
            if _active(con):
                self._constraint(con, [node])

    def _armature(self, arm: Any) -> None:
        key = int(arm.as_pointer())
        for path in animated_paths(arm):
            if m := BONE_PATH.match(path):
                self.seeds.add(("L", key, _unescape(m.group(1))))
        for path in animated_paths(arm.data):
            if m := DATA_BONE_PATH.match(path):
                self.seeds.add(("L", key, _unescape(m.group(1))))
            else:  # the rest position, the pose switch...: the rig as a whole
                self.seeds.add(("O", key, ""))
        ik_simulated = getattr(arm.pose, "ik_solver", "LEGACY") != "LEGACY"
        for pb in arm.pose.bones:
            name, bone = pb.name, pb.bone
            local: Node = ("L", key, name)
            parent: Node = ("W", key, bone.parent.name) if bone.parent else ("O", key, "")
            self._dep(("W", key, name), local, parent)
            # a chain constraint switched on later by a curve moves its whole chain: never skipped
            active = [c for c in pb.constraints if _active(c) or c.type in CHAIN_CONSTRAINTS]
            if bone.parent and (active or not bone.use_inherit_rotation or bone.inherit_scale != "FULL"):
                self._dep(local, parent)  # its pose relative to its parent follows the parent
            for con in active:
                if con.type not in CHAIN_CONSTRAINTS:
                    self._constraint(con, [local], arm)
                    continue
                # an IK without "Use Tail" starts its chain at the owner's parent (counted from there)
                headless = con.type == "IK" and not getattr(con, "use_tail", True) and pb.parent is not None
                chain = [pb.parent] if headless else [pb]
                while chain[-1].parent is not None and (con.chain_count == 0 or len(chain) < con.chain_count):
                    chain.append(chain[-1].parent)
                if headless:
                    chain.insert(0, pb)
                owners: list[Node] = [("L", key, c.name) for c in chain]
                root = chain[-1].bone.parent
                for owner in owners:  # each chain bone is solved from the whole chain's pose
                    self._dep(owner, *owners, ("W", key, root.name) if root else ("O", key, ""))
                if ik_simulated:
                    self.seeds.update(owners)
                self._constraint(con, owners, arm)

    def _constraint(self, con: Any, owners: list[Node], arm: Any = None) -> None:
        if con.type not in PURE_CONSTRAINTS:
            self.seeds.update(owners)
            return
        wanted: list[tuple[Any, str]] = []
        if con.type == "ARMATURE":
            wanted += [(t.target, t.subtarget) for t in con.targets]
        elif hasattr(con, "target"):
            if con.target is not None or con.type in NEEDS_TARGET:
                wanted.append((con.target, getattr(con, "subtarget", "")))
            if con.type == "IK" and con.pole_target is not None:
                wanted.append((con.pole_target, con.pole_subtarget))
        if "CUSTOM" in (con.owner_space, getattr(con, "target_space", "")):
            wanted.append((con.space_object, con.space_subtarget))
        for obj, sub in wanted:
            nodes = self._target(obj, sub, bool(getattr(con, "use_bbone_shape", False)))
            if nodes is None:
                self.seeds.update(owners)
                return
            for owner in owners:
                self._dep(owner, *nodes)

    def _target(self, obj: Any, sub: str, bbone: bool) -> list[Node] | None:
        """The transforms a constraint reads from a target, None when they cannot be told."""
        if obj is None:
            return None
        key = self._add(obj)
        if not sub:
            return [("O", key, "")]
        if obj.type != "ARMATURE":
            return None  # a vertex group: the target's deformed geometry
        bone = obj.data.bones.get(sub)
        if bone is None:
            return None
        nodes: list[Node] = [("W", key, sub)]
        if bbone:  # the B-Bone curve follows its neighbours and handles
            near = [bone.parent, *bone.children, bone.bbone_custom_handle_start, bone.bbone_custom_handle_end]
            nodes += [("W", key, b.name) for b in near if b is not None]
        return nodes

    def bones(self, arm: Any) -> set[str] | None:
        """Bones of ``arm`` whose local transform can change, None when the armature object itself
        moves (the exporter then samples it whole anyway)."""
        key = int(arm.as_pointer())
        if ("O", key, "") in self.moving:
            return None
        return {b.name for b in arm.pose.bones if ("L", key, b.name) in self.moving}

    def read_by(self, arm: Any, names: Iterable[str]) -> set[str]:
        """Bones of ``arm`` whose transforms the bones ``names`` are computed from (transitively)."""
        key = int(arm.as_pointer())
        seen: set[Node] = {("L", key, n) for n in names}
        stack = list(seen)
        while stack:
            for i in self.inputs.get(stack.pop(), ()):
                if i not in seen:
                    seen.add(i)
                    stack.append(i)
        return {name for kind, k, name in seen if k == key and kind in "LW"}


def animated_bones(arm: Any) -> set[str] | None:
    """Names of the bones of ``arm`` that move, or None when all must be sampled.

    A bone moves when it has curves or drivers (any action the armature plays: active action and
    NLA strips), when a constraint on it (or an IK chain through it) reads a transform that moves,
    its parent's included, or reads anything this cannot prove still (:class:`_Movement`), or when
    it does not inherit its moving parent's rotation or scale. A still bone, constrained or not,
    keeps the same evaluated local transform on every frame, which the file already holds.
    """
    return _Movement([arm]).bones(arm)


def _exporter_module() -> Any | None:
    try:
        from io_scene_fbx import export_fbx_bin  # type: ignore[import-not-found]
    except ImportError:
        return None
    fn = getattr(export_fbx_bin, "fbx_animations_do", None)
    if fn is None:
        return None
    params = list(inspect.signature(fn).parameters)
    if params[:7] != ["scene_data", "ref_id", "f_start", "f_end", "start_zero", "objects", "force_keep"]:
        return None
    return export_fbx_bin


@contextlib.contextmanager
def _shape_keys_without_meshes(scene: Any, meshes: list[Any]) -> Iterator[None]:
    """Disable ``meshes`` in the viewport; a driver keeps their shape-key blocks evaluated."""
    keys = [m.data.shape_keys for m in meshes if m.data.shape_keys is not None]
    probe = bpy.data.objects.new(PROBE_NAME, None)
    scene.collection.objects.link(probe)
    hidden = [(m, m.hide_viewport) for m in meshes]
    try:
        probe["keys"] = 0.0
        # one value, so one curve with its driver (the stubs also allow the list a whole array gives)
        driver = cast("bpy.types.FCurve", probe.driver_add('["keys"]')).driver
        if driver is None:
            raise RuntimeError("Blender added a driver curve without a driver")
        driver.type = "SUM"
        for i, key in enumerate(keys):
            var = driver.variables.new()
            var.name = f"k{i}"
            var.type = "SINGLE_PROP"
            var.targets[0].id_type = "KEY"
            var.targets[0].id = key
            var.targets[0].data_path = "eval_time"
        for m, _ in hidden:
            m.hide_viewport = True
        yield
    finally:
        for m, was in hidden:
            m.hide_viewport = was
        bpy.data.objects.remove(probe)


REPORT_EVERY = 250  # frames the exporter samples between two progress lines


class Stopped(BaseException):
    """Raised inside the exporter's bake loop once a cancel is known; the export ends "cancelled"
    (:func:`.fbx_export._interrupts_kept`) and :meth:`_Reported.check` raises the cancel itself.

    A BaseException, so no ``except Exception`` on the exporter's way out can swallow it.
    """


class _Reported:
    """What :func:`frames_reported` saw: a cancel asked while Blender could not be interrupted."""

    def __init__(self) -> None:
        self.cancel: BaseException | None = None

    def stopping(self) -> bool:
        """Whether a cancel is known: one :func:`frames_reported` heard, or a Ctrl-C/SIGTERM the
        run's handlers remembered (raised inside a frame handler, Blender swallowed it)."""
        return self.cancel is not None or interrupts.received() is not None

    def check(self) -> None:
        if self.cancel is not None:
            raise self.cancel
        interrupts.raise_if_interrupted()


@contextlib.contextmanager
def frames_reported(scene: Any, progress: Any) -> Iterator[_Reported]:
    """While active, every :data:`REPORT_EVERY` frames the FBX exporter samples tells ``progress``
    (stage ``fbx``, "sampling frame n/N" of the scene's range).

    The exporter's bake loop calls ``frame_set`` for each frame; a frame-change handler hears it.
    An exception raised in a handler is swallowed by Blender, so a cancel (``update`` raising
    :class:`...inference.core.errors.CancelledError`) is kept; :func:`bake_only_animated`, given
    :meth:`_Reported.stopping`, ends the bake at the next frame, and :meth:`_Reported.check`
    raises the cancel after the exporter returns.
    """
    reported = _Reported()
    if progress is None:
        yield reported
        return
    first, last = int(scene.frame_start), int(scene.frame_end)
    total = max(1, last - first + 1)
    seen = [0]

    def heard(changed: Any, depsgraph: Any = None) -> None:
        try:
            # a Ctrl-C raised in here (anywhere: Blender swallows it) is remembered by the handlers
            if reported.stopping() or changed != scene:
                return
            seen[0] += 1
            if seen[0] % REPORT_EVERY:
                return
            done = min(max(changed.frame_current - first + 1, 0), total)
            progress.update("fbx", 0.99 * done / total, f"sampling frame {done:,}/{total:,}")
        except BaseException as exc:  # noqa: BLE001 - handed back after the exporter returns
            reported.cancel = exc

    bpy.app.handlers.frame_change_post.append(heard)
    try:
        yield reported
    finally:
        bpy.app.handlers.frame_change_post.remove(heard)


class _BakeScene:
    """The scene as the exporter's bake loop sees it: ``frame_set`` raises :class:`Stopped` once
    ``stop()`` says a cancel is known, so the rest of the bake (every remaining frame of a long
    take) is not sampled; ``name``, which the exporter gives the clip (its animation stack and take),
    is ``clip`` where one is given; everything else is the scene's own."""

    def __init__(self, scene: Any, stop: Callable[[], bool] | None, clip: str | None = None) -> None:
        self._scene = scene
        self._stop = stop
        self._clip = clip

    def __getattr__(self, name: str) -> Any:
        if name == "name" and self._clip:
            return self._clip
        return getattr(self._scene, name)

    def frame_set(self, frame: int, subframe: float = 0.0) -> None:
        if self._stop is not None and self._stop():
            raise Stopped()
        self._scene.frame_set(frame, subframe=subframe)


@contextlib.contextmanager
def bake_only_animated(
    scene: Any,
    armatures: Iterable[Any],
    *,
    skip_meshes: bool = True,
    only_animated: bool = True,
    stop: Callable[[], bool] | None = None,
    clip: str | None = None,
    thin_keys: bool = False,
) -> Iterator[bool]:
    """While active, the FBX exporter samples only moving bones (and skips skinned meshes), ends
    its bake at the next frame once ``stop()`` is true (raising :class:`Stopped`; the scene's
    frame and the exporter's temporary meshes are put back first), names the clip of the scene
    bake ``clip`` (else the exporter's choice, the scene's name: "Scene" in every file), and, with
    ``thin_keys``, writes the scene bake's curves with reduced keys (:func:`thin_sampled`).

    Yields whether the exporter could be adapted (False: the stock bake runs).
    """
    module = _exporter_module()
    if module is None or not (skip_meshes or only_animated or stop or clip or thin_keys):
        yield False
        return
    bones = {arm.name: animated_bones(arm) for arm in armatures} if only_animated else {}
    stock = module.fbx_animations_do

    def bake(scene_data, ref_id, f_start, f_end, start_zero, objects=None, force_keep=False):
        if stop is None and not (clip and ref_id is None):  # ref_id None: the scene bake
            return stock(scene_data, ref_id, f_start, f_end, start_zero, objects, force_keep)
        real = scene_data.scene
        back = real.frame_current
        stoppable = scene_data._replace(scene=_BakeScene(real, stop, clip if ref_id is None else None))
        try:
            return stock(stoppable, ref_id, f_start, f_end, start_zero, objects, force_keep)
        except BaseException:  # Stopped or Ctrl-C: the exporter's own clean-up is never reached
            real.frame_set(back)
            with contextlib.suppress(Exception):
                module.fbx_scene_data_cleanup(scene_data)  # its temporary meshes
            raise

    def sample(scene_data, ref_id, f_start, f_end, start_zero, objects=None, force_keep=False):
        base = _before_take_strips(scene_data)
        if _is_before_take(ref_id, base):
            return None  # not a take of its own: no clip (it plays under the others, below)
        with _before_take_playing(base):
            return _sample(scene_data, ref_id, f_start, f_end, start_zero, objects, force_keep)

    def _sample(scene_data, ref_id, f_start, f_end, start_zero, objects=None, force_keep=False):
        if objects is None and ref_id is None and only_animated:
            objects = set()
            for ob_obj in scene_data.objects:
                if ob_obj.is_bone:
                    wanted = bones.get(ob_obj.armature.bdata.name)
                    if wanted is None or ob_obj.bdata.name in wanted:
                        objects.add(ob_obj)
                elif ob_obj.type != "ARMATURE" or bones.get(ob_obj.bdata.name) is None:
                    objects.add(ob_obj)  # an armature added here brings all its bones
        skinned = [
            o.bdata
            for o in scene_data.objects
            if o.is_object
            and o.type == "MESH"
            and o.parented_to_armature
            and o.bdata.name in scene.objects
            and len(o.bdata.data.vertices) >= SKIP_MESH_MIN_VERTICES
        ]
        if not skip_meshes or not skinned:
            result = bake(scene_data, ref_id, f_start, f_end, start_zero, objects, force_keep)
        else:
            with _shape_keys_without_meshes(scene, skinned):
                result = bake(scene_data, ref_id, f_start, f_end, start_zero, objects, force_keep)
        if thin_keys and ref_id is None and result is not None:
            thin_sampled(scene_data, result[1])
        return result

    module.fbx_animations_do = sample
    try:
        yield True
    finally:
        module.fbx_animations_do = stock


def _before_take_strips(scene_data: Any) -> list[Any]:
    """The strips of Remove Take's ``Before take`` tracks (:data:`.layers.BASE_TRACK`) on the objects the
    exporter writes: the values a character held before its take, under the animator's own tracks; and
    of ``DualTalk rest beneath`` (:mod:`.rest_beneath`), the rest under them: no clips of their own."""
    from . import layers, rest_beneath

    out = []
    for ob_obj in scene_data.objects:
        ad = getattr(ob_obj.bdata, "animation_data", None) if ob_obj.is_object else None
        if ad is not None:
            out += [t.strips[0] for t in ad.nla_tracks if layers.is_base(t) or rest_beneath.is_beneath(t)]
    return out


def _is_before_take(ref_id: Any, base: list[Any]) -> bool:
    """Whether the exporter is about to bake ``Before take`` as a clip of its own: its strip (NLA
    strips as clips) or its action (all actions as clips, ``ref_id`` (object, action))."""
    if isinstance(ref_id, bpy.types.NlaStrip):
        return any(ref_id == strip for strip in base)
    if isinstance(ref_id, tuple) and len(ref_id) == 2:
        return any(ref_id[1] == strip.action for strip in base)
    return False


@contextlib.contextmanager
def _before_take_playing(base: list[Any]) -> Iterator[None]:
    """``Before take`` plays while a clip of the animator's strips is baked: the exporter mutes every
    strip but the one it bakes (NLA strips as clips), and a ``Fixes`` track blending over the values
    before the take (a nod in Combine over the tilt the head held) was written as a nod from rest."""
    muted = [strip for strip in base if strip.mute]
    for strip in muted:
        strip.mute = False
    try:
        yield
    finally:
        for strip in muted:
            strip.mute = True


TRANSFORM_KINDS = {"Lcl Translation": "translation", "Lcl Rotation": "rotation", "Lcl Scaling": "scale"}


def thin_sampled(scene_data: Any, animations: dict[Any, Any]) -> int:
    """Thin the scene bake's sampled curves in place to the keys :func:`..rig.fbx_keys.thin` keeps
    (a take keyed with reduced keys: within its bounds, turning points exact). Returns the curves
    thinned; none when the exporter's own simplify is on (its choice stands) or it sampled other
    than one key per frame.

    ``animations``: the exporter's ``{element: (_, {group: (_, {item: (key, default, (times, values),
    flag)}, _)})}``; a shape key's curve is written twice (on its channel and on its mesh), one pair
    of arrays, thinned once.
    """
    from ..rig.fbx_keys import thin

    settings = scene_data.settings
    if settings.bake_anim_simplify_factor != 0.0 or settings.bake_anim_step != 1.0:
        return 0
    objects = {ob.key for ob in scene_data.objects}
    found: dict[int, tuple[str, Any]] = {}  # id of the sampled pair -> (kind, pair)
    for elem_key, (_, groups) in animations.items():
        for fbx_group, (_, group, _) in groups.items():
            kind = TRANSFORM_KINDS.get(fbx_group) if elem_key in objects else "shape"
            if kind is None:
                continue
            for _, _, pair, _ in group.values():
                found.setdefault(id(pair), (kind, pair))
    by_length: dict[int, list[tuple[str, Any]]] = {}
    for kind, pair in found.values():
        by_length.setdefault(len(pair[0]), []).append((kind, pair))
    thinned: dict[int, tuple[Any, Any]] = {}
    for same in by_length.values():
        kept = thin([(kind, pair[1]) for kind, pair in same])
        for (_, pair), (frames, values) in zip(same, kept, strict=True):
            thinned[id(pair)] = (pair[0][frames], values.astype(pair[1].dtype, copy=False))
    for _, (_, groups) in animations.items():
        for _, (_, group, _) in groups.items():
            for item, (curve_key, default, pair, flag) in list(group.items()):
                if id(pair) in thinned:
                    group[item] = (curve_key, default, thinned[id(pair)], flag)
    return len(thinned)


def _keep_bones(arm: Any) -> set[str]:
    """Moving bones, the bones their constraints read, and every parent up to the root (all bones
    if the rig must be sampled whole)."""
    movement = _Movement([arm])
    moving = movement.bones(arm)
    if moving is None:
        return {b.name for b in arm.data.bones}
    keep: set[str] = set()
    for name in movement.read_by(arm, moving) | moving:
        bone = arm.data.bones.get(name)
        while bone is not None and bone.name not in keep:
            keep.add(bone.name)
            bone = bone.parent
    if not keep and len(arm.data.bones):  # nothing moves: one root keeps the skin's frame
        keep.add(next(b.name for b in arm.data.bones if b.parent is None))
    return keep


def _cut_bones(scene: Any, arm: Any, keep: set[str]) -> None:
    view_layer = _view_layer()
    previous = view_layer.objects.active
    view_layer.objects.active = arm
    with bpy.context.temp_override(scene=scene, active_object=arm, object=arm):
        bpy.ops.object.mode_set(mode="EDIT")
        try:
            edit = arm.data.edit_bones
            for bone in [b for b in edit if b.name not in keep]:
                edit.remove(bone)
        finally:
            bpy.ops.object.mode_set(mode="OBJECT")
    view_layer.objects.active = previous


def _plain_local(idb: Any) -> bool:
    """Whether ``idb`` is the animator's own: neither linked from a library nor a library override.

    Only these are renamed or hidden during a face-only export; a linked ID cannot be written to,
    and a change to an override's properties may be recorded as one of its overrides.
    """
    return idb.library is None and idb.override_library is None


def _local_copy(idb: Any) -> Any:
    """A plain local copy of ``idb``: the copy of a library override is an override too (which
    cannot enter Edit Mode), so its override is cleared; the copy of a linked ID is local already."""
    copy = idb.copy()
    if copy.override_library is not None:
        copy.make_local(clear_liboverride=True)
    return copy


def _naming_module() -> Any | None:
    """The exporter module whose ``get_bid_name`` names every object in the file, when replacing
    that function is seen to rename what the exporter writes (None if its shape changed)."""
    try:
        from io_scene_fbx import fbx_utils
    except ImportError:
        return None
    stock = getattr(fbx_utils, "get_bid_name", None)
    if stock is None or not callable(getattr(fbx_utils, "get_blenderID_name", None)):
        return None
    fbx_utils.get_bid_name = lambda bid: "DualTalk probe"
    try:
        honoured = fbx_utils.get_blenderID_name(bpy.context.scene) == "DualTalk probe"
    except Exception:  # noqa: BLE001 - a changed exporter: the stand-ins cannot be named
        honoured = False
    finally:
        fbx_utils.get_bid_name = stock
    return fbx_utils if honoured else None


def _describe(obj: Any) -> str:
    if obj.library is not None:
        return f"linked from {obj.library.name}"
    return "a library override"


def _stood_in(chosen: list[Any]) -> list[Any]:
    """The objects a face-only export writes as stand-ins: the armatures, then the meshes with
    shape keys."""
    arms = [o for o in chosen if o.type == "ARMATURE"]
    return arms + [o for o in chosen if o.type == "MESH" and o.data.shape_keys is not None]


def check_face_only(chosen: list[Any]) -> None:
    """Refuse, before anything is made, a face-only export this Blender cannot write: a linked or
    overridden character's stand-in is named as its original through the exporter's naming."""
    shared = [o for o in _stood_in(chosen) if not _plain_local(o)]
    if shared and _naming_module() is None:
        obj = shared[0]
        raise DualTalkError(
            f"cannot export only the face of {obj.name!r} ({_describe(obj)}): this Blender's FBX "
            "exporter cannot write its stand-in under its name; export with Scope: Full (--fbx-scope full)"
        )


@contextlib.contextmanager
def _exported_as(originals: dict[int, Any]) -> Iterator[None]:
    """While active, the exporter writes each stand-in (keyed by pointer) under the name it gives
    the stand-in's original: a linked or overridden original cannot be renamed aside, so its
    stand-in has another name in Blender, and the file still gets the one a Full export writes
    (a linked object's carries its library's name, ``Hero_L_lib.blend``)."""
    module = _naming_module() if originals else None
    if module is None:
        yield
        return
    stock = module.get_bid_name

    def named(bid: Any) -> str:
        if isinstance(bid, bpy.types.ID):  # an evaluated copy answers for its original
            bid = originals.get(getattr(bid, "original", bid).as_pointer(), bid)
        return cast("str", stock(bid))

    module.get_bid_name = named
    try:
        yield
    finally:
        module.get_bid_name = stock


@contextlib.contextmanager
def face_only(scene: Any, chosen: list[Any]) -> Iterator[list[Any]]:
    """Temporary stand-ins for a face-only export, under the original names.

    Each armature is copied and cut down to its moving bones and their parents; each mesh with
    shape keys is copied (sharing its mesh and shape-key animation) and re-pointed at the cut
    armature; a follower's copy shares its drivers too, so the exporter bakes the values they read
    from the face on each frame. The originals are renamed aside meanwhile so the file carries the
    usual names; the copies are deleted and the names restored afterwards.

    A linked or overridden original (File > Link, Library Override) is never written to: its
    stand-in is a plain local copy, and the exporter is told to write it under the name it gives
    the original (:func:`_exported_as`), so the file names match a Full export's.
    """
    check_face_only(chosen)
    originals = _stood_in(chosen)
    arms = [o for o in originals if o.type == "ARMATURE"]
    meshes = [o for o in originals if o.type == "MESH"]
    created: list[Any] = []
    created_data: list[Any] = []
    renamed: list[tuple[Any, str]] = []
    exported_as: dict[int, Any] = {}
    hidden = [(o, o.hide_viewport) for o in (*arms, *meshes) if _plain_local(o)]
    try:
        copies: dict[int, Any] = {}
        for arm in arms:
            keep = _keep_bones(arm)
            copy = _local_copy(arm)
            created.append(copy)
            copy.data = _local_copy(arm.data)
            created_data.append(copy.data)
            scene.collection.objects.link(copy)
            _cut_bones(scene, copy, keep)
            copies[arm.as_pointer()] = copy
        stand_ins = list(copies.values())
        for mesh in meshes:
            copy = _local_copy(mesh)
            created.append(copy)
            scene.collection.objects.link(copy)
            if mesh.parent is not None and mesh.parent.as_pointer() in copies:
                copy.parent = copies[mesh.parent.as_pointer()]
                copy.matrix_parent_inverse = mesh.matrix_parent_inverse.copy()
            for mod in copy.modifiers:
                if mod.type == "ARMATURE" and mod.object is not None and mod.object.as_pointer() in copies:
                    mod.object = copies[mod.object.as_pointer()]
            stand_ins.append(copy)
        for orig, copy in zip(originals, stand_ins, strict=True):
            if not _plain_local(orig):
                exported_as[copy.as_pointer()] = orig
                continue
            name = orig.name
            orig.name = f"{name[:40]} (DualTalk export)"
            renamed.append((orig, name))
            copy.name = name
        for arm, copy in zip(arms, stand_ins, strict=False):
            if not _plain_local(arm.data):  # not in the file (bones and skins take the object's name)
                continue
            data_name = arm.data.name
            arm.data.name = f"{data_name[:40]} (DualTalk export)"
            renamed.append((arm.data, data_name))
            copy.data.name = data_name
        for obj, _ in hidden:  # the originals need not deform on every sampled frame
            obj.hide_viewport = True
        _view_layer().update()  # the view layer's name lookup must see the swap
        with _exported_as(exported_as):
            yield stand_ins
    finally:
        for obj, was in hidden:
            obj.hide_viewport = was
        for obj in created:
            bpy.data.objects.remove(obj)
        for data in created_data:
            bpy.data.armatures.remove(data)
        for block, name in reversed(renamed):
            block.name = name
