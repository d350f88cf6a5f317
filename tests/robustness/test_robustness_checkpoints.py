"""Robustness matrix, model files: wrong network, cut-off file, a pickle that would run code,
a download that is cut off or does not match its sha256.

Every loader a user can point at a file (published network, lite weights, training
checkpoints) is tried with the same booby-trapped pickle: if any of them executed it, a
marker file would appear.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import pickle
from pathlib import Path

import pytest
import soundfile as sf
import torch
from addon_helpers import write_tiny_lite
from dualtalk.inference.checkpoint import read_checkpoint_file
from dualtalk.inference.core.errors import DualTalkError
from local_http import serve
from robustness_util import assert_refused, run_cli, snapshot, two_voices


class _WritesMarker:
    """Unpickling this calls ``open(marker, "w")``: a file appears if the pickle is executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _booby_trapped(tmp: Path) -> dict[str, Path]:
    """The same trap in the shapes a user might be handed."""
    marker = tmp / "EXECUTED"
    trap = _WritesMarker(marker)
    files = {}
    files["zip checkpoint"] = tmp / "DualTalk.pth"
    torch.save({"state_dict": {"w": torch.zeros(2)}, "extra": trap}, files["zip checkpoint"])
    files["legacy checkpoint"] = tmp / "legacy.pth"
    torch.save({"model": trap}, files["legacy checkpoint"], _use_new_zipfile_serialization=False)
    files["bare pickle"] = tmp / "weights.pt"
    files["bare pickle"].write_bytes(pickle.dumps(trap, protocol=2))
    # prove the trap is live: unpickling it without protection does create the marker
    probe = tmp / "probe"
    probe.mkdir()
    pickle.loads(pickle.dumps(_WritesMarker(probe / "EXECUTED"))).close()
    assert (probe / "EXECUTED").exists()
    return files


