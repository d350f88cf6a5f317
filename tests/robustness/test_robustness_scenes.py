"""Issue 14, group 5: scenes that silently did not animate, or lost the user's things.

A run that "succeeds" with a still face is worse than a refusal: rigs whose keys are
driven, absolute shape keys and two characters on one armature now say so in a
``warning:`` line. A user's own timeline marker is never deleted because of its name.
"""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import run_cli, sha256s, snapshot


@pytest.fixture(scope="module")
def motions(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("motions")
    speak = np.arange(60) < 30
    for role, sp in (("A", speak), ("B", ~speak)):
        v = np.random.default_rng(3).uniform(0, 0.8, (60, 55)).astype(np.float32)
        save_motion(root / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return root


def _scene(path: Path, setup) -> Path:
    br.reset()
    bpy.context.scene.render.fps = 25
    br.make_character("Ann")
    br.make_character("Bob", location=(1.0, 0.0, 0.0))
    setup()
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def _animate(capsys, blend: Path, motions: Path, out: Path) -> tuple[int, list[str], str]:
    argv = ["animate", "--quiet", "--blend", str(blend), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(motions / "A.npz"), "--motion-b", str(motions / "B.npz"),
            "--out", str(out)]  # fmt: skip
    return run_cli(capsys, argv)


def _drive_jaw() -> None:
    key = bpy.data.objects["Ann"].data.shape_keys
    fc = key.key_blocks["jawOpen"].driver_add("value")
    fc.driver.expression = "0.0"  # a production rig would read a bone or a custom property


def _absolute_keys() -> None:
    bpy.data.objects["Bob"].data.shape_keys.use_relative = False


def _bob_on_anns_rig() -> None:
    """Bob's mesh deformed by Ann's armature: what Alt+D of the mesh alone leaves behind."""
    bob = bpy.data.objects["Bob"]
    old_rig = bob.parent
    bob.parent = bpy.data.objects["Ann_rig"]
    bob.modifiers["Armature"].object = bpy.data.objects["Ann_rig"]
    bpy.data.objects.remove(old_rig)


CASES = {
    "driven jaw key": (_drive_jaw, ["Ann: shape keys jawOpen are driven by drivers"]),
    "absolute shape keys": (_absolute_keys, ["Bob: its shape keys are absolute (Relative is off)"]),
    "one armature for both": (_bob_on_anns_rig, ["deformed by the same armature 'Ann_rig'"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_rig_on_which_the_keys_would_not_show_gets_one_warning_line(tmp_path, capsys, motions, case):
    setup, needles = CASES[case]
    blend = _scene(tmp_path / "scene.blend", setup)
    before = sha256s(blend, motions / "A.npz", motions / "B.npz")
    code, err, stdout = _animate(capsys, blend, motions, tmp_path / "out" / "shot.blend")
    assert code == 0, err
    warnings = [line for line in err if line.startswith("warning: ")]
    assert err == warnings and len(warnings) == len(needles), err
    for needle in needles:
        assert any(needle in w for w in warnings), (needle, warnings)
    assert stdout.startswith("wrote ")
    assert sha256s(blend, motions / "A.npz", motions / "B.npz") == before


def test_a_plain_rig_gets_no_such_warning(tmp_path, capsys, motions):
    blend = _scene(tmp_path / "scene.blend", lambda: None)
    code, err, _ = _animate(capsys, blend, motions, tmp_path / "out" / "shot.blend")
    assert code == 0 and err == [], err


def test_a_users_own_dt_marker_survives_re_animation(tmp_path, capsys, motions):
    """Markers were ours by name prefix ("DT "): the user's "DT review notes" was deleted."""

    def user_marker() -> None:
        bpy.context.scene.timeline_markers.new("DT review notes", frame=17)

    blend = _scene(tmp_path / "scene.blend", user_marker)
    first = tmp_path / "out" / "first.blend"
    code, err, _ = _animate(capsys, blend, motions, first)
    assert code == 0, err
    second = tmp_path / "out" / "second.blend"
    code, err, _ = _animate(capsys, first, motions, second)  # re-animate the animated scene
    assert code == 0, err
    bpy.ops.wm.open_mainfile(filepath=str(second), load_ui=False)
    markers = sorted((m.name, m.frame) for m in bpy.context.scene.timeline_markers)
    assert ("DT review notes", 17) in markers
    ours = [m for m in markers if m[0] != "DT review notes"]
    assert len(ours) == len(set(ours)) == 2, markers  # replaced, not piled up
    assert snapshot(tmp_path / "out").keys() >= {"first.blend", "second.blend"}
