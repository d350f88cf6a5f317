"""The review's story with the real zip (rv38e F4): install the extension in a throw-away Blender user
folder, place a take's sound from the demo voices it ships into a saved .blend, uninstall the
extension and open the file again: the sound strip still finds its recording (before: it pointed into
the deleted extension folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402

STORY = r"""
import json, os, sys
import bpy
from importlib import import_module
from pathlib import Path
zip_path, shot = sys.argv[-2], sys.argv[-1]
bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
ts = import_module("bl_ext.user_default.dualtalk.dualtalk_blender.addon.take_sound")
demo = str(Path(ts.__file__).resolve().parents[2] / "assets" / "demo_dialogue.flac")
blend = os.path.join(shot, "take.blend")
bpy.ops.wm.save_as_mainfile(filepath=blend)
said = []
ts.place_sound_strips(bpy.context.scene, ts.TakeSound((demo,)), 0.0, 1, frames=100, said=said)
bpy.ops.wm.save_mainfile()
repos = [r.module for r in bpy.context.preferences.extensions.repos]
bpy.ops.extensions.package_uninstall(repo_index=repos.index("user_default"), pkg_id="dualtalk")
bpy.ops.wm.open_mainfile(filepath=blend)
strips = [(s.sound.filepath, os.path.isfile(bpy.path.abspath(s.sound.filepath)))
          for s in bpy.context.scene.sequence_editor.strips]
print("RESULT " + json.dumps({"strips": strips, "said": said, "demo_left": os.path.exists(demo)}))
"""


@pytest.fixture(scope="module")
def built_zip(tool, tmp_path_factory) -> Path:
    return build_extension.build(tool, tmp_path_factory.mktemp("dist"))


def test_a_demo_take_keeps_its_sound_after_the_extension_is_uninstalled(built_zip, tmp_path):
    home, shot = tmp_path / "home", tmp_path / "shot"
    shot.mkdir()
    env = {**os.environ, "HOME": str(home), "BLENDER_USER_RESOURCES": str(home / "blender")}
    out = subprocess.run(
        [sys.executable, "-c", STORY, str(built_zip), str(shot)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-2000:]
    r = json.loads(line[len("RESULT ") :])
    assert not r["demo_left"]  # the extension's folder, and its demo recording, are gone
    assert r["strips"] == [["//demo_dialogue.flac", True]], r  # before: //../home/blender/extensions/...
    assert (shot / "demo_dialogue.flac").read_bytes() == (REPO / "assets" / "demo_dialogue.flac").read_bytes()
    assert len(r["said"]) == 1 and "copy beside the .blend" in r["said"][0], r["said"]
