"""Minimal training entry point for the lite model on a ``dualtalk synth`` corpus.

Kept beside the model so the embedded weights can always be reproduced with code in
this package: ``python -m dualtalk.training.lite.train_lite --data DIR --out DIR``.
The generic trainer (``dualtalk train --arch lite``) can train the same model; this
module is the exact recipe used for the committed weights (see MODEL_CARD.md).

Training is teacher-forced as in DualTalk: the partner's true motion is given, but it
is randomly replaced by the resting pose (what the first generation round sees), noised
or shifted in time, so the model does not copy it blindly.

When the corpus carries per-frame phone classes (``<stem>_speakerK.phoneclass.npy``,
written by ``synth``), ``--contact-weight`` adds a lip-contact term: squared error of
the lip aperture (jawOpen - mouthClose + 0.3 mouthLowerDown, the quantity the lip-sync
evaluation measures) and of the lower-lip tuck (mouthRollLower + 0.5 mouthUpperUp) on
the frames of bilabials, labiodentals and open vowels. Squared error on averaged
channels lets a fast /p/ become a half-closed mouth; this term is what asks the
network to really close (and really open) on those frames.

``--contact-head`` trains the model's lip-contact head (see ``inference/models/lite/model.py``):
binary cross-entropy of its two logits against the phone classes (bilabial, labiodental)
of each target frame, so it is paired with the audio exactly as the targets are. The
motion losses are taken on the output with the head's *soft* decision blended in, so on
frames the head is sure of, the regressed lips are free of the contact and need not dip
(that dip, blurred, is what shut the neighbouring vowels). ``--round-weight`` adds a
term on lip rounding (mouthFunnel + mouthPucker), five times heavier on frames whose
target is rounded.

``--refine mouthFunnel,mouthPucker`` trains only a mouth refiner for those channels (a
small network with its own audio encoder that corrects their logits; see
``MouthRefiner``) on top of ``--init`` weights that stay frozen, so for the same inputs
every other channel comes out bit-identical: fine-tunes of the whole network kept moving
lip closures that were already right while they learned something else.

``--grow-layers N`` adds N interaction blocks to the ``--init`` network, each starting as the
identity (its attention outputs and last feed-forward layer zeroed; the blocks are pre-norm
residual), so training starts from exactly the init model's output with more capacity.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ...inference.core import locks
from ...inference.core.channels import ARKIT55
from ...inference.core.errors import DualTalkError
from ...inference.core.motion import load_motion
from ...inference.core.timebase import FPS, SAMPLE_RATE
from ...inference.models.lite.features import READINGS
from ...inference.models.lite.model import (
    CONTACT_CLASSES,
    LiteConfig,
    LiteDualTalk,
    blend_contact,
    lite_config_from_payload,
    save_lite,
)
from ..trainer import MAX_SEED, FinishStepOnCtrlC

SR = SAMPLE_RATE
HOP = SR // FPS
# --audio-advance-ms: the network lags its targets by ~20 ms (Corpus.batch); runs used 0-20 ms.
# A few frames either way is a timing correction; a second would train on silence or overrun the crop.
MAX_ADVANCE_MS = 200.0


def channel_weights() -> torch.Tensor:
    """Mouth matters most (lip sync), head rotations are small numbers so they are boosted."""
    w = torch.ones(len(ARKIT55))
    for i, name in enumerate(ARKIT55):
        if name.startswith(("jaw", "mouth", "tongue")):
            w[i] = 2.0
        elif name.startswith("head"):
            w[i] = 4.0
    return w


_PARTS = ("_speaker1.wav", "_speaker1.npz", "_speaker2.wav", "_speaker2.npz")


def complete_stems(folder: Path) -> list[str]:
    """The stems with all four files, sorted; the incomplete ones are named in one warning.

    A half-copied corpus should neither crash the run nor shrink unnoticed: the same rule as
    ``dualtalk train`` (``dataset.find_conversations``), in this trainer's flat folder."""
    stems = sorted({p.name[: -len(part)] for part in _PARTS for p in folder.glob(f"*{part}")})
    absent = {
        stem: [stem + part for part in _PARTS if not (folder / (stem + part)).is_file()] for stem in stems
    }
    complete = [stem for stem in stems if not absent[stem]]
    missing = [name for stem in stems for name in absent[stem]]
    if missing and complete:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        print(f"warning: {folder}: skipping incomplete conversations, missing {shown}", file=sys.stderr)
    elif missing:
        raise DualTalkError(f"no complete conversation in {folder} (missing {', '.join(missing[:3])})")
    return complete


