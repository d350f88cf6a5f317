"""Builds small DualTalk-format data folders for the training and evaluation tests.

Each speaker's audio is noise bursts (their "turns"); their motion follows their own
loudness (jaw, first expression coefficients) plus a slow head sway, so a model that
listens to the audio can learn it and a training run's loss has somewhere to go.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from dualtalk.inference.core.motion import Motion, save_motion

SR = 16000
FPS = 25


def _speaker(rng: np.random.Generator, frames: int, phase: int) -> tuple[np.ndarray, np.ndarray]:
    """(audio, per-frame loudness in 0..1) for one speaker taking alternate turns."""
    turn = 20 + int(rng.integers(0, 10))
    env = ((np.arange(frames) // turn + phase) % 2).astype(np.float32)
    env *= 0.5 + 0.5 * rng.random(frames).astype(np.float32)
    audio = rng.standard_normal(frames * SR // FPS).astype(np.float32) * 0.05
    audio *= np.repeat(env, SR // FPS) + 0.01
    return audio, env


def make_folder(
    root: Path,
    *,
    conversations: int = 2,
    seconds: float = 2.0,
    space: str = "flame56",
    layout: str = "dataset",
    seed: int = 0,
) -> Path:
    """Write ``conversations`` quadruples ``conv<i>_speaker{1,2}.{wav,npz}`` into ``root``.

    ``layout="dataset"`` writes the DualTalk npz layout (exp, pose); ``"motion"`` writes
    our motion file in ``space``.
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    frames = int(round(seconds * FPS))
    t = np.arange(frames) / FPS
    for i in range(conversations):
        for spk in (1, 2):
            audio, env = _speaker(rng, frames, phase=spk - 1)
            stem = root / f"conv{i}_speaker{spk}"
            sf.write(f"{stem}.wav", audio, SR, subtype="FLOAT")
            sway = 0.05 * np.sin(2 * np.pi * 0.3 * t + rng.random() * 6)
            if space == "flame56":
                exp = np.zeros((frames, 50), np.float32)
                exp[:, 0] = 2.0 * env
                exp[:, 1] = -env
                exp[:, 2:] = 0.05 * rng.standard_normal((frames, 48))
                pose = np.zeros((frames, 6), np.float32)
                pose[:, 1] = sway  # neck yaw
                pose[:, 3] = 0.2 * env  # jaw open
                if layout == "dataset":
                    np.savez(f"{stem}.npz", exp=exp, pose=pose, shape=np.zeros((frames, 100), np.float32))
                else:
                    save_motion(f"{stem}.npz", Motion.from_flame(exp, pose))
            else:
                values = np.zeros((frames, 55), np.float32)
                values[:, 17] = env  # jawOpen
                values[:, 23] = values[:, 24] = 0.3 * (1 - env)  # smiles while listening
                values[:, 53] = sway
                save_motion(f"{stem}.npz", Motion(space="arkit55", values=values))
    return root


def tiny_model(space: str = "flame56", seed: int = 0):
    """A TwoPartyModel small enough to train in a second (with dropout, to test RNG resume)."""
    import torch
    from dualtalk.inference.core.channels import CHANNELS
    from torch import nn

    class TinyTwoParty(nn.Module):
        fps = 25.0
        sample_rate = SR

        def __init__(self) -> None:
            super().__init__()
            self.space = space
            c = len(CHANNELS[space])
            self.enc_self = nn.Linear(2, 16)
            self.enc_partner = nn.Linear(2, 16)
            self.motion = nn.Linear(c, 16)
            self.drop = nn.Dropout(0.1)
            self.out = nn.Linear(48, c)

        @staticmethod
        def _frames(audio: torch.Tensor, frame_num: int) -> torch.Tensor:
            n = frame_num * SR // FPS
            audio = nn.functional.pad(audio, (0, max(0, n - audio.shape[1])))[:, :n]
            fr = audio.reshape(audio.shape[0], frame_num, -1)
            return torch.stack([torch.log(fr.pow(2).mean(-1) + 1e-4), fr.abs().mean(-1)], -1)

        def encode_self(self, audio, frame_num):
            return torch.tanh(self.enc_self(self._frames(audio, frame_num)))

        def encode_partner(self, audio, frame_num):
            return torch.tanh(self.enc_partner(self._frames(audio, frame_num)))

        def decode(self, self_feats, partner_feats, partner_motion):
            h = torch.cat([self_feats, partner_feats, torch.tanh(self.motion(partner_motion))], -1)
            return self.out(self.drop(h))

        def neutral_motion(self, frames):
            return torch.zeros(frames, len(CHANNELS[space]))

        def forward(self, audio_self, audio_partner, partner_motion):
            t = partner_motion.shape[1]
            return self.decode(
                self.encode_self(audio_self, t), self.encode_partner(audio_partner, t), partner_motion
            )

    torch.manual_seed(seed)
    return TinyTwoParty()
