"""A pipeline TD's outputs are links, pipes and nearly full disks; none of them may be damaged.

One rule for every writer (``fileio.resolve_output``, used by ``atomic_paths`` and by the up-front
``outputs.check_target``): a symbolic link to a file keeps the link and its target is replaced
atomically; a pipe, a terminal or ``/dev/stdout`` is written into, never replaced; a block device
or a socket is refused in one line before any work. Renders check what Blender wrote: a full disk
is one line naming the disk's error, exit 74 (no room: retried), and the earlier frames or video stay as they were.

The real full disk is a small tmpfs (needs root and ``mount``; skipped elsewhere); the simulated
one lets Blender's writer leave an empty or cut-off file and the disk answer ENOSPC.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.blendio import blend_is_complete
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, sha256s, snapshot

FULL = "No space left on device"


@pytest.fixture
def project(tmp_path) -> Path:
    """A TD's shot folder: scene.blend (Ann, Bob, a camera, Workbench), 3-frame motion files A.npz
    and B.npz, and a job file job.json writing o/s1.blend."""
    br.reset()
    scene = bpy.context.scene
    scene.render.fps = 25
    scene.render.engine = "BLENDER_WORKBENCH"
    br.make_character("Ann")
    br.make_character("Bob", location=(1.0, 0.0, 0.0))
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    scene.collection.objects.link(cam)
    scene.camera = cam
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "scene.blend"))
    speak = np.arange(3) < 2
    for role, sp in (("A", speak), ("B", ~speak)):
        v = np.random.default_rng(1).uniform(0, 0.8, (3, 55)).astype(np.float32)
        save_motion(tmp_path / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    shot = {"name": "s1", "blend": "scene.blend", "char_a": "Ann", "char_b": "Bob",
            "motion_a": "A.npz", "motion_b": "B.npz", "out": "o/s1.blend"}  # fmt: skip
    (tmp_path / "job.json").write_text(json.dumps({"version": 1, "shots": [shot]}))
    return tmp_path


def _animate(project: Path, out: Path, *extra: str) -> list[str]:
    return ["animate", "--quiet", "--blend", str(project / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(project / "A.npz"), "--motion-b", str(project / "B.npz"), "--out", str(out),
            *extra]  # fmt: skip


def _run_fd(capfd, argv: list[str]) -> tuple[int, list[str], str]:
    """The CLI in this process, its output read at the file descriptors: Blender's own C prints
    ("Could not initialize streams ...") count as lines the user sees."""
    from dualtalk import cli

    capfd.readouterr()
    code = cli.main(argv)
    cap = capfd.readouterr()
    return code, [line for line in cap.err.splitlines() if line.strip()], cap.out


# --- links, pipes and devices ------------------------------------------------------------------


def test_summary_to_dev_stdout_goes_to_stdout_and_the_link_stays(project):
    """As root, ``--summary /dev/stdout`` replaced the system's /dev/stdout link with a 393-byte file.
    A link of the TD's own to /proc/self/fd/1 stands in for it (the real /dev is not touched); a real
    process, so stdout is the command line's own (Blender's prints are sent to stderr meanwhile)."""
    link = project / "stdout.json"
    link.symlink_to("/proc/self/fd/1")
    proc = subprocess.run(
        [sys.executable, "-m", "dualtalk", "animate", "--job", str(project / "job.json"),
         "--summary", str(link), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result, report = proc.stdout.split("\n", 1)
    assert result.startswith("s1: wrote ")
    assert json.loads(report)["totals"] == {
        "shots": 1,
        "done": 1,
        "skipped": 0,
        "failed": 0,
        "busy": 0,
        "not_run": 0,
    }
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_outputs_that_are_links_to_the_tds_files_keep_their_links(project, capsys):
    """``--out``/``--fbx`` links into the studio's asset tree: the targets get the new files, the
    links stay; a link to an input is still refused as the input itself."""
    assets = project / "assets"
    assets.mkdir()
    (assets / "shot.blend").write_bytes(b"last week's blend")
    (assets / "shot.fbx").write_bytes(b"last week's fbx")
    out, fbx = project / "shot.blend", project / "shot.fbx"
    out.symlink_to(assets / "shot.blend")
    fbx.symlink_to(assets / "shot.fbx")

    code, err, stdout = run_cli(capsys, _animate(project, out, "--fbx", str(fbx)))
    assert code == 0, err
    assert out.is_symlink() and fbx.is_symlink()
    assert blend_is_complete(assets / "shot.blend")
    assert (assets / "shot.fbx").read_bytes().startswith(b"Kaydara FBX Binary")
    assert sorted(p.name for p in assets.iterdir()) == ["shot.blend", "shot.fbx"]  # no temporaries

    to_input = project / "to_input.blend"
    to_input.symlink_to(project / "scene.blend")
    before = sha256_file(project / "scene.blend")
    code, err, _ = run_cli(capsys, _animate(project, to_input))
    assert_refused(code, err, "would overwrite the input scene")
    assert to_input.is_symlink() and sha256_file(project / "scene.blend") == before


def test_a_summary_to_a_pipe_is_streamed_into_it(project, capsys):
    """A farm's collector reads the report from a named pipe: the pipe stays a pipe and gets the JSON."""
    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the collector, already listening
    try:
        code, err, _ = run_cli(capsys, ["animate", "--job", str(project / "job.json"), "--summary", str(fifo),
                                        "--quiet"])  # fmt: skip
        assert code == 0, err
        try:
            received = os.read(reader, 1 << 16)
        except BlockingIOError:
            received = b""
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received)["totals"]["done"] == 1


