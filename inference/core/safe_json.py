"""JSON from files users hand us, with a nesting limit.

Python's ``json`` recurses once per nesting level, so a few kilobytes of ``[[[[...``
raise ``RecursionError`` (an "internal error" to the user) instead of a clear refusal.
Every reader of untrusted JSON (job files, maps, FLAME maps, a motion file's ``meta``)
checks the depth first, without recursion, then decodes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import DualTalkError

MAX_DEPTH = 32  # the deepest file we write or read legitimately nests 4 levels
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """Deepest ``[``/``{`` nesting outside strings (iterative; unbalanced text is left to the decoder)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(text: str, what: str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` in one line naming ``what``.

    ``json.JSONDecodeError`` passes through so callers keep their own wording for bad syntax.
    """
    depth = nesting_depth(text)
    if depth > max_depth:
        raise DualTalkError(f"{what} nests {depth} levels deep; at most {max_depth} are allowed")
    try:
        return json.loads(text)
    except RecursionError:  # belt and braces: the scan above should make this unreachable
        raise DualTalkError(f"{what} nests too deeply to read") from None
