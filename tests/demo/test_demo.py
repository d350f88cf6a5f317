"""A new user's first command: ``python -m dualtalk demo --out DIR`` (here at 4 seconds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.core.outputs import WORK_MARKER

bpy = pytest.importorskip("bpy")
sf = pytest.importorskip("soundfile")

from dualtalk.dualtalk_blender.demo.demo_dialogue import ASSET, SCRIPT, load_conversation  # noqa: E402
from dualtalk.dualtalk_blender.scene.layers import take_actions  # noqa: E402
from dualtalk.inference.core.channels import ARKIT52  # noqa: E402
from dualtalk.inference.core.motion import load_motion  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SECONDS = 4.0


def _demo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DUALTALK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "dualtalk", "demo", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _weights_args(tmp: Path) -> list[str]:
    """The committed lite weights; a freshly initialised lite model if they are not built yet.

    The demo test is about the pipeline (files, scene, preview), not the model's quality,
    which the lite model's own tests judge.
    """
    from dualtalk.inference.models.lite.model import DEFAULT_WEIGHTS, LiteDualTalk, save_lite

    if DEFAULT_WEIGHTS.is_file():
        return []
    import torch

    torch.manual_seed(0)
    path = tmp / "untrained_lite.pt"
    save_lite(LiteDualTalk().eval(), path)
    return ["--checkpoint", str(path)]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    out = tmp / "out"
    proc = _demo("--out", str(out), "--seconds", str(SECONDS), "--frames", "4", *_weights_args(tmp), cwd=tmp)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


def test_demo_writes_every_promised_file_and_says_so(demo_run):
    out, proc = demo_run
    for name in ("demo.blend", "demo.fbx", "dialogue.wav", "preview.png", "A.npz", "B.npz"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
        assert name in proc.stdout  # the summary lists what was written
    # no temp leftovers; the one dot file is the marker that says these files are DualTalk's to replace
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [WORK_MARKER]
    assert "preview" in proc.stderr  # the progress display ran


def test_dialogue_wav_is_stereo_with_speaker_a_on_the_left(demo_run):
    out, _ = demo_run
    audio, sr = sf.read(str(out / "dialogue.wav"), always_2d=True)
    assert sr == 16000 and audio.shape[1] == 2
    assert abs(len(audio) / sr - SECONDS) < 0.05
    ma = load_motion(out / "A.npz")
    # Channel 0 is loud exactly where A's motion file says A is speaking.
    frame_energy = np.sqrt(
        np.mean(audio[: len(audio) // 640 * 640, 0].reshape(-1, 640) ** 2, axis=1)
    )  # 25 fps frames
    t = min(len(frame_energy), ma.num_frames)
    speaking = ma.speaking[:t]
    assert speaking.any() and (~speaking).any()
    assert frame_energy[:t][speaking].mean() > 3 * frame_energy[:t][~speaking].mean()


def test_blend_reopens_with_both_characters_animated_and_sound(demo_run):
    out, _ = demo_run
    bpy.ops.wm.open_mainfile(filepath=str(out / "demo.blend"))
    scene = bpy.context.scene
    assert scene.render.fps == 25 and scene.camera is not None
    assert scene.frame_end - scene.frame_start + 1 == pytest.approx(SECONDS * 25, abs=1)
    meshes = [o for o in scene.objects if o.type == "MESH" and o.get("dualtalk_role")]
    assert sorted(o["dualtalk_role"] for o in meshes) == ["A", "B"]
    for obj in meshes:
        keys = obj.data.shape_keys
        assert [k.name for k in keys.key_blocks[1:]] == list(ARKIT52)
        assert take_actions(keys), f"{obj.name} shape keys are not animated"
        jaw = [k.name for k in keys.key_blocks if k.name == "jawOpen"][0]
        values = []
        for f in range(scene.frame_start, scene.frame_end + 1, 5):
            scene.frame_set(f)
            values.append(keys.key_blocks[jaw].value)
        assert np.ptp(values) > 0.0  # the mouth moves over the take
    se = scene.sequence_editor
    strips = list(se.strips_all if hasattr(se, "strips_all") else se.sequences_all)
    assert any(s.type == "SOUND" for s in strips)


# ufbx's Python objects borrow memory from the loaded scene and can crash when freed out
# of order, so the independent FBX read runs in its own process and reports JSON.
FBX_READER = r"""
import json, sys
import ufbx
scene = ufbx.load_file(sys.argv[1])
nodes = [scene.nodes[i].name for i in range(len(scene.nodes))]
shapes = []
deformers = scene.blend_deformers
for d in range(len(deformers)):
    deformer = deformers[d]
    channels = deformer.channels
    shapes.append([channels[j].name for j in range(len(channels))])
    del channels, deformer
