"""Download the published DualTalk checkpoint (or any file) safely and resumably.

The authors publish ``DualTalk.pth`` on the Hugging Face Hub (model repo
``ZiqiaoPeng/DualTalk``; their README downloads it with ``huggingface-cli download
ZiqiaoPeng/DualTalk``), so the default URL is the Hub's direct file link.

What the downloader guarantees:

* bytes go to ``<name>.part`` beside the destination, never to the final name; an
  interrupted download (network cut, Ctrl-C, cancel) keeps the ``.part`` and the next
  run continues it with an HTTP ``Range`` request (``If-Range`` on the ETag, so a file
  that changed on the server restarts instead of being spliced);
* the resume files are only ever regular files of the download's own: a ``.part`` or
  ``.part.json`` that is a link (or a pipe, a hard link) is removed -- the link, never what it points
  to -- with a warning, and the download starts afresh, so a link planted in a shared folder
  never has the download written over another file;
* dropped connections are retried (resuming) a few times before giving up;
* the result is checked against a sha256 — the one given by the caller, else the one
  the Hub reports for the file (``X-Linked-ETag`` of large files is their sha256) —
  and a mismatch deletes the download and raises; only a verified file is renamed
  (atomically) to the final name;
* every failure is a one-line :class:`DualTalkError` (HTTP status, host unreachable,
  disk full, checksum).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import BinaryIO

from .core.errors import CancelledError, DualTalkError
from .core.fileio import (
    ensure_writable_dir,
    missing_folders,
    not_its_own_file,
    plain_mode,
    remove_empty_folders,
    sha256_file,
)
from .core.progress import Progress, Silent

DEFAULT_URL = "https://huggingface.co/ZiqiaoPeng/DualTalk/resolve/main/DualTalk.pth"
DEFAULT_FILENAME = "DualTalk.pth"
# The published file's digest is not pinned here (it could not be checked offline when
# this was written); the Hub reports it with every download and that report is checked.
PUBLISHED_SHA256: str | None = None
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


NO_HOME = "this user has no home folder (HOME is not set, and the system's user list has no entry for it)"


def default_model_dir() -> Path:
    """``$DUALTALK_HOME`` if set, else ``~/.cache/dualtalk``; one line where there is no home
    folder (a container farm's arbitrary user id without ``HOME``): set DUALTALK_HOME or give --out."""
    env = os.environ.get("DUALTALK_HOME")
    if env:
        return _expand(env, "DUALTALK_HOME")
    try:
        return Path.home() / ".cache" / "dualtalk"
    except RuntimeError:  # Path.home(): "Could not determine home directory."
        raise DualTalkError(
            f"no default download folder: {NO_HOME}; set DUALTALK_HOME to a folder or give --out PATH"
        ) from None


def _expand(path: str | os.PathLike[str], where: str) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError:  # "~/x" where there is no home folder
        raise DualTalkError(
            f"{where} {os.fspath(path)!r} starts with '~', but {NO_HOME}; give the full path"
        ) from None


def _sha_from_headers(headers: list) -> str | None:
    """A sha256 the server vouches for: ``X-Linked-ETag`` (Hub LFS files) or a 64-hex ETag."""
    for h in headers:
        for key in ("X-Linked-ETag", "ETag"):
            value = (h.get(key) or "").strip().strip('"').lower()
            if value.startswith("w/"):
                continue
            if _HEX64.match(value):
                return value
    return None


class _RecordingRedirects(urllib.request.HTTPRedirectHandler):
    """Keeps the headers of redirect responses: the Hub puts the file's sha256 there."""

    def __init__(self) -> None:
        self.seen: list = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib hook
        self.seen.append(headers)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open(url: str, start: int, etag: str | None, timeout: float):
    rec = _RecordingRedirects()
    opener = urllib.request.build_opener(rec)
    req = urllib.request.Request(url, headers={"User-Agent": "dualtalk-blender-downloader"})
    if start > 0:
        req.add_header("Range", f"bytes={start}-")
        if etag:
            req.add_header("If-Range", etag)
    resp = opener.open(req, timeout=timeout)
    return resp, [*rec.seen, resp.headers]


def _total_from(resp, start: int) -> int | None:
    cr = resp.headers.get("Content-Range") or ""
    m = re.match(r"bytes (\d+)-(\d+)/(\d+|\*)", cr)
    if m and m.group(3) != "*":
        return int(m.group(3))
    length = resp.headers.get("Content-Length")
    if length is None:
        return None
    return int(length) + (start if resp.status == 206 else 0)


def download(
    url: str = DEFAULT_URL,
    dest: str | os.PathLike[str] | None = None,
    *,
    sha256: str | None = None,
    progress: Progress | None = None,
    retries: int = 3,
    timeout: float = 30.0,
    force: bool = False,
) -> Path:
    """Fetch ``url`` to ``dest`` (a file path, or a folder to put ``DualTalk.pth`` in).

    ``dest`` defaults to :func:`default_model_dir`. Returns the final path. If the
    file is already there and matches ``sha256`` (or no digest is known) nothing is
    downloaded unless ``force``.
    """
    progress = progress or Silent()
    expected = (sha256 or PUBLISHED_SHA256 or "").lower() or None
    if expected is not None and not _HEX64.match(expected):
        raise DualTalkError(f"--sha256 must be 64 hex digits, got {sha256!r}")
    if not re.match(r"^https?://", url):
        raise DualTalkError(f"only http(s) URLs can be downloaded, got {url!r}")
    dest = _expand(dest, "--out") if dest is not None else default_model_dir()
    if dest.is_dir() or dest.suffix == "":
        name = Path(urllib.parse.urlparse(url).path).name or DEFAULT_FILENAME
        dest = dest / name
    made = missing_folders(dest.parent)
    ensure_writable_dir(dest.parent)
    part = dest.with_name(dest.name + ".part")
    try:
        return _download_into(url, dest, part, expected, progress, retries, timeout, force)
    except BaseException:
        if not part.exists():  # nothing to resume: leave no folder this run made
            remove_empty_folders(made)
        raise


def _download_into(
    url: str,
    dest: Path,
    part: Path,
    expected: str | None,
    progress: Progress,
    retries: int,
    timeout: float,
    force: bool,
) -> Path:
    """:func:`download` once ``dest`` is known and its folder exists."""
    meta_path = dest.with_name(dest.name + ".part.json")

    if dest.exists() and not force:
        if expected is None or sha256_file(dest) == expected:
            progress.update("download", 1.0, f"{dest.name} already present")
            return dest
        raise ExistingFileDiffers(dest)

    _drop_planted(part, meta_path)
    meta = _read_meta(meta_path)
    if meta.get("url") != url or force:  # a leftover of another download: start over
        _remove(part, meta_path)
        meta = {"url": url}

    attempt = 0
    while True:
        try:
            server_sha = _fetch(url, part, meta, meta_path, progress, timeout)
            break
        except _Interrupted as exc:
            attempt += 1
            if attempt > retries:
                raise DualTalkError(
                    f"download of {dest.name} interrupted ({exc}); run the same command again to resume"
                ) from None
            time.sleep(min(0.2 * attempt, 2.0))

    expected = expected or server_sha
    actual = sha256_file(part)
    if expected is not None and actual != expected:
        _remove(part, meta_path)
        raise DualTalkError(
            f"{dest.name}: sha256 {actual[:12]}… does not match the expected {expected[:12]}…; deleted it"
        )
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(part, dest)
    _remove(meta_path)
    progress.update("download", 1.0, f"{dest.name} verified" if expected else f"{dest.name} saved")
    return dest


class ExistingFileDiffers(DualTalkError):
    """The file is already there with another sha256. The message is the command line's (it has
    --force); other callers word what their user can do, from ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists but its sha256 differs; pass --force to download it again")
        self.path = path


class _Interrupted(Exception):
    """A transfer that stopped part-way; the ``.part`` file is kept for resuming."""


def _fetch(
    url: str, part: Path, meta: dict, meta_path: Path, progress: Progress, timeout: float
) -> str | None:
    """Append the rest of ``url`` to ``part``; return the server-reported sha256 if any."""
    start = part.stat().st_size if part.exists() else 0
    try:
        resp, headers = _open(url, start, meta.get("etag"), timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start > 0:  # asked past the end: maybe it is complete
            m = re.match(r"bytes \*/(\d+)", exc.headers.get("Content-Range") or "")
            if m and int(m.group(1)) == start:
                return meta.get("sha256")
            _remove(part)
            raise _Interrupted("server refused the resume range; restarting") from None
        if exc.code >= 500:
            raise _Interrupted(f"HTTP {exc.code} {exc.reason}") from None
        raise DualTalkError(f"download failed: HTTP {exc.code} {exc.reason} for {url}") from None
    except urllib.error.URLError as exc:
        raise DualTalkError(f"cannot reach {urllib.parse.urlparse(url).netloc}: {exc.reason}") from None
    except (TimeoutError, ConnectionError) as exc:
        raise _Interrupted(str(exc) or type(exc).__name__) from None

    with resp:
        if start > 0 and resp.status != 206:  # the server ignored Range or the file changed
            start = 0
        total = _total_from(resp, start)
        etag = resp.headers.get("ETag")
        server_sha = _sha_from_headers(headers) or meta.get("sha256")
        meta.update({"etag": etag, "total": total, "sha256": server_sha})
        _write_meta(meta_path, meta)
        done = start
        try:
            with _open_part(part, append=start > 0) as out:
                while True:
                    progress.update("download", done / total if total else 0.0, _mb(done, total))
                    block = resp.read(CHUNK)
                    if not block:
                        break
                    out.write(block)
                    done += len(block)
        except CancelledError:
            raise
        except OSError as exc:
            if isinstance(exc, TimeoutError | ConnectionError) or "IncompleteRead" in type(exc).__name__:
                raise _Interrupted(str(exc) or type(exc).__name__) from None
            raise DualTalkError(f"could not write {part}: {exc.strerror or exc}") from None
        except Exception as exc:  # http.client.IncompleteRead and friends
            if type(exc).__module__ == "http.client":
                raise _Interrupted(type(exc).__name__) from None
            raise
    if total is not None and done < total:
        raise _Interrupted(f"got {done} of {total} bytes")
    if total is not None and done > total:
        _remove(part)
        raise _Interrupted("server sent more bytes than announced; restarting")
    return server_sha


def _mb(done: int, total: int | None) -> str:
    return f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"


def _read_meta(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_meta(path: Path, meta: dict) -> None:
    """Written to a new file of its own (``mkstemp``: never through a link) renamed over ``path``."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(meta))
        os.chmod(name, plain_mode())  # another user of a shared DUALTALK_HOME may resume it
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _drop_planted(*paths: Path) -> None:
    """A resume file (``.part``, ``.part.json``) that is a link or not a regular file was not left by
    a download: in a shared folder (a farm's ``DUALTALK_HOME``) it may be planted to have the
    download written over the file it points to. It is removed (the link itself, never its target)
    with a warning, and the download starts afresh; a folder there is refused in one line."""
    for p in paths:
        try:
            st = os.lstat(p)
        except (FileNotFoundError, NotADirectoryError):
            continue
        what = not_its_own_file(st)
        if what is None:
            continue
        if stat.S_ISDIR(st.st_mode):
            raise DualTalkError(f"{p} is a folder, not a download's resume file; remove it")
        try:
            os.unlink(p)
        except OSError as exc:
            raise DualTalkError(
                f"{p} is {what}, not a download's resume file; remove it ({exc.strerror})"
            ) from None
        print(
            f"warning: {p} was {what}, not a download's resume file; removed it (not what it points to) "
            "and started the download afresh",
            file=sys.stderr,
            flush=True,
        )


def _open_part(part: Path, append: bool) -> BinaryIO:
    """The ``.part`` opened for writing, never through a link (``O_NOFOLLOW``), and only when it is a
    regular file of its own (one planted since :func:`_drop_planted` is refused in one line)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(part, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DualTalkError(
                f"{part} is a symbolic link, not a download's resume file; remove it"
            ) from None
        raise
    what = not_its_own_file(os.fstat(fd))
    if what is not None:
        os.close(fd)
        raise DualTalkError(f"{part} is {what}, not a download's resume file; remove it")
    return os.fdopen(fd, "ab") if append else os.fdopen(fd, "wb")


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
