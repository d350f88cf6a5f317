"""What ``bench engine`` and ``bench scaling`` share: a random network, a synthetic dialogue, a memory probe.

Timing does not depend on the weights' values, so a random network of the published
size stands in for ``DualTalk.pth`` (which cannot be shipped). The dialogue is
speech-like (voiced harmonics at a syllable rate, turn-taking with some overlap) only so
that the voice-activity flags and encoder inputs look realistic; speed does not depend
on it either.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import numpy as np

from ..inference.core.timebase import FPS, SAMPLE_RATE

SR = SAMPLE_RATE


def add_network_arguments(parser: Any, *, tiny_help: str) -> None:
    """The network options shared by ``bench engine`` and ``bench scaling``."""
    parser.add_argument("--layers", type=int, default=24, help="wav2vec2 layers per encoder (published: 24)")
    parser.add_argument("--tiny", action="store_true", help=tiny_help)
    parser.add_argument("--rounds", type=int, help="refinement rounds (default: the engine's)")
    parser.add_argument("--window", type=float, help="window seconds (default: the engine's)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")


def random_engine(*, layers: int = 24, tiny: bool = False, device: str = "auto", seed: int = 0) -> Any:
    """An :class:`~dualtalk.inference.engine.Engine` around a random DualTalk network."""
    import dataclasses

    import torch

    from ..inference.engine import Engine, resolve_device
    from ..inference.models.dualtalk_net import DualTalkConfig, DualTalkNet

    cfg = DualTalkConfig.tiny() if tiny else DualTalkConfig()
    if not tiny and layers != cfg.encoder.num_layers:
        cfg = dataclasses.replace(cfg, encoder=dataclasses.replace(cfg.encoder, num_layers=layers))
    dev = resolve_device(device)
    torch.manual_seed(seed)
    with torch.device(dev):
        net = DualTalkNet(cfg).eval()
    name = "tiny" if tiny else f"{cfg.encoder.num_layers}-layer"
    return Engine(model=net, name="dualtalk", sha256="", device=dev, checkpoint=f"random {name}")


def synthetic_dialogue(seconds: float, seed: int = 0) -> Any:
    """Two voices taking turns of 1.5-5 s (10% of turn starts overlap the previous speaker)."""
    from ..inference.audio import Dialogue

    rng = np.random.default_rng(seed)
    n = int(round(seconds * SR))
    t_frames = -(-n // (SR // FPS))
    act = np.zeros((2, t_frames), dtype=bool)
    pos, who = 0, 0
    while pos < t_frames:
        length = int(rng.uniform(1.5, 5.0) * FPS)
        start = max(0, pos - (int(0.4 * FPS) if rng.random() < 0.1 else 0))
        act[who, start : pos + length] = True
        pos += length + int(rng.uniform(0.1, 0.8) * FPS)
        who = 1 - who
    streams = []
    t = np.arange(n) / SR
    for k in range(2):
        f0 = 110 if k == 0 else 190
        voiced = sum(np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.28)) / h for h in range(1, 6))
        syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6.28))
        gate = np.repeat(act[k], SR // FPS)[:n].astype(np.float64)
        x = 0.1 * voiced * syllables * gate + 0.003 * rng.standard_normal(n)
        streams.append(x.astype(np.float32))
    return Dialogue(streams[0], streams[1], act[0], act[1], names=("A", "B"), source={"form": "synthetic"})


class PeakRSS:
    """Samples this process's resident memory every few ms; ``peak_mb`` is the peak while active.

    ``ru_maxrss`` only gives the lifetime peak; a sampler gives the peak of one run.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss_mb(self) -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * self._page / 2**20

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self._rss_mb())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self.peak_mb = self._rss_mb()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak_mb = max(self.peak_mb, self._rss_mb())


def parse_list(text: str, what: str, unit_s: float = 1.0) -> list[float]:
    """Take lengths given as "30,120,600" (in units of ``unit_s`` seconds), each checked as a single
    ``--seconds`` is: above 0 and at most the four hours the engine takes, refused before any work."""
    from ..inference.core.errors import DualTalkError
    from .harness import check_length

    items = [v.strip() for v in str(text).split(",") if v.strip()]
    try:
        values = [float(v) for v in items]
    except ValueError:
        raise DualTalkError(f"{what} must be comma-separated numbers, got {text!r}") from None
    if not values:
        raise DualTalkError(f"{what} must be positive numbers, got {text!r}")
    for item, value in zip(items, values, strict=True):
        why = check_length(value, unit_s)
        if why is not None:
            raise DualTalkError(f"{what}: each {why}, got {item}")
    return values
