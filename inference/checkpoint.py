"""Loading and saving DualTalk checkpoints safely.

``torch.load(weights_only=True)`` never runs pickled code. Accepted layouts: a bare
state dict, or one under ``state_dict`` / ``model`` (what training scripts save), with
or without DataParallel's ``module.`` prefix, and with the positional-conv weight norm
stored either the old way (``weight_g``/``weight_v``) or the new parametrization way
(``parametrizations.weight.original0/1``). Anything else is refused with one line
naming the first keys that do not match, instead of silently loading half a network.
"""

from __future__ import annotations

import os
import pickle
import re
import struct
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from .core.errors import DualTalkError
from .core.fileio import atomic_path, sha256_file
from .core.inputs import DAMAGED_ARRAY_FILE, check_input_file
from .models.dualtalk_net import DualTalkConfig, DualTalkNet

CONFIG_KEY = "dualtalk_config"
_WRAPPERS = ("state_dict", "model", "model_state_dict", "net")
_RENAMES = (
    (".parametrizations.weight.original0", ".weight_g"),
    (".parametrizations.weight.original1", ".weight_v"),
)


def read_checkpoint_file(path: str | os.PathLike[str]) -> Any:
    """``torch.load`` with weights only, memory-mapped when possible; user errors become one line."""
    path = check_input_file(path, "checkpoint", allow_empty=True)
    if path.stat().st_size == 0:
        raise DualTalkError(f"checkpoint {path.name} is empty")
    kind = _other_kind(path)
    if kind is not None:
        raise DualTalkError(
            f"{path.name} is {kind}, not model weights: a checkpoint is the .pth/.pt file that torch.save "
            "wrote (e.g. DualTalk.pth from `python -m dualtalk download`)"
        )
    if _is_torchscript(path):
        raise DualTalkError(
            f"{path.name} is a TorchScript program (torch.jit.save), not plain weights; "
            "save the model's state_dict() with torch.save instead"
        )
    try:
        # torch warns on its own about odd files; our one-line error is the message
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return torch.load(path, map_location="cpu", weights_only=True, mmap=True)
            except RuntimeError as exc:  # legacy (non-zip) format cannot be memory-mapped
                if "mmap" not in str(exc):
                    raise
                return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(exc))
        if found:
            raise DualTalkError(
                f"{path.name} holds Python objects ({found.group(1)}), not plain weights; refused for safety"
            ) from None
        with open(path, "rb") as fh:
            head = fh.read(1)
        if _zip_like(path) or head == b"\x80":
            raise DualTalkError(
                f"{path.name} holds more than plain weights and was refused for safety"
            ) from None
        raise DualTalkError(f"{path.name} is not a readable PyTorch checkpoint") from None
    except (
        OSError,
        ValueError,
        AttributeError,
        IndexError,
        KeyError,
        TypeError,
        AssertionError,
        struct.error,  # a damaged index opcode: too few bytes for its argument
        *DAMAGED_ARRAY_FILE,
    ) as exc:
        # The unpickler fails in many ways on arbitrary bytes; all mean "not a checkpoint".
        raise DualTalkError(
            f"{path.name} is not a readable PyTorch checkpoint ({_first_sentence(exc)}); a damaged or cut-short "
            "file: download or copy it again"
        ) from None


_MAGIC = (  # (offset, bytes, what the file is): files a user might pick by mistake for the weights
    (0, b"fLaC", "an audio file (FLAC)"),
    (0, b"OggS", "an audio file (Ogg)"),
    (0, b"ID3", "an audio file (MP3)"),
    (0, b"BLENDER", "a Blender file (.blend)"),
    (0, b"\x93NUMPY", "a NumPy array file (.npy)"),
    (4, b"ftyp", "a video or audio file (MP4/MOV/M4A)"),
)


def _other_kind(path: Path) -> str | None:
    """What a file that is plainly not a checkpoint is, from its first bytes (an audio file given as
    --checkpoint used to read "not a readable PyTorch checkpoint (pop from empty list)")."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None  # torch.load's reading says what is wrong
    if head[:4] in (b"RIFF", b"RIFX", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "an audio file (WAV)"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "an audio file (AIFF)"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # MPEG audio frame
        return "an audio file (MP3)"
    for offset, magic, kind in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return "a NumPy archive (.npz, e.g. a motion file)" if _npz(path) else None


def _npz(path: Path) -> bool:
    """A zip of .npy arrays only (numpy.savez: DualTalk's motion files), not torch's zip (which holds data.pkl)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()[:10_000]
    except (OSError, ValueError, struct.error, *DAMAGED_ARRAY_FILE):
        return False
    return bool(names) and all(n.endswith(".npy") for n in names)


def _zip_like(path: Path) -> bool:
    """Whether ``path`` reads as a zip archive (torch's format). zipfile's own test raises on some
    damaged directories (a ZIP64 locator naming several disks: BadZipFile) instead of saying no."""
    try:
        return zipfile.is_zipfile(path)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, NotImplementedError):
        return False


