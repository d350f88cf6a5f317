"""A researcher brings their own phone alignments to ``eval lipsync``.

Slips a hand-written or converted alignment makes: phone times written relative to
their word (so the phones of every word pile up at its start), a symbol the phone
tables do not know, and a language tag that is not text. The first must stop with one line naming the overlap; the second is
left out of every class, and the printed report must say so, not only the JSON.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion, save_motion

FPS, SR = 25, 16000
# "map" then "bob", 4 frames (160 ms) a phone, absolute times as pocketsphinx writes them
WORDS = [["M", "AE1", "P"], ["B", "AA1", "B"]]
PHONE_S = 0.16


def write_take(
    folder: Path, *, relative: bool = False, odd_symbol: str | None = None, top: dict | None = None
) -> None:
    """<one>.phone.json, a 1 s noise <one>.wav and a mouth that opens on vowels only."""
    aligned, pred = folder / "aligned", folder / "pred"
    aligned.mkdir(parents=True)
    pred.mkdir()
    words, t = [], 0.0
    for symbols in WORDS:
        start = t
        phones = []
        for sym in symbols:
            phones.append({"t": sym, "b": round(t - start if relative else t, 3), "d": PHONE_S})
            t += PHONE_S
        words.append(
            {"t": "".join(symbols).lower(), "b": round(start, 3), "d": round(t - start, 3), "w": phones}
        )
    if odd_symbol:
        words[0]["w"][1]["t"] = odd_symbol
    (aligned / "one.phone.json").write_text(json.dumps({**(top or {}), "w": words}), encoding="utf-8")
    sf.write(aligned / "one.wav", np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1, SR)
    values = np.zeros((FPS, len(ARKIT55)), np.float32)
    jaw = ARKIT55.index("jawOpen")
    for k in (1, 4):  # the vowels: frames 4-7 and 16-19
        values[4 * k : 4 * k + 4, jaw] = 0.6
    save_motion(pred / "one.npz", Motion(space="arkit55", values=values, engine="test"))


def lipsync(folder: Path) -> subprocess.CompletedProcess[str]:
    """``python -m dualtalk eval lipsync`` on the take, run in this process (cli_in_process)."""
    return run_dualtalk("eval", "lipsync", "--aligned", folder / "aligned", "--pred", folder / "pred")


def test_absolute_phone_times_score_the_mouth_that_shuts_on_every_bilabial(tmp_path):
    write_take(tmp_path)
    out = lipsync(tmp_path)
    assert out.returncode == 0, out.stderr
    closure = next(line for line in out.stdout.splitlines() if line.startswith("M/B/P closed"))
    assert closure.split()[2:4] == ["100", "%"]


def test_phone_times_relative_to_each_word_are_refused_in_one_line(tmp_path):
    write_take(tmp_path, relative=True)  # "bob" now sits on top of "map"
    out = lipsync(tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: one.phone.json"), out.stderr
    assert "overlap" in lines[0]


def test_a_symbol_in_no_phone_table_is_named_in_the_printed_report(tmp_path):
    write_take(tmp_path, odd_symbol="AEX")
    out = lipsync(tmp_path)
    assert out.returncode == 0, out.stderr
    note = [line for line in out.stdout.splitlines() if "AEX" in line]
    assert note and "one" in note[0] and "left out" in note[0]


@pytest.mark.parametrize("lang", [None, 5, ["es"], "  "])
def test_a_language_tag_that_is_not_a_tag_is_refused_not_pooled_as_a_language(tmp_path, lang):
    """A converter that writes ``"lang": null`` would otherwise report a language called "None"."""
    write_take(tmp_path, top={"lang": lang})
    out = lipsync(tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: one.phone.json") and "lang" in lines[0], out.stderr


def test_a_clip_with_two_motion_files_is_refused_not_scored_on_either(tmp_path):
    """``one.npz`` from one run and ``one/A.npz`` from a dialogue run: which was scored would be luck."""
    write_take(tmp_path)
    flat = np.zeros((FPS, len(ARKIT55)), np.float32)
    (tmp_path / "pred" / "one").mkdir()
    save_motion(tmp_path / "pred" / "one" / "A.npz", Motion(space="arkit55", values=flat, engine="test"))
    out = lipsync(tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "one.npz" in lines[0] and "one/A.npz" in lines[0], out.stderr
