"""A short espeak-ng conversation on one mic, for the stories where the script's words bound a
turn label (inference/phonetic/turn_edges.py, and the behaviour layer after it): A is a US man, B a
woman answering "Okay Bob, ..." 0.12 s after A's last word; the labels come from where each voice
truly starts and ends, one of them made 0.4 s loose as hand-made labels are. The same voices on two
mics (one each) too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.core.request import Request

SR = 16000
FPS = 25
LINES = (  # who, what, silence before it (B answers 0.12 s after A's last word)
    ("A", "Hi Bob, maybe we should go to the beach this weekend.", 0.3),
    ("B", "Maybe. But the weather looks bad.", 0.45),
    ("A", "Then we could have a picnic by the water, if the rain stops.", 0.45),
    ("B", "Okay Bob, that sounds fine.", 0.12),
)
VOICES = {"A": Voice("espeak", "en-us+m3"), "B": Voice("espeak", "en-us+f2", pitch=70)}
LATE_S = 0.4


def _room_tone(*shape: int) -> np.ndarray:
    """A mic's hiss, the same every run: -60 dBFS of white noise."""
    return 1e-3 * np.random.default_rng(0).standard_normal(shape).astype(np.float32)


class OneMicTake:
    """The take on disk: its mix (``audio``), the two voices apart (``stereo``: A left, B right), the
    script, and where each line's voice truly starts and ends (``voices``). ``lines``: who says what
    after how long a silence (a negative one: an overlap). The mix peaks at 0.5, the mics at the same
    level; each mic has its own room tone (-60 dBFS), the mix one, as one mic hears it (summing the two
    mics' would make it 3 dB louder)."""

    def __init__(self, folder: Path, lines: tuple[tuple[str, str, float], ...] = LINES) -> None:
        self.folder = folder
        pieces, voices, t = [], [], 0.0
        for who, text, gap in lines:
            said = speak(text, VOICES[who])
            voice = said.audio[int(said.phones[0].start * SR) : int(said.phones[-1].end * SR)]
            t += gap
            voices.append((who, t, t + len(voice) / SR))
            pieces.append((who, t, voice))
            t += len(voice) / SR
        apart = np.zeros((int((t + 0.6) * SR), 2), np.float32)
        for who, start, voice in pieces:
            i = int(round(start * SR))
            apart[i : i + len(voice), "AB".index(who)] += voice
        apart *= 0.5 / np.abs(apart.sum(axis=1)).max()
        self.audio = folder / "take.wav"
        sf.write(self.audio, apart.sum(axis=1) + _room_tone(len(apart)), SR)
        self.stereo = folder / "take_two_mics.wav"
        sf.write(self.stereo, apart + _room_tone(*apart.shape), SR)
        self.voices = voices
        self.script = folder / "script.txt"
        self.script.write_text("".join(f"{who}: {text}\n" for who, text, _ in lines), encoding="utf-8")

    def labels(self, name: str, late_end: int | None = None, early_start: int | None = None) -> Path:
        """Labels on the voices, line ``late_end``'s ending :data:`LATE_S` late or ``early_start``'s
        starting :data:`LATE_S` early (Audacity's start, end, name)."""
        rows = []
        for k, (who, start, end) in enumerate(self.voices):
            start -= LATE_S if k == early_start else 0.0
            end += LATE_S if k == late_end else 0.0
            rows.append(f"{start:.2f}\t{end:.2f}\t{who}\n")
        path = self.folder / f"{name}.txt"
        path.write_text("".join(rows), encoding="utf-8")
        return path

    def request(self, turns: Path | None, script: bool = True, **part: float) -> Request:
        """The take's request: the mix split by ``turns``, or the two mics when ``turns`` is None."""
        return Request(
            audio=str(self.audio if turns is not None else self.stereo),
            turns=str(turns) if turns is not None else None,
            transcript=str(self.script) if script else None,
            **part,
        )
