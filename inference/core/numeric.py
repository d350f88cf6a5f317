"""The two rules every reader of a user's numbers follows, so bad numbers are one line everywhere.

**Arrays** (motion values, ``eval --pred`` predictions, ``--flame-map`` matrices): :func:`real_array`.
The array must hold real numbers: a float, signed or unsigned integer dtype. Everything else is
refused by name before any cast: complex numbers (a cast would drop the imaginary part with a
``ComplexWarning``), true/false flags (``bool``: a mask or ``speaking`` saved in the wrong member;
nobody means "key True"), dates and time spans, text, bytes, records (structured or void dtypes) and
Python objects. Then every value must be finite and within the reader's bound (at most float32's
range, ``FLOAT32_MAX``), checked in the array's own dtype; only then is it cast, so a float64 ``1e48``
is "values reach 1e+48, beyond ±1000", never numpy's "overflow encountered in cast" and a false "NaN or Inf".

**Scalars** from JSON or the command line: :func:`finite_number`. Python integers are unbounded: a
400-digit integer is valid JSON and a valid ``argparse`` ``int``, and ``float()`` of it raises
``OverflowError``. Here it is simply "not a finite number", so each option refuses it in its own one
line (naming the option and its bounds), shown short by :func:`shown`.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

from .errors import DualTalkError

if TYPE_CHECKING:  # numpy is imported where arrays are read: the worker's first imports (request.py's
    import numpy as np  # number rule) must run in a Python without numpy, to say how to install it

FLOAT32_MAX = 3.4028234663852886e38  # float(np.finfo(np.float32).max)
REAL_KINDS = "fiu"  # float, signed and unsigned integer
_KIND_WORDS = {
    "b": "true/false flags",
    "c": "complex numbers",
    "M": "dates",
    "m": "time spans",
    "U": "text",
    "S": "bytes",
    "O": "Python objects",
    "V": "records",
}


def _dtype_words(dtype: np.dtype) -> str:
    word = "records" if dtype.fields is not None else _KIND_WORDS.get(dtype.kind, "non-numbers")
    text = str(dtype)
    return f"{word} (dtype {text if len(text) <= 40 else text[:37] + '...'})"


def check_real_dtype(array: np.ndarray, what: str) -> None:
    """Refuse an array whose dtype is not float, signed or unsigned integer, naming what it holds."""
    dtype = array.dtype
    if dtype.fields is not None or dtype.kind not in REAL_KINDS:
        raise DualTalkError(f"{what} must be real numbers (float or integer), not {_dtype_words(dtype)}")


def real_array(
    value: Any,
    what: str,
    *,
    limit: float = FLOAT32_MAX,
    dtype: type[np.floating[Any]] | None = None,
    why: str = "",
) -> np.ndarray:
    """``value`` as a contiguous ``dtype`` array after the array rule (see the module doc): real
    numeric dtype, finite, every value within ±``limit`` (never more than float32's range). ``what``
    names the array in the one-line refusal ("A.npz: motion values"); ``why`` follows the bound;
    ``dtype`` defaults to float32."""
    import numpy as np

    array = np.asarray(value)
    check_real_dtype(array, what)
    limit = min(float(limit), FLOAT32_MAX)
    if array.size:
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise DualTalkError(f"{what} contain NaN or Inf")
        # min and max in the array's own dtype: no cast that could overflow, no abs() of INT_MIN
        low, high = _as_float(array.min()), _as_float(array.max())
        peak = high if high >= -low else low
        if abs(peak) > limit:
            raise DualTalkError(f"{what} reach {peak:g}, beyond ±{limit:g}{why}")
    with np.errstate(all="ignore"):  # in range by now; nothing left to warn about
        return np.ascontiguousarray(array, dtype=np.float32 if dtype is None else dtype)


def _as_float(x: Any) -> float:
    """A numpy scalar as a Python float; a longdouble beyond float64 becomes ±inf (and is refused)."""
    import numpy as np

    with np.errstate(all="ignore"):
        return float(x)


def finite_number(value: object) -> float | None:
    """``value`` as a float when it is a real number (int or float, never bool) that is finite and
    fits in a float; else None. The scalar rule: a 400-digit JSON or CLI integer is None here, where
    ``float()`` would raise ``OverflowError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None


def shown(value: object, limit: int = 24) -> str:
    """A number as a one-line message shows it: 7 and 7.0 alike, a 400-digit integer cut with its
    length ("999999999999...(400 digits)"), never more than about ``limit`` characters."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
        try:
            text = str(number)
        except ValueError:  # beyond Python's 4,300-digit str() limit
            return f"an integer of about {int(number.bit_length() * math.log10(2)):,} digits"
        digits = len(text.lstrip("-"))
        return text if len(text) <= limit else f"{text[:12]}...({digits:,} digits)"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return f"{float(value):g}"
        except (OverflowError, ValueError, TypeError):
            return str(type(value).__name__)
    text = " ".join(str(value).split())  # one line, whatever the value holds
    return text if len(text) <= limit else text[: limit - 3] + "..."
