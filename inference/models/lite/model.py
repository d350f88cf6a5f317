"""LiteDualTalk: the DualTalk architecture at a size that runs anywhere.

Same stages as the published network, each made small: two compact audio encoders
(log-mel + strided convs, one for the character's own voice and one for the partner's),
a shared audio projection, a blendshape encoder for the partner's motion, a temporal
enhancer (self-attention + BiLSTM) per stream, an interaction transformer where the
character's stream attends to the partner's, and a synthesis decoder. Output is the
``arkit55`` space: 52 ARKit weights squashed to [0, 1] by a sigmoid and three head
rotations (radians, bounded by tanh). Attention is local (a band of +-2 s) so long
takes cost linear time and behave like the 8-20 s training crops.

Optionally (``contact_head=2`` in the config; v1/v2 files have none and behave as they
always did) a per-frame lip-contact head gives two logits, bilabial closure and
labiodental contact. A regressed curve blurs a 40 ms /p/ over its neighbours, so either
the lips do not meet or the vowel beside them shuts too; the head makes contact a sharp
per-frame decision instead: frames it is confident about (probability >=
``contact_threshold``) get the contact shape in the lip channels (:func:`apply_contact`),
and the regressed aperture need not dip for them.

The default weights are committed under ``weights/`` in fp16 and loaded with
``weights_only=True``.
"""

from __future__ import annotations

import functools
import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ...core.channels import ARKIT55, SPACE_ARKIT
from ...core.errors import DualTalkError
from ...core.fileio import atomic_path, sha256_file
from ...core.inputs import check_input_file
from .features import READINGS, ConvAudioEncoder

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_WEIGHTS = WEIGHTS_DIR / "lite_v3.pt"
FORMAT = "dualtalk-lite"


@dataclass
class LiteConfig:
    n_mels: int = 64
    audio_dim: int = 96
    dim: int = 96
    heads: int = 4
    lstm_hidden: int = 48
    interaction_layers: int = 2
    ff_mult: int = 2
    attn_window: int = 50  # frames each side a query may attend to
    dropout: float = 0.1
    motion_dim: int = len(ARKIT55)
    contact_head: int = 0  # 0: none (v1/v2 weights); 2: bilabial closure + labiodental contact logits
    contact_threshold: float = 0.5  # probability from which a frame shows the contact shape
    refine: str = ""  # comma-separated ARKit channels a mouth refiner re-predicts ("" = no refiner)
    refine_dim: int = 64  # width of the refiner (its own audio encoder and convs)
    # how audio features meet motion frames (features.READINGS): "stretch" (v1-v3 files, which
    # have no entry) resamples, drifting 40 ms across a window; "centre" reads each frame's centre
    feature_reading: str = "stretch"

    @property
    def refine_channels(self) -> tuple[str, ...]:
        return tuple(n for n in self.refine.split(",") if n)

    @classmethod
    def from_dict(cls, d: dict) -> LiteConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@functools.lru_cache(maxsize=16)
def band_mask(t: int, window: int, device: torch.device) -> torch.Tensor:
    """(t, t) boolean mask, True where |i - j| <= window (attention allowed); cached, as
    every layer of every window of a take asks for the same one."""
    idx = torch.arange(t, device=device)
    return (idx[None, :] - idx[:, None]).abs() <= window