def _socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return sock


def _block_device(path: Path) -> None:
    try:
        os.mknod(path, 0o600 | stat.S_IFBLK, os.makedev(7, 200))
    except OSError as exc:
        pytest.skip(f"cannot make a block device node here ({exc.strerror})")


@pytest.mark.parametrize("kind", ["a socket", "a block device"])
def test_a_device_or_socket_as_an_output_is_refused_before_any_work(project, capsys, kind):
    """A typo that names a disk (or a daemon's socket) is never written to or replaced."""
    out = project / "shot.blend"
    sock = _socket(out) if kind == "a socket" else _block_device(out)
    try:
        before = snapshot(project)
        code, err, _ = run_cli(capsys, _animate(project, out))
        assert_refused(code, err, f"--out {out} is {kind}")
        assert snapshot(project) == before
        assert (stat.S_ISSOCK if kind == "a socket" else stat.S_ISBLK)(os.lstat(out).st_mode)  # not replaced
    finally:
        if sock is not None:
            sock.close()


@pytest.mark.parametrize("writer", ["npz", "wav", "blend"])
def test_every_writer_keeps_a_link_and_writes_into_a_pipe(tmp_path, writer):
    """The rule lives in the one helper every writer goes through, not in each command."""
    import threading
    from types import SimpleNamespace

    import soundfile as sf
    from dualtalk.dualtalk_blender.commands.shot_run import write_mix
    from dualtalk.dualtalk_blender.scene.blendio import quiet_stdout, save_blend
    from dualtalk.inference.core.motion import load_motion

    def write(path: Path) -> None:
        if writer == "npz":
            save_motion(path, Motion("arkit55", np.zeros((4, 55), np.float32), role="A"))
        elif writer == "wav":
            voice = np.full(1600, 0.1, np.float32)
            write_mix(SimpleNamespace(a=voice, b=voice), path)
        else:
            br.reset()
            save_blend(bpy, path, quiet=quiet_stdout)

    def whole(path: Path) -> bool:
        if writer == "npz":
            return load_motion(path).values.shape == (4, 55)
        if writer == "wav":
            return sf.info(str(path)).frames == 1600
        return blend_is_complete(path)

    target = tmp_path / "store" / f"take.{writer}"
    target.parent.mkdir()
    target.write_bytes(b"the old one")
    link = tmp_path / f"link.{writer}"
    link.symlink_to(target)
    write(link)
    assert link.is_symlink() and whole(target)

    fifo = tmp_path / f"pipe.{writer}"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write(fifo)
    reader.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    received = tmp_path / f"received.{writer}"
    received.write_bytes(got[0])
    assert whole(received)


