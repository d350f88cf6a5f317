"""A render's files are checked whole before they replace an earlier render: a PNG cut short by a
full disk, a frame of the wrong size and a video without its index are told from good ones."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from dualtalk.inference.core.media_check import frame_problem, video_problem


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def test_a_whole_frame_passes_and_a_cut_empty_or_resized_one_is_named(tmp_path: Path):
    good = tmp_path / "frame_0001.png"
    good.write_bytes(_png(8, 4))
    assert frame_problem(good, (8, 4)) is None
    assert frame_problem(good, None) is None

    cut = tmp_path / "frame_0002.png"
    cut.write_bytes(_png(8, 4)[:-10])
    assert "not a whole image" in (frame_problem(cut, (8, 4)) or "")

    empty = tmp_path / "frame_0003.png"
    empty.write_bytes(b"")
    assert frame_problem(empty, (8, 4)) == "the file Blender wrote is empty"
    assert frame_problem(tmp_path / "frame_0004.png", (8, 4)) == "Blender wrote no file"
    assert frame_problem(good, (16, 9)) == "the file Blender wrote is 8x4, not the 16x9 rendered"


def test_a_video_without_its_index_is_not_finished(tmp_path: Path):
    finished = tmp_path / "shot.mp4"
    finished.write_bytes(
        _box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"mdat", b"\x00" * 64) + _box(b"moov", b"\x00" * 16)
    )
    assert video_problem(finished) is None
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(finished.read_bytes()[:-20])  # the index (written last) lost to a full disk
    assert video_problem(cut) is not None
    no_index = tmp_path / "no_index.mp4"
    no_index.write_bytes(_box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"mdat", b"\x00" * 64))
    assert video_problem(no_index) is not None
