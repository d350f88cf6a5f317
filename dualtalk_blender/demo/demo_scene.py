"""The demo stage: two characters in conversation, a camera on both faces, lights, 25 fps.

Characters stand a conversational distance apart and are turned a little towards the
camera (the stage "cheat"), so both mouths stay readable in one shot.
"""

from __future__ import annotations

import math
from typing import Literal, cast

from ...inference.core.timebase import FPS
from .anny_characters import build_character

NAMES = ("Ava", "Ben")  # speaker A, speaker B
GAP = 0.85  # metres between the two characters
CHEAT_DEG = 35.0  # how far each character turns from the partner towards the camera
LENS_MM = 50.0
SENSOR_MM = 36.0


def _eye_centre(obj):
    """World position between the character's eyes (rest pose)."""
    from mathutils import Vector

    arm = obj.parent
    bones = arm.data.bones
    local = (bones["eye.L"].head_local + bones["eye.R"].head_local) / 2 if "eye.L" in bones else Vector()
    return arm.matrix_world @ local


def face_focus(objects, radius: float = 0.17) -> list[tuple[tuple[float, float, float], float]]:
    """(centre, radius) spheres round each character's head, for cropped previews."""
    out = []
    for obj in objects:
        c = _eye_centre(obj)
        out.append(((c.x, c.y, c.z - 0.03), radius))
    return out


def frame_faces(scene, camera, objects, *, margin: float = 0.45) -> None:
    """Aim ``camera`` at the faces of ``objects`` so all of them fit across the frame."""
    from mathutils import Vector

    if scene.view_layers:
        scene.view_layers[0].update()  # refresh matrix_world after placing the rigs
    eyes = [_eye_centre(o) for o in objects]
    mid = sum(eyes, Vector()) / len(eyes)
    span = max((e - mid).length for e in eyes) * 2 + margin
    if len(eyes) >= 2:
        d = eyes[-1] - eyes[0]
        d.z = 0.0
        d.normalize()
        front = Vector((d.y, -d.x, 0.0))  # perpendicular, towards -Y for A on the left
    else:
        front = Vector((0.0, -1.0, 0.0))
    camera.data.lens = LENS_MM
    camera.data.sensor_width = SENSOR_MM
    half_fov = math.atan(SENSOR_MM / 2 / LENS_MM)
    dist = (span / 2) / math.tan(half_fov)
    target = mid + Vector((0.0, 0.0, -0.04))  # eyes sit a bit above the middle of a face
    camera.location = target + front * dist + Vector((0.0, 0.0, 0.03))
    direction = target - camera.location
    camera.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()


def _light(
    scene,
    name: str,
    kind: Literal["POINT", "SUN", "SPOT", "AREA"],
    location,
    energy: float,
    size: float = 1.0,
    target=None,
):
    import bpy
    from mathutils import Vector

    data = bpy.data.lights.new(name, kind)
    data.energy = energy  # type: ignore[attr-defined]  # every subtype of Light has energy
    if kind == "AREA":
        cast("bpy.types.AreaLight", data).size = size
    obj = bpy.data.objects.new(name, data)
    scene.collection.objects.link(obj)
    obj.location = location
    if target is not None:
        obj.rotation_euler = (Vector(target) - Vector(location)).to_track_quat("-Z", "Y").to_euler()
    return obj


def build_demo_scene(scene=None):
    """Add two facing characters, a camera framing both faces and three lights.

    Returns ``(obj_a, obj_b)``, the mesh objects of speaker A (left) and B (right).
    """
    import bpy

    scene = scene or bpy.context.scene
    scene.render.fps = FPS
    scene.render.fps_base = 1.0
    scene.render.resolution_x, scene.render.resolution_y = 1280, 720
    scene.render.resolution_percentage = 100

    cheat = math.radians(CHEAT_DEG)
    # A at -X looks towards +X, turned towards the camera at -Y; B mirrors it.
    face_a = (math.cos(cheat), -math.sin(cheat))
    face_b = (-math.cos(cheat), -math.sin(cheat))
    obj_a = build_character(
        NAMES[0], variant="female", location=(-GAP / 2, 0.0, 0.0), facing=face_a, scene=scene
    )
    obj_b = build_character(
        NAMES[1], variant="male", location=(GAP / 2, 0.0, 0.0), facing=face_b, scene=scene
    )
    for obj, role in ((obj_a, "A"), (obj_b, "B")):
        obj["dualtalk_role"] = role
        obj.parent["dualtalk_role"] = role

    cam_data = bpy.data.cameras.new("DemoCamera")
    cam = bpy.data.objects.new("DemoCamera", cam_data)
    scene.collection.objects.link(cam)
    scene.camera = cam
    frame_faces(scene, cam, (obj_a, obj_b))

    head = _eye_centre(obj_a).z
    _light(scene, "Key", "AREA", (-1.2, -2.0, head + 1.0), 30.0, 1.5, target=(0.0, 0.0, head))
    _light(scene, "Fill", "AREA", (1.6, -1.6, head + 0.3), 10.0, 2.0, target=(0.0, 0.0, head))
    _light(scene, "Rim", "AREA", (0.0, 1.8, head + 0.8), 25.0, 1.0, target=(0.0, 0.0, head))

    if scene.world is None:
        scene.world = bpy.data.worlds.new("DemoWorld")
    scene.world.color = (0.05, 0.05, 0.06)
    shading = scene.display.shading
    shading.light = "STUDIO"
    shading.color_type = "MATERIAL"
    return obj_a, obj_b
