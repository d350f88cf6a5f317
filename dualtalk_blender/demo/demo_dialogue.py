"""The demo's short two-voice conversation: scripted, voiced by the Debian TTS engines.

Turn-taking is what DualTalk is about, so the script has a bit of everything the model
should react to: plain turns, a short overlap, backchannels ("mm-hmm", "yeah") said
while the partner talks, and a laugh. When no TTS engine is installed the demo falls
back to ``assets/demo_dialogue.flac``, which this module wrote (see ``--write``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.timebase import FPS, SAMPLE_RATE, frames_for

ASSET = Path(__file__).resolve().parents[2] / "assets" / "demo_dialogue.flac"


@dataclass(frozen=True)
class Line:
    speaker: str  # "A" or "B"
    text: str
    gap: float  # seconds after the previous line ends (negative = overlap)
    anchor: str = "end"  # "end": after the previous line; "start": after its start (backchannel)


SCRIPT: tuple[Line, ...] = (
    Line("A", "Hi Ben! Did you see the new talking heads demo?", 0.3),
    Line("B", "Mm-hmm.", -0.9),
    Line("B", "Yes, I did. It runs on my laptop, without any downloads.", 0.35),
    Line("A", "Really? That is great.", -0.2),
    Line("A", "So both of us are animated from one conversation.", 0.25),
    Line("B", "Yeah.", 1.1, anchor="start"),
    Line("B", "Exactly. When you talk, I listen, and I nod.", 0.5),
    Line("A", "Ha ha! Let's try it.", 0.3),
)


@dataclass
class Conversation:
    """Two aligned 16 kHz streams and who speaks when (from the script's timings)."""

    a: np.ndarray
    b: np.ndarray
    active_a: np.ndarray  # (T,) bool at 25 fps
    active_b: np.ndarray
    source: dict

    @property
    def duration(self) -> float:
        return len(self.a) / SAMPLE_RATE


def _voices():
    from ...inference.audio.tts import Voice, available_engines

    engines = available_engines()
    if "espeak" in engines:
        return Voice("espeak", "en-us+f3", 1.0, 68.0, 60.0, True), Voice(
            "espeak", "en-gb-x-rp+m3", 0.95, 35.0, 50.0
        )
    if "flite" in engines:
        return Voice("flite", "slt", 1.0, 80.0, 50.0, True), Voice("flite", "awb", 1.0, 35.0, 50.0)
    raise DualTalkError("no text-to-speech engine found (install espeak-ng or flite)")


def synthesize(script: tuple[Line, ...] = SCRIPT) -> Conversation:
    """Voice the script with two contrasting TTS voices and lay it out on two tracks."""
    from ...inference.audio.tts import speak

    voice = dict(zip("AB", _voices(), strict=True))
    placed: list[tuple[str, float, np.ndarray, list[tuple[float, float]]]] = []
    prev_start = prev_end = 0.0
    for line in script:
        utt = speak(line.text, voice[line.speaker])
        start = max(0.0, (prev_start if line.anchor == "start" else prev_end) + line.gap)
        spans = [(start + p.start, start + p.end) for p in utt.phones if p.end > p.start]
        placed.append((line.speaker, start, utt.audio.astype(np.float32), spans))
        prev_start, prev_end = start, start + utt.duration
    total = max(s + len(x) / SAMPLE_RATE for _, s, x, _ in placed) + 0.4
    n = int(np.ceil(total * SAMPLE_RATE))
    tracks = {"A": np.zeros(n, np.float32), "B": np.zeros(n, np.float32)}
    active = {"A": np.zeros(frames_for(n), bool), "B": np.zeros(frames_for(n), bool)}
    for who, start, audio, spans in placed:
        i = int(round(start * SAMPLE_RATE))
        tracks[who][i : i + len(audio)] += audio[: n - i]
        for s, e in spans:
            active[who][int(s * FPS) : int(np.ceil(e * FPS))] = True
    peak = max(float(np.abs(t).max()) for t in tracks.values()) or 1.0
    for who in tracks:
        tracks[who] *= 0.89 / peak
    names = {k: f"{v.engine}:{v.name}" for k, v in voice.items()}
    return Conversation(
        tracks["A"],
        tracks["B"],
        active["A"],
        active["B"],
        {"form": "tts", "voices": names, "script": [(ln.speaker, ln.text) for ln in script]},
    )


def from_asset(path: Path = ASSET) -> Conversation:
    """The committed conversation: stereo FLAC, channel 0 = A, channel 1 = B."""
    import soundfile as sf

    from ...inference.audio import voice_activity

    if not path.is_file():
        raise DualTalkError(f"the demo dialogue {path} is missing and no TTS engine is available")
    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    if sr != SAMPLE_RATE or data.shape[1] != 2:
        raise DualTalkError(f"{path.name} must be 16 kHz stereo, got {sr} Hz x {data.shape[1]}")
    a, b = np.ascontiguousarray(data[:, 0]), np.ascontiguousarray(data[:, 1])
    return Conversation(
        a,
        b,
        voice_activity(a, partner=b),
        voice_activity(b, partner=a),
        {"form": "file", "path": path.name},
    )


def load_conversation(source: str = "auto", seconds: float | None = None) -> Conversation:
    """``source``: "tts" (synthesise now), "file" (committed FLAC) or "auto" (TTS if possible)."""
    if source not in ("auto", "tts", "file"):
        raise DualTalkError(f"unknown dialogue source {source!r} (auto, tts or file)")
    conv = None
    if source in ("auto", "tts"):
        try:
            conv = synthesize()
        except DualTalkError:
            if source == "tts":
                raise
    if conv is None:
        conv = from_asset()
    if seconds is not None:
        if not seconds > 0:
            raise DualTalkError(f"--seconds must be positive, got {seconds}")
        n = min(len(conv.a), int(round(seconds * SAMPLE_RATE)))
        t = frames_for(n)
        conv = Conversation(conv.a[:n], conv.b[:n], conv.active_a[:t], conv.active_b[:t], conv.source)
    return conv


def write_stereo(path: str | Path, conv: Conversation) -> Path:
    """Write the conversation as one stereo file (channel 0 = A), atomically. A write that fails (a
    full disk: libsndfile says only "System error.") is one line with the disk's own error."""
    from ...inference.core.fileio import write_sound

    path = Path(path)
    stereo = np.stack([conv.a, conv.b], axis=1)
    return write_sound(path, stereo, SAMPLE_RATE, format=path.suffix.lstrip(".").upper() or "WAV")


def main(argv: list[str] | None = None) -> int:
    """Regenerate the committed fallback: ``python -m dualtalk.dualtalk_blender.demo.demo_dialogue --write``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write", default=str(ASSET), help="output .flac (default: the committed asset)")
    args = parser.parse_args(argv)
    conv = synthesize()
    write_stereo(args.write, conv)
    print(f"wrote {args.write} ({conv.duration:.1f} s, voices {conv.source['voices']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
