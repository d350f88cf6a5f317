"""A TD made a take with ``animate --gaze off --behaviour-seed 7 --mood animated`` and later redoes
frames 40-60 with ``animate --range``, without repeating every behaviour flag (README's ``--range``
line shows none). Before, the range ran with the flags' defaults: eye contact switched on inside the
range only (the head swung ~70 degrees to the partner and back at the cross-fades), other blinks and
another smile. The take now records the behaviour settings it was made with (its record of its
recording, ``settings``): flags left out take the take's values, and a flag given with another value
is refused in one line naming the take's, as ``--swap`` is."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from robustness_util import assert_refused, run_cli, snapshot
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]
MADE_WITH = ["--gaze", "off", "--behaviour-seed", "7", "--mood", "animated"]
FRAMES = list(range(30, 71))  # the range 40-60 and the cross-fades around it


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("range_settings")
    scene = build_scene(folder / "in.blend")
    audio = two_voices(folder / "talk.wav", seconds=4.0)
    take = folder / "take.blend"
    rc = main(
        ["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take), *MADE_WITH, *CHARS]
    )
    assert rc == 0
    return {"folder": folder, "audio": audio, "take": take}


def played(path: Path) -> np.ndarray:
    """What Ann's face plays over the range: eyes toward the partner, blinks, smile, brows."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    ann = bpy.data.objects["Ann"]
    keys = ("eyeLookOutLeft", "eyeBlinkLeft", "mouthSmileLeft", "browInnerUp")
    return np.stack([br.played(ann, key, FRAMES) for key in keys])


def _range(shot, out: Path, *flags: str, capsys) -> tuple[int, list[str], str]:
    argv = ["animate", "--blend", str(shot["take"]), "--audio", str(shot["audio"]), "--out", str(out),
            "--range", "40-60", *flags, *CHARS]  # fmt: skip
    return run_cli(capsys, argv)


def test_a_range_without_the_behaviour_flags_plays_as_the_take(shot, tmp_path, capsys):
    before = played(shot["take"])
    out = tmp_path / "range.blend"
    code, err, said = _range(shot, out, capsys=capsys)
    assert code == 0, err
    assert "re-generated frames 40-60" in said
    assert any(
        "re-generates with the take's own settings" in line and "--gaze off" in line for line in err
    ), err
    assert np.abs(played(out) - before).max() < 1e-4  # the same performance: nothing jumps


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--gaze", "on"], "the take was made with --gaze off, not 1; leave --gaze out"),
        (["--behaviour-seed", "12345"], "the take was made with --behaviour-seed 7, not 12345"),
        (["--mood", "friendly"], "the take was made with --mood animated, not friendly"),
        (["--blinks", "off"], "the take was made with --blinks auto, not off"),
        # a flag typed at its default is given like any other (before: replaced by the take's, rc 0)
        (["--behaviour-seed", "0"], "the take was made with --behaviour-seed 7, not 0"),
        (["--mood", "neutral"], "the take was made with --mood animated, not neutral"),
    ],
)
def test_a_behaviour_flag_that_is_not_the_takes_is_refused(shot, tmp_path, capsys, flags, needle):
    before = snapshot(tmp_path)
    code, err, _ = _range(shot, tmp_path / "no.blend", *flags, capsys=capsys)
    assert_refused(code, err, f"--range 40-60: {needle}")
    assert snapshot(tmp_path) == before


def test_one_flag_given_again_takes_the_rest_from_the_take(shot, tmp_path, capsys):
    """The TD repeats only ``--gaze off`` (the flag they remember): the rest is the take's, said in
    one line, as the panel does. Before: refused, 'the take was made with --behaviour-seed 7 --mood
    animated; give that too' (``--gaze off`` made the run copy its request before the take was read)."""
    before = played(shot["take"])
    out = tmp_path / "gaze.blend"
    code, err, _ = _range(shot, out, "--gaze", "off", capsys=capsys)
    assert code == 0, err
    used = [e for e in err if "re-generates with the take's own settings" in e]
    assert len(used) == 1 and "--behaviour-seed 7, --mood animated" in used[0], err
    assert "--gaze" not in used[0]  # given, and the take's
    assert np.abs(played(out) - before).max() < 1e-4


