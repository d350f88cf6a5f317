"""A TD re-animates last week's shot into a new file: ``animate --blend OLD.blend --out NEW.blend``.

Before, the take was named after ``--out`` whatever ``--blend`` held, so NEW.blend held a second
take ('NEW') beside the one Ann and Bob played ('OLD'): 20 DualTalk actions instead of 10, the old
take (with the animator's hand fixes) kept in the file, no longer playing, and nothing said so
(review 31r F8, the command line's twin of the panel's F2). Now a shot that leaves ``--take`` out
re-keys the take both characters play, as the panel's Generate does, and says so in one line; a
typed ``--take`` (a job's ``take`` key) keys the new take it names beside the old one; characters
that play different takes keep the default name, and the line says which takes stay in the file."""

from __future__ import annotations

import json
from pathlib import Path

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import compat, layers
from dualtalk.dualtalk_blender.scene.keying import action_meta, is_ours
from robustness_util import run_cli
from test_blender_animate import motions

JAW = 'key_blocks["jawOpen"].value'


def _scene(path: Path) -> Path:
    br.reset()
    bpy.context.scene.render.fps = 25
    for i, name in enumerate(("Ann", "Bob", "Cat")):
        br.make_character(name, location=(float(i), 0.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reanimate")
    a, b = motions(folder)
    return {"in": _scene(folder / "IN.blend"), "a": a, "b": b}


def _animate(capsys, kit, blend: Path, out: Path, *extra: str, pair=("Ann", "Bob")):
    argv = ["animate", "--quiet", "--blend", str(blend), "--char-a", pair[0], "--char-b", pair[1],
            "--motion-a", str(kit["a"]), "--motion-b", str(kit["b"]), "--out", str(out), *extra]  # fmt: skip
    code, err, line = run_cli(capsys, argv)
    assert code == 0, err
    return [e.removeprefix("warning: ") for e in err], line


def _takes(path: Path) -> dict[str, object]:
    """What the file holds: its DualTalk takes, their actions and what Ann and Bob play."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    ours = [a for a in bpy.data.actions if is_ours(a)]
    playing = {n: (layers.take_meta(bpy.data.objects[n]) or {}).get("take") for n in ("Ann", "Bob")}
    return {"takes": sorted({action_meta(a)["take"] for a in ours}), "actions": len(ours), "playing": playing}


def _fix_jaw(path: Path, frame: int, value: float) -> None:
    """The animator's hand fix inside Ann's DualTalk lips+jaw layer, saved."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    strip = layers.our_strips(bpy.data.objects["Ann"].data.shape_keys)["lips+jaw"]
    fc = compat.channelbag(strip.action, strip.action_slot).fcurves.find(JAW)
    next(k for k in fc.keyframe_points if k.co[0] == frame).co[1] = value
    fc.update()
    bpy.ops.wm.save_mainfile()


@pytest.fixture
def old(kit, tmp_path, capsys) -> Path:
    """OLD.blend: Ann and Bob play take 'OLD', as animate named it after its --out."""
    old = tmp_path / "OLD.blend"
    _animate(capsys, kit, kit["in"], old)
    assert _takes(old) == {"takes": ["OLD"], "actions": 10, "playing": {"Ann": "OLD", "Bob": "OLD"}}
    return old


def test_re_animating_into_a_new_file_re_keys_the_take_they_play_and_says_so(kit, old, tmp_path, capsys):
    _fix_jaw(old, 10, 0.9)

    said, line = _animate(capsys, kit, old, tmp_path / "NEW.blend")

    assert line.startswith(f"wrote {tmp_path / 'NEW.blend'}: 40 frames"), line
    assert (
        said[0]
        == "re-keyed take 'OLD', which Ann and Bob played (give --take NAME to key a new take beside it)"
    )
    # the fix in the take it replaces is said, as for any re-generate of the same take
    assert any("held keys edited by hand (jawOpen); they were replaced" in s for s in said), said
    assert _takes(tmp_path / "NEW.blend") == {
        "takes": ["OLD"], "actions": 10, "playing": {"Ann": "OLD", "Bob": "OLD"}
    }  # fmt: skip


def test_a_typed_take_keys_a_new_take_beside_the_one_they_play(kit, old, tmp_path, capsys):
    said, _ = _animate(capsys, kit, old, tmp_path / "NEW.blend", "--take", "NEW")  # OUT's name, typed

    assert not [s for s in said if "take" in s], said
    assert _takes(tmp_path / "NEW.blend") == {
        "takes": ["NEW", "OLD"], "actions": 20, "playing": {"Ann": "NEW", "Bob": "NEW"}
    }  # fmt: skip


def test_characters_playing_different_takes_keep_the_default_and_say_what_stays(kit, tmp_path, capsys):
    """Ann played 'T1' with Cat, Bob 'T2' with Cat: not one take, so the shot is a new take 'NEW', and
    the line names the two takes that stay in the file, not playing."""
    _animate(capsys, kit, kit["in"], tmp_path / "T1.blend", pair=("Ann", "Cat"))
    _animate(capsys, kit, tmp_path / "T1.blend", tmp_path / "T2.blend", pair=("Bob", "Cat"))

    said, _ = _animate(capsys, kit, tmp_path / "T2.blend", tmp_path / "NEW.blend")

    assert said == [
        "keyed a new take 'NEW': Ann played take 'T1' and Bob take 'T2', not one take, so 'T1' and 'T2' "
        "stay in the file, not playing (give --take NAME to re-key one of them instead)"
    ]
    after = _takes(tmp_path / "NEW.blend")
    assert after["takes"] == ["NEW", "T1", "T2"] and after["playing"] == {"Ann": "NEW", "Bob": "NEW"}


def test_a_character_playing_a_take_beside_one_playing_none_keeps_the_default(kit, tmp_path, capsys):
    _animate(capsys, kit, kit["in"], tmp_path / "T1.blend", pair=("Ann", "Cat"))

    said, _ = _animate(capsys, kit, tmp_path / "T1.blend", tmp_path / "NEW.blend")

    assert said == [
        "keyed a new take 'NEW': Ann played take 'T1' and Bob none, not one take, so 'T1' stays in the "
        "file, not playing (give --take 'T1' to re-key it instead)"
    ]


def test_a_job_shot_without_a_take_key_re_keys_and_one_with_it_keys_a_new_take(kit, old, tmp_path, capsys):
    shot = {"blend": str(old), "char_a": "Ann", "char_b": "Bob", "motion_a": str(kit["a"]),
            "motion_b": str(kit["b"])}  # fmt: skip
    job = tmp_path / "shots.json"
    job.write_text(json.dumps({"shots": [
        {**shot, "name": "again", "out": "out/again.blend"},
        {**shot, "name": "beside", "out": "out/beside.blend", "take": "beside"},
    ]}))  # fmt: skip

    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])

    assert code == 0, err
    assert err == [
        "warning: shot 'again': re-keyed take 'OLD', which Ann and Bob played (give the shot a take key to "
        "key a new take beside it)"
    ]
    assert _takes(tmp_path / "out" / "again.blend")["takes"] == ["OLD"]
    assert _takes(tmp_path / "out" / "beside.blend")["takes"] == ["OLD", "beside"]


