"""Issue 14, group 6: signals and output streams.

A render farm or ``timeout`` stops a job with SIGTERM; a user presses Ctrl-C. Either way
the run ends with one ``error:`` line, exit 143 (SIGTERM) or 130 (Ctrl-C), and no hidden
``.part`` temp file or half-written output is left. stdout carries only results:
whatever Blender prints on its own goes to stderr.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, sha256s, snapshot, two_voices


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict[str, Path]:
    from addon_helpers import write_tiny_lite

    root = tmp_path_factory.mktemp("take")
    audio = root / "talk.wav"
    sf.write(audio, two_voices(2.0), 16000)
    return {"audio": audio, "lite": write_tiny_lite(root / "lite.pt"), "root": root}


def _signal_mid_write(take: dict[str, Path], out: Path, sig: int) -> subprocess.CompletedProcess:
    """``python -m dualtalk infer`` in a child that receives ``sig`` while A.npz is half written.

    The signal is real (the child sends it to itself from inside numpy's writer, after the
    first bytes reached the hidden temp file), so the handler, not a test double, decides.
    """
    script = textwrap.dedent(
        f"""
        import os, sys
        from dualtalk.inference.core import motion as m
        real_savez = m.np.savez
        def savez_then_signal(fh, **arrays):
            fh.write(b"PK\\x03\\x04" + b"half a motion file" * 1000)
            fh.flush()
            os.kill(os.getpid(), {int(sig)})
            real_savez(fh, **arrays)
        m.np.savez = savez_then_signal
        from dualtalk import cli
        sys.exit(cli.main(["infer", "--quiet", "--audio", {str(take["audio"])!r}, "--engine", "lite",
                           "--checkpoint", {str(take["lite"])!r}, "--device", "cpu", "--out", {str(out)!r}]))
        """
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("sig", "code", "words"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_while_writing_removes_the_temp_file_and_exits_like_a_shell(
    take, tmp_path, sig, code, words
):
    """SIGTERM had no handler: the process died on the spot and left .part files (3.9 MB in one case)."""
    before = sha256s(take["audio"], take["lite"])
    out = tmp_path / "take"
    proc = _signal_mid_write(take, out, sig)
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert_refused(proc.returncode, err, words, exit_code=code)
    assert proc.stdout == ""
    assert snapshot(out) == {}, "no A.npz, no B.npz and no hidden .part file"
    assert sha256s(take["audio"], take["lite"]) == before


def test_ctrl_c_while_align_writes_keeps_the_earlier_aligned_clips_whole(tmp_path):
    """align wrote its --out in place: Ctrl-C in the write left a 900-byte torn archive instead of the
    earlier good one (synth --real then failed on it), after a traceback."""
    from dualtalk.inference.audio.tts import Voice, available_engines, speak
    from dualtalk.training.evaluation.lipsync import write_alignment

    if "espeak" not in available_engines():
        pytest.skip("espeak-ng is not installed")
    reader = tmp_path / "reader"
    for k, text in enumerate(("Maybe my brother will buy a boat.", "Please pass me the apple pie.")):
        utt = speak(text, Voice("espeak", "en-us", 1.0, 40.0, 60.0, False))
        write_alignment(reader, f"clip{k}", utt.audio, utt.phones, alphabet="ipa", lang="en", text=text)
    out = tmp_path / "real" / "aligned.npz"
    out.parent.mkdir()
    argv = ["--phones", str(reader), "--out", str(out)]
    good = subprocess.run([sys.executable, "-m", "dualtalk.training.lite.align", *argv], capture_output=True)
    assert good.returncode == 0, good.stderr
    before = sha256s(out)
    script = textwrap.dedent(
        f"""
        import os, runpy, signal, sys
        import numpy as np
        real_write = np.lib.format.write_array
        written = []
        def write_then_signal(*args, **kwargs):
            written.append(1)
            if len(written) == 2:  # the first clip is in the archive, the second not yet
                os.kill(os.getpid(), signal.SIGINT)
            return real_write(*args, **kwargs)
        np.lib.format.write_array = write_then_signal
        sys.argv = ["align", *{argv!r}, "--replace"]
        runpy.run_module("dualtalk.training.lite.align", run_name="__main__")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert_refused(proc.returncode, err, "interrupted", exit_code=130)
    assert sha256s(out) == before, "the earlier aligned clips are whole"
    assert sorted(p.name for p in out.parent.iterdir()) == ["aligned.npz"], "no .part file left"


