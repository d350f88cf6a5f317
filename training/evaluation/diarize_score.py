"""Who speaks when, scored the way DualTalk uses it: two characters, each with a mouth that opens when
its voice is heard (``python -m dualtalk eval diarize``; the formulas are in ``docs/metrics.md``).

The rule (fixed before any number was seen, review fix34 diar):

* 25 fps frames over the recording. The two people with the most speech are A and B (DualTalk
  animates two); a frame where anyone else talks is not scored.
* The hypothesis is two tracks (character 1 speaks, character 2 speaks) that may overlap; it is
  mapped onto A/B the way with the lower error over the recording.
* DER: (missed + falsely claimed + confused speaker-frames) / reference speaker-frames; a frame where
  A and B both speak counts two. Overlap error: the same on the frames where both speak only.
* Short turns: the quieter of A and B's turns under 1 s (runs merged across gaps under 0.2 s, most of
  their frames scored); one is found when that character's track is on over at least half of it.
* One voice alone (``--one-voice``, the synthetic monologues; fix35 diar): the share of the speech frames (a mouth
  open) on the character with fewer; a recording is kept whole when that share is at most 5 %.
* Interruptions: a turn of X opening while Y has spoken the 0.2 s before and goes on 0.2 s after;
  its onset delay is the first frame of X's track within 2 s (and X's turn), missed if none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...inference.core.timebase import FPS

SHORT_TURN_FRAMES = FPS  # a turn under 1 s: a "yeah", an "mm-hm", a one-word answer
MERGE_FRAMES = FPS // 5  # 0.2 s: a breath inside a short turn does not split it
GIVEN_SHARE = 0.5  # a short turn is found when its character speaks over half of it
HOLD_FRAMES = FPS // 5  # 0.2 s of the other voice before and after: an interruption, not a hand-over
ONSET_SEARCH_FRAMES = 2 * FPS  # an interrupter's face that opens 2 s late has missed the moment
ONSET_FOUND_S = 0.5  # the interrupter's mouth within half a second counts as found in time
WHOLE_SHARE = 0.05  # one voice alone is kept whole when at least 95 % of its speech is on one mouth


@dataclass(frozen=True)
class Reference:
    """Per-frame truth: A and B speaking (the two most talkative people), and frames not scored."""

    a: np.ndarray
    b: np.ndarray
    unscored: np.ndarray


def track(spans: Iterable[tuple[float, float]], frames: int) -> np.ndarray:
    """(start s, end s) spans -> (frames,) bool, each span from its nearest frame to its nearest."""
    out = np.zeros(frames, dtype=bool)
    for start, end in spans:
        out[max(0, int(round(start * FPS))) : max(0, int(round(end * FPS)))] = True
    return out


def reference(turns: Iterable[tuple[float, float, str]], frames: int) -> Reference:
    """(start s, end s, who) turns of any number of people -> A, B and the frames of everyone else."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for start, end, who in turns:
        spans.setdefault(who, []).append((start, end))
    tracks = {who: track(s, frames) for who, s in spans.items()}
    order = sorted(tracks, key=lambda k: -int(tracks[k].sum()))  # stable: ties keep the file's order
    none = np.zeros(frames, dtype=bool)
    a = tracks[order[0]] if order else none
    b = tracks[order[1]] if len(order) > 1 else none
    others = none.copy()
    for who in order[2:]:
        others |= tracks[who]
    return Reference(a, b, others)


def hypothesis(turns: Iterable[tuple[float, float, str]], frames: int) -> tuple[np.ndarray, np.ndarray]:
    """A diarizer's turns (speaker "S1" or anything else) -> its two tracks; they may overlap."""
    turns = list(turns)
    first = track(((s, e) for s, e, who in turns if who == "S1"), frames)
    second = track(((s, e) for s, e, who in turns if who != "S1"), frames)
    return first, second


def runs(track: np.ndarray, merge: int = 0) -> list[tuple[int, int]]:
    """[first frame, end frame) of each run of True, runs closer than ``merge`` frames joined."""
    edges = np.flatnonzero(np.diff(np.r_[0, np.asarray(track, np.int8), 0]))
    out: list[tuple[int, int]] = []
    for s, e in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if out and s - out[-1][1] < merge:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _errors(ra: np.ndarray, rb: np.ndarray, ha: np.ndarray, hb: np.ndarray, m: np.ndarray) -> tuple[int, int]:
    """(missed + false + confused speaker-frames, reference speaker-frames) on the frames ``m``."""
    n_ref = ra[m].astype(int) + rb[m]
    n_hyp = ha[m].astype(int) + hb[m]
    correct = (ra[m] & ha[m]).astype(int) + (rb[m] & hb[m])
    err = np.abs(n_ref - n_hyp) + np.minimum(n_ref, n_hyp) - correct
    return int(err.sum()), int(n_ref.sum())


