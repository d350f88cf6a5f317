"""Phones -> ARKit mouth animation, with coarticulation.

Each phone maps to a viseme class; each class is a small set of ARKit blendshape
weights (jaw opening, lip rounding, closure...). Real mouths never hit every target:
neighbouring phones pull on each other and lips move ahead of the sound. We render
that with dominance functions (after Cohen & Massaro): every phone's target is blended
in with a weight that peaks at the phone's centre and decays exponentially away from
it; bilabial closures and labiodentals get high dominance so /p b m f v/ still close
the lips, while schwas and /h/ are weak and borrow their shape from the neighbours.
The whole curve is shifted ~40 ms early because the mouth moves before we hear it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..audio.tts import Phone
from ..core.channels import ARKIT52, ARKIT55
from .ipa import ipa_classes

IDX = {n: i for i, n in enumerate(ARKIT55)}


def _both(name: str, w: float) -> dict[str, float]:
    return {f"{name}Left": w, f"{name}Right": w}


# class -> (ARKit weights, dominance strength, decay time constant in seconds)
VISEMES: dict[str, tuple[dict[str, float], float, float]] = {
    "sil": ({}, 0.6, 0.08),
    "PBM": (
        {"mouthClose": 0.55, "jawOpen": 0.04, "mouthRollLower": 0.15, **_both("mouthPress", 0.35)},
        3.0,
        0.045,
    ),
    "FV": (
        {"mouthRollLower": 0.55, "jawOpen": 0.08, **_both("mouthUpperUp", 0.2), "mouthClose": 0.15},
        2.5,
        0.045,
    ),
    "TH": ({"jawOpen": 0.14, "tongueOut": 0.35, **_both("mouthStretch", 0.08)}, 1.5, 0.05),
    "DTN": ({"jawOpen": 0.14, **_both("mouthStretch", 0.1), **_both("mouthLowerDown", 0.08)}, 0.9, 0.05),
    "L": ({"jawOpen": 0.2, **_both("mouthLowerDown", 0.1)}, 0.8, 0.05),
    "SZ": (
        {"jawOpen": 0.07, **_both("mouthStretch", 0.25), **_both("mouthSmile", 0.1), "mouthClose": 0.05},
        1.4,
        0.045,
    ),
    "SH": (
        {"jawOpen": 0.12, "mouthFunnel": 0.5, "mouthPucker": 0.25, **_both("mouthUpperUp", 0.15)},
        1.6,
        0.05,
    ),
    "KG": ({"jawOpen": 0.2, **_both("mouthStretch", 0.06)}, 0.7, 0.05),
    "H": ({"jawOpen": 0.22}, 0.3, 0.06),
    "R": ({"jawOpen": 0.13, "mouthFunnel": 0.3, "mouthPucker": 0.3}, 1.0, 0.05),
    "W": ({"jawOpen": 0.08, "mouthPucker": 0.7, "mouthFunnel": 0.3}, 1.8, 0.05),
    "IY": ({"jawOpen": 0.15, **_both("mouthStretch", 0.35), **_both("mouthSmile", 0.2)}, 1.0, 0.06),
    "EH": ({"jawOpen": 0.38, **_both("mouthStretch", 0.18), **_both("mouthLowerDown", 0.2)}, 1.0, 0.06),
    "AE": ({"jawOpen": 0.48, **_both("mouthStretch", 0.22), **_both("mouthLowerDown", 0.25)}, 1.0, 0.06),
    "AA": ({"jawOpen": 0.62, **_both("mouthLowerDown", 0.28), **_both("mouthUpperUp", 0.08)}, 1.0, 0.06),
    "AO": ({"jawOpen": 0.45, "mouthFunnel": 0.45, "mouthPucker": 0.15}, 1.0, 0.06),
    "UW": ({"jawOpen": 0.14, "mouthPucker": 0.65, "mouthFunnel": 0.35}, 1.2, 0.06),
    "AH": ({"jawOpen": 0.35, **_both("mouthLowerDown", 0.12)}, 0.6, 0.06),
    "ER": ({"jawOpen": 0.22, "mouthFunnel": 0.25, "mouthPucker": 0.2}, 0.7, 0.06),
}

# espeak-ng English phoneme names (stress/length marks stripped before lookup).
ESPEAK: dict[str, str | tuple[str, ...]] = {
    "p": "PBM", "b": "PBM", "m": "PBM", "f": "FV", "v": "FV", "T": "TH", "D": "TH",
    "t": "DTN", "d": "DTN", "n": "DTN", "t#": "DTN", "d#": "DTN", "l": "L", "L": "L",
    "s": "SZ", "z": "SZ", "S": "SH", "Z": "SH", "tS": "SH", "dZ": "SH",
    "k": "KG", "g": "KG", "N": "KG", "x": "KG", "h": "H", "?": "H",
    "r": "R", "r-": "R", "w": "W", "j": "IY",
    "i": "IY", "I": "IY", "i@": ("IY", "AH"), "I2": "IY", "I#": "IY", "E": "EH", "e": "EH",
    "a": "AE", "a#": "AH", "A": "AA", "V": "AH", "0": "AO", "O": "AO", "u": "UW", "U": "UW",
    "@": "AH", "@2": "AH", "@5": "AH", "3": "ER", "@L": ("AH", "L"),
    "aI": ("AA", "IY"), "aU": ("AA", "UW"), "eI": ("EH", "IY"), "oU": ("AO", "UW"), "@U": ("AH", "UW"),
    "OI": ("AO", "IY"), "e@": ("EH", "AH"), "A@": ("AA", "ER"), "O@": ("AO", "ER"), "U@": ("UW", "AH"),
    "aI@": ("AA", "IY", "AH"), "aU@": ("AA", "UW", "AH"), "i@3": ("IY", "ER"),
}  # fmt: skip

ARPABET: dict[str, str | tuple[str, ...]] = {
    "pau": "sil", "sil": "sil", "p": "PBM", "b": "PBM", "m": "PBM", "f": "FV", "v": "FV",
    "th": "TH", "dh": "TH", "t": "DTN", "d": "DTN", "n": "DTN", "dx": "DTN", "l": "L", "el": "L",
    "s": "SZ", "z": "SZ", "sh": "SH", "zh": "SH", "ch": "SH", "jh": "SH",
    "k": "KG", "g": "KG", "ng": "KG", "hh": "H", "r": "R", "w": "W", "y": "IY",
    "iy": "IY", "ih": "IY", "eh": "EH", "ae": "AE", "aa": "AA", "ah": "AH", "ax": "AH",
    "ao": "AO", "uw": "UW", "uh": "UW", "er": "ER", "axr": "ER",
    "ay": ("AA", "IY"), "aw": ("AA", "UW"), "ey": ("EH", "IY"), "ow": ("AO", "UW"), "oy": ("AO", "IY"),
}  # fmt: skip

_VEC = {
    name: np.array([w.get(ch, 0.0) for ch in ARKIT52], dtype=np.float32)
    for name, (w, _s, _t) in VISEMES.items()
}
# The contact rendering halves mouthClose in every class. v1's 0.55 on /p b m/ (aperture
# -0.51) was far below "lips just closed"; a network that blurs a frame of timing spreads
# such a spike into the neighbouring vowels and closes them too. Measured with `eval
# lipsync` on targets drawn from the LibriVox phones and blurred like a model blurs
# ([.1 .2 .4 .2 .1]): mouthClose x1 -> 29 % of open vowels shut (3-tap blur), x0.5 -> 12 %,
# with every bilabial still closed (x0.4 and below lose closures).
_CLOSE_SCALE_CONTACT = 0.5
_VEC_CONTACT = {name: v.copy() for name, v in _VEC.items()}
for _v in _VEC_CONTACT.values():
    _v[ARKIT52.index("mouthClose")] *= _CLOSE_SCALE_CONTACT
# Contact classes: the shape they take at the instant of contact (render_visemes(contact=True)).
_CONTACT_LEAD = 0.0
_CONTACT = {
    "PBM": _VEC_CONTACT["PBM"],
    "FV": _VEC_CONTACT["FV"],
}
_STRENGTH = {name: s for name, (_w, s, _t) in VISEMES.items()}
_TAU = {name: t for name, (_w, _s, t) in VISEMES.items()}
# With explicit contact frames the labials need not out-dominate their neighbours in the
# blend (that bled closure into the vowels around them), and the schwa-like AH holds a
# little more of its own opening (ARPAbet AH is an open vowel for the lip measures).
_STRENGTH_CONTACT = {**_STRENGTH, "PBM": 1.2, "FV": 1.2, "AH": 0.9}
_TAU_CONTACT = {**_TAU, "PBM": 0.03, "FV": 0.03}


def viseme_classes(phone: Phone) -> tuple[str, ...]:
    """The viseme class(es) of one phone; diphthongs give two or three in sequence.

    ``ipa`` phones (any espeak-ng language) go through ``ipa.ipa_classes``; a symbol that
    is not a phone at all (a language-switch marker) gives an empty tuple.
    """
    sym = phone.symbol
    if phone.alphabet == "ipa":
        return ipa_classes(sym) or ()
    table = ARPABET if phone.alphabet == "arpabet" else ESPEAK
    if phone.alphabet != "arpabet":
        if sym.startswith("_") or not sym.strip():
            return ("sil",)
        sym = sym.replace("'", "").replace(",", "").replace(":", "").replace(";", "")
    else:
        sym = sym.lower().rstrip("012")
    cls = table.get(sym)
    if cls is None and sym:
        cls = table.get(sym[:2]) or table.get(sym[:1])
    if cls is None:
        return ("AH",)
    return (cls,) if isinstance(cls, str) else cls


_EDGE = 1e-6  # seconds: float error, far below any timing the phones carry


def _segments(phones: Sequence[Phone]) -> list[tuple[str, float, float]]:
    """Viseme segments in time order, with silence filling the gaps around speech."""
    out: list[tuple[str, float, float]] = []
    prev_end = -1.0
    for ph in sorted(phones, key=lambda p: p.start):
        classes = viseme_classes(ph)
        if not classes:
            continue
        if ph.start - prev_end > 0.02 + _EDGE:  # (a gap of exactly 20 ms is none, whatever the float error)
            out.append(("sil", prev_end, ph.start))
        prev_end = max(prev_end, ph.end)
        step = (ph.end - ph.start) / len(classes)
        for k, c in enumerate(classes):
            out.append((c, ph.start + k * step, ph.start + (k + 1) * step))
    out.append(("sil", prev_end, prev_end + 3600.0))
    return out


# The jaw-open vowels (a ɑ æ ɐ ɔ ə...): a closed frame inside one shuts it.
OPEN_CLASSES = frozenset({"AA", "AE", "AH", "AO"})


def _in_open(t: float, opens: Sequence[tuple[float, float]]) -> bool:
    """Whether instant ``t`` lies inside one of the open vowels' spans (in at the start, out at the end)."""
    return any(s - _EDGE <= t < e - _EDGE for s, e in opens)


