"""Reading dialogue audio: any common file in, validated 16 kHz float32 out.

Everything the user hands us passes through :func:`read_channels`, so every refusal
(missing, empty, not audio, odd codec, NaN, too many channels, silent, bad range) is
one :class:`DualTalkError` with a one-line message, raised before anything is written.
"""

from __future__ import annotations

import contextlib
import logging
import math
import numbers
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..core.errors import DualTalkError
from ..core.inputs import check_input_file
from ..core.timebase import FPS, SAMPLE_RATE
from .polyphase import resample_poly

log = logging.getLogger("dualtalk.audio")

MIN_RATE = 8000
MAX_RATE = 96000
MAX_SECONDS = 4 * 60 * 60  # a take longer than four hours is almost certainly a mistake
SILENCE_PEAK = 10 ** (-80 / 20)  # below -80 dBFS peak we call a stream silent
MAX_PEAK = 1e3  # float audio may exceed full scale a little; a louder sample is not audio in [-1, 1]


@dataclass
class AudioInfo:
    """What the header says, before decoding anything."""

    path: Path
    samplerate: int
    channels: int
    frames: int
    format: str
    subtype: str
    # a header that leaves the length blank (a streamed FLAC) or says 0 (a WAV whose recorder never
    # closed it): the bytes that fill it in, patched in on every open
    header_patch: dict[int, int] | None = None
    # said once per read (read_channels): the header was wrong and how we read the file instead
    header_warning: str | None = None
    # where a cut-off file's audio really stops (seconds), once read_channels has met the cut; None
    # while the header's length holds (or the part read ends before the cut)
    stops_at: float | None = None
    # a cut-off WAV/RF64/W64/AIFF: the frames its bytes really hold (libsndfile counts only those, so
    # ``frames`` is set to its header's promise, as a cut-off FLAC's or MP3's is); None otherwise
    present_frames: int | None = None
    # a cut-off file whose header claims more than MAX_SECONDS (a recorder that died hours into a
    # session): the frames claimed, said in read_channels' warning but not taken as its length (hours
    # no one can animate in one take would refuse the file); None otherwise
    claimed_frames: int | None = None

    @property
    def duration(self) -> float:
        return self.frames / self.samplerate if self.samplerate else 0.0

    def source(self) -> str | bytes | _PatchedFile:
        """What to hand libsndfile: the path, or the file with its counted length filled in."""
        if self.header_patch is None:
            return _native(self.path)
        return _PatchedFile(self.path, self.header_patch)


def _native(path: Path) -> str | bytes:
    """The path as libsndfile should get it: bytes on POSIX, so a file name that is not valid UTF-8
    (an old Latin-1 archive) opens; soundfile would encode a str strictly and fail on it."""
    return str(path) if os.name == "nt" else os.fsencode(path)


class _PatchedFile:
    """A read-only view of a file with a few bytes replaced (never written to disk).

    A streamed FLAC (total samples 0 in STREAMINFO, as live encoders and crashed
    recorders write it) is legal, but libsndfile then reports an endless length and
    cannot seek. Serving the same bytes with the counted length makes it an ordinary file.
    A WAV whose data chunk says 0 bytes although audio follows (a recorder that crashed
    before patching its header) is served with the "unknown size" 0xFFFFFFFF instead,
    which libsndfile reads to the end of the file.
    """

    def __init__(self, path: Path, patch: dict[int, int]) -> None:
        self.name = str(path)
        self._fh = open(path, "rb")  # closed by close() or when dropped
        self._patch = patch

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def readinto(self, buf) -> int:
        pos = self._fh.tell()
        n = self._fh.readinto(buf)
        for off, value in self._patch.items():
            if pos <= off < pos + n:
                buf[off - pos : off - pos + 1] = bytes([value])
        return n

    def close(self) -> None:
        self._fh.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._fh.close()


_UNKNOWN_LENGTH = 1 << 62  # libsndfile reports SF_COUNT_MAX frames for a stream without a length