def test_a_range_with_a_typed_take_of_another_name_says_it_is_not_used(kit, old, tmp_path, capsys):
    """--range re-generates frames of the take that plays; a --take naming another was dropped
    without a word."""
    said, line = _animate(capsys, kit, old, tmp_path / "NEW.blend", "--range", "10-20", "--take", "other")

    assert "re-generated frames 10-20" in line, line
    assert (
        "--take 'other' is not used: --range 10-20 re-generates frames of take 'OLD', the take Ann and Bob "
        "play (animate the whole take to key take 'other')"
    ) in said, said
    assert _takes(tmp_path / "NEW.blend")["takes"] == ["OLD"]


def test_characters_renamed_since_their_take_are_named_as_the_scene_names_them(kit, old, tmp_path, capsys):
    """The animator renamed Ann to Anna after the take: the line named 'Ann', an object the file no
    longer holds (review rv38a F9)."""
    bpy.ops.wm.open_mainfile(filepath=str(old))
    bpy.data.objects["Ann"].name = "Anna"
    bpy.ops.wm.save_mainfile()

    said, _ = _animate(capsys, kit, old, tmp_path / "NEW.blend", pair=("Anna", "Bob"))

    assert said[0] == (
        "re-keyed take 'OLD', which Anna and Bob played (give --take NAME to key a new take beside it)"
    )
