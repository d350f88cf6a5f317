"""FBX export of the animated characters with their shape-key and head animation.

Settings that matter (and why):

* ``use_mesh_modifiers=False`` - applying modifiers makes Blender drop shape keys;
* ``bake_anim_simplify_factor=0`` - none of the exporter's own key thinning (relative to each
  value, it knows no bounds and keeps no closures): every frame is sampled;
* only the active actions are baked (not every action in the file, not NLA strips), over
  the scene frame range, with start/end forced so short takes keep their ends;
* the characters' armatures are included with each mesh; leaf bones are not added;
* while exporting, Armature modifiers are switched off in the viewport and shape keys are
  muted: the exporter writes skinning from the modifier's settings, shape-key geometry from
  the key blocks and key values from their (still animated) ``value`` either way, but then
  the scene does not re-deform ~14k-vertex meshes on every baked frame (3.5x faster on the
  demo characters, same file content). Both are restored afterwards.

* only what moves is sampled (:mod:`.fbx_bake`): bones with curves or drivers or constraints
  reading something that moves, shape keys
  evaluated without re-deforming the skinned meshes; 6x faster on the demo characters, and the
  file re-reads equal to the stock bake's (``bench fbx`` measures each idea side by side);
* a take keyed with reduced keys (``--keys reduced``, the panel's Keys: Reduced) is written with
  reduced keys too (:func:`take_keys`, :mod:`..rig.fbx_keys`): each curve within the take's bounds
  (0.01 on weights, 0.1 deg on rotations) of what Blender plays, its turning points (closures) exact;
  an every-frame take keeps one key per frame, as before;
* ``scope="face"`` writes only the face meshes, the meshes that follow them (lashes, teeth: their
  driven keys baked per frame, as drivers do not survive FBX) and a skeleton cut down to the
  moving bones and their parents (for engines that take facial animation alone).

The file holds one clip (animation stack), the scene range, named after the take the characters
carry (:func:`clip_name`; Blender's exporter named it after the scene, "Scene" in every file) or the
name the caller gives (``clip``: a batch's shot name); a
scene range that is not the take's, or a character without a take, is said by :func:`clip_warnings`.

The file is written to a temp sibling and renamed (:func:`atomic_path`).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import bpy

from ...inference.core import interrupts
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import STEM_CUT, atomic_path
from ...inference.core.typed_paths import for_blender
from . import fbx_bake, held_pose, layers
from .characters import character_meshes, find_mesh_and_armature
from .companions import TAG
from .paths import blend_path

SCOPES = ("full", "face")
# the exporter's own temporary beside the user's file is ".pair.writing.XXXXXXXX.part.fbx": a form no
# staged name takes (".pair.XXXXXXXX.part.fbx", the panel's export and ``animate``), so the sweep of
# what dead exports staged never meets a live export's temporary, locked or not (review rv39b 1)
WRITING = "writing"
_STAGED = re.compile(r"\..+\.[a-z0-9_]{8}\.part\.fbx")  # a staged copy's name (tempfile's 8 characters)
KEYS_MODES = ("every-frame", "reduced")
SPEEDUPS = ("mute_deform", "only_animated", "skip_meshes")  # each can be turned off for ``bench fbx``


def export_objects(objects: Iterable[Any], *, whole_rigs: bool = True) -> list[Any]:
    """Meshes plus their armatures (and, ``whole_rigs``, the armatures' other visible meshes:
    body, teeth, eyes; else only the visible meshes that follow the face), deduplicated.

    A character is usually several meshes on one rig; exporting only the face left the body
    out of the file, and a face-only file without the lashes had lids closing through open
    lashes. Hidden helper meshes (proxies, cages) stay out.
    """
    if isinstance(objects, str | bpy.types.Object):  # one character, not a list: its name refused below
        objects = [objects]
    out: list[Any] = []
    for obj in objects:
        mesh, arm = find_mesh_and_armature(obj)
        for o in (arm, mesh):
            if o is not None and o not in out:
                out.append(o)
        parts = character_meshes(mesh, arm) if whole_rigs else followers(arm, mesh)
        out += [o for o in parts if o not in out and o.visible_get()]
    if not out:
        raise DualTalkError("nothing to export: no characters given")
    return out


def followers(arm: Any | None, face: Any) -> list[Any]:
    """The meshes on ``arm`` (or, without a rig, the face's children) whose shape keys follow
    ``face``'s (:func:`.companions.follow_face`).

    Found by the drivers' tag, so a mesh that merely shares key names (a second face, a body with
    correctives) is not taken for a part of this face.
    """
    face_key = face.data.shape_keys
    if face_key is None:
        return []
    return [o for o in character_meshes(face, arm) if o != face and _follows(o.data.shape_keys, face_key)]


def _follows(key: Any, face_key: Any) -> bool:
    """Whether one of ``key``'s drivers is a follower driver reading ``face_key``."""
    ad = key.animation_data if key is not None and key != face_key else None
    if ad is None:
        return False
    for fcurve in ad.drivers:
        variables = fcurve.driver.variables if fcurve.driver is not None else []
        if any(v.name == TAG and v.targets[0].id == face_key for v in variables):
            return True
    return False