def _contact_frame(f: int, mid: float, centres: np.ndarray, opens: Sequence[tuple[float, float]]) -> int:
    """The frame a contact too short to hold a frame centre is drawn on: ``f``, the frame holding its
    midpoint ``mid``, unless ``f`` lies inside an open vowel (``opens``) and the frame on the
    midpoint's other side does not: then that one. A short /p/ placed with a timing error (its vowel's
    placed span reaching over it) otherwise shuts the vowel on its one frame. Both frames are within
    one frame of the midpoint, so the contact's own frame, widened by one, still holds the closure."""
    if not opens or mid == centres[f] or not _in_open(float(centres[f]), opens):
        return f
    g = f - 1 if mid < centres[f] else f + 1
    return g if 0 <= g < len(centres) and not _in_open(float(centres[g]), opens) else f


def render_visemes(
    phones: Sequence[Phone],
    num_frames: int,
    *,
    fps: float = 25.0,
    lead: float = 0.04,
    gain: float = 1.0,
    rate: int = 100,
    contact: bool = False,
    spare_open: bool = False,
) -> np.ndarray:
    """(num_frames, 52) ARKit mouth weights for ``phones`` (times in seconds).

    Blends targets at ``rate`` Hz with dominance functions, then averages down to
    ``fps`` so short phones still leave a trace. ``gain`` scales articulation (a
    mumbler vs. an over-articulator); ``lead`` moves the mouth ahead of the sound.

    ``contact=True`` is the closure-and-contact rendering of the v2 corpus: the lips
    meet exactly when the bilabial sounds and the lower lip reaches the teeth when the
    labiodental sounds (their acoustic start *is* the contact, so they get no lead:
    leading them would close the end of the vowel before), and a frame that contains
    such a contact shows it (the contact instant, not an average that blurs a 50 ms
    /p/ into a half-open mouth). Everything else keeps the lead and the averaging.

    ``spare_open`` (off for the training targets): a contact too short to hold a frame centre is not
    drawn on a frame inside an open vowel when the frame on its midpoint's other side is free
    (:func:`_contact_frame`). For phones placed with a timing error (a script warped onto a voice).
    """
    n_hi = int(np.ceil(num_frames * rate / fps))
    t = (np.arange(n_hi) + 0.5) / rate + lead
    num = np.zeros((n_hi, len(ARKIT52)), np.float64)
    den = np.full(n_hi, 1e-3)  # a faint pull to rest where nothing is said
    strength, tau = (_STRENGTH_CONTACT, _TAU_CONTACT) if contact else (_STRENGTH, _TAU)
    vec = _VEC_CONTACT if contact else _VEC
    contacts: list[tuple[str, float, float]] = []
    segments = _segments(phones)
    opens = [(s, e) for c, s, e in segments if c in OPEN_CLASSES] if spare_open else []
    for cls, start, end in segments:
        if contact and cls in _CONTACT:
            start, end = start + lead - _CONTACT_LEAD, end + lead - _CONTACT_LEAD
            contacts.append((cls, start, end))
        start_c, end_c = max(start, t[0] - 1.0), min(end, t[-1] + 1.0)
        centre, half = 0.5 * (start_c + end_c), 0.5 * (end_c - start_c)
        lo, hi = np.searchsorted(t, [start_c - 0.35, end_c + 0.35])
        if hi <= lo:
            continue
        dist = np.maximum(np.abs(t[lo:hi] - centre) - max(half - 0.04, half * 0.6), 0.0)
        dom = strength[cls] * np.exp(-dist / tau[cls])
        num[lo:hi] += dom[:, None] * vec[cls][None, :]
        den[lo:hi] += dom
    hi_res = num / den[:, None]
    per = rate / fps
    idx = np.minimum((np.arange(n_hi) / per).astype(int), num_frames - 1)
    out = np.zeros((num_frames, len(ARKIT52)), np.float64)
    np.add.at(out, idx, hi_res)
    counts = np.bincount(idx, minlength=num_frames)[:, None]
    out = out / np.maximum(counts, 1)
    if contact:
        centres = (np.arange(num_frames) + 0.5) / fps
        for cls, start, end in contacts:
            # Frames whose instant falls inside the contact show it; a contact shorter
            # than a frame still shows on the frame nearest to it (never skip the /p/).
            # (a centre on a contact's edge, as 10 ms phone times often put it, counts the same whatever
            # the float error: in at the start, out at the end; a part of a take must draw as the whole)
            hit = np.flatnonzero((centres >= start - lead - _EDGE) & (centres < end - lead - _EDGE))
            if not len(hit):
                mid = 0.5 * (start + end - 2 * lead)
                f = int(np.clip(np.floor(mid * fps + _EDGE), 0, num_frames - 1))
                if abs(centres[f] - mid) < 0.6 / fps:
                    hit = np.array([_contact_frame(f, mid, centres, opens)])
            out[hit] = _CONTACT[cls]
    return np.clip(out * gain, 0.0, 1.0).astype(np.float32)


def drawn_channels() -> tuple[int, ...]:
    """Indices (into ARKit 52) of every channel ``render_visemes(contact=True)`` can set: lips, jaw
    and tongue. What a caller replaces when it swaps a mouth for a drawn one."""
    used = np.zeros(len(ARKIT52), bool)
    for vec in (*_VEC_CONTACT.values(), *_CONTACT.values()):
        used |= np.asarray(vec) != 0
    return tuple(int(i) for i in np.flatnonzero(used))


def mouth_openness(values: np.ndarray) -> np.ndarray:
    """One number per frame for 'how open is the mouth': jaw plus lower-lip drop."""
    v = np.asarray(values)
    return (
        v[:, IDX["jawOpen"]]
        + 0.5 * (v[:, IDX["mouthLowerDownLeft"]] + v[:, IDX["mouthLowerDownRight"]]) * 0.5
    )
