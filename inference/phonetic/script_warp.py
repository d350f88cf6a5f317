"""A script in any language espeak-ng speaks, placed in a character's voice by warping.

pocketsphinx (``align.py``) knows English only, and no acoustic model for other languages can
be installed with the add-on. espeak-ng, though, reads a line in ~100 languages and says when
each of its phones and words is spoken in its own audio. Warping that reading onto the
character's voice (``warp.py``: the sequence of their sounds, timbre and channel normalised away)
moves every phone onto the real take.

A character's stream is mostly silence while the other talks, so the warping runs on its speech
frames only (a loudness gate), and each line is looked for on its own, in order, from where the
line before it ended (:func:`warp.subsequence_path`): speech before it that matches it badly (a
laugh, an ad-lib) is passed over. A line is expected to begin and end at the voice's pauses
(:data:`EDGE_PENALTY`), as a character's lines do between the other's turns. A line is drawn only
when it fits where it was found: its path must keep each sound close to where that sound fits best
in the stretch it spans (:data:`LINE_FIT`) and take a plausible time (:data:`SPAN_RATIO`); otherwise
it keeps the engine's lips and the next line is looked for from the same place. ``transcript.draw_lips``
judges the whole (coverage, refused share) exactly as it does for English.

espeak-ng reads digits and punctuation in the line's language, but spells out some forms people
write in Spanish, French, German, Italian and Portuguese scripts ("9 h 30", "1.º", "am 3. Mai",
"z. B."): those are rewritten as said first (``written_forms``). Mandarin is read from Han characters
or tone-numbered pinyin (``cmn-latn-pinyin``), Japanese from kana, or from kanji and kana read into kana
by SudachiPy where it is installed (``japanese_reading``; without it a line in kanji is refused). A
line in Latin letters among a Russian, Arabic, Hindi or Korean character's lines is read in the
language its letters and words name, else as English (``line_language``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import DualTalkError
from ..core.progress import Progress
from ..core.timebase import SAMPLE_RATE
from . import directions, line_language, written_forms
from .script_languages import espeak_voice, foreign_letters, is_japanese, language_name, writing_advice
from .warp import HOP, analyse, distances, normalised, speech_span, subsequence_path, warp_times, with_deltas

FRAME_S = HOP / SAMPLE_RATE  # the warp's 10 ms frames
SPEECH_GATE_DB = 30.0  # a frame is the character's speech within this many dB of their loud frames
SPEECH_KEEP_S = 0.1  # kept around each stretch of speech (a consonant's quiet edges)
RATE_LIMITS = (0.6, 1.8)  # the voice's pace against espeak-ng's, as the warp assumes it
SEARCH_SLACK_S = 12.0  # speech a line may be looked for past the last placed line, on top of 2x its own
# a line's fit: how far its path strays from each sound's best match in the stretch it spans, over
# how far the sounds are from their best match on average there (0: every sound on its best match;
# own lines 0.01-0.06 on synthetic voices, 0.40-0.69 on real readers (LJ Speech, the Italian and
# Russian tuning prompts); other lines 0.49-0.74 on those readers)
LINE_FIT = 0.70
# ... and not much worse than the character's lines drawn before it (a synthetic or very clean voice
# fits its own lines far better than a real one: 0.02-0.05 against 0.5-0.6)
RELATIVE_FIT = 1.5
# a line is not said where one of the next lines, looked for in the same speech, covers at least half
# of its speech and fits better by this much: the voice skipped it (a line cut in the edit, or said by
# the other character). A short next line matching somewhere inside a long line's speech (less than
# half of it) says nothing about the long line.
RIVAL_MARGIN = 0.05
RIVALS = 3  # the lines after it looked for so (two unsaid lines in a row: the second is no rival)
# ... and it must fit the speech it was found in better than any of this many other lines of the
# script read at its length (paired: own lines beat them on 8/8 LJ Speech, 38/40 Italian, 39/40
# Russian tuning clips; a wrong line fits no better than others, refused 3/6, 23/36, 24/35)
COMPETITORS = 3
READING_SHARE = 0.2  # the part of placing the lines' progress that espeak-ng's readings of them report
COMPETE_MARGIN = 0.0  # refused when another line fits at least this much better, or as well (0)
COMPETE_SLACK = 30  # frames (0.3 s) either side of the found speech the others may use
SPAN_RATIO = (0.45, 2.4)  # the time a drawn line takes against espeak-ng's (paced) reading of it
# the warped phones land early against flite's exact phone ends (English, 4 voices x 8 sentences:
# median onsets -17 ms bilabial, -25 labiodental, -30 rounded, -10 open): moved later by this much
TIMING_SHIFT_S = 0.02
# ... except a /p b m/ the warp places this short or shorter (one 25 fps frame): the renderer shows
# such a contact on a single frame, and the shift put it on the next vowel's first frame whenever
# the warp was already near exact (held-out espeak-ng voices: warped bilabials +15 ms late, 89 of
# 91 open vowels shut were that frame). Chosen on held-out scripts (14 languages, sentences 1-4:
# open vowels shut 17.0 % -> 6.7 %), checked on flite's exact phone ends, where the shift was chosen
# (13 -> 12 of 112 shut, closure and rounding unchanged), and on sentences 5-8, fast speech and
# English (MODEL_CARD.md). Longer contacts keep the shift: their ends are trimmed (CONTACT_TRIM_S).
SHORT_CONTACT_S = 0.04
MIN_LINE_S = 0.25  # a line shorter than this in espeak-ng's reading is too short to judge by its fit
# ... and a reply of a word or two shorter than this (a backchannel: ええ, へえ, 嗯嗯, صحيح) by LINE_FIT
# alone, not against the character's sentences: a clean voice fits its sentences at 0.01-0.06, so the
# relative bar was 0.07 there, and a vowel-only word said in the right place fits 0.08-0.55 (review
# 32n, F7: 1-2 of 4-6 backchannel lines refused per language, one warning each). The checks after
# the fit (its span, the next lines, the other lines of the script) still apply.
SHORT_REPLY_S = 0.6
SHORT_REPLY_WORDS = 2
REPLY_SLACK_S = 1.0  # speech past the line before it such a reply is looked for in first
MAX_ROWS = 1500  # a line's reading (10 ms frames, paced) looked for at full detail; longer: on means
# a line found later than an earlier stretch that fits it nearly as well (within this) is placed there
EARLIER_MARGIN = 0.05
PIECE_S = 3.0  # a line's reading is found piece by piece, each at most this long (cut at word starts)
INNER_SLACK_S = 2.0  # speech a line's next piece may be looked for past the last, on top of 2x its own
MAX_EARLIER = 3  # earlier stretches tried at most
# A line is looked for as beginning where a run of the voice's speech begins (after a pause) and
# ending where one ends, within EDGE_SLACK_S: a path that starts or ends elsewhere has its mean cost
# raised by this share of the window's mean cost, for each end. Without it the free ends of the warp
# let a line on a real voice begin in the last sounds before a pause (the end of the line before) or
# seconds late (real
# Russian tuning prompts: lines placed more than 0.3 s off 51 -> 9, with a long line's first and
# last pieces steered so too and its pieces kept before the next pause). A soft prior: a line
# said straight after an ad-lib, with no pause between, can still begin mid-run. Chosen on the
# Italian and Russian tuning halves (0.05 and 0.15 tried, alike; the gentler kept).
EDGE_PENALTY = 0.05
EDGE_SLACK_S = 0.15


def _speech_frames(db: np.ndarray, bleed: np.ndarray | None = None) -> np.ndarray:
    """(F,) the character's speech at 10 ms: loud within :data:`SPEECH_GATE_DB` of their loud
    frames and not the partner's ``bleed`` (:func:`_bleed_frames`), widened by
    :data:`SPEECH_KEEP_S` on both sides."""
    if not len(db):
        return np.zeros(0, bool)
    loud = float(np.percentile(db, 99))
    on = db > max(loud - SPEECH_GATE_DB, -70.0)
    if bleed is not None:
        on &= ~bleed
    keep = int(round(SPEECH_KEEP_S / FRAME_S))
    if keep and on.any():
        on = np.convolve(on.astype(np.int32), np.ones(2 * keep + 1, np.int32), mode="same") > 0
    return on


def _bleed_frames(audio: np.ndarray, partner: np.ndarray | None, count: int) -> np.ndarray | None:
    """(count,) the 10 ms frames of ``audio`` no louder than the partner's bleed is expected to be
    there, by the engine's own voice activity rule (``audio/vad.py``: the partner's level, the bleed
    attenuation measured where the partner is loud, :data:`~..audio.vad.BLEED_MARGIN_DB`): a lav mic
    hears the partner ~25 dB down, inside the loudness gate, and a line's pause (a mid-line ``？``)
    was warped onto the partner's lines. None without a partner or a bleed to measure."""
    from ..audio.vad import bleed_frames

    if count == 0:
        return None
    bleed = bleed_frames(audio, partner, int(round(1.0 / FRAME_S)))
    if bleed is None:
        return None
    return np.pad(bleed, (0, max(0, count - len(bleed))))[:count]