class Attention(nn.Module):
    """Multi-head attention through ``scaled_dot_product_attention``."""

    def __init__(self, dim: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, dim)
        self.dropout = dropout

    def forward(self, x: torch.Tensor, ctx: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, t, d = x.shape
        h = self.heads
        q = self.q(x).view(b, t, h, d // h).transpose(1, 2)
        k, v = self.kv(ctx).view(b, ctx.shape[1], 2, h, d // h).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.dropout if self.training else 0.0
        )
        return self.out(y.transpose(1, 2).reshape(b, t, d))


def chunked_lstm(lstm: nn.LSTM, x: torch.Tensor, chunk: int = 100, context: int = 25) -> torch.Tensor:
    """Run a BiLSTM over overlapping chunks batched together, keeping each chunk's centre.

    A recurrent net steps frame by frame, so one 1500-frame take is 1500 sequential
    steps; cut into 100-frame chunks with 25 frames of context each side it is 150
    steps over a wider batch: ~10x faster on a CPU, and every frame still sees at
    least a second of context in both directions (the training crops see the same).
    """
    b, t, d = x.shape
    if t <= chunk + 2 * context:
        return lstm(x)[0]
    n = -(-t // chunk)
    pad_right = n * chunk - t
    xp = F.pad(x, (0, 0, context, context + pad_right))
    windows = xp.unfold(1, chunk + 2 * context, chunk)  # (b, n, d, L)
    windows = windows.permute(0, 1, 3, 2).reshape(b * n, chunk + 2 * context, d)
    y = lstm(windows)[0][:, context : context + chunk]
    return y.reshape(b, n * chunk, -1)[:, :t]


class TemporalEnhancer(nn.Module):
    """Local self-attention then a BiLSTM: sharpens each stream's features over time."""

    def __init__(self, cfg: LiteConfig) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(cfg.dim)
        self.attn = Attention(cfg.dim, cfg.heads, cfg.dropout)
        self.lstm = nn.LSTM(cfg.dim, cfg.lstm_hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * cfg.lstm_hidden, cfg.dim)
        self.window = cfg.attn_window

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = band_mask(x.shape[1], self.window, x.device)
        h = self.norm(x)
        x = x + self.attn(h, h, mask)
        return x + self.proj(chunked_lstm(self.lstm, x))


class InteractionBlock(nn.Module):
    """Self-attention on the character, cross-attention to the partner, feed-forward."""

    def __init__(self, cfg: LiteConfig) -> None:
        super().__init__()
        d = cfg.dim
        self.n1, self.n2, self.n3, self.nc = (
            nn.LayerNorm(d),
            nn.LayerNorm(d),
            nn.LayerNorm(d),
            nn.LayerNorm(d),
        )
        self.self_attn = Attention(d, cfg.heads, cfg.dropout)
        self.cross_attn = Attention(d, cfg.heads, cfg.dropout)
        self.ff = nn.Sequential(
            nn.Linear(d, cfg.ff_mult * d), nn.GELU(), nn.Dropout(cfg.dropout), nn.Linear(cfg.ff_mult * d, d)
        )
        self.window = cfg.attn_window

    def forward(self, x: torch.Tensor, partner: torch.Tensor) -> torch.Tensor:
        mask = band_mask(x.shape[1], self.window, x.device)
        h = self.n1(x)
        x = x + self.self_attn(h, h, mask)
        x = x + self.cross_attn(self.n2(x), self.nc(partner), mask)
        return x + self.ff(self.n3(x))


# The lip shapes at the instant of contact, as the v2 targets draw them (the "contact"
# rendering of inference/phonetic/visemes.py, mouthClose x0.5; a test keeps them equal). Only
# the channels that make the contact are set; rounding, smile and the rest stay as
# regressed. Closure: aperture (jawOpen - mouthClose + 0.3 mouthLowerDown) = -0.235.
CONTACT_CLASSES = ("bilabial", "labiodental")
CONTACT_SHAPES: dict[str, dict[str, float]] = {
    "bilabial": {
        "jawOpen": 0.04,
        "mouthClose": 0.275,
        "mouthLowerDownLeft": 0.0,
        "mouthLowerDownRight": 0.0,
        "mouthUpperUpLeft": 0.0,
        "mouthUpperUpRight": 0.0,
        "mouthRollLower": 0.15,
        "mouthPressLeft": 0.35,
        "mouthPressRight": 0.35,
    },
    "labiodental": {
        "jawOpen": 0.08,
        "mouthClose": 0.075,
        "mouthLowerDownLeft": 0.0,
        "mouthLowerDownRight": 0.0,
        "mouthUpperUpLeft": 0.2,
        "mouthUpperUpRight": 0.2,
        "mouthRollLower": 0.55,
        "mouthPressLeft": 0.0,
        "mouthPressRight": 0.0,
    },
}


def contact_tensors(dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """(mask, shape), each (2, 55): which channels each contact class sets, and to what."""
    mask = torch.zeros(len(CONTACT_CLASSES), len(ARKIT55), dtype=dtype)
    shape = torch.zeros(len(CONTACT_CLASSES), len(ARKIT55), dtype=dtype)
    for k, cls in enumerate(CONTACT_CLASSES):
        for name, value in CONTACT_SHAPES[cls].items():
            mask[k, ARKIT55.index(name)] = 1.0
            shape[k, ARKIT55.index(name)] = value
    return mask, shape


def blend_contact(motion: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """``motion`` (..., T, 55) with each class's shape blended in by ``gate`` (..., T, 2) in [0, 1].

    The two gates share a frame by their sum (capped at 1), so a channel both classes set
    is never pushed past either shape.
    """
    mask, shape = contact_tensors(motion.dtype)
    mask, shape = mask.to(motion.device), shape.to(motion.device)
    gate = gate / gate.sum(-1, keepdim=True).clamp(min=1.0)
    g = gate @ mask  # (..., T, 55): how much of each channel is replaced
    return motion * (1.0 - g) + gate @ (mask * shape)


def apply_contact(motion: torch.Tensor, prob: torch.Tensor, threshold: float) -> torch.Tensor:
    """Inference decode: frames whose most likely contact has probability >= ``threshold``
    show that contact's shape exactly; every other frame is left as regressed."""
    top = prob.argmax(-1, keepdim=True)
    onehot = torch.zeros_like(prob).scatter_(-1, top, 1.0)
    gate = onehot * (prob.gather(-1, top) >= threshold).to(prob.dtype)
    return blend_contact(motion, gate)


class MouthRefiner(nn.Module):
    """A second look at a few mouth channels: its own audio encoder beside the network's last
    hidden state, a short conv stack, and a correction added to those channels' logits.

    It exists so a weakness of one channel group (lip rounding) can be trained on its own,
    with the rest of the network frozen: a fine-tune of the whole network moved the lip
    closures it already got right. The output layer starts at zero, so a new refiner
    starts from exactly the network's behaviour.
    """

    def __init__(self, cfg: LiteConfig) -> None:
        super().__init__()
        names = cfg.refine_channels
        self.register_buffer(
            "index", torch.tensor([ARKIT55.index(n) for n in names], dtype=torch.long), persistent=False
        )
        self.encoder = ConvAudioEncoder(cfg.n_mels, cfg.refine_dim, cfg.dropout, cfg.feature_reading)
        self.convs = nn.Sequential(
            nn.Conv1d(cfg.dim + cfg.refine_dim, cfg.refine_dim, 5, padding=2),
            nn.GELU(),
            nn.Conv1d(cfg.refine_dim, cfg.refine_dim, 5, padding=2),
            nn.GELU(),
        )
        self.out = nn.Linear(cfg.refine_dim, len(names))
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, logits: torch.Tensor, hidden: torch.Tensor, audio_feats: torch.Tensor) -> torch.Tensor:
        """``logits`` (B, T, 55) with the refined channels corrected, from ``hidden`` (B, T, dim)
        and the refiner's own audio features (B, T, refine_dim)."""
        x = torch.cat([hidden, audio_feats.to(hidden.dtype)], dim=-1).transpose(1, 2)
        delta = self.out(self.convs(x).transpose(1, 2))
        return logits.index_add(-1, self.index, delta)


class LiteDualTalk(nn.Module):
    """Predicts one character's ``arkit55`` motion from both voices and the partner's motion."""

    space = SPACE_ARKIT
    fps = 25.0
    sample_rate = 16000

    def __init__(self, cfg: LiteConfig | None = None) -> None:
        super().__init__()
        self.cfg = cfg = cfg or LiteConfig()
        self.self_encoder = ConvAudioEncoder(cfg.n_mels, cfg.audio_dim, cfg.dropout, cfg.feature_reading)
        self.partner_encoder = ConvAudioEncoder(cfg.n_mels, cfg.audio_dim, cfg.dropout, cfg.feature_reading)
        self.audio_proj = nn.Linear(cfg.audio_dim, cfg.dim)  # shared by both streams
        self.motion_encoder = nn.Sequential(
            nn.Linear(cfg.motion_dim, cfg.dim), nn.GELU(), nn.Linear(cfg.dim, cfg.dim)
        )
        self.self_enhancer = TemporalEnhancer(cfg)
        self.partner_enhancer = TemporalEnhancer(cfg)
        self.interaction = nn.ModuleList(InteractionBlock(cfg) for _ in range(cfg.interaction_layers))
        self.decoder = nn.Sequential(  # synthesis decoder: local temporal smoothing + projection
            nn.Conv1d(cfg.dim, cfg.dim, 5, padding=2),
            nn.GELU(),
            nn.Conv1d(cfg.dim, cfg.dim, 5, padding=2),
        )
        self.head = nn.Sequential(nn.LayerNorm(cfg.dim), nn.Linear(cfg.dim, cfg.motion_dim))
        self.head_scale = 0.6  # radians: the largest head rotation the model can output
        if cfg.contact_head:
            self.contact = nn.Sequential(nn.LayerNorm(cfg.dim), nn.Linear(cfg.dim, cfg.contact_head))
            # a new head starts silent (contact probability ~2 %) so fine-tuning from
            # weights without one starts from exactly their behaviour
            nn.init.zeros_(self.contact[1].weight)
            nn.init.constant_(self.contact[1].bias, -4.0)
        self.refiner = MouthRefiner(cfg) if cfg.refine_channels else None

    # TwoPartyModel ------------------------------------------------------------------
    def encode_self(
        self, audio: torch.Tensor, frame_num: int, reference: torch.Tensor | None = None
    ) -> torch.Tensor:
        """(B, T, dim), or (B, T, dim + refine_dim) with the refiner's own audio features
        appended, so a take's features are still computed once and sliced in time.
        ``reference``: ``audio`` as recorded when it was ducked (normalised by its band means)."""
        feats = self.audio_proj(self.self_encoder(audio, frame_num, reference))
        if self.refiner is None:
            return feats
        refined = self.refiner.encoder(audio, frame_num, reference).to(feats.dtype)
        return torch.cat([feats, refined], dim=-1)

    def encode_partner(self, audio: torch.Tensor, frame_num: int) -> torch.Tensor:
        return self.audio_proj(self.partner_encoder(audio, frame_num))

    def decode(
        self, self_feats: torch.Tensor, partner_feats: torch.Tensor, partner_motion: torch.Tensor
    ) -> torch.Tensor:
        motion, logits = self.decode_parts(self_feats, partner_feats, partner_motion)
        if logits is None:
            return motion
        return apply_contact(motion, torch.sigmoid(logits), self.cfg.contact_threshold)

    def decode_parts(
        self, self_feats: torch.Tensor, partner_feats: torch.Tensor, partner_motion: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(regressed motion, contact logits (B, T, 2) or None without a head): what training needs."""
        t = min(self_feats.shape[1], partner_feats.shape[1], partner_motion.shape[1])
        own = self_feats[:, :t, : self.cfg.dim]
        s = self.self_enhancer(own)
        p = self.partner_enhancer(
            partner_feats[:, :t] + self.motion_encoder(partner_motion[:, :t].to(s.dtype))
        )
        x = s
        for block in self.interaction:
            x = block(x, p)
        y = self.decoder(x.transpose(1, 2)).transpose(1, 2)
        h = x + y
        out = self.head(h)
        if self.refiner is not None:
            out = self.refiner(out, h, self_feats[:, :t, self.cfg.dim :])
        motion = torch.cat(
            [torch.sigmoid(out[..., :52]), self.head_scale * torch.tanh(out[..., 52:])], dim=-1
        )
        return motion, (self.contact(h) if self.cfg.contact_head else None)

    def neutral_motion(self, frames: int) -> torch.Tensor:
        p = next(self.parameters())
        return torch.zeros(frames, self.cfg.motion_dim, device=p.device, dtype=p.dtype)

    def forward(
        self, audio_self: torch.Tensor, audio_partner: torch.Tensor, partner_motion: torch.Tensor
    ) -> torch.Tensor:
        frames = partner_motion.shape[1]
        return self.decode(
            self.encode_self(audio_self, frames), self.encode_partner(audio_partner, frames), partner_motion
        )

    def forward_parts(
        self, audio_self: torch.Tensor, audio_partner: torch.Tensor, partner_motion: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Like ``forward`` but (regressed motion, contact logits), undecoded: for training."""
        frames = partner_motion.shape[1]
        return self.decode_parts(
            self.encode_self(audio_self, frames), self.encode_partner(audio_partner, frames), partner_motion
        )


def save_lite(model: LiteDualTalk, path: str | Path, *, half: bool = True, extra: dict | None = None) -> Path:
    """Write weights (fp16 by default) with the config, atomically; returns the path."""
    state = {
        k: (v.half() if half and v.is_floating_point() else v).detach().cpu().contiguous()
        for k, v in model.state_dict().items()
    }
    payload = {
        "format": FORMAT,
        "version": 1,
        "config": asdict(model.cfg),
        "state_dict": state,
        "extra": extra or {},
    }
    path = Path(path)
    buf = io.BytesIO()
    torch.save(payload, buf)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.getvalue())
    return path


# Bounds for every config field: generous for any lite network one could train, far below
# what would make building the model allocate gigabytes from a few bytes of config.
_CONFIG_LIMITS: dict[str, tuple[float, float]] = {
    "n_mels": (8, 256),
    "audio_dim": (4, 2048),
    "dim": (4, 2048),
    "heads": (1, 64),
    "lstm_hidden": (1, 2048),
    "interaction_layers": (1, 24),
    "ff_mult": (1, 16),
    "attn_window": (1, 100_000),
    "dropout": (0.0, 1.0),
    "motion_dim": (len(ARKIT55), len(ARKIT55)),
    "contact_head": (0, len(CONTACT_CLASSES)),
    "contact_threshold": (0.0, 1.0),
    "refine_dim": (4, 2048),
}
MAX_LITE_PARAMETERS = 200_000_000  # a "lite" network above this is a crafted or foreign file


def lite_config_from_payload(config: object, name: str) -> LiteConfig:
    """A :class:`LiteConfig` from untrusted saved config, checked field by field *before* anything is built."""
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise DualTalkError(f"{name}: the lite config is a {type(config).__name__}, not a mapping")
    kinds = {f.name: f.type for f in fields(LiteConfig)}
    clean: dict[str, int | float | str] = {}
    for key, value in config.items():
        if key not in kinds:
            continue  # fields of a newer build are ignored, as before
        if key == "refine":
            clean[key] = _refine_from_payload(value, name)
            continue
        if key == "feature_reading":
            if value not in READINGS:
                raise DualTalkError(
                    f"{name}: lite config feature_reading must be one of {', '.join(READINGS)}, got {_short(value)}"
                )
            clean[key] = value
            continue
        lo, hi = _CONFIG_LIMITS[key]
        want_int = kinds[key] in ("int", int)
        ok_type = isinstance(value, int) if want_int else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type:
            raise DualTalkError(
                f"{name}: lite config {key} must be {'an integer' if want_int else 'a number'}, "
                f"got {type(value).__name__}"
            )
        if not lo <= value <= hi:  # also false for NaN
            raise DualTalkError(f"{name}: lite config {key} = {_short(value)} is outside {lo:g}..{hi:g}")
        clean[key] = value
    cfg = LiteConfig(**clean)  # type: ignore[arg-type]  # each value was checked against its field above
    if cfg.contact_head not in (0, len(CONTACT_CLASSES)):
        raise DualTalkError(
            f"{name}: lite config contact_head = {cfg.contact_head}; it is 0 (none) or {len(CONTACT_CLASSES)}"
        )
    if cfg.dim % cfg.heads:
        raise DualTalkError(f"{name}: lite config heads = {cfg.heads} does not divide dim = {cfg.dim}")
    return cfg


def _refine_from_payload(value: object, name: str) -> str:
    """The refiner's channel list from an untrusted file: known ARKit names, each once."""
    if not isinstance(value, str) or len(value) > 2000:
        raise DualTalkError(f"{name}: lite config refine must be a short string of channel names")
    names = [n for n in value.split(",") if n]
    unknown = [n for n in names if n not in ARKIT55[:52]]
    if unknown:
        raise DualTalkError(f"{name}: lite config refine names an unknown channel {_short(unknown[0])}")
    if len(set(names)) != len(names):
        raise DualTalkError(f"{name}: lite config refine names a channel twice")
    return value


def _short(value: object, limit: int = 24) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def lite_state_from_payload(state: object, name: str) -> dict[str, torch.Tensor]:
    """The state dict of an untrusted lite file: names to finite tensors, nothing else."""
    if not isinstance(state, dict) or not state:
        raise DualTalkError(f"{name} holds no lite weights (no state_dict of tensors)")
    total = 0
    for key, value in state.items():
        if not isinstance(key, str):
            raise DualTalkError(f"{name}: lite weight name {_short(key)} is not a string")
        if not isinstance(value, torch.Tensor):
            raise DualTalkError(
                f"{name}: lite weight {_short(key, 60)} is a {type(value).__name__}, not a tensor"
            )
        total += value.numel()
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise DualTalkError(
                f"{name}: lite weight {_short(key, 60)} contains NaN or Inf values; the weights file is "
                "damaged (or came from a diverged training run), not your audio or motion"
            )
    if total > MAX_LITE_PARAMETERS:
        raise DualTalkError(f"{name} holds {total:,} weights; a lite network has far fewer")
    return state


def load_lite(path: str | Path | None = None, device: str = "cpu") -> tuple[LiteDualTalk, str]:
    """(model in eval mode on ``device``, sha256 of the weights file); ``None`` -> the committed default.

    Everything in the file is checked before the network is built, so a crafted config
    cannot make us allocate gigabytes and a broken file is one line naming what is wrong.
    """
    from ...checkpoint import read_checkpoint_file

    path = Path(path) if path is not None else DEFAULT_WEIGHTS
    check_input_file(path, "lite weights")
    try:
        payload = read_checkpoint_file(path)
    except DualTalkError as exc:
        raise DualTalkError(str(exc).replace("PyTorch checkpoint", "lite weights file", 1)) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise DualTalkError(
            f"{path.name} is not a DualTalk lite weights file (the published DualTalk.pth runs with "
            "--engine dualtalk)"
        )
    cfg = lite_config_from_payload(payload.get("config"), path.name)
    state = lite_state_from_payload(payload.get("state_dict"), path.name)
    with torch.device("meta"):  # shapes only: nothing is allocated until the weights are checked
        skeleton = LiteDualTalk(cfg)
    expected = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shaped = [k for k in expected if k in state and tuple(state[k].shape) != expected[k]]
    if missing or unexpected or shaped:
        first = (missing or unexpected or shaped)[0]
        what = "missing" if missing else "unexpected" if unexpected else "wrong shape"
        raise DualTalkError(
            f"{path.name} does not match the lite architecture ({len(missing)} missing, "
            f"{len(unexpected)} unexpected, {len(shaped)} mis-shaped weights; first {what}: {_short(first, 60)})"
        )
    model = LiteDualTalk(cfg)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    model.to(device).eval()
    return model, sha256_file(path)
