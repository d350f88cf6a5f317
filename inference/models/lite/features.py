"""Compact audio front end: log-mel in torch, then a small strided conv encoder.

The published model spends 300M parameters on wav2vec2; for mouth shapes and
turn-taking cues a log-mel spectrogram (25 ms windows, 10 ms hop) and three conv
layers down to the 25 fps motion rate are enough, and run in milliseconds on a CPU.
The mel filterbank is computed here (HTK mel scale) and kept as a buffer so the
front end needs nothing beyond torch.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def mel_filterbank(
    n_fft: int, n_mels: int, sr: int, fmin: float = 40.0, fmax: float | None = None
) -> np.ndarray:
    """(n_mels, n_fft//2+1) triangular filters evenly spaced on the mel scale."""
    fmax = fmax or sr / 2

    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10 ** (np.asarray(m) / 2595.0) - 1.0)

    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    pts = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fb = np.zeros((n_mels, len(freqs)), np.float32)
    for i in range(n_mels):
        lo, mid, hi = pts[i], pts[i + 1], pts[i + 2]
        up = (freqs - lo) / max(mid - lo, 1e-6)
        down = (hi - freqs) / max(hi - mid, 1e-6)
        fb[i] = np.clip(np.minimum(up, down), 0, None)
    return fb


class LogMel(nn.Module):
    """(B, N) audio at 16 kHz -> (B, F, n_mels) log-mel frames at 100 Hz."""

    def __init__(self, n_mels: int = 64, sr: int = 16000, n_fft: int = 400, hop: int = 160) -> None:
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        # made on the CPU, as ``fb`` is (``.to(device)`` moves both): under ``load_lite``'s meta-device
        # skeleton torch would build the window through its decompositions, which import torch._dynamo
        # (1.3 s of CPU at every worker's start, for a window of 400 numbers)
        self.register_buffer("window", torch.hann_window(n_fft, device="cpu"), persistent=False)
        self.register_buffer("fb", torch.from_numpy(mel_filterbank(n_fft, n_mels, sr)), persistent=False)

    def forward(self, audio: torch.Tensor, reference: torch.Tensor | None = None) -> torch.Tensor:
        """``reference``: the same stretch as recorded when ``audio`` was altered for the network (a
        mic's bleed turned down): its band means are removed instead of ``audio``'s own, so the
        character's own frames give the features they gave before (a quieter listening half would
        otherwise make its own speech read 8-10 dB louder)."""
        logmel = self._logmel(audio)
        # Per-band mean over the take removes the channel (microphone EQ, room colour,
        # the TTS voice's own timbre), the main gap between synthetic and real speech.
        mean = (logmel if reference is None else self._logmel(reference)).mean(dim=-1, keepdim=True)
        return ((logmel - mean) / 4.0).transpose(1, 2)

    def _logmel(self, audio: torch.Tensor) -> torch.Tensor:
        """(B, N) -> (B, n_mels, F) log mel power."""
        spec = torch.stft(
            audio.float(), self.n_fft, self.hop, window=self.window, center=True, return_complex=True
        )
        power = spec.real**2 + spec.imag**2  # (B, freq, F)
        return torch.log(torch.matmul(self.fb, power).clamp_min(1e-6))


# How the encoder turns its conv frames into one feature per motion frame (read_at_centres).
READINGS = ("stretch", "centre")
CONV_STRIDE = 4  # two stride-2 convs: one conv frame per 4 mel frames (40 ms)


