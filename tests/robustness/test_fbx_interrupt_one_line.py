"""Review 25, R8: Ctrl-C landing inside Blender's FBX exporter printed two lines.

Blender's operator wrapper logged ``bpy.rna | ERROR Python script error in
EXPORT_SCENE_OT_fbx.execute`` (on the process's own stderr, which ``capsys`` never sees) before our
``error: interrupted``: the first line read like a crash. The user sees only our line, the exit
status says which signal, and no FBX (nor the .blend it goes with) is put in place.
"""

from __future__ import annotations

import os
import signal

import pytest
from dualtalk import cli
from robustness_util import sha256s, snapshot


def _animate_argv(kit, out) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(kit / "in" / "A.npz"), "--motion-b", str(kit / "in" / "B.npz"),
            "--out", str(out / "shot.blend"), "--fbx", str(out / "shot.fbx")]  # fmt: skip


@pytest.mark.parametrize(
    ("where", "sig", "line", "code"),
    [
        ("save_single", signal.SIGINT, "error: interrupted", 130),  # the exporter starting to write
        ("fbx_animations_do", signal.SIGINT, "error: interrupted", 130),  # while it samples the frames
        ("fbx_animations_do", signal.SIGTERM, "error: terminated (SIGTERM)", 143),  # a farm's timeout
    ],
)
def test_a_signal_inside_the_fbx_exporter_prints_only_our_line_and_writes_no_fbx(
    kit, tmp_path, capfd, monkeypatch, where, sig, line, code
):
    import io_scene_fbx.export_fbx_bin as fbx_bin

    real = getattr(fbx_bin, where)

    def signal_inside(*args, **kwargs):
        os.kill(os.getpid(), sig)  # a real signal, handled by the CLI's own handler
        return real(*args, **kwargs)

    monkeypatch.setattr(fbx_bin, where, signal_inside)
    inputs = [kit / "in" / "scene.blend", kit / "in" / "A.npz", kit / "in" / "B.npz"]
    before = sha256s(*inputs)
    out = tmp_path / "out"
    capfd.readouterr()
    status = cli.main(_animate_argv(kit, out))
    cap = capfd.readouterr()  # the file descriptors: Blender's own log lines land here too
    assert status == code
    assert [ln for ln in cap.err.splitlines() if ln.strip()] == [line]
    assert cap.out == ""
    left = snapshot(out)
    assert "shot.fbx" not in left and "shot.blend" not in left and not [n for n in left if ".part" in n], left
    assert sha256s(*inputs) == before
