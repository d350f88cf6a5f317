"""Generating motion: the paper's one-character mode and joint two-character dialogue mode.

Paper mode (:func:`generate_single`) is the authors' setting: one character's motion from
both voices and the partner's *captured* motion.

Dialogue mode (:func:`generate_dialogue`) is what an animator has: two voices and no
motion at all. Both characters are generated jointly:

1. the four encoder passes (self- and partner-encoder on A and on B) run once;
2. A is decoded against a neutral B, then B against that A;
3. A is decoded again against the new B, then B against the new A, for K rounds.

Each round only reruns the small decoder, so extra rounds are cheap; the default K was
chosen by measuring how much the motion still changes per round (see ``docs/engine.md``).

Long takes are cut into equal windows with overlap; every window is encoded and decoded
on its own and neighbouring windows are cross-faded linearly over the overlap, so memory
stays bounded by the window length whatever the take's length.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .audio.normalize import normalize_speech
from .audio.sync import duck_bleed, ducked_pass_weight, long_pauses, quieten
from .build_info import build_id
from .core import interrupts
from .core import motion as core_motion
from .core.errors import DualTalkError
from .core.fileio import STEM_CUT, atomic_paths, ensure_writable_dir, missing_folders, remove_empty_folders
from .core.motion import Motion
from .core.progress import Progress
from .core.request import check_rounds_window
from .core.timebase import frames_for

if TYPE_CHECKING:
    from .audio import Dialogue
    from .engine import Engine

DEFAULT_OVERLAP_S = 2.0
MIN_AUDIO_S = 0.1  # a few frames: anything shorter is a mistake, and the encoders need context


# Windows ------------------------------------------------------------------------------
@dataclass(frozen=True)
class WindowPlan:
    """Equal-length frame windows covering ``total`` frames, plus cross-fade weights summing to 1."""

    spans: tuple[tuple[int, int], ...]
    total: int
    weights: tuple[np.ndarray, ...]  # per window, (length,) float32

    @property
    def length(self) -> int:
        return self.spans[0][1] - self.spans[0][0]

    def __len__(self) -> int:
        return len(self.spans)


def plan_windows(total: int, window: int | None, overlap: int) -> WindowPlan:
    """Split ``total`` frames into equal windows of at most ``window`` frames overlapping by at least ``overlap``.

    ``window`` None or >= total gives one window (the plain full-sequence forward).
    """
    if total <= 0:
        raise DualTalkError("the audio is shorter than one motion frame")
    if window is None or window >= total:
        return WindowPlan(((0, total),), total, (np.ones(total, dtype=np.float32),))
    overlap = max(1, min(int(overlap), window // 2))
    # fewest windows that fit, then shrink them to share the take evenly: the encoders'
    # work is the frames covered, total + (n - 1) * overlap, not n * window
    n = -(-(total - overlap) // (window - overlap))
    length = min(window, -(-(total + (n - 1) * overlap) // n))
    starts = [round(i * (total - length) / (n - 1)) for i in range(n)]
    spans = tuple((s, s + length) for s in starts)
    raw = []
    for i, (s, e) in enumerate(spans):
        t = np.arange(s, e, dtype=np.float64) + 0.5
        w = np.ones(e - s)
        if i > 0:  # fade in over the overlap with the previous window
            ov = spans[i - 1][1] - s
            w = np.minimum(w, np.clip((t - s) / ov, 0.0, 1.0))
        if i < len(spans) - 1:  # fade out over the overlap with the next window
            ov = e - spans[i + 1][0]
            w = np.minimum(w, np.clip((e - t) / ov, 0.0, 1.0))
        raw.append(w)
    acc = np.zeros(total)
    for (s, e), w in zip(spans, raw, strict=True):
        acc[s:e] += w
    weights = tuple((w / acc[s:e]).astype(np.float32) for (s, e), w in zip(spans, raw, strict=True))
    return WindowPlan(spans, total, weights)


def _window_frames(window_s: float | None, fps: float, total: int) -> tuple[int | None, int]:
    """(window, overlap) in frames; window None means one pass over the whole take."""
    _, window_s = check_rounds_window(None, window_s)
    if window_s == 0:
        return None, 0
    window = int(round(window_s * fps))
    overlap = int(round(min(DEFAULT_OVERLAP_S, window_s / 4) * fps))
    return (None if window >= total else window), overlap


# Helpers ------------------------------------------------------------------------------
def _fit_length(x: np.ndarray, n: int) -> np.ndarray:
    if len(x) >= n:
        return x[:n]
    return np.concatenate([x, np.zeros(n - len(x), dtype=x.dtype)])


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _default_batch(device: torch.device) -> int:
    env = os.environ.get("DUALTALK_WINDOW_BATCH")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return 8 if device.type == "cuda" else 1


class _Runner:
    """Windowed encode / decode / stitch for one engine and one take."""

    def __init__(
        self,
        engine: Engine,
        num_samples: int,
        window_s: float | None,
        progress: Progress | None,
        batch: int | None,
    ):
        self.engine = engine
        self.model = engine.model
        self.device = torch.device(engine.device)
        self.sr = int(self.model.sample_rate)
        self.fps = float(self.model.fps)
        self.step = self.sr / self.fps
        self.num_samples = int(num_samples)
        if self.num_samples < MIN_AUDIO_S * self.sr:
            raise DualTalkError(
                f"the audio is only {self.num_samples / self.sr:.3f} s long; need at least {MIN_AUDIO_S:g} s"
            )
        self.total = frames_for(num_samples, self.sr, self.fps)
        window, overlap = _window_frames(window_s, self.fps, self.total)
        self.plan = plan_windows(self.total, window, overlap)
        self.progress = progress
        self.batch = batch or _default_batch(self.device)
        # the lite encoder's cap on a window's samples (ConvAudioEncoder.most_samples), else None
        self._most_samples = getattr(getattr(self.model, "self_encoder", None), "most_samples", None)
        self.timings: dict[str, float] = {}
        self._weights = [torch.from_numpy(w).to(self.device)[:, None] for w in self.plan.weights]

    # grouping: windows with the same sample count can share a batch
    def _sample_range(self, span: tuple[int, int]) -> tuple[int, int]:
        """The window's samples. For the lite encoder a window of whole frames (every inner window, a
        range, a recording a whole number of frames long) ends one sample short, so its frames hear
        the sound where the same frames of any other cut do (ConvAudioEncoder.most_samples)."""
        s, e = span
        a, b = int(round(s * self.step)), min(int(round(e * self.step)), self.num_samples)
        most = self._most_samples(e - s) if self._most_samples is not None else None
        return a, (b if most is None else min(b, a + most))

    def _groups(self) -> list[list[int]]:
        by_len: dict[int, list[int]] = {}
        for i, span in enumerate(self.plan.spans):
            a, b = self._sample_range(span)
            by_len.setdefault(b - a, []).append(i)
        groups = []
        for idx in by_len.values():
            for k in range(0, len(idx), self.batch):
                groups.append(idx[k : k + self.batch])
        return groups

    def _report(self, stage: str, fraction: float, msg: str = "") -> None:
        if self.progress is not None:
            self.progress.update(stage, fraction, msg)
            check = getattr(self.progress, "check_cancel", None)
            if check is not None:
                check()

    def encode(
        self,
        jobs: Sequence[tuple[Callable, Sequence[np.ndarray]]],
        stage: str = "encode",
        references: Sequence[Sequence[np.ndarray] | None] | None = None,
    ) -> list[list[torch.Tensor]]:
        """Run each encoder over its normalised streams, every window; features per (encoder, stream).

        The streams of one encoder share a batch (A and B through the same weights at once).
        ``references``: per job, None or one stream per stream, the stream before the duck; each
        window is then normalised by its reference's band means (the lite encoder's ``reference``).
        """
        t0 = time.perf_counter()
        n_out = sum(len(streams) for _, streams in jobs)
        out: list[list[torch.Tensor | None]] = [[None] * len(self.plan) for _ in range(n_out)]
        groups = self._groups()
        frames = self.plan.length
        done = 0
        for group in groups:
            ranges = [self._sample_range(self.plan.spans[i]) for i in group]
            k0 = 0
            for job, (encoder, streams) in enumerate(jobs):
                batch = np.stack([x[a:b] for x in streams for a, b in ranges])
                refs = None if references is None else references[job]
                with self.engine.autocast():
                    if refs is None:
                        feats = encoder(torch.from_numpy(batch).to(self.device), frames)
                    else:
                        ref = np.stack([x[a:b] for x in refs for a, b in ranges])
                        feats = encoder(
                            torch.from_numpy(batch).to(self.device),
                            frames,
                            torch.from_numpy(ref).to(self.device),
                        )
                for m in range(len(streams)):
                    for j, i in enumerate(group):
                        out[k0 + m][i] = feats[m * len(group) + j]
                k0 += len(streams)
                done += 1
                msg = f"window {group[-1] + 1}/{len(self.plan)}"
                self._report(stage, done / (len(groups) * len(jobs)), msg)
        _sync(self.device)
        self.timings[f"{stage}_s"] = self.timings.get(f"{stage}_s", 0.0) + time.perf_counter() - t0
        return out

    def decode_heard(
        self,
        self_feats: list[torch.Tensor],
        partner_feats: list[torch.Tensor],
        partner_motion: torch.Tensor,
        recorded: tuple[list[torch.Tensor], torch.Tensor] | None,
    ) -> torch.Tensor:
        """:meth:`decode`; for a ducked stream (``recorded``: its self features as recorded and, per
        frame, the weight of the ducked pass, :func:`.audio.sync.ducked_pass_weight`) also a second pass
        heard as recorded, sharing the first's decoder calls, kept on the frames the duck is not for.
        None: the stream was not ducked, one pass."""
        if recorded is None:
            return self.decode(self_feats, partner_feats, partner_motion)
        feats, weight = recorded
        ducked, heard = self._decode_sets([self_feats, feats], partner_feats, partner_motion)
        return ducked * weight + heard * (1.0 - weight)  # the ducked frames exactly the ducked pass

    def decode(
        self, self_feats: list[torch.Tensor], partner_feats: list[torch.Tensor], partner_motion: torch.Tensor
    ) -> torch.Tensor:
        """One decoder pass over every window, stitched to (total, C) float32 on the device."""
        return self._decode_sets([self_feats], partner_feats, partner_motion)[0]

    def _decode_sets(
        self,
        self_sets: Sequence[list[torch.Tensor]],
        partner_feats: list[torch.Tensor],
        partner_motion: torch.Tensor,
    ) -> list[torch.Tensor]:
        """:meth:`decode` for each set of self features against the same partner. The sets share the
        decoder's calls, each of at most ``batch`` windows, so the user's batch still bounds the memory
        one call takes (two sets in one call of 2 x ``batch`` did not: review rv38f F4); a window of a
        second set fills a call the first left short."""
        outs = [
            torch.zeros(self.total, partner_motion.shape[-1], device=self.device, dtype=torch.float32)
            for _ in self_sets
        ]
        for group in self._groups():
            todo = [(m, i) for m in range(len(self_sets)) for i in group]  # set by set, windows in order
            for c in range(0, len(todo), self.batch):
                call = todo[c : c + self.batch]
                spans = [self.plan.spans[i] for _, i in call]
                motion = torch.stack([partner_motion[s:e] for s, e in spans])
                partner = torch.stack([partner_feats[i] for _, i in call])
                own = torch.stack([self_sets[m][i] for m, i in call])
                with self.engine.autocast():
                    pred = self.model.decode(own, partner, motion)
                for (m, i), (s, e), window in zip(call, spans, pred, strict=True):
                    outs[m][s:e] += self._weights[i] * window.float()
        return outs


def _meta(runner: _Runner, rounds: int | None, extra: dict[str, Any]) -> dict[str, Any]:
    window = runner.plan.length if len(runner.plan) > 1 else None
    spans = runner.plan.spans
    overlap = (spans[0][1] - spans[1][0]) if len(spans) > 1 else 0
    meta = {
        "device": str(runner.device),
        "precision": runner.engine.precision,
        "window_s": window / runner.fps if window else None,
        "overlap_s": overlap / runner.fps,
        "windows": len(runner.plan),
        "timings": {k: round(v, 4) for k, v in runner.timings.items()},
        "checkpoint": Path(runner.engine.checkpoint).name if getattr(runner.engine, "checkpoint", "") else "",
        "build": build_id(),  # the DualTalk build that made the take (inference/build_info)
    }
    if rounds is not None:
        meta["rounds"] = rounds
    meta.update(extra)
    return meta


# Dialogue mode --------------------------------------------------------------------------
def generate_dialogue(
    dialogue: Dialogue,
    engine: Engine,
    *,
    rounds: int | None = None,
    window_s: float | None = None,
    progress: Progress | None = None,
    batch_windows: int | None = None,
) -> tuple[Motion, Motion]:
    """Both characters' motion from a :class:`~.audio.Dialogue` (streams ``a``/``b`` + activity).

    What the network hears: sound both channels carry faded out and, with the lite engine, each stream
    ducked where its flags are off and the partner's on (:func:`.audio.sync.duck_bleed`); so flags you
    give (``Dialogue(..., active_a, active_b)``) also decide where a mic's bleed is turned down. A
    character whose stream was ducked is decoded twice, hearing it ducked and as recorded, and keeps the
    ducked pass only on the ducked frames (:func:`.audio.sync.ducked_pass_weight`): the quieter
    stretches no longer shrink its own words beside them; a character not ducked is decoded once.
    ``batch_windows`` (default: ``DUALTALK_WINDOW_BATCH``, else 8 on CUDA and 1 on a CPU) bounds the
    memory of one network call: at most that many windows per decoder call (the two passes of a ducked
    character share calls), and per encoder call that many windows of each stream it reads.
    This is the network alone: no lip release or rounding and no behaviour layer (no blinks, gaze,
    head motion, nods or brows), so it is not the take ``infer``, ``animate`` or the panel make.
    For that take call :func:`.pipeline.run`; to build it step by step, add what ``run`` adds, in
    its order: :func:`.phonetic.voice_lips.shape_lips` per character (``dialogue.a`` / ``active_a``,
    then B), :func:`.phonetic.transcript.apply_transcript` with a script, then
    :func:`.pipeline.after_engine` (README, "Python API").
    """
    rounds, _ = check_rounds_window(rounds, window_s)
    a = np.asarray(dialogue.a, dtype=np.float32).reshape(-1)
    b = _fit_length(np.asarray(dialogue.b, dtype=np.float32).reshape(-1), len(a))
    runner = _Runner(engine, len(a), window_s, progress, batch_windows)
    model = runner.model
    na, nb, recorded, ducked = _network_streams(dialogue, a, b, runner.total, engine.name)

    enc_self, enc_partner = model.encode_self, model.encode_partner
    # the four encoder passes, once: A and B batched through each encoder; a ducked stream's own voice
    # is read against its band means before the duck, the partner's as it is (_network_streams)
    jobs: list[tuple[Callable, Sequence[np.ndarray]]] = [(enc_self, [na, nb]), (enc_partner, [na, nb])]
    # and the self encoder on each ducked stream as recorded, for its own frames; a stream not ducked
    # was heard as recorded already (its pass as recorded was the same pass, decoded for nothing)
    again = [(m, frames) for m, frames in enumerate(ducked) if frames is not None]  # None: not ducked
    if recorded is not None and again:
        jobs.append((enc_self, [recorded[m] for m, _ in again]))
    feats = runner.encode(jobs, references=[recorded, None, None][: len(jobs)])
    a_self, b_self, a_partner, b_partner = feats[:4]
    heard: list[tuple[list[torch.Tensor], torch.Tensor] | None] = [None, None]
    for n, (m, frames) in enumerate(again):
        weight = torch.from_numpy(ducked_pass_weight(frames))[:, None].to(runner.device)
        heard[m] = (feats[4 + n], weight)
    heard_a, heard_b = heard

    t0 = time.perf_counter()
    motion_b = model.neutral_motion(runner.total).float().to(runner.device)
    motion_a = None
    convergence: list[dict[str, float]] = []
    for r in range(rounds):
        new_a = runner.decode_heard(a_self, b_partner, motion_b, heard_a)
        runner._report("generate", (2 * r + 1) / (2 * rounds), f"round {r + 1}/{rounds}: A")
        new_b = runner.decode_heard(b_self, a_partner, new_a, heard_b)
        runner._report("generate", (2 * r + 2) / (2 * rounds), f"round {r + 1}/{rounds}: B")
        if r > 0:
            convergence.append(
                {
                    "round": r + 1,
                    "change_a": float((new_a - motion_a).abs().mean()),
                    "change_b": float((new_b - motion_b).abs().mean()),
                }
            )
        motion_a, motion_b = new_a, new_b
    assert motion_a is not None  # rounds >= 1 (check_rounds_window)
    _sync(runner.device)
    runner.timings["decode_s"] = time.perf_counter() - t0
    runner.timings["decode_per_round_s"] = runner.timings["decode_s"] / rounds

    total = runner.total
    act_a = _activity(getattr(dialogue, "active_a", None), total)
    act_b = _activity(getattr(dialogue, "active_b", None), total)
    names = tuple(getattr(dialogue, "names", ("A", "B")))
    common = {
        "mode": "dialogue",
        "convergence": convergence,
        "source": dict(getattr(dialogue, "source", {}) or {}),
        "names": list(names),
    }
    meta = _meta(runner, rounds, common)
    start = float(getattr(dialogue, "start_time", 0.0) or 0.0)
    out = []
    for role, name, motion, act in (("A", names[0], motion_a, act_a), ("B", names[1], motion_b, act_b)):
        out.append(
            Motion(
                space=engine.space,
                values=motion.cpu().numpy(),
                fps=runner.fps,
                speaking=act,
                engine=engine.name,
                checkpoint_sha256=engine.sha256,
                role=role,
                start_time=start,
                meta={**meta, "name": name},
            )
        )
    return out[0], out[1]


SPLIT_FORMS = ("turns", "diarized")  # one mix cut by turns: each stream is already silent outside its turns
# the engines whose input is ducked where only the partner speaks: measured on the lite network only; the
# published network's weights cannot be run here and its answer to a level step is unknown (on the lite
# one, ducking two frames closer to each turn made the listener's mouth worse than no duck)
DUCKED_ENGINES = ("lite",)


def hears_ducked(dialogue: Dialogue, engine: str) -> bool:
    """Whether the network hears each stream ducked where the flags say only the partner speaks: two
    separate streams (not one mix split by turns) and an engine in :data:`DUCKED_ENGINES`. The lip
    passes then read each voice as ducked too (:func:`.phonetic.voice_lips.shape_lips`)."""
    source = getattr(dialogue, "source", None) or {}
    return source.get("form") not in SPLIT_FORMS and engine in DUCKED_ENGINES


def _network_streams(
    dialogue: Dialogue, a: np.ndarray, b: np.ndarray, total: int, engine: str
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray] | None, tuple[np.ndarray | None, np.ndarray | None]]:
    """``(A, B, recorded, ducked)``: what the network hears of A and B, normalised (the take's own sound
    is kept as it is). ``recorded``: None where neither stream was ducked, else both normalised streams
    before any duck; their band means normalise what the network hears
    (:class:`.models.lite.features.LogMel`). ``ducked``: per stream, its ducked frames, or None where
    that stream was not ducked; the motion decoded from a ducked stream as recorded is kept off those
    frames (:func:`.audio.sync.ducked_pass_weight`), and a stream not ducked is decoded once.

    The same sound on both channels (a music intro) is nobody's speech: faded out of both. Two separate
    streams (two mics, a stereo take, arrays) each also carry the partner 20-30 dB down: where the flags
    (found from the streams as recorded) say only the partner speaks, the stream is ducked
    (:func:`.audio.sync.duck_bleed`), or the network mouths the partner's words. The duck comes after
    the normalisation. The self encoder removes the band means of the stream before the duck (the
    recorded stream's, as in training), so a character's own speech gives it what it gave without the
    duck (a quieter listening half made it read 8-10 dB louder: speaking jaw +5-11 %). The partner
    encoder keeps the ducked stream's own means: read against the recorded ones, the partner's
    ducked half sat lower still and B's speaking jaw rose 6 % on the demo with A 30 dB into B's mic.
    A mix split by turns is already gated outside each character's turns; inside one, a pause longer than
    0.6 s without the character's voice (a turn span longer than the voice: the room's sound 25-30 dB
    under it) is ducked the same way (:func:`.audio.sync.long_pauses`; AMI dev00's listener mouthed it)."""
    shared = (getattr(dialogue, "source", None) or {}).get("shared_spans")
    na, nb = normalize_speech(quieten(a, shared)), normalize_speech(quieten(b, shared))
    form = (getattr(dialogue, "source", None) or {}).get("form")
    split = form in SPLIT_FORMS and engine in DUCKED_ENGINES
    if not hears_ducked(dialogue, engine) and not split:
        return na, nb, None, (None, None)
    act_a = _activity(getattr(dialogue, "active_a", None), total)
    act_b = _activity(getattr(dialogue, "active_b", None), total)
    if split:
        duck_a, duck_b = long_pauses(act_a), long_pauses(act_b)
    else:
        duck_a, duck_b = act_b & ~act_a, act_a & ~act_b
    none = np.zeros(total, dtype=bool)
    da, db = duck_bleed(na, none, duck_a), duck_bleed(nb, none, duck_b)
    if da is na and db is nb:
        return na, nb, None, (None, None)
    # duck_bleed gives the stream itself where it turned nothing down
    return da, db, [na, nb], (None if da is na else duck_a, None if db is nb else duck_b)


def _activity(active: Any, total: int) -> np.ndarray:
    if active is None:
        return np.zeros(total, dtype=bool)
    act = np.asarray(active, dtype=bool).reshape(-1)
    if len(act) >= total:
        return act[:total]
    return np.concatenate([act, np.zeros(total - len(act), dtype=bool)])


# Paper mode ------------------------------------------------------------------------------
MAX_MOTION_MISMATCH_S = 1.0  # partner motion and partner audio alike: more is another take


def check_partner_audio(own_samples: int, partner_samples: int, sample_rate: int) -> None:
    """Paper mode's two voices are one take: the partner's audio may differ from the character's own
    by at most :data:`MAX_MOTION_MISMATCH_S` (the rule the partner motion follows), since it is padded
    with silence or cut to the character's length; 5 s against 23.5 s would be 18.5 s of silence."""
    own_s, partner_s = own_samples / sample_rate, partner_samples / sample_rate
    if abs(own_s - partner_s) > MAX_MOTION_MISMATCH_S:
        raise DualTalkError(
            f"the partner's audio lasts {partner_s:.2f} s but the character's own lasts {own_s:.2f} s; "
            f"paper mode needs both voices of the same take (within {MAX_MOTION_MISMATCH_S:g} s)"
        )


def _one_voice(audio: Any, what: str) -> np.ndarray:
    """A mono stream as float32; several channels (a stereo array) are one voice too many."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim > 1 and sorted(x.shape)[-2] > 1:
        raise DualTalkError(
            f"{what} is a {x.shape} array, several channels; paper mode takes one voice, mono "
            "(for a two-voice recording use generate_dialogue)"
        )
    return x.reshape(-1)


def _space_mismatch(partner_space: str, engine: Engine) -> str:
    """Why the partner's motion cannot go to this engine, and what to do."""
    if engine.space == "arkit55" and partner_space == "flame56":
        chosen = (
            "the embedded lite engine"
            if not engine.checkpoint
            else f"the lite engine ({Path(engine.checkpoint).name})"
        )
        return (
            f"partner motion is FLAME (flame56), which only the published DualTalk network reads, but "
            f"{chosen} was loaded (it reads ARKit, arkit55): pass --checkpoint DualTalk.pth "
            "(or --engine dualtalk --checkpoint DualTalk.pth; `python -m dualtalk download` fetches it)"
        )
    return f"partner motion is {partner_space} but the {engine.name} engine reads {engine.space}"


def _partner_values(partner_motion: Any, engine: Engine, total: int, exact: bool) -> torch.Tensor:
    if isinstance(partner_motion, Motion):
        if partner_motion.space != engine.space:
            raise DualTalkError(_space_mismatch(partner_motion.space, engine))
        if abs(partner_motion.fps - engine.fps) > 1e-6:
            raise DualTalkError(
                f"partner motion is at {partner_motion.fps:g} fps; the engine needs {engine.fps:g} fps"
            )
        values = partner_motion.values
    else:
        values = np.asarray(partner_motion, dtype=np.float32)
    dim = engine.model.neutral_motion(1).shape[-1]
    if values.ndim != 2 or values.shape[1] != dim or len(values) == 0:
        raise DualTalkError(f"partner motion must be (frames, {dim}), got {tuple(values.shape)}")
    if abs(len(values) - total) > MAX_MOTION_MISMATCH_S * engine.fps:
        raise DualTalkError(
            f"partner motion has {len(values)} frames but the audio lasts {total} frames at {engine.fps:g} fps; "
            "they must cover the same take"
        )
    if not exact:  # windows slice the motion by frame: hold the last pose / trim to the audio
        if len(values) < total:
            values = np.concatenate([values, np.repeat(values[-1:], total - len(values), axis=0)])
        values = values[:total]
    return torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))