def test_a_take_made_with_every_behaviour_amount_at_0_is_redone_all_off(tmp_path, capsys):
    """A take made with ``--blinks 0 --gaze 0 --head 0 --brows 0`` ("all off") records those settings
    like any other, so a range of it is redone all off, saying so, and never reads 'does not record
    the behaviour settings it was made with'."""
    scene = build_scene(tmp_path / "in.blend")
    audio = two_voices(tmp_path / "talk.wav", seconds=4.0)
    take = tmp_path / "take.blend"
    off = ["--blinks", "0", "--gaze", "0", "--head", "0", "--brows", "0"]
    argv = ["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take), *off, *CHARS]
    assert main(argv) == 0
    out = tmp_path / "range.blend"
    code, err, _ = _range({"take": take, "audio": audio}, out, capsys=capsys)
    assert code == 0, err
    assert not any("does not record the behaviour settings" in e for e in err), err
    assert any(
        "re-generates with the take's own settings: --blinks off, --gaze off, --head off, --brows off" in e
        for e in err
    ), err
    assert np.abs(played(out) - played(take)).max() < 1e-4


def test_the_takes_own_values_given_again_are_accepted(shot, tmp_path, capsys):
    code, err, _ = _range(shot, tmp_path / "same.blend", *MADE_WITH, capsys=capsys)
    assert code == 0, err


def test_a_take_that_records_its_keying_is_redone_with_it(tmp_path, capsys):
    """A take records how it was keyed (``range_plan.note_keyed``, written by every whole take:
    animate's, the panel's Generate, Apply Saved Take), so it is redone with its own
    ``--keys``/``--intensity``: one given otherwise is refused, one left out is the take's (before: an
    every-frame patch inside a reduced take)."""
    scene = build_scene(tmp_path / "in.blend")
    audio = two_voices(tmp_path / "talk.wav", seconds=4.0)
    take = tmp_path / "take.blend"
    argv = ["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take), "--keys", "reduced"]
    assert main([*argv, "--intensity", "mouth=0.5", *CHARS]) == 0
    shot = {"take": take, "audio": audio}
    code, err, _ = _range(shot, tmp_path / "no.blend", "--intensity", "mouth=1.5", capsys=capsys)
    assert_refused(code, err, "--range 40-60: the take was keyed with --intensity mouth=0.5, not mouth=1.5")
    code, err, _ = _range(shot, tmp_path / "no.blend", "--keys", "every-frame", capsys=capsys)
    assert_refused(code, err, "--range 40-60: the take was keyed with --keys reduced, not every-frame")
    out = tmp_path / "range.blend"
    code, err, _ = _range(shot, out, capsys=capsys)
    assert code == 0, err
    assert any(
        "is keyed with the take's own settings: --keys reduced, --intensity mouth=0.5" in e for e in err
    ), err
    bpy.ops.wm.open_mainfile(filepath=str(out))
    jaw = (
        bpy.data.objects["Ann"]
        .data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"]
        .strips[0]
        .action
    )
    from dualtalk.dualtalk_blender.scene import compat

    curve = next(fc for fc in compat.iter_fcurves(jaw, jaw.slots[0]) if "jawOpen" in fc.data_path)
    assert sum(40 <= k.co[0] <= 60 for k in curve.keyframe_points) < 21  # still sparse


def test_a_range_draws_its_lips_with_the_takes_release_and_rounding(tmp_path, capsys):
    """A take made with ``--lip-release 0.3 --lip-rounding 0.2`` and a range redone without those
    flags: the range drew its lips with the defaults (0.75, 0.5), a seam at its cross-fades. The
    take now records them; left out they are the take's, given otherwise the range is refused."""
    scene = build_scene(tmp_path / "in.blend")
    audio = two_voices(tmp_path / "talk.wav", seconds=4.0)
    take = tmp_path / "take.blend"
    lips = ["--lip-release", "0.3", "--lip-rounding", "0.2"]
    assert (
        main(["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take), *lips, *CHARS])
        == 0
    )
    shot = {"take": take, "audio": audio}
    code, err, _ = _range(shot, tmp_path / "no.blend", "--lip-release", "0.9", capsys=capsys)
    assert_refused(code, err, "--range 40-60: the take was made with --lip-release 0.3, not 0.9")
    code, err, _ = _range(shot, tmp_path / "no.blend", "--lip-release", "0.75", capsys=capsys)
    assert_refused(code, err, "--range 40-60: the take was made with --lip-release 0.3, not 0.75")
    code, err, _ = _range(shot, tmp_path / "range.blend", capsys=capsys)
    assert code == 0, err
    assert any(
        "re-generates with the take's own lips: --lip-release 0.3, --lip-rounding 0.2" in e for e in err
    ), err
    from dualtalk.inference.core.motion import load_motion

    drawn = load_motion(tmp_path / "range.dualtalk" / "A.npz").meta
    assert (drawn["lip_release"], drawn["lip_rounding"]) == (0.3, 0.2)  # before: 0.75, 0.5
    code, err, _ = _range(shot, tmp_path / "same.blend", *lips, capsys=capsys)
    assert code == 0 and not any("own lips" in e for e in err), err


def test_a_range_of_a_take_an_older_build_made_reads_its_settings_from_its_motion_files(
    shot, tmp_path, capsys
):
    """A take keyed by a build of 2026-12-06 04:18 or earlier records its recording but not its
    behaviour settings: the range used the flags' defaults (another seed and mood, eye contact on) with
    a warning. The motion files animate kept beside the take's dialogue record them (review 33u F3)."""
    import json

    from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP, is_ours

    bpy.ops.wm.open_mainfile(filepath=str(shot["take"]))
    for action in bpy.data.actions:  # the records as that build wrote them
        if is_ours(action):
            record = json.loads(action[OWNER_PROP])
            record["audio"].pop("settings", None)
            record["audio"].pop("lips", None)
            action[OWNER_PROP] = json.dumps(record)
    older = shot["folder"] / "older.blend"  # beside take.dualtalk/, as the take's own .blend is
    bpy.ops.wm.save_as_mainfile(filepath=str(older))
    before = played(older)
    argv = ["animate", "--blend", str(older), "--audio", str(shot["audio"]), "--out", str(tmp_path / "r.blend"),
            "--range", "40-60", *CHARS]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert code == 0, err
    assert not any("does not record the behaviour settings" in line for line in err), err
    assert np.abs(played(tmp_path / "r.blend") - before).max() < 1e-4  # was: the eyes swung to the partner
