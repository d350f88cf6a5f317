"""A dialogue take as the engine wants it: two 16 kHz streams and who speaks when.

:func:`load_dialogue` turns every accepted form (stereo file, one file per speaker,
mono mix + turns file, mono mix + automatic diarization) into a :class:`Dialogue`;
:func:`add_audio_arguments` / :func:`dialogue_from_args` give every command
(``infer``, ``animate``, batch jobs) the same options and the same refusals.
"""

from __future__ import annotations

import argparse
import logging
import numbers
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import DualTalkError
from ..core.file_fingerprint import FINGERPRINT_SLICE as FINGERPRINT_SLICE  # kept here for callers
from ..core.file_fingerprint import FINGERPRINT_SLICES as FINGERPRINT_SLICES
from ..core.file_fingerprint import FINGERPRINT_WHOLE as FINGERPRINT_WHOLE
from ..core.file_fingerprint import recording_fingerprint as recording_fingerprint
from ..core.progress import Progress
from ..core.timebase import FPS, SAMPLE_RATE, frames_for
from .loader import audio_info, check_range, cut_off_why, is_silent, read_channels
from .separate import overlap_warning, split_mix
from .sync import OFFSET_MIN_S, find_offset, pooled_xcorr, shared_content
from .turns import Segment, assign_speakers, for_recording, read_turns
from .vad import (
    LOST_WARN_SHARE,
    QUIETER_WARN_DB,
    drop_blips,
    one_stream,
    quieter_than_partner,
    stream_levels,
    voice_activity,
)

log = logging.getLogger("dualtalk.audio")
# Who is silent in the audio heard (:func:`_speech_warnings`) is said on this logger of its own and
# listed in ``source["silent"]`` (those entries of ``source["warnings"]``): for the seconds heard around
# a re-generated range it speaks of the excerpt, not of the recording, and a range's caller leaves it
# unsaid by that kind, not by its wording.
silence_log = logging.getLogger("dualtalk.audio.silence")

ROLE_SILENCE, ROLE_A, ROLE_B, ROLE_BOTH = 0, 1, 2, 3
# A voice recorded too hot clips: its peaks are cut flat at full scale, which the recogniser, the
# aligners and the network all hear as other sounds (review 29a: 3x-10x overdriven English was "not
# English"). A resampled clipped peak rings a little either side of full scale, so a sample at 0.98
# or more counts; a voice peak-normalised to full scale has well under 0.1 % of its speech there.
CLIP_LEVEL = 0.98
CLIPPED_SHARE = 0.01  # more of a voice's speech at full scale than this: the recording clipped
# A float file may hold peaks above full scale and lose nothing (a DAW's 32-bit export made hot): a
# voice whose speech peaks above this was not cut at full scale (a resampled clipped peak overshoots
# it by about 2 %)
ABOVE_FULL_SCALE = 1.1
TURN_TOLERANCE_S = 0.5  # subtitle cues often end a little after the audio does


def _activity(values: Any, name: str) -> np.ndarray:
    """One bool per frame from what a script gave: bools, or numbers that are 0 or 1, as an array of
    either or of Python items (object dtype: refused whole for a while, review rv38f F5). NaN and 5
    were read as "speaking" (anything non-zero), 0.5 too, so a mask of probabilities or a float
    array with gaps keyed a plausible but wrong take (review rv38b F5); None and missing values too."""
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.reshape(-1)
    flat = arr.reshape(-1)
    if arr.dtype == object:  # Python items (a pandas "boolean" column's to_numpy()): judged one by one
        bad = np.flatnonzero([not _is_flag(item) for item in flat])
    elif arr.dtype.kind in "iuf":
        bad = np.flatnonzero((flat != 0) & (flat != 1))  # NaN equals neither
    else:
        raise DualTalkError(f"{name} must be one true/false per frame; got {arr.dtype} values")
    if bad.size:
        first = int(bad[0])
        raise DualTalkError(
            f"{name} must be one true/false (or 1/0) per frame; got {_shown(flat[first])} at frame {first}"
            + (f" and {bad.size - 1} more" if bad.size > 1 else "")
        )
    return flat.astype(bool)


def _is_flag(item: Any) -> bool:
    """A true/false as Python or numpy gives it, or a number that is 0 or 1; not None, NaN or a
    missing value (pandas' NA, which no comparison answers)."""
    if isinstance(item, bool | np.bool_):
        return True
    return isinstance(item, numbers.Real) and (item == 0 or item == 1)


def _shown(item: Any) -> str:
    """A refused frame's value as the user wrote it: 0.5, nan, None, <NA>, 'yes'."""
    return f"{float(item):g}" if isinstance(item, numbers.Real) else repr(item)


