"""Lip sync judged by phone class against true phone timings.

Correlating the mouth with a viseme curve drawn by our own renderer shows only that
the model learned the renderer. Here each phone of a real, aligned recording asks a
question a viewer would: do the lips meet on M/B/P, does the lower lip reach the
teeth on F/V, are rounded vowels rounder than spread ones, is the mouth open on open
vowels, and does the mouth move with the sound or after it. The same questions are
asked of a loudness lip-flap (jaw proportional to smoothed RMS), so every number has
a floor beside it. Formulas: ``docs/metrics.md``, section "Lip sync by phone class".

Only numpy here; reading motion files and running the model live in
:mod:`.cmd_lipsync`.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.core import safe_json
from ...inference.core.errors import DualTalkError
from ...inference.core.timebase import FPS, SAMPLE_RATE, frame_bounds, frames_for, same_rate
from .phone_classes import (
    ALPHABETS,
    BILABIAL,
    LABIODENTAL,
    OPEN,
    ROUNDED,
    SILENCE,
    SPREAD,
    VOWEL,
    classify,
    is_other_consonant,
)

CLOSED_FRACTION = 0.25  # closed: aperture <= 25 % of the clip's median vowel aperture
MAX_LAG_MS_SEARCH = 320.0  # timing search window, each way
LAG_STEP_MS = 5.0  # timing resolution
LENGTH_TOLERANCE_FRAMES = 2  # motion may differ from ceil(audio * fps) by this much
LIPFLAP_SMOOTH_FRAMES = 3  # the baseline's moving average (120 ms at 25 fps)
# every curve is scored at this rate: a motion at another is resampled to it first, and the lip-flap is
# made at it, so the same mouth saved at 30 or 50 fps scores as at 25 (review rv43b F1: each frame twice
# at 50 fps lost a closure, and the lip-flap's closure went 14 -> 41 %, its windows being frames)
SCORE_FPS = float(FPS)
OVERLAP_TOLERANCE_S = 0.01  # aligners round times to 10 ms; more overlap than that is a broken file

# the targets; the timing window is a lead of up to 40 ms and a lag of up to 20 ms
TARGETS: dict[str, tuple[str, float]] = {
    "closure_rate": (">=", 0.95),
    "fv_auc": (">=", 0.90),
    "round_auc": (">=", 0.95),
    "open_vs_mbp_auc": (">=", 0.97),
    "open_closed_rate": ("<=", 0.10),
}
MAX_LEAD_MS, MAX_LAG_MS = 40.0, 20.0

MEASURES = (
    ("closure_rate", "M/B/P closed", "pct"),
    ("fv_auc", "F/V vs other consonants, AUC (lip tuck)", "auc"),
    ("round_auc", "rounded vs spread vowels, AUC (funnel+pucker)", "auc"),
    ("open_vs_mbp_auc", "open vowels vs M/B/P, AUC (aperture)", "auc"),
    ("open_closed_rate", "open vowels wrongly closed", "pct"),
    ("offset_ms", "timing offset, ms (+ = mouth lags)", "ms"),
)

SHORT_HEADS = ("closure", "F/V", "round", "open/MBP", "open-shut", "offset")  # MEASURES, as column heads


@dataclass(frozen=True)
class AlignedPhone:
    """One phone of an alignment: symbol, times in seconds, and its lip classes."""

    symbol: str
    start: float
    end: float
    classes: frozenset[str]


@dataclass
class AlignedClip:
    """A ``<stem>.phone.json`` and its ``<stem>.wav``."""

    stem: str
    path: Path
    phones: list[AlignedPhone]
    alphabet: str = "arpabet"
    lang: str = "en"
    unknown: list[str] = field(default_factory=list)
    text: str = ""  # the words said, when the alignment file carries them (top-level "t", or its words')

    @property
    def wav(self) -> Path:
        return self.path.with_name(f"{self.stem}.wav")

    @property
    def words(self) -> str:
        """What is said: ``<stem>.txt`` beside the alignment if there is one, else its own text."""
        txt = self.path.with_name(f"{self.stem}.txt")
        if txt.is_file():
            try:
                return " ".join(txt.read_text(encoding="utf-8-sig").split())
            except (OSError, UnicodeDecodeError) as exc:
                raise DualTalkError(f"cannot read {txt.name}: {exc}") from None
        return self.text

    @property
    def speech_end(self) -> float:
        ends = [p.end for p in self.phones if SILENCE not in p.classes]
        return max(ends, default=0.0)


# ----------------------------------------------------------------------------- reading


def _number(obj: dict, key: str, where: str) -> float:
    raw = obj.get(key)
    # a JSON number only: true/false and quoted text would otherwise read as 1.0/0.0 or parse silently
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        got = "nothing" if raw is None else json.dumps(raw)[:40]
        raise DualTalkError(f"{where}: needs a number {key!r}, got {got}")
    try:
        v = float(raw)
    except OverflowError:  # a whole number of hundreds of digits: past float's range, like 1e400
        v = math.inf
    if not math.isfinite(v):
        raise DualTalkError(f"{where}: {key!r} is not finite")
    return v


def read_alignment(path: str | Path) -> AlignedClip:
    """Read one ``*.phone.json``: words ``w`` with nested phones (``t`` symbol, ``b`` start, ``d`` duration).

    The LibriVox layout (pocketsphinx) is ARPAbet. An IPA file says so at the top level:
    ``{"alphabet": "ipa", "lang": "es", "w": [...]}``.
    """
    path = Path(path)
    name = path.name
    stem = name[: -len(".phone.json")] if name.endswith(".phone.json") else path.stem
    try:
        data = safe_json.loads(path.read_text(encoding="utf-8"), name)
    except (OSError, UnicodeDecodeError) as exc:
        raise DualTalkError(f"cannot read {name}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DualTalkError(f"{name} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("w"), list):
        raise DualTalkError(f"{name}: expected an object with a list of words 'w'")
    alphabet = str(data.get("alphabet", "arpabet")).lower()
    if alphabet not in ALPHABETS:
        raise DualTalkError(f"{name}: alphabet {alphabet!r} is not one of {', '.join(ALPHABETS)}")
    lang = data.get("lang", "en" if alphabet == "arpabet" else "")
    if alphabet == "ipa" and (lang is None or lang == ""):
        raise DualTalkError(f'{name}: an IPA alignment needs a language tag, e.g. "lang": "es"')
    if (
        not isinstance(lang, str) or not lang.strip()
    ):  # it labels the per-language pools: "None" is no language
        raise DualTalkError(
            f'{name}: "lang" must be a language tag such as "es", got {json.dumps(lang)[:40]}'
        )
    lang = lang.strip()
    phones: list[AlignedPhone] = []
    unknown: list[str] = []
    for i, word in enumerate(data["w"]):
        where = f"{name}: word {i + 1}"
        if not isinstance(word, dict) or not isinstance(word.get("w"), list):
            raise DualTalkError(f"{where}: expected an object with a list of phones 'w'")
        for j, ph in enumerate(word["w"]):
            pwhere = f"{where}, phone {j + 1}"
            if not isinstance(ph, dict) or not isinstance(ph.get("t"), str):
                raise DualTalkError(f"{pwhere}: expected an object with a symbol 't'")
            b, d = _number(ph, "b", pwhere), _number(ph, "d", pwhere)
            if b < 0 or d < 0:
                raise DualTalkError(f"{pwhere}: negative start or duration ({b:g}, {d:g})")
            classes = classify(ph["t"], alphabet)
            if classes is None:
                unknown.append(ph["t"])
                classes = frozenset()
            phones.append(AlignedPhone(ph["t"], b, b + d, classes))
    words = data.get("t")
    text = words if isinstance(words, str) else ""
    if not text.strip():  # no top-level "t": the words' own, in order (review 32n: an IPA phone.json
        # whose word entries each had their "t" was "no words for ar_A")
        text = " ".join(w["t"] for w in data["w"] if isinstance(w.get("t"), str) and w["t"].strip())
    return _checked_clip(stem, path, phones, alphabet, lang, unknown, text)


def _checked_clip(
    stem: str, path: Path, phones: list[AlignedPhone], alphabet: str, lang: str, unknown: list[str], text: str
) -> AlignedClip:
    """The clip, once it has speech and its symbols are mostly of its alphabet (one line otherwise)."""
    name = path.name
    spoken = [p for p in phones if SILENCE not in p.classes]
    if not spoken:
        raise DualTalkError(f"{name}: no phones (only silence)")
    _refuse_mostly_unknown(name, unknown, len(spoken), alphabet)
    phones.sort(key=lambda p: p.start)
    # phones follow each other; overlap means times relative to each word, or two alignments merged,
    # and every measure would read the wrong frames
    latest = phones[0]
    for p in phones[1:]:
        if p.start < latest.end - OVERLAP_TOLERANCE_S:
            raise DualTalkError(
                f"{name}: phone {p.symbol!r} at {p.start:.3f} s starts inside {latest.symbol!r} "
                f"({latest.start:.3f}-{latest.end:.3f} s); phone times must be absolute and must not overlap"
            )
        if p.end > latest.end:
            latest = p
    return AlignedClip(stem, path, phones, alphabet, lang, unknown, text)


def _refuse_mostly_unknown(name: str, unknown: Sequence[str], spoken: int, alphabet: str) -> None:
    """More than half the spoken phones in no table: another alphabet, not a few odd symbols."""
    if len(unknown) * 2 > spoken:
        hint = ' if they are IPA, add "alphabet": "ipa" and a "lang"' if alphabet == "arpabet" else ""
        raise DualTalkError(
            f"{name}: {len(unknown)} of {spoken} phones are not {alphabet} "
            f"(e.g. {', '.join(repr(u) for u in unknown[:3])});{hint}"
        )


def read_textgrid_alignment(path: str | Path) -> AlignedClip:
    """Read a Praat ``<stem>.TextGrid`` (long or short text format; what the Montreal Forced Aligner
    writes): the phones are the intervals of the tier named ``phones`` (or ending in ``phones``),
    ARPAbet or IPA (whichever reads more of them; IPA's language is "und"), empty intervals silence;
    the words tier's text is the clip's text."""
    from .textgrid import read_textgrid

    path = Path(path)
    tiers = read_textgrid(path)
    phone_tiers = [name for name in tiers if name.lower().endswith("phones")]
    if not phone_tiers:
        raise DualTalkError(f"{path.name}: no tier named 'phones' (tiers: {', '.join(tiers) or 'none'})")
    intervals = tiers[phone_tiers[0]]
    alphabet = _textgrid_alphabet(
        [lab for _s, _e, lab in intervals if lab and lab.lower() not in _ALIGNER_PAUSES]
    )
    phones: list[AlignedPhone] = []
    unknown: list[str] = []
    for start, end, label in intervals:
        symbol = label or ("SIL" if alphabet == "arpabet" else "")
        classes = classify("" if label.lower() in _ALIGNER_PAUSES else symbol, alphabet)
        if classes is None:
            unknown.append(symbol)
            classes = frozenset()
        phones.append(AlignedPhone(symbol, start, end, classes))
    words = next((tiers[n] for n in tiers if n.lower().endswith("words")), [])
    text = " ".join(label for _s, _e, label in words if label)
    lang = "en" if alphabet == "arpabet" else "und"  # a TextGrid names no language: "undetermined"
    return _checked_clip(path.stem, path, phones, alphabet, lang, unknown, text)


_ALIGNER_PAUSES = {"sil", "sp", "spn"}  # the aligner's silence, short pause, spoken noise (not s-p-n in IPA)


def _textgrid_alphabet(labels: list[str]) -> str:
    """ARPAbet, or IPA where more of the labels read as IPA (the Montreal Forced Aligner's
    non-English and ``english_mfa`` models label phones in IPA: ``tʃ``, ``ɾ``, ``aː``)."""
    misses = {a: sum(classify(lab, a) is None for lab in labels) for a in ("arpabet", "ipa")}
    return "ipa" if misses["ipa"] < misses["arpabet"] else "arpabet"


def write_alignment(
    folder: str | Path,
    stem: str,
    audio: np.ndarray,
    phones: Sequence[Any],
    *,
    alphabet: str = "arpabet",
    lang: str = "en",
    text: str = "",
    **meta: Any,
) -> Path:
    """``stem.wav`` (16 kHz PCM) and ``stem.phone.json`` that :func:`read_alignment` reads: one
    pseudo-word holding every phone (objects with ``symbol``, ``start``, ``end`` in seconds).
    ``meta`` adds top-level keys (e.g. ``source``). Returns the ``.phone.json`` path."""
    import soundfile as sf

    from ...inference.core.fileio import atomic_path, ensure_writable_dir

    out = ensure_writable_dir(folder)
    duration = round(len(audio) / SAMPLE_RATE, 4)
    entries = [{"t": p.symbol, "b": round(p.start, 4), "d": round(p.end - p.start, 4)} for p in phones]
    doc = {
        "alphabet": alphabet,
        "lang": lang,
        **meta,
        "t": text,
        "b": 0.0,
        "d": duration,
        "w": [{"t": text, "b": 0.0, "d": duration, "w": entries}],
    }
    with atomic_path(out / f"{stem}.wav") as tmp:
        sf.write(tmp, audio, SAMPLE_RATE, subtype="PCM_16", format="WAV")
    path = out / f"{stem}.phone.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(doc, ensure_ascii=False))
    return path


ONE_TAKE_STEM = "one_take"


def join_clips(
    clips: Sequence[AlignedClip], audios: Sequence[np.ndarray], times: int, folder: str | Path
) -> Path:
    """The clips end to end, ``times`` over, as one take in ``folder`` (``one_take.wav`` and its
    ``.phone.json``, each clip's phones moved to where it starts). Returns the alignment's path.

    Clips of 3-7 s are each heard in one pass; a real take is longer, and past the 30 s window it is
    cut into windows. Scored this way the same speech shows what a long take does to the lips (the
    LibriVox clips joined twice, 49.5 s, scored 0.889 / 0.941 / 0.973 at the default window against
    0.926 / 0.959 / 0.977 one by one, since whole-frame windows are read unstretched; review rv39e F2
    measured 0.874 / 0.935 / 0.948 before that)."""
    if times < 1:
        raise DualTalkError(f"--as-one-take joins the clips at least once, got {times}")
    kinds = {(c.alphabet, c.lang) for c in clips}
    if len(kinds) > 1:
        named = ", ".join(sorted(f"{a} {lang}" for a, lang in kinds))
        raise DualTalkError(f"--as-one-take joins clips of one alphabet and language; these are {named}")
    phones: list[AlignedPhone] = []
    pieces: list[np.ndarray] = []
    start = 0  # samples
    for _ in range(times):
        for clip, audio in zip(clips, audios, strict=True):
            shift = start / SAMPLE_RATE
            phones += [replace(p, start=p.start + shift, end=p.end + shift) for p in clip.phones]
            pieces.append(np.asarray(audio, dtype=np.float32).reshape(-1))
            start += len(pieces[-1])
    words = " ".join(c.words for c in clips if c.words)
    alphabet, lang = kinds.pop()
    return write_alignment(
        folder,
        ONE_TAKE_STEM,
        np.concatenate(pieces),
        phones,
        alphabet=alphabet,
        lang=lang,
        text=" ".join([words] * times) if words else "",
        joined=[c.stem for c in clips],
        times=times,
    )


PHASES_MAX = 8  # sub-frame placements: 8 of a 40 ms frame is 5 ms, the timing search's step


def phase_leads(phases: int, sr: int = SAMPLE_RATE, fps: float = FPS) -> list[int]:
    """Samples of silence put before the speech for each of ``phases`` placements on the frame grid:
    0, 1/N, 2/N ... of a frame (4 at 25 fps: 0, 10, 20, 30 ms)."""
    if not 1 <= phases <= PHASES_MAX:
        raise DualTalkError(f"--phases must be 1-{PHASES_MAX} placements on the frame grid, got {phases}")
    hop = sr / fps
    return [round(k * hop / phases) for k in range(phases)]


def lead_clips(
    clips: Sequence[AlignedClip], audios: Sequence[np.ndarray], lead: int, folder: str | Path
) -> list[Path]:
    """Each clip rewritten in ``folder`` with ``lead`` samples of silence before it and its phones
    moved as far: the same speech landing elsewhere on the 40 ms frame grid. A model frame and the
    measure both sample the mouth every 40 ms, so a clip's score depends on where its phones fall
    between frames; one placement is one draw (``eval lipsync --phases``)."""
    shift = lead / SAMPLE_RATE
    paths = []
    for clip, audio in zip(clips, audios, strict=True):
        x = np.asarray(audio, dtype=np.float32).reshape(-1)
        moved = [replace(p, start=p.start + shift, end=p.end + shift) for p in clip.phones]
        paths.append(
            write_alignment(
                folder,
                clip.stem,
                np.concatenate([np.zeros(lead, np.float32), x]),
                moved,
                alphabet=clip.alphabet,
                lang=clip.lang,
                text=clip.words,
                lead_samples=lead,
            )
        )
    return paths


def _mean_rows(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each measure's mean over the placements that have it (None where none has)."""
    out: dict[str, Any] = {}
    for key, _label, _kind in MEASURES:
        vals = [r[key] for r in rows if r.get(key) is not None]
        out[key] = float(np.mean(vals)) if vals else None
    off = out["offset_ms"]
    out["offset_ok"] = None if off is None else bool(-MAX_LEAD_MS <= off <= MAX_LAG_MS)
    return out


def mean_over_phases(reports: Sequence[dict[str, Any]], leads: Sequence[int]) -> dict[str, Any]:
    """One report from the same clips scored at several placements on the frame grid: each row the
    mean over placements (model and lip-flap; per clip and per language too), and ``phases`` with
    each placement's lead and pooled rows, so the spread a single placement hides is in the report."""
    first = reports[0]
    out = dict(first)
    out["pooled"] = {
        "model": _mean_rows([r["pooled"]["model"] for r in reports]),
        "lipflap": _mean_rows([r["pooled"]["lipflap"] for r in reports]),
    }
    out["pooled"]["model_meets"] = {k: passes(k, out["pooled"]["model"][k]) for k in TARGETS}
    out["pooled"]["model_meets"]["offset_ms"] = out["pooled"]["model"]["offset_ok"]
    out["per_clip"] = [
        {
            **clip,
            "model": _mean_rows([r["per_clip"][i]["model"] for r in reports]),
            "lipflap": _mean_rows([r["per_clip"][i]["lipflap"] for r in reports]),
        }
        for i, clip in enumerate(first["per_clip"])
    ]
    if first.get("by_lang"):
        out["by_lang"] = {
            lang: {
                **row,
                "model": _mean_rows([r["by_lang"][lang]["model"] for r in reports]),
                "lipflap": _mean_rows([r["by_lang"][lang]["lipflap"] for r in reports]),
            }
            for lang, row in first["by_lang"].items()
        }
    out["phases"] = [
        {
            "lead_ms": round(1000 * lead / SAMPLE_RATE, 2),
            "model": r["pooled"]["model"],
            "lipflap": r["pooled"]["lipflap"],
        }
        for lead, r in zip(leads, reports, strict=True)
    ]
    return out


def phases_lines(report: dict[str, Any]) -> list[str]:
    """The lines under the table of ``eval lipsync --phases``: what was averaged, and each placement."""
    rows = report["phases"]
    leads = ", ".join(f"{r['lead_ms']:g}" for r in rows)
    lines = [
        f"phases: each row is the mean of {len(rows)} runs, every clip led by {leads} ms of silence (phones "
        "moved), i.e. placed at each of those points between two 40 ms frames",
        f"{'lead ms (model)':16s} " + " ".join(f"{h:>9s}" for h in SHORT_HEADS),
    ]
    for r in rows:
        cells = [_fmt(r["model"][k], kind) for k, _l, kind in MEASURES]
        lines.append(f"{r['lead_ms']:<16g} " + " ".join(f"{c:>9s}" for c in cells))
    return lines


def find_alignments(folder: str | Path) -> list[AlignedClip]:
    """Every ``*.phone.json`` and ``*.TextGrid`` in ``folder`` (sorted), each with its ``.wav`` beside it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DualTalkError(f"aligned folder not found: {folder}")
    files = sorted(folder.glob("*.phone.json"))
    grids = sorted(folder.glob("*.TextGrid"))
    if not files and not grids:
        raise DualTalkError(f"no *.phone.json or *.TextGrid alignments in {folder}")
    clips = [read_alignment(f) for f in files] + [read_textgrid_alignment(f) for f in grids]
    stems = [c.stem for c in clips]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise DualTalkError(f"{twice[0]} has both a .phone.json and a .TextGrid in {folder}; keep one")
    clips.sort(key=lambda c: c.stem)
    for c in clips:
        if not c.wav.is_file():
            raise DualTalkError(
                f"{c.wav.name} not found beside {c.path.name}: the audio is needed for the lip-flap baseline"
            )
    _say_unaligned(folder, {c.stem for c in clips})
    return clips


def _say_unaligned(folder: Path, stems: set[str]) -> None:
    """One warning naming the recordings in ``folder`` that have no alignment beside them: an aligner
    that failed on a clip showed only as a smaller clip count (review rv43b F6)."""
    alone = sorted(w.name for w in folder.glob("*.wav") if w.stem not in stems)
    if alone:
        many = len(alone) > 1
        logging.getLogger("dualtalk").warning(
            f"{len(alone)} recording{'s' if many else ''} without an alignment (<stem>.phone.json or "
            f"<stem>.TextGrid) left out: {', '.join(alone)}"
        )


# ----------------------------------------------------------------------------- features


def _col(values: np.ndarray, channels: Sequence[str], name: str) -> np.ndarray:
    try:
        return np.asarray(values[:, list(channels).index(name)], np.float64)
    except ValueError:
        raise DualTalkError(
            f"motion has no {name!r} channel: lip sync is scored on ARKit blendshapes"
        ) from None


def mouth_features(values: Any, channels: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Per-frame aperture, lower-lip tuck and rounding from ARKit blendshape weights.

    ``values``: a :class:`~dualtalk.inference.core.motion.Motion` (its channels are read from it),
    or a ``(frames, channels)`` array with ``channels`` its column names (``motion.channels``).

    * aperture = jawOpen - mouthClose + 0.3 * mouthLowerDown (left/right averaged)
    * tuck     = mouthRollLower + 0.5 * mouthUpperUp (left/right averaged)
    * rounding = mouthFunnel + mouthPucker
    """
    if channels is None:
        if not hasattr(values, "channels"):
            raise DualTalkError(
                "mouth_features needs the motion's channel names: mouth_features(motion) or "
                "mouth_features(motion.values, motion.channels) (lip sync is scored on ARKit blendshapes)"
            )
        channels = list(values.channels)
    v = np.asarray(values.values if hasattr(values, "values") else values)
    if v.ndim != 2 or v.shape[1] != len(channels):
        raise DualTalkError(
            f"motion values have shape {v.shape} but {len(channels)} channel names were given"
        )

    def lr(name: str) -> np.ndarray:
        return 0.5 * (_col(v, channels, name + "Left") + _col(v, channels, name + "Right"))

    return {
        "aperture": _col(v, channels, "jawOpen")
        - _col(v, channels, "mouthClose")
        + 0.3 * lr("mouthLowerDown"),
        "tuck": _col(v, channels, "mouthRollLower") + 0.5 * lr("mouthUpperUp"),
        "rounding": _col(v, channels, "mouthFunnel") + _col(v, channels, "mouthPucker"),
    }


def lipflap(audio: np.ndarray, num_frames: int, sr: int = SAMPLE_RATE, fps: float = FPS) -> np.ndarray:
    """The baseline's per-frame jaw opening: RMS loudness per frame, 3-frame moving average, scaled.

    Frame i's RMS is taken over the samples of [i/fps, (i+1)/fps), the same framing the
    engine uses; the scale (0.8 at the 98th percentile, clipped to 0..1) changes no
    measure, since every measure is relative to the clip or a rank statistic.
    """
    if isinstance(num_frames, bool) or not isinstance(num_frames, int | np.integer) or num_frames < 1:
        raise DualTalkError(
            f"lip-flap needs a whole number of frames (1 or more), got {repr(num_frames)[:20]}"
        )
    x = np.asarray(audio, np.float64).reshape(-1)
    bounds = frame_bounds(x.size, num_frames, sr, fps)
    rms = np.zeros(num_frames)
    for i in range(num_frames):
        seg = x[bounds[i] : bounds[i + 1]]
        rms[i] = math.sqrt(float(np.mean(seg * seg))) if seg.size else 0.0
    k = LIPFLAP_SMOOTH_FRAMES
    smooth = np.convolve(np.pad(rms, (k // 2, k - 1 - k // 2), mode="edge"), np.ones(k) / k, mode="valid")
    top = float(np.percentile(smooth, 98)) if num_frames else 0.0
    return np.clip(0.8 * smooth / top, 0.0, 1.0) if top > 0 else np.zeros(num_frames)


def scored_frames(num_frames: int, fps: float) -> int:
    """How many frames a curve of ``num_frames`` at ``fps`` has once resampled to :data:`SCORE_FPS`
    (the count :func:`~dualtalk.inference.core.motion.at_rate` gives)."""
    if same_rate(float(fps), SCORE_FPS):  # a float32 25 too
        return int(num_frames)
    from ...inference.core.motion import resampled_count

    return resampled_count(num_frames, fps, SCORE_FPS)


def at_score_rate(features: dict[str, np.ndarray], fps: float) -> dict[str, np.ndarray]:
    """Mouth features at ``fps`` resampled to :data:`SCORE_FPS` over the same seconds: frame i at
    i / fps, linearly interpolated, as :func:`~dualtalk.inference.core.motion.at_rate` samples a motion
    (a frame repeated twice at 50 fps reads back as itself). At :data:`SCORE_FPS`: unchanged."""
    if same_rate(float(fps), SCORE_FPS):
        return features
    from ...inference.core.motion import resample_positions

    out = {}
    for key, curve in features.items():
        x = np.asarray(curve, np.float64)
        out[key] = np.interp(resample_positions(x.size, fps, SCORE_FPS), np.arange(x.size), x)
    return out


def lipflap_features(
    audio: np.ndarray, frames: Any, sr: int = SAMPLE_RATE, fps: float | None = None
) -> dict[str, np.ndarray]:
    """The baseline as mouth features: only the jaw moves, the lips keep no shape.

    ``frames``: the clip's :class:`~dualtalk.inference.core.motion.Motion` (its length and rate are read
    from it), or its number of frames at ``fps`` (25 when left out). The baseline is always made at
    :data:`SCORE_FPS`, the rate every clip is scored at, over the same seconds: a 3-frame average is
    120 ms whatever rate the motion was saved at."""
    if hasattr(frames, "num_frames") and hasattr(frames, "fps"):
        if fps is not None and not same_rate(float(fps), float(frames.fps)):
            raise DualTalkError(f"fps={fps:g} was given but the motion is at {float(frames.fps):g} fps")
        num_frames, fps = frames.num_frames, float(frames.fps)
    else:
        from ...inference.core.motion import check_fps

        num_frames, fps = frames, FPS if fps is None else check_fps(fps)
    if isinstance(num_frames, bool) or not isinstance(num_frames, int | np.integer) or num_frames < 1:
        raise DualTalkError(
            f"lip-flap needs a whole number of frames (1 or more), got {repr(num_frames)[:20]}"
        )
    n = scored_frames(int(num_frames), float(fps))
    jaw = lipflap(audio, n, sr, SCORE_FPS)
    return {"aperture": jaw, "tuck": np.zeros(n), "rounding": np.zeros(n)}


# ----------------------------------------------------------------------------- statistics


PHONE_END_SLACK_FRAMES = 1  # phones may end a frame past the audio (aligners round times)
# against the motion: that frame, plus the frames the motion may differ from the audio by
MOTION_END_SLACK_FRAMES = PHONE_END_SLACK_FRAMES + LENGTH_TOLERANCE_FRAMES


def phones_fit(end: float, seconds: float, fps: float, slack_frames: int = PHONE_END_SLACK_FRAMES) -> bool:
    """Whether phones that end at ``end`` seconds belong to a take of ``seconds``: the one rule
    :func:`check_length` (against the audio) and :func:`score_phones` / :func:`phone_frames`
    (against the motion, ``MOTION_END_SLACK_FRAMES``) share. Phone times given in milliseconds or
    frames end far past the take and fail it."""
    return end <= seconds + slack_frames / fps


def _refuse_past_motion(end: float, num_frames: int, fps: float, where: str) -> None:
    if not phones_fit(end, num_frames / fps, fps, MOTION_END_SLACK_FRAMES):
        raise DualTalkError(
            f"{where}phones run to {end:.2f} s, past the end of the motion ({num_frames} frames = "
            f"{num_frames / fps:.2f} s at {fps:g} fps); phone times are seconds into the take, and "
            "motion and phones must be the same take at the motion's own frame rate"
        )


def phone_frames(phone: AlignedPhone, fps: float, num_frames: int) -> tuple[int, int]:
    """Frames [lo, hi) whose centre (i + 0.5) / fps lies in the phone; a phone shorter than
    a frame gets the frame holding its midpoint. Clipped to the motion; a phone (other than
    silence) ending well past it (:func:`phones_fit`) is a :class:`DualTalkError`."""
    if SILENCE not in phone.classes:
        _refuse_past_motion(phone.end, num_frames, fps, f"{phone.symbol!r}: ")
    lo = math.ceil(phone.start * fps - 0.5 - 1e-9)
    hi = math.ceil(phone.end * fps - 0.5 - 1e-9)
    if hi <= lo:
        lo = int(math.floor(0.5 * (phone.start + phone.end) * fps))
        hi = lo + 1
    return max(0, min(lo, num_frames - 1)), max(1, min(hi, num_frames))


def auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(positive, np.float64), np.asarray(negative, np.float64)
    if pos.size == 0 or neg.size == 0:
        return None
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(allv.size)
    sorted_v = allv[order]
    i = 0
    while i < allv.size:  # average ranks over ties
        j = i
        while j + 1 < allv.size and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i : j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    u = ranks[: pos.size].sum() - pos.size * (pos.size + 1) / 2.0
    return float(u / (pos.size * neg.size))


def _pearson(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.size < 3:
        return None
    a, b = a - a.mean(), b - b.mean()
    den = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-12 else None


def openness_target(phones: Sequence[AlignedPhone], times: np.ndarray) -> np.ndarray:
    """At each time: 1 inside a vowel, 0 inside a bilabial, NaN elsewhere (left out of the timing fit)."""
    target = np.full(times.size, np.nan)
    for wanted, value in ((VOWEL, 1.0), (BILABIAL, 0.0)):  # a bilabial wins a shared instant
        for p in phones:
            if wanted in p.classes:
                target[(times >= p.start) & (times < p.end)] = value
    return target


def lag_curve(
    aperture: np.ndarray, phones: Sequence[AlignedPhone], fps: float, max_lag_ms: float = MAX_LAG_MS_SEARCH
) -> list[tuple[float, float, int]]:
    """(lag ms, correlation, pairs) of aperture(t + lag) against the phones' openness at t.

    Both are read on a 5 ms grid: the target straight from the phone times, the aperture
    linearly interpolated between frame centres ((i + 0.5) / fps), so the lag is found
    to 5 ms rather than to a whole frame. Positive lag = the mouth lags the sound.
    """
    n = aperture.size
    times = np.arange(0.0, n / fps, LAG_STEP_MS / 1000.0)
    target = openness_target(phones, times)
    keep = np.isfinite(target)
    t, y = times[keep], target[keep]
    centres = (np.arange(n) + 0.5) / fps
    steps = int(round(max_lag_ms / LAG_STEP_MS))
    out = []
    for k in range(-steps, steps + 1):
        lag_s = k * LAG_STEP_MS / 1000.0
        inside = (t + lag_s >= 0.0) & (t + lag_s <= n / fps)
        r = _pearson(np.interp(t[inside] + lag_s, centres, aperture), y[inside])
        if r is not None:
            out.append((k * LAG_STEP_MS, r, int(inside.sum())))
    return out


def best_lag_ms(curve: Sequence[tuple[float, float, int]]) -> float | None:
    """The lag (ms) of highest correlation; among equal peaks the one nearest zero."""
    if not curve:
        return None
    top = max(c[1] for c in curve)
    return float(min((c[0] for c in curve if c[1] >= top - 1e-12), key=abs))


@dataclass
class PhoneScores:
    """Everything one curve gives on one clip, kept per phone so clips can be pooled."""

    closed_bilabial: list[bool]
    closed_open: list[bool]
    tuck_fv: list[float]
    tuck_other: list[float]
    round_rounded: list[float]
    round_spread: list[float]
    ap_open: list[float]
    ap_bilabial: list[float]
    lags: list[tuple[float, float, int]]
    median_vowel_aperture: float


def score_phones(
    features: dict[str, np.ndarray], phones: Sequence[AlignedPhone], fps: float = FPS, *, where: str = ""
) -> PhoneScores:
    """Per-phone statistics of one mouth curve (see the module docstring for the questions).

    ``features``: :func:`mouth_features` (or :func:`lipflap_features`) of the motion, one value per
    frame at ``fps``; ``phones``: times in seconds into the same take. Phones that end well past
    the motion (:func:`phones_fit`: times in ms or frames, another frame rate, a motion cut short)
    are a :class:`DualTalkError` (``where`` names the clip in it)."""
    ap, tuck, rnd = features["aperture"], features["tuck"], features["rounding"]
    n = ap.size
    if n == 0:
        raise DualTalkError("motion has no frames")
    speech_end = max((p.end for p in phones if SILENCE not in p.classes), default=0.0)
    _refuse_past_motion(speech_end, n, fps, f"{where}: " if where else "")
    vowel_frames = np.zeros(n, bool)
    for p in phones:
        if VOWEL in p.classes:
            lo, hi = phone_frames(p, fps, n)
            vowel_frames[lo:hi] = True
    median_vowel = float(np.median(ap[vowel_frames])) if vowel_frames.any() else 0.0
    threshold = CLOSED_FRACTION * median_vowel
    s = PhoneScores([], [], [], [], [], [], [], [], [], median_vowel)
    for p in phones:
        lo, hi = phone_frames(p, fps, n)
        c = p.classes
        if BILABIAL in c:
            s.closed_bilabial.append(bool(ap[max(0, lo - 1) : min(n, hi + 1)].min() <= threshold))
            s.ap_bilabial.append(float(ap[lo:hi].mean()))
        if OPEN in c:
            s.closed_open.append(bool(ap[lo:hi].min() <= threshold))
            s.ap_open.append(float(ap[lo:hi].mean()))
        if LABIODENTAL in c:
            s.tuck_fv.append(float(tuck[lo:hi].mean()))
        elif is_other_consonant(c):
            s.tuck_other.append(float(tuck[lo:hi].mean()))
        if ROUNDED in c:
            s.round_rounded.append(float(rnd[lo:hi].mean()))
        elif SPREAD in c:
            s.round_spread.append(float(rnd[lo:hi].mean()))
    s.lags = lag_curve(ap, phones, fps)
    return s


def _pooled_lags(all_lags: Sequence[Sequence[tuple[float, float, int]]]) -> list[tuple[float, float, int]]:
    """Correlation per lag averaged over clips, weighted by each clip's number of time points."""
    acc: dict[float, list[float]] = {}
    for curve in all_lags:
        for lag, r, m in curve:
            a = acc.setdefault(lag, [0.0, 0.0])
            a[0] += r * m
            a[1] += m
    return [(lag, a[0] / a[1], int(a[1])) for lag, a in sorted(acc.items()) if a[1] > 0]


# rows a bootstrap can put a range on (the offset is a search over lags, not a per-phone mean)
INTERVAL_KEYS = ("closure_rate", "fv_auc", "round_auc", "open_vs_mbp_auc", "open_closed_rate")


_POOLS = (
    "closed_bilabial",
    "closed_open",
    "tuck_fv",
    "tuck_other",
    "round_rounded",
    "round_spread",
    "ap_open",
    "ap_bilabial",
)
_AUC_ROWS = {
    "fv_auc": ("tuck_fv", "tuck_other"),
    "round_auc": ("round_rounded", "round_spread"),
    "open_vs_mbp_auc": ("ap_open", "ap_bilabial"),
}


def _pools(scores: Sequence[PhoneScores]) -> dict[str, np.ndarray]:
    return {a: np.asarray([x for s in scores for x in getattr(s, a)], np.float64) for a in _POOLS}


def _every(pools: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {a: np.arange(v.size) for a, v in pools.items()}


def _rows(pools: dict[str, np.ndarray], draw: dict[str, np.ndarray]) -> dict[str, float | None]:
    """Measures 1-5 over the phones ``draw`` picks (indices per pool): the one place they are
    computed, for the table (every phone once) and for each bootstrap draw."""
    picked = {a: v[draw[a]] for a, v in pools.items()}

    def rate(key: str) -> float | None:
        return float(picked[key].mean()) if picked[key].size else None

    return {
        "closure_rate": rate("closed_bilabial"),
        **{key: auc(picked[pos], picked[neg]) for key, (pos, neg) in _AUC_ROWS.items()},
        "open_closed_rate": rate("closed_open"),
    }


def summarize(scores: Sequence[PhoneScores]) -> dict[str, Any]:
    """The six measures over one or more clips (phones pooled across clips)."""
    pools = _pools(scores)
    offset = best_lag_ms(_pooled_lags([s.lags for s in scores]))
    return {
        **_rows(pools, _every(pools)),
        "offset_ms": offset,
        "offset_ok": None if offset is None else bool(-MAX_LEAD_MS <= offset <= MAX_LAG_MS),
    }


def _draws(pools: dict[str, np.ndarray], rounds: int, seed: int):
    """``rounds`` resamplings with replacement, each class of phones on its own; same seed, same draws."""
    rng = np.random.default_rng(seed)
    for _ in range(rounds):
        yield {
            a: rng.integers(0, v.size, v.size) if v.size else np.zeros(0, np.int64) for a, v in pools.items()
        }


def _percentiles(values: list[float], level: float) -> list[float] | None:
    tail = 100 * (1 - level) / 2
    return [float(x) for x in np.percentile(values, [tail, 100 - tail])] if values else None


# the rows that are a share of phones: k of n passed a yes/no test
_RATE_POOLS = {"closure_rate": "closed_bilabial", "open_closed_rate": "closed_open"}


def exact_rate_range(hits: np.ndarray, level: float = 0.95) -> list[float] | None:
    """Clopper-Pearson range of a share of yes/no phones (k of n).

    A percentile bootstrap cannot doubt a row where every phone passed (29 of 29 bilabials
    closed: every redraw is 100 %, "100-100 %"), though 29 phones cannot rule out a mouth that
    closes 90 % of the time. The exact binomial range can (29 of 29: 88.1-100 %)."""
    n = int(hits.size)
    if n == 0:
        return None
    from scipy.stats import beta  # only when a range is asked for: scipy.stats is slow to import

    k, tail = int(np.count_nonzero(hits)), (1.0 - level) / 2.0
    lo = 0.0 if k == 0 else float(beta.ppf(tail, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1.0 - tail, k + 1, n - k))
    return [lo, hi]


def bootstrap_intervals(
    scores: Sequence[PhoneScores], rounds: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, list[float] | None]:
    """Range of each phone-class row: how far it could move by which phones were read.

    A short evaluation set reads few phones per class (the LibriVox clips: ~30 bilabials,
    7 rounded vowels). The AUC rows get the percentile range over resamplings of the phones
    (each class on its own, pooled over clips; same seed, same range). The two rates get
    their exact binomial range (:func:`exact_rate_range`), which a resampling cannot give when
    every phone passed or every phone failed."""
    pools = _pools(scores)
    rows: dict[str, list[float]] = {k: [] for k in INTERVAL_KEYS if k not in _RATE_POOLS}
    for draw in _draws(pools, rounds, seed):
        for key, value in _rows(pools, draw).items():
            if key in rows and value is not None:
                rows[key].append(value)
    ranges = {k: _percentiles(v, level) for k, v in rows.items()}
    ranges.update({k: exact_rate_range(pools[pool], level) for k, pool in _RATE_POOLS.items()})
    return {k: ranges[k] for k in INTERVAL_KEYS}


def paired_intervals(
    scores: Sequence[PhoneScores],
    other: Sequence[PhoneScores],
    rounds: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, dict[str, Any] | None]:
    """Each row's change from ``other`` to ``scores`` (same clips, same phones), with its range.

    Both curves are scored on the *same* resampled phones in every round, so what the
    phones have in common cancels and the range is much tighter than two separate ranges.
    ``verdict`` says whether the range excludes no change: "better", "worse" (by the
    row's own direction: lower is better for open vowels shut) or "not shown"."""
    pools, pools_other = _pools(scores), _pools(other)
    for a in _POOLS:
        if pools[a].size != pools_other[a].size:
            raise DualTalkError("a paired comparison needs both curves scored on the same clips and phones")
    point, point_other = _rows(pools, _every(pools)), _rows(pools_other, _every(pools_other))
    diffs: dict[str, list[float]] = {k: [] for k in INTERVAL_KEYS}
    for draw in _draws(pools, rounds, seed):
        now, then = _rows(pools, draw), _rows(pools_other, draw)
        for key in INTERVAL_KEYS:
            if now[key] is not None and then[key] is not None:
                diffs[key].append(now[key] - then[key])  # type: ignore[operator]
    out: dict[str, dict[str, Any] | None] = {}
    for key in INTERVAL_KEYS:
        rng = _percentiles(diffs[key], level)
        if rng is None or point[key] is None or point_other[key] is None:
            out[key] = None
            continue
        sign = -1.0 if TARGETS[key][0] == "<=" else 1.0
        lo, hi = sorted((sign * rng[0], sign * rng[1]))
        verdict = "better" if lo > 0 else "worse" if hi < 0 else "not shown"
        out[key] = {"change": point[key] - point_other[key], "range": rng, "verdict": verdict}  # type: ignore[operator]
    return out


def counts(phones: Sequence[AlignedPhone]) -> dict[str, int]:
    """How many phones of each class a clip contributes."""
    n = {"bilabial": 0, "labiodental": 0, "other_consonant": 0, "rounded": 0, "spread": 0, "open": 0}
    for p in phones:
        c = p.classes
        n["bilabial"] += BILABIAL in c
        n["labiodental"] += LABIODENTAL in c
        n["other_consonant"] += is_other_consonant(c)
        n["rounded"] += ROUNDED in c
        n["spread"] += SPREAD in c and ROUNDED not in c
        n["open"] += OPEN in c
    return n


def check_length(
    clip: AlignedClip, num_frames: int, num_samples: int, fps: float, what: str, sr: int = SAMPLE_RATE
) -> None:
    """Motion, audio and phones must describe the same take."""
    expected = frames_for(num_samples, sr, fps)
    seconds = num_samples / sr
    if abs(num_frames - expected) > LENGTH_TOLERANCE_FRAMES:
        raise DualTalkError(
            f"{what} has {num_frames} frames ({num_frames / fps:.2f} s at {fps:g} fps) but {clip.wav.name} "
            f"lasts {seconds:.2f} s ({expected} frames); motion and audio must be the same take"
        )
    if not phones_fit(clip.speech_end, seconds, SCORE_FPS):  # one 40 ms frame of slack, at any rate
        raise DualTalkError(
            f"{clip.path.name}: phones run to {clip.speech_end:.2f} s, past the end of {clip.wav.name} "
            f"({seconds:.2f} s)"
        )


def passes(key: str, value: float | None) -> bool | None:
    """Whether a pooled value meets the issue's target (None when there is nothing to judge)."""
    if value is None or key not in TARGETS:
        return None
    op, goal = TARGETS[key]
    return value >= goal if op == ">=" else value <= goal


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "pct":
        return f"{100 * value:.0f} %"
    if kind == "ms":
        return f"{value:+.0f}"
    return f"{value:.3f}"


def _target_text(key: str, kind: str) -> str:
    if key == "offset_ms":
        return f"-{MAX_LEAD_MS:g}..+{MAX_LAG_MS:g}"
    op, goal = TARGETS[key]
    return f"{'≥' if op == '>=' else '≤'} {_fmt(goal, kind)}"


def format_report(report: dict[str, Any]) -> str:
    """The pooled table (model, lip-flap, target), one line per language when several, one per clip."""
    model, flap = report["pooled"]["model"], report["pooled"]["lipflap"]
    ranges = report["pooled"].get("model_range")
    range_head = f"  {'model 95 % range':>17s}" if ranges else ""
    # motions given as they are (evaluate_clips from Python) name no source: the part is left out
    source = f", model = {report['source']}" if report.get("source") else ""
    rate = f", scored at {report['fps']:g} fps" if "fps" in report else ""
    own = report.get("motion_fps")
    if rate and own is not None and not same_rate(own, report["fps"]):
        rate += f" (the motion's {own:g} fps resampled)"
    lines = [
        f"lip sync by phone class: {report['clips']} clip(s), {report['seconds']:.1f} s{rate}{source}",
        f"{'measure':48s} {'model':>7s} {'lip-flap':>9s} {'target':>11s}  ok{range_head}",
    ]
    for key, label, kind in MEASURES:
        ok = model.get("offset_ok") if key == "offset_ms" else passes(key, model[key])
        mark = "-" if ok is None else ("yes" if ok else "NO")
        span = ""
        if ranges:
            r = ranges.get(key)
            span = f"  {(_fmt(r[0], kind) + ' - ' + _fmt(r[1], kind)) if r else '-':>17s}"
        lines.append(
            f"{label:48s} {_fmt(model[key], kind):>7s} {_fmt(flap[key], kind):>9s} "
            f"{_target_text(key, kind):>11s}  {mark:3s}{span}".rstrip()
        )
    if ranges:
        lines.append(
            f"(range: {report['bootstrap_rounds']} resamplings of the phones of each class, the exact "
            "binomial range for the two rates; rows whose ranges overlap are not shown to differ)"
        )
    if report.get("against"):
        vs = report["against"]
        lines += [
            "",
            f"against {vs['source']} (change = this - that, the same phones resampled {vs['rounds']} times)",
            f"{'measure':48s} {'that':>7s} {'change':>8s} {'95 % range':>21s}  shown",
        ]
        for key, label, kind in MEASURES:
            row = vs["rows"].get(key)
            if key == "offset_ms" or row is None:
                continue
            fmt = (lambda v: f"{100 * v:+.1f} pp") if kind == "pct" else (lambda v: f"{v:+.3f}")
            lo, hi = row["range"]
            lines.append(
                f"{label:48s} {_fmt(vs['model'][key], kind):>7s} {fmt(row['change']):>8s} "
                f"{fmt(lo) + ' .. ' + fmt(hi):>21s}  {row['verdict']}"
            )
    skipped = [
        f"{c['clip']} ({', '.join(map(repr, c['unknown_phones']))})"
        for c in report["per_clip"]
        if c.get("unknown_phones")
    ]
    if skipped:  # a symbol not in the tables is in no class: say so, or the phone counts look complete
        lines.append(f"left out, symbols in no phone table: {'; '.join(skipped)}")
    blocks = [("clip", [(c["clip"], c) for c in report["per_clip"]])]
    if report.get("by_lang"):
        blocks.insert(
            0, ("language", [(f"{k} ({v['clips']} clips)", v) for k, v in report["by_lang"].items()])
        )
    width = max(len("language (model / lip-flap)"), *(len(name) for _, rows in blocks for name, _r in rows))
    for head, rows in blocks:
        lines += [
            "",
            f"{head + ' (model / lip-flap)':{width}s} " + " ".join(f"{h:>13s}" for h in SHORT_HEADS),
        ]
        for name, row in rows:
            cells = [
                f"{_fmt(row['model'][k], kind)}/{_fmt(row['lipflap'][k], kind)}" for k, _l, kind in MEASURES
            ]
            lines.append(f"{name:{width}s} " + " ".join(f"{c:>13s}" for c in cells))
    return "\n".join(lines)


def _motion_fps(items: Sequence[Any], fps: float | None, what: str) -> float | None:
    """The frame rate the Motions among ``items`` carry (one for all), checked against ``fps``."""
    rates = {float(m.fps) for m in items if hasattr(m, "fps")}
    if len(rates) > 1:
        raise DualTalkError(
            f"{what} are at {', '.join(f'{r:g}' for r in sorted(rates))} fps; score one rate at a time"
        )
    rate = rates.pop() if rates else None
    if rate is not None and fps is not None and float(fps) != rate:
        raise DualTalkError(
            f"fps={fps:g} was given but {what} are at {rate:g} fps; leave fps out to use theirs"
        )
    return rate


def _same_count(clips: Sequence[AlignedClip], lists: dict[str, Sequence[Any] | None]) -> None:
    """One clip per entry of every list: a missing entry was an IndexError, an extra one was left out."""
    for what, items in lists.items():
        if items is not None and len(items) != len(clips):
            raise DualTalkError(
                f"evaluate_clips got {len(clips)} clip(s) but {len(items)} {what}; give one per clip, in order"
            )


def _classified(clip: AlignedClip) -> AlignedClip:
    """``clip`` with each phone that has no class (``classify`` gave ``None``: a symbol in no table)
    left out of every class and named among its unknown symbols, as the folder path reads them
    (:func:`read_alignment`); mostly such phones is another alphabet, refused as there."""
    odd = [p.symbol for p in clip.phones if p.classes is None]
    if not odd:
        return clip
    phones = [p if p.classes is not None else replace(p, classes=frozenset()) for p in clip.phones]
    unknown = [*clip.unknown, *odd]
    _refuse_mostly_unknown(clip.stem, unknown, sum(SILENCE not in p.classes for p in phones), clip.alphabet)
    return replace(clip, phones=phones, unknown=unknown)


def _frames(features: Any) -> int | None:
    """How many frames a mouth-feature dict covers (None for anything else: refused where it is read)."""
    aperture = features.get("aperture") if isinstance(features, dict) else None
    return None if aperture is None else int(np.asarray(aperture).size)


_FLAP_FIX = "lipflap_features(audio, motion) of the same clip's audio ({n} frames at 25 fps)"
_AGAINST_FIX = "the other curve of the same clip's audio ({n} frames), cut where the motion is"


def _refuse_other_length(
    clip: AlignedClip, model: Any, other: Any, what: str, fix: str, tolerance: int = 0, note: str = ""
) -> None:
    """A curve of another length (``what``: the lip-flap, the ``against`` curve) is another stretch of
    audio: its column, and the paired change from it, would read other phones (review rv39a F4: the
    clip's own mouth inside a 215-frame take, 4 frames off, scored open vs M/B/P 0.04 for 1.0).
    ``tolerance``: frames a curve of the same take may differ by (two motion files that each fit the
    audio as :func:`check_length` allows). ``note``: how the motion's count came to be (resampled)."""
    n_model, n_other = _frames(model), _frames(other)
    if n_model is not None and n_other is not None and abs(n_model - n_other) > tolerance:
        raise DualTalkError(
            f"clip {clip.stem}: {what} has {n_other} frames, motion {n_model}{note}; "
            f"give {fix.format(n=n_model)}"
        )


def _clip_seconds(clips: Sequence[AlignedClip], seconds: Sequence[Any] | None) -> list[float] | None:
    """Each clip's length as given (``seconds``), a finite number of 0 or more: the report sums them."""
    if seconds is None:
        return None
    checked = []
    for clip, value in zip(clips, seconds, strict=True):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if isinstance(value, bool) or not math.isfinite(number) or number < 0:
            raise DualTalkError(
                f"clip {clip.stem}: seconds must be the clip's length, a number of 0 or more, "
                f"got {str(value)[:20]!r}"
            )
        checked.append(number)
    return checked


def evaluate_clips(
    clips: Sequence[AlignedClip],
    model_features: Sequence[Any],
    flap_features: Sequence[dict[str, np.ndarray]],
    *,
    fps: float | None = None,
    seconds: Sequence[float] | None = None,
    source: str = "",
    bootstrap: int = 0,
    against: Sequence[Any] | None = None,
    against_source: str = "",
) -> dict[str, Any]:
    """Score the model's and the baseline's mouth curves on every clip; per clip and pooled.

    ``model_features`` (and ``against``): per clip, the model's
    :class:`~dualtalk.inference.core.motion.Motion` (its mouth features and frame rate are read from
    it) or its :func:`mouth_features`; ``flap_features``: per clip, :func:`lipflap_features` of its
    audio and motion (``lipflap_features(audio, motion)``). ``fps``: the curves' frame rate; left out,
    the Motions' own (25 when only features are given); a given ``fps`` that is not the Motions' is
    refused. Every curve is scored at :data:`SCORE_FPS` (25): one at another rate is resampled to it
    first (:func:`at_score_rate`), so the numbers do not depend on the rate a file was saved at
    (``report["fps"]`` is the rate scored at, ``report["motion_fps"]`` the curves' own). Each clip's
    phones (seconds into the take) must fit its motion (:func:`score_phones`), its lip-flap have the
    motion's frame count at 25 fps and its ``against`` curve as many give or take
    :data:`LENGTH_TOLERANCE_FRAMES` (both fit the audio as the folder path checks it); ``seconds``
    (each clip's length in the report; left out, the motion's: its frames over its rate) a number of 0
    or more. One entry per clip in every list. A phone whose
    classes are ``None`` (``classify`` knows no such symbol) is left out and named
    (``unknown_phones``), as the folder path (``evaluate_lipsync``) reads it.

    ``bootstrap`` > 0 adds each pooled row's 95 % range over that many phone resamplings
    (``pooled.model_range``, ``pooled.lipflap_range``). ``against`` (another curve's
    features per clip) adds each row's paired change from it (``against``; its rounds are
    ``bootstrap``, or 1000 when that is 0)."""
    lists = {"motions": model_features, "lip-flaps": flap_features, "seconds": seconds, "against": against}
    _same_count(clips, lists)
    seconds = _clip_seconds(clips, seconds)
    clips = [_classified(clip) for clip in clips]
    rate = _motion_fps([*model_features, *(against or [])], fps, "the motions")
    if fps is not None:
        from ...inference.core.motion import check_fps

        fps = check_fps(fps)
    curve_fps = float(fps if fps is not None else rate if rate is not None else FPS)
    model_features = [mouth_features(m) if hasattr(m, "channels") else m for m in model_features]
    if seconds is None:  # the take's length as the motion gives it, not where its phones end (rv43b F7)
        seconds = [(_frames(m) or 0) / curve_fps for m in model_features]
    own_frames = [_frames(m) for m in model_features]
    model_features = [at_score_rate(m, curve_fps) if _frames(m) else m for m in model_features]
    if against is not None:
        against = [mouth_features(m) if hasattr(m, "channels") else m for m in against]
        against = [at_score_rate(m, curve_fps) if _frames(m) else m for m in against]
    fps = SCORE_FPS
    per_clip: list[dict[str, Any]] = []
    model_scores, flap_scores = [], []
    for i, clip in enumerate(clips):
        note, own = "", own_frames[i]
        if own and not same_rate(curve_fps, SCORE_FPS):  # phones past the file's own frames, said so
            _refuse_past_motion(clip.speech_end, own, curve_fps, f"{clip.stem}: ")
            note = f" at {SCORE_FPS:g} fps (its {own} at {curve_fps:g} fps, resampled)"
        _refuse_other_length(clip, model_features[i], flap_features[i], "lip-flap", _FLAP_FIX, note=note)
        if against is not None:
            _refuse_other_length(
                clip, model_features[i], against[i], "against", _AGAINST_FIX, LENGTH_TOLERANCE_FRAMES, note
            )
        ms = score_phones(model_features[i], clip.phones, fps, where=clip.stem)
        fs = score_phones(flap_features[i], clip.phones, fps, where=f"{clip.stem} (lip-flap)")
        model_scores.append(ms)
        flap_scores.append(fs)
        per_clip.append(
            {
                "clip": clip.stem,
                "lang": clip.lang,
                "alphabet": clip.alphabet,
                "seconds": round(seconds[i], 3),
                "phones": counts(clip.phones),
                "unknown_phones": sorted(set(clip.unknown)),
                "model": summarize([ms]),
                "lipflap": summarize([fs]),
            }
        )
    report: dict[str, Any] = {
        "clips": len(clips),
        "seconds": round(sum(c["seconds"] for c in per_clip), 3),
        "source": source,
        "fps": fps,
        "motion_fps": curve_fps,
        "pooled": {"model": summarize(model_scores), "lipflap": summarize(flap_scores)},
        "targets": {
            **{k: {"op": op, "value": v} for k, (op, v) in TARGETS.items()},
            "offset_ms": {"min": -MAX_LEAD_MS, "max": MAX_LAG_MS},
        },
        "per_clip": per_clip,
    }
    if bootstrap > 0:
        report["pooled"]["model_range"] = bootstrap_intervals(model_scores, bootstrap)
        report["pooled"]["lipflap_range"] = bootstrap_intervals(flap_scores, bootstrap)
        report["bootstrap_rounds"] = bootstrap
    if against is not None:
        rounds = bootstrap or 1000
        other = [
            score_phones(f, clip.phones, fps, where=clip.stem) for f, clip in zip(against, clips, strict=True)
        ]
        report["against"] = {
            "source": against_source,
            "rounds": rounds,
            "model": summarize(other),
            "rows": paired_intervals(model_scores, other, rounds),
        }
    report["pooled"]["model_meets"] = {k: passes(k, report["pooled"]["model"][k]) for k in TARGETS}
    report["pooled"]["model_meets"]["offset_ms"] = report["pooled"]["model"]["offset_ok"]
    langs = sorted({c.lang for c in clips})
    if len(langs) > 1:
        report["by_lang"] = {
            lang: {
                "clips": sum(c.lang == lang for c in clips),
                "model": summarize([s for s, c in zip(model_scores, clips, strict=True) if c.lang == lang]),
                "lipflap": summarize([s for s, c in zip(flap_scores, clips, strict=True) if c.lang == lang]),
            }
            for lang in langs
        }
    return report
