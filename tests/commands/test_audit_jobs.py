"""A pipeline TD's overnight batches with ``animate --job``: big job files, shots that share a
work folder, one shot that breaks, and an FBX the exporter refuses after the .blend was written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.dualtalk_blender.scene import apply
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, save_motion
from test_blender_animate import build_scene, motions

DEFAULTS = {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob"}


def job_folder(tmp_path: Path) -> Path:
    """A job folder with the test scene and a take's motion files under ``in/``."""
    folder = tmp_path / "job"
    (folder / "in").mkdir(parents=True)
    build_scene(folder / "in" / "scene.blend")
    motions(folder / "in")
    return folder


def voice(path: Path, hz: float, seconds: float = 1.6) -> Path:
    """A stereo recording: A's tone in the first half (left), B's in the second (right)."""
    t = np.arange(int(seconds * 16000)) / 16000
    tone = (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    half = len(t) // 2
    sf.write(path, np.stack([np.where(t < t[half], tone, 0), np.where(t < t[half], 0, tone)], axis=1), 16000)
    return path


def run_job(folder: Path, spec: dict) -> int:
    (folder / "shots.json").write_text(json.dumps(spec))
    return main(["animate", "--quiet", "--job", str(folder / "shots.json")])


def test_a_job_file_with_thousands_of_shots_is_checked_in_linear_time(tmp_path, monkeypatch):
    """The TD generated a 10,000-shot job file (within MAX_SHOTS). Before, every output was
    compared with the real path of every input afresh (quadratic): 1,000 shots took ~40 s of
    checking and 10,000 hours before the first shot ran. Now each path is resolved once."""
    calls = []
    realpath = os.path.realpath
    monkeypatch.setattr(os.path, "realpath", lambda p, *a, **k: calls.append(p) or realpath(p, *a, **k))
    n = 300
    shots = [{"name": f"s{i}", "audio": f"audio/{i}.wav", "out": f"out/{i}.blend", "fbx": f"out/{i}.fbx"}
             for i in range(n)]  # fmt: skip
    parsed = parse_jobs({"defaults": {**DEFAULTS, "blend": "scene.blend"}, "shots": shots}, tmp_path)
    assert len(parsed) == n
    assert len(calls) < 30 * n  # a few per path; the old check made ~240 per shot here (and growing)


def test_two_shots_sharing_a_work_folder_are_refused_before_any_work(tmp_path, capsys):
    """Two shots had ``"work": "takes"`` and their own recordings. Both ran, and the second
    replaced takes/dialogue.wav, so the first shot's .blend played the second shot's dialogue
    (its sound strip points at the work folder's mix). Now: one line, nothing written."""
    folder = job_folder(tmp_path)
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz", "work": "takes"},
        "shots": [
            {"name": "one", "out": "out/one.blend", "audio": str(voice(folder / "in" / "one.wav", 140))},
            {"name": "two", "out": "out/two.blend", "audio": str(voice(folder / "in" / "two.wav", 220))},
        ],
    }
    capsys.readouterr()  # Blender's "Saved" line from building the scene
    assert run_job(folder, spec) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error: job file: shots 'one' and 'two' both write") and "\n" not in err
    assert "dialogue.wav" in err and captured.out == ""
    assert not (folder / "out").exists() and not (folder / "takes").exists()