@dataclass
class Dialogue:
    """Two speakers' streams of one take plus per-frame voice activity.

    ``a``, ``b``: one channel each (1-D), **16 kHz** (:data:`SAMPLE_RATE`), float samples in
    [-1, 1], of equal length; integer PCM (int16, int32) is scaled as the file reader scales it.
    ``active_a``, ``active_b``: one bool per **25 fps** frame (:data:`FPS`),
    ``ceil(len(a) / 16000 * 25)`` of them. ``start_time``: seconds of the recording the streams
    start at. A stereo ``(N, 2)`` array, NaN/Inf or float samples far beyond full scale are a
    :class:`DualTalkError`; the sample rate cannot be checked here, so audio at another rate, or
    without its voice activity, goes through :meth:`from_arrays` (``sample_rate=``), which reads
    arrays as :func:`load_dialogue` reads the same samples from a file.
    """

    a: np.ndarray
    b: np.ndarray
    active_a: np.ndarray
    active_b: np.ndarray
    start_time: float = 0.0
    names: tuple[str, str] = ("A", "B")
    source: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.a = one_stream(self.a, "A's stream")
        self.b = one_stream(self.b, "B's stream")
        if len(self.a) != len(self.b):
            raise DualTalkError(f"speaker streams differ in length ({len(self.a)} vs {len(self.b)} samples)")
        t = self.num_frames
        self.active_a = _activity(self.active_a, "active_a")
        self.active_b = _activity(self.active_b, "active_b")
        for name, act in (("A", self.active_a), ("B", self.active_b)):
            if len(act) != t:
                raise DualTalkError(f"voice activity of {name} has {len(act)} frames, audio has {t}")
        self.names = (str(self.names[0]), str(self.names[1]))

    @classmethod
    def from_arrays(
        cls,
        a: np.ndarray,
        b: np.ndarray,
        *,
        sample_rate: int,
        active_a: np.ndarray | None = None,
        active_b: np.ndarray | None = None,
        names: tuple[str, str] = ("A", "B"),
    ) -> Dialogue:
        """A dialogue from audio held in memory: A's and B's voices, one channel each, at
        ``sample_rate`` samples per second (e.g. ``soundfile.read`` of a stereo file gives ``(x, sr)``:
        ``from_arrays(x[:, 0], x[:, 1], sample_rate=sr)``, channel 0 = A, as the file form reads it).

        The arrays become the take :func:`load_dialogue` makes of the same samples in a stereo
        file: integer PCM scaled as the file reader scales it (int16 / 32768), resampled to 16 kHz
        by the same resampler, the voice activity found the same way (each voice against the
        other's bleed; the same speech in both refused; content shared by both treated as
        silence), and the same warnings. ``active_a``/``active_b``: your own voice activity
        instead, one bool per 25 fps frame of the 16 kHz streams (both or neither).
        Refused (:class:`DualTalkError`): a 2-D array, arrays of different lengths, no
        ``sample_rate``, NaN/Inf, float samples far beyond full scale, less than 0.1 s, activity
        other than true/false or 1/0 (NaN, 5, 0.5).
        """
        from .loader import MAX_RATE, MIN_RATE, resample

        if isinstance(sample_rate, bool) or not isinstance(sample_rate, numbers.Integral):
            raise DualTalkError(
                f"sample_rate must be a whole number of samples per second, got {sample_rate!r}"
            )
        rate = int(sample_rate)
        if not MIN_RATE <= rate <= MAX_RATE:
            raise DualTalkError(f"sample_rate must be between {MIN_RATE} and {MAX_RATE} Hz, got {rate}")
        x_a, x_b = one_stream(a, "A's array"), one_stream(b, "B's array")
        if len(x_a) != len(x_b):
            raise DualTalkError(
                f"A's and B's arrays differ in length ({len(x_a)} vs {len(x_b)} samples); pad the shorter "
                "with zeros (silence)"
            )
        if (active_a is None) != (active_b is None):
            raise DualTalkError(
                "give both active_a and active_b, or neither (then they are found from the audio)"
            )
        x_a, x_b = resample(x_a, rate), resample(x_b, rate)  # the file reader's resampler
        _check_length(0.0, len(x_a) / SAMPLE_RATE, "the arrays")
        warnings: list[str] = []
        source: dict[str, Any] = {"form": "arrays", "samplerate": rate, "swap": False}
        if is_silent(x_a) and is_silent(x_b):
            raise DualTalkError("the dialogue audio is silent (peak below -80 dBFS) in both arrays")
        if active_a is None or active_b is None:
            if not is_silent(x_a) and not is_silent(x_b):
                copy = copied_speech(x_a, x_b)
                if copy is not None:
                    r, lag = copy
                    raise DualTalkError(
                        f"A's and B's arrays are the same signal ({_same_speech_detail(r, lag)}): give each "
                        "speaker's own voice, e.g. the two channels of a stereo recording"
                    )
            act_a, act_b = _two_voices(x_a, x_b, warnings, source, quiet=False)
        else:
            act_a, act_b = np.asarray(active_a), np.asarray(active_b)
        _say_speech_warnings(x_a, x_b, act_a, act_b, warnings, source)
        return cls(x_a, x_b, act_a, act_b, names=names, source=source)

    @property
    def num_samples(self) -> int:
        return len(self.a)

    @property
    def num_frames(self) -> int:
        return frames_for(len(self.a), SAMPLE_RATE, FPS)

    @property
    def duration(self) -> float:
        return len(self.a) / SAMPLE_RATE

    @property
    def roles(self) -> np.ndarray:
        """(T,) uint8: 0 silence, 1 A speaks, 2 B speaks, 3 both."""
        return (self.active_a.astype(np.uint8) * ROLE_A + self.active_b.astype(np.uint8) * ROLE_B).astype(
            np.uint8
        )

    def swapped(self) -> Dialogue:
        return Dialogue(
            self.b, self.a, self.active_b, self.active_a, self.start_time, (self.names[1], self.names[0]),
            {**self.source, "swap": not self.source.get("swap", False)},
        )  # fmt: skip

    def summary(self) -> str:
        r = self.roles
        share = {k: float(np.mean(r == v)) if len(r) else 0.0 for k, v in (("A", 1), ("B", 2), ("both", 3))}
        offset = float(self.source.get("offset_b") or 0.0)
        shifted = f" (--offset-b {_seconds(offset)} applied)" if offset else ""
        return (
            f"{self.duration:.2f} s from {self.source.get('form', '?')}{shifted}: {self.names[0]} speaks "
            f"{share['A'] + share['both']:.0%}, {self.names[1]} {share['B'] + share['both']:.0%}, "
            f"overlap {share['both']:.0%}"
        )


def add_audio_arguments(parser: argparse.ArgumentParser) -> None:
    """The audio options every command shares (declared once in ``core/request.py``)."""
    from ..core.request import AUDIO, add_arguments

    add_arguments(parser, (AUDIO,))


def dialogue_from_args(args: argparse.Namespace, progress: Progress | None = None) -> Dialogue:
    """Build the :class:`Dialogue` from options added by :func:`add_audio_arguments`."""
    from ..core.request import Request
    from ..pipeline import load_dialogue as _load

    return _load(Request.from_args(args), progress)


def _update(progress: Progress | None, fraction: float, msg: str) -> None:
    if progress is not None:
        progress.update("audio", fraction, msg)


SAME_SPEECH_CORR = 0.9  # two people recorded apart stay far below this where both talk (one talking: a part)
MAX_LAG_S = 0.05  # a copy nudged by an edit or two recorders started a little apart
EXCERPT_S = 8.0
MAX_EXCERPTS = 12
# shorter than this, two mics of one room hear the same room tone and lead-in (the real two-mic clip's
# first 0.12 s correlate 0.99): too little to tell one recording copied from two people recorded apart
SAME_SPEECH_MIN_S = 0.5


