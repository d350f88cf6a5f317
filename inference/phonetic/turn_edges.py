"""A turn's loose edge bounded by the script's aligned words (one microphone split by turns).

With one microphone, each character's stream is the mix inside their turns. A hand-made label that
ends 0.4 s after the voice carries the partner's first word, and the engine mouths it; the mix alone
cannot say whose voice that is (a cut at the silence between the voices was tried in session 40 and
reverted: on real meetings it moved the listener's head over its own mm-hms). Where the script is
aligned, the words can: speech flagged past a character's last aligned word, inside the partner's
aligned words, is the partner's. The same at a turn's start that runs back into the partner's words.
Those frames leave the character's speech: its speaking flags off, its mouth at rest. Speech before
the partner's words (an ad-lib) is kept as labelled, and so is a turn start where the partner's aligned
words run on past the character's first word: both speak there (an interruption or a backchannel), and
the partner's voice in the character's stream pulls its first word late (review rv41d F4: B's "Yeah"
0.7 s into A's line was aligned 0.5 s after its voice began, and B's mouth was shut over it).

A late label's spill is its own turn when the voices are a pause of :data:`JOIN_S` or more apart (real
speakers mostly are): a turn with no aligned word of the character's. It is the partner's voice when
it begins with the partner's first words since the character's own (none of the partner's words fall
in the pause before it: speech there, outside the character's flags, means its label had ended) and
lies within the partner's words to its end (review rv42b F1: A mouthed B's first words, jaw 0.36, at
a 1 s pause). A turn with no word of its own that comes after the partner has spoken (an unscripted
mm-hm under the partner's line), or that runs on past the partner's words (speech the script lacks),
is kept as labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Word = tuple[str, float, float]  # a word and its start and end, seconds of the stream

SPLIT_FORMS = ("turns", "diarized")  # one mix cut into two streams: a turn's edge may hold the partner
JOIN_S = 0.5  # own speech closer than this is one turn (dialogue.TURN_TOLERANCE_S: a label this loose)
MARGIN_S = 0.06  # a word's edge is this loose either side (the aligner's frames, the mouth's lead)
RAMP_S = 0.12  # the mouth fades to rest over this before a moved edge (transcript.RAMP_S)


@dataclass
class Placed:
    """What :func:`.transcript.draw_lips` placed for one character, filled in when asked for: the
    drawn lines' words, and the stretches of the lines it refused (said there, not drawn)."""

    words: list[Word] = field(default_factory=list)
    kept: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    """One turn edge moved to the character's words: ``side`` "end" (the turn ran on into the partner's
    words) or "start" (it began inside them); the speech no longer the character's is
    ``cut``-``to`` seconds; ``was`` the edge as flagged, ``moved`` as now; ``own`` the character's
    last (first) word and ``partner`` the partner's first (last) word there."""

    side: Literal["end", "start"]
    was: float
    moved: float
    own: Word
    partner: Word
    alone: bool = False  # the whole turn went: it held no word of the character's, only the partner's
    stray: Word | None = None  # the character's word the aligner drew into the partner's there, gone too

    @property
    def span(self) -> tuple[float, float]:
        return (self.moved, self.was) if self.side == "end" else (self.was, self.moved)


def _turns(flags: np.ndarray, fps: float, at: float) -> list[tuple[float, float]]:
    """The character's flagged speech as turns (seconds; frame 0 at second ``at``), pauses shorter
    than :data:`JOIN_S` joined (:func:`.transcript._joined`, in frames)."""
    from .transcript import _joined

    return [(s / fps + at, e / fps + at) for s, e in _joined(np.asarray(flags, bool), JOIN_S * fps)]


def _meets(a: float, b: float, spans: Sequence[tuple[float, float]]) -> bool:
    return any(s < b and e > a for s, e in spans)


