"""`eval scripts`: a researcher checks how often lips drawn from a script draw the lines a voice says
and refuse the lines it does not, on read prompts with their transcripts (here, two espeak-ng
Spanish readers of four prompts each)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.timebase import SAMPLE_RATE
from dualtalk.training.evaluation.cmd_scripts import CASES, format_report

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

PROMPTS = (
    "Mi madre prepara una paella buenísima los domingos.",
    "El perro blanco bebe agua de la fuente.",
    "Vamos a comprar pan por la mañana.",
    "Hoy hace mucho calor en la ciudad.",
    "Los niños juegan en el parque todo el día.",
    "Necesito un café antes de trabajar.",
    "Mi hermano vive en Barcelona desde mayo.",
    "Por favor, cierra la ventana del salón.",
)
# two readers, neither the voice that reads the script: four prompts each, one character's stream
READERS = (Voice("espeak", "es+m7", rate=1.1), Voice("espeak", "es+f5", rate=0.9))


def write_corpus(folder, prompts=PROMPTS, transcripts=True):
    folder.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(prompts):
        utt = speak(text, READERS[k * len(READERS) // len(prompts)])
        sf.write(folder / f"prompt{k}.wav", utt.audio, SAMPLE_RATE)
        if transcripts:
            (folder / f"prompt{k}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("prompts"))


@pytest.fixture(scope="module")
def report(corpus):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "dualtalk",
            "eval",
            "scripts",
            "--corpus",
            str(corpus),
            "--language",
            "es",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_own_lines_are_drawn_and_a_replaced_or_wrong_line_is_refused(report):
    assert (report["language"], report["aligner"], report["groups"], report["group"]) == ("es", "warp", 2, 4)
    # clean synthetic speech: the reader's own lines are drawn
    assert report["own_drawn"]["of"] == 8 and report["own_drawn"]["count"] >= 7
    # line 2 swapped for another group's: refused, and the script's other lines still drawn
    assert report["replaced_refused"]["of"] == 2 and report["replaced_refused"]["count"] >= 1
    assert report["replaced_others_drawn"]["of"] == 6 and report["replaced_others_drawn"]["count"] >= 5
    # the other reader's lines: refused
    assert report["wrong_refused"]["of"] == 8 and report["wrong_refused"]["count"] >= 6


def test_the_counts_add_up_and_each_group_says_what_was_drawn_and_why_not(report):
    for case in CASES:
        c = report["cases"][case]
        assert c["scripts"] == 2 and c["lines"] == 8 and c["drawn"] + c["refused"] == 8
        assert c["drawn"] <= c["fit_alone"] <= 8  # a line is drawn only if it fits on its own too
        assert c["drawn_rate"] == pytest.approx(c["drawn"] / 8, abs=1e-3)
        groups = report["per_group"]
        drawn = sum(len(g[case]["drawn"]) for g in groups)
        assert drawn == c["drawn"]
        # every line not drawn has its reason counted (its own, or the whole script's)
        assert sum(report["reasons"][case].values()) >= (1 if c["refused"] else 0)
    assert report["wrong_refused"]["count"] == report["cases"]["wrong"]["refused"]
    first = report["per_group"][0]
    assert first["prompts"] == [f"prompt{k}.wav" for k in range(4)] and first["next"] == "prompt4.wav"
    for why in (w for case in CASES for w in report["reasons"][case]):
        assert len(why) <= len("whole script: ") + 50 and not any(ch.isdigit() for ch in why)


def test_the_table_names_each_script_and_the_four_rates(report):
    table = format_report(report)
    for label in (
        "own ",
        "replaced ",
        "wrong ",
        "own lines drawn",
        "replaced line refused",
        "wrong lines refused",
    ):
        assert label in table
    assert f"{report['own_drawn']['count']}/8" in table


@pytest.mark.parametrize(
    ("make", "args", "said"),
    [
        ("nothing", [], "corpus folder not found"),
        ("five", [], "has 5 prompts with a transcript; --group 4 needs at least 8"),
        ("untranscribed", [], "has a transcript beside it"),
        ("five", ["--language", "xx-nowhere"], "espeak-ng speaks no such language"),
        ("five", ["--group", "1"], "--group must be 2 or more"),
        ("five", ["--gap", "nan"], "--gap must be 0 to 60 seconds"),
    ],
)
def test_bad_input_is_refused_in_one_line(tmp_path, capsys, make, args, said):
    folder = tmp_path / "prompts"
    if make == "five":
        write_corpus(folder, PROMPTS[:5])
    elif make == "untranscribed":
        write_corpus(folder, PROMPTS[:2], transcripts=False)
    code = main(["eval", "scripts", "--corpus", str(folder), "--language", "es", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and said in err and err.count("\n") == 1, err