class _Reading:
    """espeak-ng's reading of one line: its features (10 ms), phones and words, times from the
    start of its speech."""

    def __init__(self, text: str, voice: str) -> None:
        from ..audio.tts import Voice, speak
        from .ipa import as_ipa, is_language_switch

        utt = speak(text, Voice("espeak", voice))
        s0, s1 = speech_span(utt.audio)
        start = s0 / SAMPLE_RATE
        self.text = text
        self.ceps = analyse(utt.audio[s0:s1])[0]
        self.phones = [  # (a phone begun in the quiet lead-in the speech span cut begins at its start)
            (as_ipa(p.symbol), max(0.0, p.start - start), max(0.0, p.end - start))
            for p in utt.phones
            if not is_language_switch(p.symbol)
        ]
        marked = [(w.strip(), max(0.0, t - start)) for w, t in utt.words if w.strip()]
        self.words = _with_first_word(text, marked, self.phones)
        self.seconds = len(self.ceps) * FRAME_S


def _with_first_word(
    text: str, words: list[tuple[str, float]], phones: list[tuple[str, float, float]]
) -> list[tuple[str, float]]:
    """``words`` (espeak-ng's word marks, seconds from the speech's start) with every phone in a word: a
    drawn line spans its words, so phones before the first mark were never drawn. espeak-ng marks the
    first word at the clause's start, before the speech (kept at 0 by the caller), and for some
    languages marks no first word at all (Korean "내일 같이...": the first mark is the second word):
    the line's text before the first marked word is then a word starting at the first phone (or, with
    no letters there, the first marked word starts at it). Held-out scripts: the first word of 8 of
    112 clips (ar, hi, ko) was not drawn."""
    if not words or not phones:
        return words
    first = min(b for _sym, b, _e in phones)
    if words[0][1] <= first + 1e-9:
        return words
    said = " ".join(text.split())
    at = said.find(words[0][0])
    head = said[:at].strip() if at > 0 else ""
    if any(ch.isalnum() for ch in head):
        return [(head, first), *words]
    return [(words[0][0], first), *words[1:]]