def generate_single(
    audio_self: np.ndarray,
    audio_partner: np.ndarray,
    partner_motion: Any,
    engine: Engine,
    *,
    window_s: float | None = None,
    progress: Progress | None = None,
) -> Motion:
    """The paper's setting: one character's motion from both voices and the partner's captured motion.

    Audio is 16 kHz mono (a several-channel array is refused); the partner's audio may be up to
    1 s longer or shorter than the character's own (:func:`check_partner_audio`) and is padded with
    silence or trimmed to it. With one window and the published network the partner motion is passed
    as recorded (its frame count may differ from the audio's by a frame), exactly as the authors' code does.
    """
    own = _one_voice(audio_self, "the character's own audio")
    partner = _one_voice(audio_partner, "the partner's audio")
    check_partner_audio(len(own), len(partner), engine.sample_rate)
    partner = _fit_length(partner, len(own))
    runner = _Runner(engine, len(own), window_s, progress, None)
    model = runner.model
    exact = len(runner.plan) == 1 and engine.name == "dualtalk"
    motion_in = _partner_values(partner_motion, engine, runner.total, exact).to(runner.device)
    own_feats, partner_feats = runner.encode(
        [(model.encode_self, [normalize_speech(own)]), (model.encode_partner, [normalize_speech(partner)])]
    )
    t0 = time.perf_counter()
    if exact:
        with engine.autocast():
            pred = model.decode(own_feats[0][None], partner_feats[0][None], motion_in[None])[0].float()
    else:
        pred = runner.decode(own_feats, partner_feats, motion_in)
    _sync(runner.device)
    runner.timings["decode_s"] = time.perf_counter() - t0
    runner._report("generate", 1.0, "done")
    try:
        from .audio import voice_activity

        speaking = voice_activity(own, partner=partner)
    except DualTalkError:
        speaking = None
    return Motion(
        space=engine.space,
        values=pred.cpu().numpy(),
        fps=runner.fps,
        speaking=_activity(speaking, runner.total),
        engine=engine.name,
        checkpoint_sha256=engine.sha256,
        role="",
        meta=_meta(runner, None, {"mode": "paper"}),
    )


