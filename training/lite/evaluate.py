"""Judge the lite model on real speech it never trained on.

Two sources, both outside the training corpus (which is pure TTS):

* **LibriVox clips with phone alignments** shipped in the PyPI ``pocketsphinx`` sdist
  (``test/data/librivox/``, BSD-2-Clause like pocketsphinx's other test data): real read speech, each phone's start and duration.
  The reference is the viseme curve rendered from those *true* phone timings with the
  same renderer that made the training targets; we correlate mouth openness (jaw +
  lower lip) of the model against it, and of an energy-envelope lip-flap baseline
  (what a "jaw follows loudness" rig would do) against it.
* **The real DualTalk clip** (``../shared/data/dualtalk_demo``): a genuine two-person
  conversation. Speaker 2 has tracked FLAME parameters, so the predicted ``jawOpen``
  is correlated with the tracked jaw rotation; and for both speakers the mouth must
  move more while they speak than while they listen (role contrast).

``python -m dualtalk.training.lite.evaluate --librivox DIR --demo DIR`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from ...inference.audio.tts import Phone
from ...inference.behaviour.cues import speaking_state
from ...inference.core.errors import DualTalkError
from ...inference.core.request import BY_NAME, GENERATE, add_arguments, check
from ...inference.core.timebase import FPS, SAMPLE_RATE
from ...inference.phonetic.visemes import mouth_openness, render_visemes
from ..evaluation.lipsync import lipflap, read_alignment

SR = SAMPLE_RATE
DEMO_STEM = "UbjUDM1MiGE_sub_video_72"
VOICE_PASSES = ("lip_release", "lip_rounding")  # infer's options for the passes after the network


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    n = min(len(a), len(b))
    a, b = a[:n] - a[:n].mean(), b[:n] - b[:n].mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else 0.0


def energy_flap(audio: np.ndarray, frames: int) -> np.ndarray:
    """Baseline lip flap: smoothed log-RMS envelope above the noise floor, scaled to 0..1."""
    from scipy.ndimage import uniform_filter1d

    from .listener import frame_energy

    e = np.log(frame_energy(audio, frames) + 1e-5)
    floor, top = np.percentile(e, 10), np.percentile(e, 98)
    env = np.clip((e - floor) / max(top - floor, 1e-6), 0, 1)
    return uniform_filter1d(env, 3)


def read_librivox(folder: str | Path) -> list[dict]:
    """Clips as dicts: name, audio (16 kHz float32), phones (ARPAbet, seconds).

    A wrong folder, a clip without its audio, or audio at another rate is one clear line, not
    a clip quietly left out (a report of "clips": 0 or 4 of 5 reads like a result)."""
    from ...inference.audio import load_speech

    folder = Path(folder)
    if not folder.is_dir():
        raise DualTalkError(f"LibriVox folder not found: {folder}")
    files = sorted(folder.glob("*.phone.json"))
    if not files:
        raise DualTalkError(f"no *.phone.json alignments in {folder}")
    out = []
    for pj in files:
        wav = pj.with_name(pj.name.replace(".phone.json", ".wav"))
        if not wav.is_file():
            raise DualTalkError(f"{wav.name} not found beside {pj.name}")
        audio = load_speech(wav)  # mono 16 kHz whatever the file's rate and channels
        phones = []
        for ph in read_alignment(pj).phones:  # validated: one clear line for a malformed file
            sym = ph.symbol.lower()
            sym = "sil" if sym in ("sil", "+spn+", "+nsn+") or sym.startswith("+") else sym
            phones.append(Phone(sym, ph.start, ph.end, "arpabet"))
        out.append({"name": wav.stem, "audio": audio, "phones": phones})
    return out


def predict_single(model, own: np.ndarray, partner: np.ndarray | None = None, rounds: int = 1) -> np.ndarray:
    """(T, 55) lite prediction for one voice, the partner silent unless given; whole-take normalisation."""
    import torch

    frames = int(np.ceil(len(own) / SR * FPS))

    def norm(x: np.ndarray) -> torch.Tensor:
        x = np.asarray(x, np.float64)
        return torch.from_numpy(((x - x.mean()) / np.sqrt(x.var() + 1e-7)).astype(np.float32))[None]

    # a clip of whole frames is read one sample short, as generate reads every window (unstretched)
    most = model.self_encoder.most_samples(frames)
    own = own[:most] if most else own
    partner = np.zeros_like(own) if partner is None else partner[: len(own)]
    with torch.inference_mode():
        fs = model.encode_self(norm(own), frames)
        fp = model.encode_partner(norm(partner), frames)
        motion = model.neutral_motion(frames)[None]
        for _ in range(rounds):
            pred = model.decode(fs, fp, motion)
    return pred[0].float().numpy()


def eval_librivox(model, folder: str | Path, clips: list[dict] | None = None) -> dict:
    """Mouth-openness correlation with the true-phone viseme curve: model vs energy baseline
    (``clips``: :func:`read_librivox` of ``folder``, when already read)."""
    rows = []
    for clip in read_librivox(folder) if clips is None else clips:
        frames = int(np.ceil(len(clip["audio"]) / SR * FPS))
        ref = mouth_openness(render_visemes(clip["phones"], frames))
        pred = mouth_openness(predict_single(model, clip["audio"])[:, :52])
        flap = energy_flap(clip["audio"], frames)
        rows.append(
            {
                "clip": clip["name"],
                "seconds": round(len(clip["audio"]) / SR, 2),
                "lite": pearson(pred, ref),
                "energy_baseline": pearson(flap, ref),
            }
        )
    if not rows:
        return {"clips": 0}
    return {
        "clips": len(rows),
        "seconds": round(sum(r["seconds"] for r in rows), 1),
        "lite_corr": float(np.mean([r["lite"] for r in rows])),
        "energy_baseline_corr": float(np.mean([r["energy_baseline"] for r in rows])),
        "per_clip": rows,
    }


def eval_demo_clip(
    engine, folder: str | Path, lip_release: float | None = None, lip_rounding: float | None = None
) -> dict:
    """Joint generation on the real conversation: role contrast and jaw vs tracked FLAME jaw.
    ``lip_release``, ``lip_rounding``: the voice passes as ``infer`` applies them (None: their
    defaults; 0 and 0 = the network's mouth alone)."""
    from ...inference.audio import load_dialogue
    from ...inference.core.motion import load_motion
    from ...inference.generate import generate_dialogue
    from ...inference.phonetic.voice_lips import DEFAULT_RELEASE, DEFAULT_ROUNDING
    from ...inference.pipeline import shape_both_lips

    folder = Path(folder)
    d = load_dialogue(str(folder / f"{DEMO_STEM}_speaker1.wav"), str(folder / f"{DEMO_STEM}_speaker2.wav"))
    ma, mb = generate_dialogue(d, engine)
    release = DEFAULT_RELEASE if lip_release is None else lip_release
    rounding = DEFAULT_ROUNDING if lip_rounding is None else lip_rounding
    ma, mb = shape_both_lips(d, ma, mb, engine.name, release, rounding)  # as infer shapes them
    out: dict = {"seconds": round(len(d.a) / SR, 1), "lip_release": release, "lip_rounding": rounding}
    for name, m, act in (("A", ma, d.active_a), ("B", mb, d.active_b)):
        act = np.asarray(act[: m.num_frames], bool)
        openv = mouth_openness(m.values[:, :52])
        # a speaker who never speaks (or never listens) has no such frames: null, since NaN is not JSON
        speak = float(openv[act].mean()) if act.any() else None
        listen = float(openv[~act].mean()) if (~act).any() else None
        # "listening" as the behaviour suite reads it: pauses under 0.6 s in one's own speech are
        # still speaking (the raw flag above counts a breath between one's own words as listening)
        turns = speaking_state(act, FPS)
        motion = np.abs(np.diff(openv))
        out[name] = {
            "speaking_share": round(float(act.mean()), 3),
            "open_speaking": speak,
            "open_listening": listen,
            "contrast": None if speak is None or listen is None else speak / max(listen, 1e-6),
            "listening_seconds": round(float((~act).sum()) / FPS, 2),
            "open_listening_turns": float(openv[~turns].mean()) if (~turns).any() else None,
            "listening_turns_seconds": round(float((~turns).sum()) / FPS, 2),
            "mouth_speed_speaking": float(motion[act[1:]].mean()) if act[1:].any() else None,
            "mouth_speed_listening": float(motion[~act[1:]].mean()) if (~act[1:]).any() else None,
        }
    gt = load_motion(folder / f"{DEMO_STEM}_speaker2.npz")
    jaw_gt = gt.values[:, gt.channels.index("jaw_rx")]
    jaw_pred = mb.values[:, mb.channels.index("jawOpen")]
    out["B"]["jaw_corr_vs_tracked"] = pearson(jaw_pred, jaw_gt)
    # two baselines: the lip-flap every other table uses (docs/metrics.md: linear RMS, 3-frame mean),
    # and this row's older log-energy envelope; they disagree in sign on this clip, so both are shown
    out["B"]["lipflap_corr_vs_tracked"] = pearson(lipflap(d.b, mb.num_frames), jaw_gt)
    out["B"]["energy_baseline_corr_vs_tracked"] = pearson(energy_flap(d.b, mb.num_frames), jaw_gt)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.evaluate", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--weights", default=None, help="lite weights (default: the committed ones)")
    ap.add_argument("--librivox", default=None, help="pocketsphinx sdist test/data/librivox folder")
    ap.add_argument("--demo", default=None, help="folder with the real DualTalk clip")
    add_arguments(ap, (GENERATE,), only=VOICE_PASSES)  # infer's own flags, defaults and bounds
    args = ap.parse_args(argv)
    try:
        for name in VOICE_PASSES:
            check(BY_NAME[name], getattr(args, name))
        clips = read_librivox(args.librivox) if args.librivox else None  # before the weights load
        report = _report(args, clips)
    except DualTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2))
    return 0


def _report(args: argparse.Namespace, clips: list[dict] | None) -> dict:
    import torch

    from ...inference.engine import load_engine

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    engine = load_engine(args.weights, engine="lite")
    report: dict = {"weights_sha256": engine.sha256}
    if clips is not None:
        report["librivox"] = eval_librivox(engine.model, args.librivox, clips)
    if args.demo:
        report["demo_clip"] = eval_demo_clip(engine, args.demo, args.lip_release, args.lip_rounding)
    return report


if __name__ == "__main__":
    raise SystemExit(main())
