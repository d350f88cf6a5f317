"""What the user controls: a seed, an amount per layer, the mood, and gaze on/off.

Amounts run from 0 (that layer is off: its channels are left exactly as the engine made
them) through 1 (the calibrated default, see ``docs/behaviour.md``) to 2. ``None`` means
"the engine's default": every layer at 1 for the lite model; blinks and gaze only for the
published DualTalk network, whose own head and expression motion is left alone unless the
user raises an amount.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from ..core.errors import DualTalkError
from ..core.request import MAX_AMOUNT, MAX_SEED, MOODS, amount

LAYERS = ("blinks", "gaze", "head", "brows")

# the layers each engine gets at amount 1 when the user names none
ENGINE_DEFAULTS: dict[str, dict[str, float]] = {
    "lite": {"blinks": 1.0, "gaze": 1.0, "head": 1.0, "brows": 1.0},
    "dualtalk": {"blinks": 1.0, "gaze": 1.0, "head": 0.0, "brows": 0.0},
}


@dataclass(frozen=True)
class Mood:
    """Multipliers a mood applies on top of the calibrated defaults."""

    head: float = 1.0  # head std target (animated x3: the table's 'up to 6-7 deg' speakers)
    # roll's share of that multiple: the table's animated speaker (the tracked DualTalk clip) rolls
    # 3.6 deg against 6.3/7.0 pitch/yaw, so the animated mood keeps its roll near where it was
    # before the neutral roll rose to the table's 1.85 deg (4.4 deg, 1.2x the tracked person's)
    head_roll: float = 1.0
    nods: float = 1.0  # listener nod probability
    brows: float = 1.0  # brow raise rate and height
    smile: float = 0.0  # resting smile weight (0..1 of mouthSmile)
    blink: float = 1.0  # blink rate
    partner_gaze: float = 0.0  # added to the probability of looking at the partner

    def head_gain(self) -> tuple[float, float, float]:
        """The multiple of the calibrated head spread per axis (pitch, yaw, roll)."""
        return (self.head, self.head, self.head * self.head_roll)


MOOD_TABLE: dict[str, Mood] = {
    "neutral": Mood(),
    "friendly": Mood(head=1.05, nods=1.25, brows=1.15, smile=0.18, blink=1.0, partner_gaze=0.05),
    "serious": Mood(head=0.75, nods=0.8, brows=0.6, smile=0.0, blink=0.9, partner_gaze=0.05),
    "animated": Mood(head=3.0, head_roll=0.8, nods=1.3, brows=1.6, smile=0.08, blink=1.1, partner_gaze=-0.03),
}


@dataclass(frozen=True)
class BehaviourSettings:
    """The behaviour layer's controls; ``None`` amounts take the engine's default."""

    seed: int = 0
    blinks: float | None = None
    gaze: float | None = None
    head: float | None = None
    brows: float | None = None
    mood: str = "neutral"
    gaze_on: bool = True
    mood_b: str | None = None  # character B's own mood; None: the same as A's

    def __post_init__(self) -> None:
        if self.mood_b == "same":  # what the CLI, job files and the panel write for "as A's"
            object.__setattr__(self, "mood_b", None)

    def validate(self) -> BehaviourSettings:
        """Refuse bad values with one line naming the option; returns self for chaining."""
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed <= MAX_SEED:
            raise DualTalkError(
                f"--behaviour-seed must be a whole number from 0 to {MAX_SEED}, got {self.seed!r}"
            )
        for name in LAYERS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise DualTalkError(f"--{name} must be a number from 0 to {MAX_AMOUNT:g}, got {value!r}")
            if not 0.0 <= float(value) <= MAX_AMOUNT:
                raise DualTalkError(f"--{name} must be between 0 and {MAX_AMOUNT:g}, got {value:g}")
        if self.mood not in MOODS:
            raise DualTalkError(f"--mood must be one of {', '.join(MOODS)}, got {self.mood!r}")
        if self.mood_b is not None and self.mood_b not in MOODS:
            raise DualTalkError(f"--mood-b must be one of same, {', '.join(MOODS)}, got {self.mood_b!r}")
        if not isinstance(self.gaze_on, bool):
            raise DualTalkError(f"--gaze must be on or off, got {self.gaze_on!r}")
        return self

    def amounts(self, engine: str) -> dict[str, float]:
        """The amount each layer runs at for ``engine`` (explicit values win over defaults)."""
        base = ENGINE_DEFAULTS.get(engine, ENGINE_DEFAULTS["lite"])
        out = {
            name: float(base[name] if getattr(self, name) is None else getattr(self, name)) for name in LAYERS
        }
        if not self.gaze_on:
            out["gaze"] = 0.0
        return out

    @classmethod
    def from_request(cls, request: Any) -> BehaviourSettings:
        """The settings a :class:`~..core.request.Request` asks for (already checked there)."""
        b = request.behaviour()
        return cls(
            seed=b["seed"], blinks=b["blinks"], gaze=b["gaze"], head=b["head"], brows=b["brows"],
            mood=b["mood"], gaze_on=b["gaze_on"], mood_b=b["mood_b"],
        ).validate()  # fmt: skip

    def moods(self) -> tuple[str, str]:
        """(A's mood, B's mood): two characters may have two temperaments."""
        return self.mood, self.mood_b or self.mood

    def record(self, engine: str) -> dict[str, Any]:
        """What goes into the motion file's meta: the controls given and the amounts used."""
        return {**asdict(self), "engine": engine, "amounts": self.amounts(engine), "version": 1}


def parse_amount(text: str | float, option: str) -> float:
    """``--blinks 0.5`` / ``off`` (= 0) / ``on`` or ``auto`` (= 1); the request model's rule."""
    value = amount(text, option)
    return 1.0 if value is None else value


def parse_switch(text: str | bool, option: str) -> bool:
    """``on``/``off`` (also true/false, 1/0) for ``--gaze on|off``."""
    if isinstance(text, bool):
        return text
    word = str(text).strip().lower()
    if word in ("on", "true", "1", "yes"):
        return True
    if word in ("off", "false", "0", "no"):
        return False
    raise DualTalkError(f"--{option} must be on or off, got {text!r}")
