"""A link planted as a work folder's ``.dualtalk-work`` marker (review 29a, finding 16).

The marker says "DualTalk wrote the files here; a re-run may replace them", and ``animate`` keeps its
done record in it. In a shared shot folder someone could plant ``.dualtalk-work`` as a link to
another file: the folder then counted as DualTalk's, and the record was written through the link
over that file (a dangling link created its target wherever the runner could write). A marker that
is not a regular file of its own now means the folder is NOT DualTalk's: the run stops in one line
before any work, and the file it points to keeps every byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dualtalk.inference.core import outputs
from dualtalk.inference.core.errors import DualTalkError
from robustness_util import assert_refused, run_cli, write_stereo

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links")

THESIS = b"my thesis, chapter 1\n"


def _animate(kit: Path, audio: Path, out: Path) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--audio", str(audio), "--engine", "lite", "--device", "cpu",
            "--out", str(out)]  # fmt: skip


def test_animate_into_a_shot_folder_with_a_planted_marker_link_stops_and_leaves_the_file_alone(
    kit, tmp_path, capsys
):
    """The review's shared shot folder: ``s.dualtalk/.dualtalk-work -> ../victim.txt``. animate stops
    in one line naming the link, writes no .blend, and victim.txt is byte-identical."""
    audio = write_stereo(tmp_path / "talk.wav")
    shots = tmp_path / "mw2"
    (shots / "s.dualtalk").mkdir(parents=True)
    victim = shots / "victim.txt"
    victim.write_bytes(THESIS)
    marker = shots / "s.dualtalk" / ".dualtalk-work"
    marker.symlink_to("../victim.txt")
    code, err, _ = run_cli(capsys, _animate(kit, audio, shots / "s.blend"))
    assert_refused(code, err, f"{marker} is a symbolic link, not DualTalk's record; remove it")
    assert victim.read_bytes() == THESIS
    assert not (shots / "s.blend").exists()
    assert marker.is_symlink() and sorted(os.listdir(shots / "s.dualtalk")) == [".dualtalk-work"]


def test_a_dangling_marker_link_creates_nothing_where_it_points(tmp_path):
    """``.dualtalk-work -> ../../planted.txt`` (nothing there yet): the work folder is refused as not
    DualTalk's by the up-front check and by the marking itself; nothing appears at the target."""
    work = tmp_path / "mw" / "s.dualtalk"
    work.mkdir(parents=True)
    (work / ".dualtalk-work").symlink_to("../../planted.txt")
    said = f"{work / '.dualtalk-work'} is a symbolic link, not DualTalk's record; remove it"
    with pytest.raises(DualTalkError, match="is a symbolic link, not DualTalk's record") as err:
        outputs.check_work_folder(work, ["A.npz"])
    assert str(err.value) == said
    with pytest.raises(DualTalkError) as err:
        outputs.mark_work_folder(work)
    assert str(err.value) == said
    assert not (tmp_path / "planted.txt").exists()


def test_the_done_record_is_never_written_through_a_link(tmp_path):
    """A link planted after the run checked the folder: the record is refused, not written over the
    file the link points to; a record read through a link counts as none."""
    from dualtalk.dualtalk_blender.commands import shot_state

    victim = tmp_path / "victim.txt"
    victim.write_bytes(THESIS)
    work = tmp_path / "s.dualtalk"
    work.mkdir()
    (work / ".dualtalk-work").symlink_to(victim)
    with pytest.raises(DualTalkError, match="is a symbolic link, not DualTalk's record; remove it"):
        shot_state._write_marker(work / ".dualtalk-work", {"version": 1})
    assert victim.read_bytes() == THESIS
    victim.write_text('DualTalk writes ...\n{"done": {"version": 1}}\n')
    shot = type("S", (), {})()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shot_state, "_marker", lambda _shot: work / ".dualtalk-work")
        assert shot_state.read_record(shot) is None  # type: ignore[arg-type]


def test_a_folder_at_the_markers_name_is_refused_and_a_regular_marker_works_as_before(tmp_path):
    work = tmp_path / "w"
    (work / ".dualtalk-work").mkdir(parents=True)
    with pytest.raises(DualTalkError) as err:
        outputs.mark_work_folder(work)
    assert (
        str(err.value) == f"{work / '.dualtalk-work'} is not a regular file, not DualTalk's record; remove it"
    )
    mine = tmp_path / "mine"
    outputs.mark_work_folder(mine)
    outputs.mark_work_folder(mine)  # a second run keeps the marker as it is
    assert (mine / ".dualtalk-work").read_text().startswith("DualTalk writes its intermediate files")
    assert outputs.has_work_marker(mine)
