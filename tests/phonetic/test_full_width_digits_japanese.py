"""A Japanese script typed with an input method's full-width digits (３時, ５こ, ２０２４ねん, １０：３０).

Japanese lines are read by ``japanese_reading`` (not ``written_forms``, where session 39 folded full-width
digits for every other language). With SudachiPy installed its readings came out the same either way,
but without it (the add-on before Install dependencies, a kana-only script) the line went to espeak-ng
as typed, and espeak-ng's Japanese voice drops full-width digits without a sound: "りんごを ５こ ください"
was read "ringo o ko kudasai", its number gone. A line with full-width digits now reads as the same line
with ASCII digits, with the reader and without it."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from espeak_phones import espeak_phones
from kanji_reader import missing, needs_it

# (typed with an IME, the same line with ASCII digits)
KANA_LINES = [
    ("りんごを ５こ ください", "りんごを 5こ ください"),
    ("さんじに ３ばんせんで あいましょう", "さんじに 3ばんせんで あいましょう"),
    ("２０２４ねんの はるに", "2024ねんの はるに"),
    ("けさ １０：３０に おきた", "けさ 10:30に おきた"),
    ("ぜんぶで ３．５キロ", "ぜんぶで 3.5キロ"),
]
KANJI_LINES = [
    ("３時に会いましょう", "3時に会いましょう"),
    ("電話は０３－１２３４－５６７８です", "電話は03-1234-5678です"),
    ("２０２４年１２月６日", "2024年12月6日"),
    ("５０％オフ", "50%オフ"),
]


_phones = partial(espeak_phones, voice="ja")


@pytest.mark.parametrize(("typed", "plain"), KANA_LINES)
def test_a_kana_line_without_the_kanji_reader_reads_its_full_width_digits(monkeypatch, typed, plain):
    with missing(monkeypatch):
        assert script_warp.spoken_line(typed, "ja") == script_warp.spoken_line(plain, "ja")


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_espeak_ng_says_the_number_of_a_line_typed_full_width(monkeypatch):
    typed, plain = KANA_LINES[0]
    with missing(monkeypatch):
        said = _phones(script_warp.spoken_line(typed, "ja"))
    assert said == _phones(plain)
    assert len(said) > len(_phones("りんごを こ ください"))  # the 5 (go) is said, not dropped


@needs_it
@pytest.mark.parametrize(("typed", "plain"), KANA_LINES + KANJI_LINES)
def test_with_the_kanji_reader_full_width_and_ascii_digits_read_the_same(typed, plain):
    assert script_warp.spoken_line(typed, "ja") == script_warp.spoken_line(plain, "ja")
