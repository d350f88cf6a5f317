"""A small generic trainer for any :class:`~inference.models.protocol.TwoPartyModel`.

Usage (the CLI ``python -m dualtalk train`` and the lite model's training both do this)::

    from dualtalk.training.dataset import DualTalkDataset, load_conversations, split_conversations
    from dualtalk.training.trainer import train

    train_c, val_c = split_conversations(load_conversations("data"), 0.1)
    result = train(model, DualTalkDataset(train_c), val_dataset=DualTalkDataset(val_c, random_crop=False),
                   steps=2000, lr=1e-4, batch_size=4, out_dir="runs/x", progress=ConsoleBar())
    result.weights   # runs/x/model.pth: {"model": state_dict, "meta": {...}} (best validation)

What it guarantees:

* Batches are ``{"audio_self", "audio_partner", "motion_self", "motion_partner",
  "mask"}`` (see :func:`training.dataset.collate`); the model is called as
  ``model(audio_self, audio_partner, motion_partner)`` and the loss as
  ``loss_fn(pred, motion_self, mask) -> (total, parts)`` (default: the published loss
  for the model's space, :func:`training.losses.loss_for_space`).
* AdamW, optional linear warm-up and gradient-norm clipping.
* Deterministic for a given ``seed`` on CPU: the batch order of epoch ``e`` comes from
  a generator seeded with ``(seed, e)``, crops from the dataset's own seeded draw, and
  dropout from torch's RNG, whose state is checkpointed. Training N steps in one go
  and training k steps, stopping, and resuming for N-k give the same weights.
* ``out_dir/checkpoint.pt`` holds everything needed to resume (model, optimizer, step,
  RNG, history, ``meta``); ``out_dir/model.pth`` holds the best weights so far (by
  validation loss, or the latest without validation) as ``{"model": state_dict,
  "meta": meta}``, which the engine's loader accepts. Both are written atomically, and
  a cancel (``progress.check_cancel``) or Ctrl-C saves a checkpoint before stopping
  (Ctrl-C lets the running step finish first, so that checkpoint resumes bit-identically).
* An existing ``checkpoint.pt`` is never overwritten unless ``resume`` is set; resuming
  needs the same seed, batch size, learning rate, weight decay, number of crops and ``options``
  (the CLI's include ``--data``: each conversation's content fingerprint).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, Protocol

import torch

from ..inference.checkpoint import read_checkpoint_file
from ..inference.core import locks, outputs
from ..inference.core.errors import CancelledError, DualTalkError
from ..inference.core.fileio import atomic_path, ensure_writable_dir
from ..inference.core.progress import Progress, Silent
from .dataset import collate
from .losses import LossFn, loss_for_space

CHECKPOINT_FORMAT = "dualtalk-train"
CHECKPOINT_VERSION = 1
CHECKPOINT_NAME = "checkpoint.pt"
WEIGHTS_NAME = "model.pth"
HISTORY_NAME = "history.json"
MAX_SEED = 2**32 - 1  # seed * 1_000_003 + step must stay within torch's 64-bit generator seed


@dataclass
class TrainResult:
    """What a training run did; losses are ``(step, value)`` pairs."""

    step: int
    train_loss: list[tuple[int, float]] = field(default_factory=list)
    val_loss: list[tuple[int, float]] = field(default_factory=list)
    best_val: float | None = None
    checkpoint: Path | None = None
    weights: Path | None = None
    seconds: float = 0.0  # wall time of the optimizer steps run by this call (not validation)
    steps_run: int = 0  # optimizer steps run by this call (a resumed run skips the earlier ones)

    @property
    def last_train_loss(self) -> float | None:
        return self.train_loss[-1][1] if self.train_loss else None


def partner_dropout(
    probability: float, neutral: torch.Tensor | None = None
) -> Callable[[dict, torch.Generator], dict]:
    """Augmentation: replace the partner's motion by the resting pose in a share of clips.

    Dialogue-mode generation starts from a neutral partner (nobody captured the partner's
    motion); a model that has seen that during training leans less on the partner track.
    ``neutral`` is the resting motion (C,), zeros by default (FLAME's rest pose).
    """
    if not 0.0 <= probability <= 1.0:
        raise DualTalkError(f"partner dropout must be between 0 and 1, got {probability}")

    def apply(batch: dict, generator: torch.Generator) -> dict:
        motion = batch["motion_partner"]
        drop = torch.rand(motion.shape[0], generator=generator) < probability
        if drop.any():
            rest = torch.zeros(motion.shape[-1]) if neutral is None else neutral.reshape(-1)
            motion = motion.clone()
            motion[drop.to(motion.device)] = rest.to(motion.device, motion.dtype)
            batch = {**batch, "motion_partner": motion}
        return batch

    return apply


def _seeded_order(n: int, seed: int, epoch: int) -> list[int]:
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    return torch.randperm(n, generator=g).tolist()


def _to(batch: dict, device: torch.device) -> dict:
    return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}


def _save_torch(obj: Any, path: Path) -> None:
    buf = io.BytesIO()
    torch.save(obj, buf)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.getvalue())


def _shown(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def data_changes(was: dict, now: dict) -> str:
    """What differs between two ``{conversation: content fingerprint}`` maps, in words."""
    changed = sorted(k for k in set(was) & set(now) if was[k] != now[k])
    new, gone = sorted(set(now) - set(was)), sorted(set(was) - set(now))
    parts = []
    for names, what in ((changed, "changed content"), (new, "new"), (gone, "gone")):
        if names:
            parts.append(f"{len(names)} {what} ({_shown(names)})")
    return "; ".join(parts) or "the data differ"


def _recipe_refusal(key: str, was: Any, now: Any) -> str:
    """One line for a person: which setting or data changed since the run started, and what to do."""
    fix = "start a new run in another folder"
    if key == "--data" and isinstance(was, dict) and isinstance(now, dict):
        return (
            f"cannot resume: --data is not the data the run was started on (compared by content, of its "
            f"{len(was)} conversations: {data_changes(was, now)}); resume with the run's own data or {fix}"
        )
    if key == "training_items":
        return (
            f"cannot resume: the run was started on data giving {was} training crops, this data gives {now}; "
            f"resume with the run's own --data and --crop-seconds or {fix}"
        )
    return f"cannot resume: the run was started with {key}={was!r}, this run has {now!r}; give the same value or {fix}"


def load_checkpoint(path: str | os.PathLike[str]) -> dict:
    """Read a training checkpoint safely (weights only); refuse anything else."""
    path = Path(path)
    ckpt = read_checkpoint_file(path)
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        raise DualTalkError(f"{path.name} is not a dualtalk training checkpoint")
    if int(ckpt.get("version", 0)) > CHECKPOINT_VERSION:
        raise DualTalkError(f"{path.name} was written by a newer trainer (version {ckpt['version']})")
    return ckpt


class Items(Protocol):
    """What training reads from a dataset: its length and one example (a dict of arrays) by index."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> dict: ...


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    dataset: Items,
    *,
    loss_fn: LossFn,
    batch_size: int = 4,
    device: str | torch.device = "cpu",
    collate_fn: Callable[[list], dict] = collate,
) -> dict[str, float]:
    """Mean loss (and each term) over ``dataset`` in eval mode, weighted by real frames."""
    was_training = model.training
    model.eval()
    device = torch.device(device)
    sums: dict[str, float] = {}
    weight = 0.0
    try:
        for i in range(0, len(dataset), batch_size):
            batch = _to(collate_fn([dataset[j] for j in range(i, min(i + batch_size, len(dataset)))]), device)
            pred = model(batch["audio_self"], batch["audio_partner"], batch["motion_partner"])
            total, parts = loss_fn(pred, batch["motion_self"], batch["mask"])
            w = float(batch["mask"].sum())
            weight += w
            sums["total"] = sums.get("total", 0.0) + float(total) * w
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + float(v) * w
    finally:
        model.train(was_training)
    return {k: v / max(weight, 1.0) for k, v in sums.items()}


