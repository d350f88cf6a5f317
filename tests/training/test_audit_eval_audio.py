"""``eval audio --motion2``: a researcher gives speaker 2's tracked face from another take.

The jaw-speed ratio pairs face frame i with audio frame i; a face file of 40 frames for a
3 s recording (or one from a longer take) would be quietly cut to the shorter and give a
ratio that means nothing. It must be one ``error:`` line, before the slow diarization runs.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import soundfile as sf


def _two_voices(folder, rng) -> None:
    """3 s each of syllable-like bursts, the two speakers taking turns: s1.wav, s2.wav."""
    n = 3 * 16000
    for name, first_half in (("s1", True), ("s2", False)):
        x = np.zeros(n, np.float32)
        for k in range(0, n, 4000):
            if (k < n // 2) == first_half:
                x[k : k + 2500] = rng.standard_normal(2500) * 0.2
        sf.write(folder / f"{name}.wav", x, 16000)


def _eval_audio(folder) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dualtalk", "eval", "audio", "s1.wav", "s2.wav", "--motion2", "face.npz"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_tracked_face_of_another_length_is_refused_in_one_line(tmp_path):
    rng = np.random.default_rng(0)
    _two_voices(tmp_path, rng)
    # 1.6 s of face for 3 s of audio: old code cut both to 40 frames and printed a ratio
    np.savez(tmp_path / "face.npz", exp=np.zeros((40, 50)), pose=rng.standard_normal((40, 6)))
    out = _eval_audio(tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: face.npz has 40 frames"), out.stderr
    assert "75 frames" in lines[0]


def test_a_tracked_face_at_another_frame_rate_is_refused_in_one_line(tmp_path):
    """A motion file at 30 fps pairs its frame i with the audio's 25 fps frame i: wrong moments.

    90 frames at 30 fps for 3 s of audio is within the one-second length tolerance, so the old
    code printed a ratio; the file's own ``fps`` must be read and another rate refused."""
    from dualtalk.inference.core.motion import Motion, save_motion

    rng = np.random.default_rng(0)
    _two_voices(tmp_path, rng)
    exp, pose = np.zeros((90, 50), np.float32), rng.standard_normal((90, 6)).astype(np.float32)
    save_motion(tmp_path / "face.npz", Motion.from_flame(exp, pose, fps=30.0))
    out = _eval_audio(tmp_path)
    assert out.returncode == 2 and out.stdout == "", out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: face.npz is at 30 fps"), out.stderr
    assert "25 fps" in lines[0]