@contextlib.contextmanager
def _interrupts_kept() -> Iterator[None]:
    """Hand a Ctrl-C/SIGTERM raised inside the exporter back after Blender's operator returns.

    Raised through the operator, Blender logged its own ``bpy.rna | ERROR Python script error in
    EXPORT_SCENE_OT_fbx.execute`` before our ``error: interrupted``: two lines, the first reading like
    a crash. Caught in the exporter's own ``save`` instead, the operator ends "cancelled" and says
    nothing; the interruption is raised again here, so the temp file is removed as before.
    """
    try:
        from io_scene_fbx import export_fbx_bin  # type: ignore[import-not-found]
    except ImportError:
        yield
        return
    stock = export_fbx_bin.save
    kept: list[KeyboardInterrupt] = []

    def save(*args: Any, **kwargs: Any) -> set[str]:
        try:
            return stock(*args, **kwargs)
        except KeyboardInterrupt as exc:  # Terminated (SIGTERM) too
            kept.append(exc)
            return {"CANCELLED"}
        except fbx_bake.Stopped:  # a cancel already known: raised by the caller's check
            return {"CANCELLED"}

    export_fbx_bin.save = save
    try:
        yield
    finally:
        export_fbx_bin.save = stock
    if kept:
        raise kept[0]


@contextlib.contextmanager
def _exporter_failure(path: Path, errors: io.StringIO):
    """Blender wraps the exporter's exceptions (a full disk, a read-only folder) in a RuntimeError
    holding a whole traceback: turn it into one line naming the file and the OS's reason."""
    try:
        yield
    except RuntimeError as exc:
        text = f"{errors.getvalue()}\n{exc}"
        interrupts.raise_if_interrupted()  # Ctrl-C/SIGTERM inside the exporter is an interruption
        if "KeyboardInterrupt" in text:
            raise KeyboardInterrupt() from None
        oserrors = [
            ln.strip() for ln in text.splitlines() if ln.strip().startswith(("OSError:", "PermissionError:"))
        ]
        reason = oserrors[-1].split(":", 1)[1].strip() if oserrors else "Blender's FBX exporter failed"
        reason = reason.split("] ", 1)[-1]  # "[Errno 28] No space left on device" -> the words
        raise DualTalkError(f"could not write {path}: {reason}") from None


def temporary_prefix(path: Path) -> str | None:
    """How the exporter's temporary beside ``path`` starts (:data:`WRITING`); beside a staged copy,
    as before (None): ``..pair.XXXXXXXX.part.XXXXXXXX.part.fbx``, the form the sweeps of a killed
    run's leftovers read back (:mod:`...inference.core.stale_parts`, :mod:`..addon.fbx_leftovers`)."""
    if _STAGED.fullmatch(path.name):
        return None
    return f".{path.stem[:STEM_CUT]}.{WRITING}."


