"""Praat TextGrid interval tiers, read without Praat: what forced aligners such as the Montreal
Forced Aligner write, so ``eval lipsync`` can score against their phones as well as pocketsphinx's.

Both text formats reduce to the same sequence of values once the long format's ``name =`` labels
and ``[n]`` indices are dropped: ``"ooTextFile" "TextGrid" xmin xmax <exists> size``, then per tier
``"IntervalTier" "name" xmin xmax count`` and ``xmin xmax "text"`` per interval. Point tiers
(``"TextTier"``) are read past. Anything else is one error line naming the file.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ...inference.core.errors import DualTalkError

MAX_BYTES = 16 * 1024 * 1024  # a TextGrid of several hours is a few MB
# a quoted string (Praat doubles a quote inside one), an [n] index (skipped), a number, <exists>
_TOKEN = re.compile(r'"((?:[^"]|"")*)"|\[\d*\]|(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|<(exists|absent)>')

Interval = tuple[float, float, str]


def _tokens(text: str) -> list[str | float]:
    """Strings and numbers in file order; the long format's unquoted ``key =`` labels and ``[n]``
    indices are not values and drop out."""
    out: list[str | float] = []
    for m in _TOKEN.finditer(text):
        if m.group(1) is not None:
            out.append(m.group(1).replace('""', '"'))
        elif m.group(2) is not None:
            out.append(float(m.group(2)))
        elif m.group(3) is not None:
            out.append("<" + m.group(3) + ">")
    return out


def read_textgrid(path: str | Path) -> dict[str, list[Interval]]:
    """Interval tiers by name: ``{name: [(start s, end s, text), ...]}`` in file order."""
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DualTalkError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MiB; is it a TextGrid?")
        raw = path.read_bytes()
    except OSError as exc:
        raise DualTalkError(f"cannot read {name}: {exc}") from None
    for codec in ("utf-8-sig", "utf-16"):  # Praat writes UTF-16 when a label needs it
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DualTalkError(f"{name} is neither UTF-8 nor UTF-16 text")
    toks = _tokens(text)
    if len(toks) < 2 or not str(toks[0]).startswith("ooTextFile") or toks[1] != "TextGrid":
        raise DualTalkError(f'{name}: not a Praat TextGrid (it must start with File type = "ooTextFile")')

    pos = 2

    def take(kind: type, what: str) -> str | float:
        nonlocal pos
        if pos >= len(toks) or not isinstance(toks[pos], kind):
            raise DualTalkError(f"{name}: expected {what} (value {pos + 1} of the file)")
        pos += 1
        return toks[pos - 1]

    def count(what: str) -> int:
        n = float(take(float, what))
        if not (math.isfinite(n) and 0 <= n <= len(toks)):  # more items than values cannot be right
            raise DualTalkError(f"{name}: {what} is {n:g} (value {pos} of the file)")
        return int(n)

    take(float, "the grid's start")
    take(float, "the grid's end")
    if pos < len(toks) and toks[pos] in ("<exists>", "<absent>"):
        if toks[pos] == "<absent>":
            return {}
        pos += 1
    tiers: dict[str, list[Interval]] = {}
    for _ in range(count("the number of tiers")):
        kind = take(str, "a tier class")
        tier = str(take(str, "a tier name"))
        take(float, "the tier's start")
        take(float, "the tier's end")
        items_n = count("the tier's number of items")
        if kind == "TextTier":
            for _ in range(items_n):
                take(float, "a point's time")
                take(str, "a point's mark")
            continue
        if kind != "IntervalTier":
            raise DualTalkError(f"{name}: unknown tier class {kind!r}")
        items: list[Interval] = []
        for k in range(items_n):
            start, end = float(take(float, "an interval's start")), float(take(float, "an interval's end"))
            label = str(take(str, "an interval's text"))
            if not (math.isfinite(start) and math.isfinite(end)) or end < start or start < 0:
                raise DualTalkError(f"{name}: tier {tier!r} interval {k + 1} runs from {start:g} to {end:g}")
            items.append((start, end, label.strip()))
        tiers[tier] = items
    return tiers
