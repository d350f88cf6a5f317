"""``python -m dualtalk train --data DIR``: train the DualTalk or lite network.

The data folder is DualTalk-format (see :mod:`training.dataset`); the losses are the
published ones (:mod:`training.losses`); the loop is :func:`training.trainer.train`.
A run folder (``--out``) ends up with:

* ``checkpoint.pt`` — resume state (``--resume`` continues it, bit-identically on CPU);
* ``model.pth`` — the best weights by validation loss, ``{"model": ..., "meta": ...}``;
* the same best weights in the engine's own format: ``DualTalk.pth`` (load with
  ``infer --checkpoint``) or ``lite.pt`` (the lite engine's format);
* ``history.json`` — train/validation loss per step.

``--config`` picks the size: ``published`` (the paper's network; needs a GPU and the
DualTalk dataset to be worth it), ``base`` (wav2vec2-base-sized encoders) or ``tiny`` (a
toy for smoke tests); the lite network comes in ``tiny`` and ``published``. ``--init`` starts
from existing weights, at their own size (so not with ``--config``), instead of random ones,
which is how the 24-layer network is realistically fine-tuned.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from ..inference.core.errors import DualTalkError
from ..inference.core.progress import ConsoleBar
from .dataset import (
    Conversation,
    DualTalkDataset,
    add_array,
    load_conversations,
    shared_conversations,
    split_conversations,
)
from .trainer import (
    CHECKPOINT_NAME,
    HISTORY_NAME,
    MAX_SEED,
    WEIGHTS_NAME,
    partner_dropout,
    run_folder_lock,
    train,
)

if TYPE_CHECKING:
    from ..inference.models.lite.model import LiteDualTalk

EXPORT_NAMES = {"dualtalk": "DualTalk.pth", "lite": "lite.pt"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", required=True, metavar="DIR", help="DualTalk-format folder: <stem>_speaker{1,2}.wav/.npz"
    )
    parser.add_argument(
        "--val-data", metavar="DIR", help="separate validation folder (default: hold out --val-fraction)"
    )
    parser.add_argument(
        "--val-fraction", type=float, default=0.1, help="share of conversations held out (default 0.1)"
    )
    parser.add_argument(
        "--arch", choices=("dualtalk", "lite"), default="dualtalk", help="network to train (default dualtalk)"
    )
    parser.add_argument(
        "--config",
        choices=("tiny", "base", "published"),
        default=None,
        help="size of new weights (default published; base is a DualTalk size, --arch lite has tiny and "
        "published); not with --init, whose weights bring their own size",
    )
    parser.add_argument(
        "--init",
        metavar="PATH",
        help="start from these weights (a DualTalk.pth / lite weights file), at their own size",
    )
    parser.add_argument("--freeze-encoders", action="store_true", help="keep the audio encoders fixed")
    parser.add_argument(
        "--partner-dropout",
        type=float,
        default=0.0,
        metavar="P",
        help="replace the partner's motion by the resting pose in this share of clips (prepares the model "
        "for dialogue mode, which starts from a neutral partner; published recipe: 0)",
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--steps", type=int, help="optimizer steps (default: 10 epochs)")
    length.add_argument("--epochs", type=int, help="passes over the training crops (instead of --steps)")
    parser.add_argument("--batch-size", type=int, default=4, help="crops per optimizer step (default 4)")
    parser.add_argument("--lr", type=float, default=1e-4, help="AdamW learning rate (published: 1e-4)")
    parser.add_argument("--weight-decay", type=float, default=0.01, help="AdamW weight decay (default 0.01)")
    parser.add_argument(
        "--crop-seconds", type=float, default=8.0, help="training crop length (published: 8 s)"
    )
    parser.add_argument("--val-every", type=int, help="validate every N steps (default: every epoch)")
    parser.add_argument(
        "--save-every", type=int, help="checkpoint every N steps (default: at each validation)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help=f"seeds the new weights, the held-out conversations and the crops (0 to {MAX_SEED}, default 0)",
    )
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--out", metavar="DIR", help="run folder (default: runs/<arch>-<config>)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out")


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except RuntimeError:
        raise DualTalkError(f"unknown device {name!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise DualTalkError("CUDA was requested but no CUDA device is available")
    return dev


def load_lite_for(init: str, published: str) -> tuple[LiteDualTalk, str]:
    """``load_lite`` for training: its refusal of the published weights names ``infer``'s
    ``--engine``; here the published network trains with ``published`` instead."""
    from ..inference.models.lite.model import load_lite

    try:
        return load_lite(init)
    except DualTalkError as exc:
        raise DualTalkError(
            str(exc).replace("runs with --engine dualtalk", f"trains with {published}")
        ) from None


def build_model(arch: str, config: str, init: str | None) -> tuple[torch.nn.Module, dict]:
    """The network to train and the JSON description stored with its weights."""
    if arch == "lite":
        from ..inference.models.lite.model import LiteConfig, LiteDualTalk

        if init:
            model, _ = load_lite_for(init, "--arch dualtalk")
            model.train()
        else:
            cfg = (
                LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1)
                if config == "tiny"
                else LiteConfig()
            )
            model = LiteDualTalk(cfg)
        from dataclasses import asdict

        return model, {"arch": arch, "config": asdict(model.cfg)}

    from ..inference.models.dualtalk_net import DualTalkConfig, DualTalkNet

    if init:
        from ..inference.checkpoint import load_dualtalk

        model, _ = load_dualtalk(init)
        model.train()
    else:
        if config == "tiny":
            net_cfg = DualTalkConfig.tiny()
        elif config == "base":
            from ..inference.models.wav2vec2 import Wav2Vec2Config

            net_cfg = DualTalkConfig(
                encoder=Wav2Vec2Config(hidden_size=768, num_layers=12, num_heads=12, intermediate_size=3072)
            )
        else:
            net_cfg = DualTalkConfig()
        model = DualTalkNet(net_cfg)
    return model, {"arch": arch, "config": model.config.to_dict()}


def _freeze_encoders(model: torch.nn.Module, arch: str) -> int:
    names = ("joint_encoder.audio_encoder",) if arch == "dualtalk" else ("self_encoder.", "partner_encoder.")
    frozen = 0
    for name, p in model.named_parameters():
        if name.startswith(names):
            p.requires_grad_(False)
            frozen += p.numel()
    return frozen


def export(model: torch.nn.Module, arch: str, out: Path, weights: Path, meta: dict) -> Path:
    """Write the best weights in the engine's own format beside the run files."""
    state = torch.load(weights, map_location="cpu", weights_only=True)["model"]
    model.load_state_dict(state)
    target = out / EXPORT_NAMES[arch]
    if arch == "lite":
        from ..inference.models.lite.model import save_lite

        return save_lite(model, target, half=False, extra={"trained_with": "dualtalk train", **meta})
    from ..inference.checkpoint import save_dualtalk

    return save_dualtalk(target, model)