def export_fbx(
    objects: Iterable[Any],
    path: str | os.PathLike[str],
    *,
    scene: Any = None,
    scope: str = "full",
    speedups: Iterable[str] = SPEEDUPS,
    exporter_options: dict[str, Any] | None = None,
    progress: Any = None,
    keys: str | None = None,
    clip: str | None = None,
) -> Path:
    """Export ``objects`` (characters: meshes or armatures) with animation to ``path``.

    ``progress`` (:mod:`...inference.core.progress`) hears stage ``fbx`` while the exporter samples
    the frames ("sampling frame n/N", :func:`.fbx_bake.frames_reported`); a cancel asked meanwhile,
    or a Ctrl-C/SIGTERM, ends the bake at the next frame (:func:`.fbx_bake.bake_only_animated`),
    and no file is left.

    ``exporter_options`` override Blender's exporter settings (e.g. ``bake_anim_simplify_factor``
    for a lighter, lossy file); ``bench fbx`` uses them to measure each option side by side.

    ``keys``: ``every-frame`` (one key per frame) or ``reduced`` (fewer keys within the take's bounds,
    turning points exact); None follows the characters' take (:func:`take_keys`).

    ``clip``: the name of the file's clip, which a game engine names its imported animation after;
    None: the take the characters carry (:func:`clip_name`). A batch of shots keyed from one layout
    file re-keys the layout's take in each: named after the take, forty FBX files held forty clips
    of one name (review rv35b F6); a batch can name each file's clip after its shot.

    ``path`` may be ``//``-relative, as everywhere in Blender: the file goes beside the saved .blend
    (a .blend never saved refuses it, in Export FBX's words: :func:`.paths.blend_path`).
    """
    path = Path(blend_path("FBX path", path, "is next to"))
    if path.suffix.lower() != ".fbx":
        raise DualTalkError(f"FBX output must end in .fbx, got {path.name}")
    if scope not in SCOPES:
        raise DualTalkError(f"FBX scope must be full or face, got {scope!r}")
    speedups = set(speedups)
    if speedups - set(SPEEDUPS):
        raise DualTalkError(f"unknown FBX speed-ups {sorted(speedups - set(SPEEDUPS))}")
    if exporter_options and {"filepath", "use_selection"} & set(exporter_options):
        raise DualTalkError("exporter_options may not change the file path or the selection")
    if keys is not None and keys not in KEYS_MODES:
        raise DualTalkError(f"FBX keys must be every-frame or reduced, got {keys!r}")
    scene = scene or bpy.context.scene
    objects = list(objects) if not isinstance(objects, str | bpy.types.Object) else [objects]
    chosen = export_objects(objects, whole_rigs=scope == "full")
    overrides = dict(exporter_options or {})
    if clip is not None and (not isinstance(clip, str) or not clip.strip()):
        raise DualTalkError(f"FBX clip name must be a non-empty text, got {clip!r}")
    clip = clip_name(objects) if clip is None else clip
    thin = (keys or take_keys(objects)) == "reduced"
    # the pose a take holds outside its frames, as its layers are now (a script may have muted one)
    for obj in objects:
        with contextlib.suppress(DualTalkError):
            held_pose.refresh(layers.character_idblocks(obj))
    try:
        with _object_mode(), _selection_kept():
            if scope == "face":
                with fbx_bake.face_only(scene, chosen) as face:
                    return _export(face, path, scene, speedups, overrides, progress, clip, thin)
            return _export(chosen, path, scene, speedups, overrides, progress, clip, thin)
    except OSError as exc:  # the temporary file beside it could not be made (a name too long...)
        raise DualTalkError(f"could not write {path}: {exc.strerror or exc}") from None


def _take_span(obj: Any) -> tuple[int, int] | None:
    """The frames the DualTalk take on character ``obj`` covers (its layers' strips, or an older
    build's single action), None without one."""
    spans: list[tuple[float, float]] = []
    for idblock in layers.character_idblocks(obj):
        for layer, strip in layers.our_strips(idblock).items():
            if layer != layers.REST and strip.action is not None:
                spans.append((strip.frame_start, strip.frame_end))
        old = layers.legacy_take(idblock)
        if old is not None:
            a, b = old.frame_range
            spans.append((a, b))
    if not spans:
        return None
    return int(min(a for a, _ in spans)), int(max(b for _, b in spans) + 0.5)


def take_keys(objects: Iterable[Any]) -> str:
    """``reduced`` when every character given carries a take keyed with reduced keys (as its take
    records: :func:`.range_plan.take_keyed`), else ``every-frame``: a character keyed every frame, one
    without a take, or a take an older build keyed without the record keeps one key per frame."""
    from .range_plan import take_keyed

    modes = set()
    for obj in objects:
        keyed = take_keyed([obj])
        modes.add(keyed["keys"] if keyed is not None else "every-frame")
    return "reduced" if modes == {"reduced"} else "every-frame"