def test_a_shots_work_files_may_not_replace_another_shots_input(tmp_path):
    """Shot "gen" wrote its engine take into ``takes/`` while shot "keyed" keyed the take the
    TD had kept there; ``takes/A.npz`` was silently replaced. Also a shot whose explicit work
    folder is another shot's default one (``out/x.dualtalk``) wrote over that shot's files."""
    base = {**DEFAULTS, "blend": "scene.blend"}
    with pytest.raises(DualTalkError, match=r"work file .*takes/A\.npz would overwrite an input"):
        parse_jobs(
            {"shots": [
                {**base, "name": "gen", "audio": "a.wav", "out": "o/gen.blend", "work": "takes"},
                {**base, "name": "keyed", "motion_a": "takes/A.npz", "motion_b": "takes/B.npz",
                 "out": "o/keyed.blend"},
            ]},
            tmp_path,
        )  # fmt: skip
    with pytest.raises(DualTalkError, match=r"shots 'x' and 'y' both write .*x\.dualtalk"):
        parse_jobs(
            {"shots": [
                {**base, "name": "x", "audio": "a.wav", "out": "out/x.blend"},
                {**base, "name": "y", "audio": "b.wav", "out": "out/y.blend", "work": "out/x.dualtalk"},
            ]},
            tmp_path,
        )  # fmt: skip


def test_one_shot_hitting_an_internal_error_does_not_stop_the_batch(tmp_path, capsys, monkeypatch):
    """Shot 2 of 3 hit an unexpected failure (a bug, a library error) while keying. The whole
    overnight batch died there: shot 3 never ran and no summary said which shots were done.
    Now the shot is reported in one line, the rest run, the summary counts it, and exit is 1."""
    folder = job_folder(tmp_path)
    real_apply = apply.apply_dialogue

    def flaky(obj_a, obj_b, motion_a, motion_b, options, **kw):
        if options.take == "crash":
            raise ValueError("cannot broadcast shapes (40,) and (39,)")
        return real_apply(obj_a, obj_b, motion_a, motion_b, options, **kw)

    monkeypatch.setattr(apply, "apply_dialogue", flaky)
    capsys.readouterr()  # Blender's "Saved" line from building the scene
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
        "shots": [
            {"name": "first", "out": "out/first.blend"},
            {"name": "crash", "out": "out/crash.blend"},
            {"name": "last", "out": "out/last.blend"},
        ],
    }
    assert run_job(folder, spec) == 1
    captured = capsys.readouterr()
    assert [line.split(":")[0] for line in captured.out.splitlines()] == ["first", "last"]
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: shot crash: internal error (ValueError: cannot broadcast shapes (40,) and (39,))",
        "error: 1 of 3 shots failed: crash (see the errors above)",
    ]
    assert sorted(p.name for p in (folder / "out").iterdir()) == [
        ".first.blend.dualtalk-done", ".last.blend.dualtalk-done", "first.blend", "last.blend"
    ]  # fmt: skip


