"""A link planted as a download's resume file (review 29a, finding 16).

``download`` keeps an interrupted transfer as ``NAME.part`` (with ``NAME.part.json`` naming its URL)
and the next run appends to it. In a shared download folder (a farm's ``DUALTALK_HOME``) someone
could plant ``w.pth.part`` as a link to a file of the runner's plus a ``.part.json`` naming the URL:
the download was "resumed" into that file, overwriting it, and the link was renamed into place as
the checkpoint. Now a resume file that is not a regular file of its own is removed (the link, never
its target) with one warning line, and the download starts afresh: the file it pointed to keeps every
byte and the checkpoint is a real file."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
from pathlib import Path

import pytest
from dualtalk.inference.core.fileio import sha256_file
from local_http import serve
from robustness_util import run_cli

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links")

PAYLOAD = os.urandom(200_000)
NOTES = b"my notes\n"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        start = int(rng.split("=")[1].rstrip("-")) if rng else 0
        body = PAYLOAD[start:]
        self.send_response(206 if rng else 200)
        self.send_header("Content-Length", str(len(body)))
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def url():
    with serve(Handler) as base:
        yield f"{base}/w.pth"


def _download(capsys, url: str, dest: Path) -> tuple[int, list[str]]:
    """Exit status and stderr lines, the progress lines ("download: 40% ...") left out."""
    code, err, _ = run_cli(capsys, ["download", "--url", url, "--out", str(dest)])
    return code, [line for line in err if not line.startswith("download: ")]


def _is_the_checkpoint(dest: Path) -> bool:
    return (
        not dest.is_symlink() and dest.is_file() and sha256_file(dest) == hashlib.sha256(PAYLOAD).hexdigest()
    )


def test_a_planted_part_link_with_its_record_is_not_resumed_into_the_file_it_points_to(url, tmp_path, capsys):
    """The review's shared folder: ``w.pth.part -> ../victim.txt`` and a ``.part.json`` naming the
    URL. The link is removed with one warning, the download starts afresh and succeeds; victim.txt
    keeps its notes and w.pth is the checkpoint itself, not the link."""
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(NOTES)
    (shared / "w.pth.part").symlink_to("../victim.txt")
    (shared / "w.pth.part.json").write_text(json.dumps({"url": url}))
    code, err = _download(capsys, url, shared / "w.pth")
    assert victim.read_bytes() == NOTES
    assert code == 0, err
    assert err == [
        f"warning: {shared / 'w.pth.part'} was a symbolic link, not a download's resume file; removed it "
        "(not what it points to) and started the download afresh"
    ]
    assert _is_the_checkpoint(shared / "w.pth")
    assert sorted(os.listdir(shared)) == ["w.pth"]


def test_a_dangling_part_link_creates_nothing_where_it_points(url, tmp_path, capsys):
    """``w.pth.part -> ../planted.txt`` with nothing there yet, and a record naming the URL: nothing
    appears at planted.txt (the download created it, and the link became the checkpoint)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "w.pth.part").symlink_to("../planted.txt")
    (shared / "w.pth.part.json").write_text(json.dumps({"url": url}))
    code, err = _download(capsys, url, shared / "w.pth")
    assert code == 0, err
    assert not os.path.lexists(tmp_path / "planted.txt")
    assert _is_the_checkpoint(shared / "w.pth")


def test_a_part_hard_linked_to_another_file_is_not_appended_to(url, tmp_path, capsys):
    """A second name of the runner's file (a hard link) as ``w.pth.part``: appending would grow the
    runner's file. The name is removed; the file keeps its bytes."""
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(NOTES)
    os.link(victim, shared / "w.pth.part")
    (shared / "w.pth.part.json").write_text(json.dumps({"url": url}))
    code, err = _download(capsys, url, shared / "w.pth")
    assert victim.read_bytes() == NOTES and victim.stat().st_nlink == 1
    assert code == 0, err
    assert len(err) == 1 and "was a hard link to another file" in err[0], err
    assert _is_the_checkpoint(shared / "w.pth")


def test_planted_record_links_are_neither_read_nor_written_through(url, tmp_path, capsys):
    """``w.pth.part.json -> ../victim.json`` and ``w.pth.part.json.tmp -> ../victim.json`` (the name
    the record's temporary had): the record is written to a new file of its own, renamed over the
    link; the victim keeps its bytes."""
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text(json.dumps({"url": url, "mine": True}))
    before = victim.read_bytes()
    (shared / "w.pth.part.json").symlink_to("../victim.json")
    (shared / "w.pth.part.json.tmp").symlink_to("../victim.json")
    code, err = _download(capsys, url, shared / "w.pth")
    assert victim.read_bytes() == before
    assert code == 0, err
    assert _is_the_checkpoint(shared / "w.pth") and not os.path.lexists(shared / "w.pth.part.json")