def _flac_total_offset(p: Path) -> int | None:
    """Byte offset of the 8 bytes holding STREAMINFO's sample rate .. total samples; None if not native FLAC."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(10)
            start = 0
            if head[:3] == b"ID3" and len(head) == 10:  # an ID3v2 tag may precede the stream
                size = 0
                for byte in head[6:10]:
                    size = (size << 7) | (byte & 0x7F)
                start = 10 + size + (10 if head[5] & 0x10 else 0)
            fh.seek(start)
            block = fh.read(8)
    except OSError:
        return None
    if len(block) < 8 or block[:4] != b"fLaC" or block[4] & 0x7F != 0:  # first block must be STREAMINFO
        return None
    return start + 8 + 10


def _count_frames(p: Path) -> int:
    """Decode a stream without a length to its end, counting frames (no seeking, one block of memory)."""
    import soundfile as sf
    from soundfile import _ffi, _snd

    with sf.SoundFile(_native(p)) as fh:
        block = 1 << 16
        buf = np.empty((block, fh.channels), dtype=np.float32)
        ptr = _ffi.cast("float *", buf.ctypes.data)
        total = 0
        while (got := int(_snd.sf_readf_float(fh._file, ptr, block))) > 0:
            total += got
    return total


def _streamed_flac_patch(p: Path) -> tuple[int, dict[int, int]] | None:
    """For a FLAC whose header leaves the length blank: (counted frames, bytes that fill it in)."""
    off = _flac_total_offset(p)
    if off is None:
        return None
    with open(p, "rb") as fh:
        fh.seek(off)
        field_ = int.from_bytes(fh.read(8), "big")
    mask = (1 << 36) - 1
    if field_ & mask:
        return None  # the header has a length; libsndfile's answer stands
    frames = _count_frames(p)
    if frames <= 0 or frames > mask:
        return None
    value = (field_ | frames).to_bytes(8, "big")
    return frames, {off + i: b for i, b in enumerate(value)}


def _looks_like_chunk(head: bytes, room: int, big: bool = False) -> bool:
    """Whether ``head`` starts a RIFF chunk (four printable ASCII bytes, a size that fits in ``room``)."""
    return (
        len(head) >= 8
        and all(0x20 <= c <= 0x7E for c in head[:4])
        and int.from_bytes(head[4:8], "big" if big else "little") + 8 <= room
    )


def _chunks(fh: Any, order: Literal["little", "big"]) -> Iterator[tuple[int, bytes, int]]:
    """(offset, name, size) of each chunk of a RIFF-style file (WAV, RF64, AIFF) after its 12-byte
    header, as the headers say them; ``fh`` is left just after each chunk's 8-byte header."""
    i = 12
    for _ in range(1000):  # such a file has a handful of chunks before its audio
        fh.seek(i)
        chunk = fh.read(8)
        if len(chunk) < 8:
            return
        n = int.from_bytes(chunk[4:8], order)
        yield i, chunk[:4], n
        i += 8 + n + (n & 1)


def _wav_zero_data_patch(p: Path) -> dict[int, int] | None:
    """For a RIFF/RIFX WAVE whose data chunk says 0 bytes but which has audio after it (a recorder
    that crashed before patching its header): bytes that set the size to 0xFFFFFFFF ("unknown",
    read to the end of the file). None for any other file, and for a truly empty WAV (nothing after
    the data chunk's header, or only another chunk, e.g. a LIST tag)."""
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(12)
            if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
                return None
            big = head[:4] == b"RIFX"
            for i, name, n in _chunks(fh, "big" if big else "little"):
                if name == b"data":
                    if n != 0 or size - (i + 8) <= 0:
                        return None
                    if _looks_like_chunk(fh.read(8), size - (i + 8), big):
                        return None  # an empty data chunk followed by another chunk: truly empty
                    return {i + 4 + k: 0xFF for k in range(4)}
    except OSError:
        return None
    return None


_PLACEHOLDER_32 = 0x7F000000  # a 32-bit size this large may be what a writer that could not seek back
# leaves in the header (sox: 0x7FFFF000, ffmpeg: 0xFFFFFFFF): "length unknown", never believed as a length
_UNKNOWN_SLACK = 1 << 20  # those writers' sizes sit just under 2**31 or 2**32: within this, no claim at all
_PLACEHOLDER_64 = 1 << 62  # the same for RF64/W64's 64-bit sizes (ffmpeg: 0x7FFF...)
_FRAME_BYTES = {"PCM_S8": 1, "PCM_U8": 1, "PCM_16": 2, "PCM_24": 3, "PCM_32": 4, "FLOAT": 4, "DOUBLE": 8,
                "ULAW": 1, "ALAW": 1}  # fmt: skip
_W64_TAIL = bytes.fromhex("f3acd3118cd100c04f8edb8a")  # W64's chunk GUIDs: the name, then these 12 bytes


def _riff_data(fh) -> tuple[int, int, int] | None:
    """A RIFF/RIFX/RF64/BW64 WAVE's (audio start, data size, file end) as its header says them."""
    head = fh.read(12)
    if len(head) < 12 or head[8:12] != b"WAVE":
        return None
    order: Literal["little", "big"] = "big" if head[:4] == b"RIFX" else "little"
    wide = head[:4] in (b"RF64", b"BW64")
    end = int.from_bytes(head[4:8], order) + 8
    wide_data = None
    for i, name, n in _chunks(fh, order):
        if name == b"ds64" and wide:  # RF64: the real sizes, 64-bit, in the first chunk
            body = fh.read(16)
            if len(body) < 16:
                return None
            end, wide_data = int.from_bytes(body[:8], "little") + 8, int.from_bytes(body[8:], "little")
        if name == b"data":
            if wide and n == 0xFFFFFFFF and wide_data is not None:
                return (i + 8, wide_data, end) if wide_data < _PLACEHOLDER_64 else None
            return (i + 8, n, end) if not _unknown_32(n) else None
    return None