def _first_sentence(exc: BaseException, limit: int = 120) -> str:
    """The reader's own reason, its first sentence only: torch's miniz errors go on for lines
    ("... If you are seeing this error, there is a high"), cut mid-word at any fixed length."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = text.split(". ")[0].rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _is_torchscript(path: Path) -> bool:
    """A ``torch.jit.save`` archive: a zip holding compiled code and constants, not just tensors."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()[:10_000]
    except (OSError, ValueError, *DAMAGED_ARRAY_FILE):  # damaged: torch.load's reading says how
        return False
    return any(n.endswith("/constants.pkl") for n in names) and any("/code/" in n for n in names)


def normalize_state_dict(obj: Any) -> tuple[dict[str, torch.Tensor], dict | None]:
    """Unwrap container keys, strip ``module.``, unify weight-norm names. Returns (state dict, saved config)."""
    config = None
    if isinstance(obj, Mapping) and isinstance(obj.get(CONFIG_KEY), Mapping):
        config = dict(obj[CONFIG_KEY])
    for _ in range(2):  # e.g. {"model": {"state_dict": ...}}
        if isinstance(obj, Mapping) and not _looks_like_state_dict(obj):
            inner = next((obj[k] for k in _WRAPPERS if isinstance(obj.get(k), Mapping)), None)
            if inner is None:
                break
            obj = inner
    if not isinstance(obj, Mapping) or not obj:
        raise DualTalkError(
            "checkpoint holds no state dict (expected tensors at the top level or under 'state_dict'/'model')"
        )
    bad = [k for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise DualTalkError(f"checkpoint entry {bad[0]!r} is not a tensor; not a state dict")
    out: dict[str, torch.Tensor] = {}
    for key, value in obj.items():
        key = str(key)
        if key.startswith("module."):
            key = key[len("module.") :]
        for old, new in _RENAMES:
            if key.endswith(old):
                key = key[: -len(old)] + new
        out[key] = value
    return out, config


def _looks_like_state_dict(obj: Mapping) -> bool:
    return bool(obj) and all(isinstance(v, torch.Tensor) for v in obj.values())


def check_keys(model: torch.nn.Module, sd: Mapping[str, torch.Tensor], what: str = "checkpoint") -> None:
    """Refuse missing, unexpected or mis-shaped tensors, naming the first few of each."""
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    missing = [k for k in expected if k not in sd]
    unexpected = [k for k in sd if k not in expected]
    shaped = [
        f"{k} {tuple(sd[k].shape)} != {expected[k]}"
        for k in expected
        if k in sd and tuple(sd[k].shape) != expected[k]
    ]
    problems = []
    if missing:
        problems.append(f"{len(missing)} missing (first: {', '.join(missing[:3])})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected (first: {', '.join(unexpected[:3])})")
    if shaped:
        problems.append(f"{len(shaped)} with wrong shape (first: {'; '.join(shaped[:2])})")
    if problems:
        raise DualTalkError(f"{what} does not match the DualTalk network: " + "; ".join(problems))


def load_dualtalk(
    path: str | os.PathLike[str], device: str | torch.device = "cpu"
) -> tuple[DualTalkNet, str]:
    """Build a :class:`DualTalkNet` sized from the checkpoint and load it (eval mode). Returns (net, sha256)."""
    return load_dualtalk_object(read_checkpoint_file(path), path, device=device)


def load_dualtalk_object(
    obj: Any, path: str | os.PathLike[str], device: str | torch.device = "cpu"
) -> tuple[DualTalkNet, str]:
    """Like :func:`load_dualtalk` for an already read checkpoint object (read once, inspected by the caller)."""
    path = Path(path)
    sd, saved_cfg = normalize_state_dict(obj)
    try:
        cfg = DualTalkConfig.from_dict(saved_cfg) if saved_cfg else DualTalkConfig.from_state_dict(sd)
        with torch.device("meta"):
            net = DualTalkNet(cfg)
    except (TypeError, ValueError, AssertionError) as exc:
        raise DualTalkError(f"{path.name} has an unusable network configuration ({exc})") from None
    except DualTalkError as exc:
        if path.name in str(exc):
            raise
        raise DualTalkError(f"{path.name}: {exc}") from None
    check_keys(net, sd, what=path.name)
    # assign=True adopts the (memory-mapped) tensors instead of copying into fresh ones.
    net.load_state_dict({k: v.float() for k, v in sd.items()}, strict=True, assign=True)
    net = net.to(device).eval()
    for module in net.modules():
        if isinstance(module, torch.nn.LSTM):
            module.flatten_parameters()
    return net, sha256_file(path)


def save_dualtalk(
    path: str | os.PathLike[str], net: DualTalkNet, *, extra: Mapping[str, Any] | None = None
) -> Path:
    """Save ``{"state_dict", "dualtalk_config"}`` atomically (loadable by :func:`load_dualtalk` and by weights_only)."""
    payload: dict[str, Any] = {"state_dict": net.state_dict(), CONFIG_KEY: net.config.to_dict()}
    if extra:
        payload.update(extra)
    path = Path(path)
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)
    return path
