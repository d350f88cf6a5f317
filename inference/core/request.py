"""THE one options model: every engine-side option is declared here once, with its validation.

A :class:`Request` says what to animate (the dialogue audio), with which network (engine) and
how (generation). The entry points are views of the same declarations:

- CLI (``infer``, ``animate``, ``demo``): :func:`add_arguments` adds the flags, :meth:`Request.from_args`
  reads them back;
- the add-on's worker job file: :meth:`Request.to_job` / :meth:`Request.from_job`;
- ``animate``'s shot files carry the same keys flat (:data:`OPTIONS` names, read by :func:`coerce`);
- the add-on panel: one generated property per option marked ``panel`` (``panels/properties.py``);
- the Python API: ``Request(audio="talk.wav", rounds=3).validate()``.

Every view runs :meth:`Request.validate` (whose per-option part is :func:`check`), so a bad value
gives the same one-line error everywhere. Adding an option: one :class:`Option` in :data:`OPTIONS`,
one field on :class:`Request` (a test checks the two agree), then use it where the pipeline runs
(``inference/pipeline.py``). The scene-side options (how a motion is keyed) are declared with the
same :class:`Option` in ``dualtalk_blender/rig/options.py``; the generic views below take either list.

torch- and bpy-free: the device check that needs torch stays in ``engine.load_engine``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import language_names
from .errors import DualTalkError
from .numeric import finite_number, shown
from .typed_paths import command_line_path

ENGINES = ("auto", "dualtalk", "lite")
PRECISIONS = ("fp32", "bf16", "fp16")
DEFAULT_ROUNDS = 2
MAX_ROUNDS = 20
DEFAULT_WINDOW_S = 30.0
MIN_WINDOW_S = 2.0

AUDIO, ENGINE, GENERATE, BEHAVIOUR = "audio", "engine", "generate", "behaviour"
Value = str | float | int | bool | None  # what an option holds (paths as strings)
GROUP_TITLES = {AUDIO: "dialogue audio", ENGINE: "engine", GENERATE: "engine", BEHAVIOUR: "behaviour layer"}
GROUPS = (AUDIO, ENGINE, GENERATE, BEHAVIOUR)
MOODS = ("neutral", "friendly", "serious", "animated")
MAX_AMOUNT = 2.0
MAX_SEED = 2**32 - 1
# an espeak-ng language or voice (es, pt-br, cmn-latn-pinyin, en-gb-x-rp): whether espeak-ng speaks it
# is asked where a transcript is read (phonetic.transcript.check_available), not here
LANGUAGE_TAG = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"
# the options that take a language: a language's name typed there (Spanish, español, 日本語) is read as
# its tag by :meth:`Request.validate` (``core.language_names``)
LANGUAGE_OPTIONS = ("transcript_language", "transcript_language_b")
_NAMES = ", ".join(language_names.EXAMPLES)


KINDS = ("path", "str", "float", "int", "bool", "choice", "amount", "mapping", "frames")


@dataclass(frozen=True)
class Option:
    """One option: its name (shot-file key, CLI flag), type, default, bounds, help and where it shows.
    ``help`` is the command line's (and ``help(Request)``'s); the panel shows it with the flags named
    as the panel names them, or ``panel_help`` where the panel's control needs other words.

    Kinds: ``path``, ``str`` (``choices`` are then the usual values, e.g. a device, not a limit),
    ``float``, ``int``, ``bool`` (default True: the flag is ``--no-NAME``), ``choice``, ``amount``
    (off / on / 0..2), ``mapping`` (KEY=NUMBER pairs, keys among ``keys``) and ``frames``
    (FIRST-LAST). ``low``/``high`` bound numbers (each value of a mapping) for validation and the
    panel's sliders alike.
    """

    name: str
    group: str
    kind: str
    help: str
    default: Value = None
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    job_key: str | None = None  # the key in the worker's job file when it differs from ``name``
    attr: str | None = None  # the typed object's field when it differs from ``name`` (map -> mapping)
    low: float | None = None
    high: float | None = None
    soft_high: float | None = None  # where the panel's slider usually stops
    keys: tuple[str, ...] = ()  # mapping: the allowed keys
    aliases: tuple[tuple[str, str], ...] = ()  # mapping: (other spelling, key)
    key_title: str = ""  # mapping: what a key is, for messages ("intensity group")
    items: tuple[tuple[str, str, str], ...] = ()  # choice: (value, label, description) for the panel
    form: tuple[str, str] | tuple[()] = ()  # str: (a regular expression a value matches whole, in words)
    title: str = ""  # the panel's label (default: from the name)
    # the panel's tooltip where the panel needs other words than ``help`` (the command line's): a
    # slider that cannot take off/on/auto, a menu that is not "any espeak-ng language"
    panel_help: str = ""
    cli: bool = True  # a CLI flag and a shot-file key; False: the Python API only
    panel: bool = False  # a property of the add-on panel

    @property
    def flag(self) -> str:
        if self.kind == "bool" and self.default is True:
            return "--no-" + self.name.replace("_", "-")
        return "--" + self.name.replace("_", "-")

    @property
    def key(self) -> str:
        return self.job_key or self.name

    @property
    def field(self) -> str:
        """The attribute of the typed object (:class:`Request`, ``ApplyOptions``) that holds it."""
        return self.attr or self.name

    @property
    def label(self) -> str:
        """How messages name it: its flag, or its Python name where it has none."""
        return ("--" + self.name.replace("_", "-")) if self.cli else self.name

    def key_of(self, text: str) -> str:
        """A mapping key as typed (an alias too) -> the key, or a one-line error."""
        key = dict(self.aliases).get(text, text)
        if key not in self.keys:
            raise DualTalkError(
                f"unknown {self.key_title or 'key'} {text!r} (expected {', '.join(self.keys)})"
            )
        return key


OPTIONS: tuple[Option, ...] = (
    Option(
        "audio",
        AUDIO,
        "path",
        "stereo file (channel 0 = A, 1 = B), speaker A's file, or a mono mix",
        metavar="FILE",
        panel_help="The dialogue recording: the stereo file (left channel A, right channel B), speaker A's "
        "own file (Two files) or the mono mix",
        panel=True,
    ),
    Option(
        "audio_b",
        AUDIO,
        "path",
        "speaker B's own file (then --audio is A's)",
        metavar="FILE",
        title="Audio B",
        panel=True,
    ),
    Option(
        "turns",
        AUDIO,
        "path",
        "who speaks when in a mono mix: RTTM, Audacity labels, SRT or WebVTT",
        metavar="FILE",
        panel=True,
    ),
    Option("swap", AUDIO, "bool", "exchange speakers A and B", default=False, title="Swap A/B", panel=True),
    Option(
        "speaker_a",
        AUDIO,
        "str",
        "with --turns: the speaker to animate as A (none: the first speaker)",
        metavar="NAME",
        title="Speaker A",
        panel=True,
    ),
    Option(
        "diarize",
        AUDIO,
        "bool",
        "mono mix without turns: find the two speakers automatically (rough; see docs/audio.md)",
        default=False,
    ),
    Option(
        "offset_b",
        AUDIO,
        "float",
        "with --audio-b: B's file starts this many seconds before A's (its recorder was started earlier; "
        "negative: later); B is shifted by that much. A warning gives the value when the files' bleed shows it",
        metavar="SEC",
        low=-3600.0,
        high=3600.0,
        title="B Starts Earlier By",  # under Audio B, in the two-files form only (panels/main_panel.py)
        panel=True,
    ),
    Option(
        "transcript",
        AUDIO,
        "path",
        "what the characters say, one line per turn (A: text / B: text), written in --transcript-language "
        "(default English): the lips are drawn from its phones, aligned to each voice",
        metavar="FILE",
        panel=True,
    ),
    Option(
        "transcript_language",
        AUDIO,
        "str",
        "the transcript's language: en (default, aligned by pocketsphinx) or any espeak-ng language (es, fr, "
        "de, it, pt-br, ru, ja in kana, cmn in Han characters or pinyin, ...; aligned by warping espeak-ng's "
        "reading onto each voice); its tag or its name (Spanish, español, 日本語)",
        default="en",
        metavar="LANG",
        form=(
            LANGUAGE_TAG,
            f"a language tag of letters, digits, - and _ (en, es, pt-br, cmn-latn-pinyin) or a language's name ({_NAMES})",
        ),
        panel_help="The language the transcript is written in (with the wrong one its words may not align, "
        "and the engine's lips are kept)",
        title="Script Language",  # under Transcript, while one is chosen (panels/main_panel.py)
        panel=True,
    ),
    # a conversation in two languages: B's lines read in B's own language (review rv38a F2)
    Option(
        "transcript_language_b",
        AUDIO,
        "str",
        "the language B's lines are written in, when it is not A's (--transcript-language): same "
        "(default) or any language --transcript-language takes; A's lines stay in --transcript-language",
        default="same",
        metavar="LANG",
        form=(
            LANGUAGE_TAG,
            f"same, or a language tag of letters, digits, - and _ (en, es, pt-br) or a language's name ({_NAMES})",
        ),
        panel_help="The language B's lines are written in, when the two characters speak different "
        "languages (Same as A: the Script Language above)",
        title="Script Language B",  # under Script Language, while a transcript is chosen
        panel=True,
    ),
    # the names of the scene's characters, as a script may name its speakers ("花子: ..."): set by
    # animate's --char-a/--char-b and the panel's Character A/B (review rv38a F8)
    Option(
        "character_a",
        AUDIO,
        "str",
        "the name of the character that plays A (animate's --char-a, the panel's Character A): a "
        "--transcript line may name its speaker so",
        metavar="NAME",
        cli=False,
    ),
    Option(
        "character_b",
        AUDIO,
        "str",
        "the name of the character that plays B (animate's --char-b, the panel's Character B): a "
        "--transcript line may name its speaker so",
        metavar="NAME",
        cli=False,
    ),
    Option(
        "recognise",
        AUDIO,
        "bool",
        "no script at hand: recognise each character's English words (pocketsphinx) and draw the lips from "
        "them as from a --transcript; English speech only, and it takes longer (about a quarter of the "
        "audio's length per character). Mistaken words keep the engine's lips where they do not fit",
        default=False,
        panel_help="Without a transcript, recognise what each character says (English only) and draw the "
        "lips from those words; slower, and a misheard stretch keeps the engine's lips",
        title="Recognise Words (English)",  # under Transcript, while no transcript is chosen
        panel=True,
    ),
    Option(
        "start", AUDIO, "float", "animate from this many seconds into the audio", metavar="SEC", panel=True
    ),
    Option(
        "end", AUDIO, "float", "animate up to this many seconds into the audio", metavar="SEC", panel=True
    ),
    Option(
        "checkpoint",
        ENGINE,
        "path",
        "published DualTalk.pth (or lite weights); none -> embedded lite model",
        metavar="PTH",
        panel=True,
    ),
    Option(
        "engine",
        ENGINE,
        "choice",
        "network (default: auto)",
        default="auto",
        choices=ENGINES,
        items=(
            ("auto", "Auto", "The checkpoint's network if one is chosen, else the embedded model"),
            ("dualtalk", "DualTalk", "The published DualTalk network (FLAME output); needs the checkpoint"),
            ("lite", "Embedded (Lite)", "The small bundled lite model (ARKit output); works offline"),
        ),
        panel=True,
    ),
    Option(
        "device",
        ENGINE,
        "str",
        "auto, cpu or cuda (default: auto)",
        default="auto",
        panel_help="Where the engine runs: Auto takes the NVIDIA GPU when there is one, else the processor",
        choices=("auto", "cuda", "cpu"),  # this order: .blend files saved by older panels keep their pick
        items=(
            ("auto", "Auto", "GPU if available"),
            ("cuda", "CUDA", "NVIDIA GPU"),
            ("cpu", "CPU", "Processor"),
        ),
        panel=True,
    ),
    Option(
        "precision",
        ENGINE,
        "choice",
        "fp32 (default, deterministic); bf16 autocast on CUDA or bf16-capable CPUs; fp16 on CUDA",
        default="fp32",
        choices=PRECISIONS,
    ),
    Option(
        "rounds",
        GENERATE,
        "int",
        f"dialogue refinement rounds, 1-{MAX_ROUNDS} (default {DEFAULT_ROUNDS})",
        metavar="K",
        low=1,
        high=MAX_ROUNDS,
        panel=True,
    ),
    Option(
        "window",
        GENERATE,
        "float",
        f"process long audio in windows of SEC seconds, cross-faded (default {DEFAULT_WINDOW_S:g}; "
        "0 = whole take at once)",
        metavar="SEC",
        job_key="window_s",
    ),
    Option(
        "lip_release",
        GENERATE,
        "float",
        "lite engine: lips held shut over a vowel-like sound open this far, 0 (off) to 1 (default 0.75)",
        default=0.75,
        metavar="AMOUNT",
        low=0.0,
        high=1.0,
        title="Lip Release",
        panel=True,
    ),
    Option(
        "lip_rounding",
        GENERATE,
        "float",
        "lite engine: lips round this far where the voice's second formant sits low, 0 (off) to 1 (default 0.5)",
        default=0.5,
        panel_help="Lite engine: how far the lips round on oo and oh sounds, read from the voice, 0 (off) "
        "to 1 (default 0.5)",
        metavar="AMOUNT",
        low=0.0,
        high=1.0,
        title="Lip Rounding",
        panel=True,
    ),
    Option(
        "behaviour_seed",
        BEHAVIOUR,
        "int",
        "seed of the blinks, glances and nods: same seed, same performance (default 0)",
        default=0,
        metavar="N",
        low=0,
        high=MAX_SEED,
        title="Seed",
        panel=True,
    ),
    Option(
        "blinks",
        BEHAVIOUR,
        "amount",
        "blink amount: off, on, 0-2 (1 = real people's rate) or auto (the engine's default)",
        metavar="AMOUNT",
        panel_help="How often the eyes blink: 0 = no blinks, 1 = as often as people do in conversation, "
        "2 = up to twice as often",
        title="Blink Amount",
        panel=True,
    ),
    Option(
        "gaze",
        BEHAVIOUR,
        "amount",
        "eyes: off, on or 0-2 (on: look at the partner or away like people do; default on)",
        metavar="AMOUNT",
        panel_help="Glances at the partner and away: 0 = none (as Eye contact off), 1 = as people do, "
        "2 = looks away twice as far",
        title="Gaze Amount",
        panel=True,
    ),
    Option(
        "head",
        BEHAVIOUR,
        "amount",
        "head beats, sway and listener nods: off, on or 0-2 (default: 1 lite, 0 published DualTalk)",
        metavar="AMOUNT",
        panel_help="Head beats, sway and listener nods added to the engine's own head motion: 0 = none "
        "added, 1 = as people do, 2 = twice as large. Options > Head scales all head motion",
        title="Head Motion Amount",
        panel=True,
    ),
    Option(
        "brows",
        BEHAVIOUR,
        "amount",
        "brow raises and laugh smiles: off, on or 0-2 (default: 1 lite, 0 published DualTalk)",
        metavar="AMOUNT",
        panel_help="Brow raises and smiles (at laughs, and the mood's smile): 0 = none, 1 = as people do, "
        "2 = twice as strong",
        title="Brow Amount",
        panel=True,
    ),
    Option(
        "mood",
        BEHAVIOUR,
        "choice",
        "neutral (default), friendly, serious or animated",
        default="neutral",
        choices=MOODS,
        items=(
            ("neutral", "Neutral", "Calibrated to how people behave in conversation"),
            ("friendly", "Friendly", "More nods, a light smile while listening, a little more eye contact"),
            ("serious", "Serious", "Smaller head motion, fewer brow raises, no smile"),
            ("animated", "Animated", "Much larger head motion, more brows and nods"),
        ),
        panel=True,
    ),
    Option(
        "mood_b",
        BEHAVIOUR,
        "choice",
        "character B's own mood when it differs from A's (--mood): same (default), neutral, friendly, "
        "serious or animated",
        default="same",
        choices=("same", *MOODS),
        items=(
            ("same", "Same as A", "B behaves in the mood set for A"),
            ("neutral", "Neutral", "Calibrated to how people behave in conversation"),
            ("friendly", "Friendly", "More nods, a light smile while listening, a little more eye contact"),
            ("serious", "Serious", "Smaller head motion, fewer brow raises, no smile"),
            ("animated", "Animated", "Much larger head motion, more brows and nods"),
        ),
        metavar="MOOD",
        title="B's Mood",
        panel=True,
    ),
)
BY_NAME = {o.name: o for o in OPTIONS}


def _english(language: str | None) -> bool:
    """An English script language (en, en-us, EN_GB...): what ``phonetic.script_languages.is_english``
    says, here because core imports nothing of ours outside core."""
    code = (language or "en").strip().lower().replace("_", "-") or "en"
    return code == "en" or code.startswith("en-")


def check_rounds_window(rounds: int | None = None, window_s: float | None = None) -> tuple[int, float]:
    """``--rounds`` / ``--window`` with their defaults filled in, or one-line errors."""
    given_rounds, given_window = rounds, window_s
    whole = DEFAULT_ROUNDS if rounds is None else finite_number(rounds)
    rounds = 0 if whole is None else int(whole)
    if not 1 <= rounds <= MAX_ROUNDS:
        raise DualTalkError(f"--rounds must be between 1 and {MAX_ROUNDS}, got {shown(given_rounds)}")
    number = DEFAULT_WINDOW_S if window_s is None else finite_number(window_s)
    if number is None or number < 0:
        raise DualTalkError(
            f"--window must be a positive number of seconds or 0 for no windowing, got {shown(given_window)}"
        )
    window_s = number
    if 0 < window_s < MIN_WINDOW_S:
        raise DualTalkError(
            f"--window {window_s:g} s is too short; use at least {MIN_WINDOW_S:g} s (or 0 for none)"
        )
    return rounds, window_s


def amount(value: object, option: str) -> float | None:
    """``--blinks 0.5`` / ``off`` (0) / ``on`` (1) / ``auto`` or nothing (the engine's default)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise DualTalkError(
            f"--{option} must be off, on, auto or a number from 0 to {MAX_AMOUNT:g}, got {value!r}"
        )
    if isinstance(value, int | float):
        number = finite_number(value)  # None: NaN, Inf or an integer no float holds (JSON's 10**400)
        if number is None:
            raise DualTalkError(f"--{option} must be between 0 and {MAX_AMOUNT:g}, got {shown(value)}")
    else:
        word = str(value).strip().lower()
        if word in ("", "auto", "default"):
            return None
        if word in ("off", "no", "none"):
            return 0.0
        if word in ("on", "yes"):
            return 1.0
        try:
            number = float(word)
        except ValueError:
            raise DualTalkError(
                f"--{option} must be off, on, auto or a number from 0 to {MAX_AMOUNT:g}, got {value!r}"
            ) from None
    if not (math.isfinite(number) and 0.0 <= number <= MAX_AMOUNT):
        raise DualTalkError(f"--{option} must be between 0 and {MAX_AMOUNT:g}, got {value!r}")
    return number


