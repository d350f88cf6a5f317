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
        return safe_json.loads(p.read_text(encoding="utf-8"), f"{label} {p.name}")
    except UnicodeDecodeError:
        raise DualTalkError(f"{label} {p.name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DualTalkError(f"{label} {p.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
