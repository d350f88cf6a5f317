"""``python -m dualtalk eval audio SPEAKER1.wav SPEAKER2.wav [--motion2 SPEAKER2.npz] [--json]``.

The audio numbers of ``docs/audio.md`` on a recording whose two speakers have their own
channels (or files): how much each speaks, and how well automatic diarization (``--diarize``)
finds who speaks when from the *sum* of the two, against each channel's own activity.

- Reference activity: each speaker's channel through the engine's voice activity, with the
  other channel as the partner, so bleed does not count ("per channel": overlap is two
  speakers), or one label per frame, the louder speaker against their own level ("dominant").
- Diarization error (frame level, 25 fps, best speaker mapping) of both backends (the
  packaged voice encoder, MFCC statistics) and of the trivial answer "one speaker speaks
  whenever anyone does", with and without a 0.25 s collar (6 frames) around reference edges;
  frames the diarizer gives to both voices (``Diarization.both``) count as two speakers.
- With ``--motion2`` (speaker 2's tracked face, a DualTalk dataset ``.npz`` with ``pose`` (T, 6)
  = [neck, jaw], at 25 fps; a motion file at another rate is refused): how much faster the
  tracked jaw moves in frames marked as speaker 2 speaking than in the others, for the energy
  detector and the Silero-gated one. A detector that tracks speech well gives a large ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.audio.diarize import diarize_mix, frame_der
from ...inference.audio.loader import load_speech
from ...inference.audio.vad import frame_levels, voice_activity
from ...inference.core.errors import DualTalkError
from ...inference.core.inputs import DAMAGED_ARRAY_FILE, npz_member_header
from ...inference.core.motion import MAX_FRAMES, MAX_MOTION_VALUE, check_fps
from ...inference.core.numeric import real_array
from ...inference.core.timebase import FPS, SAMPLE_RATE, frames_for

COLLAR_FRAMES = 6  # 0.25 s at 25 fps, the usual scoring collar
MAX_MOTION_MISMATCH_S = 1.0  # a frame or two is rounding (the demo clip's 587 frames for 588 of audio)
BACKENDS = ("encoder", "mfcc")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("speaker1", help="speaker 1's own channel (any audio file the engine reads)")
    parser.add_argument(
        "speaker2",
        help="speaker 2's own channel; files of different lengths are read as infer --audio-b reads them "
        "(the shorter one is silence after its end)",
    )
    parser.add_argument(
        "--motion2", metavar="NPZ", help="speaker 2's tracked face (DualTalk dataset .npz with 'pose')"
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead of a table")


def tracked_jaw(path: str | Path) -> np.ndarray:
    """(T,) jaw opening of a DualTalk dataset file: ``pose`` (T, 6) = [neck (3), jaw (3)], jaw x."""
    path = Path(path)
    try:
        # our own handle: np.load leaks the one it opens when the archive is damaged
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
            if "pose" not in data.files:
                raise DualTalkError(
                    f"{path.name} has no 'pose' array (a DualTalk dataset .npz has exp and pose)"
                )
            header = npz_member_header(data, "pose")  # checked before numpy allocates what it claims
            if header is not None and (len(header[0]) != 2 or header[0][0] > MAX_FRAMES):
                raise DualTalkError(
                    f"{path.name}: 'pose' must be (frames, 6) with at most {MAX_FRAMES:,} frames, "
                    f"it declares {header[0]}"
                )
            # the array rule every reader follows: real numbers, finite, bounded, checked before the cast
            pose = real_array(
                data["pose"], f"{path.name}: 'pose' values", limit=MAX_MOTION_VALUE, dtype=np.float64
            )
            fps = _stored_fps(data, path.name)
    except (OSError, ValueError, *DAMAGED_ARRAY_FILE) as exc:
        raise DualTalkError(f"{path.name} is not a readable .npz file ({exc})") from None
    if pose.ndim != 2 or pose.shape[1] != 6 or len(pose) < 2:
        raise DualTalkError(
            f"{path.name}: 'pose' must be (frames, 6) with at least 2 frames, got {pose.shape}"
        )
    if fps != FPS:  # frame i of the face is paired with the audio's frame i at 25 fps
        raise DualTalkError(
            f"{path.name} is at {fps:g} fps but the ratio pairs it with {FPS:g} fps audio frames; "
            f"give speaker 2's face at {FPS:g} fps (the DualTalk dataset's rate)"
        )
    return pose[:, 3]


def _stored_fps(data: Any, name: str) -> float:
    """The frame rate a motion file stores (``fps``); the dataset layout has none and is 25 fps."""
    if "fps" not in data.files:
        return float(FPS)
    header = npz_member_header(data, "fps")  # a single number; never allocate what a crafted file claims
    raw = np.asarray(data["fps"]) if header is None or header[0] == () else None
    try:
        return check_fps(raw.item() if raw is not None and raw.shape == () else "an array")
    except DualTalkError as exc:
        raise DualTalkError(f"{name}: {exc}") from None


def _der_rows(
    refs: dict[str, tuple[np.ndarray, np.ndarray]], labels: np.ndarray, both: np.ndarray | None = None
) -> dict[str, Any]:
    """DER rows; ``both``: the frames a diarization gives to the two voices at once, scored as two
    speakers (overlap found is no miss; overlap claimed where one speaks is a false alarm)."""
    return {
        name: {
            **{k: round(v, 3) for k, v in frame_der(*ref, labels, both=both).items()},
            "der_collar_0.25s": round(frame_der(*ref, labels, collar=COLLAR_FRAMES, both=both)["der"], 3),
        }
        for name, ref in refs.items()
    }


def measure(path1: str | Path, path2: str | Path, motion2: str | Path | None = None) -> dict[str, Any]:
    """Every number of the report (see the module docstring)."""
    a, b = load_speech(path1), load_speech(path2)
    # as ``infer --audio A --audio-b B`` reads them: the take runs to the longer file, the shorter one's
    # speaker is silent after its end (its recorder stopped first); refusing them sent people to trim files
    n = max(len(a), len(b))
    a, b = (np.pad(x, (0, n - len(x))) for x in (a, b))
    jaw = tracked_jaw(motion2) if motion2 is not None else None  # before the slow part
    expected = frames_for(n, SAMPLE_RATE, FPS)
    if jaw is not None and abs(len(jaw) - expected) > MAX_MOTION_MISMATCH_S * FPS:
        # the ratio pairs frame i of the face with frame i of the audio: another take pairs nothing
        raise DualTalkError(
            f"{Path(str(motion2)).name} has {len(jaw)} frames but the audio lasts {n / SAMPLE_RATE:.2f} s "
            f"({expected} frames at {FPS:g} fps); give speaker 2's face from the same recording"
        )
    ra, rb = voice_activity(a, b), voice_activity(b, a)
    if not (ra.any() or rb.any()):
        raise DualTalkError("neither channel has any speech")
    out: dict[str, Any] = {
        "seconds": round(n / SAMPLE_RATE, 2),
        "active_a": round(float(ra.mean()), 3),
        "active_b": round(float(rb.mean()), 3),
        "both": round(float((ra & rb).mean()), 3),
    }
    la, lb = frame_levels(a), frame_levels(b)
    rel_a, rel_b = la - np.percentile(la, 95), lb - np.percentile(lb, 95)
    dominant = (ra & (~rb | (rel_a > rel_b)), rb & (~ra | (rel_b >= rel_a)))
    refs = {"per_channel": (ra, rb), "dominant": dominant}
    mix = a + b
    trivial = np.where(voice_activity(mix), 0, -1)
    out["trivial_one_speaker"] = _der_rows(refs, trivial)
    for backend in BACKENDS:
        try:
            result = diarize_mix(mix, backend=backend)
        except DualTalkError as exc:  # e.g. the voice encoder's weights are not installed
            out[backend] = {"unavailable": str(exc)}
            continue
        out[backend] = {
            "method": result.meta.get("method", backend),
            **_der_rows(refs, result.labels, result.both),
        }
    if jaw is not None:
        speed = np.abs(np.diff(jaw, prepend=jaw[0]))
        t = min(len(speed), len(rb))
        # the energy detector's answer is rb (the default method); only the Silero-gated one is new
        for method, found in (("energy", rb), ("silero", voice_activity(b, a, method="silero"))):
            act = found[:t]
            if act.all() or not act.any():
                out[f"jaw_speed_ratio_b_{method}"] = None  # no frames on one side to compare
                continue
            quiet = float(speed[:t][~act].mean())
            ratio = float(speed[:t][act].mean()) / quiet if quiet > 0 else None
            out[f"jaw_speed_ratio_b_{method}"] = None if ratio is None else round(ratio, 2)
    return out


def format_report(out: dict[str, Any]) -> str:
    """The numbers as the table in docs/audio.md reads them."""
    lines = [
        f"{out['seconds']:.2f} s; active: speaker 1 {out['active_a']:.1%}, speaker 2 {out['active_b']:.1%}, "
        f"both {out['both']:.1%}",
        f"{'system':<22} {'reference':<12} {'DER':>7} {'confusion':>10} {'DER, 0.25 s collar':>19}",
    ]
    for system in ("trivial_one_speaker", *BACKENDS):
        rows = out[system]
        if "unavailable" in rows:
            lines.append(f"{system:<22} unavailable: {rows['unavailable']}")
            continue
        for ref in ("per_channel", "dominant"):
            r = rows[ref]
            lines.append(
                f"{system:<22} {ref:<12} {r['der']:>7.1%} {r['confusion']:>10.1%} {r['der_collar_0.25s']:>19.1%}"
            )
    for method in ("energy", "silero"):
        key = f"jaw_speed_ratio_b_{method}"
        if key in out:
            value = "-" if out[key] is None else f"{out[key]:.2f}x"
            lines.append(f"tracked jaw speed, speaker 2 speaking vs not ({method} activity): {value}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    out = measure(args.speaker1, args.speaker2, args.motion2)
    print(json.dumps(out) if args.json else format_report(out))
    sys.stdout.flush()
    return 0
