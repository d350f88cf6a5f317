"""FLAME <-> ARKit through the published linear map (ARKit weights -> FLAME expression + jaw).

The map released with the BEAT2 tools is a 51 x 103 matrix: rows are the first 51 ARKit
channels in :data:`~dualtalk.inference.core.channels.ARKIT52` order (``tongueOut`` has no row),
columns are FLAME's 100 expression coefficients followed by the 3 jaw axis-angle
components. We never ship it; the user points to their copy (``.npy``, ``.npz``, ``.json``,
``.csv``/``.txt``; a 103 x 51 matrix is accepted transposed).

FLAME -> ARKit inverts the map frame by frame under bounds [0, 1]: one bounded least-squares
problem per frame, all frames solved together by projected accelerated gradient with
restarts (numpy, no per-frame Python loop). Our FLAME motion has 50 expression
coefficients, so only columns 0..49 and 100..102 take part.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path

import numpy as np

from ...inference.core import safe_json
from ...inference.core.channels import ARKIT52
from ...inference.core.errors import DualTalkError
from ...inference.core.inputs import DAMAGED_ARRAY_FILE, check_input_file, npz_member_header
from ...inference.core.numeric import finite_number, real_array, shown
from ...inference.core.text_files import decode_text, text_lines

MAP_ROWS = 51
MAP_COLS = 103
USED_COLS = np.r_[0:50, 100:103]  # exp 0..49 + jaw xyz
JAW_OPEN_RAD = 0.35  # jaw pitch (rad) that counts as jawOpen = 1 in the map-less fallback
ARKIT51 = ARKIT52[:MAP_ROWS]


MAX_MAP_BYTES = 16 << 20  # the matrix is 51 x 103 numbers; a text file of it is well under 1 MB
MAX_MAP_VALUES = 1 << 20
# An entry is the FLAME coefficient (or jaw radians) that one unit of an ARKit weight adds: both sides
# are values of a few units at most, so a linear map between them has entries of that order. Beyond
# ±1000 (MAX_MOTION_VALUE) the converted motion could not be motion: the file is in other units,
# damaged, or not this map.
MAX_MAP_ENTRY = 1000.0
_MAP_BOUND = "; a FLAME/ARKit map's entries (FLAME units per unit of ARKit weight) stay far inside it"


def _npz_member_fits(data: np.lib.npyio.NpzFile, key: str) -> tuple[bool, tuple[int, ...]]:
    """(whether it fits a map, shape) from an npz member's header, read before numpy allocates it: at
    most :data:`MAX_MAP_VALUES` values of at most 8 bytes. A header that cannot be read (damaged, or a
    layout numpy never wrote) raises: the map is refused in one line, never read on trust (an unread
    .npy 3.0 header once let a 272-byte map ask for 4 TB)."""
    shape, dtype = npz_member_header(data, key)
    size = float(np.prod(shape, dtype=np.float64))
    return size <= MAX_MAP_VALUES and size * dtype.itemsize <= 8 * MAX_MAP_VALUES, shape


def _npz_matrix(data: np.lib.npyio.NpzFile, name: str) -> np.ndarray:
    """The first 2-D member of a map npz (``mat``, ``map``, ``matrix``, ``arkit2flame`` first) that
    declares at most :data:`MAX_MAP_VALUES` values; the line says when a larger one was passed over."""
    too_big = ""
    for key in dict.fromkeys(("mat", "map", "matrix", "arkit2flame", *data.files)):
        if key not in data.files:
            continue
        fits, shape = _npz_member_fits(data, key)
        if not fits:
            too_big = too_big or f" ({key} declares {shape} values, more than a FLAME/ARKit map holds)"
        elif data[key].ndim == 2:
            return data[key]
    raise DualTalkError(f"{name} holds no 2-D matrix{too_big}")


def _read_matrix(p: Path) -> np.ndarray:
    suffix = p.suffix.lower()
    try:
        if suffix == ".npy":
            # memory-mapped: a header declaring terabytes is refused by its shape, never allocated
            return np.load(p, allow_pickle=False, mmap_mode="r")
        if suffix == ".npz":
            # our own handle: np.load leaks the one it opens when the archive is damaged
            with open(p, "rb") as fh, np.load(fh, allow_pickle=False) as data:
                return _npz_matrix(data, p.name)
        # Excel, Notepad and PowerShell put a byte-order mark first or write UTF-16: read as meant
        text = decode_text(p.read_bytes(), f"the FLAME/ARKit map {p.name}", "text or JSON file")
        if suffix == ".json":
            obj = safe_json.loads(text, f"the FLAME/ARKit map {p.name}")
            if isinstance(obj, dict):
                obj = obj.get("matrix", obj.get("map"))
            return _json_matrix(obj, p.name)
        text, delimiter = _table_text(text, suffix)
        with warnings.catch_warnings():  # "input contained no data": check_map's one line says what is wrong
            warnings.simplefilter("ignore")
            matrix = np.loadtxt(io.StringIO(text), delimiter=delimiter, dtype=np.float64)
        if not np.isfinite(matrix).all():  # the text's "nan", "inf", or a number float64 cannot hold
            raise DualTalkError(
                f"{p.name}: contains NaN, Inf or a number too large for a float; "
                f"a FLAME/ARKit map holds finite values within ±{MAX_MAP_ENTRY:g}"
            )
        return matrix
    except DualTalkError:
        raise
    except MemoryError:  # within the bounds, but not free on this machine: not the audio's advice
        raise DualTalkError(f"not enough memory to read the FLAME/ARKit map {p.name}") from None
    except (
        ValueError,
        OSError,
        TypeError,
        json.JSONDecodeError,
        UnicodeDecodeError,
        *DAMAGED_ARRAY_FILE,
    ) as exc:
        raise DualTalkError(f"cannot read the FLAME/ARKit map {p.name}: {exc}") from None


def _table_text(text: str, suffix: str) -> tuple[str, str | None]:
    """A CSV or text table as numpy reads it, and its delimiter. Excel in a German, French or Italian
    locale saves CSV with ``;`` between values and a decimal comma (``0,76;1,2``): there a comma can only
    be the decimal mark, so it is read as one."""
    rows = [row for row in text_lines(text) if row.strip() and not row.lstrip().startswith("#")]
    if suffix == ".csv" and rows and all(";" in row for row in rows):
        return "\n".join(row.replace(",", ".") for row in rows), ";"
    return "\n".join(rows), "," if suffix == ".csv" else None


def _json_matrix(obj: object, name: str) -> np.ndarray:
    """A JSON matrix (lists of numbers) as an array; JSON's unbounded integers that no float holds,
    and null, text or true/false entries, are one line (the shared number rules of
    :mod:`~dualtalk.inference.core.numeric`), never numpy's silent conversion or OverflowError."""
    m = np.asarray(obj)  # ragged rows raise ValueError: "cannot read ..."
    if m.dtype == object and m.ndim == 2:  # a mix numpy could not type: every entry must be a number
        for x in m.reshape(-1):
            if finite_number(x) is None:
                words = (
                    "a number too large for a float"
                    if isinstance(x, int) and not isinstance(x, bool)
                    else "a non-number"
                )
                raise DualTalkError(
                    f"{name}: holds {words} ({shown(x)}); a FLAME/ARKit map holds numbers within ±{MAX_MAP_ENTRY:g}"
                )
        m = np.asarray(obj, dtype=np.float64)
    return m


