"""A pipeline TD drives DualTalk's scene functions from Blender's own Python, as docs/scripting.md shows:
``apply_dialogue`` then ``export_fbx([a, b], "//shot.fbx")`` beside the saved .blend (never at the
filesystem root), ``ApplyOptions(mapping="//map.json")`` read beside it too, a ``//`` path in a file
never saved refused in Export FBX's words; ``layers.set_influence`` given the characters themselves;
``apply_motion(obj, "A.npz")`` answered with what to call first; the sound strip added by the one
documented call."""

from __future__ import annotations

import json
import os
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.dualtalk_blender.scene.sound import add_dialogue_strip, our_strips
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion


def _motion(role: str, frames: int = 40) -> Motion:
    t = np.arange(frames)[:, None] / 25.0
    values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.7 if role == "A" else 1.3) * t + np.arange(55))).astype(
        np.float32
    )
    return Motion("arkit55", values, role=role, engine="lite")


def _pair():
    return (
        br.make_character("Alice", location=(-0.5, 0.0, 0.0)),
        br.make_character("Bob", location=(0.5, 0.0, 0.0)),
    )


def _root_has(name: str) -> bool:
    return os.path.lexists(os.path.join(os.sep, name))


def _probe() -> str:
    """A folder name that exists at the filesystem root neither before nor after: the FBX goes into
    it, so code that read ``//`` as ``/`` fails to write instead of leaving a file at the root."""
    name = f"dualtalk_scripting_probe_{os.getpid()}"
    assert not _root_has(name)
    return name


@pytest.fixture
def writes_only_under(tmp_path, monkeypatch):
    """The exporter may write under ``tmp_path`` only: a path read wrongly (``//x`` as ``/x``) fails the
    test before Blender's exporter creates anything at the filesystem root."""
    from dualtalk.dualtalk_blender.scene import fbx_export

    real = fbx_export._export

    def guarded(objects, path, *args, **kwargs):
        where = os.path.realpath(path)
        assert where.startswith(os.path.realpath(tmp_path) + os.sep), f"export_fbx would write {path}"
        return real(objects, path, *args, **kwargs)

    monkeypatch.setattr(fbx_export, "_export", guarded)


@pytest.fixture
def saved_shot(fresh_scene, tmp_path):
    """A shot saved as ``tmp_path/shot/s.blend`` with both characters keyed."""
    folder = tmp_path / "shot"
    folder.mkdir()
    a, b = _pair()
    bpy.ops.wm.save_as_mainfile(filepath=str(folder / "s.blend"))
    a, b = bpy.data.objects["Alice"], bpy.data.objects["Bob"]
    apply_dialogue(a, b, _motion("A"), _motion("B"))
    yield folder, a, b
    br.reset()  # the next test starts in a file never saved


def test_export_fbx_with_a_blend_relative_path_writes_beside_the_saved_blend(saved_shot, writes_only_under):
    folder, a, b = saved_shot
    sub = _probe()
    (folder / sub).mkdir()
    try:
        written = export_fbx([a, b], f"//{sub}/shot.fbx")
        assert Path(written) == folder / sub / "shot.fbx"
        assert (folder / sub / "shot.fbx").is_file()
    finally:
        assert not _root_has(sub), "export_fbx wrote to the filesystem root"


def test_export_fbx_with_a_blend_relative_path_in_a_file_never_saved_is_refused_in_the_operators_words(
    fresh_scene, tmp_path, monkeypatch, writes_only_under
):
    a, b = _pair()
    apply_dialogue(a, b, _motion("A"), _motion("B"))
    assert bpy.data.filepath == ""
    monkeypatch.chdir(tmp_path)
    sub = _probe()
    try:
        with pytest.raises(DualTalkError) as refused:
            export_fbx([a, b], f"//{sub}/shot.fbx")
        assert str(refused.value) == (
            f"the FBX path //{sub}/shot.fbx is next to the .blend file, which is not saved yet; "
            "save the .blend first or choose a full path"
        )
    finally:
        assert not _root_has(sub) and not (tmp_path / sub).exists()


def test_a_custom_map_given_blend_relative_is_read_beside_the_saved_blend(saved_shot):
    folder, a, b = saved_shot
    keys = [kb.name for kb in a.data.shape_keys.key_blocks[1:]]
    mapping = {"version": 1, "space": "arkit55", "map": {k: k for k in keys[:10]}}
    (folder / "map.json").write_text(json.dumps(mapping), encoding="utf-8")
    rep_a, _rep_b, _markers = apply_dialogue(
        a, b, _motion("A"), _motion("B"), ApplyOptions(mapping="//map.json")
    )
    assert rep_a.curves > 0


def test_a_custom_map_given_blend_relative_in_a_file_never_saved_is_refused_as_the_panel_refuses_it(
    fresh_scene,
):
    a, b = _pair()
    with pytest.raises(
        DualTalkError,
        match=r"^the custom map //map.json is relative to the .blend file, which is not saved yet",
    ):
        apply_dialogue(a, b, _motion("A"), _motion("B"), ApplyOptions(mapping="//map.json"))


def test_set_influence_given_the_characters_keys_their_take(fresh_scene):
    a, b = _pair()
    apply_dialogue(a, b, _motion("A"), _motion("B"))
    assert layers.set_influence([a, b], "head", 0.0) == 2  # each character's head layer
    # the datablocks, as before (the armature and the shape keys)
    assert layers.set_influence(layers.character_idblocks(a), "head", 0.5) == 1


def test_set_influence_that_would_key_nothing_says_what_to_pass(fresh_scene):
    a, b = _pair()
    with pytest.raises(DualTalkError, match="no DualTalk take on 'Alice'.*character_idblocks"):
        layers.set_influence([a], "head", 0.0)  # not animated yet
    apply_dialogue(a, b, _motion("A"), _motion("B"))
    with pytest.raises(DualTalkError, match="no DualTalk take"):
        layers.set_influence([bpy.data.materials.new("M")], "head", 0.0)


def test_apply_motion_given_a_path_says_to_load_it_first(fresh_scene, tmp_path):
    a, _b = _pair()
    save_motion(tmp_path / "A.npz", _motion("A"))
    with pytest.raises(DualTalkError, match=r"load it first: motion = load_motion\("):
        apply_motion(a, str(tmp_path / "A.npz"))
    with pytest.raises(DualTalkError, match="load_motion"):
        apply_dialogue(a, _b, tmp_path / "A.npz", load_motion(tmp_path / "A.npz"))
    assert apply_motion(a, load_motion(tmp_path / "A.npz")).curves > 0  # as docs/scripting.md shows


def test_the_documented_sound_strip_call_puts_the_dialogue_under_the_take(fresh_scene, tmp_path):
    import soundfile as sf

    a, b = _pair()
    apply_dialogue(a, b, _motion("A"), _motion("B"))
    wav = tmp_path / "talk.wav"
    sf.write(str(wav), np.zeros((16000, 2), np.float32), 16000)
    strip = add_dialogue_strip(
        bpy.context.scene, wav, "dialogue", bpy.context.scene.frame_start, pair=("Alice", "Bob")
    )
    assert strip.name == "DualTalk dialogue" and our_strips(bpy.context.scene) == [strip]
    page = (Path(__file__).resolve().parents[2] / "docs" / "scripting.md").read_text(encoding="utf-8")
    assert "add_dialogue_strip(" in page
