"""Whether an image or a video file a renderer wrote is whole, read from its header, its structure and
its end, never decoded.

Blender says FINISHED for a render whose writer failed: a full disk leaves a 0-byte PNG or a video
cut off before its index, and both used to replace a good earlier render. The render step checks
each file here before anything is put in place (``dualtalk_blender/scene/render.py``). No bpy: PNG,
JPEG, BMP, TGA, TIFF, WebP and OpenEXR frames (their size against the rendered size), MP4/MOV and
Matroska videos (a finished container).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any


def frame_problem(path: Path, size: tuple[int, int] | None) -> str | None:
    """Why the frame file at ``path`` is not a whole image of ``size`` (None: it is), from its
    header and end, without decoding it."""
    try:
        length = path.stat().st_size
    except FileNotFoundError:
        return "Blender wrote no file"
    if length == 0:
        return "the file Blender wrote is empty"
    try:
        with open(path, "rb") as fh:
            found = _IMAGE_READERS[path.suffix.lower()](fh, length)
    except (_Damaged, struct.error, KeyError, IndexError, ValueError) as exc:
        return f"the file Blender wrote is not a whole image ({str(exc) or 'unreadable header'}, {length:,} bytes)"
    if size is not None and found != size:
        return f"the file Blender wrote is {found[0]}x{found[1]}, not the {size[0]}x{size[1]} rendered"
    return None


class _Damaged(Exception):
    """An image file that is cut short or not the format its name says."""


def _read(fh: Any, offset: int, count: int) -> bytes:
    fh.seek(offset)
    data = fh.read(count)
    if len(data) != count:
        raise _Damaged("cut short")
    return bytes(data)


def _png_size(fh: Any, length: int) -> tuple[int, int]:
    head = _read(fh, 0, 24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise _Damaged("no PNG header")
    if _read(fh, length - 12, 12) != b"\0\0\0\0IEND\xaeB`\x82":
        raise _Damaged("cut short")
    w, h = struct.unpack(">II", head[16:24])
    return w, h


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(fh: Any, length: int) -> tuple[int, int]:
    if _read(fh, 0, 2) != b"\xff\xd8":
        raise _Damaged("no JPEG header")
    if _read(fh, length - 2, 2) != b"\xff\xd9":
        raise _Damaged("cut short")
    pos = 2
    while True:
        marker = _read(fh, pos, 4)
        if marker[0] != 0xFF:
            raise _Damaged("damaged JPEG header")
        if marker[1] == 0xFF:  # fill byte
            pos += 1
            continue
        if marker[1] in _JPEG_SOF:
            h, w = struct.unpack(">HH", _read(fh, pos + 5, 4))
            return w, h
        if marker[1] == 0xDA:
            raise _Damaged("no frame header")
        pos += 2 + struct.unpack(">H", marker[2:4])[0]


def _bmp_size(fh: Any, length: int) -> tuple[int, int]:
    head = _read(fh, 0, 26)
    if head[:2] != b"BM":
        raise _Damaged("no BMP header")
    if struct.unpack("<I", head[2:6])[0] > length:
        raise _Damaged("cut short")
    w, h = struct.unpack("<ii", head[18:26])
    return w, abs(h)


def _tga_size(fh: Any, length: int) -> tuple[int, int]:
    head = _read(fh, 0, 18)
    w, h = struct.unpack("<HH", head[12:16])
    raw = head[2] in (2, 3)  # uncompressed colour or grey: its size is known
    if length >= 44 and _read(fh, length - 18, 18) == b"TRUEVISION-XFILE.\0":
        return w, h  # the footer Blender writes last
    if raw and length >= 18 + head[0] + w * h * ((head[16] + 7) // 8):
        return w, h
    raise _Damaged("cut short")


def _tiff_size(fh: Any, length: int) -> tuple[int, int]:
    order = _read(fh, 0, 4)
    end = {b"II*\0": "<", b"MM\0*": ">"}.get(order)
    if end is None:
        raise _Damaged("no TIFF header")
    ifd = struct.unpack(end + "I", _read(fh, 4, 4))[0]
    count = struct.unpack(end + "H", _read(fh, ifd, 2))[0]
    tags: dict[int, list[int]] = {}
    for i in range(count):
        tag, kind, n, value = struct.unpack(end + "HHI4s", _read(fh, ifd + 2 + 12 * i, 12))
        width = {3: 2, 4: 4}.get(kind)
        if width is None:
            continue
        code = end + ("H" if width == 2 else "I") * n
        data = value if n * width <= 4 else _read(fh, struct.unpack(end + "I", value)[0], n * width)
        tags[tag] = list(struct.unpack(code, data[: n * width]))
    offsets = tags.get(273, tags.get(324, []))
    counts = tags.get(279, tags.get(325, []))
    if not offsets or len(offsets) != len(counts):
        raise _Damaged("no image data")
    if max(o + c for o, c in zip(offsets, counts, strict=True)) > length:
        raise _Damaged("cut short")
    return tags[256][0], tags[257][0]


def _webp_size(fh: Any, length: int) -> tuple[int, int]:
    head = _read(fh, 0, 30)
    if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        raise _Damaged("no WebP header")
    if struct.unpack("<I", head[4:8])[0] + 8 > length:
        raise _Damaged("cut short")
    chunk = head[12:16]
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        bits = struct.unpack("<I", head[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    raise _Damaged("no WebP image")


_EXR_LINES = {0: 1, 1: 1, 2: 1, 3: 16, 4: 32, 5: 16, 6: 32, 7: 32, 8: 32, 9: 256}  # per chunk, by compression


def _exr_size(fh: Any, length: int) -> tuple[int, int]:
    head = _read(fh, 0, 8)
    if head[:4] != b"\x76\x2f\x31\x01":
        raise _Damaged("no OpenEXR header")
    flags = struct.unpack("<I", head[4:8])[0]
    pos, attrs = 8, {}
    while True:  # name NUL type NUL size value ..., up to an empty name
        name, pos = _c_string(fh, pos)
        if not name:
            break
        _kind, pos = _c_string(fh, pos)
        size = struct.unpack("<i", _read(fh, pos, 4))[0]
        attrs[name] = _read(fh, pos + 4, size)
        pos += 4 + size
    xmin, ymin, xmax, ymax = struct.unpack("<iiii", attrs[b"dataWindow"])
    w, h = xmax - xmin + 1, ymax - ymin + 1
    if flags & 0x1200:  # tiled or multi-part: the chunk count needs the tile layout; not what Blender renders
        if length <= pos:
            raise _Damaged("cut short")
        return w, h
    chunks = -(-h // _EXR_LINES[attrs[b"compression"][0]])
    offsets = struct.unpack(f"<{chunks}Q", _read(fh, pos, 8 * chunks))
    last = max(offsets)
    if min(offsets) < pos + 8 * chunks or last + 8 + struct.unpack("<i", _read(fh, last + 4, 4))[0] > length:
        raise _Damaged("cut short")
    return w, h


def _c_string(fh: Any, pos: int) -> tuple[bytes, int]:
    """The NUL-ended name at ``pos`` (OpenEXR names are at most 255 bytes) and the offset after it."""
    fh.seek(pos)
    data = fh.read(256)
    end = data.find(b"\0")
    if end < 0:
        raise _Damaged("cut short" if len(data) < 256 else "damaged header")
    return data[:end], pos + end + 1


_IMAGE_READERS = {
    ".png": _png_size,
    ".jpg": _jpeg_size,
    ".bmp": _bmp_size,
    ".tga": _tga_size,
    ".tif": _tiff_size,
    ".webp": _webp_size,
    ".exr": _exr_size,
}


def video_problem(path: Path) -> str | None:
    """Why the video at ``path`` is not a finished file (None: it is), from its container's
    structure: MP4/MOV boxes that tile the file and include the index (``moov``, written last);
    a Matroska segment whose size was filled in at the end and matches the file."""
    try:
        length = path.stat().st_size
        with open(path, "rb") as fh:
            if fh.read(4) == b"\x1a\x45\xdf\xa3":
                return _matroska_problem(fh, length)
            return _mp4_problem(fh, length)
    except (_Damaged, struct.error) as exc:
        return f"the video is not finished ({exc}, {length:,} bytes)"


def _mp4_problem(fh: Any, length: int) -> str | None:
    pos, boxes = 0, set()
    while pos < length:
        size, kind = struct.unpack(">I4s", _read(fh, pos, 8))
        if size == 1:
            size = struct.unpack(">Q", _read(fh, pos + 8, 8))[0]
        elif size == 0:  # "to the end of the file": a box the muxer never closed
            size = length - pos
        if size < 8 or pos + size > length:
            raise _Damaged("cut short")
        boxes.add(kind)
        pos += size
    if b"moov" not in boxes:
        raise _Damaged("no index")
    return None


def _ebml_number(fh: Any, pos: int) -> tuple[int, int, bool]:
    """An EBML variable-size number at ``pos``: its value, its length and whether it is "unknown"."""
    first = _read(fh, pos, 1)[0]
    if first == 0:
        raise _Damaged("damaged header")
    width = 9 - first.bit_length()
    data = _read(fh, pos, width)
    value = int.from_bytes(data, "big") & ((1 << (7 * width)) - 1)
    return value, width, value == (1 << (7 * width)) - 1


def _matroska_problem(fh: Any, length: int) -> str | None:
    size, width, _ = _ebml_number(fh, 4)
    pos = 4 + width + size  # past the EBML header
    if _read(fh, pos, 4) != b"\x18\x53\x80\x67":
        raise _Damaged("no segment")
    size, width, unknown = _ebml_number(fh, pos + 4)
    if unknown or pos + 4 + width + size > length:
        raise _Damaged("cut short")
    return None
