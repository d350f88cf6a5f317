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


def _overlaps(strips) -> list[tuple[str, str]]:
    return [
        (a.name, b.name)
        for i, a in enumerate(strips)
        for b in strips[i + 1 :]
        if a.channel == b.channel
        and a.frame_final_start < b.frame_final_end
        and b.frame_final_start < a.frame_final_end
    ]


def test_re_animating_replaces_our_sound_strip_and_never_overlaps_the_users(tmp_path, capsys):
    """The demo's strip kept playing under the new one, and new strips went to channel 128 or on top
    of others. One rule now: our strips carry an ownership property; a new one takes a free channel."""
    import soundfile as sf
    from addon_helpers import write_tiny_lite
    from dualtalk.dualtalk_blender.scene.sound import add_dialogue_strip
    from robustness_util import two_voices

    audio = tmp_path / "talk.wav"
    sf.write(audio, two_voices(2.0), 16000)
    music = tmp_path / "music.wav"
    sf.write(music, two_voices(4.0), 16000)
    lite = write_tiny_lite(tmp_path / "lite.pt")

    def earlier_take_and_user_strips() -> None:
        se = bpy.context.scene.sequence_editor_create()
        se.strips.new_sound("DualTalk dialogue", str(music), 2, 1)  # the user's, named like ours
        se.strips.new_sound("score", str(music), 3, 1)
        add_dialogue_strip(bpy.context.scene, audio, "dialogue", 1)  # what the demo left (channel 1)

    blend = _scene(tmp_path / "scene.blend", earlier_take_and_user_strips)
    before = sha256s(blend, audio, music)
    out = tmp_path / "out" / "shot.blend"
    argv = ["animate", "--quiet", "--blend", str(blend), "--char-a", "Ann", "--char-b", "Bob", "--audio", str(audio),
            "--engine", "lite", "--checkpoint", str(lite), "--out", str(out)]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert code == 0, err
    bpy.ops.wm.open_mainfile(filepath=str(out), load_ui=False)
    strips = list(bpy.context.scene.sequence_editor.strips_all)
    ours = [s for s in strips if s.get("dualtalk")]
    assert len(ours) == 1, [s.name for s in strips]  # the earlier take's strip is gone
    users = sorted((s.name, s.channel) for s in strips if not s.get("dualtalk"))
    assert users == [("DualTalk dialogue", 2), ("score", 3)]  # the user's strips untouched
    assert _overlaps(strips) == [] and ours[0].channel < 128
    assert sha256s(blend, audio, music) == before
