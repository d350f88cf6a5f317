"""A pipeline TD animated seconds 2-6 of a recording (``--start 2 --end 6``) and comes back a week
later to redo frames 40-60 with ``animate --range``. Before, the take did not record where in its audio
it started nor which recording it was: a command without ``--start/--end``, or with another recording
long enough, re-generated the frames against other audio and exited 0 (the jaw moved by up to 0.47).
Now the take records both: without ``--start/--end`` the range hears the take's own part; a start,
end, ``--swap`` or recording that is not the take's is refused in one line, before anything is
written. The range's work files say they are a range, so ``--motion-a/-b`` keys them only as that
range, onto that take."""

from __future__ import annotations

import json
from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP
from robustness_util import assert_refused, run_cli, snapshot
from test_animate_moved_take import jaw
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]
FRAMES = np.arange(1, 101)  # the take: 4 s at 25 fps


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> dict[str, Path]:
    """The take, made from seconds 2-6 of an 8 s recording, and the recording itself."""
    folder = tmp_path_factory.mktemp("range_audio")
    scene = build_scene(folder / "in.blend")
    audio = two_voices(folder / "talk.wav", seconds=8.0)
    take = folder / "take.blend"
    rc = main(["animate", "--blend", str(scene), "--audio", str(audio), "--start", "2", "--end", "6",
               "--out", str(take), *CHARS])  # fmt: skip
    assert rc == 0
    return {"folder": folder, "scene": scene, "audio": audio, "take": take}


def _range(shot, out: Path, *audio: str, capsys=None, frames: str = "40-60") -> tuple[int, list[str], str]:
    argv = ["animate", "--blend", str(shot["take"]), "--out", str(out), "--range", frames, *audio, *CHARS]
    return run_cli(capsys, argv)


def test_without_start_and_end_a_range_hears_the_takes_own_part(shot, tmp_path, capsys):
    """The TD forgot ``--start 2 --end 6``: the take knows them. The engine hears the same audio as
    when the take was made, so the range comes out as the take had it. The recording is known by its
    contents, not its path: the archive's renamed copy is the take's too."""
    before = jaw(shot["take"], FRAMES)
    fixed = tmp_path / "fixed.blend"
    code, err, out = _range(shot, fixed, "--audio", str(shot["audio"]), capsys=capsys)
    assert code == 0, err
    assert "re-generated frames 40-60" in out and not err, err
    assert np.abs(jaw(fixed, FRAMES) - before).max() < 1e-5
    copy = tmp_path / "archive" / "scene4_take2.wav"
    copy.parent.mkdir()
    copy.write_bytes(shot["audio"].read_bytes())
    code, err, _ = _range(shot, tmp_path / "again.blend", "--audio", str(copy), "--start", "2", capsys=capsys)
    assert code == 0 and not err, err
    assert np.abs(jaw(tmp_path / "again.blend", FRAMES) - before).max() < 1e-5


@pytest.mark.parametrize(
    ("audio", "needle"),
    [
        (["--start", "0"], "but --start/--end ask for 0.00 s to the end"),
        (["--start", "2", "--end", "7"], "but --start/--end ask for 2.00 s to 7.00 s"),
        (["--start", "2", "--end", "6", "--swap"], "but --swap is given"),
        ("reversed", "but reversed.wav is not that recording (the contents differ)"),
        ("changed", "but talk.wav is not that recording now (the contents differ)"),
    ],
)
def test_audio_that_is_not_the_takes_is_refused_before_anything_is_written(
    shot, tmp_path, capsys, audio, needle
):
    recording = shot["audio"]
    if audio == "reversed":  # another recording, as long: it used to pass unnoticed
        x, sr = sf.read(str(recording), dtype="float32")
        recording = tmp_path / "reversed.wav"
        sf.write(str(recording), x[::-1], sr)
        audio = ["--start", "2", "--end", "6"]
    elif audio == "changed":  # the file was re-recorded under the same name since (another sound: the
        x, sr = sf.read(str(recording), dtype="float32")  # same one at another gain is the take's)
        (tmp_path / "new").mkdir()
        recording = tmp_path / "new" / "talk.wav"
        sf.write(str(recording), 0.5 * x[::-1], sr)
        audio = []
    out = tmp_path / "out"
    code, err, _ = _range(shot, out / "fixed.blend", "--audio", str(recording), *audio, capsys=capsys)
    line = assert_refused(code, err, needle)
    assert "--range 40-60: the take was made from talk.wav from 2.00 s to 6.00 s" in line, line
    assert "give the same --audio and --start/--end" in line
    assert snapshot(out) == {}


def _forget_audio(take: Path, old: Path) -> Path:
    """The take as a .blend keyed before takes recorded their audio: no ``audio`` in its actions."""
    bpy.ops.wm.open_mainfile(filepath=str(take))
    for action in bpy.data.actions:
        if OWNER_PROP in action:
            meta = json.loads(action[OWNER_PROP])
            meta.pop("audio", None)
            action[OWNER_PROP] = json.dumps(meta, sort_keys=True)
    assert layers.take_meta(bpy.data.objects["Ann"]).get("audio") is None
    bpy.ops.wm.save_as_mainfile(filepath=str(old))
    return old


