"""THE one options model: every engine-side option is declared here once, with its validation.

A :class:`Request` says what to animate (the dialogue audio), with which network (engine) and
how (generation). The entry points are views of the same declarations:

- CLI (``infer``, ``animate``, ``demo``): :func:`add_arguments` adds the flags, :meth:`Request.from_args`
  reads them back;
- the add-on's worker job file: :meth:`Request.to_job` / :meth:`Request.from_job`;
- ``animate``'s shot files carry the same keys flat (:data:`OPTIONS` names);
- the Python API: ``Request(audio="talk.wav", rounds=3).validate()``.

Every view runs :meth:`Request.validate`, so a bad value gives the same one-line error everywhere.
Adding an option: one :class:`Option` in :data:`OPTIONS`, one field on :class:`Request` (a test
checks the two agree), then use it where the pipeline runs (``inference/pipeline.py``).

torch- and bpy-free: the device check that needs torch stays in ``engine.load_engine``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DualTalkError

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


@dataclass(frozen=True)
class Option:
    """One option: its name in Python and job files, its CLI flag, type, default and help."""

    name: str
    group: str
    kind: str  # "path", "str", "float", "int", "bool", "choice"
    help: str
    default: Value = None
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    job_key: str | None = None  # the key in the worker's job file when it differs from ``name``

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def key(self) -> str:
        return self.job_key or self.name


OPTIONS: tuple[Option, ...] = (
    Option(
        "audio",
        AUDIO,
        "path",
        "stereo file (channel 0 = A, 1 = B), speaker A's file, or a mono mix",
        metavar="FILE",
    ),
    Option("audio_b", AUDIO, "path", "speaker B's own file (then --audio is A's)", metavar="FILE"),
    Option(
        "turns",
        AUDIO,
        "path",
        "who speaks when in a mono mix: RTTM, Audacity labels, SRT or WebVTT",
        metavar="FILE",
    ),
    Option("swap", AUDIO, "bool", "exchange speakers A and B", default=False),
    Option("speaker_a", AUDIO, "str", "with --turns: the speaker to animate as A", metavar="NAME"),
    Option(
        "diarize",
        AUDIO,
        "bool",
        "mono mix without turns: find the two speakers automatically (rough; see docs/audio.md)",
        default=False,
    ),
    Option("start", AUDIO, "float", "animate from this many seconds into the audio", metavar="SEC"),
    Option("end", AUDIO, "float", "animate up to this many seconds into the audio", metavar="SEC"),
    Option(
        "checkpoint",
        ENGINE,
        "path",
        "published DualTalk.pth (or lite weights); none -> embedded lite model",
        metavar="PTH",
    ),
    Option("engine", ENGINE, "choice", "network (default: auto)", default="auto", choices=ENGINES),
    Option("device", ENGINE, "str", "auto, cpu or cuda (default: auto)", default="auto"),
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
        "behaviour_seed",
        BEHAVIOUR,
        "int",
        "seed of the blinks, glances and nods: same seed, same performance (default 0)",
        default=0,
        metavar="N",
    ),
    Option(
        "blinks",
        BEHAVIOUR,
        "amount",
        "blink amount: off, on or 0-2 (1 = real people's rate; default: the engine's)",
        metavar="AMOUNT",
    ),
    Option(
        "gaze",
        BEHAVIOUR,
        "amount",
        "eyes: off, on or 0-2 (on: look at the partner or away like people do; default on)",
        metavar="AMOUNT",
    ),
    Option(
        "head",
        BEHAVIOUR,
        "amount",
        "head beats, sway and listener nods: off, on or 0-2 (default: 1 lite, 0 published DualTalk)",
        metavar="AMOUNT",
    ),
    Option(
        "brows",
        BEHAVIOUR,
        "amount",
        "brow raises and laugh smiles: off, on or 0-2 (default: 1 lite, 0 published DualTalk)",
        metavar="AMOUNT",
    ),
    Option(
        "mood",
        BEHAVIOUR,
        "choice",
        "neutral (default), friendly, serious or animated",
        default="neutral",
        choices=MOODS,
    ),
)
BY_NAME = {o.name: o for o in OPTIONS}


def check_rounds_window(rounds: int | None = None, window_s: float | None = None) -> tuple[int, float]:
    """``--rounds`` / ``--window`` with their defaults filled in, or one-line errors."""
    rounds = DEFAULT_ROUNDS if rounds is None else int(rounds)
    if not 1 <= rounds <= MAX_ROUNDS:
        raise DualTalkError(f"--rounds must be between 1 and {MAX_ROUNDS}, got {rounds}")
    window_s = DEFAULT_WINDOW_S if window_s is None else float(window_s)
    if not math.isfinite(window_s) or window_s < 0:
        raise DualTalkError(
            f"--window must be a positive number of seconds or 0 for no windowing, got {window_s}"
        )
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
        raise DualTalkError(f"--{option} must be off, on or a number from 0 to {MAX_AMOUNT:g}, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
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
                f"--{option} must be off, on or a number from 0 to {MAX_AMOUNT:g}, got {value!r}"
            ) from None
    if not (math.isfinite(number) and 0.0 <= number <= MAX_AMOUNT):
        raise DualTalkError(f"--{option} must be between 0 and {MAX_AMOUNT:g}, got {value!r}")
    return number


def _coerce(option: Option, value: object, where: str) -> Value:
    """A job-file value checked against the option's kind (CLI values arrive typed by argparse)."""
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
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DualTalkError(f"{where}: expected a finite number")
        return float(value)
    if isinstance(value, os.PathLike):
        return str(os.fspath(value))
    if not isinstance(value, str):
        raise DualTalkError(f"{where}: expected a string")
    return value


