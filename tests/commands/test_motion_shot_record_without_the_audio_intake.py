"""A shot made from motion files (no ``--audio``) records what it wrote beside its .blend, by each
file's fingerprint. That fingerprint lived in the audio intake (``inference/audio/dialogue.py``), so
every such ``animate`` imported numpy's audio stack, scipy's loops and the decoders only to hash its
outputs (0.16-0.45 s a process under load, fix37 kept37). It lives in ``inference/core`` now, where
the done record reads it without the audio package; ``dialogue.recording_fingerprint`` is the same
function for its callers."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from pathlib import Path
from dualtalk.dualtalk_blender.commands import shot_state
print(shot_state.content_fingerprint(Path(sys.argv[1])))
print(sorted(m for m in sys.modules if m.startswith("dualtalk.inference.audio")))
"""


def test_a_shots_record_fingerprints_its_files_without_importing_the_audio_intake(tmp_path):
    fbx = tmp_path / "shot.fbx"
    fbx.write_bytes(b"Kaydara FBX Binary  \0" + bytes(range(256)) * 40)
    lines = subprocess.run(
        [sys.executable, "-c", PROBE, str(fbx)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert lines[1] == "[]"  # before: the audio package and its decoders were imported

    from dualtalk.inference.audio import dialogue
    from dualtalk.inference.core import file_fingerprint

    assert dialogue.recording_fingerprint is file_fingerprint.recording_fingerprint
    assert lines[0] == dialogue.recording_fingerprint([fbx]) != ""