def write_dialogue(
    out_dir: str | os.PathLike[str],
    motion_a: Motion,
    motion_b: Motion,
    also: Mapping[str, bytes | None] | None = None,
) -> tuple[Path, Path]:
    """Write ``DIR/A.npz`` and ``DIR/B.npz`` as one take (:func:`.fileio.atomic_paths`: all or none).
    ``also``: the take's other files by name (its ``script_read.tsv``), written in the same set; a name
    given None is an earlier take's file that must not sit beside this one: set aside before the set
    is written, removed once it is in place, put back if it is not (review rv42b F5: a signal after
    A and B landed left the previous take's reading beside them). The renames are the take's commit
    point: where the take is the run's product (infer, the worker: :func:`.core.interrupts.landed`),
    a signal they held back, or one that comes after, is too late to stop the run."""
    if motion_a.num_frames != motion_b.num_frames:
        raise DualTalkError(f"A has {motion_a.num_frames} frames but B has {motion_b.num_frames}")
    made = missing_folders(out_dir)
    aside: list[tuple[Path, Path]] = []  # (the earlier file, where it waits)
    written: os.stat_result | None = None  # the new A.npz, to tell whether the set landed
    try:
        out = ensure_writable_dir(out_dir)
        # looked up here, as save_motions does: one place a test (or a later writer) can stand in for
        archive = core_motion.motion_archive
        files = {out / "A.npz": archive(motion_a), out / "B.npz": archive(motion_b)}
        for name, data in (also or {}).items():
            if data is not None:
                files[out / name] = data
            elif os.path.lexists(out / name):
                aside.append((out / name, _set_aside(out / name)))
        with atomic_paths(list(files)) as tmps:
            for tmp, data in zip(tmps, files.values(), strict=True):
                tmp.write_bytes(data)
            written = os.stat(tmps[0])
    except BaseException as exc:  # a full disk, Ctrl-C: leave no folder this call made (infer --out NEWDIR)
        landed = written is not None and _is_file(out_dir, "A.npz", written)
        # a signal the renames held back, the take in place: the job is done if the take is its product
        late = landed and isinstance(exc, KeyboardInterrupt) and interrupts.landed("take")
        if not late:
            for final, hidden in aside:
                with contextlib.suppress(OSError):
                    hidden.unlink() if landed else os.replace(hidden, final)
            if not landed:
                remove_empty_folders(made)
            raise
    interrupts.landed("take")  # from here a signal is too late to stop a run whose product this is
    for _final, hidden in aside:
        with contextlib.suppress(OSError):
            hidden.unlink()
    return out / "A.npz", out / "B.npz"


def _set_aside(path: Path) -> Path:
    """``path`` renamed to a hidden staged name beside it (one ``stale_parts.sweep`` removes if a
    killed run leaves it); returns that name."""
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{path.stem[:STEM_CUT]}.", suffix=".part" + path.suffix, dir=path.parent
        )
        os.close(fd)
        os.replace(path, name)
    except OSError as exc:
        raise DualTalkError(f"could not write {path}: {exc.strerror or exc}") from None
    return Path(name)


def _is_file(folder: str | os.PathLike[str], name: str, written: os.stat_result) -> bool:
    """Whether ``folder/name`` is the file ``written`` (the set was put in place)."""
    try:
        return os.path.samestat(os.stat(Path(folder) / name), written)
    except OSError:
        return False
