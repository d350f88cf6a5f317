"""The .blend libraries a scene file links, read from its blocks without loading it.

A job checks every shot's outputs against the libraries each shot's scene links before the first
shot runs: a later shot whose ``out`` was an earlier shot's library replaced it after that shot had
run (review rv38b F2, job form). Opening each scene for that loaded a farm's heavy files twice (the
reason the job reads object names only: review rv37 closing), and Blender's name-only listing has
no libraries. So this module walks the file's block headers (through zstd, frame by frame where
Blender wrote its seek table), keeps the ``LI`` blocks (a library and its path) and the ``ID``
placeholders (what is linked from it), and decodes them with the file's own struct catalogue
(``DNA1``). Libraries a library links are read the same way: Blender does not list a library the
scene uses only through another one in the scene file. A file this cannot read gives None, and the
caller opens it instead.
"""

from __future__ import annotations

import bisect
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SEEKABLE_MAGIC = 0x8F92EAB1
_SKIPPABLE_MAGIC = 0x184D2A5E
_KEPT = {b"LI\0\0", b"ID\0\0", b"DNA1"}  # a library, a data-block linked from one, the struct catalogue
_MAX_KEPT = 64 << 20  # no Library/ID block (or struct catalogue) is near this: a damaged length
_MAX_FILES = 256  # libraries followed through other libraries, in all


class _Unreadable(Exception):
    """The file is not a .blend this reader knows (the caller opens it in Blender instead)."""


