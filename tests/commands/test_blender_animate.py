"""``python -m dualtalk animate`` on a scene the test builds: engine -> motion files -> keys,
.blend/FBX/render outputs, job files, and refusals that never touch the input scene."""

from __future__ import annotations

import json
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.dualtalk_blender.scene import compat, layers
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, load_motion, save_motion


def build_scene(path: Path) -> Path:
    br.reset()
    scene = bpy.context.scene
    scene.render.fps = 25
    scene.render.engine = "BLENDER_WORKBENCH"
    br.make_character("Ann")
    br.make_character("Bob", location=(1.0, 0.0, 0.0))
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    cam.location = (0.5, -3.0, 1.6)
    cam.rotation_euler = (np.pi / 2, 0.0, 0.0)
    scene.collection.objects.link(cam)
    scene.camera = cam
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


@pytest.fixture(scope="module")
def scene_file(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("scene") / "in.blend")


def motions(folder: Path, frames: int = 40) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    speak = np.zeros(frames, bool)
    speak[: frames // 2] = True
    paths = []
    for role, sp in (("A", speak), ("B", ~speak)):
        v = rng.uniform(0, 1, (frames, 55)).astype(np.float32)
        v[:, 52:] = 0.05
        paths.append(save_motion(folder / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role)))
    return paths[0], paths[1]


def animated(path: Path) -> dict[str, object]:
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene = bpy.context.scene
    out = {
        "range": (scene.frame_start, scene.frame_end),
        "markers": sorted(m.name for m in scene.timeline_markers),
    }
    for name in ("Ann", "Bob"):
        key = bpy.data.objects[name].data.shape_keys
        strips = layers.our_strips(key)
        out[name] = strips["lips+jaw"].action if "lips+jaw" in strips else None
    se = scene.sequence_editor
    out["sound"] = [s.name for s in se.strips_all] if se else []
    return out


def test_animate_keys_existing_motion_files_and_leaves_the_input_alone(tmp_path, scene_file, capsys):
    before = sha256_file(scene_file)
    a, b = motions(tmp_path)
    out = tmp_path / "out" / "shot.blend"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(out)])  # fmt: skip
    assert rc == 0
    line = capsys.readouterr().out
    assert "wrote" in line and "40 frames at 25 fps" in line and "52/52 ARKit keys, head bone: head" in line
    assert sha256_file(scene_file) == before
    result = animated(out)
    assert result["range"] == (1, 40)
    assert is_ours(result["Ann"]) and is_ours(result["Bob"]) and result["Ann"] != result["Bob"]
    assert result["Ann"].name == "DualTalk_shot_Ann lips+jaw"
    assert result["markers"] == ["DT Ann speaks", "DT Bob speaks"]
    fc = next(f for f in compat.iter_fcurves(result["Ann"]) if f.data_path == 'key_blocks["jawOpen"].value')
    assert br.fcurve_values(fc)[:, 1] == pytest.approx(load_motion(a).channel("jawOpen"), abs=1e-6)


def two_voices(path: Path, seconds: float = 3.0) -> Path:
    """Stereo test audio: A talks (voiced bursts) in the first half, B in the second."""
    sr = 16000
    t = np.arange(int(seconds * sr)) / sr
    voice = (0.3 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 4 * t))).astype(np.float32)
    rng = np.random.default_rng(1)
    voice += 0.01 * rng.standard_normal(len(t)).astype(np.float32)
    half = len(t) // 2
    a, b = voice.copy(), voice.copy()
    a[half:] *= 0.0
    b[:half] *= 0.0
    sf.write(path, np.stack([a, b], axis=1), sr)
    return path


def test_animate_runs_the_engine_writes_motion_files_fbx_and_sound(
    tmp_path, scene_file, tiny_checkpoint, capsys
):
    audio = two_voices(tmp_path / "talk.wav")
    out = tmp_path / "engine.blend"
    fbx = tmp_path / "engine.fbx"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--audio", str(audio), "--checkpoint", str(tiny_checkpoint), "--device", "cpu",
               "--out", str(out), "--fbx", str(fbx)])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    work = tmp_path / "engine.dualtalk"
    motion_a = load_motion(work / "A.npz")
    assert motion_a.space == "flame56" and motion_a.engine == "dualtalk" and motion_a.num_frames == 75
    assert (work / "dialogue.wav").is_file() and fbx.stat().st_size > 10_000
    result = animated(out)
    assert result["range"] == (1, 75) and result["sound"] == ["DualTalk dialogue"]
    assert is_ours(result["Ann"]) and is_ours(result["Bob"])
    err = capsys.readouterr().err
    assert "FLAME->ARKit map" in err  # the user is told that only jaw/neck transfer without the map