def _unknown_32(n: int) -> bool:
    """Whether a 32-bit size is a streaming writer's "length unknown" (just under 2**31 or 2**32).
    A size between :data:`_PLACEHOLDER_32` and those is a claim of hours (10 h of 16 kHz stereo),
    said when the bytes stop short but never taken as the length (:func:`audio_info`)."""
    return any(0 <= top - n <= _UNKNOWN_SLACK for top in (1 << 31, 1 << 32))


def _w64_data(fh) -> tuple[int, int, int] | None:
    """A Sony Wave64's (audio start, data size, file end): 16-byte GUIDs, 64-bit sizes that count their header."""
    head = fh.read(40)
    if len(head) < 40 or head[24:40] != b"wave" + _W64_TAIL:
        return None
    end = int.from_bytes(head[16:24], "little")
    i = 40
    for _ in range(1000):
        fh.seek(i)
        chunk = fh.read(24)
        n = int.from_bytes(chunk[16:24], "little")
        if len(chunk) < 24 or n < 24:
            return None
        if chunk[:16] == b"data" + _W64_TAIL:
            return (i + 24, n - 24, end) if n < _PLACEHOLDER_64 else None
        i += (n + 7) // 8 * 8
    return None


def _aiff_data(fh) -> tuple[int, int, int] | None:
    """An AIFF/AIFF-C's (audio start, data size, file end): big-endian chunks, the audio in SSND after an offset."""
    head = fh.read(12)
    if len(head) < 12 or head[8:12] not in (b"AIFF", b"AIFC"):
        return None
    end = int.from_bytes(head[4:8], "big") + 8
    for i, name, n in _chunks(fh, "big"):
        if name == b"SSND":
            offset = fh.read(8)
            skip = int.from_bytes(offset[:4], "big") if len(offset) == 8 else 0
            return (i + 16 + skip, n - 8 - skip, end) if not _unknown_32(n) else None
    return None


_DATA_CHUNK = {b"RIFF": _riff_data, b"RIFX": _riff_data, b"RF64": _riff_data, b"BW64": _riff_data,
               b"riff": _w64_data, b"FORM": _aiff_data}  # fmt: skip


def _promised_frames(ai: AudioInfo) -> int | None:
    """How many frames a cut-off WAV/RF64/W64/AIFF's header promises, where its bytes hold fewer.

    libsndfile counts only the frames whose bytes are there, so a copy cut short reads as a
    shorter file without a word. None when the file is whole (a file longer than its data chunk,
    e.g. a LIST tag after it, is whole), when the size is a streaming writer's "unknown", when the
    RIFF/FORM size does not promise the same, or when our count of the bytes there differs from
    libsndfile's (a layout we do not know: its count stands)."""
    width = _FRAME_BYTES.get(ai.subtype)
    if width is None:  # a compressed codec: its bytes per frame vary
        return None
    try:
        size = ai.path.stat().st_size
        with open(ai.path, "rb") as fh:
            parse = _DATA_CHUNK.get(fh.read(4))
            fh.seek(0)
            found = parse(fh) if parse is not None else None
    except OSError:
        return None
    if found is None:
        return None
    start, declared, end = found
    block = width * ai.channels
    if start + declared <= size or end < start + declared:
        return None
    if max(0, size - start) // block != ai.frames:
        return None
    promised = declared // block
    if promised - ai.frames <= ai.samplerate / FPS:
        return None  # a cut shorter than a video frame changes nothing
    return promised


def _check_path(path: str | os.PathLike[str]) -> Path:
    if path is None or str(path) == "":
        raise DualTalkError("no audio file given")
    return check_input_file(path, "audio file")


def _libsndfile_reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    # soundfile prefixes the path; keep only libsndfile's own words
    reason = text.split(": ", 1)[-1] if ": " in text else text
    if "does not exist" in reason or "not a regular file" in reason:
        reason = "damaged or unsupported data"  # libsndfile's words for a file it could open but not parse
    return reason