def _number_text(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _shown(value: object) -> str:
    """A refused value as the message shows it: 7 and 7.0 alike, a 400-digit integer cut with its
    length (:func:`.numeric.shown`), never much more than 24 characters."""
    return shown(value)


def coerce(option: Option, value: object, where: str) -> object:
    """A job-file (JSON) value checked against the option's kind: right type, or a one-line error.

    CLI values arrive typed by argparse (:func:`parse_text`); bounds are :func:`check`'s job.
    """
    if value is None:
        return None
    kind = option.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise DualTalkError(f"{where}: expected true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise DualTalkError(f"{where}: expected an integer")
        return value
    if kind == "amount":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise DualTalkError(f"{where}: expected off, on or a number")
        return value
    if kind == "float":
        return _finite(value, where)
    if kind == "mapping":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and dict(option.aliases).get(k, k) in option.keys for k in value
        ):
            raise DualTalkError(f"{where}: expected an object with keys among {', '.join(option.keys)}")
        return {option.key_of(k): _finite(v, f"{where}.{k}") for k, v in value.items()}
    if kind == "frames":
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in value)
            and value[0] <= value[1]
        ):
            raise DualTalkError(f"{where}: expected [first, last] frames")
        return (value[0], value[1])
    if isinstance(value, os.PathLike):
        return str(os.fspath(value))
    if not isinstance(value, str):
        raise DualTalkError(f"{where}: expected a string")
    if kind == "path" and "\x00" in value:
        raise DualTalkError(f"{where}: a path may not hold a NUL character")
    return value


