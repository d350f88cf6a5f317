"""A two-character take for the script-language stories: each line a voiced tone on its speaker's mic,
silence on the other, with the speaking flags a take carries (no real speech, no model run)."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr

SR = 16000


def two_mic_take(lines: list[tuple[str, str]]) -> tuple[list[tr.Line], np.ndarray, np.ndarray, list[Motion]]:
    """(script, A's mic, B's mic, [A's motion, B's motion]) for ``lines`` of ``(speaker, text)``."""
    mics: dict[str, list[np.ndarray]] = {"A": [], "B": []}
    flags: dict[str, list[bool]] = {"A": [], "B": []}
    t = np.arange(int(1.5 * SR)) / SR
    voice = (0.3 * np.sin(2 * np.pi * 180 * t) * (1 + np.sin(2 * np.pi * 4 * t))).astype(np.float32)
    for who, _text in lines:
        for mic in "AB":
            mics[mic] += [voice if mic == who else np.zeros_like(voice), np.zeros(int(0.5 * SR), np.float32)]
            flags[mic] += [mic == who] * 37 + [False] * 13
    motions = [
        Motion(
            "arkit55",
            np.full((len(flags[m]), 55), 0.2, np.float32),
            speaking=np.array(flags[m]),
            engine="lite",
        )
        for m in "AB"
    ]
    script = [tr.Line(k + 1, who, text) for k, (who, text) in enumerate(lines)]
    return script, np.concatenate(mics["A"]), np.concatenate(mics["B"]), motions
