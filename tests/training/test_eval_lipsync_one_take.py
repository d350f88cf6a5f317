"""`eval lipsync --as-one-take`: the clips scored as one long take, as a user's take is run.

The published lip-sync figures come from 3-7 s clips, each heard in one pass; a real take runs for
minutes and past 30 s is cut into windows. Joining the clips (N times over), with every phone moved to
where its clip now starts, scores the same speech the way a long take is made.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.evaluation.cmd_lipsync import one_take_line
from dualtalk.training.evaluation.lipsync import (
    ONE_TAKE_STEM,
    AlignedPhone,
    counts,
    find_alignments,
    join_clips,
    read_alignment,
    write_alignment,
)
from dualtalk.training.evaluation.phone_classes import classify

SR = 16000
LIBRIVOX = ("sense_and_sensibility_01_austen_64kb-0880", "sense_and_sensibility_01_austen_64kb-0930")


def a_clip(folder: Path, stem: str, seconds: float, seed: int, alphabet: str = "arpabet") -> Path:
    """A clip of noise with the phones M, AA, P spread over it (times in seconds)."""
    audio = np.random.default_rng(seed).uniform(-0.5, 0.5, int(seconds * SR)).astype(np.float32)
    symbols = ("M", "AA1", "P") if alphabet == "arpabet" else ("m", "a", "p")
    step = seconds / 4
    phones = [
        AlignedPhone(s, (k + 0.5) * step, (k + 1.5) * step, classify(s, alphabet))
        for k, s in enumerate(symbols)
    ]
    return write_alignment(folder, stem, audio, phones, alphabet=alphabet, text=stem)


def test_joined_clips_keep_every_phone_on_its_own_sound(tmp_path):
    clips_dir, out = tmp_path / "clips", tmp_path / "take"
    a_clip(clips_dir, "a", 1.25, 1)
    a_clip(clips_dir, "b", 2.0, 2)
    clips = find_alignments(clips_dir)
    audios = [sf.read(c.wav, dtype="float32")[0] for c in clips]

    path = join_clips(clips, audios, 2, out)

    take = read_alignment(path)
    joined, sr = sf.read(take.wav, dtype="float32")
    assert take.stem == ONE_TAKE_STEM and sr == SR
    np.testing.assert_array_equal(joined, np.concatenate(audios * 2))  # a, b, a, b, sample for sample
    starts = np.cumsum([0] + [len(x) for x in audios * 2])[:-1] / SR  # 0, 1.25, 3.25, 4.5 s
    expected = [p.start + s for s, c in zip(starts, clips * 2, strict=True) for p in c.phones]
    assert [p.start for p in take.phones] == pytest.approx(expected, abs=1e-4)
    assert [p.symbol for p in take.phones] == ["M", "AA1", "P"] * 4
    assert json.loads(path.read_text())["joined"] == ["a", "b"]


def test_clips_of_two_alphabets_are_not_joined(tmp_path):
    a_clip(tmp_path, "a", 1.0, 1)
    a_clip(tmp_path, "b", 1.0, 2, alphabet="ipa")
    clips = find_alignments(tmp_path)
    with pytest.raises(DualTalkError, match="one alphabet and language"):
        join_clips(clips, [np.zeros(SR, np.float32)] * 2, 1, tmp_path / "take")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--as-one-take", "2", "--pred", "."), "does not apply to --pred"),
        (("--as-one-take", "-1"), "at least once"),
    ],
)
def test_a_long_take_that_cannot_be_made_is_one_error_line(tmp_path, extra, message):
    a_clip(tmp_path, "a", 1.0, 1)
    out = run_dualtalk("eval", "lipsync", "--aligned", tmp_path, *extra)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], out.stderr


def test_read_speech_joined_twice_is_run_and_scored_as_one_windowed_take(shared_dir, tmp_path):
    """Two LibriVox clips (6.3 s), joined twice (12.6 s) and cut into 4 s windows as infer would cut
    them: one take is scored, every phone of both copies counted."""
    src = shared_dir / "data" / "real_speech" / "librivox"
    for stem in LIBRIVOX:
        for ext in (".wav", ".phone.json"):
            (tmp_path / f"{stem}{ext}").symlink_to(src / f"{stem}{ext}")
    one_by_one = [read_alignment(tmp_path / f"{stem}.phone.json") for stem in LIBRIVOX]

    out = run_dualtalk(
        "eval", "lipsync", "--aligned", tmp_path, "--as-one-take", "2", "--window", "4", "--json"
    )

    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    seconds = 2 * sum(sf.info(str(c.wav)).frames for c in one_by_one) / SR
    assert report["one_take"] == {"clips": list(LIBRIVOX), "times": 2, "seconds": round(seconds, 2)}
    assert report["clips"] == 1 and report["seconds"] == pytest.approx(seconds, abs=0.01)
    (row,) = report["per_clip"]
    assert row["clip"] == ONE_TAKE_STEM
    separate = [counts(c.phones) for c in one_by_one]
    assert row["phones"] == {kind: 2 * sum(c[kind] for c in separate) for kind in row["phones"]}
    assert "the 2 clips joined end to end, 2 times over" in one_take_line(report["one_take"])
    assert report["pooled"]["model"]["closure_rate"] > report["pooled"]["lipflap"]["closure_rate"]
