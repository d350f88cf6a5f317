"""What animate keeps before replacing it is never replaced itself (review rv37b F1, F7, F8).

* F1: the .blend backup had one slot. An artist's saved edit, kept as ``shot.blend1`` by one run,
  was replaced by the next run that misjudged animate's own output as "not ours" (a run killed
  between putting its set in place and writing its record; the folder reached by another mount
  path): the edit was in neither file, exit 0. Now the .blend goes to the first free
  ``shot.blendN`` and the line says ``shot.blend1`` was left as it is.
* F7: each run killed mid-render left one more name (``v.1.mp4``, ``v.2.mp4`` ...) for the client's
  video. Now a ``NAME.N.EXT`` already holding the file's bytes is named, not copied again.
* F8: a 255-byte ``out`` name over an existing file failed after the whole run with "could not
  write OUT.blend: File name too long" (the backup's name is one byte longer). Now it is refused
  before any work, naming the backup.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import run_cli
from test_blender_animate import build_scene, motions, two_voices


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("kept_copies") / "in.blend")


def _animate(
    scene: Path, tmp_path: Path, capsys, *extra: str, sound: bool = True
) -> tuple[int, list[str], str]:
    """A short shot from motion files; with its sound it has a work folder holding its done record."""
    a, b = motions(tmp_path, frames=5)
    audio = tmp_path / "talk.wav"
    if sound and not audio.exists():
        two_voices(audio, seconds=0.2)
    argv = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), *(["--audio", str(audio)] if sound else []),
            *extra]  # fmt: skip
    return run_cli(capsys, argv)


def _record_lost(work: Path) -> None:
    """What a run killed -9 after its set went in place and before its record was written leaves:
    the work folder's marker without a record (the record is removed before the set is replaced)."""
    marker = work / ".dualtalk-work"
    lines = marker.read_text(encoding="utf-8").splitlines(keepends=True)
    marker.write_text("".join(line for line in lines if not line.startswith("{")), encoding="utf-8")


def test_an_artists_edit_kept_as_blend1_survives_a_run_that_lost_its_record(scene, tmp_path, capsys):
    out = tmp_path / "shot.blend"
    assert _animate(scene, tmp_path, capsys, "--out", str(out))[0] == 0
    with out.open("ab") as fh:  # the artist's save
        fh.write(b"ARTIST_EDIT")
    edit = sha256_file(out)
    code, err, line = _animate(scene, tmp_path, capsys, "--out", str(out), "--start-frame", "3")
    assert code == 0 and not err, err
    assert "(changed since animate wrote it) as shot.blend1" in line, line
    assert sha256_file(tmp_path / "shot.blend1") == edit
    _record_lost(tmp_path / "shot.dualtalk")  # the TD's re-run was killed -9 in its last moment
    ours = sha256_file(out)

    code, err, line = _animate(scene, tmp_path, capsys, "--out", str(out), "--start-frame", "3")

    assert code == 0 and not err, err
    assert "(no record says animate wrote it) as shot.blend2 (shot.blend1 is taken: left as it is)" in line
    assert sha256_file(tmp_path / "shot.blend1") == edit  # before: animate's own output, the edit gone
    assert sha256_file(tmp_path / "shot.blend2") == ours


def test_a_copy_a_killed_run_left_of_the_users_fbx_is_named_not_made_again(scene, tmp_path, capsys):
    """A run killed after it kept the hand-keyed FBX as ``hand_keyed.1.fbx`` (a hard link) and before
    its set went in place: the FBX is still the user's. The next run made ``hand_keyed.2.fbx``, a
    third name for it; now it names the copy there."""
    fbx = tmp_path / "hand_keyed.fbx"
    fbx.write_bytes(bytes(range(256)) * 64)
    users = sha256_file(fbx)
    os.link(fbx, tmp_path / "hand_keyed.1.fbx")

    code, err, line = _animate(
        scene, tmp_path, capsys, "--out", str(tmp_path / "shot.blend"), "--fbx", str(fbx)
    )

    assert code == 0 and not err, err
    assert (
        "kept the hand_keyed.fbx it replaced (no record says animate wrote it) as hand_keyed.1.fbx (already kept there)"
        in line
    ), line
    assert not (tmp_path / "hand_keyed.2.fbx").exists()
    assert sha256_file(tmp_path / "hand_keyed.1.fbx") == users and sha256_file(fbx) != users


def test_a_copy_of_the_clients_video_a_killed_render_left_is_named_not_made_again(scene, tmp_path, capsys):
    from dualtalk.dualtalk_blender.scene.render import blender_has_ffmpeg

    if not (blender_has_ffmpeg() or shutil.which("ffmpeg")):
        pytest.skip("no FFmpeg in this Blender build nor on PATH")
    video = tmp_path / "v.mp4"
    video.write_bytes(bytes(range(256)) * 200)
    clients = sha256_file(video)
    os.link(video, tmp_path / "v.1.mp4")  # made before the render, which was killed -9

    code, err, line = _animate(
        scene,
        tmp_path,
        capsys,
        "--out",
        str(tmp_path / "shot.blend"),
        "--render",
        str(video),
        "--resolution",
        "32x24",
    )

    assert code == 0 and not err, err
    assert "as v.1.mp4 (already kept there)" in line, line
    assert not (tmp_path / "v.2.mp4").exists()
    assert sha256_file(tmp_path / "v.1.mp4") == clients and sha256_file(video) != clients


def test_a_blend_name_too_long_for_its_backup_is_refused_before_any_work(
    scene, tmp_path, capsys, monkeypatch
):
    """``out`` is 255 bytes (the most a name may be) and a file is there: its backup ``OUT.blend1``
    cannot exist. Before: the whole run, then "could not write OUT.blend: File name too long". Now
    one line before the keying names the backup and the limit; the file there is untouched."""
    from dualtalk.dualtalk_blender.scene import apply

    keyed: list[int] = []
    real = apply.apply_dialogue
    monkeypatch.setattr(apply, "apply_dialogue", lambda *a, **k: keyed.append(1) or real(*a, **k))
    out = tmp_path / ("M" * 249 + ".blend")
    shutil.copy(scene, out)
    before = sha256_file(out)

    code, err, _line = _animate(scene, tmp_path, capsys, "--out", str(out), sound=False)

    assert code == 2 and len(err) == 1, err
    assert (
        err[0].startswith("error: could not keep MMM")
        and "(no record says animate wrote it) as MMM" in err[0]
    )
    assert ".blend1 before replacing it (name too long (256 bytes; the limit is 255 per name" in err[0], err
    assert not keyed and sha256_file(out) == before
