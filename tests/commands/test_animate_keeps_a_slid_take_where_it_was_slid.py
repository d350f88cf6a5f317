"""A TD re-runs ``animate --blend shot.blend --out shot_v2.blend`` on a shot whose animator slid the
whole take 12 frames later in Blender, as editors do: both characters' DualTalk strips in the NLA
editor, the dialogue's sound strip and the turn markers. Before, animate keyed the new take back at
the scene's start without a word (strips 13-52 -> 1-40, sound 13 -> 1), while the panel's Generate
keeps it where the animator moved it (510edba). Now animate follows the panel's rule and its result
line says so; strips moved for one character only start the new take at the scene's start, with one
line saying why; ``--start-frame`` is obeyed as before."""

from __future__ import annotations

from pathlib import Path

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.sound import our_strips
from robustness_util import run_cli
from test_blender_animate import build_scene, motions, two_voices

SHIFT = 12
CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> dict[str, Path]:
    """The scene, a 40-frame take made elsewhere and its 1.6 s recording."""
    folder = tmp_path_factory.mktemp("slid")
    a, b = motions(folder)
    return {
        "in": build_scene(folder / "in.blend"),
        "a": a,
        "b": b,
        "audio": two_voices(folder / "talk.wav", 1.6),
    }


def animate(capsys, kit, blend: Path, out: Path, *extra: str) -> tuple[list[str], str]:
    argv = ["animate", "--blend", str(blend), "--motion-a", str(kit["a"]), "--motion-b", str(kit["b"]),
            "--audio", str(kit["audio"]), "--out", str(out), *CHARS, *extra]  # fmt: skip
    code, err, line = run_cli(capsys, argv)
    assert code == 0, err
    return [e.removeprefix("warning: ") for e in err], line


def played(path: Path) -> dict[str, object]:
    """Where each character's lips+jaw strip plays, where the sound strip starts, the turn markers."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene = bpy.context.scene
    out: dict[str, object] = {}
    for name in ("Ann", "Bob"):
        strip = layers.our_strips(bpy.data.objects[name].data.shape_keys)["lips+jaw"]
        out[name] = (int(strip.frame_start), int(strip.frame_end))
    out["sound"] = sorted(int(s.frame_final_start) for s in our_strips(scene))
    out["range"] = (int(scene.frame_start), int(scene.frame_end))
    out["markers"] = sorted(
        (m.name, int(m.frame)) for m in scene.timeline_markers if m.name.startswith("DT ")
    )
    return out


def slide(path: Path, names: tuple[str, ...], frames: int) -> None:
    """G in the NLA editor on the named characters' take strips, then on the sound strip and the
    markers; saved."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene = bpy.context.scene
    for name in names:
        for idblock in layers.character_idblocks(bpy.data.objects[name]):
            for layer, strip in layers.our_strips(idblock).items():
                if layer != layers.REST:  # the rest track is locked
                    strip.frame_start_ui = strip.frame_start + frames
    for strip in our_strips(scene):
        strip.frame_start += frames
    for marker in scene.timeline_markers:
        marker.frame += frames
    bpy.ops.wm.save_mainfile()


@pytest.fixture
def shot(kit, tmp_path, capsys) -> tuple[Path, dict[str, object]]:
    """shot.blend keyed by animate: Ann and Bob play a 40-frame take from frame 1, its sound there."""
    shot = tmp_path / "shot.blend"
    animate(capsys, kit, kit["in"], shot)
    made = played(shot)
    assert made["Ann"] == made["Bob"] == (1, 40) and made["sound"] == [1] and made["markers"]
    return shot, made


def test_re_animating_a_slid_take_keys_it_where_the_animator_slid_it(kit, shot, capsys):
    path, made = shot
    slide(path, ("Ann", "Bob"), SHIFT)

    err, line = animate(capsys, kit, path, path.with_name("shot_v2.blend"))

    now = played(path.with_name("shot_v2.blend"))
    assert now["Ann"] == now["Bob"] == (13, 52)  # was 1-40: the slide lost
    assert now["sound"] == [13]  # was 1
    assert now["range"] == (13, 52)  # fitted to the take, as animate fits it (--start-frame 13 the same)
    assert now["markers"] == [(n, f + SHIFT) for n, f in made["markers"]]  # type: ignore[union-attr]
    assert "; kept where the earlier take was moved: frames 13-52 (not the scene's start, 1: give " in line
    assert "--start-frame 1 to start there)" in line, line
    assert not [e for e in err if "moved" in e], err


def test_start_frame_typed_is_obeyed_over_the_slide(kit, shot, capsys):
    path, _made = shot
    slide(path, ("Ann", "Bob"), SHIFT)

    _err, line = animate(capsys, kit, path, path.with_name("shot_v2.blend"), "--start-frame", "1")

    now = played(path.with_name("shot_v2.blend"))
    assert now["Ann"] == now["Bob"] == (1, 40) and now["sound"] == [1]
    assert "kept where" not in line, line


def test_strips_slid_for_one_character_only_start_at_the_scenes_start_and_say_why(kit, shot, capsys):
    path, _made = shot
    slide(path, ("Ann",), SHIFT)  # Ann's strips only (and the sound and the markers)

    err, line = animate(capsys, kit, path, path.with_name("shot_v2.blend"))

    now = played(path.with_name("shot_v2.blend"))
    assert now["Ann"] == now["Bob"] == (1, 40) and now["sound"] == [1]
    said = [e for e in err if "the new take starts at the scene's start, frame 1" in e]
    assert len(said) == 1, err
    assert "move the DualTalk strips of both characters together" in said[0]
    assert "kept where" not in line, line