@dataclass
class Request:
    """What to animate and how: the engine-side options of one run (see :data:`OPTIONS`)."""

    audio: str | None = None
    audio_b: str | None = None
    turns: str | None = None
    swap: bool = False
    speaker_a: str | None = None
    diarize: bool = False
    start: float | None = None
    end: float | None = None
    checkpoint: str | None = None
    engine: str = "auto"
    device: str = "auto"
    precision: str = "fp32"
    rounds: int | None = None
    window: float | None = None
    behaviour_seed: int = 0
    blinks: str | float | None = None
    gaze: str | float | None = None
    head: str | float | None = None
    brows: str | float | None = None
    mood: str = "neutral"

    def validate(self) -> Request:
        """Refuse bad values with one line, before any audio or weights are loaded; returns self."""
        for option in OPTIONS:
            value = getattr(self, option.name)
            if option.choices and value not in option.choices:
                raise DualTalkError(
                    f"{option.flag} must be one of {', '.join(option.choices)}, got {value!r}"
                )
        check_rounds_window(self.rounds, self.window)
        self.behaviour()
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise DualTalkError(f"--end ({self.end:g} s) must be after --start ({self.start:g} s)")
        return self

    def behaviour(self) -> dict[str, Any]:
        """The behaviour layer's controls, checked: seed, amount per layer (None = the engine's
        default; ``auto`` too), mood, gaze on/off. One-line errors name the flag."""
        seed = self.behaviour_seed
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise DualTalkError(f"--behaviour-seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}")
        out: dict[str, Any] = {"seed": seed, "mood": self.mood, "gaze_on": True}
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
        kw: dict[str, Value] = {}
        for key, value in values.items():
            if value is not None:
                kw[key] = _coerce(BY_NAME[key], value, f"{where}.{key}")
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
        values: dict[str, Value] = {}
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
                checked = _coerce(option, value, f"job field {group}.{key}")
                if option.kind == "path":
                    checked = str((base / os.path.expanduser(str(checked))).resolve())
                values[option.name] = checked
        return cls(**values)  # type: ignore[arg-type]  # each value was checked against its option

    def replace(self, **changes: Value) -> Request:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def add_arguments(
    parser: argparse.ArgumentParser,
    groups: Iterable[str] = GROUPS,
    *,
    only: Iterable[str] | None = None,
    defaults: Mapping[str, Value] | None = None,
    helps: Mapping[str, str] | None = None,
) -> None:
    """Add the request's flags to a command's parser (``only``/``defaults``/``helps`` narrow the view)."""
    wanted = set(groups)
    names = set(only) if only is not None else None
    defaults = dict(defaults or {})
    helps = dict(helps or {})
    made: dict[str, argparse._ArgumentGroup] = {}
    for option in OPTIONS:
        if option.group not in wanted or (names is not None and option.name not in names):
            continue
        title = GROUP_TITLES[option.group]
        if title not in made:
            made[title] = parser.add_argument_group(title)
        group = made[title]
        text = helps.get(option.name, option.help)
        default = defaults.get(option.name, option.default)
        if option.kind == "bool":
            group.add_argument(option.flag, action="store_true", help=text)
            continue
        kw: dict[str, Any] = {"help": text, "default": default}  # argparse's keyword arguments
        if option.metavar:
            kw["metavar"] = option.metavar
        if option.kind == "choice":
            kw["choices"] = option.choices
        elif option.kind == "int":
            kw["type"] = int
        elif option.kind == "float":
            kw["type"] = float
        group.add_argument(option.flag, **kw)
