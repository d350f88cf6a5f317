"""A pipeline TD keys another tool's motion files under ``--audio`` and picks the wrong recording.

Before (review rv43b, finding 5): files that record no source were keyed under any ``--audio`` without
a word, 23.5 s of motion under 10 s of sound as much as 10 s under 23.5 s. Now a sound more than 1 s
(``eval``'s same-take rule) longer or shorter than the motion gets one warning giving both lengths;
the take is keyed as given. Sound within a frame of the motion (as every take of ours and the
dataset's is) stays quiet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from dualtalk.inference.core.channels import ARKIT55
from robustness_util import run_cli
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]


def _other_tools_files(folder: Path, seconds: float) -> list[str]:
    """A's and B's ARKit files as another tool writes them: no source recorded, A talks first."""
    folder.mkdir()
    frames = int(round(seconds * 25))
    args = []
    for flag, role in (("--motion-a", "A"), ("--motion-b", "B")):
        values = np.zeros((frames, len(ARKIT55)), np.float32)
        half = slice(0, frames // 2) if role == "A" else slice(frames // 2, frames)
        values[half, ARKIT55.index("jawOpen")] = 0.3
        path = folder / f"{role}.npz"
        np.savez(path, space="arkit55", channels=np.array(ARKIT55), values=values, fps=25.0, role=role)
        args += [flag, str(path)]
    return args


def test_motion_and_sound_of_different_lengths_are_said_with_both_lengths(tmp_path, capsys):
    scene = build_scene(tmp_path / "in.blend")
    talk = two_voices(tmp_path / "talk.wav", seconds=4.0)

    def animate(files: list[str], name: str) -> tuple[int, list[str], str]:
        out = ["--out", str(tmp_path / f"{name}.blend")]
        return run_cli(capsys, ["animate", "--blend", str(scene), *CHARS, *files, "--audio", str(talk), *out])

    code, err, line = animate(_other_tools_files(tmp_path / "long", 9.2), "long")
    assert code == 0 and "230 frames at 25 fps" in line
    assert err == [
        "warning: --motion-a A.npz and --motion-b B.npz are 9.2 s of motion but talk.wav is 4.0 s of sound: "
        "is it their take's recording? Keyed as given (the scene range follows the motion)"
    ]

    code, err, _ = animate(_other_tools_files(tmp_path / "short", 1.6), "short")
    assert code == 0 and len(err) == 1 and "are 1.6 s of motion but talk.wav is 4.0 s" in err[0], err

    # a frame over, as our own takes and the dataset's end: nothing to say
    code, err, _ = animate(_other_tools_files(tmp_path / "same", 4.04), "same")
    assert code == 0 and err == []