@pytest.fixture(scope="module")
def audio(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ck_audio") / "talk.wav"
    sf.write(path, two_voices(1.0), 16000)
    return path


def test_no_loader_ever_runs_pickled_code(tmp_path, audio, capsys):
    from dualtalk.inference.models.lite.model import load_lite
    from dualtalk.training.trainer import load_checkpoint

    files = _booby_trapped(tmp_path)
    marker = tmp_path / "EXECUTED"
    for name, path in files.items():
        for loader in (read_checkpoint_file, load_lite, load_checkpoint):
            with pytest.raises(DualTalkError) as info:
                loader(path)
            assert "\n" not in str(info.value) and path.name in str(info.value), (name, loader)
            assert not marker.exists(), (name, loader.__name__)
        for engine in ("auto", "dualtalk", "lite"):
            out = tmp_path / "out"
            code, err, _ = run_cli(
                capsys,
                ["infer", "--quiet", "--audio", str(audio), "--checkpoint", str(path), "--engine", engine,
                 "--out", str(out)],
            )  # fmt: skip
            assert_refused(code, err, path.name)
            assert snapshot(out) == {} and not marker.exists(), (name, engine)
    assert not marker.exists()


def test_the_pickle_refusal_says_why(tmp_path):
    files = _booby_trapped(tmp_path)
    with pytest.raises(DualTalkError, match="refused for safety"):
        read_checkpoint_file(files["zip checkpoint"])


def test_wrong_architecture_and_truncated_files_are_one_line(tmp_path, tiny_checkpoint, audio, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    torch.save(torch.nn.Linear(4, 2).state_dict(), bad / "linear.pth")  # some other network
    torch.save({"state_dict": {"w": torch.zeros(3)}, "format": "not ours"}, bad / "other.pt")
    data = tiny_checkpoint.read_bytes()
    (bad / "half.pth").write_bytes(data[: len(data) // 2])
    (bad / "head.pth").write_bytes(data[:100])
    (bad / "empty.pth").write_bytes(b"")
    (bad / "text.pth").write_text("this is a README, not weights\n")
    write_tiny_lite(bad / "lite.pt")  # real lite weights, asked to load as the published network
    cases = {
        "linear.pth": ("auto", "not a DualTalk checkpoint"),
        "other.pt": (
            "lite",
            "not a DualTalk lite weights file (the published DualTalk.pth runs with --engine dualtalk)",
        ),
        "half.pth": ("dualtalk", "not a readable PyTorch checkpoint"),
        "head.pth": ("auto", "not a readable"),
        "empty.pth": ("auto", "empty"),
        "text.pth": ("auto", "not a readable"),
        "lite.pt": ("dualtalk", "lite.pt"),
    }
    out = tmp_path / "out"
    for name, (engine, needle) in cases.items():
        code, err, _ = run_cli(
            capsys,
            ["infer", "--quiet", "--audio", str(audio), "--checkpoint", str(bad / name), "--engine", engine,
             "--out", str(out)],
        )  # fmt: skip
        line = assert_refused(code, err, needle)
        assert name in line, line
        assert snapshot(out) == {}, name


def test_the_lite_engine_refuses_published_weights_and_vice_versa(tmp_path, tiny_checkpoint):
    from dualtalk.inference.models.lite.model import load_lite

    with pytest.raises(DualTalkError, match="lite"):
        load_lite(tiny_checkpoint)


# --- downloads ------------------------------------------------------------------------------------

PAYLOAD = os.urandom(300_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves PAYLOAD; the first plain GET of /cut.pth drops the connection a third of the way in."""

    cut_once = True

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
        body = PAYLOAD[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"v1"')
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        self.end_headers()
        if self.path == "/cut.pth" and not start and _Handler.cut_once:
            _Handler.cut_once = False
            self.wfile.write(body[: len(PAYLOAD) // 3])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    with serve(_Handler) as url:
        yield url


def _no_progress(err: list[str]) -> list[str]:
    """The download bar shares stderr; the refusal is the one ``error:`` line after it."""
    return [line for line in err if not line.startswith("download: ")]


def test_a_cut_off_download_keeps_only_a_part_file_and_resumes(server, tmp_path, capsys):
    argv = [
        "download",
        "--url",
        f"{server}/cut.pth",
        "--out",
        str(tmp_path),
        "--sha256",
        SHA,
        "--retries",
        "0",
    ]
    code, err, _ = run_cli(capsys, argv)
    assert_refused(code, _no_progress(err), "again to resume")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".json")) == ["cut.pth.part"]
    code, err, stdout = run_cli(capsys, argv)
    assert code == 0, err
    assert (tmp_path / "cut.pth").read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.pth"]
    assert stdout.splitlines()[-1] == f"sha256 {SHA}"


def test_a_download_with_the_wrong_sha256_is_deleted(server, tmp_path, capsys):
    code, err, _ = run_cli(
        capsys, ["download", "--url", f"{server}/ok.pth", "--out", str(tmp_path), "--sha256", "0" * 64]
    )
    assert_refused(code, _no_progress(err), "does not match")
    assert list(tmp_path.iterdir()) == []


def test_a_cut_short_checkpoint_says_what_happened_and_what_to_do(tmp_path):
    """A checkpoint cut short (a broken copy, a full disk elsewhere) read "... This is an internal
    miniz error. If you are seeing this error, there is a high)": torch's text cut mid-sentence."""
    whole = tmp_path / "checkpoint.pt"
    torch.save({"w": torch.zeros(1000)}, whole)
    data = whole.read_bytes()
    whole.write_bytes(data[: len(data) // 2])
    with pytest.raises(DualTalkError) as refused:
        read_checkpoint_file(whole)
    message = str(refused.value)
    assert message.startswith("checkpoint.pt is not a readable PyTorch checkpoint (")
    assert message.endswith("a damaged or cut-short file: download or copy it again")
    assert "there is a high" not in message and "\n" not in message
