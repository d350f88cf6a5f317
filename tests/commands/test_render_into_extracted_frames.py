"""A researcher extracts a reference clip's frames (``ffmpeg -i ref.mp4 extracted/frame_%04d.jpg``)
and gives that folder to ``animate --render``. The names matched DualTalk's own frames, so all 300
were taken for an earlier render: deleted, the new frames in their place, exit 0, not a word (review
rv35a F9). Now the shot stops before any work, in one line naming the folder and how many."""

from __future__ import annotations

from dualtalk.cli import main
from test_audit_jobs import job_folder


def test_animate_render_into_a_folder_of_extracted_frames_stops_before_any_work(tmp_path, capsys):
    folder = job_folder(tmp_path)
    extracted, out = folder / "extracted", folder / "out" / "shot.blend"
    extracted.mkdir()
    for i in range(1, 301):
        (extracted / f"frame_{i:04d}.jpg").write_bytes(b"\xff\xd8 frame %d of the reference clip" % i)
    before = {p.name: p.read_bytes() for p in extracted.iterdir()}
    capsys.readouterr()

    code = main(
        ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
         "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
         str(folder / "in" / "B.npz"), "--out", str(out), "--render", str(extracted),
         "--resolution", "16x16"]
    )  # fmt: skip

    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(
        f"error: render folder {extracted} holds files DualTalk did not render (300 files; "
    )
    assert {p.name: p.read_bytes() for p in extracted.iterdir()} == before  # was: 300 deleted, rc 0
    assert not out.parent.exists()  # nothing written: no .blend, no FBX
