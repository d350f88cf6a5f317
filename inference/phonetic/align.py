"""English phone timings of a recording from its words, with PyPI ``pocketsphinx``.

Forced alignment with pocketsphinx's English acoustic model and dictionary (both ship in the
wheel): a word pass (``set_align_text``) over the whole recording, then a phone pass
(``set_alignment``) per ~3 s stretch of words, 10 ms resolution, ARPAbet symbols (the layout of
the LibriVox ``*.phone.json`` evaluation files). Out-of-dictionary words get flite's
letter-to-sound pronunciation (``flite -ps``) when flite is installed.

Two users: ``--transcript`` (``inference/phonetic/transcript.py``: lips drawn from what a
character is known to say) and the training corpus's real voices (``training/lite/align.py``).
pocketsphinx is imported only when a function here runs, so the engine loads without it; its
decoder is loaded once per thread and beam setting and used for every pass (``_SHARED``).
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..audio.tts import SAMPLE_RATE, Phone
from ..core.errors import DualTalkError
from ..core.progress import Progress
from . import directions

_FRAME = 0.01  # pocketsphinx frame: 10 ms


_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
# Letters NFKD does not take apart (a script from Word or Final Draft keeps names as written)
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "th",
                          "þ": "th", "ı": "i", "ŋ": "ng"})  # fmt: skip
# Marks people and editors type for an apostrophe: curly quotes, the modifier letter, primes, accents
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u02b9\u2032\u0060\u00b4", "'"))
# Words the dictionary spells with an apostrophe at an end; elsewhere one there is a quotation mark
_LEADING = {"'bout", "'cause", "'course", "'em", "'n", "'round", "'til", "'tis", "'twas", "'kay", "'gain"}
# digits (any commas between them), then an ordinal ending, a plural (1990s, 1990's) or . or : and digits
_NUMBER = re.compile(r"(\d+(?:,\d+)*)(?:(st|nd|rd|th)\b|('?s)\b|([.:])(\d+))?")
# a currency sign before an amount, with cents or a scale word: $5, $5.99, £1,200, €2.5 million, $3bn
_MONEY = re.compile(
    r"(?P<sign>[$£€¥])\s?(?P<n>\d+(?:,\d{3})*)(?:\.(?P<c>\d{1,2})(?!\d))?"
    r"(?:(?P<point>\.\d+)?\s?(?P<scale>thousand|million|billion|trillion|k|m|bn)\b)?(?!'?s\b|\d)",
    re.IGNORECASE,
)
_CURRENCY = {
    "$": ("dollar", "dollars"),
    "£": ("pound", "pounds"),
    "€": ("euro", "euros"),
    "¥": ("yen", "yen"),
}
_SCALE = {"k": "thousand", "m": "million", "bn": "billion"}
# two prices joined by a dash: $5-$10 is said "five to ten dollars"
_PRICE_SPAN = re.compile(
    r"(?P<sign>[$£€])(?P<a>\d+(?:,\d{3})*)\s?[-\u2013]\s?(?P=sign)(?P<b>\d+(?:,\d{3})*)(?![\d.,]\d)"
)
_CENTS = re.compile(r"(?<![\d.])(\d+)\s?¢")


def _cardinal(n: int) -> str:
    """``n`` (0 or more) in English words: 101 -> "one hundred one"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + _cardinal(n % 100))
    for size, name in _SCALES:
        if n >= size:
            head, rest = divmod(n, size)
            return _cardinal(head) + " " + name + ("" if rest == 0 else " " + _cardinal(rest))
    raise AssertionError(n)


def _ordinal(n: int) -> str:
    """``n`` as an ordinal: 3 -> "third", 21 -> "twenty first", 40 -> "fortieth"."""
    *head, last = _cardinal(n).split()
    last = _ORDINAL.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return " ".join([*head, last])


def _digits(digits: str) -> str:
    """``digits`` said one by one: "007" -> "zero zero seven"."""
    return " ".join(_ONES[int(d)] for d in digits)


def _plural(words: str) -> str:
    """``words`` (a number said) as a plural: "nineteen ninety" -> "nineteen nineties", "one
    thousand" -> "thousands" (1,000s), "six" -> "sixes", "one" -> "ones"."""
    *head, last = words.split()
    if head == ["one"] and last in ("hundred", *(name for _size, name in _SCALES)):
        head = []
    last = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith("x") else "s")
    return " ".join([*head, last])


def _say(text: str) -> str:
    """``text`` (one whole number, as :data:`_NUMBER` reads it) said aloud."""
    m = _NUMBER.fullmatch(text)
    assert m is not None, text
    return _say_number(m).strip()


