"""What Generate will refuse is said before it is pressed, or at the latest before the engine runs.

A studio links its characters from a library .blend. The line under the character picker says,
in the words Generate's refusal uses, that such a character is read-only and what to make local;
following that advice (Object > Relations > Make Local > Selected Objects and Data) makes it
animatable, and the line then reads like any other character's. A library override's hidden
linked original is not "another object sharing its shape keys".

A shot starting near Blender's last frame (1,048,574) cannot hold the take: Generate refuses it at
once, in the words keying would have used after the whole engine run, and agrees with keying to the
frame: a take ending on Blender's last frame is made and can be re-generated in part.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import pickers, preflight, ui_run, worker_client
from dualtalk.dualtalk_blender.rig.options import MAX_FRAME
from dualtalk.dualtalk_blender.scene import apply as apply_mod
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

# ---- characters linked from a library ----------------------------------------------------------


def write_library(path: Path, name: str) -> Path:
    """A library .blend holding one character (face mesh and rig) in a collection ``<name>_coll``,
    written without touching the open file's own characters."""
    face = br.make_character(name, location=(2.0, 0.0, 0.0))
    rig = face.parent
    coll = bpy.data.collections.new(f"{name}_coll")
    bpy.context.scene.collection.children.link(coll)
    for obj in (face, rig):
        bpy.context.scene.collection.objects.unlink(obj)
        coll.objects.link(obj)
    bpy.data.libraries.write(str(path), {coll}, fake_user=True)
    bpy.data.batch_remove([face, rig, face.data, rig.data, coll])
    return path


def link_and_override(path: Path, name: str) -> bpy.types.Object:
    """File > Link the character's collection, then Object > Library Override > Make."""
    with bpy.data.libraries.load(str(path), link=True) as (_src, dst):
        dst.collections = [f"{name}_coll"]
    dst.collections[0].override_hierarchy_create(bpy.context.scene, bpy.context.view_layer)
    return next(o for o in bpy.data.objects if o.name == name and o.override_library is not None)


def link_objects(path: Path, name: str) -> bpy.types.Object:
    """File > Link the character's objects themselves (no override)."""
    with bpy.data.libraries.load(str(path), link=True) as (src, dst):
        dst.objects = [n for n in src.objects if n.startswith(name)]
    for obj in dst.objects:
        bpy.context.scene.collection.objects.link(obj)
    return bpy.data.objects[name]


def make_local(*objs) -> None:
    """Object > Relations > Make Local > Selected Objects and Data, with ``objs`` selected."""
    for o in bpy.context.view_layer.objects:
        o.select_set(o in objs)
    bpy.context.view_layer.objects.active = objs[0]
    sel = list(objs)
    with bpy.context.temp_override(
        active_object=objs[0], object=objs[0], selected_objects=sel, selected_editable_objects=sel
    ):
        assert bpy.ops.object.make_local(type="SELECT_OBDATA") == {"FINISHED"}


def saved_take(folder: Path, frames: int = 30) -> Path:
    """A kept take (A.npz, B.npz), as Apply Saved Take reads it: no engine needed."""
    speak = np.arange(frames) < frames // 2
    for role, sp in (("A", speak), ("B", ~speak)):
        v = np.random.default_rng(3).uniform(0, 0.8, (frames, 55)).astype(np.float32)
        save_motion(folder / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return folder


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def generate_refusal(scene) -> str:
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError):
        bpy.ops.dualtalk.generate()
    return status().removeprefix("DualTalk: ")


def apply_saved_take(scene, folder: Path) -> set[str]:
    with bpy.context.temp_override(scene=scene):
        return bpy.ops.dualtalk.apply_take(directory=str(folder))


def test_an_overridden_characters_line_says_what_generate_will_say_and_the_advice_works(
    scene, assets, tmp_path
):
    library = write_library(tmp_path / "characters.blend", "LibHero")
    hero = link_and_override(library, "LibHero")
    ann = br.make_character("Ann")
    ah.setup_panel(scene, ann, hero, assets["wav"], assets["ckpt"])

    line = pickers.character_summary(hero)
    assert "shares its shape keys" not in line  # was: "... with LibHero", its own hidden original
    refusal = generate_refusal(scene)
    assert refusal.startswith("'LibHero' is a library override, but its mesh data 'LibHero' is still linked")
    assert str(library) in refusal
    # the picker says it first, in the same words (the library by its file name)
    assert line == f"{refusal.replace(str(library), library.name)}; 52/52 ARKit keys, head bone: head"

    make_local(hero)  # what both say
    assert pickers.character_summary(hero) == "52/52 ARKit keys, head bone: head"
    assert apply_saved_take(scene, saved_take(tmp_path)) == {"FINISHED"}
    assert "animated" in status()