class _Plain:
    """An uncompressed .blend: block data skipped by seeking."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def read(self, n: int) -> bytes:
        return self._fh.read(n)

    def skip(self, n: int) -> None:
        self._fh.seek(n, os.SEEK_CUR)


class _Frames:
    """A zstd .blend with the seek table Blender writes: only the frames holding what is read are
    decompressed, so a heavy file's mesh data is mostly passed over unread."""

    def __init__(self, fh: BinaryIO, sizes: list[tuple[int, int]]) -> None:
        import zstandard

        self._fh = fh
        self._zstd = zstandard
        self._packed: list[int] = [0]
        self._starts: list[int] = [0]
        for packed, unpacked in sizes:
            self._packed.append(self._packed[-1] + packed)
            self._starts.append(self._starts[-1] + unpacked)
        self._pos = 0
        self._cached: tuple[int, bytes] = (-1, b"")

    def _frame(self, i: int) -> bytes:
        if self._cached[0] != i:
            self._fh.seek(self._packed[i])
            data = self._fh.read(self._packed[i + 1] - self._packed[i])
            self._cached = (i, self._zstd.ZstdDecompressor().decompressobj().decompress(data))
        return self._cached[1]

    def read(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n and self._pos < self._starts[-1]:
            i = bisect.bisect_right(self._starts, self._pos) - 1
            frame = self._frame(i)
            at = self._pos - self._starts[i]
            piece = frame[at : at + n - len(out)]
            if not piece:  # the table promised more than the frame holds
                raise _Unreadable("a zstd frame shorter than its seek table says")
            out += piece
            self._pos += len(piece)
        return bytes(out)

    def skip(self, n: int) -> None:
        self._pos += n


class _Stream:
    """A zstd .blend without a seek table: decompressed in order, skipped data read and dropped."""

    def __init__(self, fh: BinaryIO) -> None:
        import zstandard

        self._reader = zstandard.ZstdDecompressor().stream_reader(fh, read_across_frames=True)

    def read(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            piece = self._reader.read(n - len(out))
            if not piece:
                break
            out += piece
        return bytes(out)

    def skip(self, n: int) -> None:
        while n > 0:
            piece = self._reader.read(min(n, 1 << 20))
            if not piece:
                return
            n -= len(piece)


def _seek_table(fh: BinaryIO) -> list[tuple[int, int]] | None:
    """(compressed, decompressed) size of each zstd frame, from the seekable format's footer."""
    size = fh.seek(0, os.SEEK_END)
    if size < 9:
        return None
    fh.seek(size - 9)
    count, descriptor, magic = struct.unpack("<IBI", fh.read(9))
    if magic != _SEEKABLE_MAGIC:
        return None
    entry = 12 if descriptor & 0x80 else 8
    table = count * entry
    if table + 17 > size:
        return None
    fh.seek(size - 9 - table - 8)
    skippable, length = struct.unpack("<II", fh.read(8))
    if skippable != _SKIPPABLE_MAGIC or length != table + 9:
        return None
    raw = fh.read(table)
    return [struct.unpack_from("<II", raw, i * entry) for i in range(count)]


@dataclass
class _Blocks:
    """What one pass over a .blend keeps: the kept blocks' (code, old address, data) and its layout."""

    pointer: int
    kept: list[tuple[bytes, int, bytes]] = field(default_factory=list)


def _blocks(reader: _Plain | _Frames | _Stream) -> _Blocks:
    """Walk the block headers from the file header to ``ENDB``, keeping :data:`_KEPT` blocks."""
    head = reader.read(7)
    if head != b"BLENDER":
        raise _Unreadable("not a .blend")
    more = reader.read(5)
    if more[:2].isdigit():  # Blender 5's header, BLENDER17-01v0500: its size, pointer, format, endian
        rest = more + reader.read(int(more[:2]) - 12)
        if rest[2:3] != b"-" or rest[3:5] != b"01" or rest[5:6] != b"v":
            raise _Unreadable("a .blend header this reader does not know")
        layout, pointer, at = "<4siQqq", 8, (2, 3)  # code, struct index, old address, length, count
    else:  # BLENDER-v405: pointer size (_ 4, - 8), endian (v little), release
        if more[1:2] != b"v" or more[:1] not in (b"_", b"-"):
            raise _Unreadable("a big-endian or unknown .blend")
        pointer = 8 if more[:1] == b"-" else 4
        layout, at = ("<4siQii" if pointer == 8 else "<4siIii"), (2, 1)  # code, length, old, index, count
    found = _Blocks(pointer)
    size = struct.calcsize(layout)
    while True:
        raw = reader.read(size)
        if len(raw) < size:
            raise _Unreadable("the file ends before its last block")
        fields = struct.unpack(layout, raw)
        code = fields[0]
        old, length = fields[at[0]], fields[at[1]]
        if code == b"ENDB":
            return found
        if length < 0:
            raise _Unreadable("a block of negative length")
        if code in _KEPT:
            if length > _MAX_KEPT:
                raise _Unreadable("a block far larger than its kind")
            data = reader.read(length)
            if len(data) < length:
                raise _Unreadable("the file ends inside a block")
            found.kept.append((code, old, data))
        else:
            reader.skip(length)


def _strings(data: bytes, at: int, count: int) -> tuple[list[str], int]:
    names = []
    for _ in range(count):
        end = data.index(b"\0", at)
        names.append(data[at:end].decode("latin-1"))
        at = end + 1
    return names, (at + 3) & ~3


def _fields(dna: bytes, pointer: int) -> dict[str, dict[str, tuple[int, int]]]:
    """Each struct's fields from the file's ``DNA1`` catalogue: name -> (offset, size), for the two
    structs read here (``Library``, ``ID``). Field names lose their ``*`` and array sizes."""
    if dna[:8] != b"SDNANAME":
        raise _Unreadable("no struct catalogue")
    (count,) = struct.unpack_from("<i", dna, 8)
    names, at = _strings(dna, 12, count)
    if dna[at : at + 4] != b"TYPE":
        raise _Unreadable("a damaged struct catalogue")
    (count,) = struct.unpack_from("<i", dna, at + 4)
    types, at = _strings(dna, at + 8, count)
    if dna[at : at + 4] != b"TLEN":
        raise _Unreadable("a damaged struct catalogue")
    lengths = struct.unpack_from(f"<{len(types)}h", dna, at + 4)
    at = (at + 4 + 2 * len(types) + 3) & ~3
    if dna[at : at + 4] != b"STRC":
        raise _Unreadable("a damaged struct catalogue")
    (count,) = struct.unpack_from("<i", dna, at + 4)
    at += 8
    wanted: dict[str, dict[str, tuple[int, int]]] = {}
    for _ in range(count):
        kind, members = struct.unpack_from("<hh", dna, at)
        pairs = struct.unpack_from(f"<{2 * members}h", dna, at + 4)
        at += 4 + 4 * members
        if types[kind] not in ("Library", "ID"):
            continue
        offset, layout = 0, {}
        for member_type, member_name in zip(pairs[::2], pairs[1::2], strict=True):
            name = names[member_name]
            items = 1
            for n in re.findall(r"\[(\d+)\]", name):
                items *= int(n)
            size = (pointer if name.startswith(("*", "(*")) else lengths[member_type]) * items
            layout[re.sub(r"[*()]|\[.*", "", name)] = (offset, size)
            offset += size
        wanted[types[kind]] = layout
    if "Library" not in wanted or "ID" not in wanted:
        raise _Unreadable("no Library struct")
    return wanted


def _text(data: bytes, where: tuple[int, int]) -> str:
    offset, size = where
    return data[offset : offset + size].split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _pointer(data: bytes, where: tuple[int, int]) -> int:
    offset, size = where
    return int.from_bytes(data[offset : offset + size], "little")


def _open_blocks(path: Path) -> _Blocks:
    with open(path, "rb") as fh:
        magic = fh.read(4)
        fh.seek(0)
        if magic != _ZSTD_MAGIC:
            return _blocks(_Plain(fh))
        try:
            import zstandard  # noqa: F401 - Blender's Python ships it; without it the file is opened
        except ImportError:
            raise _Unreadable("no zstandard module") from None
        sizes = _seek_table(fh)
        fh.seek(0)
        return _blocks(_Frames(fh, sizes) if sizes else _Stream(fh))


def _links_of(path: Path) -> list[tuple[str, list[str]]]:
    """The libraries ``path`` lists, each as its path is written there (``//`` relative to ``path``'s
    folder), with the names of the data-blocks linked from it (directly, as the file records)."""
    found = _open_blocks(path)
    dna = next((data for code, _old, data in found.kept if code == b"DNA1"), None)
    if dna is None:
        raise _Unreadable("no struct catalogue")
    layout = _fields(dna, found.pointer)
    library, ident = layout["Library"], layout["ID"]
    # before Blender 2.93 the path a user typed was Library.name, and Library.filepath the absolute one
    where = library.get("name") or library.get("filepath")
    if where is None or "id" not in library or "name" not in ident or "lib" not in ident:
        raise _Unreadable("a Library struct without a path")
    libraries: dict[int, tuple[str, list[str]]] = {}
    for code, old, data in found.kept:
        if code == b"LI\0\0":
            libraries[old] = (_text(data, where), [])
    for code, _old, data in found.kept:
        if code == b"ID\0\0":
            owner = libraries.get(_pointer(data, ident["lib"]))
            if owner is not None:
                owner[1].append(_text(data, ident["name"])[2:])
    return [(place, sorted(names)) for place, names in libraries.values()]


def _absolute(place: str, holder: Path) -> str:
    """A library path as Blender resolves it: ``//`` relative to the folder of the file that holds it."""
    if place.startswith("//"):
        return os.path.join(os.path.dirname(os.path.abspath(holder)), place[2:].replace("\\", os.sep))
    return place


def libraries_in(path: Path) -> dict[Path, list[str]] | None:
    """The .blend files ``path`` links data from, the libraries those link included, keyed as
    :func:`.blendio.linked_libraries` keys them (real path, spelled as compared) with the names of
    the data-blocks linked from each; None where the scene (not a library) cannot be read so."""
    from ...inference.core.outputs import real, spelled

    try:
        first = _links_of(path)
    except Exception:  # noqa: BLE001 - damaged, or a layout not known here: Blender opens it instead
        return None
    found: dict[Path, list[str]] = {}
    todo = [(_absolute(place, path), names) for place, names in first]
    seen: set[Path] = {real(path)}
    while todo and len(seen) < _MAX_FILES:
        place, names = todo.pop(0)
        if not place:
            continue
        key = real(place)
        found.setdefault(spelled(key), names)
        if key in seen:
            continue
        seen.add(key)
        try:  # what this library links (``//`` from where the scene names it, as Blender resolves it)
            todo += [(_absolute(p, Path(place)), n) for p, n in _links_of(key)]
        except Exception:  # noqa: BLE001, S112 - its own loading says what is wrong with it
            continue
    if todo:  # more libraries than the walk follows: not a complete list, so Blender opens the scene
        return None
    return found
