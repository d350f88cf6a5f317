"""`eval audio`: a researcher checks voice activity and diarization on a recording that has one
channel per speaker, and (with the tracked face of speaker 2) whether "speaking" is where the jaw moves."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.bench.testsignals import espeak, espeak_available, frames_of
from dualtalk.inference.core.timebase import SAMPLE_RATE
from dualtalk.training.evaluation.cmd_audio import format_report, measure

needs_espeak = pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed")

LINES = [
    ("A", "en-us", 30, "So where were we before the break?"),
    ("B", "en-us+f3", 75, "We were talking about the bridge."),
    ("A", "en-us", 30, "Right. It was closed all week."),
    ("B", "en-us+f3", 75, "That is why we took the ferry."),
]


def run_cli(*args: object) -> subprocess.CompletedProcess:
    """``python -m dualtalk eval audio ARGS`` run in this process (cli_in_process: no Python and torch
    started for each of the ~8 runs); tests/training/test_audit_eval_audio.py runs the real command line."""
    return run_dualtalk("eval", "audio", *args)


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> dict:
    """Two people taking turns, each on their own channel, and who spoke when (25 fps frames)."""
    if not espeak_available():
        pytest.skip("espeak-ng not installed")
    folder = tmp_path_factory.mktemp("recording")
    parts: dict[str, list[np.ndarray]] = {"A": [], "B": []}
    spans: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
    t = 0.0
    for who, voice, pitch, text in LINES:
        speech = espeak(text, voice, pitch)
        gap = np.zeros(SAMPLE_RATE // 2, np.float32)
        spans[who].append((t, t + len(speech) / SAMPLE_RATE))
        for ch in ("A", "B"):
            parts[ch] += [speech if ch == who else np.zeros_like(speech), gap]
        t += (len(speech) + len(gap)) / SAMPLE_RATE
    paths = {}
    for ch in ("A", "B"):
        paths[ch] = folder / f"speaker_{ch}.wav"
        sf.write(paths[ch], np.concatenate(parts[ch]), SAMPLE_RATE)
    truth = {ch: frames_of(spans[ch], t) for ch in ("A", "B")}
    return {"paths": paths, "truth": truth, "seconds": t, "folder": folder}


def jaw_file(path: Path, moving: np.ndarray, rng: np.random.Generator) -> Path:
    """A DualTalk dataset file whose tracked jaw wiggles in ``moving`` frames and rests elsewhere."""
    n = len(moving)
    jaw = np.where(moving, 0.15 + 0.1 * np.sin(np.arange(n) * 1.7), 0.02) + 0.002 * rng.standard_normal(n)
    pose = np.zeros((n, 6), np.float32)
    pose[:, 3] = jaw
    np.savez(path, exp=np.zeros((n, 50), np.float32), pose=pose)
    return path


@needs_espeak
def test_turn_taking_is_measured_and_diarization_separates_two_distinct_voices(recording):
    out = run_cli(recording["paths"]["A"], recording["paths"]["B"], "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["seconds"] == pytest.approx(recording["seconds"], abs=0.05)
    for ch, key in (("A", "active_a"), ("B", "active_b")):
        assert report[key] == pytest.approx(recording["truth"][ch].mean(), abs=0.08)
    assert report["both"] < 0.05  # they take turns
    # the sum of two clearly different voices: the MFCC backend finds who is who
    assert report["mfcc"]["per_channel"]["confusion"] < 0.05
    # "one speaker all along" confuses every frame of the less frequent speaker
    assert report["trivial_one_speaker"]["per_channel"]["confusion"] > 0.2
    for row in ("per_channel", "dominant"):  # the collar only takes frames away
        r = report["mfcc"][row]
        assert r["der_collar_0.25s"] <= r["der"] + 1e-9


@needs_espeak
def test_the_table_names_every_system_and_the_jaw_ratio(recording, rng):
    moving = recording["truth"]["B"]
    npz = jaw_file(recording["folder"] / "b_face.npz", moving, rng)
    report = measure(recording["paths"]["A"], recording["paths"]["B"], npz)
    # the jaw moves exactly while B talks: far faster in "B speaking" frames
    assert report["jaw_speed_ratio_b_energy"] > 3.0
    assert report["jaw_speed_ratio_b_silero"] > 3.0
    table = format_report(report)
    for name in ("trivial_one_speaker", "encoder", "mfcc", "per_channel", "dominant", "energy activity"):
        assert name in table


@needs_espeak
def test_a_jaw_that_ignores_the_voice_gives_a_ratio_near_one(recording, rng):
    n = len(recording["truth"]["B"])
    npz = jaw_file(recording["folder"] / "random_face.npz", rng.random(n) < 0.5, rng)
    report = measure(recording["paths"]["A"], recording["paths"]["B"], npz)
    assert 0.5 < report["jaw_speed_ratio_b_energy"] < 2.0


@needs_espeak
@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("missing-file", "not found"),
        ("no-pose", "has no 'pose' array"),
        ("bad-pose", "'pose' must be (frames, 6)"),
        ("huge-pose", "it declares (1000000000, 6)"),
        ("not-npz", "is not a readable .npz file"),
        ("silent", "neither channel has any speech"),
    ],
)
def test_bad_input_is_one_error_line(recording, tmp_path, breakage, message):
    a, b = recording["paths"]["A"], recording["paths"]["B"]
    extra: list[object] = []
    if breakage == "missing-file":
        b = tmp_path / "nowhere.wav"
    elif breakage == "no-pose":
        np.savez(tmp_path / "f.npz", exp=np.zeros((10, 50)))
        extra = ["--motion2", tmp_path / "f.npz"]
    elif breakage == "bad-pose":
        np.savez(tmp_path / "f.npz", pose=np.zeros((10, 3)))
        extra = ["--motion2", tmp_path / "f.npz"]
    elif breakage == "huge-pose":  # a few bytes claiming 48 GB: refused from its header
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 6)}
        )
        with zipfile.ZipFile(tmp_path / "f.npz", "w") as z:
            z.writestr("pose.npy", header.getvalue() + b"\0" * 64)
        extra = ["--motion2", tmp_path / "f.npz"]
    elif breakage == "not-npz":
        (tmp_path / "f.npz").write_text("not a zip")
        extra = ["--motion2", tmp_path / "f.npz"]
    elif breakage == "silent":
        x, _ = sf.read(a, dtype="float32")
        a, b = tmp_path / "s1.wav", tmp_path / "s2.wav"
        sf.write(a, np.zeros_like(x), SAMPLE_RATE)
        sf.write(b, np.zeros_like(x), SAMPLE_RATE)
    out = run_cli(a, b, *extra)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], out.stderr
    assert out.stdout == ""


@needs_espeak
def test_channels_of_different_lengths_are_measured_as_infer_reads_them(recording, tmp_path):
    """Review 25: ``eval audio a.wav b.wav`` refused 3.56 s beside 4.28 s ("the two channels differ in
    length") where ``infer --audio a.wav --audio-b b.wav`` takes them: the take runs to the longer
    file and the shorter one's speaker is silent after its end, without a warning."""
    from dualtalk.inference.audio.dialogue import load_dialogue

    a = recording["paths"]["A"]
    x, _ = sf.read(recording["paths"]["B"], dtype="float32")
    short = tmp_path / "short.wav"
    sf.write(short, x[: int(len(x) * 0.83)], SAMPLE_RATE)  # B's recorder stopped early
    out = run_cli(a, short, "--json")
    assert out.returncode == 0 and out.stderr == "", out.stderr
    report = json.loads(out.stdout)
    take = load_dialogue(a, short)
    assert report["seconds"] == round(take.duration, 2) == pytest.approx(recording["seconds"], abs=0.05)
    silenced = tmp_path / "silenced.wav"  # the same channel padded by hand: the same numbers
    sf.write(
        silenced,
        np.concatenate([x[: int(len(x) * 0.83)], np.zeros(len(x) - int(len(x) * 0.83))]),
        SAMPLE_RATE,
    )
    assert measure(a, silenced) == measure(a, short)