def score(ref: Reference, first: np.ndarray, second: np.ndarray) -> dict[str, Any]:
    """One recording's counts (pooled over recordings by :func:`pool`); ``first``/``second``: the
    hypothesis' two tracks, cut or padded to the reference's frames."""
    t = len(ref.a)

    def fit(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, bool)[:t]
        return np.pad(x, (0, t - len(x)))

    ra, rb = ref.a, ref.b
    scored = ~ref.unscored
    mappings = [(fit(first), fit(second)), (fit(second), fit(first))]
    errors = [_errors(ra, rb, ha, hb, scored) for ha, hb in mappings]
    best = int(errors[1][0] < errors[0][0])
    (err, n_ref), (ha, hb) = errors[best], mappings[best]
    overlap = scored & ra & rb
    ov_err, ov_ref = _errors(ra, rb, ha, hb, overlap)
    single = scored & (ra ^ rb)
    minor, heard = (rb, hb) if ra.sum() >= rb.sum() else (ra, ha)
    short = [
        (s, e) for s, e in runs(minor, MERGE_FRAMES) if e - s < SHORT_TURN_FRAMES and scored[s:e].mean() > 0.5
    ]
    delays: list[float | None] = []
    for x, y, hx in ((ra, rb, ha), (rb, ra, hb)):
        for s, e in runs(x):
            held = s >= HOLD_FRAMES and y[s - HOLD_FRAMES : s].all() and y[s : s + HOLD_FRAMES].all()
            if not held or len(y[s : s + HOLD_FRAMES]) < HOLD_FRAMES or ref.unscored[s]:
                continue
            hit = np.flatnonzero(hx[s : min(e, s + ONSET_SEARCH_FRAMES)])
            delays.append(float(hit[0]) / FPS if len(hit) else None)
    return {
        "mapping": "swapped" if best else "as given",
        "err": err,
        "ref": n_ref,
        "overlap_err": ov_err,
        "overlap_ref": ov_ref,
        "overlap_frames": int(overlap.sum()),
        "both_open": int((ha & hb)[overlap].sum()),
        "false_both": int((ha & hb)[single].sum()),
        "single_frames": int(single.sum()),
        "short": len(short),
        "short_found": sum(bool(heard[s:e].mean() >= GIVEN_SHARE) for s, e in short),
        "short_frames": sum(e - s for s, e in short),
        "short_heard": sum(int(heard[s:e].sum()) for s, e in short),
        "delays": delays,
    }


def one_voice(first: np.ndarray, second: np.ndarray) -> dict[str, int]:
    """A recording of one voice alone: frames with a mouth open, and those of the character that has
    fewer (the second character: it should have none)."""
    first, second = np.asarray(first, bool), np.asarray(second, bool)
    return {"speech": int((first | second).sum()), "second": int(min(first.sum(), second.sum()))}


def pool_one_voice(rows: Sequence[dict[str, int]]) -> dict[str, Any]:
    """One-voice recordings pooled: the second character's share of the speech frames (pooled and
    the worst recording's), and the recordings kept whole (at most :data:`WHOLE_SHARE` to it)."""
    shares = [r["second"] / r["speech"] for r in rows if r["speech"]]
    return {
        "recordings": len(rows),
        "second_share": _share(sum(r["second"] for r in rows), sum(r["speech"] for r in rows)),
        "worst_second_share": round(max(shares), 4) if shares else None,
        "kept_whole": sum(s <= WHOLE_SHARE for s in shares),
    }


def _share(n: float, of: float) -> float | None:
    return round(n / of, 4) if of else None


def pool(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The measures over several recordings (every sum pooled before dividing)."""
    total = {k: sum(r[k] for r in rows) for k in rows[0] if k not in ("delays", "mapping")} if rows else {}
    delays = [d for r in rows for d in r["delays"]]
    found = [d for d in delays if d is not None]

    def get(k: str) -> int:
        return int(total.get(k, 0))

    return {
        "der": _share(get("err"), get("ref")),
        "overlap_error": _share(get("overlap_err"), get("overlap_ref")),
        "overlap_both_open": _share(get("both_open"), get("overlap_frames")),
        "false_both": _share(get("false_both"), get("single_frames")),
        "short_turns": get("short"),
        "short_found": get("short_found"),
        "short_attribution_error": None
        if not get("short_frames")
        else round(1 - get("short_heard") / get("short_frames"), 4),
        "interruptions": len(delays),
        "onset_found_0_5s": sum(d <= ONSET_FOUND_S for d in found),
        "onset_median_s": round(float(np.median(found)), 2) if found else None,
    }