_P = ParamSpec("_P")


@contextlib.contextmanager
def run_folder_lock(out: str | os.PathLike[str]) -> Iterator[None]:
    """Hold run folder ``out``'s lock (the one ``infer`` takes on its take folder) for the block;
    a block inside one that holds it already goes on (``dualtalk train`` takes it before loading the
    corpus, then calls :func:`train`, which takes it too). Held by another run: one line, exit 75."""
    where = Path(out)
    if locks.holding(locks.take_lock_file(where)):
        yield
        return
    # before the lock, which is made inside it: a file there was "cannot lock X: File exists (X/.take...)"
    outputs.check_folder_target(where, "--out")
    with locks.locked(where, "--out", lock=locks.take_lock_file(where), what="run folder"):
        yield


def one_run_per_folder(fn: Callable[_P, TrainResult]) -> Callable[_P, TrainResult]:
    """Hold ``out_dir``'s lock (:func:`run_folder_lock`) for the whole run. Two
    runs given one folder both trained, both reported success, and the folder kept one run's
    checkpoint beside the other's weights (review rv38b F4); the second now stops in one line
    before any work: "another DualTalk run is writing runs/x (pid N ...)"."""

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> TrainResult:
        out = kwargs.get("out_dir")
        if out is None:
            return fn(*args, **kwargs)
        with run_folder_lock(out):  # type: ignore[arg-type]
            return fn(*args, **kwargs)

    return run