def _finite(value: object, where: str) -> float:
    """A JSON number as a float: finite, and an integer a float can hold (the shared scalar rule,
    :func:`.numeric.finite_number`: a 400-digit integer is this line, not an OverflowError)."""
    number = finite_number(value) if isinstance(value, int | float) else None
    if number is None:
        raise DualTalkError(f"{where}: expected a finite number, got {_too_large(value)}")
    return number


def _too_large(value: object) -> str:
    """:func:`_given` (text quoted: ``'1'`` is not the number 1), saying why when the value is an
    integer no float holds (unbounded options)."""
    big = isinstance(value, int) and not isinstance(value, bool) and finite_number(value) is None
    return _given(value) + (", too large for a float" if big else "")


def parse_text(option: Option, text: str) -> object:
    """One command-line word for a ``mapping`` (KEY=X) or ``frames`` (FIRST-LAST) option."""
    if option.kind == "mapping":
        key, sep, number = text.partition("=")
        if not sep:
            raise DualTalkError(f"expected {option.metavar or 'KEY=X'} with KEY in {', '.join(option.keys)}")
        key = option.key_of(key)
        try:
            return key, float(number)
        except ValueError:
            raise DualTalkError(f"{number!r} is not a number") from None
    if option.kind == "frames":
        first, sep, last = text.partition("-")
        try:
            if not sep:
                raise ValueError
            return int(first), int(last)
        except ValueError:
            raise DualTalkError(f"expected FIRST-LAST frames, e.g. 400-520, got {text!r}") from None
    raise ValueError(f"{option.name} is read by argparse itself")


