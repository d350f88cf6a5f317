"""Speech with exact phone timings, from the Debian text-to-speech engines.

The lite model learns mouth shapes from synthetic speech, so the one thing the voice
must give us besides audio is *when each phone is spoken*. Two engines provide that
exactly, with no forced alignment:

* **espeak-ng** through its C API (``libespeak-ng.so.1`` via ctypes): with
  ``espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_PHONEME_IPA`` every phone arrives
  as an event carrying its IPA name and its position in the audio in milliseconds, in
  any of espeak-ng's ~100 languages (``ipa.py`` maps IPA to visemes). Voices: any
  language or accent x the bundled variants (m1..m7, f1..f5, klatt, ...), with rate,
  pitch and pitch range set per utterance.
  Licence: GPL-3.0 program and data; the audio it produces is program *output* and
  carries no licence restriction, so training on it and shipping the weights is fine.
* **flite** (``flite -psdur``): prints every phone with its end time. Voices kal,
  kal16, awb, rms, slt (CMU, BSD-style licence; ARCTIC voices are free to use and
  redistribute). Rate and pitch through ``--setf duration_stretch`` /
  ``int_f0_target_mean``.

MBROLA voices are never used (their licence forbids this kind of use).

espeak-ng carries synthesis state from one utterance to the next (its library keeps it in
static variables the API cannot reset: a line read after others came out up to 10 ms longer), so
each utterance is spoken by a private copy of the library, loaded fresh and unloaded after it
(about 2 ms): the same line in the same voice gives the same samples whatever was read before,
in any process. Where no copy can be made the one shared library speaks, as before.
Audio is returned at 16 kHz mono float32, timings in seconds.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..core.errors import DualTalkError
from ..core.interrupts import raise_if_interrupted
from ..core.timebase import SAMPLE_RATE
from ..phonetic.ipa import espeak_phone, is_language_switch
from . import c_rand

ESPEAK_VOICES = (
    "en-us",
    "en",
    "en-gb-x-gbcwmd",
    "en-gb-scotland",
    "en-gb-x-rp",
    "en-029",
    "en-us-nyc",
    "en-gb-x-gbclan",
)
ESPEAK_VARIANTS_M = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
ESPEAK_VARIANTS_F = ("f1", "f2", "f3", "f4", "f5")
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
FLITE_FEMALE = ("slt",)
# espeak-ng reports each phoneme event about 20 ms after the sound it names begins:
# warping its reading onto flite speech (whose phone ends are exact) puts its bilabial
# onsets 24 ms, open vowels 17 ms and labiodentals 15 ms late, and the energy rise at a
# bilabial's release comes 13-49 ms (median 26 ms) before espeak's vowel event. Phones are
# moved earlier by this much so synthetic targets sit on the sound like flite's and
# pocketsphinx's do (measured in MODEL_CARD.md, "espeak-ng's phone events run late").
ESPEAK_EVENT_LAG_S = 0.020


@dataclass
class Phone:
    """One phone: its engine symbol and where it sits in the audio (seconds)."""

    symbol: str
    start: float
    end: float
    alphabet: str  # "ipa" (espeak-ng), "arpabet" (flite, pocketsphinx) or "espeak" (mnemonics)


@dataclass
class Utterance:
    """Synthesised speech plus the phones that were spoken."""

    audio: np.ndarray  # (N,) float32 at 16 kHz
    phones: list[Phone]
    text: str
    engine: str
    voice: str
    options: dict = field(default_factory=dict)
    # espeak-ng only: each word said and when it starts (s), in the order said
    words: list[tuple[str, float]] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE


@dataclass
class Voice:
    """Everything needed to reproduce a speaker's sound."""

    engine: str  # "espeak" | "flite"
    name: str  # espeak "en-us+m3" or flite "slt"
    rate: float = 1.0  # speed factor (1 = engine default)
    pitch: float = 50.0  # espeak 0..100; flite target mean = 60 + pitch * 1.6 Hz
    pitch_range: float = 50.0  # espeak 0..100
    female: bool = False