def _check(args: argparse.Namespace) -> None:
    """Every number in one clear line, before minutes of loading data (nan fails each test)."""
    if not 0 <= args.seed <= MAX_SEED:
        raise DualTalkError(f"--seed must be between 0 and {MAX_SEED}, got {args.seed}")
    if not args.crop_seconds >= 2 / 25 or not math.isfinite(args.crop_seconds):
        raise DualTalkError(f"--crop-seconds must be at least 0.08 (two frames), got {args.crop_seconds:g}")
    for flag, value in (
        ("--steps", args.steps),
        ("--epochs", args.epochs),
        ("--batch-size", args.batch_size),
    ):
        if value is not None and value < 1:
            raise DualTalkError(f"{flag} must be at least 1, got {value}")
    for flag, value in (("--val-every", args.val_every), ("--save-every", args.save_every)):
        if value is not None and value < 1:
            raise DualTalkError(f"{flag} must be at least 1 (steps), got {value}")
    if not (args.lr > 0 and math.isfinite(args.lr)):
        raise DualTalkError(f"--lr must be a positive number, got {args.lr:g}")
    if not (args.weight_decay >= 0 and math.isfinite(args.weight_decay)):
        raise DualTalkError(f"--weight-decay must be 0 or more, got {args.weight_decay:g}")
    if not 0.0 <= args.val_fraction < 1.0:
        raise DualTalkError(f"--val-fraction must be at least 0 and below 1, got {args.val_fraction:g}")
    if not 0.0 <= args.partner_dropout <= 1.0:
        raise DualTalkError(f"--partner-dropout must be between 0 and 1, got {args.partner_dropout:g}")
    _check_size(args)


def _check_size(args: argparse.Namespace) -> None:
    """``--config`` builds new weights: with ``--init`` it used to be ignored while the banner
    named it, and ``--arch lite --config base`` quietly built the published lite size."""
    if args.config and args.init:
        raise DualTalkError(
            f"--config {args.config} sizes new weights; --init {args.init} brings its own size: leave --config out"
        )
    if args.arch == "lite" and args.config == "base":
        raise DualTalkError(
            "--arch lite comes in two sizes, tiny and published (the default); base is a DualTalk size"
        )


def size_label(args: argparse.Namespace) -> str:
    """What the banner says was built: the size asked for, or the weights it started from."""
    return f"from {Path(args.init).name}" if args.init else args.config or "published"


