"""Robustness matrix, characters: rigs DualTalk cannot (or may not) animate.

Each refusal is one line and leaves the scene exactly as it was -- including the other
character, which is checked before either is keyed. Rigs that can be animated in part
(no head bone, shared shape keys) are animated with a warning and nothing else touched.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.layers import take_actions
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, snapshot


def _motions(frames: int = 30) -> tuple[Motion, Motion]:
    rng = np.random.default_rng(1)
    speak = np.arange(frames) < frames // 2
    out = []
    for role, sp in (("A", speak), ("B", ~speak)):
        v = rng.uniform(0, 0.8, (frames, 55)).astype(np.float32)
        v[:, 52:] = rng.uniform(-0.1, 0.1, (frames, 3))
        out.append(Motion("arkit55", v, speaking=sp, role=role))
    return out[0], out[1]


def _fingerprint() -> tuple:
    """Every datablock and setting a run could touch."""
    scene = bpy.context.scene
    objs = []
    for o in bpy.data.objects:
        key = o.data.shape_keys if o.type == "MESH" else None
        objs.append((
            o.name, o.data.name if o.data else None, tuple(round(v, 6) for v in o.rotation_euler),
            bool(o.animation_data and o.animation_data.action),
            key.name if key else None, bool(key and key.animation_data and key.animation_data.action),
            tuple(round(kb.value, 6) for kb in key.key_blocks) if key else (),
        ))  # fmt: skip
    return (
        sorted(objs),
        sorted(a.name for a in bpy.data.actions),
        sorted(m.name for m in bpy.data.meshes),
        sorted(k.name for k in bpy.data.shape_keys),
        (scene.frame_start, scene.frame_end),
        sorted(m.name for m in scene.timeline_markers),
    )


def _refused(a, b, needle: str, options: ApplyOptions | None = None) -> None:
    before = _fingerprint()
    with pytest.raises(DualTalkError) as info:
        apply_dialogue(a, b, *_motions(), options or ApplyOptions(undo_push=False))
    assert needle in str(info.value) and "\n" not in str(info.value), str(info.value)
    assert _fingerprint() == before


@pytest.fixture
def fresh():
    br.reset()
    bpy.context.scene.render.fps = 25


def test_a_mesh_without_shape_keys_is_refused_and_the_partner_is_not_keyed(fresh):
    good = br.make_character("Ann")
    bare = br.make_mesh("Rock", keys=(), location=(1, 0, 0))
    _refused(good, bare, "'Rock' has no face shape keys DualTalk knows (it has no shape keys)")
    _refused(bare, good, "'Rock'")


def test_shape_keys_none_of_which_a_preset_knows_are_refused_with_their_names(fresh):
    good = br.make_character("Ann")
    odd = br.make_character("Odd", keys=("Smile_big", "Frown_2", "Puff"), location=(1, 0, 0))
    _refused(good, odd, "its keys: Smile_big, Frown_2, Puff")
    _refused(
        good,
        odd,
        "'Odd' has no face shape keys of the 'arkit' preset",
        ApplyOptions(preset="arkit", undo_push=False),
    )
    for preset in ("flame", "vrm", "mmd"):  # forcing another family refuses the ARKit rig first
        _refused(
            good,
            odd,
            f"'Ann' has no face shape keys of the {preset!r} preset",
            ApplyOptions(preset=preset, undo_push=False),
        )


def test_a_custom_map_none_of_whose_keys_exist_is_refused(fresh, tmp_path):
    good = br.make_character("Ann")
    other = br.make_character("Bob", location=(1, 0, 0))
    path = tmp_path / "map.json"
    path.write_text('{"version": 1, "map": {"jawOpen": "MouthOpen", "eyeBlinkLeft": "Blink_L"}}')
    _refused(good, other, "none of the 2 shape keys/bones", ApplyOptions(mapping=str(path), undo_push=False))


@pytest.fixture
def library(tmp_path) -> Path:
    """A character library .blend (what a studio links its rigs from)."""
    br.reset()
    br.make_character("LibHero")
    path = tmp_path / "library.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def _link(library: Path, name: str = "LibHero"):
    with bpy.data.libraries.load(str(library), link=True) as (src, dst):
        dst.objects = [n for n in src.objects if n.startswith(name)]
    for obj in dst.objects:
        bpy.context.scene.collection.objects.link(obj)
    return bpy.data.objects[name]


def test_linked_library_characters_are_read_only_and_refused(library):
    br.reset()
    bpy.context.scene.render.fps = 25
    hero = _link(library)
    assert hero.library is not None and hero.data.shape_keys.library is not None
    local = br.make_character("Ann", location=(1, 0, 0))
    _refused(local, hero, "is linked from")
    _refused(hero, local, "read-only")
    assert sha256_file(library) == sha256_file(library)  # the library file itself
    lib_before = sha256_file(library)
    with pytest.raises(DualTalkError):
        apply_dialogue(local, hero, *_motions(), ApplyOptions(undo_push=False))
    assert sha256_file(library) == lib_before


def test_a_linked_character_in_a_headless_animate_is_one_line_and_writes_nothing(library, tmp_path, capsys):
    br.reset()
    bpy.context.scene.render.fps = 25
    _link(library)
    br.make_character("Ann", location=(1, 0, 0))
    scene_file = tmp_path / "shot_in.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(scene_file))
    a, b = _motions()
    save_motion(tmp_path / "A.npz", a)
    save_motion(tmp_path / "B.npz", b)
    before = sha256_file(scene_file), sha256_file(library)
    out = tmp_path / "out"
    code, err, _ = run_cli(
        capsys,
        ["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "LibHero",
         "--motion-a", str(tmp_path / "A.npz"), "--motion-b", str(tmp_path / "B.npz"),
         "--out", str(out / "shot.blend")],
    )  # fmt: skip
    assert_refused(code, err, "linked from")
    assert snapshot(out) == {} and (sha256_file(scene_file), sha256_file(library)) == before


def test_a_library_override_can_be_animated(library):
    """The way out the message points to works: an override is local and editable."""
    br.reset()
    bpy.context.scene.render.fps = 25
    hero = _link(library)
    rig = bpy.data.objects["LibHero_rig"]
    mesh = hero.override_create(remap_local_usages=True)
    mesh.data = mesh.data.override_create(remap_local_usages=True)
    rig_over = rig.override_create(remap_local_usages=True)
    assert mesh.parent == rig_over
    local = br.make_character("Ann", location=(1, 0, 0))
    if mesh.data.shape_keys is not None and mesh.data.shape_keys.library is not None:
        pytest.skip("this Blender build keeps the overridden mesh's Key linked")
    rep_a, rep_b, _ = apply_dialogue(local, mesh, *_motions(), ApplyOptions(undo_push=False))
    assert rep_b.curves > 0


def test_two_characters_sharing_one_key_block_are_split_and_keyed_apart(fresh):
    ann = br.make_mesh("Ann")
    twin = bpy.data.objects.new("Twin", ann.data)  # Alt+D duplicate: same mesh, same Key
    bpy.context.scene.collection.objects.link(twin)
    bystander = bpy.data.objects.new("Statue", ann.data)  # a third user that is not a character
    bpy.context.scene.collection.objects.link(bystander)
    shared_key = ann.data.shape_keys
    rep_a, rep_b, _ = apply_dialogue(ann, twin, *_motions(), ApplyOptions(undo_push=False))
    assert any("made single-user" in w for w in rep_a.warnings + rep_b.warnings)
    ka, kb = ann.data.shape_keys, twin.data.shape_keys
    assert ka != kb
    assert take_actions(ka) and not set(take_actions(ka)) & set(take_actions(kb))
    # the statue still has the original key block, unanimated
    assert bystander.data.shape_keys == shared_key and (kb == shared_key or not take_actions(shared_key))


def test_refusing_shared_keys_when_asked_changes_nothing(fresh):
    ann = br.make_mesh("Ann")
    twin = bpy.data.objects.new("Twin", ann.data)
    bpy.context.scene.collection.objects.link(twin)
    _refused(ann, twin, "Make Single User", ApplyOptions(single_user="refuse", undo_push=False))


def test_an_armature_without_a_head_bone_keys_the_face_and_leaves_the_body_still(fresh):
    ann = br.make_character("Ann", head="Bone", neck=None)  # a generic rig: spine + "Bone"
    bob = br.make_character("Bob", location=(1, 0, 0))
    rep_a, _rep_b, _ = apply_dialogue(ann, bob, *_motions(), ApplyOptions(undo_push=False))
    assert any("no head or neck bone" in w for w in rep_a.warnings)
    assert "head: not keyed" in rep_a.mapping
    assert take_actions(ann.data.shape_keys)
    # neither the mesh object nor the rig object was given rotation keys (that would tilt the whole body)
    for obj in (ann, ann.parent):
        assert not take_actions(obj) and not (obj.animation_data and obj.animation_data.action), obj.name


# --- objects deleted or renamed while the add-on's job runs ---------------------------------


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    d = tmp_path_factory.mktemp("rob_chars")
    return ah.addon_assets(d)


@pytest.fixture
def addon_scene(assets):
    sc, _prefs = ah.fresh_scene_with_addon(assets["models"])
    yield sc
    ah.disable_addon()


def _run_until_done(run, timeout: float = 120.0) -> str:
    import time

    from dualtalk.dualtalk_blender.addon.worker_client import RUNNING

    deadline = time.monotonic() + timeout
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    return run.worker.state


def test_a_character_deleted_while_the_worker_runs_is_reported_and_nothing_is_keyed(addon_scene, assets):
    from dualtalk.dualtalk_blender.addon import ui_run

    a, b = ah.two_characters()
    ah.setup_panel(addon_scene, a, b, assets["wav"], assets["ckpt"])
    run = ui_run.GenerationRun(
        addon_scene, addon_scene.dualtalk, bpy.context.preferences.addons["dualtalk"].preferences
    ).start()
    bpy.data.objects.remove(b)  # the user deletes Bob mid-run
    before = ah.scene_fingerprint(addon_scene)
    assert _run_until_done(run) == "done"
    outcome = run.finish()
    assert not outcome.ok and "was deleted while generating" in outcome.message, outcome.message
    assert ah.scene_fingerprint(addon_scene) == before
    assert not run.work_dir.exists()
    kept = re.search(r"directory='([^']+)'", outcome.message)
    assert kept is not None and (Path(kept.group(1)) / "A.npz").is_file()  # the take is kept to apply later
    shutil.rmtree(kept.group(1))


def test_a_character_renamed_while_the_worker_runs_is_still_the_one_animated(addon_scene, assets):
    from dualtalk.dualtalk_blender.addon import ui_run

    a, b = ah.two_characters()
    ah.setup_panel(addon_scene, a, b, assets["wav"], assets["ckpt"])
    run = ui_run.GenerationRun(
        addon_scene, addon_scene.dualtalk, bpy.context.preferences.addons["dualtalk"].preferences
    ).start()
    a.name = "Alice (final)"
    assert _run_until_done(run) == "done"
    outcome = run.finish()
    assert outcome.ok, outcome.message
    assert take_actions(bpy.data.objects["Alice (final)"].data.shape_keys)
    assert take_actions(b.data.shape_keys)


def test_an_unusable_rig_is_refused_before_the_engine_runs(tmp_path, capsys, monkeypatch):
    """Headless animate from audio: a keyless character or a map matching nothing fails before
    any inference, so no motion files, work folder or output appear."""
    import dualtalk.inference.engine as engine_mod
    import soundfile as sf
    from robustness_util import two_voices

    def no_engine(*a, **k):
        raise AssertionError("the engine must not be loaded for a shot that cannot be keyed")

    monkeypatch.setattr(engine_mod, "load_engine", no_engine)
    br.reset()
    br.make_character("Ann")
    br.make_mesh("Rock", keys=(), location=(1, 0, 0))
    br.make_character("Bob", location=(2, 0, 0))
    scene_file = tmp_path / "in.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(scene_file))
    sf.write(tmp_path / "talk.wav", two_voices(1.0), 16000)
    (tmp_path / "map.json").write_text('{"version": 1, "map": {"jawOpen": "MouthOpen"}}')
    before = sha256_file(scene_file)
    out = tmp_path / "out"
    base = ["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--audio", str(tmp_path / "talk.wav"),
            "--out", str(out / "shot.blend")]  # fmt: skip
    for extra, needle in (
        (["--char-b", "Rock"], "'Rock' has no face shape keys"),
        (["--char-b", "Bob", "--map", str(tmp_path / "map.json")], "none of the 1 shape keys/bones"),
    ):
        code, err, _ = run_cli(capsys, base + extra)
        assert_refused(code, err, needle)
        assert snapshot(out) == {} and not (out / "shot.dualtalk").exists()
    assert sha256_file(scene_file) == before


def test_the_add_on_refuses_an_unusable_rig_before_starting_the_worker(addon_scene, assets):
    from dualtalk.dualtalk_blender.addon import ui_run

    ann = br.make_character("Ann")
    odd = br.make_character("Odd", keys=("Smile_big", "Frown_2"), location=(1, 0, 0))
    ah.setup_panel(addon_scene, ann, odd, assets["wav"], assets["ckpt"])
    before = ah.scene_fingerprint(addon_scene)
    with (
        bpy.context.temp_override(scene=addon_scene),
        pytest.raises(RuntimeError, match="'Odd' has no face shape keys"),
    ):
        bpy.ops.dualtalk.generate()
    assert ui_run.ACTIVE is None  # no worker was started
    assert ah.scene_fingerprint(addon_scene) == before