@pytest.fixture(scope="module")
def scene_kit(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kit")
    br.save_pair(root / "scene.blend")
    speak = np.arange(30) < 15
    for role, sp in (("A", speak), ("B", ~speak)):
        v = np.random.default_rng(1).uniform(0, 0.8, (30, 55)).astype(np.float32)
        save_motion(root / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return root


def test_ctrl_c_during_fbx_export_is_exit_130_not_an_exporter_failure(
    scene_kit, tmp_path, capsys, monkeypatch
):
    """Blender wraps the KeyboardInterrupt raised inside its exporter in a RuntimeError; it used to read
    "FBX exporter failed", exit 2."""
    import io_scene_fbx.export_fbx_bin as fbx_bin

    real = fbx_bin.save_single

    def ctrl_c_mid_export(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, handled by the CLI's handler
        return real(*args, **kwargs)

    monkeypatch.setattr(fbx_bin, "save_single", ctrl_c_mid_export)
    inputs = [scene_kit / "scene.blend", scene_kit / "A.npz", scene_kit / "B.npz"]
    before = sha256s(*inputs)
    out = tmp_path / "out"
    argv = ["animate", "--quiet", "--blend", str(scene_kit / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(scene_kit / "A.npz"), "--motion-b", str(scene_kit / "B.npz"),
            "--out", str(out / "shot.blend"), "--fbx", str(out / "shot.fbx")]  # fmt: skip
    code, err, stdout = run_cli(capsys, argv)
    assert_refused(code, err, "interrupted", exit_code=130)
    assert stdout == ""
    left = snapshot(out)
    assert "shot.fbx" not in left and not [n for n in left if ".part" in n], left
    # the shot's outputs go in place together once all are done: no .blend without its FBX
    assert "shot.blend" not in left, left
    assert sha256s(*inputs) == before


def test_blenders_own_output_goes_to_stderr_and_stdout_holds_only_the_result(scene_kit, tmp_path):
    """A C-level write to stdout during the run (Blender reports, warnings) lands on stderr."""
    out = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import os, sys
        from dualtalk.dualtalk_blender.scene import apply
        real = apply.apply_dialogue
        def noisy(*a, **k):
            os.write(1, b"Warning: something Blender says on its own\\n")  # what C code does
            return real(*a, **k)
        apply.apply_dialogue = noisy
        import dualtalk.dualtalk_blender.commands.shot_run as cmd
        cmd.apply_dialogue = noisy
        from dualtalk import cli
        sys.exit(cli.main(["animate", "--quiet", "--blend", {str(scene_kit / "scene.blend")!r}, "--char-a", "Ann",
                           "--char-b", "Bob", "--motion-a", {str(scene_kit / "A.npz")!r},
                           "--motion-b", {str(scene_kit / "B.npz")!r}, "--out", {str(out / "shot.blend")!r}]))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        line for line in proc.stdout.splitlines() if line.startswith("wrote ")
    ]
    assert len(proc.stdout.splitlines()) == 1
    assert "something Blender says" in proc.stderr


def test_a_render_reports_every_frame_with_an_eta_and_how_to_preview_faster(tmp_path):
    """``render: 0% 300 frames`` and then silence for the whole render (57 s a frame on EEVEE/CPU)."""
    from dualtalk.dualtalk_blender.scene.render import preview_hint, render_shot

    br.reset()
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.frame_start, scene.frame_end = 1, 3
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    scene.collection.objects.link(cam)
    scene.camera = cam

    class Recorder:
        def __init__(self) -> None:
            self.lines: list[tuple[str, float, str]] = []

        def update(self, stage: str, fraction: float, message: str = "") -> None:
            self.lines.append((stage, fraction, message))

    rec = Recorder()
    render_shot(scene, tmp_path / "frames", resolution=(16, 16), progress=rec)
    messages = [m for stage, _f, m in rec.lines if stage == "render"]
    assert messages[0] == "3 frames, BLENDER_WORKBENCH"  # a tiny Workbench render needs no advice (R3)
    per_frame = [m for m in messages if m.startswith("frame ")]
    assert [m.split(",")[0] for m in per_frame] == ["frame 1/3", "frame 2/3", "frame 3/3"]
    assert all("s/frame" in m and "left" in m for m in per_frame)
    fractions = [f for stage, f, m in rec.lines if stage == "render"]
    assert fractions == sorted(fractions)
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [
        ".dualtalk-render.frames", "frame_0001.png", "frame_0002.png", "frame_0003.png"
    ]  # fmt: skip
    scene.render.engine = "BLENDER_EEVEE"  # a full-size EEVEE render is told how to preview faster
    scene.render.resolution_x, scene.render.resolution_y, scene.eevee.taa_render_samples = 1920, 1080, 64
    assert preview_hint(scene) == "for a quick preview: --resolution 480x270 --samples 1"


def test_sigterm_during_a_render_ends_the_run_and_leaves_no_frames(tmp_path):
    """Blender's render loop swallows exceptions raised in its handlers; the signal must still end the run."""
    from dualtalk.dualtalk_blender.scene.render import render_shot
    from dualtalk.inference.core import interrupts

    br.reset()
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.frame_start, scene.frame_end = 1, 3
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    scene.collection.objects.link(cam)
    scene.camera = cam

    def farm_stops_us(*_args) -> None:
        if scene.frame_current == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    bpy.app.handlers.render_post.append(farm_stops_us)
    try:
        with interrupts.handle_signals(), pytest.raises(interrupts.Terminated):
            render_shot(scene, tmp_path / "frames", resolution=(16, 16))
    finally:
        bpy.app.handlers.render_post.remove(farm_stops_us)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no frames folder, no hidden .part folder
