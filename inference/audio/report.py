"""Reproduce the audio numbers in docs/audio.md on a two-channel recording.

    python -m dualtalk.inference.audio.report SPEAKER1.wav SPEAKER2.wav [--motion2 SPEAKER2.npz]

Reference activity comes from each speaker's own channel (bleed-gated VAD); the
diarizer only sees their sum. With ``--motion2`` (a DualTalk dataset npz of speaker
2) it also reports how much faster the tracked jaw moves when we say speaker 2 talks.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from .diarize import diarize_mix, frame_der
from .loader import load_speech
from .vad import frame_levels, voice_activity


def measure(path1: str, path2: str, motion2: str | None = None) -> dict:
    a, b = load_speech(path1), load_speech(path2)
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    ra, rb = voice_activity(a, b), voice_activity(b, a)
    out: dict = {
        "seconds": round(n / 16000, 2),
        "active_a": round(float(ra.mean()), 3),
        "active_b": round(float(rb.mean()), 3),
        "both": round(float((ra & rb).mean()), 3),
    }
    la, lb = frame_levels(a), frame_levels(b)
    rel_a, rel_b = la - np.percentile(la, 95), lb - np.percentile(lb, 95)
    da, db = ra & (~rb | (rel_a > rel_b)), rb & (~ra | (rel_b >= rel_a))
    mix = a + b
    trivial = np.where(voice_activity(mix), 0, -1)
    refs = {"per_channel": (ra, rb), "dominant": (da, db)}
    out["trivial_one_speaker"] = {k: round(frame_der(*r, trivial)["der"], 3) for k, r in refs.items()}
    for backend in ("encoder", "mfcc"):
        try:
            res = diarize_mix(mix, backend=backend)
        except Exception as exc:  # encoder weights not installed
            out[backend] = str(exc)
            continue
        out[backend] = {
            name: {
                **{k: round(v, 3) for k, v in frame_der(*r, res.labels).items()},
                "der_collar_0.25s": round(frame_der(*r, res.labels, collar=6)["der"], 3),
            }
            for name, r in refs.items()
        }
    if motion2:
        jaw = np.load(motion2)["pose"][:, 3]
        speed = np.abs(np.diff(jaw, prepend=jaw[0]))
        t = min(len(speed), len(rb))
        for method in ("energy", "silero"):
            act = voice_activity(b, a, method=method)[:t]
            out[f"jaw_speed_ratio_b_{method}"] = round(
                float(speed[:t][act].mean() / speed[:t][~act].mean()), 2
            )
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("speaker1")
    p.add_argument("speaker2")
    p.add_argument("--motion2")
    args = p.parse_args()
    print(json.dumps(measure(args.speaker1, args.speaker2, args.motion2), indent=1))


if __name__ == "__main__":
    main()