@contextlib.contextmanager
def _quiet_decoder() -> Iterator[None]:
    """Keep libmpg123's "Note:/Warning:" chatter about damaged MP3s off the user's stderr.

    Our own one-line error is the message; the decoder's notes would bury it.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_WAV_CODECS = {0x0002: "MS ADPCM", 0x0011: "IMA ADPCM", 0x0031: "GSM 6.10", 0x0050: "MPEG", 0x0055: "MP3",
               0x0161: "WMA", 0x2000: "AC-3"}  # fmt: skip


def _wav_format_tag(p: Path) -> int | None:
    """The codec tag of a RIFF/WAVE file whose fmt chunk we can find, else None."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        return None
    i = 12
    while i + 8 <= len(head):
        cid, size = head[i : i + 4], int.from_bytes(head[i + 4 : i + 8], "little")
        if cid == b"fmt " and i + 10 <= len(head):
            return int.from_bytes(head[i + 8 : i + 10], "little")
        i += 8 + size + (size & 1)
    return None


def _container(p: Path) -> str | None:
    """What a file libsndfile cannot open is, from its first bytes, when it is a video or audio
    container (a screen or phone recording): the user then learns to extract the sound."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if head[4:8] == b"ftyp":
        return "an MP4/MOV/M4A file (video, or AAC audio)"
    if head[:4] == b"\x1aE\xdf\xa3":
        return "a Matroska/WebM file"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "an AVI video"
    if head[:8] == b"0&\xb2u\x8ef\xcf\x11":
        return "a WMA/WMV (ASF) file"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "raw AAC audio"
    return None


def audio_info(path: str | os.PathLike[str]) -> AudioInfo:
    """Open the header and validate rate, channels and length."""
    import soundfile as sf

    p = _check_path(path)
    try:
        with _quiet_decoder():
            info = sf.info(_native(p))
    except Exception as exc:  # soundfile raises LibsndfileError / RuntimeError / TypeError
        reason = _libsndfile_reason(exc)
        low = reason.lower()
        tag = _wav_format_tag(p)
        if tag in (0x0001, 0x0003, 0xFFFE):  # plain PCM/float: the codec is fine, the file is not
            raise DualTalkError(
                f"{p.name} is not a readable audio file (a damaged or truncated WAV: {reason}); "
                "re-export or copy it again"
            ) from None
        if tag is not None:
            raise DualTalkError(
                f"{p.name}: unreadable audio codec (WAV format tag 0x{tag:04X}"
                f"{' ' + _WAV_CODECS[tag] if tag in _WAV_CODECS else ''}: {reason}); re-export as PCM WAV or FLAC"
            ) from None
        kind = _container(p)
        if kind is not None:
            raise DualTalkError(
                f"{p.name} is {kind}, which DualTalk cannot decode; save its sound as WAV or FLAC first "
                f"(e.g. ffmpeg -i {p.name} -vn {p.stem}.wav)"
            ) from None
        if "unsupported" in low or "codec" in low or "encoding" in low or "not supported" in low:
            raise DualTalkError(f"{p.name}: unreadable audio codec ({reason})") from None
        raise DualTalkError(
            f"{p.name} is not a readable audio file ({reason}); use WAV, FLAC, OGG/Vorbis or MP3"
        ) from None
    ai = AudioInfo(p, int(info.samplerate), int(info.channels), int(info.frames), info.format, info.subtype)
    if ai.frames >= _UNKNOWN_LENGTH and ai.format == "FLAC":
        try:
            counted = _streamed_flac_patch(p)
        except Exception as exc:  # a damaged stream: libsndfile's words
            raise DualTalkError(
                f"{p.name} is a FLAC stream without a length that could not be read ({_libsndfile_reason(exc)})"
            ) from None
        if counted is None:
            raise DualTalkError(f"{p.name} is a FLAC stream without a length; re-encode it with flac or sox")
        ai.frames, ai.header_patch = counted
    elif ai.frames >= _UNKNOWN_LENGTH:
        raise DualTalkError(
            f"{p.name} does not say how long it is ({ai.format} stream); convert it to WAV or FLAC"
        )
    if ai.channels < 1:
        raise DualTalkError(f"{p.name} has no audio channels")
    if ai.channels > 2:
        raise DualTalkError(
            f"{p.name} has {ai.channels} channels; give mono or stereo (1-2 channels), "
            "or one file per speaker with --audio/--audio-b"
        )
    if not MIN_RATE <= ai.samplerate <= MAX_RATE:
        raise DualTalkError(f"{p.name} has sample rate {ai.samplerate} Hz; supported are 8000-96000 Hz")
    if ai.frames == 0 and ai.format in ("WAV", "WAVEX"):
        _read_past_zero_size(ai)
    promised = _promised_frames(ai) if ai.header_patch is None and ai.frames > 0 else None
    wide = ai.format in ("RF64", "W64")  # 64-bit sizes: a large one is a real length
    if promised is not None and (
        promised > MAX_SECONDS * ai.samplerate
        or (not wide and promised * _FRAME_BYTES[ai.subtype] * ai.channels >= _PLACEHOLDER_32)
    ):
        ai.claimed_frames = promised  # hours more: not a length to plan a take by, but still said
    elif promised is not None:  # read as a cut-off FLAC is: to the cut, then a warning that says where
        ai.present_frames, ai.frames = ai.frames, promised
    if ai.frames <= 0:
        raise DualTalkError(f"{p.name} contains no audio samples (zero length)")
    return ai


def _read_past_zero_size(ai: AudioInfo) -> None:
    """A WAV whose header says its data chunk is empty although audio follows it is read to the end
    of the file (as libsndfile reads one whose size says "unknown"), with a warning; a truly empty
    WAV keeps ``frames == 0``."""
    import soundfile as sf

    patch = _wav_zero_data_patch(ai.path)
    if patch is None:
        return
    try:
        with sf.SoundFile(_PatchedFile(ai.path, patch)) as fh:
            frames = int(fh.frames)
    except Exception:  # the bytes after the header are not this codec's audio: it stays empty
        return
    if not 0 < frames < _UNKNOWN_LENGTH:
        return
    ai.frames, ai.header_patch = frames, patch
    ai.header_warning = (
        f"{ai.path.name}: its WAV header says it holds no audio, but {ai.duration:.2f} s follow the header "
        "(a recording that was not closed properly, e.g. the recorder crashed); reading them to the end of the file"
    )


def _seconds(value: object, flag: str) -> float:
    """A time given from Python as a number, in the words :class:`~..core.request.Request` uses:
    ``load_speech(path, start="abc")`` escaped as float()'s ValueError, and ``start="1"`` was read as
    1.0 where ``Request(start="1")`` is refused (review rv38c, finding 7)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        shown = (
            repr(value if len(value) <= 22 else value[:19] + "...") if isinstance(value, str) else str(value)
        )
        raise DualTalkError(f"{flag} must be a number, got {shown[:40]}")
    try:
        return float(value)
    except OverflowError:  # an integer past float's range: refused below as not finite
        return math.inf


