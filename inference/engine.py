"""Choosing and loading the network that animates the characters.

Two engines share one generation code path (:mod:`.generate`) through the
:class:`~.models.protocol.TwoPartyModel` interface:

* ``dualtalk`` - the published network, loaded from the user's ``DualTalk.pth``; predicts
  FLAME (``flame56``).
* ``lite`` - the small embedded model shipped with the add-on; predicts ARKit blendshapes
  (``arkit55``) and needs no download.

``engine="auto"`` picks ``dualtalk`` when a checkpoint is given (or ``lite`` when that
file is a lite weights file) and ``lite`` otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import numbers
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from .core.cpu_limits import cgroup_cpu_limit
from .core.errors import DualTalkError
from .core.progress import Progress
from .core.request import ENGINES
from .models.protocol import TwoPartyModel

THREADS_ENV = "DUALTALK_THREADS"  # overrides the choice below (a whole number of threads)
log = logging.getLogger("dualtalk")
# (what asked, how many, cores) already warned about: a batch of 500 runs says it once
_THREADS_WARNED: set[tuple[str, int, int]] = set()
_THREADS_WARNED_LOCK = threading.Lock()


def usable_cpus() -> int:
    """CPUs this process may run on, at least 1: the fewer of its affinity (``taskset``, cpusets) and
    its container's CPU quota (``docker --cpus``, a Kubernetes limit: :func:`cgroup_cpu_limit`), which
    leaves every core in the affinity (a 2-CPU pod on a 64-core node counted 64: review rv39a F5)."""
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        cores = max(1, os.cpu_count() or 1)
    quota = cgroup_cpu_limit()
    return min(cores, quota) if quota is not None else cores


def thread_count(value: object, what: str) -> int:
    """``value`` as a whole number of threads (1 or more), else one :class:`DualTalkError` line naming
    ``what``: torch's own refusal of 0, -3, "2" or 2.5 came mid-run, after the audio was read."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise DualTalkError(f"{what} must be a whole number of threads (1 or more), got {repr(value)[:20]}")
    return int(value)


def capped_threads(count: int, what: str, cpus: int | None = None) -> int:
    """``count`` threads, or the usable cores when it asks for more, warned once per value.

    More threads than cores only wait for each other: a farm wrapper that copied a 64-core node's
    ``DUALTALK_THREADS=999`` to a 2-core machine made a 16 s dialogue take 63 s (0.44 s on one
    thread) and left 1,999 OS threads in the process (review rv38c, finding 1)."""
    usable = cpus or usable_cpus()
    if count <= usable:
        return count
    with _THREADS_WARNED_LOCK:
        first = (what, count, usable) not in _THREADS_WARNED
        _THREADS_WARNED.add((what, count, usable))
    if first:
        log.warning(
            "%s asks for %d CPU threads but this process may use %d core(s); running on %d "
            "(more threads than cores only wait for each other)",
            what, count, usable, usable,
        )  # fmt: skip
    return usable


