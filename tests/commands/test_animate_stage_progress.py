"""A pipeline TD watching a long take's log: keying and the FBX export used to print one line before
and one after (39 s and 72 s of silence on a 60-minute take). Their inner progress now reaches the
command line's progress display."""

from __future__ import annotations

from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import animate
from dualtalk.inference.core.progress import Recorder
from test_blender_animate import build_scene, motions


def test_keying_and_the_fbx_export_report_their_own_progress(tmp_path, monkeypatch):
    build_scene(tmp_path / "scene.blend")
    a, b = motions(tmp_path, frames=60)
    from dualtalk.dualtalk_blender.scene import fbx_bake

    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", 10)  # a 60-frame take stands in for a long one
    heard = Recorder()
    monkeypatch.setattr(animate, "_progress", lambda quiet: heard)
    assert main(["animate", "--blend", str(tmp_path / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
                 "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "out.blend"),
                 "--fbx", str(tmp_path / "out.fbx")]) == 0  # fmt: skip
    messages = [(stage, message) for stage, _fraction, message in heard.events]
    assert any(stage == "keying" and message == "Ann: 56 curves keyed" for stage, message in messages), (
        messages
    )
    assert any(stage == "fbx" and "sampling frame" in message for stage, message in messages), messages
