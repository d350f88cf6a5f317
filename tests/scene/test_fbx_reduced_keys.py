"""A game developer keys a 20 s conversation with ``--keys reduced`` for a lighter file and lighter
curves in the engine, and exports it with ``--fbx``. The FBX came out as big as an every-frame one:
the exporter sampled every frame whatever keys the scene held (review 32g). Now the file holds
reduced keys too: each curve within the take's own bounds (0.01 on shape-key weights, 0.1 deg on
rotations) of what Blender plays, and the lips' closures exactly as Blender plays them. An
every-frame take's file is as before: one key per frame. Read back with ufbx, never with Blender
reading its own output; what Blender plays is the same scene sampled on every frame."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion, save_motion
from fbx_curves import read_fbx_curves
from robustness_util import run_cli
from scipy.spatial.transform import Rotation

FRAMES = 500  # 20 s at 25 fps
WEIGHT_BOUND = 1.0  # 0.01 on a weight, in the file's DeformPercent (0-100)
ROTATION_BOUND = 0.1  # degrees: the angle between the rotation the file plays and Blender's


def talking(folder: Path, looks: bool = False) -> tuple[Path, Path]:
    """Two characters' 20 s motion: smooth brows, eyes and smiles, a jaw that opens and shuts on
    every syllable (held shut a tenth of a second: a bilabial closure, mouthClose at its peak), and
    a head that turns a little; with ``looks``, each looks at the other 3 s in every 4 (the heads
    turn to the partner, as the engine's gaze does)."""
    t = np.arange(FRAMES)[:, None] / 25.0
    jaw, close = ARKIT52.index("jawOpen"), ARKIT52.index("mouthClose")
    paths = []
    for i, role in enumerate("AB"):
        freq = 0.15 + 0.6 * np.arange(55) / 55 + 0.05 * i
        values = 0.3 + 0.2 * np.sin(2 * np.pi * freq * t + np.arange(55))
        syllable = np.sin(2 * np.pi * (2.0 + 0.3 * i) * t[:, 0])
        values[:, jaw] = 0.6 * np.clip(syllable + 0.2, 0.0, None) / 1.2
        values[:, close] = 0.5 * np.clip(-syllable - 0.2, 0.0, None) / 0.8
        values[:, 52:] = 0.08 * np.sin(2 * np.pi * (0.2 + 0.1 * np.arange(3)) * t + i)
        speaking = (np.arange(FRAMES) < FRAMES // 2) == (role == "A")
        gaze = {}
        if looks:
            gaze = {"gaze_target": (np.arange(FRAMES) % 100 < 75).astype(np.int8),
                    "gaze_dir": np.zeros((FRAMES, 2), np.float32)}  # fmt: skip
        motion = Motion("arkit55", values.astype(np.float32), speaking=speaking, role=role, **gaze)
        paths.append(save_motion(folder / f"{role}.npz", motion))
    return paths[0], paths[1]


def animate(tmp_path: Path, capsys, keys: str, *more: str, looks: bool = False) -> tuple[Path, Path]:
    """``animate --keys KEYS --fbx`` on the tests' Ann and Bob: the .blend and the FBX path."""
    scene = br.save_pair(tmp_path / "in.blend")
    a, b = talking(tmp_path, looks)
    out, fbx = tmp_path / f"{keys}.blend", tmp_path / f"{keys}.fbx"
    argv = ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob", "--motion-a", str(a),
            "--motion-b", str(b), "--keys", keys, "--out", str(out), "--fbx", str(fbx), "--quiet", *more]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert code == 0, err
    return out, fbx


def played_by_blender(blend: Path, path: Path) -> dict[str, dict]:
    """The scene ``blend`` sampled on every frame, as a file: the reference the reduced file is held to."""
    from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx

    bpy.ops.wm.open_mainfile(filepath=str(blend))
    export_fbx([bpy.data.objects["Ann"], bpy.data.objects["Bob"]], path, keys="every-frame")
    return read_fbx_curves(path, 25, 1, FRAMES)


def blender_shape_keys() -> int:
    """How many keys the open scene's take holds on Ann's and Bob's shape keys (its layers, rest aside)."""
    from dualtalk.dualtalk_blender.scene import compat, layers

    total = 0
    for name in ("Ann", "Bob"):
        for layer, strip in layers.our_strips(bpy.data.objects[name].data.shape_keys).items():
            if layer != layers.REST and strip.action is not None:
                total += sum(
                    len(fc.keyframe_points) for fc in compat.iter_fcurves(strip.action, strip.action_slot)
                )
    return total


def blender_head_keys() -> int:
    """How many keys the open scene's take holds on Ann's and Bob's head rotations (four quaternion
    curves each)."""
    from dualtalk.dualtalk_blender.scene import compat, layers

    total = 0
    for name in ("Ann", "Bob"):
        for idblock in layers.character_idblocks(bpy.data.objects[name]):
            for layer, strip in layers.our_strips(idblock).items():
                if layer != layers.REST and strip.action is not None:
                    total += sum(
                        len(fc.keyframe_points)
                        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
                        if "rotation" in fc.data_path
                    )
    return total


def turns(curves: dict[str, dict]) -> dict[str, np.ndarray]:
    """Each bone's rotation on every frame (frames x 3 XYZ Euler degrees), by ``<id> <bone>``."""
    axes: dict[str, dict[int, np.ndarray]] = {}
    for name, curve in curves.items():
        if " Lcl Rotation " in name:
            axes.setdefault(" ".join(name.split(" ")[:3]), {})[int(name.split(" ")[-1])] = curve["values"]
    return {bone: np.stack([a[0], a[1], a[2]], axis=1) for bone, a in axes.items()}


def angle_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Degrees between two XYZ Euler rotations on each frame (scipy: Rz Ry Rx, as FBX and Blender)."""
    return np.degrees(
        (
            Rotation.from_euler("xyz", a, degrees=True).inv() * Rotation.from_euler("xyz", b, degrees=True)
        ).magnitude()
    )


def shape_curves(curves: dict[str, dict], name: str | None = None) -> dict[str, dict]:
    return {
        k: c
        for k, c in curves.items()
        if k.split(" ")[1] == "BLEND_CHANNEL" and (name is None or k.split(" ")[2] == name)
    }


def test_a_take_keyed_reduced_exports_a_lighter_fbx_that_plays_what_blender_plays(tmp_path, capsys):
    blend, fbx = animate(tmp_path, capsys, "reduced")
    got = read_fbx_curves(fbx, 25, 1, FRAMES)
    shapes = shape_curves(got)
    assert len(shapes) == 2 * 52
    keys = np.array([c["keys"] for c in shapes.values()])
    assert keys.mean() < FRAMES / 4, keys.mean()  # was 500 on every curve: every frame sampled
    rotations = {k: c for k, c in got.items() if " Lcl Rotation " in k}
    assert rotations and all(c["keys"] < FRAMES for c in rotations.values())

    reference = played_by_blender(blend, tmp_path / "every_frame_of_the_same_scene.fbx")
    assert fbx.stat().st_size * 2 < (tmp_path / "every_frame_of_the_same_scene.fbx").stat().st_size
    assert keys.sum() <= 1.1 * blender_shape_keys()  # about as many keys as the take holds in Blender
    assert got.keys() == reference.keys()
    for name, curve in got.items():
        played = reference[name]["values"]
        error = np.abs(curve["values"] - played).max()
        if " Lcl Rotation " in name:
            continue  # the bone's three together, below
        elif " Lcl " in name:  # location and scale: DualTalk keys neither; they hold still
            assert error <= 1e-4 * max(1.0, np.abs(played).max()), (name, error)
        else:
            assert error <= WEIGHT_BOUND, (name, error)
    heads, blenders = turns(got), turns(reference)
    assert len(heads) == 2
    for bone, turn in heads.items():
        error = angle_between(turn, blenders[bone]).max()
        assert error <= ROTATION_BOUND, (bone, error)


def test_heads_turned_to_the_partner_keep_about_the_keys_blenders_take_holds(tmp_path, capsys):
    """Each looks at the other (the heads turn by 70 deg, near gimbal lock in the file's Euler
    angles; the pair stands side by side, so turned fully with --side-by-side turn): the head's three
    curves in the file hold about as many keys as the take's four quaternion curves in Blender (per
    Euler curve, 1.7 times as many), within 0.1 deg of the turn."""
    blend, fbx = animate(tmp_path, capsys, "reduced", "--side-by-side", "turn", looks=True)
    got = read_fbx_curves(fbx, 25, 1, FRAMES)
    reference = played_by_blender(blend, tmp_path / "every_frame.fbx")
    heads, blenders = turns(got), turns(reference)
    assert np.abs(np.concatenate([turn[:, 1] for turn in heads.values()])).min() > 60  # Y: near gimbal lock
    for bone, turn in heads.items():
        assert angle_between(turn, blenders[bone]).max() <= ROTATION_BOUND, bone
    keys = sum(c["keys"] for name, c in got.items() if " Lcl Rotation " in name)
    assert keys <= 1.1 * blender_head_keys(), (keys, blender_head_keys())  # 552 and 544 (947 per Euler curve)


def test_the_lips_closures_in_the_reduced_fbx_are_exactly_blenders(tmp_path, capsys):
    """The frames where the jaw is shut (jawOpen at its lowest) and where the lips press (mouthClose at
    a peak) play the value Blender plays there, not one within the bound: a closure that is shut in
    Blender is shut in the engine (a jaw held shut does not dip below closed)."""
    blend, fbx = animate(tmp_path, capsys, "reduced")
    got = read_fbx_curves(fbx, 25, 1, FRAMES)
    assert all(c["keys"] < FRAMES for c in shape_curves(got, "jawOpen").values())  # reduced, the lips too
    reference = played_by_blender(blend, tmp_path / "every_frame.fbx")
    for name, curve in shape_curves(reference, "jawOpen").items():
        played = curve["values"]
        shut = np.flatnonzero(played <= played.min() + 1e-6)
        assert len(shut) > 20  # held shut on every syllable
        assert np.abs(got[name]["values"][shut] - played[shut]).max() <= 1e-4, name
    for name, curve in shape_curves(reference, "mouthClose").items():
        played = curve["values"]
        inner = np.arange(1, FRAMES - 1)
        peaks = inner[(played[inner] >= played[inner - 1]) & (played[inner] >= played[inner + 1])]
        peaks = peaks[played[peaks] > 10.0]
        assert len(peaks) > 20
        assert np.abs(got[name]["values"][peaks] - played[peaks]).max() <= 1e-4, name
    assert (
        shape_curves(got, "jawOpen")
        and min(c["values"].min() for c in shape_curves(got, "jawOpen").values()) >= 0
    )


def test_an_every_frame_take_still_exports_one_key_per_frame(tmp_path, capsys):
    _, fbx = animate(tmp_path, capsys, "every-frame")
    got = read_fbx_curves(fbx, 25, 1, FRAMES)
    assert shape_curves(got) and {c["keys"] for c in got.values()} == {FRAMES}


def test_one_file_per_character_follows_the_takes_reduced_keys(tmp_path, capsys):
    _, fbx = animate(tmp_path, capsys, "reduced", "--fbx-per-character")
    for name in ("Ann", "Bob"):
        got = read_fbx_curves(fbx.with_name(f"reduced_{name}.fbx"), 25, 1, FRAMES)
        shapes = shape_curves(got)
        assert len(shapes) == 52
        assert np.mean([c["keys"] for c in shapes.values()]) < FRAMES / 4, name


def test_an_fbx_keys_mode_that_is_not_one_is_refused_in_one_line(tmp_path):
    from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
    from dualtalk.inference.core.errors import DualTalkError

    br.save_pair(tmp_path / "in.blend")
    with pytest.raises(DualTalkError, match=r"^FBX keys must be every-frame or reduced, got 'sparse'$"):
        export_fbx([bpy.data.objects["Ann"]], tmp_path / "x.fbx", keys="sparse")
    assert not list(tmp_path.glob("*.fbx"))