def hidden_bob_scene(path: Path) -> Path:
    """The test scene with Bob (mesh and rig) moved into a collection hidden in the viewport."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_scene(path)
    hidden = bpy.data.collections.new("Background")
    bpy.context.scene.collection.children.link(hidden)
    bob = bpy.data.objects["Bob"]
    for obj in (bob, bob.parent):
        for coll in list(obj.users_collection):
            coll.objects.unlink(obj)
        hidden.objects.link(obj)
    hidden.hide_viewport = True
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def test_an_fbx_the_exporter_would_refuse_is_refused_before_the_blend_is_written(tmp_path, capsys):
    """Bob sat in a collection hidden in the viewport. ``animate --fbx`` keyed both, wrote
    OUT.blend, then the exporter refused: exit 2 with an error, yet a finished-looking OUT.blend
    (and work files) stayed behind. Now it is refused before any work and nothing is written."""
    scene = hidden_bob_scene(tmp_path / "in" / "scene.blend")
    a, b = motions(tmp_path / "in")
    before = sha256_file(scene)
    out = tmp_path / "out"
    capsys.readouterr()  # Blender's "Saved" lines from building the scene
    rc = main(["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(out / "shot.blend"),
               "--fbx", str(out / "shot.fbx")])  # fmt: skip
    assert rc == 2
    assert not out.exists() and sha256_file(scene) == before
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --fbx: cannot export 'Bob_rig'") and "Background" in err and "\n" not in err
    # the same scene without --fbx still animates: the check is the FBX's, and it hid nothing for good
    assert main(["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
                 "--motion-a", str(a), "--motion-b", str(b), "--out", str(out / "shot.blend")]) == 0  # fmt: skip
    bpy.ops.wm.open_mainfile(filepath=str(out / "shot.blend"))
    assert bpy.data.collections["Background"].hide_viewport


def test_animate_fbx_names_a_mirror_modifier_the_file_leaves_out(tmp_path, capsys):
    """Ann's face is half a face with a Mirror modifier: the FBX (written without modifiers so the
    shape keys survive) holds half a face. The shot still succeeds, with a warning naming it."""
    scene = tmp_path / "in" / "scene.blend"
    scene.parent.mkdir(parents=True)
    build_scene(scene)
    bpy.data.objects["Ann"].modifiers.new("Mirror", "MIRROR")
    bpy.ops.wm.save_as_mainfile(filepath=str(scene))
    a, b = motions(tmp_path / "in")
    out = tmp_path / "out"
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(out / "shot.blend"),
               "--fbx", str(out / "shot.fbx")])  # fmt: skip
    assert rc == 0 and (out / "shot.fbx").is_file()
    warnings = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("warning: FBX")]
    assert len(warnings) == 1 and "'Ann'" in warnings[0] and "'Mirror'" in warnings[0]


def test_shot_names_with_control_characters_are_refused(tmp_path):
    """The TD made the job file from a spreadsheet saved on Windows: each name ended in "\\r".
    It was accepted, so the "one line per shot" on stdout broke and ``"fbx": true`` wrote
    ``cafe_01\\r.fbx``, which lists as cafe_01.fbx but is not found under that name."""
    base = {**DEFAULTS, "blend": "scene.blend", "audio": "a.wav", "out": "o/cafe_01.blend", "fbx": True}
    for name in ("cafe_01\r", "cafe\n01", "cafe\x1b[2J01"):
        with pytest.raises(DualTalkError, match=r"^shots\[0\]\.name: .*control characters$"):
            parse_jobs({"shots": [{**base, "name": name}]}, tmp_path)
    assert (
        parse_jobs({"shots": [{**base, "name": "cafe 01"}]}, tmp_path)[0].fbx
        == tmp_path / "o" / "cafe 01.fbx"
    )


def test_fbx_0_is_a_mistake_not_a_quiet_no(tmp_path):
    """``"fbx": 0`` (a spreadsheet's FALSE, or a typo for a path) quietly meant "no FBX", because
    0 == False in Python; true/false and a path are the only meanings."""
    base = {**DEFAULTS, "audio": "a.wav", "out": "o/cafe_01.blend"}
    for value in (0, 1, 0.0):
        with pytest.raises(DualTalkError, match=r"fbx"):
            parse_jobs({"shots": [{**base, "fbx": value}]}, tmp_path)
    assert parse_jobs({"shots": [{**base, "fbx": False}]}, tmp_path)[0].fbx is None


def test_a_default_work_folder_linked_outside_the_job_folder_is_refused(tmp_path):
    """A job folder unpacked from someone else's archive held ``out/x.dualtalk`` as a symbolic
    link to a folder elsewhere. Outputs were checked for links but the engine's work files were
    not, so A.npz, B.npz and dialogue.wav were written outside the job folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    job = tmp_path / "job"
    (job / "out").mkdir(parents=True)
    (job / "out" / "x.dualtalk").symlink_to(elsewhere, target_is_directory=True)
    shot = {**DEFAULTS, "blend": "scene.blend", "audio": "a.wav", "name": "x", "out": "out/x.blend"}
    with pytest.raises(DualTalkError, match="leads outside the job folder"):
        parse_jobs({"shots": [shot]}, job)


def test_a_rerun_that_fails_part_way_leaves_the_earlier_set_whole(tmp_path, capsys, monkeypatch):
    """Night 1 wrote shot.blend and shot.fbx. On night 2, with a new take, the FBX export failed
    (the disk filled up). The new shot.blend had already replaced night 1's, so the folder held
    a new .blend beside the old FBX: a set that looked finished but did not match. Now both are
    renamed into place only once every output is written; a failure keeps night 1's pair."""
    from dualtalk.dualtalk_blender.scene import fbx_export

    folder = job_folder(tmp_path)
    out, fbx = folder / "out" / "shot.blend", folder / "out" / "shot.fbx"
    args = ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--out", str(out), "--fbx", str(fbx)]  # fmt: skip
    night1 = ["--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz")]
    assert main(args + night1) == 0
    before = {p.name: sha256_file(p) for p in (out, fbx)}
    (folder / "night2").mkdir()
    a2, b2 = motions(folder / "night2", 60)

    def disk_full(objects, path, **kw):
        raise DualTalkError(f"could not write {path}: No space left on device")

    monkeypatch.setattr(fbx_export, "export_fbx", disk_full)
    capsys.readouterr()
    assert main(args + ["--motion-a", str(a2), "--motion-b", str(b2)]) == 74  # no room: retried
    assert capsys.readouterr().err.strip() == f"error: could not write {fbx}: No space left on device"
    assert {p.name: sha256_file(p) for p in (out, fbx)} == before
    # no temporaries; night 1's record of what it wrote stays with night 1's pair
    assert sorted(p.name for p in out.parent.iterdir()) == [
        ".shot.blend.dualtalk-done",
        "shot.blend",
        "shot.fbx",
    ]


