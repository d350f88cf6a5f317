"""Downloading the checkpoint from a (local) web server: resume, checksums, failures."""

from __future__ import annotations

import hashlib
import http.server
import socket

import pytest
from dualtalk.cli import main
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.download import download
from local_http import serve

PAYLOAD = bytes(range(256)) * 4000  # ~1 MB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    log: list[dict] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        Handler.log.append({"path": self.path, "range": self.headers.get("Range")})
        if self.path == "/missing.pth":
            self.send_error(404, "Not Found")
            return
        if self.path.startswith("/hub/") or self.path.startswith("/hub-bad/"):
            self.send_response(302)
            self.send_header("Location", "/file.pth")
            self.send_header("X-Linked-ETag", f'"{SHA if self.path.startswith("/hub/") else "0" * 64}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        rng = self.headers.get("Range")
        start = int(rng.split("=")[1].rstrip("-")) if rng else 0
        body = PAYLOAD[start:]
        self.send_response(206 if rng else 200)
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        self.end_headers()
        if self.path == "/cut.pth" and not rng:
            self.wfile.write(body[: len(body) // 3])  # the connection drops a third of the way in
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    with serve(Handler) as url:
        yield url


@pytest.fixture(autouse=True)
def clear_log():
    Handler.log.clear()


def test_downloads_into_a_folder_and_verifies(server, tmp_path):
    path = download(f"{server}/file.pth", tmp_path, sha256=SHA)
    assert path == tmp_path / "file.pth" and path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.pth"]  # no .part left over
    # Already there and intact: no second request.
    assert download(f"{server}/file.pth", tmp_path, sha256=SHA) == path
    assert len(Handler.log) == 1


def test_a_dropped_connection_is_resumed_with_a_range_request(server, tmp_path):
    path = download(f"{server}/cut.pth", tmp_path / "model.pth", sha256=SHA)
    assert path.read_bytes() == PAYLOAD
    assert Handler.log[0]["range"] is None
    assert Handler.log[1]["range"] == f"bytes={len(PAYLOAD) // 3}-"


def test_an_interrupted_download_leaves_only_a_part_file_and_the_next_run_finishes_it(server, tmp_path):
    with pytest.raises(DualTalkError, match="interrupted.*again to resume"):
        download(f"{server}/cut.pth", tmp_path, sha256=SHA, retries=0)
    assert not (tmp_path / "cut.pth").exists()
    assert (tmp_path / "cut.pth.part").stat().st_size == len(PAYLOAD) // 3
    path = download(f"{server}/cut.pth", tmp_path, sha256=SHA, retries=0)
    assert path.read_bytes() == PAYLOAD and not (tmp_path / "cut.pth.part").exists()
    assert Handler.log[-1]["range"] == f"bytes={len(PAYLOAD) // 3}-"


def test_a_wrong_checksum_is_refused_and_nothing_is_kept(server, tmp_path):
    with pytest.raises(DualTalkError, match="does not match"):
        download(f"{server}/file.pth", tmp_path, sha256="f" * 64)
    assert list(tmp_path.iterdir()) == []


def test_the_hub_reported_checksum_is_checked_through_the_redirect(server, tmp_path):
    assert download(f"{server}/hub/file.pth", tmp_path / "ok").read_bytes() == PAYLOAD
    with pytest.raises(DualTalkError, match="does not match"):
        download(f"{server}/hub-bad/file.pth", tmp_path / "bad")
    assert not (tmp_path / "bad").exists()  # nothing kept, not even the folder it made


def test_http_errors_and_unreachable_hosts_are_one_line_errors(server, tmp_path):
    with pytest.raises(DualTalkError, match="HTTP 404"):
        download(f"{server}/missing.pth", tmp_path)
    assert list(tmp_path.iterdir()) == []
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DualTalkError, match="cannot reach"):
        download(f"http://127.0.0.1:{port}/x.pth", tmp_path)
    # "writes nothing": not even the folders of a destination that did not exist yet
    with pytest.raises(DualTalkError, match="cannot reach"):
        download(f"http://127.0.0.1:{port}/x.pth", tmp_path / "models" / "dualtalk" / "x.pth")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DualTalkError, match="64 hex"):
        download(f"{server}/file.pth", tmp_path, sha256="abc")
    with pytest.raises(DualTalkError, match="http"):
        download("file:///etc/passwd", tmp_path)


def test_cli_downloads_and_prints_the_path_and_digest(server, tmp_path, capsys):
    assert main(["download", "--url", f"{server}/file.pth", "--out", str(tmp_path), "--sha256", SHA]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [str(tmp_path / "file.pth"), f"sha256 {SHA}"]
    assert main(["download", "--url", f"{server}/missing.pth", "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: download failed: HTTP 404") and "\n" not in err


def test_default_destination_is_the_user_cache(monkeypatch, server, tmp_path):
    monkeypatch.setenv("DUALTALK_HOME", str(tmp_path / "home"))
    assert download(f"{server}/file.pth") == tmp_path / "home" / "file.pth"