def loose_edges(
    flags: np.ndarray,
    fps: float,
    at: float,
    own: Sequence[Word],
    partner: Sequence[Word],
    kept: Sequence[tuple[float, float]] = (),
) -> list[Edge]:
    """Where a character's turns (``flags``, frame 0 at second ``at``) run past its own aligned words
    (``own``) into the partner's (``partner``): each such edge moved to the later (earlier) of the
    character's word and the partner's, :data:`MARGIN_S` apart. ``kept``: stretches of the
    character's lines that were said but not drawn (refused); a turn edge beside one is not moved.
    A turn with no word of its own is the partner's from their first word on where
    :func:`_partners_turn` says so."""
    out: list[Edge] = []
    # where the character's last turn of its own (or its spill) ended, and its last word
    since: tuple[float, Word] | None = None
    for start, end in _turns(flags, fps, at):
        mine = sorted((w for w in own if w[2] > start and w[1] < end), key=lambda w: w[1])
        if not any(start <= (w[1] + w[2]) / 2 < end for w in mine):  # no word of its own centred in it
            spill = _partners_turn(start, end, since, partner, kept, fps, mine)
            if spill is not None:
                out.append(spill)
            if spill is not None or not mine:
                # the character's label runs on through its spill, or its own sound the script lacks alone
                on = since is not None and (spill is not None or not _pause_heard(since[0], end, partner))
                since = (end, since[1]) if on and since is not None else None
                continue
        last = max(mine, key=lambda w: w[2])
        since = (end, last)
        after = last[2] + MARGIN_S
        theirs = [w for w in partner if w[2] + MARGIN_S > after and w[1] - MARGIN_S < end]
        if theirs and not _meets(last[2], end, kept):
            first_theirs = min(theirs, key=lambda w: w[1])
            moved = max(after, first_theirs[1] - MARGIN_S)
            if end - moved >= 1.0 / fps:
                out.append(Edge("end", end, moved, last, first_theirs))
        first = mine[0]
        before = first[1] - MARGIN_S
        theirs = [w for w in partner if w[1] - MARGIN_S < before and w[2] + MARGIN_S > start]
        if theirs and not _meets(start, first[1], kept):
            last_theirs = max(theirs, key=lambda w: w[2])
            if last_theirs[2] - first[1] > 2 * MARGIN_S:  # an interruption: both speak at its first word
                continue
            moved = min(before, last_theirs[2] + MARGIN_S)
            if moved - start >= 1.0 / fps:
                out.append(Edge("start", start, moved, first, last_theirs))
    return out


def _pause_heard(ended: float, start: float, partner: Sequence[Word]) -> bool:
    """Whether a partner's word lies in ``ended``-``start``, a pause in the character's flags (its
    middle clear of both edges by :data:`MARGIN_S`)."""
    return any(ended + MARGIN_S < (w[1] + w[2]) / 2 < start - MARGIN_S for w in partner)


def _partners_turn(
    start: float,
    end: float,
    since: tuple[float, Word] | None,
    partner: Sequence[Word],
    kept: Sequence[tuple[float, float]],
    fps: float,
    strays: Sequence[Word] = (),
) -> Edge | None:
    """A turn holding none of the character's words, ``start``-``end``, after the character's own
    turn that ended at ``since[0]`` (its last word ``since[1]``): the partner's voice from their first
    word in it to its end, where the partner says nothing in the pause before it (the pause is outside
    the character's flags: partner's speech there means the character's label had ended, and this is a
    turn of its own, as an mm-hm under the partner's line is) and their words reach its end (speech
    past them is the character's, though the script lacks it). A loose label's spill, whatever the
    pause between the voices. ``strays``: the character's words reaching into it from outside, the
    aligner's guess where its own voice gave out (review rv42b F1: A's last word, 'unless', drawn
    8.68-9.92 s over B's first words, 1.4 s past A's voice): taken with it where they lie in the
    partner's words, else the turn is not the partner's."""
    if since is None:  # nothing of the character's before it to have run on from
        return None
    ended, last = since
    if _meets(last[2], end, kept):  # a refused line of the character's may be what it says there
        return None
    theirs = [w for w in partner if w[2] > start and w[1] < end]
    if not theirs:
        return None
    if _pause_heard(ended, start, partner):
        return None
    if max(w[2] for w in theirs) + 2 * MARGIN_S < end:
        return None
    if not all(any(w[1] - MARGIN_S <= (s[1] + s[2]) / 2 <= w[2] + MARGIN_S for w in partner) for s in strays):
        return None
    first = min(theirs, key=lambda w: w[1])
    moved = max(start, first[1] - MARGIN_S)
    if moved - start < 2 * MARGIN_S:  # the voice's onset before the aligner's word: theirs too
        moved = start
    if end - moved < 1.0 / fps:
        return None
    stray = max(strays, key=lambda w: w[2]) if strays else None
    was = max(end, stray[2]) if stray is not None else end
    return Edge("end", was, moved, last, first, alone=moved <= start, stray=stray)