def test_a_linked_characters_line_says_to_make_it_and_its_rig_local_and_that_works(scene, assets, tmp_path):
    library = write_library(tmp_path / "characters.blend", "LibAva")
    ava = link_objects(library, "LibAva")
    ann = br.make_character("Ann")
    ah.setup_panel(scene, ann, ava, assets["wav"], assets["ckpt"])

    line = pickers.character_summary(ava)
    refusal = generate_refusal(scene)
    assert refusal == (
        f"the object 'LibAva' is linked from {library} (read-only); make it and its armature 'LibAva_rig' "
        "local (select both, Object > Relations > Make Local > Selected Objects and Data) before animating it"
    )  # it offered "or a library override with its data", which Blender 5 never makes
    assert line == f"{refusal.replace(str(library), library.name)}; 52/52 ARKit keys, head bone: head"

    make_local(ava, ava.parent)
    assert pickers.character_summary(ava) == "52/52 ARKit keys, head bone: head"
    assert apply_saved_take(scene, saved_take(tmp_path)) == {"FINISHED"}
    assert "animated" in status()


# ---- a shot at the end of Blender's timeline ---------------------------------------------------


@pytest.fixture
def no_engine(monkeypatch):
    """Any attempt to start the worker fails the test: the refusal must come before it."""

    def start(self):
        raise AssertionError("the worker was started")

    monkeypatch.setattr(worker_client.WorkerProcess, "start", start)


def keying_refusal(scene, frames: int, start: int) -> str:
    """What keying a motion of ``frames`` (25 fps) from ``start`` says (apply_dialogue's check)."""
    with pytest.raises(DualTalkError) as refused:
        apply_mod.check_frame_span(scene, Motion("arkit55", np.zeros((frames, 55), np.float32)), start)
    return str(refused.value)


@pytest.mark.parametrize("python", ["with soundfile", "Blender's own, without soundfile"])
def test_a_take_past_blenders_last_frame_is_refused_before_the_engine_runs(
    scene, assets, no_engine, monkeypatch, python
):
    if python != "with soundfile":  # the recording's length is read by Blender's audio library
        monkeypatch.setitem(sys.modules, "soundfile", None)
    scene.render.fps = 25
    scene.frame_end = MAX_FRAME
    scene.frame_start = MAX_FRAME - 24  # the 2 s recording needs 50 frames at 25 fps
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    before = ah.scene_fingerprint(scene)

    refusal = generate_refusal(scene)

    assert refusal == keying_refusal(scene, 50, MAX_FRAME - 24)  # the words keying used after the run
    assert refusal.startswith(f"the take would span frames {MAX_FRAME - 24:,}-{MAX_FRAME + 25:,}")
    assert ui_run.ACTIVE is None
    assert ah.scene_fingerprint(scene) == before


def run_generate(scene) -> str:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}, status()
    return status()


def test_generate_and_keying_agree_to_the_frame_at_the_end_of_the_timeline(scene, assets, monkeypatch):
    """At 30 fps, on a part of the recording: the last take that fits is made (and can be re-generated
    in part); one frame later Generate refuses up front in the words keying uses."""
    scene.render.fps = 30
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.use_range, s.start, s.end = True, 0.27, 1.73  # a part: its ends rounded as the worker rounds them
    length = preflight.take_length({"audio": str(assets["wav"]), "start": 0.27, "end": 1.73})
    assert length is not None
    frames = max(1, round(length.num_frames * 30 / 25))  # the take's frames at 30 fps
    last_start = MAX_FRAME - frames + 1

    scene.frame_end = MAX_FRAME
    scene.frame_start = last_start
    line = run_generate(scene)  # ends on Blender's last frame: accepted up front and by keying
    assert f"animated lite engine, {frames} frames" in line
    assert scene.frame_end == MAX_FRAME

    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = MAX_FRAME - 10, MAX_FRAME
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}, status()
    assert status().startswith(f"DualTalk: re-generated frames {MAX_FRAME - 10}-{MAX_FRAME}")

    scene.use_preview_range = False
    scene.frame_start = last_start + 1
    with monkeypatch.context() as m:  # one frame later: refused before the worker starts
        m.setattr(worker_client.WorkerProcess, "start", lambda self: pytest.fail("the worker was started"))
        early = generate_refusal(scene)
    assert early.startswith(f"the take would span frames {last_start + 1:,}-{MAX_FRAME + 1:,}")
    with monkeypatch.context() as m:  # without the check up front, keying says the same after the run
        m.setattr(preflight, "check_take_fits", lambda *args: None)
        with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError):
            bpy.ops.dualtalk.generate()
    late, kept = status().split("; the take is kept: ")
    shutil.rmtree(kept.split("directory=")[1].strip("')"))
    assert late == f"DualTalk: {early}"