stacks = len(scene.anim_stacks)
del deformers
print(json.dumps({"nodes": nodes, "shapes": shapes, "stacks": stacks}), flush=True)
import os
os._exit(0)  # skip ufbx's teardown, which can crash after the answer is out
"""


def test_fbx_has_both_characters_with_blend_shapes(demo_run):
    import json

    pytest.importorskip("ufbx")
    out, _ = demo_run
    proc = subprocess.run(
        [sys.executable, "-c", FBX_READER, str(out / "demo.fbx")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    fbx = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"Ava", "Ben"} <= set(fbx["nodes"])
    assert len(fbx["shapes"]) == 2 and all(shapes == list(ARKIT52) for shapes in fbx["shapes"])
    assert fbx["stacks"] >= 1


def test_contact_sheet_shows_two_faces_on_a_plain_background(demo_run):
    out, _ = demo_run
    from dualtalk.dualtalk_blender.demo.preview import GUTTER, read_rgba

    rgb = read_rgba(out / "preview.png")[:, :, :3]
    h, w = rgb.shape[:2]

    assert w > 2 * h  # 4 frames as a 3-column grid of wide tiles, 2 rows
    tile = rgb[: (h - GUTTER) // 2, : (w - 2 * GUTTER) // 3]  # the first frame
    background = np.median(tile[:10].reshape(-1, 3), axis=0)
    differs = np.abs(tile - background).sum(axis=2) > 0.1
    # Both characters are in shot: the left and the right thirds of the frame hold figures,
    # and each has a head in the upper half.
    th, tw = differs.shape
    upper = differs[: th // 2]
    assert upper[:, : tw // 3].mean() > 0.02
    assert upper[:, 2 * tw // 3 :].mean() > 0.02
    assert differs.mean() < 0.8  # not a blank or all-figure frame


def test_demo_refuses_bad_input_with_one_line_and_writes_nothing(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    proc = _demo("--out", str(blocker), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error:") and len(proc.stderr.strip().splitlines()) == 1
    out = tmp_path / "out"
    proc = _demo("--out", str(out), "--seconds", "0", cwd=tmp_path)
    assert proc.returncode == 2 and "--seconds" in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_committed_dialogue_matches_the_script_and_can_stand_in_for_tts():
    conv = load_conversation("file")
    assert ASSET.is_file() and ASSET.stat().st_size < 1_000_000
    # Both speak, they overlap a little (backchannels), and nobody talks all the time.
    assert 0.2 < conv.active_a.mean() < 0.8 and 0.2 < conv.active_b.mean() < 0.8
    assert (conv.active_a & conv.active_b).any()
    assert conv.duration > 10 and len(SCRIPT) >= 6
    short = load_conversation("file", seconds=2.0)
    assert len(short.a) == 32000 and len(short.active_a) == 50


def test_preview_leaves_the_users_render_settings_as_they_were(tmp_path):
    from dualtalk.dualtalk_blender.demo.preview import GUTTER, pick_frames, render_contact_sheet

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    bpy.ops.mesh.primitive_monkey_add()
    cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
    scene.collection.objects.link(cam)
    cam.location, cam.rotation_euler = (0.0, -4.0, 0.0), (1.5708, 0.0, 0.0)
    scene.camera = cam
    scene.render.engine = "CYCLES"
    scene.render.resolution_x, scene.render.resolution_y = 1920, 1080
    scene.render.filepath = "//my_render_"
    scene.frame_start, scene.frame_end, scene.frame_current = 1, 9, 7

    assert pick_frames(scene, 3) == [1, 5, 9]
    sheet = render_contact_sheet(scene, tmp_path / "sheet.png", count=3, columns=3, width=160, height=90)

    assert sheet.is_file() and [p.name for p in tmp_path.iterdir()] == ["sheet.png"]
    img = bpy.data.images.load(str(sheet))
    try:
        assert tuple(img.size) == (3 * 160 + 2 * GUTTER, 90)  # three tiles, two gutters
    finally:
        bpy.data.images.remove(img)
    assert scene.render.engine == "CYCLES"
    assert (scene.render.resolution_x, scene.render.resolution_y) == (1920, 1080)
    assert scene.render.filepath == "//my_render_" and scene.frame_current == 7


def test_contact_sheet_frames_catch_the_open_mouths():
    from dualtalk.dualtalk_blender.demo.cmd_demo import sheet_frames
    from dualtalk.inference.core.channels import ARKIT55
    from dualtalk.inference.core.motion import Motion

    a = np.zeros((100, len(ARKIT55)), np.float32)
    b = np.zeros((100, len(ARKIT55)), np.float32)
    a[12, ARKIT55.index("jawOpen")] = 0.9  # A talks early
    b[71, ARKIT55.index("jawOpen")] = 0.8  # B talks late
    frames = sheet_frames((Motion("arkit55", a), Motion("arkit55", b)), count=2, first_frame=1)
    assert frames == [13, 72]  # one per half of the take, each at the widest mouth