def check_range(
    duration: float, start: float | None, end: float | None, name: str = "audio"
) -> tuple[float, float]:
    """Validate ``--start/--end`` against a duration; return the (start, end) pair in seconds."""
    s = 0.0 if start is None else _seconds(start, "--start")
    e = duration if end is None else _seconds(end, "--end")
    if not math.isfinite(s) or not math.isfinite(e):
        raise DualTalkError("--start/--end must be finite numbers of seconds")
    if s < 0:
        raise DualTalkError(f"--start must be 0 or more seconds, got {s:g}")
    if s >= duration:
        raise DualTalkError(f"--start {s:g} s is at or past the end of {name} ({duration:.2f} s)")
    if e <= s:
        raise DualTalkError(f"--end ({e:g} s) must be after --start ({s:g} s)")
    if e > duration + 1.0 / FPS:
        raise DualTalkError(f"--end {e:g} s is past the end of {name} ({duration:.2f} s)")
    e = min(e, duration)
    # The length limit applies to what will be animated, so the advice to pick a part works.
    if e - s > MAX_SECONDS:
        what = f"{name} is" if start is None and end is None else "the chosen range is"
        raise DualTalkError(
            f"{what} {(e - s) / 3600:.1f} h long; pick a part of at most 4 h with --start/--end"
        )
    return s, e