def _check_run_folder(out: Path, resume: bool) -> None:
    """A new run never overwrites weights already in ``--out`` (the downloaded DualTalk.pth, another run's)."""
    if resume:
        if not (out / CHECKPOINT_NAME).is_file():
            raise DualTalkError(f"nothing to resume: {out / CHECKPOINT_NAME} does not exist")
        return
    taken = [
        n for n in (CHECKPOINT_NAME, WEIGHTS_NAME, HISTORY_NAME, *EXPORT_NAMES.values()) if (out / n).exists()
    ]
    if taken:
        raise DualTalkError(
            f"{out} already holds {', '.join(taken)}; resume that run (--resume) or choose another --out"
        )


def _conversation_fingerprint(conv: Conversation) -> str:
    """A cheap content hash of one conversation: both speakers' motion and in-memory audio
    (audio streamed from disk counts by its length: hashing tens of GB would take minutes)."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (*conv.motion, *conv.audio):
        if isinstance(part, np.ndarray):
            add_array(digest, part)
        else:
            digest.update(repr(("streamed", len(part), getattr(part, "file_samples", None))).encode())
    return digest.hexdigest()


def data_fingerprint(convs: list[Conversation]) -> dict[str, str]:
    """``{conversation: content hash}`` of ``--data``, recorded when a run starts: resuming on
    other takes under the same names (or an edited copy) would quietly train another run."""
    return {c.stem: _conversation_fingerprint(c) for c in convs}


def run(args: argparse.Namespace) -> int:
    _check(args)
    torch.manual_seed(args.seed)
    device = _device(args.device)
    out = Path(args.out or f"runs/{args.arch}-{args.config or 'published'}")
    if out.resolve() == Path(args.data).resolve():
        raise DualTalkError(f"--out {out} is the data folder (--data); give the run a folder of its own")
    # the run folder's lock before any work: a second run into a busy folder loaded the whole corpus
    # and printed "training ..." before its exit 75 (review rv42b F8); the folder is judged under it
    with run_folder_lock(out):
        return _run(args, device, out)


def _run(args: argparse.Namespace, device: torch.device, out: Path) -> int:
    """The run, its folder locked (:func:`run`)."""
    _check_run_folder(out, args.resume)
    bar = ConsoleBar()
    model, meta = build_model(args.arch, args.config or "published", args.init)
    if args.freeze_encoders:
        _freeze_encoders(model, args.arch)
    crop = max(2, int(round(args.crop_seconds * 25)))
    convs = load_conversations(args.data, space=model.space, progress=bar)
    if args.val_data:
        train_c, val_c = convs, load_conversations(args.val_data, space=model.space, progress=bar)
        shared = shared_conversations(train_c, val_c)
        if shared:
            shown = ", ".join(shared[:3]) + (f" and {len(shared) - 3} more" if len(shared) > 3 else "")
            logging.getLogger(__name__).warning(
                "--val-data: %d of %d validation conversations are also in --data (%s): their validation loss "
                "measures memorisation; give --val-data a folder of held-out conversations",
                len(shared),
                len(val_c),
                shown,
            )
    else:
        train_c, val_c = split_conversations(convs, args.val_fraction, seed=args.seed)
    ds = DualTalkDataset(train_c, crop_frames=crop, seed=args.seed)
    val = DualTalkDataset(val_c, crop_frames=crop, random_crop=False) if val_c else None
    steps, epochs = args.steps, args.epochs
    if steps is None and epochs is None:
        epochs = 10
    print(
        f"training {args.arch} ({size_label(args)}, {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters) "
        f"on {len(train_c)} conversations ({len(ds)} crops of {crop} frames), "
        f"validating on {len(val_c)}; device {device}; run folder {out}"
    )
    result = train(
        model,
        ds,
        val_dataset=val,
        steps=steps,
        epochs=epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        weight_decay=args.weight_decay,
        out_dir=out,
        resume=args.resume,
        progress=bar,
        seed=args.seed,
        device=device,
        val_every=args.val_every,
        save_every=args.save_every,
        meta=meta,
        augment=partner_dropout(args.partner_dropout, model.neutral_motion(1)[0].cpu())
        if args.partner_dropout
        else None,
        options={  # they change what each step trains on: a resumed run must keep them
            "--crop-seconds": args.crop_seconds,
            "--partner-dropout": args.partner_dropout,
            "--freeze-encoders": args.freeze_encoders,
            "--data": data_fingerprint(convs),  # the same names and lengths may hold other takes
        },
    )
    model.to("cpu")
    exported = export(model, args.arch, out, result.weights or out / WEIGHTS_NAME, meta)
    best = (
        f"{result.best_val:.4f}" if result.best_val is not None and math.isfinite(result.best_val) else "n/a"
    )
    pace = f", {result.seconds / result.steps_run:.2f} s/step" if result.steps_run else ""
    print(
        f"done: {result.step} steps{pace}, last train loss {result.last_train_loss:.4f}, best validation loss {best}"
    )
    print(f"weights: {exported}")
    return 0
