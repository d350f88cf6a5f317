"""A TD with recordings and no scripts runs ``animate --recognise`` (or a job's ``"recognise": true``):
the lips come from the words recognised in each voice. The words themselves are kept beside the
shot's other work files, as ``recognised.txt`` in its work folder, which the result line names, and
a job's ``--summary`` carries them per shot. From there the TD corrects them and gives them back as
the shot's ``transcript``, as README "No script?" promises. Before, only ``infer`` printed the words
(review 28a, finding 5).

Recognition itself is replaced by fixed words here (it is tested in tests/phonetic/test_recognise.py):
this is about where the words go."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.phonetic import recognise
from dualtalk.inference.phonetic.transcript import Line, read_transcript
from test_blender_animate import build_scene, two_voices

HEARD = [Line(1, "A", "maybe we should bring the map"), Line(2, "B", "bob will buy a boat")]
SCRIPT = "A: maybe we should bring the map\nB: bob will buy a boat\n"


@pytest.fixture
def heard(monkeypatch) -> list[int]:
    """Recognition hears :data:`HEARD`; the list counts the calls."""
    pytest.importorskip("pocketsphinx")  # the recognised words are aligned as a transcript's
    calls: list[int] = []

    def recognised_lines(*_args, **_kwargs):
        calls.append(1)
        return list(HEARD)

    monkeypatch.setattr(recognise, "recognised_lines", recognised_lines)
    return calls


@pytest.fixture(scope="module")
def scene_file(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("scene") / "in.blend")


def _animate(scene_file: Path, audio: Path, out: Path, *extra: str) -> int:
    return main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
                 "--audio", str(audio), "--engine", "lite", "--device", "cpu", "--out", str(out),
                 *extra])  # fmt: skip


def test_a_shot_keeps_the_recognised_words_in_its_work_folder(tmp_path, scene_file, heard, capsys):
    audio = two_voices(tmp_path / "talk.wav")
    assert _animate(scene_file, audio, tmp_path / "shot.blend", "--recognise") == 0, capsys.readouterr().err
    words = tmp_path / "shot.dualtalk" / "recognised.txt"

    assert heard and words.read_text(encoding="utf-8") == SCRIPT
    line = capsys.readouterr().out
    assert "lips from the recognised words" in line and f"the recognised words are in {words}" in line, line
    # as it is, or corrected, it reads back as the shot's transcript
    assert [(w.speaker, w.text) for w in read_transcript(words)] == [(h.speaker, h.text) for h in HEARD]


def test_a_plain_shot_writes_no_words_and_leaves_an_earlier_runs_alone(tmp_path, scene_file, heard, capsys):
    audio = two_voices(tmp_path / "talk.wav")
    assert _animate(scene_file, audio, tmp_path / "shot.blend", "--recognise") == 0, capsys.readouterr().err
    words = tmp_path / "shot.dualtalk" / "recognised.txt"
    before = sha256_file(words)
    capsys.readouterr()

    assert _animate(scene_file, audio, tmp_path / "shot.blend") == 0, capsys.readouterr().err

    assert "recognised" not in capsys.readouterr().out
    assert sha256_file(words) == before
    assert _animate(scene_file, audio, tmp_path / "plain.blend") == 0
    assert not (tmp_path / "plain.dualtalk" / "recognised.txt").exists()


def test_a_work_folder_of_the_users_own_keeps_their_recognised_txt(tmp_path, scene_file, heard, capsys):
    audio = two_voices(tmp_path / "talk.wav")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "recognised.txt").write_text("A: my own notes\n", encoding="utf-8")

    rc = _animate(scene_file, audio, tmp_path / "shot.blend", "--recognise", "--work", str(mine))

    err = capsys.readouterr().err
    assert rc == 2 and "already holds recognised.txt, which DualTalk did not write there" in err, err
    assert not heard  # refused before the engine ran
    assert (mine / "recognised.txt").read_text(encoding="utf-8") == "A: my own notes\n"
    assert not (tmp_path / "shot.blend").exists()


def test_a_jobs_summary_carries_each_shots_recognised_words(tmp_path, scene_file, heard, capsys):
    two_voices(tmp_path / "talk.wav")
    (tmp_path / "in.blend").write_bytes(scene_file.read_bytes())
    job = {
        "defaults": {"blend": "in.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav",
                     "engine": "lite", "device": "cpu"},
        "shots": [
            {"name": "heard", "out": "out/heard.blend", "recognise": True},
            {"name": "plain", "out": "out/plain.blend"},
        ],
    }  # fmt: skip
    (tmp_path / "shots.json").write_text(json.dumps(job), encoding="utf-8")

    rc = main(
        ["animate", "--quiet", "--job", str(tmp_path / "shots.json"), "--summary", str(tmp_path / "r.json")]
    )

    assert rc == 0, capsys.readouterr().err
    shots = {s["name"]: s for s in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["shots"]}
    words = tmp_path / "out" / "heard.dualtalk" / "recognised.txt"
    assert shots["heard"]["script"] == SCRIPT and str(words) in shots["heard"]["outputs"]
    assert shots["plain"]["script"] is None
    assert not any(o.endswith("recognised.txt") for o in shots["plain"]["outputs"])
    assert "heard: wrote" in capsys.readouterr().out