class ConvAudioEncoder(nn.Module):
    """Log-mel (100 Hz) -> features at 25 fps via two stride-2 convs, resampled to ``frame_num``."""

    def __init__(
        self, n_mels: int = 64, dim: int = 128, dropout: float = 0.1, reading: str = "stretch"
    ) -> None:
        super().__init__()
        if reading not in READINGS:
            raise ValueError(f"feature reading must be one of {', '.join(READINGS)}, got {reading!r}")
        self.reading = reading
        self.mel = LogMel(n_mels)
        self.convs = nn.Sequential(
            nn.Conv1d(n_mels, dim, 5, stride=2, padding=2),
            nn.GELU(),
            nn.Conv1d(dim, dim, 5, stride=2, padding=2),
            nn.GELU(),
            nn.Conv1d(dim, dim, 3, padding=1),
            nn.GELU(),
        )
        self.norm = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        self.frame_samples = self.mel.hop * CONV_STRIDE  # 640: one conv frame per 25-fps motion frame

    def most_samples(self, frame_num: int) -> int | None:
        """The most samples a window of ``frame_num`` frames may hand this encoder at run time, or
        None for no limit (the centred reading).

        N samples give ``N // 640 + 1`` conv frames: ``frame_num`` of them, except when N is a whole
        number of frames, which gives one more, and the stretched reading resampled them onto the
        frames, so each frame heard up to 40 ms later than on audio a sample shorter (a range or an
        ``--end`` on frame boundaries redrew the jaw mid-line by up to 0.25). Up to this many samples
        the conv frames are the motion frames and frame i hears position i wherever its window
        starts: the reading every lip-sync number of the shipped weights was measured with (on
        LibriVox the stretched one scored worse on every row). Training's crops stay whole frames
        (``training/lite``): this is for inference only."""
        if self.reading != "stretch":
            return None
        return frame_num * self.frame_samples - 1

    def forward(
        self, audio: torch.Tensor, frame_num: int, reference: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``reference``: ``audio`` as recorded, whose band means normalise it (:class:`LogMel`)."""
        x = self.mel(audio, reference).transpose(1, 2)  # (B, n_mels, F)
        if self.training:
            x = augment_mel(x)
        x = self.convs(x)  # (B, dim, ~F/4)
        if self.reading == "centre":
            x = read_at_centres(x, frame_num)
        elif x.shape[-1] != frame_num:
            x = F.interpolate(x, size=frame_num, mode="linear", align_corners=False)
        return self.drop(self.norm(x.transpose(1, 2)))


def read_at_centres(x: torch.Tensor, frame_num: int) -> torch.Tensor:
    """(B, D, L) conv frames -> (B, D, frame_num), motion frame i read at its centre.

    Conv frame j is centred at 40j ms (two stride-2 convs over a 100 Hz mel) and motion
    frame i at 40i + 20 ms, so frame i reads conv position i + 0.5, linearly between conv
    frames, the last one held past the end. ``stretch`` instead resamples L frames onto
    frame_num, which reads position i + (i + 0.5) / frame_num: the sound a frame hears
    slides 40 ms across every window whatever its length.
    """
    last = x.shape[-1] - 1
    pos = torch.arange(frame_num, device=x.device, dtype=torch.float32) + 0.5
    lo = pos.floor().long().clamp(0, last)
    hi = (lo + 1).clamp(0, last)
    w = (pos - pos.floor()).clamp(0.0, 1.0).to(x.dtype)
    return x[..., lo] * (1 - w) + x[..., hi] * w


def augment_mel(x: torch.Tensor, max_shift: int = 3) -> torch.Tensor:
    """Training-time robustness for (B, n_mels, F): shift bands (other vocal tracts and
    pitches than the TTS voices), mask a band and a short stretch of time (SpecAugment)."""
    b, m, f = x.shape
    out = x.clone()
    for i in range(b):
        k = int(torch.randint(-max_shift, max_shift + 1, ()))
        if k > 0:
            out[i, k:] = x[i, :-k]
            out[i, :k] = x[i, :1]
        elif k < 0:
            out[i, :k] = x[i, -k:]
            out[i, k:] = x[i, -1:]
        w = int(torch.randint(0, m // 8 + 1, ()))
        s = int(torch.randint(0, m - w + 1, ()))
        out[i, s : s + w] = out[i].mean()
        if f > 50:
            w = int(torch.randint(0, 8, ()))
            s = int(torch.randint(0, f - w + 1, ()))
            out[i, :, s : s + w] = out[i].mean()
    return out
