"""DualTalk-format training data: conversations as pairs of per-speaker files.

A data folder holds, for every conversation ``<stem>``::

    <stem>_speaker1.wav  <stem>_speaker1.npz
    <stem>_speaker2.wav  <stem>_speaker2.npz

(searched recursively). Each ``.wav`` is that speaker's own channel; each ``.npz`` is
either the DualTalk dataset layout (``exp`` (T,50), ``pose`` (T,6) = [neck, jaw]) or
one of our motion files in either space (read with :func:`inference.motion.load_motion`).
All conversations in one dataset must share a space.

API (what the trainer and the lite helper use)::

    convs = load_conversations("data/train")            # list[Conversation]
    ds = DualTalkDataset(convs, crop_frames=200)         # random crops, both directions
    val = DualTalkDataset(val_convs, crop_frames=200, random_crop=False)  # fixed windows
    loader = DataLoader(ds, batch_size=4, collate_fn=collate)
    batch["audio_self"], batch["audio_partner"]         # (B, N) float32, N = frames * 640
    batch["motion_self"], batch["motion_partner"]       # (B, T, C) float32
    batch["mask"]                                        # (B, T) bool, False on padding

Every conversation gives two training directions: speaker 1 as "self" with speaker 2
as partner, and the reverse — the network is symmetric in role, and the data doubles.
Audio is normalised per utterance (whole file: zero mean, unit variance, +1e-7 in the
variance) before cropping, as the published recipe does, so a crop of silence stays
quiet instead of being blown up to unit variance.

Crops are drawn from ``numpy.random.default_rng((seed, epoch, index))``: the same
item in the same epoch is always the same crop, whatever the worker or resume point.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..inference.audio import load_speech, normalize_speech
from ..inference.core.channels import CHANNELS
from ..inference.core.errors import DualTalkError
from ..inference.core.motion import load_motion
from ..inference.core.timebase import FPS, SAMPLE_RATE

SAMPLES_PER_FRAME = SAMPLE_RATE // FPS  # 640
STREAM_ABOVE_BYTES = 2 << 30  # recordings beyond 2 GiB in total are read from disk per crop
_PART_RE = re.compile(r"^(?P<stem>.+)_speaker[12]\.(wav|npz)$")
_log = logging.getLogger(__name__)


@dataclass
class Conversation:
    """One conversation, both speakers, aligned to the same number of frames."""

    stem: str
    audio: tuple  # normalised float32 arrays (or StreamedAudio), len = frames * 640
    motion: tuple[np.ndarray, np.ndarray]  # (frames, C) float32
    space: str

    @property
    def num_frames(self) -> int:
        return int(self.motion[0].shape[0])


# Kept under its old name for callers of the training API.
normalise_audio = normalize_speech


def find_conversations(root: str | os.PathLike[str]) -> list[tuple[str, dict[str, Path]]]:
    """Every complete ``<stem>_speaker{1,2}.{wav,npz}`` quadruple under ``root``, sorted.

    Stems missing one of the four files are skipped with one warning naming the missing
    files (a half-copied corpus should not shrink unnoticed); a folder with no complete
    conversation at all is a user error.
    """
    root = Path(root)
    if not root.is_dir():
        raise DualTalkError(f"data folder not found: {root}")
    found: list[tuple[str, dict[str, Path]]] = []
    parts = {(f.parent, m.group("stem")) for f in root.rglob("*_speaker*") if (m := _PART_RE.match(f.name))}
    # the order of earlier versions (by speaker 1's path): the same validation split as before
    stems = sorted(parts, key=lambda fs: fs[0] / f"{fs[1]}_speaker1.wav")
    missing: list[str] = []
    for folder, stem in stems:
        paths = {
            "wav1": folder / f"{stem}_speaker1.wav",
            "npz1": folder / f"{stem}_speaker1.npz",
            "wav2": folder / f"{stem}_speaker2.wav",
            "npz2": folder / f"{stem}_speaker2.npz",
        }
        absent = [p for p in paths.values() if not p.is_file()]
        if absent:
            missing += [p.relative_to(root).as_posix() for p in absent]
            continue
        found.append(((folder.relative_to(root) / stem).as_posix(), paths))
    if found and missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        _log.warning("%s: skipping incomplete conversations, missing %s", root, shown)
    if not found:
        incomplete = f" (incomplete: missing {', '.join(missing[:3])})" if missing else ""
        raise DualTalkError(
            f"no conversations in {root}: expected <stem>_speaker1.wav/.npz and <stem>_speaker2.wav/.npz"
            + incomplete
        )
    return found


class StreamedAudio:
    """A recording's normalised samples, read from disk slice by slice.

    Behaves like the in-memory array for what the dataset needs (``len``, slicing,
    ``np.asarray``), so a corpus larger than memory (the DualTalk dataset's audio is
    tens of GB as float32) can still be trained on. The normalisation statistics are
    those of the whole file, computed once in a streaming pass.
    """

    def __init__(self, path: Path, length: int) -> None:
        import soundfile as sf

        self.path = path
        self.length = int(length)
        total, total_sq, count = 0.0, 0.0, 0
        try:
            for block in sf.blocks(str(path), blocksize=1 << 20, dtype="float64", always_2d=True):
                x = block.mean(axis=1)
                if not np.isfinite(x).all():
                    raise DualTalkError(f"audio {path.name} contains NaN or Inf")
                total += float(x.sum())
                total_sq += float((x * x).sum())
                count += len(x)
        except (RuntimeError, sf.LibsndfileError) as exc:
            raise DualTalkError(f"cannot read audio {path.name}: {exc}") from None
        self.mean = total / max(count, 1)
        self.scale = float(np.sqrt(max(total_sq / max(count, 1) - self.mean**2, 0.0) + 1e-7))
        self.file_samples = count

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key: slice) -> np.ndarray:
        import soundfile as sf

        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("streamed audio supports contiguous slices only")
        start, stop, _ = key.indices(self.length)
        out = np.zeros(max(stop - start, 0), dtype=np.float32)
        end = min(stop, self.file_samples)
        if end > start:
            with sf.SoundFile(str(self.path)) as fh:
                fh.seek(start)
                x = fh.read(end - start, dtype="float64", always_2d=True).mean(axis=1)
            out[: len(x)] = (x - self.mean) / self.scale
        return out

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        x = self[:]
        return x if dtype is None else x.astype(dtype)


def _can_stream(path: Path) -> bool:
    """Only 16 kHz files can be read slice by slice without resampling."""
    import soundfile as sf

    try:
        return sf.info(str(path)).samplerate == SAMPLE_RATE
    except (RuntimeError, sf.LibsndfileError):
        return False  # let the eager reader report the problem


def load_conversation(
    stem: str,
    paths: dict[str, Path],
    space: str | None = None,
    *,
    stream: bool = False,
    mismatched: list[str] | None = None,
) -> Conversation:
    """Read one conversation and trim both speakers to their common length.

    ``stream=True`` keeps 16 kHz recordings on disk (:class:`StreamedAudio`) instead of
    in memory; other rates are always read whole (they need resampling). A speaker whose
    motion and recording differ by more than a frame (another frame rate, the wrong take)
    would lose the difference unnoticed: it is appended to ``mismatched``, or warned about
    when no list is given.
    """
    m1, m2 = load_motion(paths["npz1"]), load_motion(paths["npz2"])
    if m1.space != m2.space:
        raise DualTalkError(f"{stem}: speaker1 motion is {m1.space} but speaker2 is {m2.space}")
    if space is not None and m1.space != space:
        raise DualTalkError(f"{stem}: motion is {m1.space}, this model trains on {space}")
    for m, key in ((m1, "npz1"), (m2, "npz2")):
        if abs(m.fps - FPS) > 1e-6:
            raise DualTalkError(f"{paths[key].name}: motion is {m.fps:g} fps, training expects {FPS}")
    audio: list = []
    for key in ("wav1", "wav2"):
        if stream and _can_stream(paths[key]):
            audio.append(StreamedAudio(paths[key], 0))
        else:
            audio.append(normalise_audio(load_speech(paths[key])))
    samples = [a.file_samples if isinstance(a, StreamedAudio) else len(a) for a in audio]
    odd = [
        f"{stem}_speaker{i}.npz has {m.num_frames} frames, its .wav {math.ceil(n / SAMPLES_PER_FRAME)}"
        for i, m, n in ((1, m1, samples[0]), (2, m2, samples[1]))
        if abs(m.num_frames - math.ceil(n / SAMPLES_PER_FRAME)) > 1
    ]
    if mismatched is not None:
        mismatched += odd
    elif odd:
        _log.warning("%s; cut to the shorter", "; ".join(odd))
    frames = min(m1.num_frames, m2.num_frames, *(math.ceil(n / SAMPLES_PER_FRAME) for n in samples))
    if frames < 2:
        raise DualTalkError(f"{stem}: shorter than two frames")
    n = frames * SAMPLES_PER_FRAME
    for i, a in enumerate(audio):
        if isinstance(a, StreamedAudio):
            a.length = n
        else:
            audio[i] = np.pad(a, (0, max(0, n - len(a))))[:n]
    return Conversation(
        stem=stem,
        audio=(audio[0], audio[1]),
        motion=(m1.values[:frames].copy(), m2.values[:frames].copy()),
        space=m1.space,
    )


def load_conversations(
    root: str | os.PathLike[str], space: str | None = None, progress=None, *, stream: bool | None = None
) -> list[Conversation]:
    """Load every conversation under ``root`` (all must share one motion space).

    ``stream``: keep audio on disk (see :func:`load_conversation`); ``None`` decides by
    size — recordings totalling more than :data:`STREAM_ABOVE_BYTES` are streamed.
    """
    items = find_conversations(root)
    if stream is None:
        stream = (
            sum(p.stat().st_size for _, paths in items for k, p in paths.items() if k.startswith("wav"))
            > STREAM_ABOVE_BYTES
        )
    convs: list[Conversation] = []
    mismatched: list[str] = []
    for i, (stem, paths) in enumerate(items):
        if progress is not None:
            progress.update("load data", i / len(items), stem)
        conv = load_conversation(stem, paths, space, stream=stream, mismatched=mismatched)
        space = space or conv.space
        convs.append(conv)
    if mismatched:  # one line for the folder, like the incomplete conversations
        shown = "; ".join(mismatched[:3]) + (
            f" and {len(mismatched) - 3} more" if len(mismatched) > 3 else ""
        )
        _log.warning(
            "%s: motion and recording lengths differ by more than a frame (%s); each conversation is cut to "
            "its shortest: check the motion is %d fps and belongs to its .wav",
            root,
            shown,
            FPS,
        )
    if progress is not None:
        progress.update("load data", 1.0, f"{len(convs)} conversations")
    return convs


def split_conversations(
    convs: Sequence[Conversation], val_fraction: float, seed: int = 0
) -> tuple[list[Conversation], list[Conversation]]:
    """Hold out whole conversations (never crops of a training one) for validation.

    A non-zero ``val_fraction`` holds out at least one conversation. Data of a single
    conversation cannot be split: it all trains, with one warning saying there is no
    validation (a crop of the training conversation would only measure memorisation).
    """
    if not 0.0 <= val_fraction < 1.0:
        raise DualTalkError(f"validation fraction must be in [0, 1), got {val_fraction}")
    if val_fraction > 0 and len(convs) == 1:
        _log.warning(
            "--val-fraction %g needs at least two conversations; this data has one (%s): "
            "training without validation (give --val-data DIR to validate on another folder)",
            val_fraction,
            convs[0].stem,
        )
        return list(convs), []
    order = np.random.default_rng(seed).permutation(len(convs))
    n_val = int(round(len(convs) * val_fraction))
    if val_fraction > 0 and n_val == 0 and len(convs) > 1:
        n_val = 1
    val = [convs[i] for i in sorted(order[:n_val])]
    train = [convs[i] for i in sorted(order[n_val:])]
    return train, val


def add_array(digest: hashlib.blake2b, array: np.ndarray) -> None:
    """Feed an array's shape and values to a content hash (the same values in another shape differ)."""
    digest.update(repr(array.shape).encode())
    digest.update(np.ascontiguousarray(array).tobytes())


