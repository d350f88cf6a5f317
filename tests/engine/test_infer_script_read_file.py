"""After ``infer --transcript``, the writer finds what each line was read as in the take folder
(``script_read.tsv``, pointed at by one line of the run's output), with whether and where each line
was drawn; a later take of the same folder without a script leaves no stale reading there."""

from __future__ import annotations

import csv
import io

import addon_helpers as ah
import pytest
from dualtalk.inference.phonetic import transcript
from robustness_util import run_cli


@pytest.fixture
def scene(tmp_path):
    """A 2 s two-voice recording and its script: B's second line only a stage direction."""
    script = tmp_path / "scene.txt"
    script.write_text("A: I paid 5 on 12/10.\nB: Fine, thanks.\nB: (laughs)\n", encoding="utf-8")
    return ah.write_dialogue_wav(tmp_path / "talk.wav"), script


@pytest.fixture
def drawn(monkeypatch):
    """The aligner's outcome, without aligning: A's line drawn from 0.40 to 1.10 s, B's refused."""
    monkeypatch.setattr(transcript, "check_available", lambda *a, **k: None)

    def apply_transcript(lines, names, stream_a, stream_b, motion_a, motion_b, *args, **kwargs):
        a = {"words": 6, "aligned": 6, "unknown": [], "seconds": 0.7, "lines": 1, "lines_drawn": [1],
             "lines_at": [[1, 0.4, 1.1]], "lines_refused": []}  # fmt: skip
        b = {"words": 2, "aligned": 0, "unknown": [], "seconds": 0.0, "lines": 1, "lines_drawn": [],
             "lines_refused": [{"line": 2, "text": "Fine, thanks.", "why": "it is not said?"}]}  # fmt: skip
        return motion_a, motion_b, {"a": a, "b": b}

    monkeypatch.setattr(transcript, "apply_transcript", apply_transcript)


def _infer(wav, out, *extra: str) -> list[str]:
    return [
        "infer",
        "--quiet",
        "--audio",
        str(wav),
        "--engine",
        "lite",
        "--rounds",
        "1",
        "--out",
        str(out),
        *extra,
    ]


def test_a_run_with_a_script_leaves_each_line_as_read_in_the_take_folder(scene, drawn, tmp_path, capsys):
    wav, script = scene
    code, err, out = run_cli(capsys, _infer(wav, tmp_path / "take", "--transcript", str(script)))
    assert code == 0, err
    read = tmp_path / "take" / "script_read.tsv"
    assert f"each script line as read (language, words as said, where drawn): {read}" in out
    rows = list(csv.DictReader(io.StringIO(read.read_text(encoding="utf-8")), delimiter="\t"))
    assert [(r["line"], r["speaker"], r["language"], r["said"], r["aligned"]) for r in rows] == [
        ("1", "A", "en", "i paid five on twelve ten", "drawn"),
        ("2", "B", "en", "fine thanks", "refused"),
        ("3", "B", "en", "", ""),
    ]
    assert (rows[0]["start_s"], rows[0]["end_s"]) == ("0.40", "1.10")
    assert rows[1]["note"] == "it is not said?" and "stage directions" in rows[2]["note"]

    # the same folder animated again without a script: no reading of the old script stays
    code, err, out = run_cli(capsys, _infer(wav, tmp_path / "take"))
    assert code == 0, err
    assert not read.exists() and "script line as read" not in out


def test_a_take_never_sits_beside_another_take_s_reading(scene, drawn, tmp_path, capsys, monkeypatch):
    """Review rv42b F5: Ctrl-C or a farm's SIGTERM the moment A.npz and B.npz were renamed into place
    stopped the run before the reading was written (exit 130), and the new take sat beside the
    previous take's script_read.tsv. The reading now lands with A and B, or an earlier one goes with
    them; a write that fails leaves the earlier take and its reading as they were."""
    from dualtalk.inference.core import fileio

    wav, script = scene
    take = tmp_path / "take"
    read = take / "script_read.tsv"
    assert run_cli(capsys, _infer(wav, take, "--transcript", str(script)))[0] == 0
    before = {p.name: p.read_bytes() for p in take.iterdir()}
    real_replace_set = fileio._replace_set

    def disk_full(paths, tmps):
        raise OSError(28, "No space left on device")

    # a run without a script whose write fails (a full disk): the take and its reading as they were
    monkeypatch.setattr(fileio, "_replace_set", disk_full)
    code, err, _ = run_cli(capsys, _infer(wav, take))
    assert code != 0 and "No space left on device" in err[-1], err
    assert {p.name: p.read_bytes() for p in take.iterdir()} == before  # no set-aside copy left either

    def signal_once_in_place(paths, tmps):  # the held signal, delivered as the renames end
        real_replace_set(paths, tmps)
        raise KeyboardInterrupt

    # another script, interrupted as its set lands (too late to stop it: the job is done, exit 0):
    # its own reading is there, not the first's
    other = tmp_path / "other.txt"
    other.write_text("A: Fine, thanks.\nB: I paid 5 on 12/10.\n", encoding="utf-8")
    monkeypatch.setattr(fileio, "_replace_set", signal_once_in_place)
    code, err, _ = run_cli(capsys, _infer(wav, take, "--transcript", str(other)))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(read.read_text(encoding="utf-8")), delimiter="\t"))
    assert [(r["speaker"], r["typed"]) for r in rows] == [("A", "Fine, thanks."), ("B", "I paid 5 on 12/10.")]

    # without a script, interrupted the same way: the new take has no reading beside it
    code, err, _ = run_cli(capsys, _infer(wav, take))
    assert code == 0, err
    assert sorted(p.name for p in take.iterdir()) == ["A.npz", "B.npz"]
