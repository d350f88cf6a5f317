"""Speaker embeddings from a packaged, pretrained voice encoder (no download at run time).

The weights are the GE2E speaker encoder that the ``resemblyzer`` wheel ships as
``resemblyzer/pretrained.pt`` (Apache-2.0, installed with ``pip install --no-deps
resemblyzer``). Only the weights file is used: the network (3-layer LSTM, 40 -> 256,
a 256 -> 256 projection, ReLU, L2 norm) and its input (40-band Slaney mel power
spectrogram, 25 ms windows, 10 ms hop, 16 kHz) are rebuilt here so that no librosa /
webrtcvad is needed. The checkpoint is read with ``weights_only=True`` (no pickled code).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

from ..core.timebase import SAMPLE_RATE

N_FFT = 400
HOP = 160
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s per embedding
TARGET_DBFS = -30.0


def weights_path() -> Path | None:
    """Where the packaged encoder weights are, or None when the wheel is not installed."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    return p if p.is_file() else None


def available() -> bool:
    return weights_path() is not None


def _hz_to_mel(f: float | np.ndarray) -> np.ndarray:
    """Slaney mel scale: linear to 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mel = f / f_sp
    min_log_hz, logstep = 1000.0, np.log(6.4) / 27.0
    return np.where(
        f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-9) / min_log_hz) / logstep, mel
    )


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_mel, logstep = 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, 1000.0 * np.exp(logstep * (m - min_log_mel)), f_sp * m)


@functools.lru_cache(maxsize=2)
def mel_basis(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """(n_mels, n_fft//2+1) triangular filters, area-normalised (Slaney)."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    hz = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(hz)
    ramps = hz[:, None] - freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0.0, np.minimum(lower, upper))
    return w * (2.0 / (hz[2:] - hz[:-2]))[:, None]


def mel_frames(x: np.ndarray) -> np.ndarray:
    """(F, 40) mel power spectrogram at 100 frames/s (centred, zero-padded frames)."""
    x = np.asarray(x, dtype=np.float64)
    pad = N_FFT // 2
    xp = np.pad(x, (pad, pad))
    n = 1 + (len(xp) - N_FFT) // HOP
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
    basis = mel_basis().T
    out = np.empty((n, N_MELS), dtype=np.float32)
    for k0 in range(0, n, 6000):  # a minute of frames at a time: bounded memory on long takes
        k1 = min(n, k0 + 6000)
        idx = np.arange(N_FFT)[None, :] + HOP * np.arange(k0, k1)[:, None]
        out[k0:k1] = (np.abs(np.fft.rfft(xp[idx] * win, N_FFT)) ** 2) @ basis
    return out


def normalise_volume(x: np.ndarray) -> np.ndarray:
    """Raise (never lower) the level to -30 dBFS RMS, as the encoder was trained."""
    rms = float(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2))) if len(x) else 0.0
    if rms <= 0:
        return x
    gain_db = TARGET_DBFS - 20 * np.log10(rms)
    return x * (10 ** (gain_db / 20)) if gain_db > 0 else x


@functools.lru_cache(maxsize=1)
def load_encoder():
    """The encoder as a torch module in eval mode, or None if the weights are not installed."""
    path = weights_path()
    if path is None:
        return None
    import torch
    from torch import nn

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(N_MELS, 256, num_layers=3, batch_first=True)
            self.linear = nn.Linear(256, 256)

        def forward(self, mels: torch.Tensor) -> torch.Tensor:
            _, (hidden, _) = self.lstm(mels)
            emb = torch.relu(self.linear(hidden[-1]))
            return emb / (emb.norm(dim=1, keepdim=True) + 1e-5)

    state = torch.load(path, map_location="cpu", weights_only=True)["model_state"]
    model = Encoder()
    model.load_state_dict({k: v for k, v in state.items() if not k.startswith("similarity_")})
    return model.eval()


def embed_windows(x: np.ndarray, centres_s: np.ndarray, batch: int = 64) -> np.ndarray | None:
    """(W, 256) unit embeddings of 1.6 s windows centred at ``centres_s`` (None without weights)."""
    if load_encoder() is None:
        return None
    mel = mel_frames(normalise_volume(np.asarray(x, dtype=np.float32)))
    if len(mel) < PARTIAL_FRAMES:
        mel = np.pad(mel, ((0, PARTIAL_FRAMES - len(mel)), (0, 0)))
    starts = np.clip(
        np.round(np.asarray(centres_s) * 100).astype(int) - PARTIAL_FRAMES // 2, 0, len(mel) - PARTIAL_FRAMES
    )
    return embed_mel(mel, starts, PARTIAL_FRAMES, batch)


def embed_mel(mel: np.ndarray, starts: np.ndarray, frames: int, batch: int = 64) -> np.ndarray | None:
    """(W, 256) unit embeddings of the ``frames``-long stretches of ``mel`` (:func:`mel_frames`) from
    ``starts``, or None without weights. The same numbers whatever the caller's torch settings: one
    thread, and no mixed precision from a caller's ``torch.autocast`` (its bfloat16 came back as a
    TypeError), both put back after."""
    model = load_encoder()
    if model is None:
        return None
    import torch

    out = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small LSTM steps: extra threads only fight (7x slower on a busy 2-core box)
    try:
        with torch.inference_mode(), torch.autocast("cpu", enabled=False):
            for i in range(0, len(starts), batch):
                chunk = np.stack([mel[s : s + frames] for s in starts[i : i + batch]])
                out.append(model(torch.from_numpy(chunk)).numpy())
    finally:
        torch.set_num_threads(threads)
    return np.concatenate(out) if out else np.zeros((0, 256), np.float32)
