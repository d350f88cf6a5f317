"""A game developer's scene holds two takes: Ann's keyed with ``--keys reduced`` for the engine, Cy's
keyed every frame earlier. Exported in one file, the file holds every frame for both (Ann's reduced
keys are not what the other character's take was keyed with), and nothing said so: the file came out
three times the size the developer expected. Now the export's warnings say it and name the way to keep
Ann's light (one file per character)."""

from __future__ import annotations

import blender_rigs as br
import bpy
from dualtalk.dualtalk_blender.scene.fbx_export import clip_warnings
from robustness_util import run_cli
from test_fbx_reduced_keys import talking


def _scene_with_two_takes(tmp_path, capsys):
    br.reset()
    bpy.context.scene.render.fps = 25
    for k, name in enumerate(("Ann", "Bob", "Cy", "Dee")):
        br.make_character(name, location=(float(k), 0.0, 0.0))
    blend = tmp_path / "four.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    a, b = talking(tmp_path)
    for pair, keys in ((("Ann", "Bob"), "reduced"), (("Cy", "Dee"), "every-frame")):
        out = tmp_path / f"{keys}.blend"
        argv = ["animate", "--blend", str(blend), "--char-a", pair[0], "--char-b", pair[1], "--motion-a", str(a),
                "--motion-b", str(b), "--keys", keys, "--out", str(out), "--quiet"]  # fmt: skip
        code, err, _ = run_cli(capsys, argv)
        assert code == 0, err
        blend = out  # the next take is keyed into the scene with this one
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    return bpy.context.scene


def test_a_file_of_a_reduced_take_and_an_every_frame_take_says_it_holds_every_frame(tmp_path, capsys):
    scene = _scene_with_two_takes(tmp_path, capsys)
    ann, bob, cy = (bpy.data.objects[n] for n in ("Ann", "Bob", "Cy"))

    said = [w for w in clip_warnings([ann, cy], scene) if "reduced" in w]

    assert len(said) == 1, said  # before: nothing
    assert "'Ann' is keyed with reduced keys but 'Cy' every frame" in said[0]
    assert "--fbx-per-character" in said[0]
    assert not [w for w in clip_warnings([ann, bob], scene) if "reduced" in w]  # one take's mode: silent
    assert not [w for w in clip_warnings([ann], scene) if "reduced" in w]