def check_map(matrix: np.ndarray, name: str = "map") -> np.ndarray:
    """Validate shape and numbers (the shared array rule, entries within ±``MAX_MAP_ENTRY``);
    return a (51, 103) float64 matrix."""
    m = np.asarray(matrix)
    if m.ndim != 2:
        raise DualTalkError(f"{name}: expected a 51 x 103 matrix")
    if m.shape == (MAP_COLS, MAP_ROWS):
        m = m.T
    if m.shape != (MAP_ROWS, MAP_COLS):
        raise DualTalkError(
            f"{name}: expected a 51 x 103 ARKit->FLAME matrix, got {m.shape[0]} x {m.shape[1]}"
        )
    # a copy: never a view of the memory-mapped file (51 x 103 numbers)
    m = real_array(m, f"{name}: values", limit=MAX_MAP_ENTRY, dtype=np.float64, why=_MAP_BOUND).copy()
    if not np.abs(m[:, USED_COLS]).any():
        raise DualTalkError(f"{name}: is all zeros")
    return m


def load_arkit_flame_map(path: str | os.PathLike[str]) -> np.ndarray:
    """Load the user's ARKit->FLAME map file as a (51, 103) matrix."""
    p = check_input_file(path, "FLAME/ARKit map")
    if p.stat().st_size > MAX_MAP_BYTES:
        raise DualTalkError(
            f"FLAME/ARKit map {p.name} is larger than {MAX_MAP_BYTES >> 20} MiB; it holds 51 x 103 numbers"
        )
    return check_map(_read_matrix(p), p.name)