@pytest.mark.parametrize(
    "outputs, message",
    [
        ({"--out": "o/x.blend", "--work": "o/x.blend"}, "--out {d}/o/x.blend is the same path as --work"),
        ({"--out": "o/x.blend", "--render": "o/frames", "--work": "o/frames"}, "is the same path as --work"),
        # a folder written ending in '/': "o/x.dualtalk" alone is no video and no folder name (render_args)
        ({"--out": "o/x.blend", "--render": "o/x.dualtalk/"}, "is the same path as the work folder"),
        ({"--out": "o/x.blend", "--render": "o/x.dualtalk"}, "'.dualtalk' is not a video format"),
        ({"--out": "o/x.blend", "--work": "o/x.blend/w"}, "lies inside --out"),
        ({"--out": "o/frames/x.blend", "--render": "o/frames"}, "lies inside --render"),
    ],
)
def test_outputs_that_collide_with_each_other_are_refused_before_any_work(tmp_path, capsys, outputs, message):
    """The TD pointed ``--work`` at the ``--out`` path (or at the ``--render`` folder). The shot
    failed only when saving or rendering, after the engine ran, and left a folder named
    x.blend (or a frames folder holding work files) that every later run then refused."""
    folder = job_folder(tmp_path)
    talk = voice(folder / "in" / "talk.wav", 150)
    argv = ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"),
            "--motion-b", str(folder / "in" / "B.npz"), "--audio", str(talk)]  # fmt: skip
    for flag, value in outputs.items():
        argv += [flag, f"{folder}/{value}"]  # as typed: a trailing '/' kept
    capsys.readouterr()
    assert main(argv) == 2
    assert not (folder / "o").exists()
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message.format(d=folder) in err and "\n" not in err


def test_a_video_this_machine_cannot_encode_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    """A render node's Blender built without FFmpeg and no ffmpeg installed: ``--render shot.mp4``
    ran the whole shot, wrote the .blend, then failed at the render. Now nothing runs."""
    from dualtalk.dualtalk_blender.scene import render

    (tmp_path / "in").mkdir()
    scene = build_scene(tmp_path / "in" / "scene.blend")
    a, b = motions(tmp_path / "in")
    monkeypatch.setattr(render, "blender_has_ffmpeg", lambda: False)
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    out = tmp_path / "out"
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(out / "shot.blend"),
               "--render", str(out / "shot.mp4")])  # fmt: skip
    assert rc == 2 and not out.exists()
    assert capsys.readouterr().err.strip() == (
        "error: this Blender build has no FFmpeg and no ffmpeg is on PATH: render to a folder instead"
    )


