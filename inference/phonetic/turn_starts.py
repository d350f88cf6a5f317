"""A turn label that starts early, inside the partner's last words, past a pause (one microphone split by
turns): the mirror of :func:`.turn_edges._partners_turn`'s late label.

When the voices are :data:`.turn_edges.JOIN_S` or more apart, the early part of such a label is a turn of
its own holding none of the character's words, only the partner's last ones, and the character's own turn
follows after the pause. A listener's "mm" said under the partner's last words, labelled, looks the same
to the words wherever it ends with them: on one microphone the mix in both is the partner's voice, and
neither holds a scripted word of the character's. What tells them apart, measured on review rv42b's
LibriVox take (session 43):

- The partner's words go on after the run (their word in the pause before the character's turn): the
  run is the character's own sound under their line, kept, as the end side keeps an mm-hm.
- The run's speech goes on past the partner's last word (an "mm" trailing them): kept.
- The partner's words cover the run from its start and end with it, and the character's next turn holds
  its words: either. Where the aligner drew the character's first word back from that turn into the run,
  over the partner's voice and the pause (A's 'unless' at 10.25-11.37 s, said at 11.62 s, a label 1.4 s
  early: jaw 0.32 over B's "young man"), the run is the partner's voice and the word goes with it: what
  was drawn there is the character's first word where it is not said, wrong for an "mm" too. Where the
  aligner did not, the run is kept as labelled (an "mm" keeps the engine's mouth there, as it did), and a
  line says so: on one mic the words cannot tell an early label from a sound of the character's own.

With the voices closer than that, the early part joins the character's turn; the start rule of
:func:`.turn_edges.loose_edges` moves it, but takes a first word drawn back over the partner's last
words for both speaking at once (the partner's words end inside it). Where a pause in the flags lies
between the partner's last word and the character's voice, inside that first word, and the partner
says nothing after it, the word was drawn across the pause: the speech before it is the partner's
(:func:`_drawn_across`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .turn_edges import MARGIN_S, Edge, Word, _meets, _pause_heard, _turns

TAIL_S = 0.25  # the voice activity runs on past a last word: its hangover, a frame, the word's end


@dataclass(frozen=True)
class Early:
    """A run kept as labelled though it may be an early label: ``start``-``end`` seconds, holding only
    the partner's last words (``partner``, the last of them), before the character's first word
    (``own``)."""

    start: float
    end: float
    own: Word
    partner: Word


def early_starts(
    flags: np.ndarray,
    fps: float,
    at: float,
    own: Sequence[Word],
    partner: Sequence[Word],
    kept: Sequence[tuple[float, float]] = (),
    taken: Sequence[Edge] = (),
) -> tuple[list[Edge], list[Early]]:
    """The character's turns (``flags``, frame 0 at second ``at``) that hold none of its words, only the
    partner's last ones, right before a turn of its own after a pause: each as an :class:`Edge` (side
    "start", the whole run the partner's) where the aligner drew the character's first word back into
    it, else as an :class:`Early` kept as labelled. ``kept``: the character's refused lines' stretches
    (a turn beside one is left alone); ``taken``: the edges :func:`.turn_edges.loose_edges` moved (a
    run one of them meets is theirs)."""
    edges: list[Edge] = []
    early: list[Early] = []
    turns = _turns(flags, fps, at)
    for start, end in turns:  # the voices closer than a pause: one turn, its first word drawn back
        if not any(start < e.span[1] and e.span[0] < end for e in taken):
            edge = _drawn_across(start, end, _pauses(flags, fps, at, start, end), own, partner, kept)
            edges += [edge] if edge is not None else []
    taken = [*taken, *edges]
    for (start, end), (next_start, next_end) in zip(turns, turns[1:], strict=False):
        if any(start < e.span[1] and e.span[0] < end for e in taken):
            continue
        if any(start <= (w[1] + w[2]) / 2 < end for w in own):  # a word of its own: not this case
            continue
        after = sorted((w for w in own if next_start <= (w[1] + w[2]) / 2 < next_end), key=lambda w: w[1])
        theirs = [w for w in partner if w[2] > start and w[1] < end]
        if not after or not theirs:
            continue
        first, last = after[0], max(theirs, key=lambda w: w[2])
        if min(w[1] for w in theirs) > start + 2 * MARGIN_S:  # speech of its own before their words
            continue
        if end - last[2] > TAIL_S:  # speech running on past their last word: its own sound
            continue
        if last[2] - start < 2 * MARGIN_S:  # the label only meets their voice's tail: nothing to mouth
            continue
        if _pause_heard(end, next_start, partner):  # they go on after it: its sound under their line
            continue
        if _meets(start, first[1], kept):  # a refused line of its own may be what it says there
            continue
        drawn = [w for w in own if w[1] < end and w[2] > start and (w[1] + w[2]) / 2 < next_start]
        if not drawn:
            early.append(Early(start, end, first, last))
            continue
        stray = max(drawn, key=lambda w: w[2])
        moved = min(max(end, stray[2]), next_start, first[1] - MARGIN_S)
        edges.append(Edge("start", start, moved, first, last, alone=True, stray=stray))
    return edges, early


def _pauses(flags: np.ndarray, fps: float, at: float, start: float, end: float) -> list[tuple[float, float]]:
    """The pauses in the character's flags inside its turn ``start``-``end`` (seconds), in order."""
    from .transcript import _runs

    runs = [(s / fps + at, e / fps + at) for s, e in _runs(np.asarray(flags, bool))]
    return [(a[1], b[0]) for a, b in zip(runs, runs[1:], strict=False) if start <= a[1] and b[0] <= end]