def _short_reply(reading: _Reading) -> bool:
    """A reply of a word or two, shorter than :data:`SHORT_REPLY_S` in espeak-ng's reading."""
    return reading.seconds < SHORT_REPLY_S and len(reading.words) <= SHORT_REPLY_WORDS


@functools.lru_cache(maxsize=4096)
def _reading(text: str, voice: str) -> _Reading:
    """espeak-ng's reading of a line, made once per process and line: a take's lines and its parts
    (Re-generate Preview Range, ``--start``) read the same line again; each reading is the same sample
    for sample wherever it is made (``tts`` speaks every utterance with a fresh copy of espeak-ng)."""
    return _Reading(spoken_line(text, voice), voice)


def spoken_line(text: str, voice: str) -> str:
    """The line as espeak-ng is given it, its stage directions dropped (``directions``: espeak-ng
    reads ``(risas)`` as a word): a Japanese line in kana, its kanji read and its particles as said,
    where SudachiPy is installed (``japanese_reading``); a Spanish, French, German, Italian or
    Portuguese line with its times, ordinals, abbreviations and amounts as said (``written_forms``:
    espeak-ng reads "9 h 30" as "neuf ache trente"); a Korean line with its numbers, units and Latin
    letters as said (``written_forms_ko``: 3시 세 시); a Russian, Mandarin, Turkish or Hindi line with its
    abbreviations, %, currency, ordinals and years as said (``written_forms_ru``, ``_zh``, ``_tr``, ``_hi``);
    full-width digits and letters (３点) read as plain ones; any other line as written. Public because
    ``script_reading`` shows the writer these very words: one reading, so the file cannot differ from the run."""
    text = directions.dropped(text)
    if voice != "ja":
        return written_forms.as_said(text, voice)
    from . import japanese_reading

    return japanese_reading.reading(text)


def _stretched(feats: np.ndarray, rate: float) -> np.ndarray:
    """``feats`` resampled in time by ``rate`` (> 1: slower), nearest frame."""
    count = max(1, int(round(len(feats) * rate)))
    return feats[np.minimum((np.arange(count) / rate).astype(np.int64), len(feats) - 1)]


