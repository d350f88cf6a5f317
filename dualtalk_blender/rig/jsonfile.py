"""Reading the small JSON files users hand us (custom maps, job files) with one set of refusals."""

from __future__ import annotations

import json
import os

from ...inference.core import safe_json
from ...inference.core.errors import DualTalkError
from ...inference.core.inputs import check_input_file


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def read_json(path: str | os.PathLike[str], label: str, max_bytes: int) -> object:
    """Decoded JSON of ``path``; missing, oversized, non-UTF-8 or invalid files are one-line errors."""
    p = check_input_file(path, label)
    if p.stat().st_size > max_bytes:
        raise DualTalkError(f"{label} {p.name} is larger than {_size(max_bytes)}")
    try:
        text = p.read_text(encoding="utf-8-sig")  # Notepad saves UTF-8 with a byte-order mark
        data = safe_json.loads(text, f"{label} {p.name}")
    except UnicodeDecodeError:
        raise DualTalkError(f"{label} {p.name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DualTalkError(f"{label} {p.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:  # Python's own limits, e.g. an integer of more than 4300 digits
        raise DualTalkError(f"{label} {p.name} is not valid JSON ({str(exc).split(';')[0]})") from None
    json.loads(text, object_pairs_hook=lambda pairs: _unique(pairs, f"{label} {p.name}"))
    return data


def _unique(pairs: list[tuple[str, object]], what: str) -> dict[str, object]:
    """JSON keeps only the last of two equal keys: a hand-written second entry would silently
    replace the first, so it is refused instead."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise DualTalkError(f"{what}: {key!r} appears twice in one object; give it once")
        seen.add(key)
    return dict(pairs)