def arkit_to_flame(arkit: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """(T, >=51) ARKit weights -> (T, 53) FLAME [exp 0..49, jaw xyz]."""
    w = np.asarray(arkit, dtype=np.float64)[:, :MAP_ROWS]
    return (w @ matrix[:, USED_COLS]).astype(np.float32)


def flame_to_arkit(
    flame: np.ndarray,
    matrix: np.ndarray,
    *,
    max_iter: int = 2000,
    tol: float = 1e-6,
    ridge: float = 1e-6,
) -> tuple[np.ndarray, float]:
    """Solve min ||w M - f||^2, 0 <= w <= 1 for every frame at once.

    ``flame``: (T, 53) = [exp 0..49, jaw xyz]. Returns ((T, 52) ARKit weights with
    ``tongueOut`` = 0, relative residual). Accelerated projected gradient on the normal
    equations (G = M M^T is only 51 x 51, so each iteration is one (T, 51) x (51, 51)
    product), started from the clipped unconstrained solution; frames whose projected
    gradient vanishes (KKT) drop out, so easy frames cost nothing after the first check.
    """
    f = np.asarray(flame, dtype=np.float64)
    if f.ndim != 2 or f.shape[1] != len(USED_COLS):
        raise DualTalkError(f"expected FLAME frames (T, {len(USED_COLS)}), got {f.shape}")
    m = matrix[:, USED_COLS]  # (51, 53)
    g = m @ m.T + ridge * np.eye(MAP_ROWS)
    b = f @ m.T  # (T, 51)
    step = 1.0 / float(np.linalg.eigvalsh(g)[-1])
    w = np.clip(np.linalg.solve(g, b.T).T, 0.0, 1.0)
    active = np.arange(len(w))
    for _ in range(max_iter // 25 + 1):
        if not len(active):
            break
        w[active] = _fista(w[active], g, b[active], step, 25)
        # KKT check: the projected gradient vanishes at the optimum.
        wa = w[active]
        pg = wa - np.clip(wa - (wa @ g - b[active]), 0.0, 1.0)
        active = active[np.abs(pg).max(axis=1) > tol]
    out = np.zeros((len(w), len(ARKIT52)), dtype=np.float32)
    out[:, :MAP_ROWS] = w
    denom = float(np.linalg.norm(f)) or 1.0
    residual = float(np.linalg.norm(w @ m - f)) / denom
    return out, residual


def _fista(w: np.ndarray, g: np.ndarray, b: np.ndarray, step: float, iters: int) -> np.ndarray:
    """``iters`` accelerated projected-gradient steps with per-frame adaptive restart.

    One (n, 51) x (51, 51) product per step: ``y @ g`` is formed from the two last
    iterates' products because the momentum step is linear.
    """
    wg = w @ g
    y, yg = w, wg
    t = np.ones((len(w), 1))
    for _ in range(iters):
        w_next = np.clip(y - step * (yg - b), 0.0, 1.0)
        wg_next = w_next @ g
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        beta = (t - 1.0) / t_next
        # Restart momentum where it points uphill (gradient-based restart test).
        uphill = ((yg - b) * (w_next - w)).sum(axis=1, keepdims=True) > 0
        beta = np.where(uphill, 0.0, beta)
        t_next = np.where(uphill, 1.0, t_next)
        y = w_next + beta * (w_next - w)
        yg = wg_next + beta * (wg_next - wg)
        w, wg, t = w_next, wg_next, t_next
    return w


def flame_to_arkit_fallback(flame: np.ndarray) -> np.ndarray:
    """Without the map: jaw pitch -> jawOpen only (the caller warns the user)."""
    f = np.asarray(flame, dtype=np.float32)
    out = np.zeros((len(f), len(ARKIT52)), dtype=np.float32)
    out[:, ARKIT52.index("jawOpen")] = np.clip(f[:, 50] / JAW_OPEN_RAD, 0.0, 1.0)
    return out


def arkit_to_flame_fallback(arkit: np.ndarray) -> np.ndarray:
    """Without the map: jawOpen -> jaw pitch only (the caller warns the user)."""
    a = np.asarray(arkit, dtype=np.float32)
    out = np.zeros((len(a), len(USED_COLS)), dtype=np.float32)
    out[:, 50] = a[:, ARKIT52.index("jawOpen")] * JAW_OPEN_RAD
    return out