def outside(edges: Sequence[Edge], n: int, fps: float, offset: float) -> np.ndarray:
    """(n,) per motion frame (frame 0 at second ``offset``): the share of the character's own mouth
    kept, 0 where the moved edges say the speech was the partner's. On the turn's side the mouth stays
    shut :data:`RAMP_S` past the labelled edge (the engine's mouth lags the word it heard) and fades
    back over another; on the character's side it fades over :data:`RAMP_S`, never into its words."""
    from .transcript import frame_centres

    t = frame_centres(n, fps, offset)
    cut = np.zeros(n)
    for edge in edges:
        if edge.side == "end":  # shut from the moved edge to a ramp past the label's end
            shut = (edge.moved, edge.was + RAMP_S)
            fade_in = edge.moved - max(edge.moved - RAMP_S, edge.own[2] + MARGIN_S)
            fade_out = RAMP_S
        else:
            shut = (edge.was - RAMP_S, edge.moved)
            fade_in = RAMP_S
            fade_out = min(edge.moved + RAMP_S, edge.own[1] - MARGIN_S) - edge.moved
        rise = np.clip((t - (shut[0] - fade_in)) / max(fade_in, 1e-9), 0.0, 1.0)
        fall = np.clip(((shut[1] + fade_out) - t) / max(fade_out, 1e-9), 0.0, 1.0)
        cut = np.maximum(cut, np.minimum(rise, fall))
    return 1.0 - cut


def speech_cut(edges: Sequence[Edge], n: int, fps: float, offset: float) -> np.ndarray:
    """(n,) per motion frame: whether its centre lies in speech a moved edge took from the character."""
    from .transcript import frame_centres, in_spans

    return in_spans(frame_centres(n, fps, offset), [edge.span for edge in edges])


def said(
    edges: Sequence[Edge], who: str, partner: str, where: str, words: str = "scripted", most: int = 3
) -> str:
    """One warning line for a character's moved edges: which turn edge moved where, and the words that
    show it (``where``: the turns file's name, or "the diarized turns"; ``words``: "scripted", or
    "recognised" for words recognised from the voices)."""

    def one(edge: Edge) -> str:
        stray = edge.stray
        drawn = (
            f" ({who}'s '{stray[0]}', aligned there at {stray[1]:.2f}-{stray[2]:.2f} s, goes with it)"
            if stray is not None
            else ""
        )
        if edge.alone:
            return (
                f"{who}'s speech at {edge.moved:.2f}-{edge.was:.2f} s holds none of {who}'s {words} words, only "
                f"{partner}'s ('{edge.partner[0]}' from {edge.partner[1]:.2f} s) after {who}'s last "
                f"('{edge.own[0]}', ends {edge.own[2]:.2f} s): it is {partner}'s voice{drawn}, {who} is "
                "silent there"
            )
        if edge.side == "end":
            return (
                f"{who}'s turn ending {edge.was:.2f} s runs past {who}'s last {words} word "
                f"('{edge.own[0]}', ends {edge.own[2]:.2f} s) into {partner}'s ('{edge.partner[0]}' "
                f"from {edge.partner[1]:.2f} s): {who} speaks until {edge.moved:.2f} s{drawn}"
            )
        return (
            f"{who}'s turn starting {edge.was:.2f} s begins inside {partner}'s words ('{edge.partner[0]}' "
            f"ends {edge.partner[2]:.2f} s) before {who}'s first {words} word ('{edge.own[0]}', "
            f"{edge.own[1]:.2f} s): {who} speaks from {edge.moved:.2f} s"
        )

    shown = "; ".join(one(e) for e in edges[:most])
    more = f" (and {len(edges) - most} more turn edges)" if len(edges) > most else ""
    return f"{where}: {shown}{more}; {who}'s lips stay shut over {partner}'s words there"