def _given(value: object) -> str:
    """A value of the wrong type as a message shows it: text quoted (``'0.5'``, not ``0.5``, which
    would read as the number), anything else as it prints; one line, at most about 26 characters."""
    if isinstance(value, str):
        return repr(value if len(value) <= 22 else value[:19] + "...")
    return _shown(value)


def check(option: Option, value: object, *, required: bool = False) -> None:
    """The declaration's own checks on a typed value: choices, whole numbers, bounds, mapping keys,
    frame order, true/false, text. One line naming the option the way its users name it
    (:attr:`Option.label`). None is "not given" and passes, unless ``required`` (an option whose
    default is a value, not None: None means nothing there and gets the words a bad value gets)."""
    if value is None and not required:
        return
    label, kind = option.label, option.kind
    if kind == "choice" and value not in option.choices:
        raise DualTalkError(f"{label} must be one of {', '.join(option.choices)}, got {value!r}")
    if kind == "bool" and not isinstance(value, bool):
        raise DualTalkError(f"{label} must be True or False, got {_given(value)}")
    # only None is checked here for text and paths: a given path is read (and refused) by its reader
    if kind in ("str", "path") and value is None:
        usual = f" ({', '.join(option.choices)})" if option.choices else ""
        raise DualTalkError(f"{label} must be {'a file path' if kind == 'path' else 'text'}{usual}, got None")
    if kind == "str" and option.form and not (isinstance(value, str) and re.fullmatch(option.form[0], value)):
        # a language's name typed not quite as listed (Chinese simplified, العربيّة spelt otherwise)
        meant = (
            language_names.closest(value)
            if option.name in LANGUAGE_OPTIONS and isinstance(value, str)
            else None
        )
        guess = f" (did you mean {meant!r}?)" if meant else ""
        raise DualTalkError(f"{label} must be {option.form[1]}, got {_given(value)}{guess}")
    bounds = ""
    if option.low is not None and option.high is not None:
        bounds = f"between {_number_text(option.low)} and {_number_text(option.high)}"
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise DualTalkError(f"{label} must be a number, got {_given(value)}")
        if kind == "int" and not isinstance(value, numbers.Integral):
            raise DualTalkError(f"{label} must be a whole number, got {_given(value)}")
        number = finite_number(value)  # None for NaN, Inf and an integer too large for a float
        low = -math.inf if option.low is None else option.low
        high = math.inf if option.high is None else option.high
        if number is None or not low <= number <= high:
            raise DualTalkError(
                f"{label} must be {bounds or 'a finite number'}, got {_shown(value) if bounds else _too_large(value)}"
            )
    if kind == "mapping":
        if not isinstance(value, Mapping):
            raise DualTalkError(f"{label} must map {option.key_title or 'keys'} to numbers")
        for key, number in value.items():
            option.key_of(str(key))
            x = finite_number(number) if isinstance(number, int | float) else None
            if not (
                x is not None
                and (option.low is None or option.low <= x)
                and (option.high is None or x <= option.high)
            ):
                raise DualTalkError(
                    f"{label} {key} must be {bounds or 'a finite number'}, got {_shown(number) if bounds else _too_large(number)}"
                )
    if kind == "frames":
        if not (isinstance(value, tuple | list) and len(value) == 2):
            raise DualTalkError(f"{label} must be two frames, FIRST-LAST, got {str(value)[:24]}")
        first, last = value
        if last < first:
            raise DualTalkError(f"{label} {first}-{last} ends before it starts")