def foreign_writing(text: str, language: str) -> str:
    """Why a line written in another writing system than ``language``'s cannot be read (espeak-ng
    would spell it out letter by letter), with how to write it where there is a way; "" when it is
    written in the language's own letters. Stage directions are not read (``directions``): a kana
    line with （笑） is not "written in kanji"."""
    text = directions.dropped(text)
    letters = foreign_letters(text, language)
    if letters == "kanji" and is_japanese(language):
        from . import japanese_reading

        if japanese_reading.available():  # read into kana first: what is left is judged
            said = japanese_reading.reading(text)
            unread = "".join(dict.fromkeys(ch for ch in said if japanese_reading.has_kanji(ch)))
            if unread:
                return (
                    f"its {unread} has no reading in SudachiPy's dictionary, and espeak-ng cannot read "
                    f"kanji; write {'it' if len(unread) == 1 else 'them'} in kana"
                )
            letters = foreign_letters(said, language)
        elif problem := japanese_reading.load_problem():  # installed, but it does not load
            return (
                f"it is written in kanji, and SudachiPy (which reads kanji) is installed but does not load "
                f"({problem}); reinstall it: {japanese_reading.INSTALL.replace('install', 'install --force-reinstall', 1)}, "
                "or write the line in kana"
            )
    if not letters:
        return line_language.unread(text, language)  # romanised Hindi among a Hindi character's lines
    hint = writing_advice(language)
    return (
        f"it is written in {letters}, which espeak-ng spells out letter by letter in {language_name(language)}"
        + (f"; {hint}" if hint and letters == "kanji" else "")
    )