def clip_name(objects: Iterable[Any]) -> str | None:
    """The name of the take the characters carry (joined with "+" when they differ), for the file's
    clip: an engine names the imported clip after it (Unity's clip, Unreal's AnimSequence), and
    Blender's exporter wrote the scene's name, "Scene" in every file. None without a take."""
    names = []
    for obj in objects:
        meta = layers.take_meta(obj) if _take_span(obj) is not None else None
        take = (meta or {}).get("take")
        if isinstance(take, str) and take and take not in names:
            names.append(take)
    return "+".join(names) or None


def clip_warnings(objects: Iterable[Any], scene: Any) -> list[str]:
    """What the file's clip holds that a game engine will play but the animator did not mean: a
    character without a DualTalk take (never keyed, or its take removed: its face is written still),
    and a scene range that is not the take's (the exporter bakes the scene range: a 2 s take in
    Blender's default 1-250 became a 10 s clip, 8 s of it frozen). Empty when the clip is the take."""
    objects = list(objects)
    out, spans, still = [], [], []
    for obj in dict.fromkeys(objects):
        span = _take_span(obj)
        if span is None:
            still.append(repr(find_mesh_and_armature(obj)[0].name))
        else:
            spans.append(span)
    if still:
        one = len(still) == 1
        out.append(
            f"FBX: {' and '.join(still)} {'carries' if one else 'carry'} no DualTalk take: the file holds "
            f"{'its face' if one else 'their faces'} still"
        )
    out += _mixed_keys(objects)
    from .moved_take import out_of_time  # the bake plays a scaled take as the scene does (review rv43a F4)

    timing = out_of_time(objects)
    out += [f"FBX: {timing}"] if timing else []
    if not spans:
        return out
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    start, end = int(scene.frame_start), int(scene.frame_end)
    if (start, end) == (first, last):
        return out
    fps = scene.render.fps / scene.render.fps_base
    clip, take = f"{(end - start + 1) / fps:.1f} s", f"{(last - first + 1) / fps:.1f} s"
    if start <= first and last <= end and _theirs_outside(objects):
        said = (  # the take covers only its frames over the animator's own tracks (layers.keyed_under_layers)
            f"FBX: the clip is the scene range {start}-{end} ({clip}) but the take covers frames "
            f"{first}-{last} ({take}): for the rest the faces hold still but for your own animation under "
            "the take, which plays there as keyed (a range cut to the take cuts it too)"
        )
    elif start <= first and last <= end:
        said = (
            f"FBX: the clip is the scene range {start}-{end} ({clip}) but the take covers frames "
            f"{first}-{last} ({take}): the faces hold still for the rest"
        )
    else:
        said = (
            f"FBX: the clip is the scene range {start}-{end}, which cuts the take (frames {first}-{last}): "
            "frames outside the range are not in the file"
        )
    return [*out, f"{said}; set the scene's Start and End to {first}-{last} for a clip of the take alone"]


def _theirs_outside(objects: Iterable[Any]) -> bool:
    """Whether a layer of a character's take covers only the take's frames, the animator's own
    animation playing outside them (:func:`.layers.keyed_under_layers`): the clip's frames outside the take
    are then not still (review rv41a F4)."""
    return any(
        layer != layers.REST and strip.extrapolation == "NOTHING"
        for obj in dict.fromkeys(objects)
        for idblock in layers.character_idblocks(obj)
        for layer, strip in layers.our_strips(idblock).items()
    )


def _mixed_keys(objects: Iterable[Any]) -> list[str]:
    """A file of characters whose takes were keyed with reduced keys and of others keyed every frame
    is written every frame (:func:`take_keys`): said, with the way to keep the reduced ones light."""
    modes = {obj: take_keys([obj]) for obj in dict.fromkeys(objects) if _take_span(obj) is not None}
    reduced = [repr(find_mesh_and_armature(o)[0].name) for o, m in modes.items() if m == "reduced"]
    if not reduced or len(reduced) == len(modes):
        return []
    every = [repr(find_mesh_and_armature(o)[0].name) for o, m in modes.items() if m != "reduced"]
    return [
        f"FBX: {' and '.join(reduced)} {'is' if len(reduced) == 1 else 'are'} keyed with reduced keys but "
        f"{' and '.join(every)} every frame, so the file holds every frame; one file per character "
        "(--fbx-per-character, the panel's One File per Character) keeps the reduced takes reduced"
    ]


