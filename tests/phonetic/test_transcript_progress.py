"""A TD's script cancels a take while its transcript is aligned, and the bar moves while it is.

The alignment of a long take is minutes of pocketsphinx (or, for a script in another language,
espeak-ng and warping) work: a 20-minute take sat at "50% aligning the transcript" for 22 minutes,
and a Python API cancel asked at the start of alignment was heard only when it ended (25 s later
for a 3-minute take, 61 s for 6 minutes). Now alignment reports its progress line by line and
stretch by stretch, and hears a cancel at each: none of the work after the cancel is done and
nothing is written. What is drawn does not depend on whether anyone listens."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.audio.vad import voice_activity
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import align, script_warp
from dualtalk.inference.phonetic import transcript as tr

SR = 16000
ENGLISH = {
    "A": ("Maybe my brother will buy a bigger boat.", "People often move for a better job.",
          "The bakery closes at noon on Mondays."),
    "B": ("I would love to go, but the bike is broken.", "Well, I think so too.",
          "Bring the map and a warm blanket."),
}  # fmt: skip
SPANISH = {
    "A": ("Mañana vamos a la playa con mi hermano.", "El pan de esta panadería es muy bueno.",
          "Mi perro duerme todo el día en el sofá."),
    "B": ("No puedo ir porque tengo mucho trabajo.", "Bueno, nos vemos el lunes por la tarde.",
          "La biblioteca abre a las nueve en punto."),
}  # fmt: skip


def _scene(
    lines: dict[str, tuple[str, ...]], voices: dict[str, Voice]
) -> tuple[np.ndarray, np.ndarray, list[tr.Line]]:
    """A and B taking turns, one file each, and the script (lines 1, 2, 3...)."""
    a, b = np.zeros(SR * 60, np.float32), np.zeros(SR * 60, np.float32)
    t, script = 0.5, []
    for line_a, line_b in zip(lines["A"], lines["B"], strict=True):
        for stream, tag, line in ((a, "A", line_a), (b, "B", line_b)):
            audio = speak(line, voices[tag]).audio
            i = int(t * SR)
            stream[i : i + len(audio)] += audio
            t += len(audio) / SR + 0.5
            script.append(tr.Line(len(script) + 1, tag, line))
    n = int((t + 0.5) * SR)
    return a[:n], b[:n], script


@pytest.fixture(scope="module")
def english():
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    pytest.importorskip("pocketsphinx")
    return _scene(ENGLISH, {"A": Voice("flite", "kal"), "B": Voice("flite", "slt")})


@pytest.fixture(scope="module")
def spanish():
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    return _scene(SPANISH, {"A": Voice("espeak", "es", rate=1.0), "B": Voice("espeak", "es+f3", rate=1.0)})


class Canceller:
    """A TD's Progress: asks to cancel when ``when(stage, fraction, message)`` first holds; its
    ``check_cancel`` raises from then on (its ``update`` never does: a Progress need not)."""

    def __init__(self, when) -> None:
        self.when, self.asked, self.events, self.at = when, False, [], 0

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.events.append((stage, fraction, message))
        if not self.asked and self.when(stage, fraction, message):
            self.asked, self.at = True, len(self.events)

    def heard_at_once(self) -> bool:
        """No step went on after the cancel was asked (a cancel taken for "could not align" would
        go on to B, then to "lips drawn from the transcript")."""
        return all(stage == "transcript" and "drawn" not in m for stage, _f, m in self.events[self.at :])

    def check_cancel(self) -> None:
        if self.asked:
            raise CancelledError("cancelled")


def _count_units(monkeypatch, progress: Canceller) -> dict[str, int]:
    """How many aligner passes (pocketsphinx word and phone passes, lines looked for by the warp)
    run before and after ``progress`` asks to cancel."""
    seen = {"before": 0, "after": 0}
    for module, name in ((align, "_word_pass"), (align, "_phone_pass"), (script_warp, "_find")):
        real = getattr(module, name)

        def counted(*args, _real=real, **kwargs):
            seen["after" if progress.asked else "before"] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return seen


def _files(scene, root, language: str = "en") -> Request:
    a, b, script = scene
    sf.write(root / "a.wav", a, SR)
    sf.write(root / "b.wav", b, SR)
    (root / "scene.txt").write_text("\n".join(f"{line.speaker}: {line.text}" for line in script) + "\n")
    return Request(audio=str(root / "a.wav"), audio_b=str(root / "b.wav"), transcript=str(root / "scene.txt"),
                   transcript_language=language, engine="lite", rounds=1, blinks="off")  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_cancel_asked_as_alignment_starts_is_heard_before_any_line_is_aligned(
    english, spanish, tmp_path, monkeypatch, language
):
    """The review's Python API story: cancel as soon as "aligning the transcript" is reported.
    Before, every pass of both characters ran first (the cancel was heard only at the write)."""
    request = _files(english if language == "en" else spanish, tmp_path, language)
    progress = Canceller(lambda stage, fraction, message: "aligning" in message)
    units = _count_units(monkeypatch, progress)
    with pytest.raises(CancelledError):
        pipeline.run(request, tmp_path / "take", progress=progress)
    assert progress.asked and units["after"] == 0 and progress.heard_at_once()
    assert not (tmp_path / "take" / "A.npz").exists() and not (tmp_path / "take" / "B.npz").exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_cancel_asked_in_the_middle_of_alignment_stops_it_there(
    english, spanish, tmp_path, monkeypatch, language
):
    """Asked while A's lines are aligned (past the word pass, or the first lines looked for), the
    cancel stops the very next pass."""
    request = _files(english if language == "en" else spanish, tmp_path, language)
    progress = Canceller(lambda stage, fraction, message: stage == "transcript" and 0.2 < fraction < 0.9)
    units = _count_units(monkeypatch, progress)
    with pytest.raises(CancelledError):
        pipeline.run(request, tmp_path / "take", progress=progress)
    assert progress.asked and units["before"] > 0 and units["after"] == 0 and progress.heard_at_once()
    assert not (tmp_path / "take" / "A.npz").exists()


def _motion(audio: np.ndarray) -> Motion:
    """An engine's motion for the stream: the mouth half open, speaking flags from the voice."""
    speaking = voice_activity(audio)
    return Motion("arkit55", np.full((len(speaking), 55), 0.2, np.float32), speaking=speaking, engine="lite")


@pytest.mark.parametrize("language", ["en", "es"])
def test_alignment_reports_each_line_and_stretch_in_order_and_draws_the_same_lips(english, spanish, language):
    a, b, script = english if language == "en" else spanish
    motions = (_motion(a), _motion(b))
    quiet = tr.apply_transcript(script, ("A", "B"), a, b, *motions, language=language)
    recorder = Recorder()
    heard = tr.apply_transcript(script, ("A", "B"), a, b, *motions, language=language, progress=recorder)
    assert (
        heard[2] == quiet[2] and heard[2]["a"]["lines_drawn"] and heard[2]["b"]["lines_drawn"]
    )  # the same report
    for drawn, same in zip(heard[:2], quiet[:2], strict=True):  # and the same lips
        np.testing.assert_array_equal(drawn.values, same.values)
    fractions = [f for stage, f, _m in recorder.events if stage == "transcript"]
    assert len(fractions) > len(script) and fractions == sorted(fractions)  # every line, never back
    assert 0.0 <= fractions[0] < 0.5 < fractions[-1] <= 1.0
    assert {m for _s, _f, m in recorder.events} >= {"aligning A's lines", "aligning B's lines"}
