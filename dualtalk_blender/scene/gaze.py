"""Mutual gaze in the scene: on *partner* frames the eyes point at the other character's head.

Both heads are evaluated every motion frame (``scene.frame_set``), after their head motion is
keyed, so the direction follows the characters wherever they are animated to stand and
whichever way their heads turn. :mod:`..rig.gaze` does the arithmetic; this module reads the
scene and returns motions whose ``eyeLook*`` channels (or FLAME overlay) hold the result, to be
keyed like any other motion: eye bones and ARKit keys are both driven from those channels.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import bpy
import numpy as np

from ...inference.core.channels import HEAD, SPACE_ARKIT
from ...inference.core.gaze import EYE_LOOK
from ...inference.core.motion import Motion
from ..rig import gaze as gz


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


def _points(report: Any, depsgraph: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(head world rotation 3x3, eye point, head point) now, as ``depsgraph`` evaluated them (None:
    as the objects hold them, which is the open scene's evaluation)."""
    pb, owner = _head(report)
    played = owner.evaluated_get(depsgraph) if depsgraph is not None else owner
    world = _matrix(played.matrix_world)
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


def _view_layer(scene: Any) -> Any:
    """The view layer :func:`_depsgraph` evaluates ``scene`` through."""
    return bpy.context.view_layer if bpy.context.scene == scene else scene.view_layers[0]


@contextlib.contextmanager
def _heads_shown(scene: Any, reports: list[Any]) -> Iterator[None]:
    """Evaluate heads the animator switched off in the viewports while they are read.

    Blender skips an object that is disabled in viewports (or sits only in excluded or disabled
    collections), so its head was read frozen at one pose and its partner's eyes were aimed at a
    head that does not move: the render, which shows it, had the eyes off by up to 0.7. The
    heads' objects and their parents are switched on for the reading and put back after.
    """
    layer = _view_layer(scene)
    needed: list[Any] = []
    for rep in reports:
        obj = rep.armature if rep.armature is not None else rep.mesh
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


def sample(scene: Any, reports: list[Any], frames: np.ndarray) -> list[dict[str, np.ndarray]]:
    """Per report: world head rotation (T,3,3), eye point (T,3), head point (T,3) at scene ``frames``."""
    keep = (scene.frame_current, scene.frame_subframe)
    out = [
        {
            "rot": np.zeros((len(frames), 3, 3)),
            "eye": np.zeros((len(frames), 3)),
            "head": np.zeros((len(frames), 3)),
        }
        for _ in reports
    ]
    try:
        with _heads_shown(scene, reports), _skinned_meshes_off(scene, reports):
            depsgraph = _depsgraph(scene)
            for i, f in enumerate(frames):
                whole = int(np.floor(f))
                scene.frame_set(whole, subframe=float(f - whole))
                for rep, dst in zip(reports, out, strict=True):
                    dst["rot"][i], dst["eye"][i], dst["head"][i] = _points(rep, depsgraph)
    finally:
        scene.frame_set(keep[0], subframe=keep[1])
    return out


def to_partner(samples: dict[str, np.ndarray], partner: dict[str, np.ndarray], report: Any) -> np.ndarray:
    """(T, 2) degrees from this character's eyes to the partner's eyes (or head) in its head frame."""
    rest, up = rest_rotation(report)
    frames = samples["rot"] if up == "bone" else gz.head_frames(samples["rot"], rest, up)
    return gz.partner_angles(frames, samples["eye"], partner["eye"])


def aimed(motion: Motion, angles: np.ndarray, head_share: float = 0.0) -> Motion:
    """``motion`` with its eyes on the partner on partner frames (``angles`` from :func:`to_partner`).

    ``head_share`` turns the head that part of the way (eased); the eyes do the rest.
    """
    if motion.gaze_target is None or motion.gaze_dir is None:
        return motion
    turn = gz.head_turn(motion.gaze_target, angles, head_share, motion.fps) if head_share > 0 else None
    eyes = gz.gaze_angles(motion.gaze_target, motion.gaze_dir, angles - (turn if turn is not None else 0.0))
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