@pytest.fixture(scope="module")
def can_render():
    from dualtalk.dualtalk_blender.demo.preview import start_workbench_probe, workbench_available

    start_workbench_probe()
    if not workbench_available():
        pytest.skip("no OpenGL context for Workbench on this machine")


def test_render_writes_an_image_sequence_with_the_scenes_camera(tmp_path, scene_file, can_render):
    a, b = motions(tmp_path, frames=3)
    frames = tmp_path / "frames"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "r.blend"),
               "--render", str(frames), "--resolution", "32x24"])  # fmt: skip
    assert rc == 0
    pngs = sorted(p.name for p in frames.iterdir())
    assert pngs == [".dualtalk-render.frames", "frame_0001.png", "frame_0002.png", "frame_0003.png"]
    hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert hidden == [".r.blend.dualtalk-done"]  # no temp leftovers: the shot's record only
    # The saved scene keeps its own resolution: the override was for this render only.
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "r.blend"))
    assert bpy.context.scene.render.resolution_x == 1920


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--out", "{blend}"], "overwrite the input scene"),
        (["--out", "{tmp}/x.fbx"], "must end in .blend"),
        (
            ["--out", "{tmp}/x.blend", "--char-a", "Nobody"],
            "'Nobody' is not in the scene (meshes/armatures: Ann, Ann_rig, Bob",
        ),
        (["--out", "{tmp}/x.blend", "--fbx", "{tmp}/x.obj"], "must end in .fbx"),
        (["--out", "{tmp}/x.blend", "--motion-b", "{tmp}/missing.npz"], "not found"),
    ],
)
def test_bad_requests_fail_with_one_line_and_write_nothing(tmp_path, scene_file, capsys, extra, message):
    a, b = motions(tmp_path)
    before = sha256_file(scene_file)
    base = {
        "--blend": str(scene_file),
        "--char-a": "Ann",
        "--char-b": "Bob",
        "--motion-a": str(a),
        "--motion-b": str(b),
    }
    args = dict(base)
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        args[flag] = value.format(blend=scene_file, tmp=tmp_path)
    argv = ["animate", "--quiet"] + [x for kv in args.items() for x in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert sha256_file(scene_file) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.npz", "B.npz"]


def test_job_file_runs_every_shot_and_reports_failures(tmp_path, scene_file, capsys):
    jobs = tmp_path / "job"
    (jobs / "in").mkdir(parents=True)
    a, b = motions(jobs / "in")
    (jobs / "in" / "scene.blend").write_bytes(scene_file.read_bytes())
    spec = {
        "defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                     "motion_b": "in/B.npz", "fbx": True},
        "shots": [
            {"name": "one", "out": "out/one.blend"},
            {"name": "two", "out": "out/two.blend", "intensity": {"mouth": 0.5}},
            {"name": "bad", "out": "out/bad.blend", "char_b": "Ghost"},
        ],
    }  # fmt: skip
    (jobs / "shots.json").write_text(json.dumps(spec))
    assert main(["animate", "--quiet", "--job", str(jobs / "shots.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out.count("wrote") == 2
    assert "error: shot bad: character B 'Ghost' is not in the scene" in captured.err
    assert "1 of 3 shots failed" in captured.err
    assert sorted(p.name for p in (jobs / "out").iterdir() if not p.name.startswith(".")) == [
        "one.blend", "one.fbx", "two.blend", "two.fbx"
    ]  # fmt: skip


BASE = {"blend": "s.blend", "char_a": "A", "char_b": "B", "audio": "a.wav"}


@pytest.mark.parametrize(
    "shot, message",
    [
        ({"out": "../escape.blend"}, "'..' is not allowed"),
        ({"out": "/tmp/abs.blend"}, "must be relative"),
        ({"out": "o.blend", "audio": "../../etc/passwd"}, "'..' is not allowed"),
        ({"out": "o.blend", "fbx": "C:\\x.fbx"}, "must be relative"),
        ({"out": "o.txt"}, "must end in .blend"),
        ({"out": "o.blend", "start": 5, "end": 2}, "end must be after start"),
        ({"out": "o.blend", "motion_a": "a.npz"}, "both motion_a and motion_b"),
        ({"out": "o.blend", "resolution": [0, 10]}, "within 8..16384"),
        ({"out": "o.blend", "intensity": {"ears": 1}}, "intensity"),
        ({"out": "o.blend", "colour": "red"}, "unknown field"),
        ({"out": "s.blend"}, "would overwrite an input"),
    ],
)
def test_job_files_cannot_escape_their_folder_or_be_ambiguous(tmp_path, shot, message):
    with pytest.raises(DualTalkError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_jobs({"shots": [{**BASE, **shot}]}, tmp_path)


def test_job_paths_resolve_against_the_job_folder_and_outputs_must_differ(tmp_path):
    shots = parse_jobs(
        {"defaults": {**BASE, "fbx": True}, "shots": [{"name": "s1", "out": "o/s1.blend"}]}, tmp_path
    )
    assert shots[0].blend == tmp_path / "s.blend" and shots[0].fbx == tmp_path / "o" / "s1.fbx"
    with pytest.raises(DualTalkError, match="both write"):
        parse_jobs(
            {"shots": [{**BASE, "name": "x", "out": "o.blend"}, {**BASE, "name": "y", "out": "./o.blend"}]},
            tmp_path,
        )
    with pytest.raises(DualTalkError, match="non-empty list"):
        parse_jobs({"shots": []}, tmp_path)
    with pytest.raises(
        DualTalkError, match=r"^defaults: unknown field\(s\) smoothin \(did you mean smoothing\?\)$"
    ):
        parse_jobs({"defaults": {"smoothin": 1}, "shots": [{**BASE, "out": "o.blend"}] * 2}, tmp_path)
    with pytest.raises(DualTalkError, match="render samples must be within 1..65536, got 0"):
        parse_jobs({"shots": [{**BASE, "out": "o.blend", "samples": 0}]}, tmp_path)


def test_render_video_muxes_the_dialogue_audio(tmp_path, scene_file, can_render):
    import shutil
    import subprocess

    if not bpy.app.build_options.codec_ffmpeg and shutil.which("ffmpeg") is None:
        pytest.skip("no FFmpeg in this Blender build nor on PATH")
    a, b = motions(tmp_path, frames=5)
    audio = two_voices(tmp_path / "talk.wav", seconds=0.2)
    video = tmp_path / "shot.mp4"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--audio", str(audio),
               "--out", str(tmp_path / "v.blend"), "--render", str(video), "--resolution", "32x24"])  # fmt: skip
    assert rc == 0 and video.stat().st_size > 0
    if shutil.which("ffprobe"):
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", str(video)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert sorted(probe.stdout.split()) == ["audio", "video"]


def test_a_damaged_blend_file_is_one_clear_error(tmp_path, capsys):
    a, b = motions(tmp_path)
    bad = tmp_path / "bad.blend"
    bad.write_bytes(b"BLENDER-not-really")
    rc = main(["animate", "--quiet", "--blend", str(bad), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "o.blend")])  # fmt: skip
    captured = capsys.readouterr()
    assert rc == 2 and captured.out == ""
    assert captured.err.startswith("error: cannot open bad.blend") and captured.err.count("\n") == 1
    assert not (tmp_path / "o.blend").exists()


def test_render_without_a_camera_is_refused_before_any_work(tmp_path, scene_file, capsys):
    bpy.ops.wm.open_mainfile(filepath=str(scene_file))
    bpy.context.scene.camera = None
    nocam = tmp_path / "nocam.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(nocam), copy=True)
    a, b = motions(tmp_path)
    rc = main(["animate", "--quiet", "--blend", str(nocam), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "o.blend"),
               "--render", str(tmp_path / "frames")])  # fmt: skip
    assert rc == 2 and "no active camera to render from" in capsys.readouterr().err
    assert not (tmp_path / "o.blend").exists() and not (tmp_path / "frames").exists()


def jaw_curve(path: Path, name: str = "Ann") -> np.ndarray:
    """jawOpen as Blender plays it on every frame of the saved scene."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene = bpy.context.scene
    kb = bpy.data.objects[name].data.shape_keys.key_blocks["jawOpen"]
    values = []
    for f in range(scene.frame_start, scene.frame_end + 1):
        scene.frame_set(f)
        values.append(kb.value)
    return np.array(values)


def test_a_range_is_regenerated_with_layers_influence_and_sparse_keys(tmp_path, scene_file, capsys):
    a, b = motions(tmp_path, frames=60)
    first = tmp_path / "take.blend"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(first)])  # fmt: skip
    assert rc == 0
    before = jaw_curve(first)
    capsys.readouterr()
    # Another version of the dialogue (e.g. after an audio edit): only frames 20-30 are replaced.
    (tmp_path / "v2").mkdir()
    a2, b2 = motions(tmp_path / "v2", frames=60)
    v2 = load_motion(a2)
    v2.values[:] = 1.0 - v2.values
    save_motion(a2, v2)
    second = tmp_path / "fixed.blend"
    fbx = tmp_path / "fixed.fbx"
    rc = main(["animate", "--quiet", "--blend", str(first), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a2), "--motion-b", str(b2), "--out", str(second), "--range", "20-30",
               "--keys", "reduced", "--layer-influence", "head=0.5", "--fbx", str(fbx), "--fbx-scope", "face"])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    line = capsys.readouterr().out
    assert "re-generated frames 20-30 (cross-faded over 16-34)" in line
    after = jaw_curve(second)
    frames = np.arange(1, 61)
    outside = (frames < 16) | (frames > 34)
    assert np.abs(after[outside] - before[outside]).max() < 1e-6
    inside = (frames >= 20) & (frames <= 30)
    assert np.abs(after[inside] - v2.channel("jawOpen")[inside]).max() <= 0.01 + 1e-6
    assert layers.our_strips(bpy.data.objects["Bob"].parent)["head"].influence == pytest.approx(0.5)
    assert fbx.stat().st_size > 10_000
    # A range past the take's end is refused before anything runs or is written.
    over = tmp_path / "over.blend"
    rc = main(["animate", "--quiet", "--blend", str(first), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a2), "--motion-b", str(b2), "--out", str(over), "--range", "50-70"])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "range 50-70 must lie within the take (frames 1-60)" in err
    assert not over.exists() and not (tmp_path / "over.dualtalk").exists()


def test_bad_render_settings_are_refused_before_any_work(tmp_path, scene_file, capsys):
    a, b = motions(tmp_path)
    out = tmp_path / "o.blend"
    base = ["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(out), "--fbx", str(tmp_path / "o.fbx"),
            "--render", str(tmp_path / "frames")]  # fmt: skip
    for extra, message in (
        (["--resolution", "0x0"], "render resolution must be within 8..16384 pixels, got 0x0"),
        (["--resolution", "99999x99999"], "render resolution must be within"),
        (["--samples", "0"], "render samples must be within 1..65536, got 0"),
    ):
        assert main(base + extra) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
        assert not out.exists() and not (tmp_path / "o.fbx").exists() and not (tmp_path / "frames").exists()
    # Render settings without --render do nothing, and the run says so.
    assert main(base[:-2] + ["--resolution", "480x270"]) == 0
    assert "warning: --resolution applies only with --render; ignored" in capsys.readouterr().err


def test_layer_and_range_options_are_checked_before_any_work(tmp_path, scene_file, capsys):
    a, b = motions(tmp_path)
    base = ["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "o.blend")]  # fmt: skip
    for extra, message in (
        (["--layer-influence", "ears=0.5"], "unknown layer"),
        (["--range", "400"], "FIRST-LAST"),
        (["--keys", "some"], "invalid choice"),
        (["--range", "10-20"], "animate the whole take first"),
        (["--layer-influence", "head=1.5"], "between 0 and 1"),
    ):
        try:
            rc = main(base + extra)
        except SystemExit as exc:  # argparse refuses malformed values itself
            rc = exc.code
        assert rc == 2
        err = capsys.readouterr().err
        assert message in err and err.count("error:") == 1
        assert not (tmp_path / "o.blend").exists()


def test_jobs_take_the_new_options():
    shots = parse_jobs(
        {"shots": [{"blend": "a.blend", "char_a": "A", "char_b": "B", "out": "o.blend", "audio": "x.wav",
                    "keys": "reduced", "layer_influence": {"head": 0.25}, "range": [10, 20],
                    "fbx_scope": "face"}]},
        Path("/tmp"),
    )  # fmt: skip
    assert shots[0].keys == "reduced" and shots[0].layer_influence == {"head": 0.25}
    assert shots[0].frame_range == (10, 20) and shots[0].fbx_scope == "face"
    with pytest.raises(DualTalkError, match="range"):
        parse_jobs({"shots": [{"blend": "a", "char_a": "A", "char_b": "B", "out": "o.blend", "audio": "x",
                               "range": [20, 10]}]}, Path("/tmp"))  # fmt: skip


def test_a_range_reruns_the_engine_on_the_audio_around_it(tmp_path, scene_file, tiny_checkpoint, capsys):
    audio = two_voices(tmp_path / "talk.wav", seconds=6.0)
    take = tmp_path / "take.blend"
    common = ["--char-a", "Ann", "--char-b", "Bob", "--audio", str(audio), "--checkpoint", str(tiny_checkpoint),
              "--device", "cpu", "--quiet"]  # fmt: skip
    assert main(["animate", "--blend", str(scene_file), "--out", str(take), *common]) == 0
    before = jaw_curve(take)
    capsys.readouterr()
    fixed = tmp_path / "fixed.blend"
    rc = main(["animate", "--blend", str(take), "--out", str(fixed), "--range", "100-110",
               "--work", str(tmp_path / "w2"), *common])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    # The engine heard 2 s of context on each side: frames 46..150 of the take (1.8 s onwards).
    assert load_motion(tmp_path / "w2" / "A.npz").num_frames == 150 - 45
    after = jaw_curve(fixed)
    frames = np.arange(1, 151)
    assert np.abs(after[(frames < 96) | (frames > 114)] - before[(frames < 96) | (frames > 114)]).max() < 1e-6
    assert animated(fixed)["sound"] == ["DualTalk dialogue"] and animated(fixed)["range"] == (1, 150)
    # Another, shorter recording cannot cover the range's window: said before the engine runs.
    short = two_voices(tmp_path / "short.wav", seconds=2.0)
    other = [*common[:4], "--audio", str(short), *common[6:]]
    rc = main(
        ["animate", "--blend", str(take), "--out", str(tmp_path / "x.blend"), "--range", "100-110", *other]
    )
    err = capsys.readouterr().err
    assert rc == 2 and err.count("error:") == 1
    assert "--range 100-110 needs short.wav from 1.80 to 6.00 s, but it is 2.00 s long" in err
    assert not (tmp_path / "x.blend").exists() and not (tmp_path / "x.dualtalk").exists()
    # The take's recording copied half-way (its header still says 6 s): the range is named, not an
    # --end nobody typed.
    if "MP3" not in sf.available_formats():
        return
    cut = tmp_path / "cut.mp3"  # an MP3's header keeps the whole length when the file is cut
    x, sr = sf.read(str(audio), dtype="float32")
    sf.write(str(cut), x, sr, format="MP3")
    cut.write_bytes(cut.read_bytes()[: len(cut.read_bytes()) // 2])
    other = [*common[:4], "--audio", str(cut), *common[6:]]
    rc = main(
        ["animate", "--blend", str(take), "--out", str(tmp_path / "x.blend"), "--range", "100-110", *other]
    )
    err = capsys.readouterr().err
    assert rc == 2 and err.count("error:") == 1, err
    assert "--range 100-110 needs cut.mp3 from 1.80 to 6.00 s, but its audio stops at" in err, err
    assert "--end" not in err and not (tmp_path / "x.blend").exists()


def test_a_shot_reads_each_character_once(tmp_path, scene_file, monkeypatch):
    """The up-front rig check is the report the keying uses: one inspection per character."""
    calls = br.count_inspections(monkeypatch)
    a, b = motions(tmp_path)
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "shot.blend")])  # fmt: skip
    assert rc == 0
    assert sorted(calls) == ["Ann", "Bob"], calls


def test_animate_with_the_script_keys_lips_drawn_from_it(tmp_path, scene_file, capsys):
    """A TD with the script: ``--transcript`` draws both characters' mouths from it, and says so."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference.audio.tts import Voice, available_engines
    from dualtalk.inference.audio.tts import speak as say

    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    sr, lines = 16000, ("Maybe we should bring the map.", "Bob will buy a boat.")
    first, second = say(lines[0], Voice("flite", "kal")), say(lines[1], Voice("flite", "slt"))
    n = len(first.audio) + len(second.audio) + sr
    a, b = np.zeros(n, np.float32), np.zeros(n, np.float32)
    a[: len(first.audio)] = first.audio
    b[len(first.audio) + sr // 2 : len(first.audio) + sr // 2 + len(second.audio)] = second.audio
    sf.write(tmp_path / "talk.wav", np.stack([a, b], axis=1), sr)
    (tmp_path / "scene.txt").write_text(f"A: {lines[0]}\nB: {lines[1]}\n", encoding="utf-8")
    out = tmp_path / "scripted.blend"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
               "--audio", str(tmp_path / "talk.wav"), "--engine", "lite", "--device", "cpu",
               "--transcript", str(tmp_path / "scene.txt"), "--out", str(out)])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    assert "lips from the transcript (A 6/6 words, B 5/5 words)" in capsys.readouterr().out
    motion_b = load_motion(tmp_path / "scripted.dualtalk" / "B.npz")
    assert motion_b.meta["transcript"]["aligned"] == 5
    result = animated(out)
    fc = next(
        f for f in compat.iter_fcurves(result["Bob"]) if f.data_path == 'key_blocks["mouthClose"].value'
    )
    assert br.fcurve_values(fc)[:, 1] == pytest.approx(motion_b.channel("mouthClose"), abs=1e-6)