def _read_int16(path: Path) -> tuple[np.ndarray, int]:
    """A recording as int16 samples; an unreadable file is one line naming it, not a traceback."""
    import soundfile as sf

    try:
        return sf.read(path, dtype="int16")
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise DualTalkError(f"cannot read audio {path}: {exc}") from None


class Corpus:
    """All dialogues of a folder in memory: int16 audio and float motion per speaker."""

    def __init__(self, folder: str | Path, *, limit: int | None = None) -> None:
        folder = Path(folder)
        stems = complete_stems(folder)
        if limit:
            stems = stems[:limit]
        if not stems:
            raise DualTalkError(f"no <stem>_speaker1.wav files in {folder}")
        self.items: list[dict] = []
        for stem in stems:
            sides: list[dict[str, Any]] = []
            for k in (1, 2):
                audio, sr = _read_int16(folder / f"{stem}_speaker{k}.wav")
                if sr != SR:
                    raise DualTalkError(f"{stem}_speaker{k}.wav is {sr} Hz; the corpus must be 16 kHz")
                motion = load_motion(folder / f"{stem}_speaker{k}.npz")
                if motion.space != "arkit55":
                    raise DualTalkError(
                        f"{stem}_speaker{k}.npz is {motion.space}; the lite model trains on arkit55"
                    )
                x = audio.astype(np.float32) / 32768.0
                pc = folder / f"{stem}_speaker{k}.phoneclass.npy"
                sides.append(
                    {
                        "audio": audio,
                        "mean": float(x.mean()),
                        "std": float(x.std() + 1e-5),
                        "values": motion.values,
                        "phone_class": np.load(pc) if pc.exists() else np.zeros(len(motion.values), np.int8),
                    }
                )
            frames = min(
                len(sides[0]["values"]),
                len(sides[1]["values"]),
                len(sides[0]["audio"]) // HOP,
                len(sides[1]["audio"]) // HOP,
            )
            self.items.append({"stem": stem, "sides": sides, "frames": frames})

    def __len__(self) -> int:
        return len(self.items)

    def batch(
        self, rng: np.random.Generator, size: int, frames: int, indices: list[int], advance: int = 0
    ) -> dict[str, torch.Tensor]:
        """Random crops; ``advance`` samples: each target frame is paired with audio that
        much earlier, so the trained output moves that much earlier.

        The network's output sits about 20 ms behind its targets (measured: v1 targets
        lead the sound by 35 ms, v1's output by 20 ms; contact targets at 0 ms, output
        +20 ms), half a frame that a frame-level target cannot move. (Pairing targets
        with *later* audio instead made the lag worse: +50 ms at step 1000.)
        """
        a_self, a_part, m_part, target, pclass = [], [], [], [], []
        for _ in range(size):
            item = self.items[int(rng.choice(indices))]
            k = int(rng.integers(0, 2))
            own, other = item["sides"][k], item["sides"][1 - k]
            n = min(frames, item["frames"])
            t0 = int(rng.integers(0, item["frames"] - n + 1))
            crop_norm = rng.random() < 0.3  # sometimes normalise the crop, not the whole stream
            pair = []
            for side in (own, other):
                a0 = t0 * HOP - advance
                x = side["audio"][max(a0, 0) : (t0 + n) * HOP - advance].astype(np.float32) / 32768.0
                x = np.pad(x, (max(-a0, 0), 0))
                if crop_norm:
                    x = (x - x.mean()) / (x.std() + 1e-5)
                else:
                    x = (x - side["mean"]) / side["std"]
                pair.append(np.pad(x, (0, frames * HOP - len(x))))
            pm = other["values"][t0 : t0 + n].copy()
            r = rng.random()
            if r < 0.25:
                pm[:] = 0.0  # first round: partner at rest
            elif r < 0.6:
                pm += rng.normal(0, 0.03, pm.shape).astype(np.float32)
                shift = int(rng.integers(-3, 4))
                pm = np.roll(pm, shift, axis=0)
            a_self.append(pair[0])
            a_part.append(pair[1])
            m_part.append(np.pad(pm, ((0, frames - n), (0, 0))))
            target.append(np.pad(own["values"][t0 : t0 + n], ((0, frames - n), (0, 0))))
            pc = own["phone_class"][t0 : t0 + n].astype(np.int64)
            pclass.append(np.pad(pc, (0, frames - len(pc))))
        return {
            "audio_self": torch.from_numpy(np.stack(a_self)),
            "audio_partner": torch.from_numpy(np.stack(a_part)),
            "partner_motion": torch.from_numpy(np.stack(m_part)),
            "target": torch.from_numpy(np.stack(target)),
            "phone_class": torch.from_numpy(np.stack(pclass)),
        }