def place_lines(
    audio: np.ndarray,
    texts: list[str],
    speaking: np.ndarray,
    fps: float,
    offset: float,
    language: str,
    others: Sequence[str] = (),
    partner: np.ndarray | None = None,
    progress: Progress | None = None,
    languages: Sequence[str | None] = (),
):
    """Each of a character's lines (``texts``, in order; ``others``: the other character's lines, which
    a line must out-fit where it is found, as it must its own neighbours) placed in their voice (16 kHz ``audio``,
    the whole stream) and judged: a :class:`~.transcript.Placement` like the English aligner's, its
    ``found`` an :class:`~.align.Alignment` of IPA phones and the words espeak-ng read, in recording
    seconds. The stream is gated by its own loudness only: the engine's ``speaking`` flags (``fps``,
    from second ``offset``) cover only the take or part being made, and a part must place its lines as
    the whole take does (partner bleed at -20 dB moved no placement by more than 10 ms). They are taken
    for the same signature as ``transcript.place_lines``. ``partner``: the other character's whole
    stream, whose bleed in this one is not this character's speech (:func:`_bleed_frames`).
    ``progress`` hears of each line read and each line placed, and may cancel between them.
    ``languages``: each line's own language where its speaker tag gives one (``A (fr):``), read in
    that voice rather than ``language``'s or the one its letters suggest. DualTalkError when nothing
    can be placed."""
    from .align import Alignment, progress_at
    from .transcript import Placement

    del speaking, fps, offset
    voice = espeak_voice(language)
    readings: dict[int, _Reading] = {}
    refused: dict[int, str] = {}
    for i, text in enumerate(texts):
        progress_at(progress, READING_SHARE * i / len(texts))
        if not directions.dropped(text).strip():  # empty, or only directions: neither drawn nor refused
            continue
        tagged = languages[i] if i < len(languages) else None
        why = foreign_writing(text, tagged or language)
        if why:
            refused[i] = why
            continue
        try:  # a line in Latin letters that looks another language is read in its voice (line_language)
            reading = _reading(text, line_language.voice(text, language, tagged) or voice)
        except DualTalkError as exc:
            if "no voice" in str(exc):
                raise
            continue  # espeak-ng said nothing for it (punctuation only)
        if reading.phones and len(reading.ceps):
            readings[i] = reading
    if not readings:
        if refused:
            raise DualTalkError(next(iter(refused.values())))
        hint = writing_advice(language)
        raise DualTalkError(
            f"espeak-ng ({language_name(language)}) read no phones from the lines"
            + (f": {hint}" if hint else "")
        )
    ceps, db = analyse(audio)
    speech = _speech_frames(db, _bleed_frames(audio, partner, len(db)))
    frames = np.flatnonzero(speech)  # speech-only time: index -> the stream's 10 ms frame
    if len(frames) < int(0.3 / FRAME_S):
        raise DualTalkError("the character's voice is silent: nothing to place the lines in")
    firsts, lasts = _runs(frames)
    run_last = np.repeat(lasts, lasts - firsts + 1)  # per speech-only index: the last index of its run
    run_ends = frames[run_last]  # ... and the stream frame that run ends on: a phone never outlasts it
    run_starts, run_stops = _run_edges(firsts, lasts, len(frames))
    voice_feats = normalised(with_deltas(ceps), speech)[frames]
    said = np.concatenate([with_deltas(r.ceps) for r in readings.values()])
    mean, std = said.mean(0), said.std(0) + 1e-6
    total = sum(len(r.ceps) for r in readings.values())
    rate = float(np.clip(len(frames) / max(total, 1), *RATE_LIMITS))

    feats = {i: (with_deltas(r.ceps) - mean) / std for i, r in readings.items()}
    whole = {i: _stretched(f, rate) for i, f in feats.items()}
    units = {i: _units(readings[i], f, rate) for i, f in feats.items()}
    phones: list[Any] = []
    words: list[tuple[str, float, float]] = []
    spans: dict[int, tuple[int, int]] = {}
    judged: dict[int, dict[str, Any]] = {}
    counts: list[int] = []
    placed_words: dict[int, int] = {}  # each placed line's words placed (a word split by a pause is one)
    fits: list[float] = []  # of the lines drawn so far: this voice's own lines fit about so well
    pos, pending = 0, 0.0
    slack, inner = int(SEARCH_SLACK_S / FRAME_S), int(INNER_SLACK_S / FRAME_S)
    order = sorted(readings)
    for i in range(len(texts)):
        progress_at(progress, READING_SHARE + (1.0 - READING_SHARE) * i / len(texts))
        if i not in readings:
            counts.append(len(directions.dropped(texts[i]).split()) if i in refused else 0)
            continue
        reading = readings[i]
        counts.append(len(reading.words))
        rows = whole[i]
        n = len(rows)
        hi = min(len(frames), pos + int(2 * n + 1.5 * pending) + slack)
        # a short reply is looked for first just after the line before it: found there, it is judged
        # by LINE_FIT alone (a vowel-only word fits any vowel about as well, so far off it is not)
        reply = _short_reply(reading)
        found = None
        if reply:
            near = min(hi, pos + int(2 * n + 1.5 * pending) + int(REPLY_SLACK_S / FRAME_S))
            found = _find(rows, voice_feats[pos:near], (run_starts[pos:near], run_stops[pos:near]))
            reply = found is not None and found[3] <= LINE_FIT
        if not reply:
            found = _find(rows, voice_feats[pos:hi], (run_starts[pos:hi], run_stops[pos:hi]))
        if found is None:
            refused[i] = "it could not be placed in the voice (no speech left after the line before it)"
            pending += n
            continue
        # a line said twice (a repeated "Yes."): the first saying that fits about as well is this one
        for _ in range(MAX_EARLIER):
            cut = found[1]
            earlier = (
                _find(
                    rows,
                    voice_feats[pos : pos + cut],
                    (run_starts[pos : pos + cut], run_stops[pos : pos + cut]),
                )
                if cut >= SPAN_RATIO[0] * n
                else None
            )
            if earlier is None or earlier[3] > min(found[3] + EARLIER_MARGIN, LINE_FIT):
                break
            found = earlier
        path, first, last, fit, path_cost = found
        ratio = (last - first + 1) / n
        judged[i] = {"fit": round(fit, 3), "span_ratio": round(ratio, 2), "cost": round(path_cost, 3)}
        pieces = units[i]
        if len(pieces) == 1:
            placed = [(pieces[0], found, pos)]
        else:  # a long line is timed piece by piece where it was found: fillers and restarts between
            early = max(0, first - len(pieces[0].rows))  # (a coarse start may come late by a piece)
            # ... but not past the pause after where the whole line was found: a filler is said inside
            # a line, and the speech after the pause is the next line's
            run_stop = int(run_last[pos + last]) + 1
            placed = _placed_pieces(
                pieces,
                voice_feats,
                pos + early,
                min(hi, pos + last + 1 + inner, run_stop),
                inner,
                (run_starts, run_stops),
            )
            judged[i]["pieces_dropped"] = len(pieces) - len(placed)
        coarse = n > MAX_ROWS  # looked for on means of frames: its fit is on another scale than the
        if coarse:  # others', so it is judged by its pieces' fits, found at full detail
            fit = float(np.mean([f[3] for _u, f, _lo in placed])) if placed else 1.0
            judged[i]["fit"] = round(fit, 3)
        usual = RELATIVE_FIT * float(np.median(fits)) + 0.05 if len(fits) >= 2 else LINE_FIT
        if reply:
            usual = LINE_FIT
        if not placed:
            refused[i] = "it could not be placed in the voice (none of its pieces fits where it was found)"
        elif reading.seconds < MIN_LINE_S:
            pass  # too short to judge by its fit: placed where it fits best
        elif fit > min(LINE_FIT, usual):
            refused[i] = (
                f"it does not fit the voice where it was found (fit {fit:.2f}, needs at most {min(LINE_FIT, usual):.2f})"
            )
        elif not SPAN_RATIO[0] <= ratio <= SPAN_RATIO[1]:
            refused[i] = f"it takes {ratio:.1f}x its reading's time where it was found"
        elif any(  # (the next lines are looked for only here: a line refused above needs none)
            r is not None and r[3] + RIVAL_MARGIN < fit and _overlap((first, last), r[1:3]) >= 0.5
            for r in (_find(whole[k], voice_feats[pos:hi]) for k in [k for k in order if k > i][:RIVALS])
        ):
            refused[i] = "the voice says the next line where this one fits best: this line is not said?"
        else:  # (the others are read at its length: on its scale, coarse or not)
            rival = _best_rival(i, texts, others, voice, (mean, std), len(rows), voice_feats,
                                pos + first, pos + last, replies=not reply)  # fmt: skip
            if rival is not None and rival[1] + COMPETE_MARGIN <= found[3]:
                refused[i] = (
                    f"another line of the script ({_quoted(rival[0])}) fits the speech it was found in as well "
                    "(ad-libbed, reworded or someone else's line?)"
                )
        if i in refused:
            pending += n
            continue
        fits.append(fit)
        first_word = len(words)
        if len(pieces) > 1:
            last = placed[-1][2] + placed[-1][1][2] - pos
        for unit, (u_path, _f, u_last, _fit, _cost), lo in placed:
            ph, wd = _timed(unit, u_path, lo, u_last, frames, run_ends, rate)
            phones += ph
            words += wd
        spans[i] = (first_word, len(words))
        placed_words[i] = sum(len(unit.words) for unit, _found, _lo in placed)
        pos, pending = pos + last + 1, 0.0
    progress_at(progress, 1.0)
    return Placement(Alignment(phones, words), spans, refused, 1, judged, counts, placed_words)