def left_out_modifiers(objects: Iterable[Any], *, scope: str = "full") -> list[str]:
    """One warning per exported mesh whose shape the FBX will not match: its modifiers (all but
    Armature, which becomes skinning) are left out so that shape keys survive, so a face built
    as half a face with a Mirror modifier arrives as half a face, and nothing said so."""
    out = []
    for obj in export_objects(objects, whole_rigs=scope == "full"):
        if obj.type != "MESH":
            continue
        names = [m.name for m in obj.modifiers if m.type != "ARMATURE" and (m.show_viewport or m.show_render)]
        if names:
            listed = ", ".join(repr(n) for n in names)
            out.append(
                f"FBX: {obj.name!r} is written without its modifier{'s' if len(names) > 1 else ''} {listed} "
                "(shape keys export only from the unmodified mesh); apply them before keying if the file "
                "must look as Blender shows it"
            )
    return out


@contextlib.contextmanager
def _object_mode() -> Iterator[None]:
    """Export from Object Mode and return the animator to the mode they were in.

    The exporter leaves Edit (or Pose, Sculpt...) Mode to read the meshes and did not go back:
    an animator exporting mid-edit found themselves in Object Mode. Leaving it first also writes
    the edit into the mesh, so the file holds what the animator sees.
    """
    view_layer = bpy.context.view_layer
    active = view_layer.objects.active if view_layer is not None else None
    if view_layer is None or active is None or active.mode == "OBJECT":
        yield
        return
    mode = active.mode
    editing = [o for o in view_layer.objects if o.mode == mode]
    bpy.ops.object.mode_set(mode="OBJECT")
    try:
        yield
    finally:
        selected = [o for o in view_layer.objects if o.select_get()]
        try:
            for o in selected:
                o.select_set(False)
            for o in editing:
                o.select_set(True)
            view_layer.objects.active = active
            bpy.ops.object.mode_set(mode=mode)
        except (RuntimeError, ReferenceError):  # the object went away or cannot take the mode now
            pass
        finally:
            for o in editing:
                o.select_set(False)
            for o in selected:
                o.select_set(True)


@contextlib.contextmanager
def _selection_kept() -> Iterator[None]:
    """The animator's selection and active object, put back after the export.

    Taken before a face-scope export swaps in its stand-ins: it hides the originals meanwhile, and
    a hidden object reads as unselected, so the selection read in :func:`_export` missed them.
    """
    view_layer = bpy.context.view_layer
    if view_layer is None:
        yield
        return
    selected = {o.as_pointer() for o in view_layer.objects if o.select_get()}
    active = view_layer.objects.active
    try:
        yield
    finally:
        for o in view_layer.objects:
            o.select_set(o.as_pointer() in selected)
        with contextlib.suppress(ReferenceError):  # the active object went away meanwhile
            view_layer.objects.active = active


