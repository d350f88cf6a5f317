"""A frames folder is a render's only where DualTalk's record says so. The name alone decided before:
a folder of ``frame_0001.jpg`` ... that ffmpeg extracted from a reference video had all of them
replaced or deleted by ``--render`` into it, exit 0, not a word (review rv35a F9). Now each render
records what it put there, the next render replaces exactly those frames, and any other frame (a
user's, one changed since, one an older build rendered with no record) stops it before any work."""

from __future__ import annotations

import json

import pytest
from dualtalk.dualtalk_blender.scene.render import RECORD, render_shot
from dualtalk.inference.core.errors import DualTalkError
from test_render_killed_run import _scene


def _contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_folder_of_extracted_reference_frames_is_refused_and_left_as_it_was(tmp_path):
    extracted = tmp_path / "extracted"
    extracted.mkdir()
    for i in range(1, 301):  # ffmpeg -i ref.mp4 extracted/frame_%04d.jpg
        (extracted / f"frame_{i:04d}.jpg").write_bytes(b"\xff\xd8 the user's frame %d" % i)
    before = _contents(extracted)

    with pytest.raises(DualTalkError) as refused:
        render_shot(_scene(), extracted, resolution=(16, 16))

    line = str(refused.value)
    assert line == (
        f"render folder {extracted} holds files DualTalk did not render (300 files; first: frame_0001.jpg); "
        "choose an empty or new folder (frames an older DualTalk rendered carry no record of being its "
        "own: empty it to render there)"
    )
    assert _contents(extracted) == before  # was: 300 .jpg deleted, 3 .png in their place
    assert sorted(p.name for p in extracted.iterdir()) == sorted(before)  # no stage, no record


def test_a_users_png_frames_of_the_same_names_are_never_overwritten(tmp_path):
    frames = tmp_path / "ref_frames"
    frames.mkdir()
    for i in range(1, 6):
        (frames / f"frame_{i:04d}.png").write_bytes(b"\x89PNG the user's frame %d" % i)
    before = _contents(frames)
    with pytest.raises(
        DualTalkError, match=r"holds files DualTalk did not render \(5 files; first: frame_0001"
    ):
        render_shot(_scene(), frames, resolution=(16, 16))
    assert _contents(frames) == before


def test_our_own_earlier_frames_are_replaced_and_the_ones_past_the_new_range_removed(tmp_path):
    out = tmp_path / "frames"
    scene = _scene()
    scene.frame_end = 6
    render_shot(scene, out, resolution=(16, 16))
    assert sorted(json.loads((out / RECORD).read_text())["frames"]) == [
        f"frame_{i:04d}.png" for i in range(1, 7)
    ]

    render_shot(_scene(), out, resolution=(16, 16))  # frames 1-3 now

    names = [f"frame_{i:04d}.png" for i in range(1, 4)]
    assert sorted(p.name for p in out.iterdir()) == sorted([RECORD, *names])
    assert sorted(json.loads((out / RECORD).read_text())["frames"]) == names
    render_shot(_scene(), out, resolution=(16, 16))  # and again, from the record the last one wrote
    assert sorted(p.name for p in out.iterdir()) == sorted([RECORD, *names])


def test_a_frame_changed_since_we_rendered_it_stops_the_next_render(tmp_path):
    """A frame painted over in an image editor (or ffmpeg -y writing over our names) is the user's now."""
    out = tmp_path / "frames"
    render_shot(_scene(), out, resolution=(16, 16))
    (out / "frame_0002.png").write_bytes(b"\x89PNG painted over by hand, a different size")
    before = _contents(out)
    with pytest.raises(
        DualTalkError,
        match=r"\(1 file; first: frame_0002.png, changed since DualTalk rendered it \(or copied without its "
        r"file times: cp -a or rsync -a keep them\)\); choose",
    ):
        render_shot(_scene(), out, resolution=(16, 16))
    assert _contents(out) == before


@pytest.mark.parametrize("record", ["not json", '{"kind": "something else", "frames": {}}', "link"])
def test_a_record_that_is_not_ours_makes_no_frame_ours(tmp_path, record):
    out = tmp_path / "frames"
    render_shot(_scene(), out, resolution=(16, 16))
    (out / RECORD).unlink()
    if record == "link":  # a link at the record's name, to a record of ours elsewhere
        elsewhere = tmp_path / "other"
        render_shot(_scene(), elsewhere, resolution=(16, 16))
        (out / RECORD).symlink_to(elsewhere / RECORD)
    else:
        (out / RECORD).write_text(record)
    before = _contents(out)
    with pytest.raises(DualTalkError, match="holds files DualTalk did not render"):
        render_shot(_scene(), out, resolution=(16, 16))
    assert _contents(out) == before


def test_what_a_file_browser_leaves_in_the_folder_it_showed_does_not_stop_the_next_render(tmp_path):
    """The TD opened the frames folder in Finder or Explorer to look at the frames (review rv35c F2)."""
    out = tmp_path / "frames"
    render_shot(_scene(), out, resolution=(16, 16))
    for name in (".DS_Store", "Thumbs.db", "desktop.ini", "._frame_0001.png"):
        (out / name).write_bytes(b"a file browser's own")
    render_shot(_scene(), out, resolution=(16, 16))
    assert (out / ".DS_Store").read_bytes() == b"a file browser's own"  # left as it was
    assert sorted(json.loads((out / RECORD).read_text())["frames"]) == [
        f"frame_{i:04d}.png" for i in range(1, 4)
    ]
