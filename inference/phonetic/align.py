"""English phone timings of a recording from its words, with PyPI ``pocketsphinx``.

Forced alignment with pocketsphinx's English acoustic model and dictionary (both ship in the
wheel): a word pass (``set_align_text``) over the whole recording, then a phone pass
(``set_alignment``) per ~3 s stretch of words, 10 ms resolution, ARPAbet symbols (the layout of
the LibriVox ``*.phone.json`` evaluation files). Out-of-dictionary words get flite's
letter-to-sound pronunciation (``flite -ps``) when flite is installed.

Two users: ``--transcript`` (``inference/phonetic/transcript.py``: lips drawn from what a
character is known to say) and the training corpus's real voices (``training/lite/align.py``).
pocketsphinx is imported only when a function here runs, so the engine loads without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..audio.tts import SAMPLE_RATE, Phone
from ..core.errors import DualTalkError

_FRAME = 0.01  # pocketsphinx frame: 10 ms


def normalise_transcript(text: str) -> str:
    """Lower case words and apostrophes only: what the pocketsphinx dictionary spells."""
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower().replace("-", " ")).split())


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


def transcribe(audio: np.ndarray) -> str:
    """pocketsphinx's best guess at the words of 16 kHz ``audio`` (its English n-gram model)."""
    from pocketsphinx import Decoder

    dec = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
    dec.start_utt()
    dec.process_raw(_pcm(audio), full_utt=True)
    dec.end_utt()
    hyp = dec.hyp()
    return hyp.hypstr if hyp is not None else ""


# Beams wide enough that a voice far from the acoustic model's (a very low or creaky one) still
# keeps its forced path: the default ones prune it on some synthetic voices. Slower, so a retry.
WIDE_BEAMS = {"beam": 1e-100, "wbeam": 1e-80, "pbeam": 1e-100}


def _decoder(words: list[str], wide: bool = False):
    from pocketsphinx import Decoder

    dec = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL", **(WIDE_BEAMS if wide else {}))
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
    audio: np.ndarray, words: list[str], wide: bool = False, dec=None
) -> list[tuple[str, float, float]]:
    """Word segments (word, start s, end s) of a forced alignment of ``words`` (with ``dec``, a
    decoder already holding their pronunciations, when the caller has one)."""
    dec = dec if dec is not None else _decoder(words, wide)
    try:
        dec.set_align_text(" ".join(words))
        dec.start_utt()
        dec.process_raw(_pcm(audio), full_utt=True)
        dec.end_utt()
    except RuntimeError as exc:  # out-of-dictionary word or no path through the audio
        raise DualTalkError(f"pocketsphinx could not align {' '.join(words)[:40]!r}: {exc}") from None
    if dec.hyp() is None:
        raise DualTalkError(f"pocketsphinx found no alignment for {' '.join(words)[:40]!r}")
    return [(sg.word, sg.start_frame * _FRAME, (sg.end_frame + 1) * _FRAME) for sg in dec.seg()]


def _phone_pass(audio: np.ndarray, words: list[str], wide: bool = False) -> list[Phone]:
    """Phones of a short stretch of speech (the second, sub-word pass)."""
    dec = _decoder(words, wide)
    pcm = _pcm(audio)
    try:
        dec.set_align_text(" ".join(words))
        dec.start_utt()
        dec.process_raw(pcm, full_utt=True)
        dec.end_utt()
        dec.set_alignment()
        dec.start_utt()
        dec.process_raw(pcm, full_utt=True)
        dec.end_utt()
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
                phones.append(Phone(sym, start, end, "arpabet"))
    return phones


def _chunk_phones(audio: np.ndarray, segs: list[tuple[str, float, float]], wide: bool = False) -> list[Phone]:
    """Phones of consecutive aligned words: one phone pass, halved on failure; a single
    word that still fails shares its span evenly among its dictionary phones."""
    t0, t1 = segs[0][1], segs[-1][2]
    words = [w.split("(")[0] for w, _b, _e in segs]
    piece = audio[int(t0 * SAMPLE_RATE) : int(t1 * SAMPLE_RATE)]
    try:
        return [
            Phone(p.symbol, p.start + t0, p.end + t0, p.alphabet) for p in _phone_pass(piece, words, wide)
        ]
    except DualTalkError:
        if len(segs) > 1:
            half = len(segs) // 2
            return _chunk_phones(audio, segs[:half], wide) + _chunk_phones(audio, segs[half:], wide)
    pron = (_decoder(words).lookup_word(words[0]) or "").split()
    if not pron:
        return []
    step = (t1 - t0) / len(pron)
    return [Phone(ph.lower(), t0 + i * step, t0 + (i + 1) * step, "arpabet") for i, ph in enumerate(pron)]


@dataclass
class Alignment:
    """What forced alignment found: the phones, the words with their times (seconds), and the
    words it left out because neither the dictionary nor flite could pronounce them."""

    phones: list[Phone]
    words: list[tuple[str, float, float]]
    unknown: list[str] = field(default_factory=list)


def align_words(
    audio: np.ndarray,
    transcript: str,
    *,
    chunk_seconds: float = 3.0,
    drop_unknown: bool = False,
    persist: bool = False,
) -> Alignment:
    """Phones and words of ``transcript`` in 16 kHz ``audio``; DualTalkError if it cannot be aligned.

    The phone pass of pocketsphinx fails on long utterances, so the word pass cuts the
    audio at word boundaries into stretches of about ``chunk_seconds`` and each stretch
    gets its own phone pass. ``drop_unknown`` aligns without the words nobody can pronounce
    (named in ``Alignment.unknown``) instead of failing on them; ``persist`` retries a failed
    alignment with wider beams (:data:`WIDE_BEAMS`) before giving up.
    """
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
    wide = False
    try:
        found = _word_pass(audio, words, dec=dec)
    except DualTalkError:
        if not persist:
            raise
        wide = True
        found = _word_pass(audio, words, wide=True)
    segs = [sg for sg in found if not sg[0].startswith(("<", "["))]
    phones: list[Phone] = []
    k = 0
    while k < len(segs):
        j = k + 1
        while j < len(segs) and segs[j][2] - segs[k][1] < chunk_seconds:
            j += 1
        phones += _chunk_phones(audio, segs[k:j], wide)
        k = j
    if not any(p.symbol != "sil" for p in phones):
        raise DualTalkError(f"pocketsphinx found no phones for {text[:40]!r}")
    return Alignment(phones, [(w.split("(")[0], b, e) for w, b, e in segs], unknown)


def align(audio: np.ndarray, transcript: str, *, chunk_seconds: float = 3.0) -> list[Phone]:
    """ARPAbet phones of ``transcript`` in 16 kHz ``audio`` (see :func:`align_words`)."""
    return align_words(audio, transcript, chunk_seconds=chunk_seconds).phones