def _drawn_across(
    start: float,
    end: float,
    pauses: Sequence[tuple[float, float]],
    own: Sequence[Word],
    partner: Sequence[Word],
    kept: Sequence[tuple[float, float]],
) -> Edge | None:
    """A turn ``start``-``end`` that begins with the partner's last words, then a pause in the flags
    (``pauses``), then the character's voice, where the aligner drew the character's first word from
    the turn's start across that pause (session 43: A's 'unless' at 9.34-10.54 s over B's "young man"
    and the silence after it, said at 10.22 s, a label 1.0 s early 0.3 s before A's voice; taken for
    an interruption, as B's words end inside it, A mouthed them, jaw 0.33): the speech before the pause
    is the partner's voice, and the word goes with it."""
    mine = sorted((w for w in own if start <= (w[1] + w[2]) / 2 < end), key=lambda w: w[1])
    theirs = [w for w in partner if w[2] > start and w[1] < end]
    if len(mine) < 2 or not theirs or min(w[1] for w in theirs) > start + 2 * MARGIN_S:
        return None
    stray, first, last = mine[0], mine[1], max(theirs, key=lambda w: w[2])
    if not stray[1] < last[2] < stray[2] or last[2] - start < 2 * MARGIN_S:
        return None  # the character's first word does not reach past their words; too little of them
    for quiet, voice in pauses:
        if last[2] - TAIL_S <= quiet and voice <= stray[2] and not _pause_heard(quiet, voice, partner):
            if any(w[2] > voice + MARGIN_S for w in theirs) or _meets(start, first[1], kept):
                return None  # they go on after it (both speak), or a refused line of its own
            moved = min(voice, first[1] - MARGIN_S)
            return Edge("start", start, moved, first, last, alone=True, stray=stray)
    return None


def said(
    edges: Sequence[Edge], early: Sequence[Early], who: str, partner: str, where: str, words: str = "scripted"
) -> list[str]:
    """Warning lines for a character's early runs: the ones that went (``edges``), and the ones kept as
    labelled (``early``), with what to do if the label is early."""
    lines = []
    for edge in edges:
        stray = edge.stray
        drawn = (
            f" ({who}'s '{stray[0]}', aligned there at {stray[1]:.2f}-{stray[2]:.2f} s, goes with it)"
            if stray
            else ""
        )
        lines.append(
            f"{where}: {who}'s speech at {edge.was:.2f}-{edge.moved:.2f} s holds none of {who}'s {words} words, "
            f"only {partner}'s last ('{edge.partner[0]}' ends {edge.partner[2]:.2f} s) before {who}'s first "
            f"('{edge.own[0]}', {edge.own[1]:.2f} s): it is {partner}'s voice{drawn}, {who} is silent there; "
            f"{who}'s lips stay shut over {partner}'s words there"
        )
    for run in early:
        lines.append(
            f"{where}: {who}'s speech at {run.start:.2f}-{run.end:.2f} s holds none of {who}'s {words} words, "
            f"only {partner}'s last ('{run.partner[0]}' ends {run.partner[2]:.2f} s), "
            f"{run.own[1] - run.start:.2f} s before {who}'s first ('{run.own[0]}', {run.own[1]:.2f} s): kept as "
            f"{who}'s, as {who}'s own sound there (an 'mm') would look the same on one mic; if {who}'s label "
            f"starts early, start it at {who}'s voice, or {who} mouths {partner}'s words there"
        )
    return lines