@one_run_per_folder
def train(
    model: torch.nn.Module,
    dataset: Items,
    *,
    val_dataset: Items | None = None,
    steps: int | None = None,
    epochs: int | None = None,
    lr: float = 1e-4,
    batch_size: int = 4,
    weight_decay: float = 0.01,
    warmup_steps: int = 0,
    grad_clip: float | None = 1.0,
    out_dir: str | os.PathLike[str] | None = None,
    resume: bool | str | os.PathLike[str] = False,
    progress: Progress | None = None,
    loss_fn: LossFn | None = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    val_every: int | None = None,
    save_every: int | None = None,
    meta: dict | None = None,
    collate_fn: Callable[[list], dict] = collate,
    augment: Callable[[dict, torch.Generator], dict] | None = None,
    options: dict | None = None,
) -> TrainResult:
    """Train ``model`` on ``dataset`` for ``steps`` optimizer steps (or ``epochs``).

    ``val_every``/``save_every`` count steps (default: once per epoch, and at the
    end). ``resume``: True continues from ``out_dir/checkpoint.pt``, a path continues
    from that file. ``meta`` (JSON-able: architecture, config, ...) is stored with the
    weights and must match on resume, so a run is never continued with another model.
    ``augment(batch, generator)`` may alter each training batch (never validation
    batches); its generator is seeded from ``(seed, step)`` so resuming stays exact.
    ``options`` (JSON-able, e.g. the CLI's ``{"--crop-seconds": 8.0}``) are the caller's other
    settings that decide what each step trains on: like the seed, they must match on resume.
    """
    progress = progress or Silent()
    if len(dataset) == 0:
        raise DualTalkError("training dataset is empty")
    if batch_size < 1:
        raise DualTalkError(f"batch size must be at least 1, got {batch_size}")
    if not 0 <= seed <= MAX_SEED:
        raise DualTalkError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    if lr <= 0 or not math.isfinite(lr):
        raise DualTalkError(f"learning rate must be positive, got {lr}")
    per_epoch = math.ceil(len(dataset) / batch_size)
    if steps is None and epochs is None:
        raise DualTalkError("give the number of training steps or epochs")
    total_steps = int(steps) if steps is not None else int(epochs or 0) * per_epoch
    if total_steps < 1:
        raise DualTalkError(f"number of training steps must be at least 1, got {total_steps}")
    for name, every in (("validation", val_every), ("checkpoint", save_every)):
        if every is not None and every < 0:
            raise DualTalkError(f"{name} interval must be a positive number of steps, got {every}")
    if weight_decay < 0 or not math.isfinite(weight_decay):
        raise DualTalkError(f"weight decay must be 0 or more, got {weight_decay}")
    val_every = val_every or per_epoch
    save_every = save_every or val_every
    meta = dict(meta or {})
    # What decides the data order and the update: resuming with another value is another run.
    recipe = {
        "seed": seed,
        "batch_size": batch_size,
        "lr": lr,
        "weight_decay": weight_decay,
        "warmup_steps": warmup_steps,
        "grad_clip": grad_clip,
        "training_items": len(dataset),
        **(options or {}),
    }
    space = getattr(model, "space", None)
    meta.setdefault("space", space)
    loss_fn = loss_fn or loss_for_space(space)

    device = torch.device(device)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup_steps) if warmup_steps > 0 else 1.0
    )

    out = ensure_writable_dir(out_dir) if out_dir is not None else None
    ckpt_path = out / CHECKPOINT_NAME if out is not None else None
    result = TrainResult(step=0)
    torch.manual_seed(seed)

    if resume:
        src = Path(resume) if not isinstance(resume, bool) else ckpt_path
        if src is None:
            raise DualTalkError("resuming needs an output folder or a checkpoint path")
        if not src.is_file():
            raise DualTalkError(f"nothing to resume: {src} does not exist")
        ckpt = load_checkpoint(src)
        old_meta = ckpt.get("meta", {})
        for key in sorted(set(old_meta) | set(meta)):
            was, now = old_meta.get(key), meta.get(key)
            if was != now:
                if isinstance(was, dict) and isinstance(now, dict):  # a config: name what differs
                    diff = [k for k in sorted(set(was) | set(now)) if was.get(k) != now.get(k)]
                    has = ", ".join(f"{k}={was.get(k)!r}" for k in diff)
                    wants = ", ".join(f"{k}={now.get(k)!r}" for k in diff)
                    raise DualTalkError(f"cannot resume: checkpoint has {key} {has}, this run has {wants}")
                raise DualTalkError(f"cannot resume: checkpoint has {key}={was!r}, this run has {now!r}")
        old_recipe = ckpt.get("recipe") or {}  # checkpoints of older trainers have none
        for key in sorted(set(old_recipe) & set(recipe)):
            if old_recipe[key] != recipe[key]:
                raise DualTalkError(_recipe_refusal(key, old_recipe[key], recipe[key]))
        try:
            model.load_state_dict(ckpt["model"])
        except RuntimeError as exc:
            raise DualTalkError(
                f"cannot resume: checkpoint weights do not fit this model ({str(exc)[:200]})"
            ) from None
        optimizer.load_state_dict(ckpt["optimizer"])
        scheduler.load_state_dict(ckpt["scheduler"])
        torch.set_rng_state(ckpt["torch_rng"])
        if ckpt.get("cuda_rng") and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(ckpt["cuda_rng"])
        result.step = int(ckpt["step"])
        result.train_loss = [(int(s), float(v)) for s, v in ckpt["history"]["train"]]
        result.val_loss = [(int(s), float(v)) for s, v in ckpt["history"]["val"]]
        result.best_val = ckpt.get("best_val")
        if out is not None and (out / WEIGHTS_NAME).is_file():
            result.weights = out / WEIGHTS_NAME
    elif ckpt_path is not None and ckpt_path.exists():
        raise DualTalkError(
            f"{ckpt_path} already exists; resume it (--resume) or choose another output folder"
        )

    def save(rng: torch.Tensor | None = None) -> None:
        if out is None or ckpt_path is None:
            return
        state = {
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state() if rng is None else rng,
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "step": result.step,
            "history": {"train": result.train_loss, "val": result.val_loss},
            "best_val": result.best_val,
            "meta": meta,
            "recipe": recipe,
        }
        _save_torch(state, ckpt_path)
        result.checkpoint = ckpt_path
        if result.weights is None or not result.val_loss:  # no validation: latest weights
            _save_weights()
        history = {
            "train": result.train_loss,
            "val": result.val_loss,
            "best_val": result.best_val,
            "meta": meta,
        }
        with atomic_path(out / HISTORY_NAME) as tmp:
            tmp.write_text(json.dumps(history, indent=1, default=str))

    def _save_weights() -> None:
        if out is None:
            return
        sd = {k: v.detach().to("cpu") for k, v in model.state_dict().items()}
        _save_torch({"model": sd, "meta": meta}, out / WEIGHTS_NAME)
        result.weights = out / WEIGHTS_NAME

    def validate() -> None:
        if val_dataset is None or len(val_dataset) == 0:
            return
        progress.update("validate", 0.0, f"step {result.step}")
        val = evaluate(
            model, val_dataset, loss_fn=loss_fn, batch_size=batch_size, device=device, collate_fn=collate_fn
        )
        result.val_loss.append((result.step, val["total"]))
        if result.best_val is None or val["total"] < result.best_val:
            result.best_val = val["total"]
            _save_weights()
        progress.update("validate", 1.0, f"val loss {val['total']:.4f}")

    model.train()
    # "compute": forward/backward (weights untouched, torch's RNG advanced); "update": the
    # optimizer is writing the weights. A checkpoint must hold a whole step's state.
    phase, rng_at_step = "idle", torch.get_rng_state()
    try:
        with FinishStepOnCtrlC() as ctrl_c:
            while result.step < total_steps:
                epoch, skip = divmod(result.step, per_epoch)
                if hasattr(dataset, "set_epoch"):
                    dataset.set_epoch(epoch)
                order = _seeded_order(len(dataset), seed, epoch)
                for b in range(skip, per_epoch):
                    if result.step >= total_steps:
                        break
                    ctrl_c.check()
                    progress.check_cancel()
                    phase, rng_at_step = "compute", torch.get_rng_state()
                    t0 = time.perf_counter()
                    idx = order[b * batch_size : (b + 1) * batch_size]
                    batch = _to(collate_fn([dataset[i] for i in idx]), device)
                    if augment is not None:
                        batch = augment(
                            batch, torch.Generator().manual_seed(seed * 1_000_003 + result.step + 1)
                        )
                    pred = model(batch["audio_self"], batch["audio_partner"], batch["motion_partner"])
                    loss, _parts = loss_fn(pred, batch["motion_self"], batch["mask"])
                    if not torch.isfinite(loss.detach()):
                        raise DualTalkError(
                            f"training diverged (loss is {float(loss.detach())}) at step {result.step + 1}; "
                            "try a lower --lr"
                        )
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    if grad_clip:
                        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
                    phase = "update"
                    optimizer.step()
                    scheduler.step()
                    result.step += 1
                    phase = "idle"
                    value = float(loss.detach())
                    result.seconds += time.perf_counter() - t0
                    result.steps_run += 1
                    result.train_loss.append((result.step, value))
                    progress.update(
                        "train",
                        result.step / total_steps,
                        f"step {result.step}/{total_steps} loss {value:.4f}",
                    )
                    done = result.step >= total_steps
                    if result.step % val_every == 0 or done:
                        validate()
                    if result.step % save_every == 0 or done:
                        save()
    except (CancelledError, KeyboardInterrupt):
        if phase == "compute":  # weights and optimizer untouched: the step never happened
            save(rng_at_step)
        elif phase == "idle":
            save()
        # "update": half-written weights; the last saved checkpoint stays the one to resume
        raise
    if result.weights is None:
        _save_weights()
    return result


class FinishStepOnCtrlC:
    """Ctrl-C lets the running step finish, then stops at the next (``check``); a second one stops at once.

    Interrupting mid-step would leave weights, optimizer and RNG out of step with each other,
    so the checkpoint saved on the way out would not resume bit-identically. The Ctrl-C handler
    in place (Python's, or the CLI's ``interrupts`` one) still does the stopping; main thread only.
    """

    def __enter__(self) -> FinishStepOnCtrlC:
        self.pressed, self.previous = False, None
        if threading.current_thread() is threading.main_thread():
            handler = signal.getsignal(signal.SIGINT)
            if callable(handler):  # not SIG_IGN / SIG_DFL: Ctrl-C is meant to raise here
                self.previous = handler
                signal.signal(signal.SIGINT, self._on_ctrl_c)
        return self

    def _on_ctrl_c(self, signum, frame) -> None:
        if self.pressed:
            self._stop()
        self.pressed = True
        print("\nstopping after this step (press Ctrl-C again to stop at once)", file=sys.stderr, flush=True)

    def _stop(self) -> None:
        if self.previous is not None:
            self.previous(signal.SIGINT, None)
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.pressed:
            self._stop()

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