def _export(
    chosen: list[Any],
    path: Path,
    scene: Any,
    speedups: set[str],
    overrides: dict[str, Any],
    progress: Any = None,
    clip: str | None = None,
    thin: bool = False,
) -> Path:
    view_layer = bpy.context.view_layer
    if view_layer is None:
        raise RuntimeError("Blender has no active view layer")
    view_layer.update()  # an exclusion or a collection just hidden shows only after an update
    _check_in_layer(chosen, view_layer)
    previous = [o for o in view_layer.objects if o.select_get()]
    active = view_layer.objects.active
    deformers = [
        m for o in chosen if o.type == "MESH" for m in o.modifiers if m.type == "ARMATURE" and m.show_viewport
    ]
    if "mute_deform" not in speedups:
        deformers = []
    muted = [
        (kb, kb.mute)
        for o in chosen
        if o.type == "MESH" and o.data.shape_keys is not None and "mute_deform" in speedups
        for kb in o.data.shape_keys.key_blocks
    ]
    armatures = [o for o in chosen if o.type == "ARMATURE"]
    shown = [(o, o.hide_get(), o.hide_viewport, o.hide_select) for o in chosen]
    try:
        for mod in deformers:
            mod.show_viewport = False
        for kb, _ in muted:
            kb.mute = True
        for o in previous:
            o.select_set(False)
        _show(chosen, view_layer)
        for o in chosen:
            o.select_set(True)
        view_layer.objects.active = chosen[0]
        with atomic_path(path, suffix=".fbx", prefix=temporary_prefix(path)) as tmp:
            # The exporter prints its own chatter on stdout; keep stdout for our results.
            # A failing exporter prints a traceback on stderr; keep it for our one-line reason.
            errors = io.StringIO()
            with (
                bpy.context.temp_override(scene=scene),
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(errors),
                _exporter_failure(path, errors),
                _interrupts_kept(),
                fbx_bake.frames_reported(scene, progress) as reported,
                fbx_bake.bake_only_animated(
                    scene,
                    armatures,
                    skip_meshes="skip_meshes" in speedups,
                    only_animated="only_animated" in speedups,
                    stop=reported.stopping,
                    clip=clip,
                    thin_keys=thin,
                ),
            ):
                settings = {
                    "check_existing": False,
                    "use_selection": True,
                    "object_types": {"ARMATURE", "MESH"},
                    "use_mesh_modifiers": False,
                    "mesh_smooth_type": "FACE",
                    "add_leaf_bones": False,
                    "bake_anim": True,
                    "bake_anim_use_all_bones": True,
                    "bake_anim_use_nla_strips": False,
                    "bake_anim_use_all_actions": False,
                    "bake_anim_force_startend_keying": True,
                    "bake_anim_step": 1.0,
                    "bake_anim_simplify_factor": 0.0,
                    "path_mode": "AUTO",
                }
                result = bpy.ops.export_scene.fbx(filepath=for_blender(tmp), **{**settings, **overrides})
            reported.check()  # a cancel asked while the exporter ran: no file is moved into place
            if "FINISHED" not in result:
                raise DualTalkError(f"Blender's FBX exporter did not finish writing {path.name}")
    finally:
        for mod in deformers:
            mod.show_viewport = True
        for kb, was_muted in muted:
            kb.mute = was_muted
        for o in chosen:
            o.select_set(False)
        for o, hidden, disabled, unselectable in shown:
            o.hide_viewport, o.hide_select = disabled, unselectable
            o.hide_set(hidden)
        for o in previous:
            if o.name in view_layer.objects:
                o.select_set(True)
        view_layer.objects.active = active
    return path


def _show(chosen: list[Any], view_layer: Any) -> None:
    """Make the characters visible and selectable while exporting (restored afterwards).

    The exporter takes only selected objects, and a hidden, disabled or unselectable object
    cannot be selected: the file came out without it. A collection that hides it is the user's
    to show; that is refused in one line rather than written as an empty file.
    """
    for o in chosen:
        o.hide_select = False
    hidden = _hidden_by_collection(chosen, view_layer)
    if hidden is not None:
        raise _collection_refusal(hidden, "show it and export again")


def check_exportable(
    objects: Iterable[Any], scope: str = "full", hint: str = "show it and export again"
) -> None:
    """Refuse, before any work, the characters :func:`export_fbx` would refuse: outside the active
    view layer, in a hidden collection, or linked where this Blender cannot export only their face.
    Read-only: the hide switches are put back."""
    view_layer = bpy.context.view_layer
    if view_layer is None:
        raise RuntimeError("Blender has no active view layer")
    view_layer.update()
    chosen = export_objects(objects, whole_rigs=scope == "full")
    _check_in_layer(chosen, view_layer)
    if scope == "face":
        fbx_bake.check_face_only(chosen)
    state = [(o, o.hide_get(), o.hide_viewport) for o in chosen]
    try:
        hidden = _hidden_by_collection(chosen, view_layer)
    finally:
        for o, was_hidden, was_disabled in state:
            o.hide_viewport = was_disabled
            o.hide_set(was_hidden)
        view_layer.update()
    if hidden is not None:
        raise _collection_refusal(hidden, hint)


def _check_in_layer(chosen: list[Any], view_layer: Any) -> None:
    for obj in chosen:
        if obj.name not in view_layer.objects:
            raise DualTalkError(f"{obj.name!r} is not in the active view layer; cannot export it")


def _hidden_by_collection(chosen: list[Any], view_layer: Any) -> Any | None:
    """The first character still hidden once its own hide switches are off: a collection hides it."""
    for o in chosen:
        o.hide_viewport = False
        o.hide_set(False)
    view_layer.update()
    return next((o for o in chosen if not o.visible_get()), None)


def _collection_refusal(obj: Any, hint: str) -> DualTalkError:
    where = ", ".join(c.name for c in obj.users_collection) or "its collection"
    return DualTalkError(
        f"cannot export {obj.name!r}: its collection ({where}) is hidden in the viewport; {hint}"
    )
