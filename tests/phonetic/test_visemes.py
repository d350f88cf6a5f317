"""Phones become mouth shapes: lips close on /m/, the jaw opens on /a/, silence rests."""

from __future__ import annotations

import numpy as np
from dualtalk.inference.audio.tts import Phone
from dualtalk.inference.phonetic.visemes import IDX, mouth_openness, render_visemes, viseme_classes


def _phones(spec, alphabet="arpabet"):
    out, t = [], 0.0
    for sym, dur in spec:
        out.append(Phone(sym, t, t + dur, alphabet))
        t += dur
    return out


def test_mama_closes_then_opens_the_mouth():
    # silence, m, aa, m, aa, silence
    phones = _phones([("pau", 0.4), ("m", 0.12), ("aa", 0.2), ("m", 0.12), ("aa", 0.25), ("pau", 0.5)])
    v = render_visemes(phones, 40, lead=0.0)
    jaw, close = v[:, IDX["jawOpen"]], v[:, IDX["mouthClose"]]
    m1, a1 = int((0.4 + 0.06) * 25), int((0.52 + 0.1) * 25)
    assert close[m1] > 0.3 and jaw[m1] < 0.15
    assert jaw[a1] > 0.4 and close[a1] < 0.5 * close[m1]
    assert jaw[:5].max() < 0.02 and jaw[-5:].max() < 0.02  # at rest before and after
    assert v.min() >= 0.0 and v.max() <= 1.0


def test_short_vowels_between_consonants_are_undershot_coarticulation():
    long_a = render_visemes(_phones([("pau", 0.3), ("aa", 0.3), ("pau", 0.3)]), 23)
    short_a = render_visemes(
        _phones([("pau", 0.3), ("p", 0.08), ("aa", 0.05), ("p", 0.08), ("pau", 0.3)]), 21
    )
    assert short_a[:, IDX["jawOpen"]].max() < 0.8 * long_a[:, IDX["jawOpen"]].max()


def test_mouth_leads_the_sound():
    phones = _phones([("pau", 0.6), ("aa", 0.4), ("pau", 0.6)])
    early = mouth_openness(render_visemes(phones, 40, lead=0.08))
    late = mouth_openness(render_visemes(phones, 40, lead=0.0))
    assert np.argmax(early > 0.2) < np.argmax(late > 0.2)


def test_espeak_and_arpabet_names_meet_in_the_same_classes():
    assert (
        viseme_classes(Phone("m", 0, 0.1, "espeak"))
        == viseme_classes(Phone("M", 0, 0.1, "arpabet"))
        == ("PBM",)
    )
    assert viseme_classes(Phone("aI", 0, 0.1, "espeak")) == viseme_classes(Phone("ay", 0, 0.1, "arpabet"))
    assert viseme_classes(Phone("u:", 0, 0.1, "espeak")) == ("UW",)
    assert viseme_classes(Phone("_:", 0, 0.1, "espeak")) == ("sil",)
    assert viseme_classes(Phone("iy1", 0, 0.1, "arpabet")) == ("IY",)