def _not_a_path(option: Option, value: object) -> str:
    """A path option given something else: audio held in memory goes in a Dialogue instead."""
    line = f"{option.label} must be a file path, got {type(value).__name__} {_given(value)}"
    if option.name in ("audio", "audio_b") and hasattr(value, "shape"):
        line = (
            f"{option.label} must be a file path, got an array of shape {tuple(value.shape)}; for audio held "
            "in memory give run(Request(), out_dir, dialogue=Dialogue.from_arrays(a, b, sample_rate=SR)) "
            "(dualtalk.inference.audio.Dialogue)"
        )
    return line


def values_from_args(args: argparse.Namespace, options: Iterable[Option]) -> dict[str, object]:
    """The declared options a parsed command line holds, by name (mapping pairs made a dict)."""
    values: dict[str, object] = {}
    for option in options:
        if not hasattr(args, option.name):
            continue
        value = getattr(args, option.name)
        if option.kind == "mapping":
            value = dict(value or ())
        values[option.name] = value
    return values


@dataclass
class Request:
    """What to animate and how: the engine-side options of one run (see :data:`OPTIONS`).

    ``Request(audio="talk.wav", rounds=3)``, then :func:`dualtalk.inference.pipeline.run`. Times are
    seconds (the motion is 25 fps); the options' descriptions follow, each the command line's help
    of its flag. None means "not given" (the default) where the default is None, and so does an empty
    path (``checkpoint=""``, what ``config.get("checkpoint", "")`` or an empty panel field gives, as in a
    job file); :meth:`validate` refuses a bad value (None included, where the default is a value) with
    a one-line :class:`~.errors.DualTalkError` naming the flag.
    """

    audio: str | os.PathLike[str] | None = None
    audio_b: str | os.PathLike[str] | None = None
    turns: str | os.PathLike[str] | None = None
    swap: bool = False
    speaker_a: str | None = None
    diarize: bool = False
    offset_b: float | None = None
    transcript: str | os.PathLike[str] | None = None
    transcript_language: str = "en"
    transcript_language_b: str = "same"
    character_a: str | None = None
    character_b: str | None = None
    recognise: bool = False
    start: float | None = None
    end: float | None = None
    checkpoint: str | os.PathLike[str] | None = None
    engine: str = "auto"
    device: str = "auto"
    precision: str = "fp32"
    rounds: int | None = None
    window: float | None = None
    lip_release: float = 0.75
    lip_rounding: float = 0.5
    behaviour_seed: int = 0
    blinks: str | float | None = None
    gaze: str | float | None = None
    head: str | float | None = None
    brows: str | float | None = None
    mood: str = "neutral"
    mood_b: str = "same"

    def __post_init__(self) -> None:
        self._empty_paths_not_given()

    def _empty_paths_not_given(self) -> None:
        """An empty path is not given: never ``Path("")``, the current folder (also when a field is
        set to "" after the request was made, so :meth:`validate` does it again)."""
        for option in OPTIONS:
            value = getattr(self, option.name)
            if option.kind == "path" and isinstance(value, str) and not value.strip():
                setattr(self, option.name, None)

    def validate(self) -> Request:
        """Refuse bad values with one line, before any audio or weights are loaded; returns self.

        None is "not given" only where an option's default is None (the audio files, ``start``,
        ``rounds``, the behaviour amounts...); for the others (``engine``, ``lip_release``,
        ``swap``, ``mood``...) it is refused with the words a bad value gets. An empty path set since
        the request was made becomes None here, as at construction, and a script language given by
        its name (``Spanish``, ``español``, ``日本語``) becomes its tag (``es``)."""
        self._empty_paths_not_given()
        for name in LANGUAGE_OPTIONS:  # a language's name as its tag: Spanish, español -> es
            setattr(self, name, language_names.as_tag(getattr(self, name)))
        for option in OPTIONS:
            value = getattr(self, option.name)
            if option.kind == "path" and value is not None and not isinstance(value, str | os.PathLike):
                raise DualTalkError(_not_a_path(option, value))
            if option.kind != "amount" and option.name != "behaviour_seed":  # checked below, own words
                check(option, value, required=option.default is not None)
        check_rounds_window(self.rounds, self.window)
        self.behaviour()
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise DualTalkError(f"--end ({self.end:g} s) must be after --start ({self.start:g} s)")
        self._check_recognise()
        return self

    def _check_recognise(self) -> None:
        """``recognise`` with what can never run with it, refused here: a job file reads every shot's
        request before the first shot runs. Each line starts with ``--recognise``, which a job file's
        line turns into the shot's key (``shot 'x'.recognise ...``)."""
        if not self.recognise:
            return
        if self.transcript:
            raise DualTalkError(
                "--recognise writes a script from the voices, and a transcript is given too: use one of them"
            )
        for flag, language in (("", self.transcript_language), ("-b", self.script_language_b())):
            if not _english(language):
                raise DualTalkError(
                    f"--recognise hears English only; for {language} give the words as "
                    f"--transcript with --transcript-language{flag}"
                )

    def script_language_b(self) -> str:
        """The language B's lines are written in: ``transcript_language_b``, or A's where it is
        ``same`` (the default: one language for the whole script, as before it could differ)."""
        own = (self.transcript_language_b or "").strip()
        same = own.lower() in ("", language_names.SAME) or language_names.tag_for(own) == language_names.SAME
        return self.transcript_language if same else own

    def behaviour(self) -> dict[str, Any]:
        """The behaviour layer's controls, checked: seed, amount per layer (None = the engine's
        default; ``auto`` too), mood, gaze on/off. One-line errors name the flag."""
        seed = self.behaviour_seed
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise DualTalkError(f"--behaviour-seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}")
        mood_b = None if self.mood_b == "same" else self.mood_b
        out: dict[str, Any] = {"seed": seed, "mood": self.mood, "mood_b": mood_b, "gaze_on": True}
        for name in ("blinks", "gaze", "head", "brows"):
            out[name] = amount(getattr(self, name), name)
        if out["gaze"] == 0.0:
            out["gaze_on"] = False
        return out

    # views ------------------------------------------------------------------------------
    @classmethod
    def from_args(cls, args: argparse.Namespace, **overrides: Value) -> Request:
        """The request a parsed command line asks for (options a command lacks keep their defaults)."""
        values = {o.name: getattr(args, o.name) for o in OPTIONS if hasattr(args, o.name)}
        values.update(overrides)
        return cls(**values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], where: str = "request") -> Request:
        """Typed values from a flat mapping keyed by option name (shot files, the Python API)."""
        unknown = sorted(set(values) - set(BY_NAME))
        if unknown:
            raise DualTalkError(f"{where}: unknown option(s) {', '.join(unknown)}")
        kw: dict[str, object] = {}
        for key, value in values.items():
            if value is not None:
                kw[key] = coerce(BY_NAME[key], value, f"{where}.{key}")
        return cls(**kw)  # type: ignore[arg-type]  # each value was checked against its option

    def to_job(self) -> dict[str, dict[str, Value]]:
        """The worker job file's sections (``audio``, ``engine``, ``generate``, ``behaviour``)."""
        job: dict[str, dict[str, Value]] = {group: {} for group in GROUPS}
        for option in OPTIONS:
            value = getattr(self, option.name)
            job[option.group][option.key] = str(value) if isinstance(value, Path) else value
        return job

    @classmethod
    def from_job(cls, job: Mapping[str, object], base: Path) -> Request:
        """Read the job file's sections; relative paths resolve against ``base``; unknown keys refused."""
        values: dict[str, object] = {}
        for group in GROUPS:  # a job without a behaviour section (older add-on) gets the defaults
            raw = job.get(group) or {}
            if not isinstance(raw, dict):
                raise DualTalkError(f"job field {group!r} must be an object")
            options = {o.key: o for o in OPTIONS if o.group == group}
            unknown = sorted(set(raw) - set(options))
            if unknown:
                raise DualTalkError(f"job field {group!r} has unknown keys: {', '.join(unknown)}")
            for key, option in options.items():
                value = raw.get(key)
                if value in (None, ""):
                    continue
                checked = coerce(option, value, f"job field {group}.{key}")
                if option.kind == "path":
                    checked = str((base / os.path.expanduser(str(checked))).resolve())
                values[option.name] = checked
        return cls(**values)  # type: ignore[arg-type]  # each value was checked against its option

    def replace(self, **changes: Value) -> Request:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _fields_doc(options: Iterable[Option]) -> str:
    """Each option as ``help(Request)`` lists it: name, default and flag, then its help text (the
    one the command line shows, so the two are never written twice)."""
    lines = []
    for o in options:
        default = "None" if o.default is None else repr(o.default)
        shown_value = o.metavar or ("{" + ",".join(o.choices) + "}" if o.choices else "")
        flag = f"{o.flag} {shown_value}" if shown_value else o.flag
        lines.append(f"    {o.name} = {default}  ({flag})")
        lines.append(f"        {o.help}")
    return "\n".join(lines)


