"""Takes for the script-language stories: two mics with each line a voiced tone on its speaker's mic and
silence on the other (no real speech, no model run), or one mic with espeak-ng saying each line."""

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


def espeak_mic(parts: list[tuple[str, str]]) -> tuple[np.ndarray, Motion]:
    """A's mic: each ``(espeak-ng language, line)`` said in turn by its male voice, 0.8 s apart, and a
    motion as long, speaking while they speak (the one-Latin-line and language-tag stories)."""
    from dualtalk.inference.audio.tts import Voice, speak

    pieces, flags = [np.zeros(int(0.6 * SR), np.float32)], [False] * 15
    for voice, text in parts:
        said = speak(text, Voice("espeak", f"{voice}+m3", 1.0, 40, 50)).audio
        pieces += [said, np.zeros(int(0.8 * SR), np.float32)]
        flags += [True] * int(len(said) / SR * 25) + [False] * 20
    audio = np.concatenate(pieces)
    audio = audio + np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)
    n = int(len(audio) / SR * 25)
    speaking = np.array((flags + [False] * n)[:n])
    return audio, Motion("arkit55", np.full((n, 55), 0.2, np.float32), speaking=speaking, engine="lite")