def resample(x: np.ndarray, sr_in: int, sr_out: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling along the last axis (exact rational ratio): scipy's ``resample_poly``
    (:mod:`.polyphase`), without importing ``scipy.signal`` at every start."""
    if sr_in == sr_out:
        return np.asarray(x, dtype=np.float32)
    ratio = Fraction(sr_out, sr_in)
    y = resample_poly(np.asarray(x, dtype=np.float64), ratio.numerator, ratio.denominator)
    return y.astype(np.float32)


PREROLL_S = 0.1  # decoded beyond each end of a range: far more than the resampler's reach
DECODE_BLOCK_S = 30.0  # streamed decoding: seconds read and resampled at a time
MEMORY_SHARE = 0.5  # refuse a decode that would need more than this share of the free memory
_BYTES_PER_OUTPUT_SAMPLE = (
    4 * 6
)  # float32 result plus the copies later stages make (mono, A/B, VAD, features)
_STREAMS = 2  # every take becomes A's and B's stream, a mono mix too (split by turns or --diarize)


def available_memory() -> int | None:
    """Bytes of memory the system can still give us (Linux ``MemAvailable``); None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(name: str, seconds: float, channels: int) -> None:
    """Refuse, before decoding, a range too long for the free memory (a size message, never an OOM crash).

    The cost is the take's, not the file's: a mono mix is split into two streams, so it is
    counted as two channels (measured peak: about 60 bytes per 16 kHz sample for either)."""
    need = int(seconds * SAMPLE_RATE) * max(channels, _STREAMS) * _BYTES_PER_OUTPUT_SAMPLE
    free = available_memory()
    if free is not None and need > free * MEMORY_SHARE:
        raise DualTalkError(
            f"{name}: {seconds / 3600:.1f} h of audio needs about {need / 2**30:.1f} GiB of memory to process, "
            f"but only {free / 2**30:.1f} GiB is free; pick a part with --start/--end"
        )


class _Reader:
    """Frames ``[a, b)`` (``b <= end``) of an open SoundFile, for non-decreasing ``a``; exact where a bare seek is not.

    libsndfile lands a few hundred to a thousand samples off when seeking into the last
    Ogg page, and MP3 needs ~60 ms (more at low rates) of decoding after a seek before
    its output matches a straight decode. So for those formats we seek well before the
    target and decode forward; overlapping reads are served from a small buffer.
    """

    # an Ogg page holds at most 255 packets of at most 2048 samples; MP3's bit reservoir reaches back < 0.5 s
    BACKOFF = {"OGG": 255 * 2048}
    BACKOFF_S = {"MP3": 0.5}

    def __init__(self, fh, end: int) -> None:
        self.fh = fh
        fmt = str(getattr(fh, "format", "")).upper()
        self.backoff = self.BACKOFF.get(fmt, 0) + int(self.BACKOFF_S.get(fmt, 0.0) * fh.samplerate)
        # libsndfile 1.2's MPEG-2/2.5 (<= 24 kHz) MP3 path returns garbage on every read call after
        # the first; such files are decoded from the start in one call up to ``end``.
        self.single = fmt == "MP3" and fh.samplerate <= 24000
        self.end = end
        self.buf: np.ndarray | None = None
        self.buf_start = 0
        self.at = 0  # the decoder's frame position
        # libsndfile 1.2 decodes some MP3s differently when a stretch is read in several calls,
        # so MP3 keeps one call per stretch (and a damaged one fails as a whole)
        self.piece = self.PIECE if fmt != "MP3" else 1 << 62
        self.stopped = False  # the decoder failed past the start: the file ends there

    PIECE = 1 << 16  # frames per decoder call
    SMALL_PIECE = 1024  # after a failure that stretch is retried in small steps: the audio before it is kept

    def _decode(self, n: int) -> np.ndarray:
        """Up to ``n`` frames from the current position. A decoder error past the start (a cut-off
        FLAC "loses sync" at the cut) ends the file there, as a cut-off WAV ends at its last byte;
        an error at the very start is the file's real problem and is raised."""
        out = np.empty((max(0, n), self.fh.channels), dtype=np.float32)
        pos = 0
        while pos < n and not self.stopped:
            try:
                got = len(self.fh.read(out=out[pos : pos + min(n - pos, self.piece)]))
            except RuntimeError:  # soundfile's LibsndfileError
                if self.piece > self.PIECE:
                    raise
                if self.piece > self.SMALL_PIECE:
                    self.piece = self.SMALL_PIECE
                    self._seek(self.at)
                    continue
                if self.at == 0:
                    raise
                self.stopped = True
                break
            if got == 0:
                break
            pos += got
            self.at += got
        return out[:pos]

    def _seek(self, target: int) -> None:
        if not self.fh.seekable():  # GSM 6.10 in WAV: libsndfile decodes it but cannot seek
            if target < self.at:
                raise DualTalkError("this file's audio codec cannot seek back; convert it to WAV or FLAC")
            while self.at < target and len(self._decode(min(target - self.at, 1 << 20))):
                pass
            return
        try:
            self.fh.seek(target)
        except RuntimeError:  # libsndfile cannot seek past a cut: the audio ends before target
            if target == 0:
                raise
            self.stopped = True
        self.at = target

    def read(self, a: int, b: int) -> np.ndarray:
        if self.single:
            if self.buf is None:
                self.fh.seek(0)
                self.buf = self.fh.read(frames=self.end, dtype="float32", always_2d=True)
            return self.buf[a:b]
        buf = self.buf
        if buf is None or not self.buf_start <= a <= self.buf_start + len(buf):
            target = max(0, a - self.backoff)
            self._seek(target)
            while target < a:  # decode forward and drop, a block at a time
                got = len(self._decode(min(a - target, 1 << 20)))
                if got == 0:
                    break
                target += got
            buf = np.zeros((0, self.fh.channels), dtype=np.float32)
            self.buf_start = a
        have = self.buf_start + len(buf)
        if b > have:
            more = self._decode(b - have)
            buf = np.concatenate([buf, more]) if len(buf) else more
        out = buf[a - self.buf_start : b - self.buf_start]
        self.buf, self.buf_start = buf[a - self.buf_start :], a
        return out


def _read_resampled(fh, f0: int, f1: int, sr: int, name: str) -> np.ndarray:
    """Decode frames [f0, f1) block by block, resampling each with overlap so the seams are exact.

    Peak memory is the (C, N) 16 kHz result plus one block, instead of the whole take
    at its native rate in float64.
    """
    reader = _Reader(fh, f1)
    total = f1 - f0
    if sr == SAMPLE_RATE or total <= int(DECODE_BLOCK_S * sr) * 2:
        data = reader.read(f0, f1)
        _check_finite(data, name)
        return resample(np.ascontiguousarray(data.T), sr)
    ratio = Fraction(SAMPLE_RATE, sr)
    up, down = ratio.numerator, ratio.denominator
    block = max(down, int(DECODE_BLOCK_S * sr) // down * down)  # a multiple of `down`: whole output samples
    pad = down * math.ceil(2048 / down)  # far wider than the polyphase filter's reach
    n_out = math.ceil(total * up / down)
    out: np.ndarray | None = None
    pos = 0
    while pos < total:
        a, b = max(0, pos - pad), min(total, pos + block + pad)
        data = reader.read(f0 + a, f0 + b)
        _check_finite(data, name)
        y = resample(np.ascontiguousarray(data.T), sr)
        if out is None:
            out = np.empty((y.shape[0], n_out), dtype=np.float32)
        o0 = pos * up // down
        o1 = min(n_out, (pos + block) * up // down) if pos + block < total else n_out
        skip = (pos - a) * up // down
        piece = y[:, skip : skip + (o1 - o0)]
        out[:, o0 : o0 + piece.shape[1]] = piece
        if piece.shape[1] < o1 - o0:  # the file ended early (header claimed more)
            out = out[:, : o0 + piece.shape[1]]
            break
        pos += block
    return out if out is not None else np.zeros((1, 0), dtype=np.float32)


def _check_finite(data: np.ndarray, name: str) -> None:
    if not np.isfinite(data).all():
        bad = int((~np.isfinite(data)).sum())
        raise DualTalkError(f"{Path(name).name} contains {bad} NaN or Inf samples; re-export the audio")


def window_samples(start: float, end: float) -> tuple[int, int]:
    """The 16 kHz samples [first, last) that the part ``start..end`` (seconds) is cut to: the start
    rounded, the end rounded up, as :func:`read_channels` cuts it (the add-on counts a take's frames
    from the headers with the same rule)."""
    return int(round(start * SAMPLE_RATE)), int(math.ceil(end * SAMPLE_RATE - 1e-6))


def read_channels(
    path: str | os.PathLike[str],
    *,
    start: float | None = None,
    end: float | None = None,
    allow_short: bool = False,
) -> tuple[np.ndarray, AudioInfo]:
    """Decode ``path`` to a (C, N) float32 array at 16 kHz, C in {1, 2}.

    Only the ``[start, end)`` seconds are decoded, block by block, so long takes stay
    cheap; a range too long for the free memory is refused before decoding. Refuses
    NaN/Inf samples. Silence is *not* refused here (a silent partner is fine);
    :func:`load_dialogue` decides about whole-input silence. A cut-off file whose audio
    stops before its header says is read as far as it goes, but a ``start``/``end`` past
    its real end is refused (``allow_short``: return what is there, for a partner's file
    that may end early). The returned info's ``stops_at`` then says where the audio really
    stops, for the caller to record instead of the header's length.
    """
    import soundfile as sf

    info = audio_info(path)
    s, e = check_range(info.duration, start, end, info.path.name)
    sr = info.samplerate
    f0 = int(round(s * sr))
    f1 = min(info.frames, int(round(e * sr)))
    there = info.frames if info.present_frames is None else info.present_frames  # a cut-off WAV: to the cut
    check_memory(info.path.name, max(0, min(f1, there) - f0) / sr, info.channels)
    # Decode a little beyond both ends and cut at 16 kHz sample boundaries, so a --start/--end
    # part equals the same samples of a whole-file decode (no resampler edge transients).
    # r0 sits on the resampling grid: a multiple of `down`.
    down = sr // math.gcd(sr, SAMPLE_RATE)
    margin = int(PREROLL_S * sr)
    s16, e16 = window_samples(s, e)
    r0 = max(0, (s16 * sr // SAMPLE_RATE - margin) // down * down)
    r1 = max(r0, min(there, f1 + margin))
    try:
        quiet = _quiet_decoder() if info.format == "MP3" else contextlib.nullcontext()
        with quiet, sf.SoundFile(info.source()) as fh:
            x = _read_resampled(fh, r0, r1, sr, info.path.name)
        off = s16 - r0 * SAMPLE_RATE // sr
        x = x[:, off : off + (e16 - s16)]
    except DualTalkError:
        raise
    except MemoryError:
        raise DualTalkError(
            f"{info.path.name}: not enough memory to decode {(f1 - f0) / info.samplerate / 3600:.1f} h of audio; "
            "pick a part with --start/--end"
        ) from None
    except Exception as exc:
        raise DualTalkError(f"{info.path.name}: could not decode audio ({_libsndfile_reason(exc)})") from None
    if info.header_warning is not None:
        log.warning("%s", info.header_warning)
    if x.shape[1] < e16 - s16:  # the audio stops before the part asked for: a cut-off file
        info.stops_at = s + x.shape[1] / SAMPLE_RATE
    _check_cut_off(x.shape[1], e16 - s16, info, s, start, end, allow_short)
    if info.claimed_frames is not None and f1 >= info.frames and x.size:  # read up to where it stops
        why = cut_off_why(info.duration, info.claimed_frames / sr, s)
        log.warning(
            "%s: %s; animating the %.2f s that are there", info.path.name, why, x.shape[1] / SAMPLE_RATE
        )
    if x.size == 0:
        if allow_short:
            return x, info
        raise DualTalkError(f"{info.path.name} contains no audio samples in the chosen range")
    # Float files may exceed full scale; resampling can overshoot a little. Keep values sane.
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak > MAX_PEAK:
        raise DualTalkError(
            f"{info.path.name} has samples of magnitude {peak:.3g}; expected audio in [-1, 1]"
        )
    return x, info


def cut_off_why(stops_at: float, header_s: float, start: float = 0.0) -> str:
    """Why a cut-off file gives less than asked: where its audio really stops (``stops_at``
    seconds; at ``start`` or before, none of the part is there) against its header's length."""
    stops = f"at {stops_at:.2f} s" if stops_at > start else f"before {start:.2f} s"
    return (
        f"its audio stops {stops} although its header says {header_s:.2f} s "
        "(a cut-off or damaged file; re-export or copy it again)"
    )


def check_window(paths: Sequence[str | os.PathLike[str] | None], start: float, end: float, need: str) -> None:
    """A re-generated range (``animate --range``, the add-on's Re-generate Preview Range) re-runs the
    engine on ``start..end`` s of the take's recording: refuse, naming the range (``need``, e.g.
    "--range 100-110"), a recording that does not reach that far: a shorter file than the take's,
    or a cut-off copy, whose header keeps the whole length (only decoding the window shows where
    it stops), instead of blaming an --end nobody typed."""
    for path in paths:
        if path is None:
            continue
        info = audio_info(path)
        lead = f"{need} needs {info.path.name} from {start:.2f} to {end:.2f} s, but"
        if start >= info.duration or end > info.duration + 0.02:  # a resampling sample of slack
            raise DualTalkError(
                f"{lead} it is {info.duration:.2f} s long; re-generate a range with the recording the take "
                "was made from"
            )
        if info.claimed_frames is not None:  # its duration is where its audio stops: checked above
            continue
        _x, read = read_channels(path, start=start, end=min(end, info.duration), allow_short=True)
        if read.stops_at is not None and read.stops_at < end - 0.02:
            raise DualTalkError(f"{lead} {cut_off_why(read.stops_at, info.duration, start)}")


def _check_cut_off(
    got: int, want: int, info: AudioInfo, s: float, start: float | None, end: float | None, allow_short: bool
) -> None:
    """A file whose audio stops before its header's length (a cut-off download: an MP3's header
    keeps the full length) would silently give a shorter part than asked; say where it stops."""
    if allow_short or want - got <= SAMPLE_RATE / FPS:
        return
    why = cut_off_why(s + got / SAMPLE_RATE, info.duration, s)
    name = info.path.name
    if got == 0 and start is not None:
        raise DualTalkError(f"--start {s:g} s is past the end of {name}: {why}")
    if end is not None:
        raise DualTalkError(f"--end {float(end):g} s is past the end of {name}: {why}")
    log.warning("%s: %s; animating the %.2f s that are there", name, why, got / SAMPLE_RATE)


def load_speech(
    path: str | os.PathLike[str], *, start: float | None = None, end: float | None = None
) -> np.ndarray:
    """One mono 16 kHz float32 stream in [-1, 1] (stereo files are averaged): ``(N,)`` samples,
    ``N / 16000`` seconds. ``start``/``end`` are seconds into the file (None: its start / end), given
    as numbers (text such as ``"1"`` is refused, as :class:`~..core.request.Request` refuses it)."""
    x, _info = read_channels(path, start=start, end=end)
    return x.mean(axis=0).astype(np.float32) if x.shape[0] > 1 else x[0]


def is_silent(x: np.ndarray) -> bool:
    return x.size == 0 or float(np.abs(x).max()) < SILENCE_PEAK