def test_a_take_keyed_before_takes_recorded_their_audio_works_as_before_with_a_warning(
    shot, tmp_path, capsys
):
    old = _forget_audio(shot["take"], tmp_path / "old.blend")
    before = jaw(old, FRAMES)
    fixed = tmp_path / "fixed.blend"
    argv = ["animate", "--blend", str(old), "--out", str(fixed), "--range", "40-60", "--audio", str(shot["audio"]),
            "--start", "2", "--end", "6", *CHARS]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert code == 0, err
    assert [line for line in err if line.startswith("warning:")] == [
        "warning: the take 'take' does not record which audio it was made from (keyed before takes recorded "
        "it, or from motion files that do not say): --range 40-60 cannot check that --audio and "
        "--start/--end are the take's"
    ], err
    assert np.abs(jaw(fixed, FRAMES) - before).max() < 1e-5  # the same options: the same frames


def test_a_ranges_work_files_key_only_as_that_range_onto_that_take(shot, tmp_path, capsys):
    """After ``--range`` the work folder holds the range plus its context, not a take. Keyed later
    with ``--motion-a/-b`` they used to replace the whole 100-frame take with 55 frames."""
    fixed = tmp_path / "fixed.blend"
    code, err, _ = _range(shot, fixed, "--audio", str(shot["audio"]), capsys=capsys)
    assert code == 0, err
    work = tmp_path / "fixed.dualtalk"
    assert sorted(p.name for p in work.iterdir() if not p.name.startswith(".")) == ["A.npz", "B.npz"]
    files = ["--motion-a", str(work / "A.npz"), "--motion-b", str(work / "B.npz")]
    out = tmp_path / "out"
    for extra, needle in (
        ([], "A.npz is a re-generated range (frames 40-60 of take 'take'); key it with --range 40-60, "
         "or give a whole take"),
        (["--range", "30-50"], "A.npz is a re-generated range (frames 40-60 of take 'take'), not of frames "
         "30-50; key it with --range 40-60"),
    ):  # fmt: skip
        argv = [
            "animate",
            "--blend",
            str(shot["take"]),
            "--out",
            str(out / "x.blend"),
            *files,
            *extra,
            *CHARS,
        ]
        assert_refused(*run_cli(capsys, argv)[:2], needle)
        assert snapshot(out) == {}
    # With its range, onto its take: the frames the range run wrote.
    again = tmp_path / "again.blend"
    argv = ["animate", "--blend", str(shot["take"]), "--out", str(again), *files, "--range", "40-60", *CHARS]
    code, err, out_line = run_cli(capsys, argv)
    assert code == 0, err
    assert "re-generated frames 40-60 (cross-faded over 36-64)" in out_line
    assert np.abs(jaw(again, FRAMES) - jaw(fixed, FRAMES)).max() < 1e-6
    # A new take made since over the same frames is another take: refused.
    take2 = tmp_path / "take2.blend"
    argv = ["animate", "--blend", str(shot["scene"]), "--audio", str(shot["audio"]), "--start", "2", "--end", "6",
            "--out", str(take2), *CHARS]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    argv = [
        "animate",
        "--blend",
        str(take2),
        "--out",
        str(out / "x.blend"),
        *files,
        "--range",
        "40-60",
        *CHARS,
    ]
    assert_refused(
        *run_cli(capsys, argv)[:2], "A.npz is a re-generated range of another take 'take' than the one"
    )
    assert snapshot(out) == {}


def test_a_range_kept_by_the_panel_before_plans_held_the_audio_still_matches():
    """The add-on keeps a re-generated range with the plan it was made for and keys it only when the
    plan made again is the same; a plan kept before plans held the take's audio lacks that field."""
    from dualtalk.dualtalk_blender.addon import preview_range

    plan = {"first": 20, "last": 30, "take": "shot", "take_id": "a,b", "fps": 25.0, "crossfade": 4,
            "audio": {"files": ["talk.wav"], "start": 0.0, "end": 2.0, "swap": False, "fingerprint": "x"}}  # fmt: skip
    kept_then = {k: v for k, v in plan.items() if k != "audio"}
    assert preview_range._same_plan(plan, kept_then)
    assert preview_range._same_plan(plan, json.loads(json.dumps(plan)))
    assert not preview_range._same_plan(plan, {**kept_then, "take_id": "c,d"})
    assert not preview_range._same_plan(plan, {**plan, "audio": {**plan["audio"], "start": 4.0}})
    kept_before_take_ids = {k: v for k, v in plan.items() if k not in ("audio", "take_id")}
    assert preview_range._same_plan(plan, kept_before_take_ids)  # kept before takes carried an id
