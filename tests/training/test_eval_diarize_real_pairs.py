"""`eval diarize --real DIR`: a researcher asks whether two real people of one recording (two men, two
women) are told apart, not only synthetic voices. From a meeting folder in RTTM, each person's stretches
where they alone speak are cut out, and every two people of one recording take turns with them; each
person with enough said alone is also one voice alone."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.inference.core.timebase import SAMPLE_RATE
from dualtalk.training.evaluation import diarize_real_pairs as real
from dualtalk.training.evaluation.cmd_diarize import format_report


def rttm_line(rec: str, start: float, end: float, who: str) -> str:
    return f"SPEAKER {rec} 1 {start:.3f} {end - start:.3f} <NA> <NA> {who} <NA> <NA>\n"


def test_only_the_stretches_where_one_alone_speaks_are_kept():
    turns = [(0.0, 5.0, "ann"), (4.0, 6.0, "bob"), (6.0, 9.0, "ann"), (8.5, 9.2, "bob")]
    assert real.alone_spans(turns) == {"ann": [(0.0, 4.0), (6.0, 8.5)], "bob": [(5.0, 6.0)]}


def test_two_people_of_one_recording_take_turns_the_one_who_said_less_next():
    def said(seconds: float) -> np.ndarray:
        return np.full(int(seconds * SAMPLE_RATE), 0.1, dtype=np.float32)

    by_person = {
        "ann": {"recordings": {"m1"}, "turns": [said(2), said(2)]},
        "bob": {"recordings": {"m1"}, "turns": [said(1), said(3)]},
        "cat": {"recordings": {"m2"}, "turns": [said(9)]},  # another meeting: paired with no one
    }
    made = real.pairs(by_person)
    assert [m.name for m in made] == ["ann / bob"]
    turns = made[0].turns
    assert [who for _, _, who in turns] == ["A", "B", "B", "A"]  # 2 s of ann, then bob until he has more
    assert turns[0][:2] == pytest.approx((real.GAP_S, real.GAP_S + 2)) and turns[1][1] == pytest.approx(3.8)
    assert len(made[0].mix) / SAMPLE_RATE == pytest.approx(8.0 + 5 * real.GAP_S)
    assert [m.name for m in real.alone(by_person)] == ["cat"]  # 8 s or more alone


def test_a_missing_folder_is_refused_in_one_line(tmp_path):
    r = run_dualtalk("eval", "diarize", "--real", tmp_path / "nowhere")
    assert r.returncode != 0 and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("error: --real ") and "no such folder" in r.stderr and r.stdout == ""


def test_the_pairs_of_a_folder_are_scored_and_tabled(tmp_path):
    """Two "people" (noise low- and high-passed) of one recording, 1.2 s each, three turns each."""
    from scipy.signal import butter, lfilter

    rng = np.random.default_rng(0)
    low, high = butter(4, 0.2, btype="low"), butter(4, 0.2, btype="high")
    gap, lines, parts, t = np.zeros(SAMPLE_RATE // 2, np.float32), [], [], 0.5
    for i in range(6):
        b, a = low if i % 2 == 0 else high
        parts += [
            np.zeros(0) if i else gap,
            0.3 * lfilter(b, a, rng.standard_normal(int(1.2 * SAMPLE_RATE))),
            gap,
        ]
        lines.append(rttm_line("talk", t, t + 1.2, "MEE001" if i % 2 == 0 else "FEE002"))
        t += 1.7
    sf.write(tmp_path / "talk.wav", np.concatenate(parts).astype(np.float32), SAMPLE_RATE)
    (tmp_path / "talk.rttm").write_text("".join(lines))
    r = run_dualtalk("eval", "diarize", "--real", tmp_path, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    scored = out["real"]["pairs"]["FEE002 / MEE001"]
    assert {"diarize", "one speaker"} <= set(scored) and scored["one speaker"]["people"] == 1
    assert out["real"]["alone"] == []  # 3.6 s each: not enough to be one voice alone
    table = format_report(out)
    assert "real people of one recording taking turns" in table
    assert any(line.startswith("FEE002 / MEE001") for line in table.splitlines())
