"""Reading the small JSON files users hand us (custom maps, job files) with one set of refusals."""

from __future__ import annotations

import json
import os

from ...inference.core import safe_json
from ...inference.core.errors import DualTalkError
from ...inference.core.inputs import check_input_file
from ...inference.core.text_files import decode_text


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def read_json(path: str | os.PathLike[str], label: str, max_bytes: int) -> object:
    """Decoded JSON of ``path``; missing, oversized, undecodable (:func:`decode_text`) or invalid files
    are one-line errors."""
    p = check_input_file(path, label)
    if p.stat().st_size > max_bytes:
        raise DualTalkError(f"{label} {p.name} is larger than {_size(max_bytes)}")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DualTalkError(f"cannot read {label} {p}: {exc.strerror or exc}") from None
    # UTF-8 with or without Notepad's byte-order mark, UTF-16 with one (PowerShell's ">", Out-File)
    text = decode_text(raw, f"{label} {p.name}", "JSON text file")
    try:
        data = safe_json.loads(text, f"{label} {p.name}")
    except json.JSONDecodeError as exc:
        raise DualTalkError(f"{label} {p.name} is not valid JSON ({_where(exc)})") from None
    except ValueError as exc:  # Python's own limits, e.g. an integer of more than 4300 digits
        raise DualTalkError(f"{label} {p.name} is not valid JSON ({str(exc).split(';')[0]})") from None
    json.loads(text, object_pairs_hook=lambda pairs: _unique(pairs, f"{label} {p.name}"))
    return data


# a backslash starts an escape in a JSON string: a Windows path pasted as it is (Explorer's "Copy as
# path": C:\shots\a.wav) is not JSON, and the parser's "Invalid \escape" sent people nowhere
BACKSLASH_FIX = (
    "a backslash in a JSON string starts an escape: write paths with '/' between folders (or '\\\\')"
)


def _where(exc: json.JSONDecodeError) -> str:
    """Where the JSON breaks and why, in the user's words: the line, and for a bad escape the column,
    what is written there and how to write a path."""
    if exc.msg.startswith("Invalid \\") and exc.msg.endswith(
        "escape"
    ):  # "\\s", or "\\u" without 4 hex digits
        at = exc.pos - 1 if exc.msg.startswith("Invalid \\u") else exc.pos  # json points past the "\\"
        said = exc.doc[at : at + 2]
        return f"line {exc.lineno}, column {at - exc.doc.rfind(chr(10), 0, at)}: '{said}' is no JSON escape; {BACKSLASH_FIX}"
    return f"line {exc.lineno}: {exc.msg}"


def _unique(pairs: list[tuple[str, object]], what: str) -> dict[str, object]:
    """JSON keeps only the last of two equal keys: a hand-written second entry would silently
    replace the first, so it is refused instead."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise DualTalkError(f"{what}: {key!r} appears twice in one object; give it once")
        seen.add(key)
    return dict(pairs)
