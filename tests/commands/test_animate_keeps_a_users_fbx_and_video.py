"""An animator exported their hand-keyed FBX under the shot's name; the client's approved video lies
under the name the render reuses. ``animate --fbx`` and ``--render`` replaced both, rc 0, no word,
while a .blend animate did not write was kept as ``.blend1`` (review rv36a G2). Now every file of
the shot's set is judged the same way, by the work folder's record of what animate wrote there (its
fingerprint): a file animate did not write, or one changed since, is kept beside it as
``NAME.1.fbx`` / ``NAME.1.mp4`` (the extension last, so it still opens where the original did),
never over another file, and the result line says where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import run_cli
from test_blender_animate import build_scene, motions, two_voices


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("users_files") / "in.blend")


def _animate(scene: Path, tmp_path: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    """A short shot from motion files with its sound (so it has a work folder and a done record)."""
    a, b = motions(tmp_path, frames=5)
    audio = tmp_path / "talk.wav"
    if not audio.exists():
        two_voices(audio, seconds=0.2)
    argv = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), "--audio", str(audio),
            "--out", str(tmp_path / "shot.blend"), *extra]  # fmt: skip
    return run_cli(capsys, argv)


def _users_file(path: Path, size: int) -> str:
    path.write_bytes(bytes(range(256)) * (size // 256))
    return sha256_file(path)


def _can_encode_video() -> bool:
    from dualtalk.dualtalk_blender.scene.render import blender_has_ffmpeg

    return blender_has_ffmpeg() or shutil.which("ffmpeg") is not None


def test_a_hand_keyed_fbx_and_the_clients_video_are_kept_and_named_and_animates_own_are_not(
    scene, tmp_path, capsys
):
    if not _can_encode_video():
        pytest.skip("no FFmpeg in this Blender build nor on PATH")
    fbx, video = tmp_path / "hand_keyed.fbx", tmp_path / "client_final.mp4"
    was_fbx, was_video = _users_file(fbx, 30_000), _users_file(video, 50_000)
    render = ("--fbx", str(fbx), "--render", str(video), "--resolution", "32x24")

    code, err, line = _animate(scene, tmp_path, capsys, *render)

    assert code == 0, err
    assert sha256_file(tmp_path / "hand_keyed.1.fbx") == was_fbx
    assert sha256_file(tmp_path / "client_final.1.mp4") == was_video
    assert sha256_file(fbx) != was_fbx and sha256_file(video) != was_video  # the shot's own, written
    assert (
        "; kept the hand_keyed.fbx it replaced (no record says animate wrote it) as hand_keyed.1.fbx" in line
    )
    assert (
        "; kept the client_final.mp4 it replaced (no record says animate wrote it) as client_final.1.mp4"
        in line
    )

    code, err, line = _animate(scene, tmp_path, capsys, *render)  # over its own output: replaced

    assert code == 0 and "kept" not in line, (err, line)
    assert sorted(p.name for p in tmp_path.glob("*.1.*")) == ["client_final.1.mp4", "hand_keyed.1.fbx"]
    assert not list(tmp_path.glob("*.2.*"))


def test_an_fbx_changed_since_animate_wrote_it_is_kept_and_a_users_numbered_file_stays(
    scene, tmp_path, capsys
):
    """The animator opened the shot's FBX in their DCC, fixed a hand and saved it back; their own
    ``shot.1.fbx`` (a version they named) lies beside it. The fix is kept as ``shot.2.fbx``: the
    user's ``shot.1.fbx`` is never replaced. The per-character FBXs are judged the same way."""
    fbx = tmp_path / "shot.fbx"
    assert _animate(scene, tmp_path, capsys, "--fbx", str(fbx))[0] == 0
    with fbx.open("ab") as fh:
        fh.write(b"the animator's fix")
    fixed = sha256_file(fbx)
    theirs = _users_file(tmp_path / "shot.1.fbx", 2_048)

    code, err, line = _animate(scene, tmp_path, capsys, "--fbx", str(fbx))

    assert code == 0, err
    assert sha256_file(tmp_path / "shot.2.fbx") == fixed and sha256_file(tmp_path / "shot.1.fbx") == theirs
    assert "; kept the shot.fbx it replaced (changed since animate wrote it) as shot.2.fbx" in line, line

    ann = tmp_path / "shot_Ann.fbx"
    was_ann = _users_file(ann, 4_096)
    code, err, line = _animate(scene, tmp_path, capsys, "--fbx", str(fbx), "--fbx-per-character")

    assert code == 0, err
    assert sha256_file(tmp_path / "shot_Ann.1.fbx") == was_ann
    assert "; kept the shot_Ann.fbx it replaced (no record says animate wrote it) as shot_Ann.1.fbx" in line


def test_a_blend1_already_there_is_never_replaced(scene, tmp_path, capsys):
    """A colleague's lighting file at ``--out``, with a ``shot.blend1`` already there (an artist's save
    an earlier run kept). Before, the new backup went over it (review rv37b F1: the artist's edit was
    lost, exit 0); now the lighting file goes to ``shot.blend2``, the line says so, and both stay."""
    shutil.copy(scene, tmp_path / "shot.blend")
    lighting = sha256_file(tmp_path / "shot.blend")
    (tmp_path / "shot.blend1").write_bytes(b"an older save")

    code, err, line = _animate(scene, tmp_path, capsys)

    assert code == 0, err
    assert "as shot.blend2 (shot.blend1 is taken: left as it is)" in line, line
    assert (tmp_path / "shot.blend1").read_bytes() == b"an older save"
    assert sha256_file(tmp_path / "shot.blend2") == lighting


def test_with_every_kept_name_taken_the_shot_is_refused_before_any_work(scene, tmp_path, capsys):
    """A shot (here one without work files: motion files, no sound) keeps each FBX it did not write
    before replacing it; once ``shot.1.fbx`` to ``shot.32.fbx`` are all taken it is refused in one line,
    before the keying, with the FBX there and the .blend not written: never replaced unkept."""
    a, b = motions(tmp_path, frames=5)
    fbx = tmp_path / "shot.fbx"
    theirs = _users_file(fbx, 1_024)
    for n in range(1, 33):
        (tmp_path / f"shot.{n}.fbx").write_bytes(b"kept before")
    argv = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), "--out", str(tmp_path / "shot.blend"),
            "--fbx", str(fbx)]  # fmt: skip

    code, err, line = run_cli(capsys, argv)

    assert code != 0 and not line
    said = [ln for ln in err if "could not keep shot.fbx" in ln]
    assert (
        said and "shot.1.fbx to shot.32.fbx are taken; move them or choose another output path" in said[0]
    ), err
    assert sha256_file(fbx) == theirs and not (tmp_path / "shot.blend").exists()
