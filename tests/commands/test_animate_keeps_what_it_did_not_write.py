"""``animate`` replaces, without a word, only what it wrote itself and nobody changed since; anything
else at its output paths is kept beside them, and the result line says where (review 29a, findings
2, 4 and 7).

* An animator recovering from Blender's backup runs ``--blend shot.blend1 --out shot.blend``: the
  shot.blend it replaces was kept "as shot.blend1" -- over the input, which then existed nowhere.
  Now the input is left as it is and the replaced file goes to ``shot.blend2`` (also in a job, also
  when ``shot.blend1`` is another shot's input).
* A scene someone keyed with DualTalk (Generate in the add-on, ``apply_dialogue``), then worked in,
  typed by mistake as ``--out``: "ours" was "has an action named DualTalk_*", so it was replaced with
  no backup. So was animate's own output once an artist opened it, worked and saved. "Ours" is now
  animate's record (the work folder's done record holds the fingerprint of the .blend it wrote).
* A ``recognised.txt`` the TD corrected where the result line named it was replaced by the next
  ``--recognise`` run; now it is kept as ``recognised.edited.txt`` and the line says so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bpy
import pytest
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import run_cli
from test_animate_recognised_words import SCRIPT, heard  # noqa: F401  (the fixture)
from test_blender_animate import build_scene, motions, two_voices


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("kept") / "in.blend")


def _worked_in(source: Path, path: Path, keyed_by: Path | None = None) -> Path:
    """``source`` opened, (keyed with DualTalk's ``apply_dialogue`` from the motion files beside
    ``keyed_by``, as the add-on's Generate does), given a prop that took days, saved at ``path``."""
    bpy.ops.wm.open_mainfile(filepath=str(source))
    if keyed_by is not None:
        from dualtalk.dualtalk_blender.scene.apply import apply_dialogue
        from dualtalk.inference.core.motion import load_motion

        a, b = motions(keyed_by)
        apply_dialogue(bpy.data.objects["Ann"], bpy.data.objects["Bob"], load_motion(a), load_motion(b))
    prop = bpy.data.objects.new("HeroProp_3days_of_work", None)
    bpy.context.scene.collection.objects.link(prop)
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def _holds_prop(path: Path) -> bool:
    with bpy.data.libraries.load(str(path)) as (data_from, _to):
        return "HeroProp_3days_of_work" in list(data_from.objects)


def _animate_motion(scene: Path, tmp_path: Path, capsys, out: Path) -> tuple[int, list[str], str]:
    a, b = motions(tmp_path)
    argv = ["animate", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob", "--quiet",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(out)]  # fmt: skip
    return run_cli(capsys, argv)


def _animate_audio(scene: Path, audio: Path, out: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    argv = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--audio", str(audio), "--engine", "lite", "--device", "cpu", "--out", str(out), *extra]  # fmt: skip
    return run_cli(capsys, argv)


# --- finding 2: the backup never replaces an input ----------------------------------------------


def test_recovering_from_blenders_backup_keeps_the_backup_and_the_file_replaced(scene, tmp_path, capsys):
    """shot.blend went wrong; the animator animates Blender's backup shot.blend1 back onto shot.blend.
    Before: the old shot.blend was kept "as shot.blend1", replacing the input."""
    backup = tmp_path / "shot.blend1"
    shutil.copy(scene, backup)
    broken = _worked_in(scene, tmp_path / "shot.blend")
    was_backup, was_broken = sha256_file(backup), sha256_file(broken)

    code, err, line = _animate_motion(backup, tmp_path, capsys, broken)

    assert code == 0 and not err, err
    assert sha256_file(backup) == was_backup  # the input, as it was
    assert sha256_file(tmp_path / "shot.blend2") == was_broken  # the file replaced, kept
    assert sha256_file(broken) not in (was_backup, was_broken)
    assert "as shot.blend2 (shot.blend1 is an input: left as it is)" in line, line


def test_a_job_shot_whose_backup_name_is_another_shots_input_keeps_both(scene, tmp_path, capsys):
    """Shot s1 writes a.blend (a colleague's file); shot s2 reads a.blend1. Before, s1 kept a.blend
    over a.blend1, and the job's "no output may overwrite an input" check never saw that name."""
    a, b = motions(tmp_path)
    shutil.copy(scene, tmp_path / "a.blend1")
    _worked_in(scene, tmp_path / "a.blend")
    was_input, was_out = sha256_file(tmp_path / "a.blend1"), sha256_file(tmp_path / "a.blend")
    shot = {"char_a": "Ann", "char_b": "Bob", "motion_a": str(a), "motion_b": str(b)}
    job = {"shots": [{**shot, "name": "s1", "blend": str(scene), "out": "a.blend"},
                     {**shot, "name": "s2", "blend": "a.blend1", "out": "s2.blend"}]}  # fmt: skip
    (tmp_path / "job.json").write_text(json.dumps(job))

    code, err, out = run_cli(capsys, ["animate", "--quiet", "--job", str(tmp_path / "job.json")])

    assert code == 0 and not err, err
    assert sha256_file(tmp_path / "a.blend2") == was_out
    s1 = next(ln for ln in out.splitlines() if ln.startswith("s1: "))
    assert "as a.blend2 (a.blend1 is an input: left as it is)" in s1, out
    assert (tmp_path / "s2.blend").is_file()  # s2 read its input, whole
    assert sha256_file(tmp_path / "a.blend1") == was_input


# --- finding 7: "ours" is animate's record, not an action's name ------------------------------


def test_a_scene_keyed_with_dualtalk_and_worked_in_is_kept_when_typed_as_out(scene, tmp_path, capsys):
    """The scene was keyed with apply_dialogue (as Generate does) and then worked in for days.
    Before: it held DualTalk_* actions, so it passed for animate's own output: replaced, rc 0."""
    keyed = tmp_path / "k"
    keyed.mkdir()
    episode = _worked_in(scene, tmp_path / "episode_scene.blend", keyed_by=keyed)
    before = sha256_file(episode)

    code, err, line = _animate_motion(scene, tmp_path, capsys, episode)

    assert code == 0 and not err, err
    kept = tmp_path / "episode_scene.blend1"
    assert sha256_file(kept) == before and _holds_prop(kept)
    assert "kept the episode_scene.blend it replaced (no record says animate wrote it" in line, line
    assert "as episode_scene.blend1" in line


def test_animates_own_output_an_artist_worked_in_is_kept_and_an_untouched_one_replaced(
    scene, tmp_path, capsys
):
    """Re-running a shot over its own output replaces it without a word; once an artist opened that
    output, worked and saved, it is theirs: kept as shot.blend1, and the line says why."""
    audio = two_voices(tmp_path / "talk.wav", 2.0)
    out = tmp_path / "shot.blend"
    assert _animate_audio(scene, audio, out, capsys)[0] == 0
    code, err, line = _animate_audio(scene, audio, out, capsys)
    assert code == 0 and not err and "kept" not in line, (err, line)
    assert not (tmp_path / "shot.blend1").exists()

    _worked_in(out, out)  # the artist's save
    worked = sha256_file(out)
    code, err, line = _animate_audio(scene, audio, out, capsys)

    assert code == 0 and not err, err
    assert sha256_file(tmp_path / "shot.blend1") == worked and _holds_prop(tmp_path / "shot.blend1")
    assert "; kept the shot.blend it replaced (changed since animate wrote it) as shot.blend1" in line, line
    assert not _holds_prop(out)


# --- finding 4: a corrected recognised.txt is kept ----------------------------------------------


def test_a_corrected_recognised_txt_survives_the_next_recognised_run(scene, tmp_path, heard, capsys):  # noqa: F811
    """The review's story: recognise, correct recognised.txt where the result line named it, give
    it back as the transcript, then recognise again to compare. Before: the correction was gone."""
    audio = two_voices(tmp_path / "talk.wav", 2.0)
    out = tmp_path / "shot.blend"
    words = tmp_path / "shot.dualtalk" / "recognised.txt"
    assert _animate_audio(scene, audio, out, capsys, "--recognise")[0] == 0
    corrected = SCRIPT.replace("bring the map", "bring the maps")
    words.write_text(corrected, encoding="utf-8")
    code, err, _ = _animate_audio(scene, audio, out, capsys, "--transcript", str(words))
    assert code == 0, err

    code, err, line = _animate_audio(scene, audio, out, capsys, "--recognise")

    assert code == 0, err  # (the stand-in words do not align with the test tones: warnings)
    kept = words.with_name("recognised.edited.txt")
    assert kept.read_text(encoding="utf-8") == corrected
    assert words.read_text(encoding="utf-8") == SCRIPT
    said = f"the recognised words are in {words} (the recognised.txt it replaced, edited since animate wrote it, is kept as {kept})"
    assert said in line, line


def test_recognised_words_nobody_edited_are_replaced_without_a_word(scene, tmp_path, heard, capsys):  # noqa: F811
    audio = two_voices(tmp_path / "talk.wav", 2.0)
    out = tmp_path / "shot.blend"
    assert _animate_audio(scene, audio, out, capsys, "--recognise")[0] == 0
    code, err, line = _animate_audio(scene, audio, out, capsys, "--recognise", "--behaviour-seed", "2")
    assert code == 0, err
    assert "kept" not in line, line
    assert sorted(p.name for p in (tmp_path / "shot.dualtalk").iterdir() if p.suffix == ".txt") == [
        "recognised.txt"
    ]
