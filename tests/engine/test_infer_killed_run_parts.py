"""``infer`` killed while writing its take (SIGKILL: a farm's out-of-memory killer, a hard stop) left
the take's hidden staged copies in the take folder, and every later run into that folder kept them
(review 33s). The next run, holding the take folder's lock, removes exactly those."""

from __future__ import annotations

from dualtalk.cli import main
from test_infer_audit_outputs import _stereo


def test_the_next_infer_into_the_folder_removes_what_a_killed_run_left(tmp_path, capsys):
    audio = _stereo(tmp_path / "talk.wav")
    take = tmp_path / "take"
    take.mkdir()
    stale = [take / ".A.ykrk5h68.part.npz", take / ".B.06w3ofxl.part.npz"]
    mine = [
        take / ".A.notes.part.npz",
        take / "A.npz.part",
        take / "notes.txt",
    ]  # names the stager never makes
    for path in stale + mine:
        path.write_bytes(b"half-written")

    rc = main(["infer", "--quiet", "--audio", str(audio), "--out", str(take)])

    assert rc == 0, capsys.readouterr().err
    assert [p.name for p in stale if p.exists()] == []  # was: both stayed, hidden, for good
    assert all(p.read_bytes() == b"half-written" for p in mine)
    assert (take / "A.npz").is_file() and (take / "B.npz").is_file()