def _resample(x: np.ndarray, sr: int) -> np.ndarray:
    if sr == SAMPLE_RATE:
        return x.astype(np.float32)
    from scipy.signal import resample_poly

    frac = Fraction(SAMPLE_RATE, sr)
    return resample_poly(x, frac.numerator, frac.denominator).astype(np.float32)


# espeak-ng ------------------------------------------------------------------------


class _Event(ctypes.Structure):
    class _Id(ctypes.Union):
        _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _Id),
    ]


class _Voice(ctypes.Structure):
    """espeak-ng's ``espeak_VOICE`` (speak_lib.h)."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)
_EV_END_LIST, _EV_WORD, _EV_PHONEME, _EV_MSG_END = 0, 1, 7, 6
_SYNCHRONOUS = 2
_PHONEME_EVENTS = 0x0001 | 0x0002  # phoneme events, named in IPA
_RATE, _PITCH, _RANGE = 1, 3, 4


def _first_tag(languages: bytes | None) -> str:
    """A voice's first language tag: ``languages`` is a priority byte then the tag (ctypes reads
    the field up to its first NUL, so only the first of its entries)."""
    return languages[1:].decode("ascii", "replace") if languages else ""


def _prototypes(lib: ctypes.CDLL) -> None:
    """The argument and result types of the espeak-ng calls used here (ctypes guesses int otherwise)."""
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_ListVoices.argtypes = [ctypes.POINTER(_Voice)]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(_Voice)
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
    ]  # fmt: skip


def _loaded_file(name: str) -> Path | None:
    """The file the process loaded for library ``name`` (a soname on Linux, a path elsewhere), or
    None when it cannot be told: Linux lists every mapped file in /proc/self/maps."""
    if os.path.isabs(name):
        return Path(name) if os.path.isfile(name) else None
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for row in maps.splitlines():
        path = row.split(maxsplit=5)[-1] if row.count(" ") >= 5 else ""
        if os.path.basename(path).startswith("libespeak-ng") and os.path.isfile(path):
            return Path(path)
    return None


def _unload(lib: ctypes.CDLL) -> None:
    """Unmap a library loaded by ctypes (ctypes never does), so a later load starts from its file."""
    import _ctypes

    if sys.platform == "win32":
        _ctypes.FreeLibrary(lib._handle)  # type: ignore[attr-defined]
    else:
        _ctypes.dlclose(lib._handle)


class _Espeak:
    """espeak-ng: one shared instance lists the voices; each utterance is spoken by a fresh private
    copy of the library (:meth:`_fresh`), since the library keeps state between utterances. One lock."""

    lock = threading.Lock()
    _inst: _Espeak | None = None

    def __init__(self) -> None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self.lib = ctypes.CDLL(name)
        except OSError:
            raise DualTalkError("espeak-ng is not installed (apt-get install espeak-ng)") from None
        _prototypes(self.lib)
        self.sr = self.lib.espeak_Initialize(_SYNCHRONOUS, 200, None, _PHONEME_EVENTS)
        if self.sr <= 0:
            raise DualTalkError("espeak-ng failed to initialise (is espeak-ng-data installed?)")
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[str, int]] = []
        self._words: list[tuple[int, int, int]] = []  # (text position from 1, length, audio ms)
        self._cb = _CALLBACK(self._on_audio)  # keep a reference: C holds the pointer
        self.lib.espeak_SetSynthCallback(self._cb)
        self._file = _loaded_file(name)
        self._copies: Path | None = None  # the folder of the private copies, made on first use
        self._count = 0

    def _fresh(self) -> ctypes.CDLL | None:
        """A private copy of the library, loaded and initialised as in a new process, or None when
        none can be made (its file unknown, no temporary folder): the caller uses the shared one."""
        if self._file is None:
            return None
        try:
            if self._copies is None:
                self._copies = Path(tempfile.mkdtemp(prefix="dualtalk-espeak-"))
                atexit.register(shutil.rmtree, self._copies, True)
            self._count += 1  # a new name each time: a copy that did not unload is never reused
            copy = self._copies / f"{self._count}{self._file.suffix or '.so'}"
            shutil.copyfile(self._file, copy)
            lib = ctypes.CDLL(str(copy))
        except OSError:
            self._file = None  # no copies in this process: say nothing more, speak as before
            return None
        _prototypes(lib)
        if lib.espeak_Initialize(_SYNCHRONOUS, 200, None, _PHONEME_EVENTS) != self.sr:
            _unload(lib)
            self._file = None
            return None
        lib.espeak_SetSynthCallback(self._cb)
        return lib

    def _close(self, lib: ctypes.CDLL) -> None:
        """Terminate and unload a private copy, and remove its file."""
        path = lib._name
        lib.espeak_Terminate()
        _unload(lib)
        Path(path).unlink(missing_ok=True)

    @classmethod
    def get(cls) -> _Espeak:
        if cls._inst is None:
            cls._inst = _Espeak()
        return cls._inst

    def _on_audio(self, wav, num, events) -> int:
        if num > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(num,)).copy())
        i = 0
        while events[i].type != _EV_END_LIST:
            ev = events[i]
            if ev.type == _EV_PHONEME:
                sym = bytes(ev.id.string).split(b"\0", 1)[0].decode("utf-8", "replace")
                self._events.append((sym, ev.audio_position))
            elif ev.type == _EV_WORD:
                self._words.append((ev.text_position, ev.length, ev.audio_position))
            i += 1
        return 0

    def variants(self) -> set[str]:
        """The voice variants espeak-ng finds in its data (``voices/!v/<name>``), by name."""
        spec = _Voice(None, b"variant", None, 0, 0, 0, 0, 0, None)
        out: set[str] = set()
        with self.lock:
            found = self.lib.espeak_ListVoices(ctypes.byref(spec))
            i = 0
            while found and found[i]:
                ident = (found[i].contents.identifier or b"").decode("utf-8", "replace")
                if ident.startswith("!v/"):
                    out.add(ident[3:])
                i += 1
        return out

    def voices(self) -> dict[str, str]:
        """Every voice espeak-ng finds (variants aside): its identifier's last part ("es",
        "cmn-latn-pinyin", "pt-br"...) and each language tag it speaks ("fr-fr", "en-gb"), mapped to
        that identifier part, the name ``speak`` sets the voice by."""
        out: dict[str, str] = {}
        with self.lock:
            found = self.lib.espeak_ListVoices(None)
            i = 0
            while found and found[i]:
                voice = found[i].contents
                ident = (voice.identifier or b"").decode("utf-8", "replace")
                i += 1
                if not ident or ident.startswith(("!v/", "mb/")):
                    continue
                name = ident.rsplit("/", 1)[-1].lower()
                out.setdefault(name, name)
                tag = _first_tag(voice.languages).lower()
                if tag:
                    out.setdefault(tag, name)
        return out

    def _synth(
        self, lib: ctypes.CDLL, text: str, voice: Voice
    ) -> tuple[str, np.ndarray, list[tuple[str, int]], list[tuple[int, int, int]]]:
        """``text`` spoken by ``lib`` (the caller holds the lock): the voice's language tag, the raw
        samples, the phone events and the word marks."""
        if lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
            raise DualTalkError(f"espeak-ng has no voice {voice.name!r}")
        current = lib.espeak_GetCurrentVoice()
        language = _first_tag(current.contents.languages) if current else ""
        lib.espeak_SetParameter(_RATE, int(np.clip(175 * voice.rate, 80, 450)), 0)
        lib.espeak_SetParameter(_PITCH, int(np.clip(voice.pitch, 0, 100)), 0)
        lib.espeak_SetParameter(_RANGE, int(np.clip(voice.pitch_range, 0, 100)), 0)
        self._chunks, self._events, self._words = [], [], []
        buf = text.encode("utf-8") + b"\0"
        err = lib.espeak_Synth(buf, len(buf), 0, 1, 0, 1, None, None)  # POS_CHARACTER, UTF8
        # a Ctrl-C landing in espeak's audio callback is printed by ctypes, not raised: raise it
        # here (the command's handler recorded it), or the utterance came back cut short
        raise_if_interrupted()
        if err != 0:
            raise DualTalkError(f"espeak-ng could not synthesise {text[:30]!r} (code {err})")
        raw = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return language, raw, list(self._events), list(self._words)

    def speak(self, text: str, voice: Voice) -> Utterance:
        # c_rand.seeded: the breathy variants (f2, f3, f5, ...) draw their breath noise from the C
        # library's process-wide rand(); held at a new process's state, the same line in the same voice
        # gives the same samples whatever was spoken or drawn before (a test suite, a notebook)
        with self.lock, c_rand.seeded():
            lib = self._fresh()
            try:
                language, raw, events, marks = self._synth(lib or self.lib, text, voice)
            finally:
                if lib is not None:
                    self._close(lib)
        audio = _resample(raw.astype(np.float32) / 32768.0, self.sr)
        dur = len(audio) / SAMPLE_RATE
        phones = []
        times = [max(0.0, ms / 1000.0 - ESPEAK_EVENT_LAG_S) for _sym, ms in events]
        reading = language  # espeak-ng reads on in the language a switch marker "(en)" names
        for k, (sym, _ms) in enumerate(events):
            start = times[k]
            end = times[k + 1] if k + 1 < len(events) else dur
            if is_language_switch(sym):  # an event, not a phone: "(en)" before an English name
                reading = sym.strip()[1:-1] or language
                continue
            if end > start and sym:
                phones.append(Phone(espeak_phone(sym, reading), start, min(end, dur), "ipa"))
        opts = {"rate": voice.rate, "pitch": voice.pitch, "range": voice.pitch_range}
        words = [  # (text positions count the text's characters from 1)
            (text[pos - 1 : pos - 1 + length], max(0.0, ms / 1000.0 - ESPEAK_EVENT_LAG_S))
            for pos, length, ms in marks
            if pos >= 1 and length > 0
        ]
        return Utterance(audio, phones, text, "espeak", voice.name, opts, words)


# flite -------------------------------------------------------------------------------


def _flite(text: str, voice: Voice) -> Utterance:
    exe = shutil.which("flite")
    if exe is None:
        raise DualTalkError("flite is not installed (apt-get install flite)")
    import soundfile as sf

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "u.wav"
        f0 = 60.0 + voice.pitch * 1.6
        cmd = [
            exe, "-voice", voice.name, "-psdur",
            "--setf", f"duration_stretch={1.0 / max(voice.rate, 0.3):.3f}",
            "--setf", f"int_f0_target_mean={f0:.1f}",
            "-t", text, "-o", str(wav),
        ]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if res.returncode != 0 or not wav.exists():
            raise DualTalkError(f"flite failed for voice {voice.name}: {res.stderr.strip()[:200]}")
        raw, sr = sf.read(wav, dtype="float32")
    audio = _resample(raw if raw.ndim == 1 else raw.mean(axis=1), sr)
    dur = len(audio) / SAMPLE_RATE
    phones, prev = [], 0.0
    for tok in res.stdout.split():
        sym, _, t = tok.rpartition(":")
        try:
            end = float(t)
        except ValueError:
            continue
        end = min(end, dur)
        if end > prev and sym:
            phones.append(Phone(sym, prev, end, "arpabet"))
        prev = max(prev, end)
    return Utterance(audio, phones, text, "flite", voice.name, {"rate": voice.rate, "pitch": voice.pitch})


# public --------------------------------------------------------------------------------


def speak(text: str, voice: Voice) -> Utterance:
    """Synthesise ``text`` with ``voice``; phones are exact engine timings."""
    text = " ".join(str(text).split())
    if not text:
        raise DualTalkError("nothing to say: empty text")
    if voice.engine == "espeak":
        return _Espeak.get().speak(text, voice)
    if voice.engine == "flite":
        return _flite(text, voice)
    raise DualTalkError(f"unknown TTS engine {voice.engine!r} (espeak or flite)")


def espeak_variants() -> set[str]:
    """The voice variants (``xx+<variant>``) this machine's espeak-ng has. espeak-ng speaks a name
    whose variant it lacks as the bare voice without an error, so this is how to tell."""
    return _Espeak.get().variants()


def espeak_voices() -> dict[str, str]:
    """The languages this machine's espeak-ng speaks: each voice's short name and language tag
    (lower case: "es", "pt-br", "fr-fr", "cmn-latn-pinyin"...) mapped to the voice that speaks it
    ("fr-fr" -> "fr"), as ``Voice("espeak", ...)`` takes it."""
    return _Espeak.get().voices()


def flite_voices() -> set[str]:
    """The voices this machine's flite has built in (``flite -lv``). flite speaks a voice name it
    does not have as its default voice without an error, so this is how to tell."""
    exe = shutil.which("flite")
    if exe is None:
        return set()
    try:
        res = subprocess.run([exe, "-lv"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return set()
    listed = res.stdout.partition(":")[2] if ":" in res.stdout else res.stdout
    return set(listed.split())


def available_engines() -> list[str]:
    """Engines usable on this machine."""
    out = []
    try:  # load the library only: nothing is initialised until something is said
        ctypes.CDLL(ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1")
        out.append("espeak")
    except OSError:
        pass
    if shutil.which("flite"):
        out.append("flite")
    return out


RATES_ENGLISH = (0.8, 1.25)
"""Speed factors an English voice's rate is drawn from by default (``random_voice``)."""
RATES_OTHER = (0.8, 1.3)
"""The same for a voice of another language."""