def shared_conversations(train: Sequence[Conversation], val: Sequence[Conversation]) -> list[str]:
    """The stems of ``val`` whose motion is also one of ``train``'s conversations (the same folder, a copy).

    Validating on training data measures memorisation and picks the best weights by it;
    compared by content, so a renamed copy is found and a same-named other take is not.
    """

    def key(conv: Conversation) -> str:
        digest = hashlib.blake2b(digest_size=16)
        for m in conv.motion:
            add_array(digest, m)
        return digest.hexdigest()

    seen = {key(c) for c in train}
    return [c.stem for c in val if key(c) in seen]


class DualTalkDataset:
    """Fixed-length crops of conversations, in both speaker directions.

    ``random_crop=True`` (training): each epoch has ``ceil(frames / crop)`` items per
    conversation and direction, each a crop at a random start. ``random_crop=False``
    (validation): the non-overlapping windows tiling each conversation, the last one
    shorter if needed — same every time. Clips shorter than ``crop_frames`` are used
    whole; :func:`collate` pads them and marks the padding in ``mask``.
    """

    def __init__(
        self,
        conversations: Sequence[Conversation] | str | os.PathLike[str],
        *,
        crop_frames: int = 200,
        random_crop: bool = True,
        directions: str = "both",
        seed: int = 0,
        space: str | None = None,
    ) -> None:
        if isinstance(conversations, str | os.PathLike):
            conversations = load_conversations(conversations, space)
        self.conversations = list(conversations)
        if not self.conversations:
            raise DualTalkError("dataset has no conversations")
        spaces = {c.space for c in self.conversations}
        if len(spaces) != 1:
            raise DualTalkError(f"conversations mix motion spaces: {', '.join(sorted(spaces))}")
        self.space = spaces.pop()
        if space is not None and space != self.space:
            raise DualTalkError(f"data is {self.space}, this model trains on {space}")
        if crop_frames < 2:
            raise DualTalkError(f"crop length must be at least 2 frames, got {crop_frames}")
        dirs = {"both": (0, 1), "speaker1": (0,), "speaker2": (1,)}
        if directions not in dirs:
            raise DualTalkError(f"directions must be one of {', '.join(dirs)}")
        if seed < 0:
            raise DualTalkError(f"seed must be zero or positive, got {seed}")
        self.crop_frames = int(crop_frames)
        self.random_crop = random_crop
        self.seed = int(seed)
        self.epoch = 0
        self.items: list[tuple[int, int, int]] = []  # (conversation, self speaker, window)
        for ci, conv in enumerate(self.conversations):
            windows = max(1, math.ceil(conv.num_frames / self.crop_frames))
            for d in dirs[directions]:
                self.items.extend((ci, d, w) for w in range(windows))

    @property
    def channels(self) -> int:
        return len(CHANNELS[self.space])

    def set_epoch(self, epoch: int) -> None:
        """Choose the crop positions for ``epoch`` (the trainer calls this)."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> dict:
        ci, me, window = self.items[index]
        conv = self.conversations[ci]
        total = conv.num_frames
        length = min(self.crop_frames, total)
        if self.random_crop:
            rng = np.random.default_rng((self.seed, self.epoch, index))
            start = int(rng.integers(0, total - length + 1))
        else:
            start = window * self.crop_frames
            length = min(self.crop_frames, total - start)
        other = 1 - me
        a0, a1 = start * SAMPLES_PER_FRAME, (start + length) * SAMPLES_PER_FRAME
        return {
            "name": f"{conv.stem}_speaker{me + 1}@{start}",
            "audio_self": conv.audio[me][a0:a1],
            "audio_partner": conv.audio[other][a0:a1],
            "motion_self": conv.motion[me][start : start + length],
            "motion_partner": conv.motion[other][start : start + length],
        }


def collate(items: list[dict]) -> dict:
    """Stack items into tensors, zero-padding shorter clips; ``mask`` marks real frames."""
    import torch

    frames = max(len(it["motion_self"]) for it in items)
    b = len(items)
    c = items[0]["motion_self"].shape[1]
    out = {
        "name": [it["name"] for it in items],
        "audio_self": torch.zeros(b, frames * SAMPLES_PER_FRAME),
        "audio_partner": torch.zeros(b, frames * SAMPLES_PER_FRAME),
        "motion_self": torch.zeros(b, frames, c),
        "motion_partner": torch.zeros(b, frames, c),
        "mask": torch.zeros(b, frames, dtype=torch.bool),
    }
    for i, it in enumerate(items):
        t = len(it["motion_self"])
        n = t * SAMPLES_PER_FRAME
        out["audio_self"][i, :n] = torch.from_numpy(np.ascontiguousarray(it["audio_self"]))
        out["audio_partner"][i, :n] = torch.from_numpy(np.ascontiguousarray(it["audio_partner"]))
        out["motion_self"][i, :t] = torch.from_numpy(np.ascontiguousarray(it["motion_self"]))
        out["motion_partner"][i, :t] = torch.from_numpy(np.ascontiguousarray(it["motion_partner"]))
        out["mask"][i, :t] = True
    return out