_I = {n: i for i, n in enumerate(ARKIT55)}
CONTACT_L1 = ("", "aperture", "both")  # which contact errors are absolute ("" = none)
# phone classes (synth.PHONE_*): 1 bilabial, 2 labiodental, 3 open vowel
_BILABIAL, _LABIODENTAL, _OPEN = 1, 2, 3


def lip_aperture(v: torch.Tensor) -> torch.Tensor:
    """jawOpen - mouthClose + 0.3 x mouthLowerDown (mean of both sides), per frame."""
    low = 0.5 * (v[..., _I["mouthLowerDownLeft"]] + v[..., _I["mouthLowerDownRight"]])
    return v[..., _I["jawOpen"]] - v[..., _I["mouthClose"]] + 0.3 * low


def lip_tuck(v: torch.Tensor) -> torch.Tensor:
    """mouthRollLower + 0.5 x mouthUpperUp (mean of both sides): lower lip to the teeth."""
    up = 0.5 * (v[..., _I["mouthUpperUpLeft"]] + v[..., _I["mouthUpperUpRight"]])
    return v[..., _I["mouthRollLower"]] + 0.5 * up


def lip_round(v: torch.Tensor) -> torch.Tensor:
    """mouthFunnel + mouthPucker: what the rounded-vs-spread measure scores."""
    return v[..., _I["mouthFunnel"]] + v[..., _I["mouthPucker"]]


def contact_targets(phone_class: torch.Tensor) -> torch.Tensor:
    """(..., T) phone classes -> (..., T, 2) float 0/1 targets of the contact head:
    [bilabial closure, labiodental contact], one per class of ``CONTACT_CLASSES``."""
    codes = {"bilabial": _BILABIAL, "labiodental": _LABIODENTAL}
    return torch.stack([(phone_class == codes[c]).float() for c in CONTACT_CLASSES], dim=-1)


def contact_loss(logits: torch.Tensor, phone_class: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of the contact logits against the frames' phone classes."""
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, contact_targets(phone_class))


