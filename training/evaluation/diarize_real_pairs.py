"""Real people taking turns, cut from recordings with who-speaks-when (``eval diarize --real DIR``).

A meeting recording in RTTM (``../shared/data/real_speech/ami_meetings``) holds several people on one
microphone, talking over each other. For the question "are two people of one recording told apart"
(two men or two women are the usual case; session 42 asked it of real voices, not only synthetic ones),
each person's stretches where they alone speak (at least :data:`MIN_STRETCH_S`) are cut out, in turns of
about :data:`TURN_S`, and two people of one recording take turns with them (:func:`pairs`): the one
with less said so far speaks next, :data:`GAP_S` of silence between, up to about :data:`PAIR_S`. Each
person with at least :data:`ALONE_S` alone also makes a recording of one voice (:func:`alone`), whose
speech should all go to one character. AMI speaker ids start with the speaker's sex (M, F).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...inference.audio.loader import load_speech
from ...inference.core.timebase import SAMPLE_RATE

MIN_STRETCH_S = 1.0  # a stretch where one person alone speaks, at least this long
TURN_S = 5.0  # longer stretches are cut into turns of about this length
GAP_S = 0.4  # of silence between two turns
PAIR_S = 60.0  # a pair's recording stops once its turns reach this
MIN_PERSON_S = 2.0  # a person with less said alone is left out of the pairs
ALONE_S = 8.0  # a person with this much said alone is also a one-voice recording


@dataclass(frozen=True)
class Made:
    """A recording made here: its name, mono 16 kHz samples and the truth (start s, end s, "A"/"B")."""

    name: str
    mix: np.ndarray
    turns: list[tuple[float, float, str]]


def alone_spans(turns: list[tuple[float, float, str]]) -> dict[str, list[tuple[float, float]]]:
    """Per person, the spans (s) where they speak and no one else does, at least :data:`MIN_STRETCH_S`."""
    out: dict[str, list[tuple[float, float]]] = {}
    for start, end, who in turns:
        free = [(start, end)]
        for a, b, other in turns:
            if other == who or b <= start or a >= end:
                continue
            free = [
                piece for s, e in free for piece in ((s, min(e, a)), (max(s, b), e)) if piece[1] > piece[0]
            ]
        out.setdefault(who, []).extend(s for s in free if s[1] - s[0] >= MIN_STRETCH_S)
    return {who: sorted(spans) for who, spans in out.items()}


def _turns_of(x: np.ndarray, spans: list[tuple[float, float]]) -> list[np.ndarray]:
    """The spans' samples, each cut into pieces of about :data:`TURN_S`."""
    out = []
    for s, e in spans:
        piece = x[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)]
        out += np.array_split(piece, max(1, int(round(len(piece) / SAMPLE_RATE / TURN_S))))
    return [p for p in out if len(p)]


def _joined(name: str, said: list[tuple[str, np.ndarray]]) -> Made:
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts, turns, t = [gap], [], GAP_S
    for who, x in said:
        parts += [np.asarray(x, dtype=np.float32), gap]
        turns.append((t, t + len(x) / SAMPLE_RATE, who))
        t += len(x) / SAMPLE_RATE + GAP_S
    return Made(name, np.concatenate(parts), turns)


def people(recordings: list[tuple[str, Path, list[tuple[float, float, str]]]]) -> dict[str, dict]:
    """Per person: the recordings they speak in and their turns where they alone speak (samples)."""
    out: dict[str, dict] = {}
    for rec, wav, turns in recordings:
        spans = alone_spans(turns)
        if not spans:
            continue
        x = load_speech(wav)
        for who, mine in spans.items():
            person = out.setdefault(who, {"recordings": set(), "turns": []})
            person["recordings"].add(rec)
            person["turns"] += _turns_of(x, mine)
    return out


def _seconds(person: dict) -> float:
    return sum(len(t) for t in person["turns"]) / SAMPLE_RATE


def pairs(by_person: dict[str, dict]) -> list[Made]:
    """Every two people of one recording with :data:`MIN_PERSON_S` alone each, taking turns."""
    out = []
    talkers = sorted(w for w, p in by_person.items() if _seconds(p) >= MIN_PERSON_S)
    for a, b in itertools.combinations(talkers, 2):
        if not by_person[a]["recordings"] & by_person[b]["recordings"]:
            continue
        left = {"A": list(by_person[a]["turns"]), "B": list(by_person[b]["turns"])}
        said, heard = [], {"A": 0.0, "B": 0.0}
        while (left["A"] or left["B"]) and sum(heard.values()) < PAIR_S:
            who = "A" if left["A"] and (not left["B"] or heard["A"] <= heard["B"]) else "B"
            x = left[who].pop(0)
            said.append((who, x))
            heard[who] += len(x) / SAMPLE_RATE
        out.append(_joined(f"{a} / {b}", said))
    return out


def alone(by_person: dict[str, dict]) -> list[Made]:
    """Each person with :data:`ALONE_S` or more alone: their turns one after another."""
    return [
        _joined(who, [("A", x) for x in p["turns"]])
        for who, p in sorted(by_person.items())
        if _seconds(p) >= ALONE_S
    ]
