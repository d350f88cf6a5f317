"""A TD animates a scripted shot (``animate --transcript``) and wants to see what each script line was
read as: the engine writes ``script_read.tsv`` beside its take, and the shot keeps it in its work
folder next to ``dialogue.wav`` and the motion files, named in the result line. Before, the engine's
take was written in a hidden scratch folder that was removed, and the file went with it (reading41's
hand-off 2). A later take of the shot drawn without a script removes it (it would describe lines that
take was not drawn from); a ``--work`` folder of the user's own holding a file of that name is refused
before the engine runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.inference.phonetic.script_reading import HEADER
from test_blender_animate import build_scene, two_voices

SCRIPT = "A: Maybe we should bring the map.\nB: Bob will buy a boat.\n"


@pytest.fixture(scope="module")
def scene_file(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("scene") / "in.blend")


def _animate(scene_file: Path, audio: Path, out: Path, *extra: str) -> int:
    return main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "Ann", "--char-b", "Bob",
                 "--audio", str(audio), "--engine", "lite", "--device", "cpu", "--out", str(out),
                 *extra])  # fmt: skip


def _script(folder: Path) -> Path:
    path = folder / "scene.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_a_scripted_shot_keeps_each_line_as_read_beside_its_sound(tmp_path, scene_file, capsys):
    pytest.importorskip("pocketsphinx")
    audio = two_voices(tmp_path / "talk.wav")

    rc = _animate(scene_file, audio, tmp_path / "shot.blend", "--transcript", str(_script(tmp_path)))

    assert rc == 0, capsys.readouterr().err
    work = tmp_path / "shot.dualtalk"
    read = work / "script_read.tsv"
    rows = read.read_text(encoding="utf-8").splitlines()
    assert rows[0] == HEADER and len(rows) == 3, rows
    assert rows[1].split("\t")[:3] == ["1", "A", "en"] and "bring the map" in rows[1]
    assert rows[2].split("\t")[:3] == ["2", "B", "en"] and "buy a boat" in rows[2]
    assert (work / "dialogue.wav").is_file() and (work / "A.npz").is_file()
    assert f"each script line as read is in {read}" in capsys.readouterr().out
    assert not [p.name for p in work.iterdir() if p.name.startswith(".") and p.is_dir()]  # no scratch left


def test_a_later_take_without_the_script_removes_the_earlier_reading(tmp_path, scene_file, capsys):
    pytest.importorskip("pocketsphinx")
    audio = two_voices(tmp_path / "talk.wav")
    out = tmp_path / "shot.blend"
    assert _animate(scene_file, audio, out, "--transcript", str(_script(tmp_path))) == 0
    assert (tmp_path / "shot.dualtalk" / "script_read.tsv").is_file()
    capsys.readouterr()

    assert _animate(scene_file, audio, out) == 0, capsys.readouterr().err

    assert not (tmp_path / "shot.dualtalk" / "script_read.tsv").exists()
    assert "script line as read" not in capsys.readouterr().out


def test_a_work_folder_of_the_users_own_keeps_their_script_read_tsv(tmp_path, scene_file, capsys):
    audio = two_voices(tmp_path / "talk.wav")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "script_read.tsv").write_text("my own table\n", encoding="utf-8")

    rc = _animate(
        scene_file,
        audio,
        tmp_path / "shot.blend",
        "--transcript",
        str(_script(tmp_path)),
        "--work",
        str(mine),
    )

    err = capsys.readouterr().err
    assert rc == 2 and "already holds script_read.tsv, which DualTalk did not write there" in err, err
    assert err.count("error:") == 1
    assert (mine / "script_read.tsv").read_text(encoding="utf-8") == "my own table\n"
    assert not (tmp_path / "shot.blend").exists()


def test_a_jobs_summary_lists_the_reading_with_the_shots_outputs(tmp_path, scene_file, capsys):
    pytest.importorskip("pocketsphinx")
    two_voices(tmp_path / "talk.wav")
    _script(tmp_path)
    (tmp_path / "in.blend").write_bytes(scene_file.read_bytes())
    job = {
        "defaults": {"blend": "in.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav",
                     "engine": "lite", "device": "cpu"},
        "shots": [{"name": "scripted", "out": "out/scripted.blend", "transcript": "scene.txt"}],
    }  # fmt: skip
    (tmp_path / "shots.json").write_text(json.dumps(job), encoding="utf-8")

    rc = main(
        ["animate", "--quiet", "--job", str(tmp_path / "shots.json"), "--summary", str(tmp_path / "r.json")]
    )

    assert rc == 0, capsys.readouterr().err
    (shot,) = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["shots"]
    assert str(tmp_path / "out" / "scripted.dualtalk" / "script_read.tsv") in shot["outputs"]


def test_a_work_folder_infer_wrote_with_a_script_is_animated_into(tmp_path, scene_file, capsys):
    """``infer --transcript --out takes/scene1`` left its reading there; ``animate --work takes/scene1``
    replaces it with its own take's, as ``infer`` on that folder would (it is DualTalk's own file)."""
    pytest.importorskip("pocketsphinx")
    audio = two_voices(tmp_path / "talk.wav")
    script = _script(tmp_path)
    take = tmp_path / "takes" / "scene1"
    assert main(["infer", "--quiet", "--audio", str(audio), "--engine", "lite", "--device", "cpu",
                 "--transcript", str(script), "--out", str(take)]) == 0  # fmt: skip
    assert (take / "script_read.tsv").is_file()
    script.write_text("A: Maybe we should go.\nB: Fine.\n", encoding="utf-8")
    capsys.readouterr()

    rc = _animate(
        scene_file, audio, tmp_path / "shot.blend", "--transcript", str(script), "--work", str(take)
    )

    assert rc == 0, capsys.readouterr().err
    assert "should go" in (take / "script_read.tsv").read_text(encoding="utf-8")