Request.__doc__ = f"{(Request.__doc__ or '').rstrip()}\n\n    Fields:\n\n{_fields_doc(OPTIONS)}\n"


def _argparse_type(option: Option) -> Any:
    def parse(text: str) -> object:
        try:
            return parse_text(option, text)
        except DualTalkError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = option.name  # argparse names the type in its messages
    return parse


TYPED = "typed_options"  # the parsed namespace's set of the options typed on the command line


def typed(args: argparse.Namespace) -> frozenset[str]:
    """The options (by name) typed on the command line that ``args`` was parsed from, a default value
    typed too (``--behaviour-seed 0``): argparse fills an option left out with the same default."""
    return frozenset(getattr(args, TYPED, ()))


class OneValue(argparse.Action):
    """argparse's own store (and, with ``append=True``, append), but a ``--`` typed as the value
    (``--offset-b=--``) is read as that text, as ``--offset-b=-`` is: argparse drops a ``--`` from an
    option's values (it reads it as "the options end here"), which left ``[]`` to be refused as
    "--offset-b must be a number, got []" (review 29a, nit 10h), and an internal error for a path."""

    def __init__(self, *args: Any, append: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.append = append

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list):  # nargs=None keeps one value: a list is the dropped "--"
            values = parser._get_value(self, "--")  # the flag's type: "invalid float value: '--'"
            parser._check_value(self, values)  # its choices: "invalid choice: '--' (choose from ...)"
        if self.append:
            values = [*(getattr(namespace, self.dest, None) or []), values]
        setattr(namespace, self.dest, values)
        setattr(namespace, TYPED, typed(namespace) | {self.dest})  # typed, whatever its value