@dataclass
class _Unit:
    """A piece of a line's reading, found in the voice on its own: its features (normalised, paced)
    and its phones and words, times from the piece's start (unpaced)."""

    rows: np.ndarray
    phones: list[tuple[str, float, float]]
    words: list[tuple[str, float]]
    seconds: float


def _placed_pieces(
    pieces: list[_Unit],
    voice_feats: np.ndarray,
    start: int,
    stop: int,
    inner: int,
    edges: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[tuple[_Unit, tuple[np.ndarray, int, int, float, float], int]]:
    """Each piece of a line found in turn from ``start`` (speech-only frames), none past ``stop``:
    (piece, what :func:`_find` found, where its window began), without the pieces that do not fit
    (left to the engine's lips). With ``edges`` (:func:`_run_edges`), the first piece is looked for
    as beginning after a pause and the last as ending before one, as the whole line is."""
    placed, at = [], start
    for k, unit in enumerate(pieces):
        end = min(stop, at + 2 * len(unit.rows) + inner)
        steer = None
        if edges is not None and k in (0, len(pieces) - 1):
            anywhere = np.ones(end - at, bool)
            steer = (edges[0][at:end] if k == 0 else anywhere, edges[1][at:end] if k else anywhere)
        piece = _find(unit.rows, voice_feats[at:end], steer)
        if piece is None or (unit.seconds >= MIN_LINE_S and piece[3] > LINE_FIT):
            continue
        placed.append((unit, piece, at))
        at += piece[2] + 1
    return placed


def _units(reading: _Reading, feats: np.ndarray, rate: float) -> list[_Unit]:
    """The reading cut at word starts into pieces of at most :data:`PIECE_S` (a longer word is a piece
    alone): a long line is found piece by piece, so fillers, restarts and pauses the text lacks do not
    pull the whole line's warp off."""
    cuts = [0.0]
    for _word, t in reading.words[1:]:
        if t - cuts[-1] > PIECE_S or (cuts[-1] == 0.0 and t > PIECE_S):
            cuts.append(t)
    pieces = []
    for k, t0 in enumerate(cuts):
        t1 = cuts[k + 1] if k + 1 < len(cuts) else reading.seconds + 1.0
        f0, f1 = int(round(t0 / FRAME_S)), min(len(feats), int(round(t1 / FRAME_S)))
        if f1 <= f0:
            continue
        pieces.append(
            _Unit(
                _stretched(feats[f0:f1], rate),
                [(sym, b - t0, e - t0) for sym, b, e in reading.phones if t0 <= b < t1],
                [(w, t - t0) for w, t in reading.words if t0 <= t < t1],
                (f1 - f0) * FRAME_S,
            )
        )
    return pieces


def _timed(
    unit: _Unit, path: np.ndarray, lo: int, last: int, frames: np.ndarray, run_ends: np.ndarray, rate: float
) -> tuple[list[Any], list[tuple[str, float, float]]]:
    """A placed piece's phones and words in recording seconds (``frames``: speech-only index -> the
    stream's 10 ms frame, ``run_ends``: the last frame of the run of speech holding it; ``lo``: where
    the piece's window began in that index). A phone or word ends where its run of speech ends at the
    latest: one whose ends fall either side of a pause (the partner's turn) does not span it."""

    def index(times: list[float]) -> np.ndarray:
        cols = np.round(warp_times(path, [t * rate for t in times], FRAME_S) / FRAME_S).astype(np.int64)
        return np.clip(cols + lo, 0, len(frames) - 1)

    def seconds(k: np.ndarray) -> np.ndarray:
        return frames[k] * FRAME_S + TIMING_SHIFT_S

    k0, k1 = index([p[1] for p in unit.phones]), index([p[2] for p in unit.phones])
    starts = seconds(k0)
    ends = np.minimum(seconds(k1), (run_ends[k0] + 1) * FRAME_S + TIMING_SHIFT_S)
    unshift = _short_contacts([p[0] for p in unit.phones], starts, ends) * TIMING_SHIFT_S
    starts, ends = starts - unshift, ends - unshift  # before the words' spans are taken from them
    phones = [
        _phone(sym, float(b), float(max(e, b)))
        for (sym, _b, _e), b, e in zip(unit.phones, starts, ends, strict=True)
    ]
    end = float(frames[min(lo + last, len(frames) - 1)] * FRAME_S + FRAME_S + TIMING_SHIFT_S)
    w_k = index([t for _w, t in unit.words])
    w_starts = seconds(w_k)
    words = []
    for k, (word, t0) in enumerate(unit.words):
        t1 = unit.words[k + 1][1] if k + 1 < len(unit.words) else float("inf")
        own = [j for j, p in enumerate(unit.phones) if t0 <= p[1] < t1]
        # one span per run of speech its phones fall in: a word split by a pause is drawn on both sides
        if own:
            by_run: dict[int, list[float]] = {}
            for j in own:
                span = by_run.setdefault(int(run_ends[k0[j]]), [float(starts[j]), float(ends[j])])
                span[0], span[1] = min(span[0], float(starts[j])), max(span[1], float(ends[j]))
            words += [(word, b, max(e, b)) for b, e in by_run.values()]
            continue
        w_end = float(w_starts[k + 1]) if k + 1 < len(unit.words) else end
        w_end = min(w_end, float((run_ends[w_k[k]] + 1) * FRAME_S + TIMING_SHIFT_S))
        words.append((word, float(w_starts[k]), max(w_end, float(w_starts[k]))))
    return phones, words


def _short_contacts(symbols: list[str], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(P,) bool: the /p b m/ placed at most :data:`SHORT_CONTACT_S` long (the timing shift is not
    theirs: see the constant)."""
    from .visemes import viseme_classes

    bilabial = np.array([viseme_classes(_phone(sym, 0.0, 0.0)) == ("PBM",) for sym in symbols], bool)
    return bilabial & (np.maximum(ends - starts, 0.0) <= SHORT_CONTACT_S + 1e-6)


def _phone(symbol: str, start: float, end: float):
    from ..audio.tts import Phone

    return Phone(symbol, start, end, "ipa")


def _plain(text: str) -> str:
    """A line as its words, to tell two lines apart (``Yes (laughs)`` and ``Yes`` are one line)."""
    said = directions.dropped(text).casefold()
    return " ".join("".join(ch for ch in said if ch.isalnum() or ch.isspace()).split())


def _quoted(text: str, most: int = 30) -> str:
    from .transcript import _clip

    return repr(_clip(text, most))


def _best_rival(
    i: int,
    texts: Sequence[str],
    others: Sequence[str],
    voice: str,
    norm: tuple[np.ndarray, np.ndarray],
    length: int,
    voice_feats: np.ndarray,
    first: int,
    last: int,
    replies: bool = True,
) -> tuple[str, float] | None:
    """The best fit any of :data:`COMPETITORS` other lines of the script (this character's nearest,
    then the other character's) has in the speech line ``i`` was found in (speech-only frames
    ``first``..``last``, a little either side), each read at the same length: a line said there fits
    it better than every other line does, so a line that only fits as well as others is not said
    there. None when the script has no other line. Without ``replies``, short replies
    (:func:`_short_reply`) are no rivals: for a reply itself, ええ and へえ fit each other's speech as
    well, and either draws the same mouth."""
    mine = _plain(texts[i])
    near = sorted(range(len(texts)), key=lambda k: (abs(k - i), k))
    pool, seen = [texts[k] for k in near if k != i] + list(others), {mine}
    lo, hi = max(0, first - COMPETE_SLACK), min(len(voice_feats), last + COMPETE_SLACK + 1)
    best: tuple[str, float] | None = None
    tried = 0
    for text in pool:
        key = _plain(text)
        if not key or key in seen or tried == COMPETITORS:
            continue
        seen.add(key)
        try:  # (each in the voice it is drawn in: a Latin line in another language's, line_language)
            reading = _reading(text, line_language.voice(text, voice) or voice)
        except DualTalkError:
            continue
        if not len(reading.ceps) or (not replies and _short_reply(reading)):
            continue
        tried += 1
        rows = (with_deltas(reading.ceps) - norm[0]) / norm[1]
        found = _find(_stretched(rows, length / len(rows)), voice_feats[lo:hi])
        if found is not None and (best is None or found[3] < best[1]):
            best = (text, found[3])
    return best


def _runs(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The speech-only index of each run of speech's first and last frame (``frames``: the stream's
    speech frames in order; a gap between two of them is a pause)."""
    breaks = np.flatnonzero(np.diff(frames) > 1)
    return np.concatenate(([0], breaks + 1)), np.concatenate((breaks, [len(frames) - 1]))


def _run_edges(firsts: np.ndarray, lasts: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per speech-only index (``count`` of them, runs from :func:`_runs`): near the start of a run of
    speech, near its end (within :data:`EDGE_SLACK_S`): where a line is likely to begin and end."""
    slack = int(round(EDGE_SLACK_S / FRAME_S))
    starts, stops = np.zeros(count, bool), np.zeros(count, bool)
    for k in firsts:
        starts[k : k + slack + 1] = True  # (before k is the run before: across the pause)
    for k in lasts:
        stops[max(0, k - slack) : k + 1] = True
    return starts, stops


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Share of span ``a`` (first, last) that span ``b`` covers."""
    inter = min(a[1], b[1]) - max(a[0], b[0]) + 1
    return max(inter, 0) / max(a[1] - a[0] + 1, 1)


def _pooled(feats: np.ndarray, pool: int) -> np.ndarray:
    """Means of ``pool`` frames at a time (the last group may be shorter)."""
    if pool <= 1:
        return feats
    count = int(np.ceil(len(feats) / pool))
    padded = np.concatenate([feats, np.repeat(feats[-1:], count * pool - len(feats), axis=0)])
    return padded.reshape(count, pool, -1).mean(1)


def _find(
    rows: np.ndarray, window: np.ndarray, edges: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, int, int, float, float] | None:
    """Where the sounds ``rows`` fit best in ``window`` (both normalised features): the path, its
    first and last column, its fit (:data:`LINE_FIT`) and mean cost; None when it cannot fit.
    ``edges`` (per window column: a run of speech begins there, ends there; :func:`_run_edges`)
    steer the path's ends to pauses (:data:`EDGE_PENALTY`); the fit and cost are the plain ones. A line
    longer than :data:`MAX_ROWS` frames is looked for on means of a few frames, so the cost (its
    frames times the window's) stays bounded; its path is then in those coarser frames."""
    if len(window) < max(2, int(np.ceil(len(rows) / 2))):  # too little speech left (before pooling it)
        return None
    pool = int(np.ceil(len(rows) / MAX_ROWS))
    if pool > 1:
        pooled_edges: tuple[np.ndarray, np.ndarray] | None = None
        if edges is not None:
            starts, stops = (_pooled(e[:, None].astype(np.float64), pool)[:, 0] > 0 for e in edges)
            pooled_edges = (starts, stops)  # a pooled frame holding an edge is one
        found = _find(_pooled(rows, pool), _pooled(window, pool), pooled_edges)
        if found is None:
            return None
        path, first, last, fit, mean_cost = found
        return path, first * pool, min(len(window) - 1, last * pool + pool - 1), fit, mean_cost
    cost = distances(rows, window)
    steered = cost
    if edges is not None and EDGE_PENALTY > 0:
        penalty = EDGE_PENALTY * len(rows) * float(cost.mean())
        steered = cost.copy()
        steered[0, ~edges[0][: cost.shape[1]]] += penalty
        steered[-1, ~edges[1][: cost.shape[1]]] += penalty
    try:
        path, path_cost = subsequence_path(steered)
    except DualTalkError:
        return None
    path_cost = float(cost[path[:, 0], path[:, 1]].mean())
    first, last = int(path[0, 1]), int(path[-1, 1])
    # how far the path strays from each sound's best match in the stretch it spans, against how far a
    # sound is from its best match on average there: a line's own sounds, in order, stay close
    seg = cost[:, first : last + 1]
    best = seg.min(1)
    excess = float((cost[path[:, 0], path[:, 1]] - best[path[:, 0]]).mean())
    fit = excess / max(float((seg - best[:, None]).mean()), 1e-9)
    return path, first, last, fit, path_cost