# --- renders on a full disk --------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MiB tmpfs; skipped where mounting is not allowed (not root, no mount)."""
    mnt = tmp_path / "small_disk"
    mnt.mkdir()
    try:
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True
        )
    except OSError:
        pytest.skip("no mount command here; the simulated full-disk tests still run")
    if proc.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated full-disk tests still run")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(disk: Path) -> None:
    with open(disk / "filler.bin", "wb") as fh:
        with pytest.raises(OSError):
            while True:
                fh.write(b"\1" * (1 << 16))
                fh.flush()


def _has_video_encoder() -> bool:
    from dualtalk.dualtalk_blender.scene.render import blender_has_ffmpeg

    return blender_has_ffmpeg()


def test_a_render_on_a_full_disk_keeps_the_earlier_frames_and_video(project, small_disk, capfd):
    """The audit's farm night: yesterday's frames and video sit on a disk that then fills up. Re-rendering
    gave exit 0, "wrote ...", and 0-byte frames in place of the good ones; a video blamed the codec."""
    frames, video = small_disk / "frames", small_disk / "shot.mp4"
    first = [*_animate(project, project / "r1.blend"), "--render", str(frames), "--resolution", "16x16"]
    code, err, _ = _run_fd(capfd, first)
    assert code == 0, err
    if _has_video_encoder():
        code, err, _ = _run_fd(capfd, [*_animate(project, project / "r2.blend"), "--render", str(video),
                                        "--resolution", "16x16"])  # fmt: skip
        assert code == 0, err
    before = sha256s(*sorted(p for p in small_disk.rglob("*") if p.is_file()))
    _fill(small_disk)

    again = [*_animate(project, project / "r3.blend"), "--render", str(frames), "--resolution", "16x16"]
    code, err, _ = _run_fd(capfd, again)
    assert_refused(code, err, f"could not write {frames}/frame_0001.png: {FULL}", exit_code=74)
    new = [
        *_animate(project, project / "r4.blend"),
        "--render",
        str(small_disk / "new"),
        "--resolution",
        "16x16",
    ]
    code, err, _ = _run_fd(capfd, new)
    assert_refused(code, err, f"could not write {small_disk / 'new'}/frame_0001.png: {FULL}", exit_code=74)
    if _has_video_encoder():
        code, err, _ = _run_fd(capfd, [*_animate(project, project / "r5.blend"), "--render", str(video),
                                        "--resolution", "16x16"])  # fmt: skip
        line = assert_refused(code, err, f"could not write {video}: {FULL}", exit_code=74)
        assert "codec" not in line

    (small_disk / "filler.bin").unlink()
    assert sha256s(*sorted(p for p in small_disk.rglob("*") if p.is_file())) == before
    assert sorted(p.name for p in small_disk.iterdir()) == sorted(
        ["frames", *(["shot.mp4"] if _has_video_encoder() else [])]
    )
    assert sorted(p.name for p in frames.iterdir()) == [
        ".dualtalk-render.frames", "frame_0001.png", "frame_0002.png", "frame_0003.png"
    ]  # fmt: skip


@pytest.fixture
def disk_fills_while_rendering(monkeypatch):
    """Simulated full disk: from the frame Blender writes ``at`` on, its writer leaves what it wrote
    cut off (0 bytes for a frame, half a video) and reports nothing, and the disk answers ENOSPC to
    any new file's data (what a test write meets)."""
    import tempfile

    state = {"at": None, "full": False}
    real_temporary_file = tempfile.TemporaryFile

    class FullDisk:
        def __init__(self, fh) -> None:
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.fh.close()

        def write(self, data) -> int:
            raise OSError(errno.ENOSPC, FULL)

        def __getattr__(self, name):
            return getattr(self.fh, name)

    def temporary_file(*args, **kwargs):
        fh = real_temporary_file(*args, **kwargs)
        return FullDisk(fh) if state["full"] else fh

    @bpy.app.handlers.persistent
    def frame_written(scene, *_args) -> None:
        if state["at"] is None or scene.frame_current < state["at"]:
            return
        state["full"] = True
        path = Path(scene.render.frame_path(frame=scene.frame_current))
        if path.exists():
            os.truncate(path, 0)

    @bpy.app.handlers.persistent
    def video_done(scene, *_args) -> None:
        path = Path(bpy.path.abspath(scene.render.filepath))
        if state["at"] is not None and path.suffix == ".mp4" and path.exists():
            state["full"] = True
            os.truncate(path, path.stat().st_size // 2)

    monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)
    bpy.app.handlers.render_write.append(frame_written)
    bpy.app.handlers.render_complete.append(video_done)
    try:
        yield state
    finally:
        bpy.app.handlers.render_write.remove(frame_written)
        bpy.app.handlers.render_complete.remove(video_done)