def _say_number(m: re.Match[str]) -> str:
    """A number as it is read aloud (cardinals up to trillions, ordinals, plurals like 1990s, 5:30,
    3.5, years 1100-1999 and 2010-2099, codes with a leading zero digit by digit)."""
    digits, suffix, plural, sep, more = m.groups()
    groups = digits.split(",")
    if len(groups) > 1 and not (len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        # not a thousands grouping (1,00; 12,5): each group as it is written, the last with the ending
        return " ".join(
            ["", *(_say(g) for g in groups[:-1]), _say(groups[-1] + m.group(0)[len(digits) :]), ""]
        )
    plain = digits.replace(",", "")
    n = int(plain)
    if len(plain) > 15:  # a serial number, not a number anyone says as one: digit by digit
        return f" {_digits(plain)} "
    if suffix:
        return f" {_ordinal(n)} "
    if sep == ":" and len(more) == 2 and n < 25:  # a time of day
        minutes = int(more)
        tail = "o'clock" if minutes == 0 else ("oh " if minutes < 10 else "") + _cardinal(minutes)
        return f" {_cardinal(n)} {tail} "
    # a leading zero is a code (007, a PIN): digit by digit
    head = _digits(plain) if len(plain) > 1 and plain[0] == "0" else _cardinal(n)
    if sep == ".":  # a decimal: three point one four
        return f" {head} point {_digits(more)} "
    if sep == ":" and len(more) == 2:  # hours past a day (25:00, a stopwatch's 90:30): read like one
        minutes = int(more)
        tail = "hundred" if minutes == 0 else ("oh " if minutes < 10 else "") + _cardinal(minutes)
        return f" {head} {tail} "
    if "," not in digits and len(digits) == 4 and (1100 <= n < 2000 or 2010 <= n < 2100):
        high, low = divmod(n, 100)
        tail = "hundred" if low == 0 else ("oh " if low < 10 else "") + _cardinal(low)
        head = f"{_cardinal(high)} {tail}"
    if plural:
        return f" {_plural(head)} "
    return f" {head} " + (f"{sep} {_cardinal(int(more))} " if sep else "")


def _say_money(m: re.Match[str]) -> str:
    """A currency sign before its amount said as the amount, then the unit (review rv41c, reading41:
    "$5" reached the aligner as "five", the "dollars" the reader says dropped): $1 -> 1 dollar,
    $5.99 -> 5 dollars 99, $0.50 -> 50 cents, £2.5m -> 2.5 million pounds."""
    one, many = _CURRENCY[m["sign"]]
    whole, cents, scale = m["n"], m["c"], m["scale"]
    if scale:
        said = _SCALE.get(scale.lower(), scale.lower())
        amount = f"{whole}{m['point'] or ('.' + cents if cents else '')}"
        return f" {amount} {said} {many} "
    if cents and int(whole.replace(",", "")) == 0 and m["sign"] in "$€":
        return f" {int(cents.ljust(2, '0'))} cent{'' if int(cents.ljust(2, '0')) == 1 else 's'} "
    unit = one if whole == "1" else many
    tail = f" {int(cents.ljust(2, '0'))}" if cents and int(cents) else ""
    return f" {whole} {unit}{tail} "


def _edge_apostrophes(word: str) -> str:
    """``word`` without the quotation marks around it: 'go' -> go; 'em, goin', dogs' keep theirs."""
    if word.startswith("'") and word.rstrip("'") not in _LEADING and word not in _LEADING:
        word = word.lstrip("'")
    if word.endswith("'") and not word.endswith(("in'", "s'")):
        word = word.rstrip("'")
    if word.startswith("'") and word not in _LEADING:
        word = word.lstrip("'")
    return word


def normalise_words(text: str) -> tuple[str, list[str]]:
    """``text`` as the words the pocketsphinx dictionary spells (lower case letters and
    apostrophes), and the written words left out because nothing of them is English letters or
    digits (a word in another script). Accents are folded (café -> cafe), curly apostrophes are
    apostrophes, digits are spelled out (5 -> five, 3rd -> third, 5:30 -> five thirty). Stage
    directions and markup are not said (``directions``: ``(laughs)``, ``[MUSIC]``, ``<i>``)."""
    dropped: list[str] = []
    words: list[str] = []
    said = _PRICE_SPAN.sub(
        lambda m: f" {m['a']} to {m['b']} {_CURRENCY[m['sign']][1]} ", directions.dropped(text)
    )
    said = _CENTS.sub(r" \1 cents ", _MONEY.sub(_say_money, said))
    for token in said.split():
        folded = unicodedata.normalize("NFKD", token.translate(_APOSTROPHES).lower().translate(_LETTERS))
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        folded = _NUMBER.sub(_say_number, folded.replace("&", " and ").replace("%", " percent "))
        kept = re.sub(r"[^a-z' ]", " ", folded.replace("-", " ")).split()
        kept = [w for w in (_edge_apostrophes(w) for w in kept) if w.strip("'")]
        lost = re.sub(r"[a-z0-9'\s]", "", folded)
        if any(unicodedata.category(ch)[0] in "LN" for ch in lost):
            dropped.append(token.strip('.,;:!?"()[]{}\u201c\u201d\u00ab\u00bb'))
        words += kept
    return " ".join(words), dropped


def normalise_transcript(text: str) -> str:
    """Lower case words and apostrophes only: what the pocketsphinx dictionary spells (see
    :func:`normalise_words`)."""
    return normalise_words(text)[0]


# Digital silence (runs of exact zeros: a synthetic voice, a gated or one-speaker channel of a
# two-voice mix) is filled with a fixed, faint noise floor before pocketsphinx reads it. Zeros give
# frames of no energy at all, which throw its running cepstral mean off: the demo's character B
# (espeak-ng en-gb-x-rp+m3, 62 % of the channel zeros) aligned none of its 23 words, with the floor
# all 23 (A: 25 -> 28 of 28). A real recording has no such runs and is passed on unchanged.
# -50 dBFS: at -60 a flite "kal" line lost one of its six words that aligned with no floor; -50 and
# -70 kept it, and -50 also kept the demo's A at 28 of 28 (-70: 25). Held-out English: 59 of 84
# clips aligned at -50 and -60 alike.
NOISE_FLOOR_DBFS = -50.0
DIGITAL_SILENCE_SAMPLES = 160  # 10 ms of zeros in a row


def _fill_digital_silence(pcm: np.ndarray) -> np.ndarray:
    """``pcm`` (int16) with every run of at least :data:`DIGITAL_SILENCE_SAMPLES` zeros replaced by
    noise at :data:`NOISE_FLOOR_DBFS` (seeded: the same audio always gives the same alignment)."""
    zero = np.concatenate(([0], (pcm == 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(zero))
    starts, ends = edges[::2], edges[1::2]
    long = ends - starts >= DIGITAL_SILENCE_SAMPLES
    if not long.any():
        return pcm
    marks = np.zeros(len(pcm) + 1, dtype=np.int64)
    np.add.at(marks, starts[long], 1)
    np.add.at(marks, ends[long], -1)
    fill = np.cumsum(marks[:-1]) > 0
    noise = np.random.default_rng(0).normal(0.0, 32767 * 10 ** (NOISE_FLOOR_DBFS / 20), int(fill.sum()))
    out = pcm.copy()
    out[fill] = np.clip(np.round(noise), -32768, 32767).astype(np.int16)
    return out


def _pcm(audio: np.ndarray) -> bytes:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
    return _fill_digital_silence(pcm).tobytes()


def _flite_pronunciation(word: str) -> str | None:
    """ARPAbet pronunciation from flite's lexicon/letter-to-sound rules, or None."""
    import shutil
    import subprocess

    exe = shutil.which("flite")
    if exe is None:
        return None
    res = subprocess.run(
        [exe, "-t", word, "-ps", "-o", "none"], capture_output=True, text=True, timeout=30, check=False
    )
    fold = {"AX": "AH", "AXR": "ER", "EL": "L", "EN": "N", "EM": "M", "DX": "T", "IX": "IH"}
    phones = [fold.get(p.upper(), p.upper()) for p in res.stdout.split() if p != "pau"]
    return " ".join(phones) or None


@dataclass(frozen=True)
class Heard:
    """What :class:`Listener` heard in one stretch: the words, and how well they fit its sound
    (``fit``: the words' mean acoustic score per frame, natural log, 0 where each frame is the best
    any sound of the model scores there; None without words). Words heard in speech that is not
    English, or under loud music, fit markedly worse than English words heard in English."""

    words: str
    fit: float | None


class Listener:
    """pocketsphinx's English recogniser (its n-gram model), loaded once to hear many stretches:
    loading it takes about 0.3 s, longer than hearing a short turn. Each stretch is heard as a fresh
    recogniser hears it: the front end's noise estimate, which carries over, is reset first."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._dec = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")

    def hear(self, audio: np.ndarray) -> Heard:
        """The words of 16 kHz ``audio`` and how well they fit it."""
        dec = self._dec
        dec.reinit_feat()  # a fresh noise estimate: the words do not depend on the stretch before
        dec.start_utt()
        dec.process_raw(_pcm(audio), full_utt=True)
        dec.end_utt()
        hyp = dec.hyp()
        if hyp is None:
            return Heard("", None)
        score, frames = 0.0, 0
        for seg in dec.seg():
            if seg.word.startswith(("<", "[")):  # <s>, </s>, <sil>, [NOISE]: not words
                continue
            frames += seg.end_frame - seg.start_frame + 1
            # the binding gives exp(score): past the smallest float, as bad as it can say
            score += math.log(seg.ascore) if seg.ascore > 0 else -745.0
        return Heard(hyp.hypstr, score / frames if frames else None)


def transcribe(audio: np.ndarray, listener: Listener | None = None) -> str:
    """pocketsphinx's best guess at the words of 16 kHz ``audio`` (its English n-gram model);
    ``listener`` saves loading the model again."""
    return (listener or Listener()).hear(audio).words


# Beams wide enough that a voice far from the acoustic model's (a very low or creaky one) still
# keeps its forced path: the default ones prune it on some synthetic voices. Slower, so a retry.
WIDE_BEAMS = {"beam": 1e-100, "wbeam": 1e-80, "pbeam": 1e-100}
# Wider still, for a word pass asked to find the words at any cost (``last_resort``): a script
# holding a line the voice does not say (an ad-lib, a line added or rewritten) made the word pass
# lose every path with the wide beams in 65 of 100 such scripts (LJ Speech, espeak-ng); with these,
# then a pass that may leave lines out (``SKIP_LINE``), 3 (then ``transcript.py`` judges each line).
# About 8 times the time of a plain word pass.
LAST_BEAMS = {"beam": 1e-200, "wbeam": 1e-180, "pbeam": 1e-200}
SKIP_LINE = 1e-10  # probability of passing over a line, where the word pass may (``lines``)
# pocketsphinx reads a pass's words from its lattice (``bestpath``), a search whose time grows much
# faster than the audio once the beams are wide: nearly every path survives into it. A wide or widest
# pass over more than LATTICE_S of audio (a character's whole stream, the default beams having lost
# it: one voice the model does not know, review rv42b F6) reads its words by the search's own
# backtrace instead, whose time grows with the audio. On the espeak-ng British voice pocketsphinx
# cannot align (2-core box, load 4-7), reading the wide pass's words took 1.2 / 4.4 / 21 s over 15 /
# 30 / 59 s of it and the widest 5 / 38 s over 15 / 30 s; by backtrace 0.0 s, the words placed the
# same, their edges 1.2 frames apart on average (/work/scratch/farm43/bp.py). The default beams and
# every pass over LATTICE_S or less read the lattice as before: their alignments do not change.
LATTICE_S = 20.0


# Loading a decoder takes about a second, longer than a phone pass: one per beam setting and
# thread is kept and used again (a decoder is not thread-safe). It loads no n-gram model (every pass
# builds its own grammar from the words: 0.4 s and 64 MiB less; its settings are otherwise the
# same). A pass on it hears as on a new decoder: the front end (noise estimate, cepstral mean) is
# made again first (:func:`_fresh`) and each pass builds its own search. Words flite pronounced for
# an earlier pass stay in its dictionary (the same words, the same pronunciations, flite asked
# once), so the decoder is kept for one pronouncer: another (a test standing in for a machine
# without flite) gets a new one.
_SHARED = threading.local()


def _shared_decoder(beams: dict[str, float], lattice: bool = True) -> Any:
    """This thread's decoder with ``beams`` (made on first use, or when the pronouncer changed);
    ``lattice`` False: one that reads a pass's words by backtrace (:data:`LATTICE_S`)."""
    from pocketsphinx import Decoder

    cache: dict[tuple[Any, ...], tuple[Any, Any]] = _SHARED.__dict__.setdefault("decoders", {})
    key = (*sorted(beams.items()), lattice)
    kept = cache.get(key)
    if kept is None or kept[0] is not _flite_pronunciation:
        settings: dict[str, Any] = dict(beams) if lattice else {**beams, "bestpath": False}
        dec = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL", lm=None, **settings)
        kept = cache[key] = (_flite_pronunciation, dec)
    return kept[1]


def _forget(dec: Any) -> None:
    """``dec`` no longer kept (a pass cut short in the middle of an utterance)."""
    cache = _SHARED.__dict__.get("decoders", {})
    for key in [key for key, (_pron, kept) in cache.items() if kept is dec]:
        del cache[key]


def _hear(dec: Any, pcm: bytes) -> None:
    """One utterance of ``pcm`` (16-bit samples) through ``dec``'s active search."""
    dec.start_utt()
    try:
        dec.process_raw(pcm, full_utt=True)
    except BaseException:
        _forget(dec)  # left inside an utterance: the next pass gets a new decoder
        raise
    dec.end_utt()


def _fresh(dec: Any) -> Any:
    """``dec`` with a new front end, as a new decoder starts: what a pass hears does not depend
    on the passes before it."""
    dec.reinit_feat()
    return dec


def _decoder(
    words: list[str], wide: bool = False, beams: dict[str, float] | None = None, seconds: float = 0.0
) -> Any:
    """The shared decoder with ``beams`` (``wide``: :data:`WIDE_BEAMS`), knowing ``words`` (flite's
    pronunciation added for a word its dictionary lacks); for a pass over ``seconds`` of audio (past
    :data:`LATTICE_S` with wide beams, one that reads its words by backtrace)."""
    if beams is None:
        beams = WIDE_BEAMS if wide else {}
    dec = _shared_decoder(beams, lattice=not beams or seconds <= LATTICE_S)
    for word in set(words):
        if dec.lookup_word(word) is None:
            pron = _flite_pronunciation(word)
            if pron:
                try:
                    dec.add_word(word, pron, False)
                except RuntimeError:
                    pass  # the alignment below then fails and the clip is skipped
    return dec


def _word_pass(
    audio: np.ndarray,
    words: list[str],
    wide: bool = False,
    dec=None,
    beams: dict[str, float] | None = None,
    lines: list[int] | None = None,
    whole: bool = False,
) -> list[tuple[str, float, float]]:
    """Word segments (word, start s, end s) of a forced alignment of ``words`` (with ``dec``, a
    decoder already holding their pronunciations, when the caller has one). With ``lines`` (how
    many of the words each line holds, in order), a line may be left out: the segments then lack
    its words. ``whole``: a pass that did not place every word is a failure."""
    seconds = len(audio) / SAMPLE_RATE
    dec = _fresh(dec if dec is not None else _decoder(words, wide, beams, seconds))
    try:
        if lines:  # each line may be passed over: an FSG with a faint skip arc around each
            arcs: list[tuple[Any, ...]] = []
            state = 0
            for count in lines:
                first = state
                for word in words[state : state + count]:
                    arcs.append((state, state + 1, 1.0, word))
                    state += 1
                arcs.append((first, state, SKIP_LINE))
            dec.add_fsg("lines", dec.create_fsg("lines", 0, state, arcs))
            dec.activate_search("lines")
        else:
            dec.set_align_text(" ".join(words))
        _hear(dec, _pcm(audio))
    except RuntimeError as exc:  # out-of-dictionary word or no path through the audio
        raise DualTalkError(f"pocketsphinx could not align {' '.join(words)[:40]!r}: {exc}") from None
    if dec.hyp() is None:
        raise DualTalkError(f"pocketsphinx found no alignment for {' '.join(words)[:40]!r}")
    segs = [(sg.word, sg.start_frame * _FRAME, (sg.end_frame + 1) * _FRAME) for sg in dec.seg()]
    # no path reached the last word: pocketsphinx then gives the best path so far, words missing
    if whole and not lines and sum(1 for sg in segs if not sg[0].startswith(("<", "["))) < len(words):
        raise _Partial(f"pocketsphinx placed only some of {' '.join(words)[:40]!r}", segs)
    return segs


class _Partial(DualTalkError):
    """A word pass that placed only the first words (``segs``): taken when no later pass does better."""

    def __init__(self, message: str, segs: list[tuple[str, float, float]]) -> None:
        super().__init__(message)
        self.segs = segs


def _phone_pass(audio: np.ndarray, words: list[str], wide: bool = False) -> list[tuple[Phone, float]]:
    """Phones of a short stretch of speech (the second, sub-word pass), each with pocketsphinx's
    acoustic score of its frames (per frame; 0 is the best any senone scores there)."""
    dec = _fresh(_decoder(words, wide))  # (the phone pass goes on from the word pass's front end)
    pcm = _pcm(audio)
    try:
        dec.set_align_text(" ".join(words))
        _hear(dec, pcm)
        dec.set_alignment()
        _hear(dec, pcm)
    except RuntimeError as exc:
        raise DualTalkError(
            f"pocketsphinx could not align the phones of {' '.join(words)[:40]!r}: {exc}"
        ) from None
    phones = []
    for word in dec.get_alignment():
        for ph in word:
            start, end = ph.start * _FRAME, (ph.start + ph.duration) * _FRAME
            sym = "sil" if ph.name.upper() in ("SIL", "+SPN+", "+NSN+") else ph.name.lower()
            if end > start:
                phones.append((Phone(sym, start, end, "arpabet"), ph.score / ph.duration))
    return phones


def _even_split(word: str, t0: float, t1: float) -> list[Phone]:
    """``word``'s dictionary phones sharing ``t0``-``t1`` evenly (no timing known inside it)."""
    pron = (_decoder([word]).lookup_word(word) or "").split()
    if not pron:
        return []
    step = (t1 - t0) / len(pron)
    return [Phone(ph.lower(), t0 + i * step, t0 + (i + 1) * step, "arpabet") for i, ph in enumerate(pron)]


def _voiced(phones: list[Phone], start: float, end: float) -> bool:
    """Whether a phone other than silence lies inside ``start``-``end`` (10 ms of slack each end)."""
    return any(p.symbol != "sil" and p.end > start + _FRAME and p.start < end - _FRAME for p in phones)


def _fill_gaps(
    phones: list[Phone],
    segs: list[tuple[str, float, float]],
    guessed: list[str],
    spans: list[tuple[float, float]] | None = None,
) -> list[Phone]:
    """``phones`` with every word of ``segs`` that the phone pass left silent (a word the word pass
    placed, drawn with the mouth shut) given the even split of its dictionary phones instead; the
    words so filled are added to ``guessed`` (their spans to ``spans``)."""
    for w, b, e in segs:
        if _voiced(phones, b, e):
            continue
        fill = _even_split(w.split("(")[0], b, e)
        if not fill:
            continue
        guessed.append(w.split("(")[0])
        if spans is not None:
            spans.append((b, e))
        kept = []
        for p in phones:  # the silence the pass put there makes way (cut around the word)
            if p.end <= b or p.start >= e:
                kept.append(p)
                continue
            if p.start < b:
                kept.append(Phone(p.symbol, p.start, b, p.alphabet))
            if p.end > e:
                kept.append(Phone(p.symbol, e, p.end, p.alphabet))
        phones = sorted(kept + fill, key=lambda p: p.start)
    return phones


def _chunk_phones(
    audio: np.ndarray,
    segs: list[tuple[str, float, float]],
    wide: bool = False,
    scores: list[tuple[float, float, float]] | None = None,
    guessed: list[str] | None = None,
    spans: list[tuple[float, float]] | None = None,
) -> list[Phone]:
    """Phones of consecutive aligned words: one phone pass, halved on failure; a single
    word that still fails, or that the pass leaves silent, shares its span evenly among its
    dictionary phones (named in ``guessed``, their spans in ``spans``). ``scores`` collects
    (start, end, score per frame) of each phone the pass timed, silences left out."""
    scores = scores if scores is not None else []
    guessed = guessed if guessed is not None else []
    spans = spans if spans is not None else []
    t0, t1 = segs[0][1], segs[-1][2]
    words = [w.split("(")[0] for w, _b, _e in segs]
    piece = audio[int(t0 * SAMPLE_RATE) : int(t1 * SAMPLE_RATE)]
    try:
        try:  # the default beams first: after a wide word pass, the wide ones left whole words
            timed = _phone_pass(piece, words, False)  # silent on a voice the default ones time
        except DualTalkError:
            if not wide:
                raise
            timed = _phone_pass(piece, words, True)
    except DualTalkError:
        if len(segs) > 1:
            half = len(segs) // 2
            return _chunk_phones(audio, segs[:half], wide, scores, guessed, spans) + _chunk_phones(
                audio, segs[half:], wide, scores, guessed, spans
            )
        guessed.append(words[0])
        spans.append((t0, t1))
        return _even_split(words[0], t0, t1)
    phones = [Phone(p.symbol, p.start + t0, p.end + t0, p.alphabet) for p, _s in timed]
    scores += [(p.start, p.end, s) for p, (_q, s) in zip(phones, timed, strict=True) if p.symbol != "sil"]
    return _fill_gaps(phones, segs, guessed, spans)


@dataclass
class Alignment:
    """What forced alignment found: the phones, the words with their times (seconds), and the
    words it left out because neither the dictionary nor flite could pronounce them."""

    phones: list[Phone]
    words: list[tuple[str, float, float]]
    unknown: list[str] = field(default_factory=list)
    # words whose phones are not timed by the phone pass but share the word's span evenly (the
    # pass failed on the word alone, or left it silent)
    guessed: list[str] = field(default_factory=list)
    # (start s, end s, acoustic score per frame) of each phone the phone pass timed: how well the
    # words fit the voice (:func:`~.transcript.misfit`)
    scores: list[tuple[float, float, float]] = field(default_factory=list)
    # (start s, end s) of each word in ``guessed``, in the same order
    guessed_spans: list[tuple[float, float]] = field(default_factory=list)


class Share:
    """A stretch (``lo`` to ``hi``) of another Progress's stage: a step of a long alignment reports its
    own fractions (0 to 1) and they reach the user as the whole's, never going back (a round aligned
    again does not move the bar back). Every report also checks cancel: a Progress need not check on
    update, and the alignment of a long take is minutes of pocketsphinx calls."""

    def __init__(
        self, progress: Progress, stage: str, lo: float = 0.0, hi: float = 1.0, message: str = ""
    ) -> None:
        self.progress, self.stage, self.lo, self.hi, self.message = progress, stage, lo, hi, message
        self._at = lo

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        at = self.lo + (self.hi - self.lo) * min(max(float(fraction), 0.0), 1.0)
        self._at = max(self._at, at)
        self.progress.update(self.stage, self._at, message or self.message)
        self.progress.check_cancel()

    def check_cancel(self) -> None:
        self.progress.check_cancel()


def share(
    progress: Progress | None, lo: float, hi: float, message: str = "", stage: str = "transcript"
) -> Share | None:
    """The part ``lo`` to ``hi`` of ``progress`` (None when there is none to report to); a part of a
    :class:`Share` is a part of its part, under its stage."""
    if progress is None:
        return None
    if isinstance(progress, Share):
        return Share(progress, progress.stage, lo, hi, message or progress.message)
    return Share(progress, stage, lo, hi, message)


def progress_at(progress: Progress | None, fraction: float, message: str = "") -> None:
    """``fraction`` of the step done, said to ``progress`` (when there is one), which may cancel."""
    if progress is not None:
        progress.update("transcript", fraction, message)
        progress.check_cancel()


WORD_PASS_SHARE = (
    0.3  # the part of an alignment's progress its word pass reports (the phone passes: the rest)
)


def _counts(lines: list[int], words: list[str], text: str) -> list[int]:
    """``lines`` (words per line of ``text``) less the words left out of ``words`` (unknown)."""
    kept = set(words)
    out, k = [], 0
    every = text.split()
    for count in lines:
        out.append(sum(1 for w in every[k : k + count] if w in kept))
        k += count
    return out


# A long stream's word pass is heard in blocks. One pass over a whole stream is one pocketsphinx
# call (nothing can stop it) and its time grew faster than the stream (on the 2-core box, real speech:
# 3 min 6 s, 12 min 48 s, 20 min 40 minutes, most of it reading out the lattice's best path; in
# blocks 20 min takes 167 s and a cancel waits 10 s at most; session 30, /work/scratch/align30). A stream of several lines longer than LONG_S is walked from its
# start: a finding pass hears the next WINDOW_S with the next words (its grammar may end after any
# word) only to choose where to cut: the last start of a line CUT_GAP_S or more after the word
# before it, outside the window's last BLOCK_MARGIN_S (its end may fall inside a word). Each block
# is then aligned alone, by the same passes as a whole stream (:func:`_word_passes`, on its own
# samples), and a cancel is heard between blocks. A shorter stream, or one given no lines, is one
# block: aligned exactly as before.
LONG_S = 240.0
WINDOW_S = 120.0
BLOCK_MARGIN_S = 15.0
CUT_GAP_S = 1.0
FIND_WORDS_PER_S = 5  # the most words a finding pass is given per second it hears (fast speech: 4)


def _passes(dec: Any, persist: bool, last_resort: bool, counts: list[int] | None) -> list[dict[str, Any]]:
    """The word passes, each tried when the one before found no path: the default beams; with
    ``persist`` the wide ones; with ``last_resort`` too the widest, then a pass that may leave whole
    lines (``counts`` words each) out (a line the voice does not say)."""
    passes: list[dict[str, Any]] = [{"dec": dec, "whole": last_resort}]
    if persist:
        passes.append({"wide": True, "whole": last_resort})
        if last_resort:
            passes.append({"beams": LAST_BEAMS, "whole": True})
            if counts and len(counts) >= 2:
                passes.append({"wide": True, "lines": counts})
    return passes


def _word_passes(
    audio: np.ndarray,
    words: list[str],
    passes: list[dict[str, Any]],
    persist: bool,
    progress: Progress | None,
    lo: float = 0.0,
    hi: float = WORD_PASS_SHARE,
) -> tuple[list[tuple[str, float, float]], bool]:
    """The segments of the first of ``passes`` that places ``words`` in ``audio``, and whether the
    default beams failed there (the phone passes then try the wide ones too). With a last resort to
    come, a pass that stopped short (:class:`_Partial`) is not taken at once: the first such is
    taken only when no later pass does better. ``progress`` hears ``lo`` to ``hi`` before each pass."""
    found: list[tuple[str, float, float]] | None = None
    partial: list[_Partial] = []
    failure: DualTalkError | None = None
    wide = False
    for tried, kwargs in enumerate(passes):
        wide = tried > 0
        progress_at(progress, lo + (hi - lo) * tried / len(passes))
        try:
            found = _word_pass(audio, words, **kwargs)
            break
        except _Partial as exc:
            partial.append(exc)
            failure = exc
        except DualTalkError as exc:
            failure = exc
    if found is None:
        if not (persist and partial):  # a short pass is taken only as the last resort's fallback
            assert failure is not None
            raise failure
        found = partial[0].segs
    return found, wide


def _line_spans(counts: list[int] | None, k0: int, k1: int) -> list[tuple[int, int]]:
    """(start, count) of each line of ``counts`` (words per line), cut to words ``k0`` to ``k1``."""
    spans, at = [], 0
    for count in counts or []:
        a, b = max(at, k0), min(at + count, k1)
        if b > a or (count == 0 and k0 <= at < k1):
            spans.append((a, b - a))
        at += count
    return spans


def _find_cut(
    audio: np.ndarray, words: list[str], starts: set[int], persist: bool
) -> tuple[float, int, bool] | None:
    """Where a finding pass over ``audio`` (a window) with ``words`` (those still to place, lines
    beginning at ``starts``; the window may end after any of them) ends a block: (seconds into it,
    how many words come before that, True); (seconds, the same, False) when it holds no line start
    to cut at: the next finding pass starts there and the block goes on. None when no pass hears
    the words."""
    words = words[: int(FIND_WORDS_PER_S * len(audio) / SAMPLE_RATE) + 1]
    arcs: list[tuple[Any, ...]] = [(i, i + 1, 1.0, word) for i, word in enumerate(words)]
    final = len(words) + 1
    arcs += [(i, final, 1.0) for i in range(final)]  # the window may end after any word (or none)
    segs = None
    for wide in (False, True) if persist else (False,):
        dec = _fresh(_decoder(words, wide, seconds=len(audio) / SAMPLE_RATE))
        try:
            dec.add_fsg("find", dec.create_fsg("find", 0, final, arcs))
            dec.activate_search("find")
            _hear(dec, _pcm(audio))
        except RuntimeError:
            continue
        if dec.hyp() is not None:
            segs = [
                (sg.start_frame * _FRAME, (sg.end_frame + 1) * _FRAME)
                for sg in dec.seg()
                if sg.word[0] not in "<["
            ]
            break
    if segs is None:
        return None
    limit = len(audio) / SAMPLE_RATE - BLOCK_MARGIN_S  # (the window's end may fall inside a word)
    cuts = [
        i
        for i in range(1, len(segs))
        if i in starts and segs[i][0] <= limit and segs[i][0] - segs[i - 1][1] >= CUT_GAP_S
    ]
    if cuts:
        return 0.5 * (segs[cuts[-1] - 1][1] + segs[cuts[-1]][0]), cuts[-1], True
    kept = [i for i, (_b, e) in enumerate(segs) if e <= limit]
    return (segs[kept[-1]][1], kept[-1] + 1, False) if kept else (limit, 0, False)


def _blocks(
    audio: np.ndarray, words: list[str], counts: list[int] | None, persist: bool, progress: Progress | None
) -> list[tuple[int, int, int, int]]:
    """``audio`` and ``words`` (``counts`` words per line) cut into blocks to align alone: (first
    sample, end sample, first word, end word) each; one block when ``audio`` is :data:`LONG_S` or
    shorter or there are no lines."""
    window, frame = int(WINDOW_S * SAMPLE_RATE), int(_FRAME * SAMPLE_RATE)
    blocks: list[tuple[int, int, int, int]] = []
    starts = set(np.cumsum([0, *(counts or [])]).tolist())
    start = find = k = at = 0  # the block's first sample and word; where the next finding pass starts
    long = len(audio) > LONG_S * SAMPLE_RATE and len(starts) > 2
    while long and len(audio) - find > window and at < len(words):
        progress_at(progress, WORD_PASS_SHARE * find / len(audio))
        cut = _find_cut(audio[find : find + window], words[at:], {i - at for i in starts if i > at}, persist)
        if cut is None:
            break
        seconds, placed, cuts = cut
        sample = find + frame * int(round(seconds / _FRAME))
        if not cuts:  # no line start to cut at: the block goes on past the words placed here
            find, at = max(sample, find + frame), at + placed
            continue
        blocks.append((start, sample, k, at + placed))
        start = find = sample
        k = at = at + placed
    blocks.append((start, len(audio), k, len(words)))
    return blocks


def align_words(
    audio: np.ndarray,
    transcript: str,
    *,
    chunk_seconds: float = 3.0,
    drop_unknown: bool = False,
    persist: bool = False,
    last_resort: bool = False,
    lines: list[int] | None = None,
    progress: Progress | None = None,
) -> Alignment:
    """Phones and words of ``transcript`` in 16 kHz ``audio``; DualTalkError if it cannot be aligned.

    The phone pass of pocketsphinx fails on long utterances, so the word pass cuts the
    audio at word boundaries into stretches of about ``chunk_seconds`` and each stretch
    gets its own phone pass. ``drop_unknown`` aligns without the words nobody can pronounce
    (named in ``Alignment.unknown``) instead of failing on them; ``persist`` retries a failed
    alignment with wider beams (:data:`WIDE_BEAMS`) before giving up, and ``last_resort`` (with
    ``persist``) twice more: first letting the pass leave out whole lines (``lines``: how many of the
    normalised words each line holds; :data:`SKIP_LINE`), then with the widest beams
    (:data:`LAST_BEAMS`): a script holding words the voice does not say then still gets a word pass,
    whose lines the caller judges. Audio longer than :data:`LONG_S` is aligned in blocks cut at
    silences before lines, each as if alone (see :data:`LONG_S`). ``progress`` hears before each word pass, each
    block and each phone pass (the share of the words timed so far) and may cancel there; it changes
    nothing aligned.
    """
    progress_at(progress, 0.0)
    text = normalise_transcript(transcript)
    if not text:
        raise DualTalkError("no English words to align (write the words out; numbers as words)")
    words = text.split()
    dec = _decoder(words)  # its dictionary, flite's words added, also tells who cannot be pronounced
    unknown = sorted({w for w in words if dec.lookup_word(w) is None}) if drop_unknown else []
    if unknown:
        words = [w for w in words if w not in set(unknown)]
        if not words:
            raise DualTalkError(f"no word of {text[:40]!r} can be pronounced (install flite for new words)")
    counts = _counts(lines, words, text) if lines else None
    segs: list[tuple[str, float, float]] = []
    block_ends: dict[int, bool] = {}  # index in ``segs`` where each block ends: its passes went wide
    blocks = _blocks(audio, words, counts, persist, progress)
    for a, b, k0, k1 in blocks:
        lo, hi = WORD_PASS_SHARE * a / len(audio), WORD_PASS_SHARE * b / len(audio)
        own = [n for _s, n in _line_spans(counts, k0, k1)] if len(blocks) > 1 else counts
        passes = _passes(dec, persist, last_resort, own)
        found, wide = _word_passes(audio[a:b], words[k0:k1], passes, persist, progress, lo, hi)
        by = a / SAMPLE_RATE
        segs += [(w, s + by, e + by) for w, s, e in found if not w.startswith(("<", "["))]
        block_ends[len(segs)] = wide
    phones: list[Phone] = []
    scores: list[tuple[float, float, float]] = []
    guessed: list[str] = []
    spans: list[tuple[float, float]] = []
    # a phone pass never spans two lines (``lines``): a line the voice does not say then cannot
    # leave the words of the lines around it untimed; nor two blocks
    ends: set[int] = set(block_ends)
    if lines:
        placed = [w.split("(")[0] for w, _b, _e in segs]
        k = first = 0
        for count in _counts(lines, words, text):
            line = words[first : first + count]
            first += count
            if line and placed[k : k + count] == line:  # (a line the pass left out is not there)
                k += count
                ends.add(k)
    k = 0
    while k < len(segs):
        progress_at(progress, WORD_PASS_SHARE + (1.0 - WORD_PASS_SHARE) * k / len(segs))
        wide = block_ends[min(e for e in block_ends if e > k)]
        j = k + 1
        while j < len(segs) and segs[j][2] - segs[k][1] < chunk_seconds and j not in ends:
            j += 1
        phones += _chunk_phones(audio, segs[k:j], wide, scores, guessed, spans)
        k = j
    if not any(p.symbol != "sil" for p in phones):
        raise DualTalkError(f"pocketsphinx found no phones for {text[:40]!r}")
    words_found = [(w.split("(")[0], b, e) for w, b, e in segs]
    progress_at(progress, 1.0)
    return Alignment(phones, words_found, unknown, guessed, scores, spans)


def align(audio: np.ndarray, transcript: str, *, chunk_seconds: float = 3.0) -> list[Phone]:
    """ARPAbet phones of ``transcript`` in 16 kHz ``audio`` (see :func:`align_words`)."""
    return align_words(audio, transcript, chunk_seconds=chunk_seconds).phones