def same_speech(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """(peak normalised cross-correlation, lag in samples) of two streams over lags within ``MAX_LAG_S``.

    The same speech in both streams is what matters, not bit-identity: a copy with its
    polarity inverted, shifted by a few samples, or at another gain animates both
    characters at once just the same. The sign is ignored (|r|) and gain cancels in the
    normalisation. Up to ``MAX_EXCERPTS`` excerpts spread over the take keep long takes cheap;
    their correlations are pooled (energy-weighted), so quiet stretches count little.
    """
    n = min(len(a), len(b))
    lag = int(MAX_LAG_S * SAMPLE_RATE)
    exc = min(n, int(EXCERPT_S * SAMPLE_RATE))
    if exc <= 2 * lag or n < SAME_SPEECH_MIN_S * SAMPLE_RATE:
        return 0.0, 0
    r = pooled_xcorr(a, b, lag, exc, MAX_EXCERPTS)
    k = int(np.argmax(np.abs(r)))
    return float(r[k]), k - lag


def copied_speech(a: np.ndarray, b: np.ndarray) -> tuple[float, int] | None:
    """(correlation, lag) when ``a`` and ``b`` are one recording copied (:func:`same_speech` above
    :data:`SAME_SPEECH_CORR`, at any level: a mono mix panned hard to one side is still one signal),
    else None. A part of a two-mic take where one person talks correlates as highly as a copy: the
    callers judge a part on the whole recording (:func:`_whole_is_copied`), where both people talk."""
    r, lag = same_speech(a, b)
    if abs(r) <= SAME_SPEECH_CORR:
        return None
    return r, lag


def _spread_parts(start: float, stop: float) -> list[tuple[float, float]]:
    """Up to :data:`MAX_EXCERPTS` windows of :data:`EXCERPT_S` spread over ``start``-``stop`` (all of
    it when that is no longer): what :func:`same_speech` reads of a whole recording."""
    if stop - start <= EXCERPT_S * MAX_EXCERPTS:
        return [(start, stop)]
    return [(float(t), float(t) + EXCERPT_S) for t in np.linspace(start, stop - EXCERPT_S, MAX_EXCERPTS)]


def _whole_is_copied(read: Any, start: float, stop: float) -> bool:
    """Whether the whole recording (``start``-``stop`` of it; ``read(s, e)`` gives its two streams
    there) is one signal copied, judged on excerpts spread over it. A part where one person talks
    looks like a copy; the recording it is cut from, where both talk, does not. A recording that
    cannot be read there (a cut-off file) counts as copied: the part's refusal stands."""
    if stop - start < SAME_SPEECH_MIN_S:
        return True
    try:
        pieces = [read(s, e) for s, e in _spread_parts(start, stop)]
    except DualTalkError:
        return True
    a = np.concatenate([p[0] for p in pieces])
    b = np.concatenate([p[1] for p in pieces])
    return copied_speech(a, b) is not None


def _stereo_whole_is_copied(path: str | os.PathLike[str], duration: float) -> bool:
    """Whether the whole stereo file is one signal copied (a part that looks copied is refused only then)."""

    def read(s: float, e: float) -> tuple[np.ndarray, np.ndarray]:
        x, _ = read_channels(path, start=s, end=e)
        return x[0], x[1]

    return _whole_is_copied(read, 0.0, duration)


def _pair_whole_is_copied(path_a: str, path_b: str, off: float) -> bool:
    """Whether A's and B's files are one signal copied where both run (a part that looks copied is
    refused only then). ``off``: B's file starts that many seconds before A's (--offset-b)."""
    ia, ib = audio_info(path_a), audio_info(path_b)

    def read(s: float, e: float) -> tuple[np.ndarray, np.ndarray]:
        x, _ = read_channels(path_a, start=s, end=e, allow_short=True)
        y, _ = read_channels(path_b, start=s + off, end=e + off, allow_short=True)
        n = max(x.shape[1], y.shape[1])
        return _pad_to(_mono(x), n), _pad_to(_mono(y), n)

    return _whole_is_copied(read, max(0.0, -off), min(ia.duration, ib.duration - off))


def _same_speech_detail(r: float, lag: int) -> str:
    parts = [f"correlation {abs(r):.2f}"]
    if r < 0:
        parts.append("polarity inverted")
    if lag:
        parts.append(f"shifted {abs(lag) / SAMPLE_RATE * 1000:.1f} ms")
    return ", ".join(parts)


def _pad_to(x: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    out[: min(n, len(x))] = x[:n]
    return out


def _mono(x: np.ndarray) -> np.ndarray:
    return x[0] if x.shape[0] == 1 else x.mean(axis=0).astype(np.float32)


def _seconds(x: float, places: int = 3) -> str:
    """Seconds as an option value is typed: to ``places`` decimals, no trailing zeros (2, -1.5, 2.013)."""
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _load_pair(
    path_a: str, path_b: str, start: float | None, end: float | None, offset_b: float = 0.0
) -> tuple[np.ndarray, np.ndarray, dict]:
    """A's and B's files as one take's two streams. ``offset_b``: B's file starts that many seconds
    before A's (its recorder was started earlier; negative: later), so B's file time ``t`` is take time
    ``t - offset_b``. The take's time is A's file's time; ``--start/--end`` count in it."""
    ia, ib = audio_info(path_a), audio_info(path_b)
    off = float(offset_b or 0.0)
    # each file's span in take time: B's is moved by the offset
    spans = [(0.0, ia.duration), (-off, ib.duration - off)]
    if off and (spans[1][1] <= 0.0 or spans[1][0] >= ia.duration):
        side = "before A's file starts" if off > 0 else f"after A's file ends ({ia.duration:.2f} s)"
        raise DualTalkError(
            f"--offset-b {_seconds(off)} s puts all of {ib.path.name} ({ib.duration:.2f} s) {side}; "
            "--offset-b is how many seconds B's file starts before A's (negative: after)"
        )
    longest = max(ia.duration, spans[1][1])
    s, e = check_range(longest, start, end, "the longer file")
    _check_length(s, e, Path(path_a).name)
    if ia.path.resolve() == ib.path.resolve():
        raise DualTalkError(
            f"--audio and --audio-b are the same file ({ia.path.name}); for a mono mix give it once "
            "with --turns FILE, or --diarize to find the speakers automatically"
        )
    streams = []
    durations = [ia.duration, spans[1][1]]  # in take time; a cut-off file's: where its audio really stops
    for k, info in enumerate((ia, ib)):
        shift = 0.0 if k == 0 else off
        lo, hi = s + shift, min(e + shift, info.duration)  # this file's own time
        lead = np.zeros(int(round(max(0.0, -lo) * SAMPLE_RATE)), dtype=np.float32)  # started later
        if max(lo, 0.0) >= hi:
            streams.append(lead)  # this speaker's file has ended already (or not begun): silence
            continue
        # a cut-off file ends early like a shorter one: the rest of its speaker is silence
        x, read = read_channels(info.path, start=max(lo, 0.0), end=hi, allow_short=True)
        if read.stops_at is not None:
            durations[k] = read.stops_at - shift
        streams.append(np.concatenate([lead, _mono(x)]) if len(lead) else _mono(x))
    # A cut-off file (its header promises more than it holds) ends where its audio really stops: the
    # whole take ends with the longer real audio, and a part past both files' audio is refused.
    last, asked = max(durations), e
    # Only a cut-off longer file can end the take early (check_range held the part to its header):
    # name it in the words the one-file form uses, and the partner when its audio goes further.
    k = 0 if ia.duration >= spans[1][1] else 1
    longer, other = (ia, ib)[k].path.name, (ia, ib)[1 - k].path.name
    why = f"{longer} is the longer, but {cut_off_why(durations[k], spans[k][1], s)}"
    if durations[1 - k] > durations[k]:
        why += f"; {other} ends at {durations[1 - k]:.2f} s"
    both = f"{ia.path.name} and {ib.path.name}"
    if last <= s:
        raise DualTalkError(f"--start {s:g} s is past the end of {both}; {why}")
    if end is None and last < e:
        e = last
        _check_length(s, e, Path(path_a).name)
    elif end is not None and last + 1.0 / FPS < e:
        raise DualTalkError(f"--end {float(end):g} s is past the end of {both}; {why}")
    for info, stop, span in zip((ia, ib), durations, spans, strict=True):
        if stop + 1.0 / FPS < min(asked, span[1]):  # cut off inside the part asked for: say so
            log.warning(
                "%s: %s; its speaker is silent after that", info.path.name, cut_off_why(stop, span[1])
            )
    n = max(int(round((e - s) * SAMPLE_RATE)), max(len(x) for x in streams))
    a, b = _pad_to(streams[0], n), _pad_to(streams[1], n)
    meta = {
        "samplerate": [ia.samplerate, ib.samplerate],
        "durations": durations,
        "start": s,
        "end": e,
    }
    if off:
        meta["offset_b"] = off
    return a, b, meta


MIN_DIALOGUE_S = 0.1  # the speech encoders need a few frames of context; shorter is a mistake


def _check_length(s: float, e: float, name: str) -> None:
    if e - s < MIN_DIALOGUE_S:
        raise DualTalkError(
            f"{name}: {(e - s) * 1000:.0f} ms of audio is too short to animate; give at least {MIN_DIALOGUE_S:g} s"
        )


def _offset_warning(found: Any, given: float, name_a: str, name_b: str) -> str:
    """One line: the offset the bleed shows between A's and B's files, and the option that applies it."""
    # to 10 ms: each mic hears the partner a few ms late (3 ms a metre), A's voice in B's mic one way,
    # B's in A's the other, so finer digits would only measure where the people sat
    total = round(given + found.seconds, 2)
    where = "before" if total > 0 else "after"
    line = (
        f"{name_b} seems to start {_seconds(abs(total), 2)} s {where} {name_a}: each speaker's voice in the "
        f"other's mic lines up only at that shift (correlation {abs(found.r):.2f}); if the recorders were "
        "started apart, "
    )
    from ..core.request import BY_NAME

    value = _seconds(total, 2)
    panel = f"panel: {BY_NAME['offset_b'].title} {value} s"  # the add-on's field, under Audio B
    if given:
        applied = f"--offset-b {_seconds(given)} s already applied"
        return line + f"give --offset-b {value} instead ({panel}; {applied})"
    return line + f"give --offset-b {value} ({panel})"


SHARED_HINT_SHARE = 0.5  # more of the speech than this shared: perhaps the whole recording is one mix


def _drop_shared(
    a: np.ndarray, b: np.ndarray, act_a: np.ndarray, act_b: np.ndarray, warnings: list[str], source: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Neither speaker speaks where both streams carry the same sound at the same level (music on both
    channels, an intro, a bed): :func:`.sync.shared_content`. Says how long in one warning."""
    active = act_a | act_b
    shared = shared_content(a, b, active)
    if not shared.any():
        return act_a, act_b
    act_a, act_b = drop_blips(act_a & ~shared), drop_blips(act_b & ~shared)
    seconds = float(np.sum(active & ~(act_a | act_b))) / FPS
    # where, in seconds from the take's start: the engine still hears the sound there (a later step
    # may quieten it); the recording itself is left as it is (the take's sound keeps its music)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], shared.astype(np.int8), [0]])))
    source["shared_spans"] = [
        [round(int(i) / FPS, 2), round(int(j) / FPS, 2)] for i, j in zip(edges[::2], edges[1::2], strict=True)
    ]
    where = "both channels" if source.get("form") == "stereo" else "both channels (A's and B's files)"
    line = (
        f"{seconds:.1f} s of identical content on {where} (music or an intro?) treated as silence: "
        "neither character speaks there"
    )
    if seconds > SHARED_HINT_SHARE * float(np.sum(active)) / FPS:
        line += "; if the whole recording is one mix, give --turns FILE or --diarize"
    warnings.append(line)
    return act_a, act_b


# voice activity of two streams: where each step starts in the "audio" stage's bar, and what it says
# (a 20-minute take spent 12.6 s here with one line: review 31l F4)
VOICE_STEPS = (
    (0.50, "voice activity: A's levels"),
    (0.56, "voice activity: B's levels"),
    (0.62, "voice activity: A against B's bleed"),
    (0.70, "voice activity: B against A's bleed"),
    (0.78, "voice activity: sound on both channels"),
    (0.82, "voice activity: A's loudness against B's"),
    (0.90, "voice activity: B's loudness against A's"),
)


def _two_voices(
    a: np.ndarray,
    b: np.ndarray,
    warnings: list[str],
    source: dict[str, Any],
    *,
    quiet: bool = True,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each voice's activity against the other's bleed, less what both channels share
    (:func:`_drop_shared`), and (``quiet``) a mic left far quieter than its partner's said in
    ``warnings``. Each stream's levels are measured once for all of it (they were measured 17 times
    for a take: 6 of a 20-minute take's 9.5 CPU-s of loading), and each step is a line on
    ``progress``, where a cancel is heard."""
    step = iter(VOICE_STEPS)
    _update(progress, *next(step))
    a, b = one_stream(a, "A's stream"), one_stream(b, "B's stream")
    (level_a,) = stream_levels(a)
    _update(progress, *next(step))
    (level_b,) = stream_levels(b)
    _update(progress, *next(step))
    act_a = voice_activity(a, b, level=level_a, partner_level=level_b)
    _update(progress, *next(step))
    act_b = voice_activity(b, a, level=level_b, partner_level=level_a)
    _update(progress, *next(step))
    act_a, act_b = _drop_shared(a, b, act_a, act_b, warnings, source)
    if quiet:
        warnings += _quiet_stream_warnings(
            a, b, act_a, act_b, levels=(level_a, level_b), progress=progress, steps=step
        )
    return act_a, act_b


def _quiet_stream_warnings(
    a: np.ndarray,
    b: np.ndarray,
    act_a: np.ndarray,
    act_b: np.ndarray,
    *,
    levels: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Progress | None = None,
    steps: Iterator[tuple[float, str]] | None = None,
) -> list[str]:
    """One speaker's mic far quieter than the other's (a lavalier's gain left low): its speech is easily
    taken for the partner's bleed or for silence, and the behaviour layer then nods over its words.
    ``levels``: A's and B's frame levels when already measured; ``steps``: the progress line of each."""
    said = []
    level_a, level_b = levels if levels is not None else (None, None)
    for who, other, x, y, act, lx, ly in (
        ("A", "B", a, b, act_a, level_a, level_b),
        ("B", "A", b, a, act_b, level_b, level_a),
    ):
        if steps is not None:
            _update(progress, *next(steps))
        quieter, lost = quieter_than_partner(x, y, act, level=lx, partner_level=ly)
        if quieter >= QUIETER_WARN_DB and lost >= LOST_WARN_SHARE:
            said.append(
                f"{who}'s speech is {quieter:.0f} dB quieter than {other}'s; {lost:.0%} of it was read as "
                f"{other}'s bleed or silence: raise {who}'s level"
            )
    return said


def _speech_warnings(
    a: np.ndarray, b: np.ndarray, act_a: np.ndarray, act_b: np.ndarray, told: str = ""
) -> list[str]:
    """A silent speaker, or no speech at all, is said (not refused): the characters only listen.
    ``told``: the speakers ("B") whose listening a line already said (the diarizer's one voice)."""
    said = [
        f"speaker {who}'s audio is silent; {who} only listens"
        for who, x_ in (("A", a), ("B", b))
        if is_silent(x_) and who not in told
    ]
    if not act_a.any() and not act_b.any():
        said.append("no speech detected in either stream; both characters only listen")
    return said


def clipped_share(x: np.ndarray, active: np.ndarray) -> float:
    """The share of ``x``'s samples in its speech (``active``, one flag per 25 fps frame) at full
    scale (:data:`CLIP_LEVEL`); 0 where the speech peaks above :data:`ABOVE_FULL_SCALE` (nothing was
    cut there). Counted in pieces, so an hour's stream is never copied whole."""
    hop = SAMPLE_RATE // FPS
    n = min(len(active), len(x) // hop)
    flags = np.asarray(active[:n], bool)
    if not flags.any():
        return 0.0
    full = 0
    step = 15_000  # frames per piece (10 minutes)
    for i in range(0, n, step):
        level = np.abs(x[i * hop : min(i + step, n) * hop]).reshape(-1, hop)[flags[i : i + step]]
        if level.size and level.max() > ABOVE_FULL_SCALE:  # a float file's peaks above full scale
            return 0.0
        full += int(np.count_nonzero(level >= CLIP_LEVEL))
    return full / (int(flags.sum()) * hop)


def _clipping_warnings(a: np.ndarray, b: np.ndarray, act_a: np.ndarray, act_b: np.ndarray) -> list[str]:
    """A voice whose speech clipped is said: what is read from it (words, lips) is less reliable, and
    the fix is in the recording, not in a setting."""
    said = []
    for who, x, act in (("A", a, act_a), ("B", b, act_b)):
        share = clipped_share(x, act)
        if share > CLIPPED_SHARE:
            said.append(
                f"speaker {who}'s recording is clipped ({share:.1%} of their speech at full scale): "
                "words and lips read from it are less reliable; record it again or lower the gain"
            )
    return said


def _say_speech_warnings(
    a: np.ndarray,
    b: np.ndarray,
    act_a: np.ndarray,
    act_b: np.ndarray,
    warnings: list[str],
    source: dict[str, Any],
    said: list[str] | None = None,
    told: str = "",
) -> None:
    """``warnings`` plus who is silent (:func:`_speech_warnings`; ``told``: whose listening ``said``
    already says), each on the log (who is silent on :data:`silence_log`), and recorded in ``source``:
    ``warnings`` after ``said`` (warnings already on the log), and who is silent apart in ``silent``."""
    silent = _speech_warnings(a, b, act_a, act_b, told)
    warnings += silent + _clipping_warnings(a, b, act_a, act_b)
    for w in warnings:
        (silence_log if w in silent else log).warning(w)
    source["warnings"], source["silent"] = [*(said or []), *warnings], silent


def _check_turns_fit(segments: list[Segment], duration: float, turns_name: str) -> None:
    for seg in segments:
        if seg.start >= duration or seg.end > duration + TURN_TOLERANCE_S:
            raise DualTalkError(
                f"{turns_name} line {seg.line}: turn {seg.start:.2f}-{seg.end:.2f} s ({seg.speaker}) "
                f"lies beyond the audio's end ({duration:.2f} s)"
            )


def _window(segments: list[Segment], s: float, e: float) -> list[Segment]:
    """Segments clipped to [s, e) and shifted so that ``s`` is time 0."""
    out = []
    for seg in segments:
        a, b = max(seg.start, s), min(seg.end, e)
        if b > a:
            out.append(Segment(a - s, b - s, seg.speaker, seg.line))
    return out


# The recording's SOUND, kept beside its bytes' fingerprint, so the same recording re-encoded for the
# edit (FLAC, MP3, re-tagged, a gain) is still known as the take's. Measured on a 60 s synthetic
# dialogue and the 23 s real clip (../shared/data/dualtalk_demo), windows of 0.1 and 1 s: against the
# take's own decode, the loudness envelope of an MP3 at 96-128 kbps, FLAC, a resampled copy or a
# +-12 dB gain differs by <= 0.08 dB on average (95th percentile <= 0.37 dB) once the gain is removed,
# a dynamic loudnorm by ~1 dB (95th: 3.5 dB); another recording of the same length, another part of it,
# its speakers swapped or the sound reversed by >= 9.7 dB (95th: >= 24 dB). Lengths decoded from
# ffmpeg's FLAC and MP3 (LAME header) were exact to the sample.
# A LOCAL edit (a line re-recorded or muted) hides in those averages, so each channel is judged on
# its own and on every 0.5 s of it too: the mean difference over any 0.5 s of one channel (windows
# silent in both counting 0; speech has gaps, so "every window off" would miss an edit). Measured
# (12 and 60 s synthetic takes at 16 and 48 kHz, the real clip as stereo and as two files, a 10 min
# take at 0.29 s windows): the accepted copies above (MP3 96/128 kbps, FLAC, 44.1 kHz, +-12 dB,
# re-tagged, loudnorm to WAV or MP3) reach at most 4.1 dB over a 0.5 s span (loudnorm, real clip;
# codecs and gains <= 0.8 dB); one speaker's 0.5 s replaced by other speech or muted at least 7.4 dB
# (12 dB on the real clip), 1 s or longer at least 11.6 dB, another recording >= 60 dB. Limits: a long
# take's windows are wider (:func:`sound_signature`'s ``hop``: > 0.5 s past ~17 min), so a span is
# then one window and an edit much shorter than a window may pass; an edit where the speaker was
# silent anyway (muting a pause) is no change to the sound and passes; one speaker's own file put
# through loudnorm on its own (the real clip's A: 95th percentile 7.5 dB) was refused and still is.
SOUND_HOP = SAMPLE_RATE // 10  # 0.1 s loudness windows: a frame's misplacement shows in them
SOUND_POINTS = 2048  # at most this many windows a channel (longer parts: wider windows)
SOUND_RANGE_DB = 40.0  # windows this far below the loudest are silence: their level is noise
SOUND_MEAN_DB = 2.0  # the same sound: each channel's envelope within this on average, gain removed ...
SOUND_P95_DB = 6.0  # ... 95 % of its windows within this ...
SOUND_SPAN_S = 0.5  # ... and no span this long (at least one window) ...
SOUND_SPAN_DB = 6.0  # ... off by more than this on average (a line re-recorded or muted)
SOUND_LEVELS = (-100.0, 0.5)  # a window's dB is kept as one byte: floor and step (-100 .. +27.5 dB)


def whole_samples(path: str | os.PathLike[str]) -> int:
    """The file's length in 16 kHz samples, from its header (exact for WAV and FLAC, and for an MP3
    with its encoder's delay and padding recorded, as ffmpeg and LAME write them)."""
    from .loader import window_samples

    return window_samples(0.0, audio_info(path).duration)[1]


def _envelope(x: np.ndarray, hop: int) -> np.ndarray:
    """(C, windows) loudness in dB of each ``hop``-sample window of each channel (the last part dropped)."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float32))
    n = x.shape[1] // hop
    windows = x[:, : n * hop].reshape(x.shape[0], n, hop)
    power = np.einsum("cwh,cwh->cw", windows, windows).astype(np.float64) / hop  # no copy of an hour's audio
    return 10.0 * np.log10(power + 1e-10)


def sound_signature(
    heard: list[np.ndarray], paths: list[Path], start: float, end: float, offset_b: float = 0.0
) -> dict[str, Any]:
    """A compact record of the sound the take heard: each file's whole length (16 kHz samples) and a
    coarse loudness envelope of each of its channels over the part ``start..end`` (``heard``: one
    (C, N) or (N,) array per file, as decoded), at most :data:`SOUND_POINTS` bytes a channel (an hour
    of stereo: 5.5 KB), so a copy with other bytes can be compared by :func:`same_sound`."""
    import base64

    n = max((np.atleast_2d(x).shape[1] for x in heard), default=0)
    hop = max(SOUND_HOP, -(-n // SOUND_POINTS))
    floor, step = SOUND_LEVELS
    env = []
    for x in heard:
        levels = np.clip(np.round((_envelope(x, hop) - floor) / step), 0, 255).astype(np.uint8)
        env.append([base64.b64encode(row.tobytes()).decode("ascii") for row in levels])
    sound: dict[str, Any] = {
        "v": 1,
        "hop": hop,
        "start": float(start),
        "end": float(end),
        "samples": [whole_samples(p) for p in paths],
        "env": env,
    }
    if offset_b:
        sound["offset_b"] = float(offset_b)
    return sound


def recorded_envelopes(sound: Mapping[str, Any]) -> list[np.ndarray]:
    """The envelopes a signature keeps, in dB (one (C, windows) array a file); KeyError, TypeError or
    ValueError for a damaged record."""
    import base64

    floor, step = SOUND_LEVELS
    out = []
    for rows in sound["env"]:
        levels = [np.frombuffer(base64.b64decode(str(r), validate=True), dtype=np.uint8) for r in rows]
        if not levels or len({len(r) for r in levels}) != 1:
            raise ValueError("uneven envelope")
        out.append(floor + step * np.stack(levels).astype(np.float64))
    return out


def _channel_misfits(
    took: list[np.ndarray], given: list[np.ndarray], hop: int
) -> list[tuple[float, float, float]]:
    """How far each channel of ``given`` (one (C, windows) dB envelope a file) is from the take's, as
    (mean, 95th percentile, worst mean over :data:`SOUND_SPAN_S`) in dB; empty when the take has no
    loud window. Each file's gain is the median difference over the take's loud windows in it (each
    speaker's file may have been normalised on its own; a file silent throughout takes the others');
    then, both clipped at :data:`SOUND_RANGE_DB` below the take's loudest (silence and codec noise
    alike), the windows where either is above that are compared."""
    floor = max(float(t.max()) for t in took) - SOUND_RANGE_DB
    loud = [t > floor + 10.0 for t in took]
    if not any(m.any() for m in loud):
        return []
    pooled = float(np.median(np.concatenate([(g - t)[m] for t, g, m in zip(took, given, loud, strict=True)])))
    span = max(1, round(SOUND_SPAN_S * SAMPLE_RATE / hop))
    out = []
    for t, g, m in zip(took, given, loud, strict=True):
        gain = float(np.median((g - t)[m])) if m.any() else pooled
        for a, b in zip(np.maximum(t, floor), np.maximum(g - gain, floor), strict=True):
            heard = (a > floor) | (b > floor)
            if not heard.any():
                continue  # silent in both: nothing to compare
            diff = np.where(heard, np.abs(a - b), 0.0)
            spans = np.convolve(diff, np.full(span, 1.0 / span), "valid") if diff.size >= span else diff
            out.append((float(diff[heard].mean()), float(np.percentile(diff[heard], 95)), float(spans.max())))
    return out


def _envelopes_agree(took: list[np.ndarray], given: list[np.ndarray], hop: int) -> bool:
    """Whether the envelopes are one sound at a constant gain a file: every channel within
    :data:`SOUND_MEAN_DB` on average, :data:`SOUND_P95_DB` at the 95th percentile and
    :data:`SOUND_SPAN_DB` over every :data:`SOUND_SPAN_S` (a line edited there is another sound)."""
    misfits = _channel_misfits(took, given, hop)
    return bool(misfits) and all(
        mean <= SOUND_MEAN_DB and p95 <= SOUND_P95_DB and local <= SOUND_SPAN_DB
        for mean, p95, local in misfits
    )


def same_sound(sound: Mapping[str, Any], paths: list[Path]) -> bool:
    """Whether ``paths`` hold the sound a take's :func:`sound_signature` records, in other bytes (another
    encoding, tags, a gain): each file as long as the take's within a frame at 25 fps, as many
    channels, and the part the take heard, decoded again, as loud over time at one constant gain a
    file, each channel throughout. Another recording, another cut (trimmed, padded, another part), a
    sped-up copy or one with a line edited (re-recorded or muted, half a second or more) is not. Decodes
    only the part; False for a signature or a file that cannot be read."""
    try:
        took = recorded_envelopes(sound)
        hop, start, end = int(sound["hop"]), float(sound["start"]), float(sound["end"])
        samples = [int(n) for n in sound["samples"]]
        offset_b = float(sound.get("offset_b", 0.0))
    except (KeyError, TypeError, ValueError):  # binascii.Error is a ValueError
        return False
    if hop <= 0 or len(samples) != len(paths) or len(took) != len(paths):
        return False
    try:
        if any(abs(whole_samples(p) - n) > SAMPLE_RATE // FPS for p, n in zip(paths, samples, strict=True)):
            return False
        if len(paths) == 2:
            a, b, _meta = _load_pair(str(paths[0]), str(paths[1]), start, end, offset_b)
            heard = [a, b]
        else:
            heard = [read_channels(paths[0], start=start, end=end)[0]]
    except DualTalkError:
        return False
    pairs = list(zip(took, (_envelope(x, hop) for x in heard), strict=True))
    if any(t.shape[0] != g.shape[0] or abs(t.shape[1] - g.shape[1]) > 1 for t, g in pairs):
        return False  # another channel layout, or a part of another length
    n = [min(t.shape[1], g.shape[1]) for t, g in pairs]
    if min(n) <= 0:
        return False
    took_n = [t[:, :k] for (t, _g), k in zip(pairs, n, strict=True)]
    return _envelopes_agree(took_n, [g[:, :k] for (_t, g), k in zip(pairs, n, strict=True)], hop)


_DIARIZED: dict[tuple[str, int, int], Any] = {}  # the last recording's diarization, by file identity


def _recording_diarization(audio: str | os.PathLike[str], whole_mix: np.ndarray | None) -> Any:
    """The whole recording's diarization (``whole_mix``: its mono mix when already read, else it is
    read here). The last one is kept: a part and then its whole recording in one run (the pipeline's
    behaviour layer, a transcript) diarize once, not twice."""
    from .diarize import diarize_mix

    st = os.stat(audio)
    key = (os.path.realpath(audio), st.st_size, st.st_mtime_ns)
    if key not in _DIARIZED:
        if whole_mix is None:
            full, _ = read_channels(audio)
            whole_mix = _mono(full)
        result = diarize_mix(whole_mix)
        _DIARIZED.clear()
        _DIARIZED[key] = result
    return _DIARIZED[key]


def _warn_turns_past_the_audio(segments: list[Segment], stops: float, name: str, warnings: list[str]) -> None:
    """A cut-off file's turns after its audio stops cannot be animated: name them (their lines)
    rather than dropping them after the cut-off warning without a word."""
    lost = [g for g in segments if g.end > stops + TURN_TOLERANCE_S]
    if not lost:
        return
    shown = ", ".join(f"line {g.line} ({g.speaker} {g.start:.2f}-{g.end:.2f} s)" for g in lost[:3])
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    turns = f"{len(lost)} turns go" if len(lost) != 1 else "1 turn goes"
    warnings.append(
        f"{name}: {turns} past {stops:.2f} s, where the audio stops, and are not animated there: {shown}{more}"
    )


def _from_segments(
    mix: np.ndarray, segments: list[Segment], speaker_a: str, speaker_b: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    a, b, fa, fb = split_mix(mix, segments, speaker_a, speaker_b)
    # turns are often coarse (a subtitle spans pauses): keep only voiced frames inside them
    voiced = voice_activity(mix)
    act_a, act_b = fa & voiced, fb & voiced
    return a, b, act_a, act_b


def _needs_turns(name: str) -> DualTalkError:
    """The refusal of a mono recording given alone. It needs only the header's channel count, so
    it comes before anything is decoded (a 3 h take took 9-16 s and 1.7 GB to be refused)."""
    return DualTalkError(
        f"{name} is a mono mix: say who speaks when with --turns FILE (RTTM, Audacity labels, "
        "SRT or WebVTT), give B's own file with --audio-b, or try --diarize (automatic, less accurate)"
    )


def load_dialogue(
    audio: str | os.PathLike[str] | None,
    audio_b: str | os.PathLike[str] | None = None,
    turns: str | os.PathLike[str] | None = None,
    *,
    swap: bool = False,
    speaker_a: str | None = None,
    diarize: bool = False,
    start: float | None = None,
    end: float | None = None,
    offset_b: float | None = None,
    progress: Progress | None = None,
) -> Dialogue:
    """Read any accepted dialogue form; every bad input is a one-line :class:`DualTalkError`.

    ``offset_b`` (with ``audio_b``): B's file starts that many seconds before A's (its recorder was
    started earlier; negative: later); B is shifted by it before anything else."""
    if audio is None or str(audio) == "":
        raise DualTalkError(
            "no dialogue audio: give --audio FILE (stereo, or A's file with --audio-b, or a mix with --turns)"
        )
    if audio_b is not None and turns is not None:
        raise DualTalkError("give either --audio-b (one file per speaker) or --turns (a mono mix), not both")
    if diarize and (audio_b is not None or turns is not None):
        raise DualTalkError("--diarize is for a mono mix alone; drop it when giving --audio-b or --turns")
    if offset_b and audio_b is None:
        raise DualTalkError("--offset-b applies only with --audio-b (one file per speaker, recorded apart)")
    if speaker_a is not None and turns is None:
        raise DualTalkError("--speaker-a only applies with --turns (it picks which named speaker is A)")
    _update(progress, 0.0, "reading audio")
    warnings: list[str] = []
    said: list[str] = []  # warnings already on the log (the diarizer's own, said once per diarization)
    told = ""  # the speakers whose listening a line in ``said`` already says
    source: dict[str, Any] = {"audio": str(audio), "swap": bool(swap)}
    names = ("A", "B")

    if audio_b is not None:
        a, b, meta = _load_pair(str(audio), str(audio_b), start, end, offset_b or 0.0)
        source.update(form="pair", audio_b=str(audio_b), **meta)
        heard = [a, b]  # each file's part as the take hears it (B's at its shift)
        if not is_silent(a) and not is_silent(b):
            copy = copied_speech(a, b)
            if copy is not None and (start is not None or end is not None):
                if not _pair_whole_is_copied(str(audio), str(audio_b), float(offset_b or 0.0)):
                    copy = None
            if copy is not None:
                r, lag = copy
                raise DualTalkError(
                    f"{Path(audio).name} and {Path(audio_b).name} carry the same speech "
                    f"({_same_speech_detail(r, lag)}); for a mono mix give it once with --turns FILE, "
                    "or --diarize to find the speakers automatically"
                )
            # recorders started apart: the bleed lines up away from 0 (said, not applied: the user decides)
            offset = find_offset(a, b)
            if offset is not None and abs(offset.seconds) >= OFFSET_MIN_S:
                warnings.append(
                    _offset_warning(offset, float(offset_b or 0.0), Path(audio).name, Path(audio_b).name)
                )
        s = meta["start"]
        act_a, act_b = _two_voices(a, b, warnings, source, progress=progress)
    else:
        info = audio_info(audio)
        if info.channels == 1 and turns is None and not diarize:  # the header says so: decode nothing
            raise _needs_turns(info.path.name)
        s, e = check_range(info.duration, start, end, info.path.name)
        _check_length(s, e, info.path.name)
        if turns is not None:  # parse and check the turns before decoding a possibly long take
            tname = Path(turns).name
            segments = for_recording(read_turns(turns), audio, tname)
            _check_turns_fit(segments, info.duration, tname)
            try:
                spk_a, spk_b = assign_speakers(segments, speaker_a)
            except DualTalkError as exc:
                raise DualTalkError(f"{tname}: {exc}") from None
        x, read = read_channels(audio, start=start, end=end)
        if read.stops_at is not None:  # a cut-off file: the part ends where its audio really stops
            e = read.stops_at
            _check_length(s, e, info.path.name)
        source.update(samplerate=info.samplerate, start=s, end=e, channels=info.channels)
        heard = [x]
        if turns is not None:
            mix = _mono(x)
            inside = _window(segments, s, e)
            if read.stops_at is not None:
                _warn_turns_past_the_audio(segments, e, tname, warnings)
            if not inside:
                raise DualTalkError(
                    f"no turn in {tname} falls inside {s:g}-{e:g} s; widen --start/--end or check the turns file"
                )
            _update(progress, 0.5, "splitting the mix by turns")
            a, b, act_a, act_b = _from_segments(mix, inside, spk_a, spk_b)
            names = (spk_a, spk_b or "B")
            both = overlap_warning(inside, spk_a, spk_b, tname)
            if both is not None:
                warnings.append(both)
            if spk_b is None:
                warnings.append(f"{tname} names only one speaker ({spk_a}); B only listens")
            source.update(form="turns", turns=str(turns), speakers=[spk_a, spk_b], mono_input=x.shape[0] == 1)
        elif x.shape[0] == 2 and not diarize:
            a, b = x[0].copy(), x[1].copy()
            if not is_silent(a) and not is_silent(b):
                copy = copied_speech(a, b)
                if copy is not None and (s > 0.0 or e < info.duration):  # a part: the whole take decides
                    if not _stereo_whole_is_copied(audio, info.duration):
                        copy = None
                if copy is not None:
                    r, lag = copy
                    raise DualTalkError(
                        f"the two channels of {info.path.name} are the same signal (a mono mix saved as stereo: "
                        f"{_same_speech_detail(r, lag)}); give --turns FILE, or --diarize to find the speakers "
                        "automatically"
                    )
            source.update(form="stereo")
            act_a, act_b = _two_voices(a, b, warnings, source, progress=progress)
        elif diarize:
            mix = _mono(x)
            if is_silent(mix):
                raise DualTalkError(f"{info.path.name} is silent in the chosen range; nothing to diarize")
            _update(progress, 0.3, "diarizing the mix")
            # a part (--start/--end, a re-generated range) is cut from the whole recording's
            # diarization: diarizing the part alone could name its first voice A and swap the
            # characters against the whole take
            whole = start is None and end is None
            result = _recording_diarization(audio, mix if whole else None)
            found = result.segments if whole else _window(result.segments, s, e)
            a, b, act_a, act_b = _from_segments(mix, found, "S1", "S2")
            turns_found = [[round(g.start + s, 3), round(g.end + s, 3), g.speaker] for g in found]
            source.update(form="diarized", diarization={**result.meta, "segments": turns_found})
            said += [str(w) for w in result.meta.get("warnings", [])]  # WEAKER_METHOD: the take says so too
            # one voice heard: the diarizer's own line says so and that B only listens, with its
            # measures and the way out (in ``said``, kept by the take); nothing more is said of B
            if "+one-voice" in str(result.meta.get("method", "")):
                told = "B"
            elif not act_b.any():
                warnings.append(
                    "diarization found only one speaker; B only listens"
                    if not any(g.speaker == "S2" for g in result.segments)
                    else f"B (the recording's second voice) does not speak in {s:g}-{e:g} s; B only listens"
                )
        else:  # refused above from the header; kept for a reader that hands back one channel anyway
            raise _needs_turns(info.path.name)

    if is_silent(a) and is_silent(b):
        form = source.get("form")
        # with turns or diarization the streams are the mix where someone speaks: the mix may be loud
        if form in ("turns", "diarized") and not is_silent(mix):
            peak = 20 * np.log10(float(np.abs(mix).max()))
            raise DualTalkError(
                f"--diarize found no speech in {Path(audio).name} ({s:g}-{e:g} s; it is not silent, peak "
                f"{peak:.0f} dBFS: noise, music or a tone?); check the file, or say who speaks when with --turns FILE"
                if form == "diarized"
                else f"the turns in {tname} cover only silence of {Path(audio).name} ({s:g}-{e:g} s; the audio has "
                f"sound elsewhere, peak {peak:.0f} dBFS); check that the turns file belongs to this recording"
            )
        raise DualTalkError(
            "the dialogue audio is silent (peak below -80 dBFS) in the chosen range; check the file or --start/--end"
        )
    _say_speech_warnings(a, b, act_a, act_b, warnings, source, said, told)
    # which recording the take is made from, by its contents: every take's motion files carry it, so
    # a range re-generated later (animate --range, Re-generate selection) can check its audio
    files = [Path(p) for p in (audio, audio_b) if p is not None]
    source["fingerprint"] = recording_fingerprint(files)
    # ... and by its sound, so the same recording re-encoded for the edit is still the take's
    source["sound"] = sound_signature(heard, files, float(s), float(source["end"]), float(offset_b or 0.0))
    dlg = Dialogue(a, b, act_a, act_b, start_time=float(s), names=names, source=source)
    if swap:
        dlg = Dialogue(dlg.b, dlg.a, dlg.active_b, dlg.active_a, dlg.start_time, (names[1], names[0]), source)
    _update(progress, 1.0, dlg.summary())
    return dlg