def test_a_disk_that_fills_mid_render_keeps_the_earlier_frames_simulated(
    project, capsys, disk_fills_while_rendering
):
    frames = project / "frames"
    render = ["--render", str(frames), "--resolution", "16x16"]
    code, err, _ = run_cli(capsys, [*_animate(project, project / "r1.blend"), *render])
    assert code == 0, err
    before = sha256s(*sorted(frames.iterdir()))

    disk_fills_while_rendering["at"] = 2
    code, err, _ = run_cli(capsys, [*_animate(project, project / "r2.blend"), *render])
    assert_refused(code, err, f"could not write {frames / 'frame_0002.png'}: {FULL}", exit_code=74)
    assert sha256s(*sorted(frames.iterdir())) == before  # frame 1 was fine, and still the old one
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [".r1.blend.dualtalk-done"]
    assert not (project / "r2.blend").exists()


def test_a_video_cut_off_by_a_full_disk_never_replaces_the_old_one_simulated(
    project, capsys, disk_fills_while_rendering
):
    if not _has_video_encoder():
        pytest.skip("this Blender has no FFmpeg")
    video = project / "shot.mp4"
    render = ["--render", str(video), "--resolution", "16x16"]
    code, err, _ = run_cli(capsys, [*_animate(project, project / "r1.blend"), *render])
    assert code == 0, err
    before = sha256_file(video)

    disk_fills_while_rendering["at"] = 1
    code, err, _ = run_cli(capsys, [*_animate(project, project / "r2.blend"), *render])
    assert_refused(code, err, f"could not write {video}: {FULL}", exit_code=74)
    assert sha256_file(video) == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [".r1.blend.dualtalk-done"]


@pytest.mark.parametrize("umask", [0o022, 0o002], ids=["umask-022", "umask-002"])
def test_a_new_frames_folder_can_be_read_by_the_compositor(project, capsys, umask):
    """The frames folder was the temporary folder renamed into place: 0700 whatever the umask, so a
    compositor running as another user could not list it."""
    old = os.umask(umask)
    try:
        frames = project / "frames"
        code, err, _ = run_cli(capsys, [*_animate(project, project / "r.blend"), "--render", str(frames),
                                        "--resolution", "16x16"])  # fmt: skip
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(frames.stat().st_mode) == 0o777 & ~umask
    assert {stat.S_IMODE(p.stat().st_mode) for p in frames.iterdir()} == {0o666 & ~umask}


def test_a_folder_another_run_creates_meanwhile_is_not_called_a_broken_link(tmp_path, monkeypatch):
    """Two runs writing into one new folder: the second looked for the folder (not there yet), the
    first created it, the second looked again without following links and found it there. It was
    refused as "a broken link" (a two-runs test caught it now and then); it is a folder like any other."""
    from dualtalk.inference.core import outputs
    from dualtalk.inference.core.errors import DualTalkError

    take = tmp_path / "take"
    real = outputs.stat_path

    def racing(path, label, *, follow=True, action="opened"):
        if Path(path) == take and follow and not take.exists():
            take.mkdir()  # the other run creates it right after this look
            return None
        return real(path, label, follow=follow, action=action)

    monkeypatch.setattr(outputs, "stat_path", racing)
    outputs.check_target(take / "A.npz", "--out")  # no refusal
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(DualTalkError, match="is a broken link"):  # a link to nothing still is one
        outputs.check_target(tmp_path / "gone" / "A.npz", "--out")
