"""An animator measures the take ``animate`` left in ``scene.dualtalk/`` (A.npz, B.npz and the take's sound,
dialogue.wav): ``eval behaviour scene.dualtalk``. Before, the mouth onsets read "n/a (no audio)" beside
that very file (review rv40d F6); now they are timed against it. Hand-made motions with a known answer:
each mouth opens 80 ms before its voice (read -40 to -80 ms: the level's 50 ms window sees a voice a
frame early)."""

from __future__ import annotations

import numpy as np
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.inference.core.channels import SPACE_ARKIT
from dualtalk.inference.core.motion import Motion, save_motion
from dualtalk.training.evaluation import behaviour as ev

FPS = 25.0
T = 600  # 24 s
SR = 16000
SPANS = {"A": [(1.0, 11.0)], "B": [(13.0, 23.0)]}
LEAD = 2  # frames the mouth opens before the voice: -80 ms


def _motion(spans: list[tuple[float, float]]) -> Motion:
    speaking = np.zeros(T, dtype=bool)
    jaw = np.full(T, 0.01, dtype=np.float32)
    t = np.arange(T) / FPS
    for s, e in spans:
        i, j = int(s * FPS), int(e * FPS)
        speaking[i:j] = True
        jaw[i - LEAD : j] = 0.3 + 0.2 * np.sin(np.pi * 4.5 * t[i - LEAD : j]) ** 2
    m = Motion(SPACE_ARKIT, np.zeros((T, 55), dtype=np.float32), FPS, speaking=speaking)
    m.values[:, m.channels.index("jawOpen")] = jaw
    return m


def _take(folder, sound: np.ndarray | None):
    folder.mkdir()
    save_motion(folder / "A.npz", _motion(SPANS["A"]))
    save_motion(folder / "B.npz", _motion(SPANS["B"]))
    if sound is not None:
        sf.write(folder / "dialogue.wav", sound, SR)
    return folder


def _voices() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return place(T / FPS, SPANS["A"], rng), place(T / FPS, SPANS["B"], rng)


def test_the_takes_mix_beside_its_motion_files_times_the_mouths(tmp_path):
    a, b = _voices()
    folder = _take(tmp_path / "scene.dualtalk", a + b)  # animate's dialogue.wav: the mix
    result = ev.evaluate_files([folder])
    for who in ("A", "B"):
        row = result["after"][who]
        assert row["voice_onsets"] == 1 and -80.0 <= row["mouth_onset_ms"] < 0.0
    table = ev.format_table(result)
    assert "no audio" not in table and "(1 onsets)" in table
    # the two files named one by one, from the same folder, read it too
    again = ev.evaluate_files([folder / "A.npz", folder / "B.npz"])
    assert again["after"]["A"]["mouth_onset_ms"] == result["after"]["A"]["mouth_onset_ms"]


def test_a_stereo_sound_gives_each_character_its_own_channel(tmp_path):
    a, b = _voices()
    folder = _take(tmp_path / "demo", np.stack([a, b], 1))  # the demo's dialogue.wav: A left, B right
    result = ev.evaluate_files([folder])
    from dualtalk.inference.behaviour.cues import loudness_db

    for who, voice, partner in (("A", a, "B"), ("B", b, "A")):  # as from the character's own recording
        own = ev.take_from(_motion(SPANS[who]), _motion(SPANS[partner]), loudness_db(voice, T, FPS))
        assert result["after"][who]["mouth_onset_ms"] == ev.measure(own)["mouth_onset_ms"] < 0.0


def test_no_sound_or_another_takes_sound_still_says_no_audio(tmp_path):
    bare = ev.evaluate_files([_take(tmp_path / "infer_out", None)])  # infer writes no dialogue.wav
    assert bare["after"]["A"]["voice_onsets"] is None
    a, b = _voices()  # a 10 s sound beside a 24 s take: not this take's
    other = ev.evaluate_files([_take(tmp_path / "mixed_up", (a + b)[: 10 * SR])])
    assert other["after"]["A"]["voice_onsets"] is None
    assert "n/a (no audio)" in ev.format_table(other)