def choose_threads(engine: str, cpus: int | None = None) -> int:
    """Torch CPU threads for ``engine`` such that a busy machine costs little more than an idle one.

    torch's default (one thread per core) collapses when other work shares the cores: every
    parallel op waits for its slowest thread, and a thread that lost its core to Blender or
    another job stalls the rest (60 s of lite dialogue took 3.05 s with 2 threads on a busy
    2-core machine, 0.42 s with 1). The lite network's ops are small, so one thread is within
    10 % of the best idle time and immune to that; the published network's large convolutions
    and matmuls do gain from threads, so it gets half the usable cores, leaving the rest as
    slack for whatever else runs. ``DUALTALK_THREADS`` overrides, up to the usable cores
    (:func:`capped_threads`).
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise DualTalkError(
                f"{THREADS_ENV} must be a whole number of threads (1 or more), got {raw[:20]!r}"
            )
        return capped_threads(int(raw), THREADS_ENV, cpus)
    if engine == "lite":
        return 1
    return max(1, (cpus or usable_cpus()) // 2)


PRECISIONS = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
# Engine.cpu_threads, per OS thread (torch's CPU thread count is each thread's own: an OpenMP
# setting): how many blocks this thread is inside, and its count to put back when it leaves the last
_THREADS_HELD = threading.local()


@dataclass
class Engine:
    """A loaded network ready for :func:`.generate.generate_dialogue`."""

    model: TwoPartyModel  # a torch.nn.Module in eval mode on ``device``
    name: str  # "dualtalk" | "lite"
    sha256: str
    device: torch.device
    precision: str = "fp32"
    checkpoint: str = ""
    # torch CPU threads while it runs (:func:`choose_threads`); None: torch's own. Checked when set
    # (:meth:`__setattr__`): a whole number of 1 or more, capped at the usable cores
    threads: int | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "threads" and value is not None:
            value = capped_threads(thread_count(value, "engine.threads"), "engine.threads")
        super().__setattr__(name, value)

    @property
    def space(self) -> str:
        return self.model.space

    @property
    def fps(self) -> float:
        return float(self.model.fps)

    @property
    def sample_rate(self) -> int:
        return int(self.model.sample_rate)

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        """Inference mode on the engine's CPU threads (:meth:`cpu_threads`), plus mixed precision
        on CUDA when asked for."""
        with self.cpu_threads(), torch.inference_mode():
            if self.precision == "fp32":
                yield
            else:
                with torch.autocast(self.device.type, dtype=PRECISIONS[self.precision]):
                    yield

    @contextlib.contextmanager
    def cpu_threads(self) -> Iterator[None]:
        """torch's CPU thread count set to the engine's (:attr:`threads`) for the block and put back
        after it, so a caller's own torch work (a notebook's training) keeps the count it chose.
        torch keeps the count per OS thread, so each thread sets and restores its own; nested blocks
        in one thread count as one (the outermost restores)."""
        if self.threads is None:
            yield
            return
        held = _THREADS_HELD
        depth = getattr(held, "depth", 0)
        if depth == 0:
            held.before = torch.get_num_threads()
            if held.before != self.threads:
                torch.set_num_threads(self.threads)
        held.depth = depth + 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and torch.get_num_threads() != held.before:
                torch.set_num_threads(held.before)

    def describe(self) -> str:
        sha = self.sha256[:12] if self.sha256 else "unknown"
        return f"{self.name} engine ({self.space}) on {self.device}, {self.precision}, weights {sha}"


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``auto`` -> CUDA when available, else CPU; asking for CUDA without one is a user error."""
    name = str(device or "auto").lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except RuntimeError:
        raise DualTalkError(f"unknown device {device!r} (use auto, cpu or cuda)") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise DualTalkError(
                f"--device {name} was asked for but no CUDA GPU is available; use --device cpu"
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DualTalkError(f"there is no GPU {dev.index} (found {torch.cuda.device_count()})")
    elif dev.type != "cpu":
        raise DualTalkError(f"unsupported device {device!r} (use auto, cpu or cuda)")
    return dev


def cpu_bf16_supported() -> bool:
    """True where oneDNN has native bf16 kernels (AVX512-BF16 / AMX); elsewhere bf16 would be slower."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _check_precision(precision: str, device: torch.device) -> str:
    """fp32 everywhere; bf16/fp16 autocast on CUDA; bf16 on CPUs with native bf16 (about 1.9x faster)."""
    precision = str(precision or "fp32").lower()
    if precision not in PRECISIONS:
        raise DualTalkError(f"unknown precision {precision!r} (use {', '.join(PRECISIONS)})")
    if device.type == "cuda":
        if precision == "bf16" and not torch.cuda.is_bf16_supported():
            raise DualTalkError("this GPU does not support bf16; use --precision fp16 or fp32")
        return precision
    if precision == "fp16":
        raise DualTalkError("--precision fp16 needs a CUDA GPU; on CPU use fp32 or bf16")
    if precision == "bf16" and not cpu_bf16_supported():
        raise DualTalkError("this CPU has no native bf16 support (AVX512-BF16/AMX); use --precision fp32")
    return precision


def _is_lite_file(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("format") == "dualtalk-lite"


def load_engine(
    checkpoint: str | None = None,
    *,
    engine: str = "auto",
    device: str = "auto",
    precision: str = "fp32",
    progress: Progress | None = None,
) -> Engine:
    """Load the requested engine (see module docstring) on ``device``.

    On CPU the engine runs on :func:`choose_threads` torch threads (``DUALTALK_THREADS``
    overrides), set only while it runs (:meth:`Engine.cpu_threads`): loading and running it leave
    torch's process-wide thread count as it was. Set ``engine.threads`` to run on another count."""
    engine = str(engine or "auto").lower()
    if engine not in ENGINES:
        raise DualTalkError(f"unknown engine {engine!r} (use {', '.join(ENGINES)})")
    dev = resolve_device(device)
    precision = _check_precision(precision, dev)
    if progress is not None:
        progress.update("engine", 0.0, "loading weights")
    if checkpoint is not None and str(checkpoint).strip() == "":
        checkpoint = None

    if engine == "dualtalk" and checkpoint is None:
        raise DualTalkError(
            "the published DualTalk engine needs --checkpoint DualTalk.pth "
            "(get it with `python -m dualtalk download`), or use --engine lite"
        )
    if engine == "lite" or (engine == "auto" and checkpoint is None):
        from .models.lite.model import load_lite  # lazy: the lite package owns its weights

        model, sha = load_lite(checkpoint, device=str(dev))
        name = "lite"
    else:
        from .checkpoint import load_dualtalk_object, read_checkpoint_file

        assert checkpoint is not None  # "dualtalk" without one was refused above; "auto" without one is lite
        try:
            obj = read_checkpoint_file(checkpoint)
        except DualTalkError as exc:
            published = engine == "dualtalk" or Path(checkpoint).name.casefold().startswith("dualtalk")
            if not (published and str(exc).startswith("checkpoint not found")):
                raise
            # the same pointer the missing --checkpoint line gives (review rv37c finding 10); not for
            # another weights file (`--checkpoint my_lite.pt` under --engine auto)
            raise DualTalkError(f"{exc} (get it with `python -m dualtalk download`)") from None
        if _is_lite_file(obj):
            if engine == "dualtalk":
                raise DualTalkError(
                    f"{Path(checkpoint).name} is lite weights, not a DualTalk checkpoint; use --engine lite"
                )
            from .models.lite.model import load_lite

            model, sha = load_lite(checkpoint, device=str(dev))
            name = "lite"
        else:
            model, sha = load_dualtalk_object(obj, checkpoint, device=dev)
            name = "dualtalk"
    model.eval()
    # the engine's CPU threads, used while it runs (Engine.cpu_threads); torch's process-wide count
    # is left as the caller has it
    threads = choose_threads(name) if dev.type == "cpu" else None
    if progress is not None:
        shown = f", {threads} thread(s)" if threads is not None else ""
        progress.update("engine", 1.0, f"{name} on {dev}{shown}")
    return Engine(
        model=model,
        name=name,
        sha256=sha,
        device=dev,
        precision=precision,
        checkpoint=str(checkpoint) if checkpoint else "",
        threads=threads,
    )


def engine_from_model(
    model: TwoPartyModel, *, name: str = "dualtalk", sha256: str = "", device: str | None = None
) -> Engine:
    """Wrap an in-memory network (tests, benchmarks, freshly trained models) as an :class:`Engine`."""
    module: Any = model  # a torch module in practice; the protocol names only what generation calls
    try:
        dev = next(module.parameters()).device
    except (StopIteration, AttributeError):
        dev = torch.device(device or "cpu")
    module.eval()
    return Engine(model=model, name=name, sha256=sha256, device=torch.device(dev))