@pytest.mark.parametrize("order", [("b", "a"), ("a", "b")])
def test_a_shot_writing_inside_another_shots_output_is_refused_before_any_work(tmp_path, capsys, order):
    """Shot "a" rendered frames to ``out/frames`` while shot "b" saved ``out/frames/b.blend``.
    Each shot was checked only against its own outputs, so the batch started: with "b" first,
    "b" was written and then "a" failed on a frames folder holding a .blend; with "a" first, both
    ran and every re-run of "a" failed. Now the job is refused in one line before any shot runs."""
    folder = job_folder(tmp_path)
    shots = {"a": {"name": "a", "out": "out/a.blend", "render": "out/frames"},
             "b": {"name": "b", "out": "out/frames/b.blend"}}  # fmt: skip
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
        "shots": [shots[name] for name in order],
    }
    capsys.readouterr()  # Blender's "Saved" line from building the scene
    assert run_job(folder, spec) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error: job file: shot 'b' writes ") and "\n" not in err, err
    assert (
        f"out/frames/b.blend inside {folder}/out/frames, the render of shot 'a';" in err
        and captured.out == ""
    )
    assert not (folder / "out").exists()
    base = {**DEFAULTS, "blend": "scene.blend", "audio": "t.wav"}
    with pytest.raises(
        DualTalkError, match=r"shot 'y' writes .*x\.blend/y\.blend inside .*x\.blend, the out of shot 'x'"
    ):
        parse_jobs({"shots": [{**base, "name": "x", "out": "x.blend"},
                              {**base, "name": "y", "out": "x.blend/y.blend"}]}, tmp_path)  # fmt: skip


def test_a_farm_log_names_the_shot_on_every_progress_and_warning_line(tmp_path, capsys):
    """A farm log (stderr not a terminal) of a batch where shot 2 failed at once: the next shot's
    ``job: 67% third`` line was dropped (same stage within the redraw interval), so its progress
    and its ``warning: no FLAME->ARKit map ...`` read as the failed shot's; no line said "third".
    Now every progress line starts with its shot's name and every warning names it."""
    folder = job_folder(tmp_path)
    rng = np.random.default_rng(1)
    for role in ("A", "B"):  # FLAME motion on ARKit rigs: keyed with a warning
        save_motion(
            folder / "in" / f"flame_{role}.npz", Motion("flame56", rng.uniform(0, 0.2, (40, 56)), role=role)
        )
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
        "shots": [
            {"name": "first", "out": "out/first.blend"},
            {"name": "broken", "out": "out/broken.blend", "char_b": "Nobody"},
            {"name": "third", "out": "out/third.blend", "motion_a": "in/flame_A.npz", "motion_b": "in/flame_B.npz"},
        ],
    }  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec))
    capsys.readouterr()  # Blender's "Saved" line from building the scene
    assert main(["animate", "--job", str(folder / "shots.json")]) == 2
    captured = capsys.readouterr()
    assert [line.split(":")[0] for line in captured.out.splitlines()] == ["first", "third"]
    lines = captured.err.splitlines()
    assert "third: job: 67% shot 3 of 3" in lines
    progress = [line for line in lines if not line.startswith(("error:", "warning:", "job: 100%"))]
    assert progress and all(line.startswith(("first: ", "broken: ", "third: ")) for line in progress), lines
    warnings = [line for line in lines if line.startswith("warning:")]
    assert warnings and all(line.startswith("warning: shot 'third': ") for line in warnings), warnings
    assert "error: shot broken: character B 'Nobody' is not in the scene" in captured.err