def random_voice(
    rng: np.random.Generator,
    engines: list[str] | None = None,
    female: bool | None = None,
    *,
    language: str | None = None,
    variants: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
    rates: tuple[float, float] | None = None,
) -> Voice:
    """A varied voice: engine, accent/timbre, rate and pitch drawn from ``rng``.

    ``language`` (an espeak-ng voice such as ``"es"``) gives an espeak-ng voice in that
    language; ``variants`` = (male, female) variant names to draw from (default: the
    bundled m1..m7 / f1..f5); ``rates`` = the (low, high) speed factors to draw the rate
    from (default ``RATES_OTHER`` for another language, ``RATES_ENGLISH`` for English). Only the rate
    changes with ``rates``: the same ``rng`` gives the same voice otherwise.
    """
    if language is not None:
        if female is None:
            female = bool(rng.random() < 0.5)
        male_v, female_v = variants or (ESPEAK_VARIANTS_M, ESPEAK_VARIANTS_F)
        name = f"{language}+{rng.choice(female_v if female else male_v)}"
        pitch = float(rng.uniform(45, 80) if female else rng.uniform(20, 60))
        rate = float(rng.uniform(*(rates or RATES_OTHER)))
        return Voice("espeak", name, rate, pitch, float(rng.uniform(30, 90)), female)
    engines = engines or available_engines()
    if not engines:
        raise DualTalkError("no text-to-speech engine found (install espeak-ng or flite)")
    # espeak gets most of the mass: many more distinct timbres.
    probs = np.array([0.7 if e == "espeak" else 0.3 for e in engines])
    engine = str(rng.choice(engines, p=probs / probs.sum()))
    if female is None:
        female = bool(rng.random() < 0.5)
    rate = float(rng.uniform(*(rates or RATES_ENGLISH)))
    if engine == "espeak":
        male_v, female_v = variants or (ESPEAK_VARIANTS_M, ESPEAK_VARIANTS_F)
        name = f"{rng.choice(ESPEAK_VOICES)}+{rng.choice(female_v if female else male_v)}"
        pitch = float(rng.uniform(45, 80) if female else rng.uniform(20, 60))
        return Voice("espeak", name, rate, pitch, float(rng.uniform(30, 90)), female)
    pool = FLITE_FEMALE if female else tuple(v for v in FLITE_VOICES if v not in FLITE_FEMALE)
    pitch = float(rng.uniform(65, 95) if female else rng.uniform(20, 50))
    return Voice("flite", str(rng.choice(pool)), rate, pitch, 50.0, female)