def cli_path(text: str) -> str:
    """A path typed on a command line, read as :func:`~.typed_paths.command_line_path` reads it (``~``
    expanded as a shell does, an unexpanded ``$HOME`` refused as job files refuse it, a leading ``//``
    never left for Blender to read beside the .blend). Every command's path flags read it so
    (``infer``, ``animate``, ``demo``); argparse names the flag in the one line of a refusal."""
    try:
        return command_line_path(text)
    except DualTalkError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(
    parser: argparse.ArgumentParser,
    groups: Iterable[str] = GROUPS,
    *,
    only: Iterable[str] | None = None,
    defaults: Mapping[str, Value] | None = None,
    helps: Mapping[str, str] | None = None,
    options: Iterable[Option] = OPTIONS,
    titles: Mapping[str, str] | None = None,
) -> None:
    """Add declared options' flags to a command's parser (``only``/``defaults``/``helps`` narrow the
    view; ``options`` defaults to the engine side, ``titles`` names the groups in ``--help``)."""
    wanted = list(groups)
    names = set(only) if only is not None else None
    defaults = dict(defaults or {})
    helps = dict(helps or {})
    titles = {**GROUP_TITLES, **(titles or {})}
    made: dict[str, argparse._ArgumentGroup] = {}
    chosen = [o for o in options if o.cli and o.group in wanted and (names is None or o.name in names)]
    for option in sorted(chosen, key=lambda o: wanted.index(o.group)):
        title = titles.get(option.group, option.group)
        if title not in made:
            made[title] = parser.add_argument_group(title)
        group = made[title]
        text = helps.get(option.name, option.help)
        default = defaults.get(option.name, option.default)
        if option.kind == "bool":
            if option.default is True:  # on unless --no-NAME
                group.add_argument(option.flag, dest=option.name, action="store_false", help="no " + text)
            else:
                group.add_argument(option.flag, dest=option.name, action="store_true", help=text)
            continue
        kw: dict[str, Any] = {"help": text, "default": default, "action": OneValue}  # argparse's keywords
        if option.metavar:
            kw["metavar"] = option.metavar
        if option.kind == "choice":
            kw["choices"] = option.choices
        elif option.kind == "int":
            kw["type"] = int
        elif option.kind == "float":
            kw["type"] = float
        elif option.kind == "path":
            kw["type"] = cli_path
        elif option.kind in ("mapping", "frames"):
            kw["type"] = _argparse_type(option)
            if option.kind == "mapping":
                kw.update(append=True, default=[])
        group.add_argument(option.flag, **kw)