def round_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Squared error of lip rounding, x5 on frames whose target is rounded (funnel + pucker > 0.3)."""
    t = lip_round(target)
    return ((lip_round(pred) - t) ** 2 * (1.0 + 4.0 * (t > 0.3).float())).mean()


def lite_loss(
    pred: torch.Tensor,
    target: torch.Tensor,
    weights: torch.Tensor,
    phone_class: torch.Tensor | None = None,
    contact_weight: float = 0.0,
    contact_l1: str = "",
    open_expectile: float = 0.5,
) -> torch.Tensor:
    """Weighted squared error on values and on frame-to-frame velocity, plus the contact term.

    Squared, not absolute, error overall: L1 pulls toward the median, and the median mouth
    (silence, listening) is closed, which collapses the lip motion to a flat line. The
    contact term may be absolute (``contact_l1``: ``"aperture"`` or ``"both"`` aperture and
    tuck): it only sees bilabial, labiodental and open-vowel frames, where the median is the
    decision the evaluation asks for. On a frame whose audio leaves it unsure whether the lips
    are still closed, squared error asks for the half-open average, which counts as shut for
    the vowel; absolute error asks for the likelier of the two. The tuck is better left
    squared (measured: F/V AUC 0.84 with it absolute, 0.90 squared, step 7000): a hedged
    tuck on an unsure /f/ still ranks it above other consonants, a decided zero does not.

    ``open_expectile`` > 0.5 makes the aperture error on open-vowel frames asymmetric
    (expectile regression): too shut costs ``open_expectile``, too open ``1 - open_expectile``
    (both x2, so 0.5 is plain squared error). On the frame after a release, which the audio
    leaves torn between "still closed" and "open", the optimum leans open instead of the
    half-shut average, and it stays a smooth squared error everywhere else.
    """
    if not 0.0 < open_expectile < 1.0:
        raise DualTalkError(f"--open-expectile must be between 0 and 1, got {open_expectile}")
    if contact_l1 not in CONTACT_L1:
        raise DualTalkError(f"--contact-l1 must be one of {', '.join(CONTACT_L1[1:])}, got {contact_l1!r}")
    pos = ((pred - target) ** 2 * weights).mean()
    vel = (((pred[:, 1:] - pred[:, :-1]) - (target[:, 1:] - target[:, :-1])) ** 2 * weights).mean()
    loss = 10.0 * (pos + vel)
    if phone_class is not None and contact_weight > 0:
        ap_mask = ((phone_class == _BILABIAL) | (phone_class == _OPEN)).float()
        tk_mask = (phone_class == _LABIODENTAL).float() + (phone_class == _BILABIAL).float() * 0.5
        err_ap = torch.abs if contact_l1 in ("aperture", "both") else torch.square
        err_tk = torch.abs if contact_l1 == "both" else torch.square
        diff = lip_aperture(pred) - lip_aperture(target)
        ap = err_ap(diff) * ap_mask
        if open_expectile != 0.5:  # too shut costs 2T, too open 2(1 - T), on open-vowel frames only
            lean = torch.where(diff < 0, 2.0 * open_expectile, 2.0 * (1.0 - open_expectile))
            ap = ap * torch.where(phone_class == _OPEN, lean, 1.0)
        tk = err_tk(lip_tuck(pred) - lip_tuck(target)) * tk_mask
        loss = loss + contact_weight * 10.0 * (ap.mean() + tk.mean())
    return loss


class WeightAverage:
    """An exponential moving average of a model's weights (buffers copied as they are).

    The decay ramps up from 0 over the first steps (``min(decay, (1 + step) / (10 + step))``),
    so an early checkpoint is not dominated by the initial weights."""

    def __init__(self, model: LiteDualTalk, decay: float) -> None:
        import copy

        self.decay = decay
        self.model = copy.deepcopy(model)
        self.model.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: LiteDualTalk, step: int) -> None:
        d = min(self.decay, (1.0 + step) / (10.0 + step))
        for avg, cur in zip(self.model.parameters(), model.parameters(), strict=True):
            if cur.requires_grad:  # frozen weights stay bit-identical
                avg.mul_(d).add_(cur.detach(), alpha=1.0 - d)
        for avg, cur in zip(self.model.buffers(), model.buffers(), strict=True):
            avg.copy_(cur)


def zero_residual(block: torch.nn.Module) -> None:
    """Make a pre-norm residual interaction block the identity: zero what it adds to its input."""
    with torch.no_grad():
        for layer in (block.self_attn.out, block.cross_attn.out, block.ff[-1]):
            layer.weight.zero_()
            layer.bias.zero_()


def train_mode(model: LiteDualTalk, refine_only: bool = False) -> None:
    """Training mode; with ``refine_only`` the frozen network stays in eval mode (no dropout,
    no spectrogram augmentation), so the refiner learns on the features it will see."""
    model.train()
    if refine_only:
        for name, child in model.named_children():
            if name != "refiner":
                child.eval()


@torch.no_grad()
def validate(
    model: LiteDualTalk, corpus: Corpus, indices: list[int], frames: int, refine_only: bool = False
) -> dict[str, float]:
    model.eval()
    rng = np.random.default_rng(123)
    b = corpus.batch(rng, min(16, 4 * len(indices)), frames, indices)
    b["partner_motion"][:] = 0.0
    pred = model(b["audio_self"], b["audio_partner"], b["partner_motion"])
    jaw = ARKIT55.index("jawOpen")
    p, t = pred[..., jaw].flatten().numpy(), b["target"][..., jaw].flatten().numpy()
    rec = {
        "val_l1": float((pred - b["target"]).abs().mean()),
        "val_jaw_corr": float(np.corrcoef(p, t)[0, 1]),
    }
    _, logits = model.forward_parts(b["audio_self"], b["audio_partner"], b["partner_motion"])
    if logits is not None:
        rec["val_bce"] = float(contact_loss(logits, b["phone_class"]))
        hit = torch.sigmoid(logits) >= model.cfg.contact_threshold
        truth = contact_targets(b["phone_class"]) > 0.5
        for k, cls in enumerate(CONTACT_CLASSES):
            tp = float((hit[..., k] & truth[..., k]).sum())
            rec[f"val_{cls}_recall"] = tp / max(float(truth[..., k].sum()), 1.0)
            rec[f"val_{cls}_precision"] = tp / max(float(hit[..., k].sum()), 1.0)
    if model.refiner is not None:
        rec["val_round_mse"] = float(((lip_round(pred) - lip_round(b["target"])) ** 2).mean())
    train_mode(model, refine_only)
    return rec


def _save_on_interrupt(kept: LiteDualTalk, path: Path, extra: dict, stepped: int, saved: int) -> str:
    """Save the last whole step's weights when a stop cut the run short; say what ``lite.pt`` holds.

    ``stepped`` is 0 when the stop came in the middle of an update (a second Ctrl-C): those
    weights are half-written, so the last save stays."""
    if stepped > saved:
        save_lite(kept, path, extra={"step": stepped, **extra})
        saved = stepped
    return f"{path} holds step {saved}" if saved else "no step was saved"


def run_files(out: Path) -> list[str]:
    """What a run leaves in its folder (``lite.pt``, ``lite_step<N>.pt``, ``train_log.jsonl``)."""
    if not out.is_dir():
        return []
    # an empty log is a run that stopped before its first step: nothing of it to lose
    names = [
        p.name
        for p in out.iterdir()
        if p.name == "lite.pt" or (p.name == "train_log.jsonl" and p.is_file() and p.stat().st_size > 0)
    ]
    steps = [p.name for p in out.glob("lite_step*.pt")]
    return sorted(names) + sorted(steps, key=lambda n: (len(n), n))


def _check_out(data: Path, out: Path, init: str | Path | None) -> None:
    """Refuse an ``out`` that would clobber what the run reads: the run writes ``lite.pt``,
    ``lite_step<N>.pt`` and ``train_log.jsonl`` there as it goes."""
    if out.resolve() == data.resolve():
        raise DualTalkError(f"--out {out} is the corpus folder (--data); give a folder of its own")
    if init is not None and Path(init).resolve().parent == out.resolve():
        name = Path(init).name
        if name == "lite.pt" or (name.startswith("lite_step") and name.endswith(".pt")):
            raise DualTalkError(
                f"--init {init} would be overwritten as this run saves into --out {out}; "
                "copy it elsewhere or give another --out"
            )
    taken = run_files(out)
    if taken:  # dualtalk train's rule; this trainer cannot resume, so a new run goes elsewhere
        shown = ", ".join(taken[:3]) + (f" and {len(taken) - 3} more" if len(taken) > 3 else "")
        raise DualTalkError(
            f"{out} already holds another run ({shown}); choose another --out "
            f"(to continue it, start from its weights: --init {out / 'lite.pt'} --out NEW)"
        )


def train(
    data: str | Path,
    out: str | Path,
    *,
    steps: int = 4000,
    batch_size: int = 16,
    frames: int = 200,
    lr: float = 1e-3,
    seed: int = 0,
    config: LiteConfig | None = None,
    limit: int | None = None,
    log_every: int = 50,
    save_every: int = 250,
    time_limit: float | None = None,
    init: str | Path | None = None,
    contact_weight: float = 0.0,
    anneal_by_time: bool = False,
    audio_advance_ms: float = 0.0,
    contact_head: bool = False,
    bce_weight: float = 1.0,
    round_weight: float = 0.0,
    keep_every: int = 0,
    contact_l1: str = "",
    ema: float = 0.0,
    open_expectile: float = 0.5,
    refine: str = "",
    refine_dim: int = 64,
    grow_layers: int = 0,
    feature_reading: str = "",
) -> Path:
    """Train and write ``out/lite.pt`` (fp16) regularly; returns its path.

    ``keep_every`` > 0 also keeps a copy ``lite_step<N>.pt`` every that many steps, so
    checkpoints can be chosen afterwards on held-out speech. ``ema`` > 0 saves (and
    validates) an exponential moving average of the weights with that decay instead of
    the last step's: the lip-sync scores of v2's run swung by 0.1 AUC between checkpoints
    a few thousand steps apart, and an average of many steps is the steadier choice.

    One run per ``out`` at a time: a second run given a folder another is writing stops before
    any work, in one line naming that run ("another DualTalk run is writing ...").
    """
    if refine and not init:
        raise DualTalkError("--refine trains a refiner on top of existing weights: give --init")
    if grow_layers and not init:
        raise DualTalkError("--grow-layers adds blocks to existing weights: give --init")
    if grow_layers < 0:
        raise DualTalkError(f"--grow-layers must be 0 or more, got {grow_layers}")
    if feature_reading and feature_reading not in READINGS:
        raise DualTalkError(
            f"--feature-reading must be one of {', '.join(READINGS)}, got {feature_reading!r}"
        )
    out = Path(out)
    if out.exists() and not out.is_dir():  # before the lock, which would be made inside it
        raise DualTalkError(f"--out {out} is a file; give a folder for lite.pt and train_log.jsonl")
    # one run at a time per folder (infer's take-folder lock, as `dualtalk train` and synth take it):
    # two runs started together both found the folder empty and both saved lite.pt into it (review
    # rv38f F1); the folder is judged under the lock, and a refused run leaves no folder behind
    with locks.locked(out, "--out", lock=locks.take_lock_file(out), what="run folder"):
        _check_out(Path(data), out, init)
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        corpus = Corpus(data, limit=limit)
        out.mkdir(parents=True, exist_ok=True)
        n_val = max(1, len(corpus) // 20) if len(corpus) > 4 else 0
        train_idx = list(range(len(corpus) - n_val)) or [0]
        val_idx = list(range(len(corpus) - n_val, len(corpus))) or train_idx
        if not n_val:  # too few to hold any out: the logged val_* numbers are training numbers
            print(
                f"warning: {data} holds {len(corpus)} conversation(s), too few to hold one out (5 or more are "
                "needed); val_* in the log are measured on the training conversations",
                file=sys.stderr,
            )
        if init:
            from ..cmd_train import load_lite_for

            start = load_lite_for(str(init), "python -m dualtalk train --arch dualtalk")[0]
            cfg = start.cfg
            if contact_head and not cfg.contact_head:
                cfg = replace(cfg, contact_head=len(CONTACT_CLASSES))
            if refine and refine != cfg.refine:
                if cfg.refine:
                    raise DualTalkError(
                        f"{init} already refines {cfg.refine}; refine from weights without a refiner"
                    )
                cfg = lite_config_from_payload(
                    {**asdict(cfg), "refine": refine, "refine_dim": refine_dim}, "--refine"
                )
            old_layers = cfg.interaction_layers
            if grow_layers:
                cfg = lite_config_from_payload(
                    {**asdict(cfg), "interaction_layers": old_layers + grow_layers}, "--grow-layers"
                )
            if feature_reading:
                cfg = replace(cfg, feature_reading=feature_reading)
            model = LiteDualTalk(cfg)
            missing, unexpected = model.load_state_dict(start.state_dict(), strict=False)
            new_blocks = tuple(f"interaction.{i}." for i in range(old_layers, cfg.interaction_layers))
            if unexpected or any(not k.startswith(("contact.", "refiner.", *new_blocks)) for k in missing):
                raise DualTalkError(f"{init} does not fit the network being trained")
            for block in list(model.interaction)[old_layers:]:
                zero_residual(block)
        else:
            cfg = config or LiteConfig()
            if contact_head:
                cfg = replace(cfg, contact_head=len(CONTACT_CLASSES))
            if feature_reading:
                cfg = replace(cfg, feature_reading=feature_reading)
            model = LiteDualTalk(cfg)
        refine_only = bool(refine)
        if refine_only:
            for name, param in model.named_parameters():
                param.requires_grad_(name.startswith("refiner."))
        train_mode(model, refine_only)
        averaged = WeightAverage(model, ema) if ema > 0 else None
        trained = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(trained, lr=lr, weight_decay=0.01)
        warm = min(200, steps // 10 + 1)
        t_start = time.time()

        def progress(s: int) -> float:
            """Share of the run done: by steps, or by the clock when annealing within a time limit."""
            p = s / steps
            if anneal_by_time and time_limit:
                p = max(p, (time.time() - t_start) / time_limit)
            return min(p, 1.0)

        sched = torch.optim.lr_scheduler.LambdaLR(
            opt,
            lambda s: min(1.0, (s + 1) / warm) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress(s)))),
        )
        weights = channel_weights()
        advance = int(round(audio_advance_ms * SR / 1000))
        log = open(out / "train_log.jsonl", "a")
        running = 0.0
        path = out / "lite.pt"
        kept: LiteDualTalk = model
        whole, stepped, saved = True, 0, 0  # whole: weights not mid-update; the last step taken / saved
        extra = {"data": str(data), "corpus_dialogues": len(corpus), "ema": ema}
        try:
            with FinishStepOnCtrlC() as ctrl_c:  # Ctrl-C finishes the running step, then saves and stops
                for step in range(1, steps + 1):
                    ctrl_c.check()
                    b = corpus.batch(rng, batch_size, frames, train_idx, advance)
                    pred, logits = model.forward_parts(
                        b["audio_self"], b["audio_partner"], b["partner_motion"]
                    )
                    if logits is not None:  # the soft contact decision, so the regression need not make it
                        pred = blend_contact(pred, torch.sigmoid(logits))
                    loss = lite_loss(
                        pred,
                        b["target"],
                        weights,
                        b["phone_class"],
                        contact_weight,
                        contact_l1,
                        open_expectile,
                    )
                    if logits is not None and bce_weight > 0:
                        loss = loss + bce_weight * contact_loss(logits, b["phone_class"])
                    if round_weight > 0:
                        loss = loss + round_weight * 10.0 * round_loss(pred, b["target"])
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(trained, 1.0)
                    whole = False
                    opt.step()
                    sched.step()
                    if averaged is not None:
                        averaged.update(model, step)
                    whole, stepped = True, step
                    kept = averaged.model if averaged is not None else model
                    running = 0.9 * running + 0.1 * loss.item() if step > 1 else loss.item()
                    done = step == steps or (time_limit is not None and time.time() - t_start > time_limit)
                    if step % log_every == 0 or done:
                        rec = {
                            "step": step,
                            "loss": round(running, 5),
                            "lr": sched.get_last_lr()[0],
                            "elapsed_s": round(time.time() - t_start, 1),
                        }
                        if step % (log_every * 5) == 0 or done:
                            rec.update(validate(kept, corpus, val_idx, frames, refine_only))
                        log.write(json.dumps(rec) + "\n")
                        log.flush()
                        print(json.dumps(rec), flush=True)
                    keep = keep_every > 0 and step % keep_every == 0
                    if step % save_every == 0 or done or keep:
                        save_lite(kept, path, extra={"step": step, **extra})
                        saved = step
                        if keep:
                            shutil.copyfile(path, out / f"lite_step{step}.pt")
                    if done:
                        break
        except KeyboardInterrupt as exc:
            exc.add_note(_save_on_interrupt(kept, path, extra, stepped if whole else 0, saved))
            raise
        finally:
            log.close()
        return path


def _check_numbers(args: argparse.Namespace) -> None:
    """Every count and rate in one clear line before any folder is made (nan fails each test)."""
    for flag, value in (
        ("--steps", args.steps),
        ("--batch-size", args.batch_size),
        ("--frames", args.frames),
        ("--log-every", args.log_every),
        ("--threads", args.threads),
    ):
        if value < 1:
            raise DualTalkError(f"{flag} must be at least 1, got {value}")
    for flag, value in (("--limit", args.limit), ("--refine-dim", args.refine_dim)):
        if value is not None and value < 1:
            raise DualTalkError(f"{flag} must be at least 1, got {value}")
    if args.keep_every < 0:
        raise DualTalkError(f"--keep-every must be 0 (off) or a number of steps, got {args.keep_every}")
    if not 0 <= args.seed <= MAX_SEED:  # the words of `dualtalk train --seed`
        raise DualTalkError(f"--seed must be between 0 and {MAX_SEED}, got {args.seed}")
    for flag, weight in (
        ("--contact-weight", args.contact_weight),
        ("--bce-weight", args.bce_weight),
        ("--round-weight", args.round_weight),
    ):  # a negative weight would reward error on those frames
        if not (weight >= 0 and math.isfinite(weight)):
            raise DualTalkError(f"{flag} must be 0 or more, got {weight:g}")
    if not -MAX_ADVANCE_MS <= args.audio_advance_ms <= MAX_ADVANCE_MS:
        raise DualTalkError(
            f"--audio-advance-ms must be between {-MAX_ADVANCE_MS:g} and {MAX_ADVANCE_MS:g}, "
            f"got {args.audio_advance_ms:g}"
        )
    if not (args.lr > 0 and math.isfinite(args.lr)):
        raise DualTalkError(f"--lr must be a positive number, got {args.lr:g}")
    if args.time_limit is not None and not args.time_limit > 0:
        raise DualTalkError(f"--time-limit must be a positive number of seconds, got {args.time_limit:g}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.train_lite", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--data", required=True, help="corpus folder from `dualtalk synth`")
    ap.add_argument("--out", required=True, help="folder for lite.pt and train_log.jsonl")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--frames", type=int, default=200, help="crop length in frames (25 fps)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0, help=f"0 to {MAX_SEED} (default 0)")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N dialogues (1 or more)")
    ap.add_argument("--time-limit", type=float, default=None, help="stop after this many seconds")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--init", default=None, help="start from these lite weights")
    ap.add_argument(
        "--contact-weight",
        type=float,
        default=0.0,
        help="weight (0 or more) of the lip aperture/tuck term on bilabial, labiodental and open-vowel frames",
    )
    ap.add_argument(
        "--anneal-by-time", action="store_true", help="cosine schedule reaches its end at --time-limit"
    )
    ap.add_argument(
        "--audio-advance-ms",
        type=float,
        default=0.0,
        help=f"pair each target frame with audio this much earlier (moves the output earlier; "
        f"-{MAX_ADVANCE_MS:g} to {MAX_ADVANCE_MS:g} ms, v2/v3 used 20)",
    )
    ap.add_argument(
        "--contact-head",
        action="store_true",
        help="add (or keep training) the lip-contact head: BCE on bilabial/labiodental frames",
    )
    ap.add_argument(
        "--bce-weight", type=float, default=1.0, help="weight (0 or more) of the contact head's BCE"
    )
    ap.add_argument(
        "--round-weight",
        type=float,
        default=0.0,
        help="weight (0 or more) of the lip-rounding term (x5 on rounded frames)",
    )
    ap.add_argument("--keep-every", type=int, default=0, help="also keep lite_step<N>.pt every N steps")
    ap.add_argument(
        "--contact-l1",
        choices=CONTACT_L1[1:],
        default="",
        help="absolute, not squared, error in the contact term: on the aperture, or on aperture and tuck",
    )
    ap.add_argument(
        "--ema",
        type=float,
        default=0.0,
        help="save a moving average of the weights with this decay (e.g. 0.999)",
    )
    ap.add_argument(
        "--open-expectile",
        type=float,
        default=0.5,
        help="asymmetric aperture error on open-vowel frames: too shut costs more above 0.5 (e.g. 0.8)",
    )
    ap.add_argument(
        "--refine",
        default="",
        help="train only a mouth refiner for these comma-separated ARKit channels on frozen --init weights",
    )
    ap.add_argument("--refine-dim", type=int, default=64, help="width of the refiner")
    ap.add_argument(
        "--grow-layers",
        type=int,
        default=0,
        help="add this many interaction blocks to the --init network, each starting as the identity",
    )
    ap.add_argument(
        "--feature-reading",
        choices=READINGS,
        default="",
        help="how audio features meet motion frames: stretch (v1-v3) or centre (each frame's centre, "
        "no drift across a window); default: the --init weights' reading, else stretch",
    )
    args = ap.parse_args(argv)
    if not 0.0 < args.open_expectile < 1.0:
        raise DualTalkError("--open-expectile must be between 0 and 1")
    if not (args.ema == 0.0 or 0.0 < args.ema < 1.0):
        raise DualTalkError("--ema must be 0 (off) or a decay between 0 and 1")
    _check_numbers(args)
    torch.set_num_threads(args.threads)
    train(args.data, args.out, steps=args.steps, batch_size=args.batch_size, frames=args.frames, lr=args.lr,
          seed=args.seed, limit=args.limit, time_limit=args.time_limit, init=args.init, log_every=args.log_every,
          contact_weight=args.contact_weight, anneal_by_time=args.anneal_by_time,
          audio_advance_ms=args.audio_advance_ms, contact_head=args.contact_head, bce_weight=args.bce_weight,
          round_weight=args.round_weight, keep_every=args.keep_every, contact_l1=args.contact_l1,
          ema=args.ema, open_expectile=args.open_expectile, refine=args.refine,
          refine_dim=args.refine_dim, grow_layers=args.grow_layers,
          feature_reading=args.feature_reading)  # fmt: skip
    return 0


def cli(argv: list[str] | None = None) -> int:
    """The command: a mistake is one ``error:`` line (exit 2), Ctrl-C one line saying what
    ``lite.pt`` holds (exit 130, SIGTERM 143), as the ``dualtalk`` commands do."""
    from ...inference.core import interrupts

    try:
        with interrupts.handle_signals():
            return main(argv)
    except KeyboardInterrupt as exc:
        notes = "; ".join(getattr(exc, "__notes__", []))
        print(f"error: {interrupts.message(exc)}" + (f"; {notes}" if notes else ""), file=sys.stderr)
        return interrupts.exit_code(exc)
    except DualTalkError as exc:  # a mistake on the command line: one line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(cli())
