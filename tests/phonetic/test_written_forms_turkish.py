"""A Turkish script with titles, ordinals, lira and percentages, read the way a Turkish speaker says it.

"Dr. Yılmaz saat 9'da 3. katta." was read "de re" (with a sentence's end after it) and "üç" where the
speaker says üçüncü; "25%" was read yirmi beş yüzde (Turkish says yüzde first), "100 TL" "te le", ₺ was
dropped (review rv39h F1: Turkish rounding 0.870 from the lines as written, 0.950 as said). An ordinal
is read only before a lower-case word: "Bölüm 3. Sonra" ends a sentence."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from dualtalk.inference.phonetic.written_forms_tr import ordinal
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Dr. Yılmaz saat 9'da 3. katta.", "Doktor Yılmaz saat 9'da üçüncü katta."),
        ("25% indirim var.", "yüzde 25 indirim var."),
        ("100 TL ve ₺50 ve 3,5 TL", "100 lira ve 50 lira ve 3,5 lira"),
        ("Prof. Ahmet ile Av. Ayşe geldi.", "Profesör Ahmet ile Avukat Ayşe geldi."),
        ("1. sınıf, 4. kat, 25. yıl", "birinci sınıf, dördüncü kat, yirmi beşinci yıl"),
        ("No. 5, Atatürk Cad. vb. yerler", "numara 5, Atatürk Caddesi ve benzeri yerler"),
    ],
)
def test_a_turkish_line_is_given_to_espeak_as_a_turkish_speaker_says_it(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("tr")) == spoken


@pytest.mark.parametrize("line", ["%25 indirim var.", "Bölüm 3. Sonra gel.", "Saat 9:30'da, 3,5 kilo."])
def test_what_espeak_already_reads_right_is_left_as_written(line):
    assert as_said(line, "tr") == line


@pytest.mark.parametrize(
    ("n", "said"),
    [(1, "birinci"), (2, "ikinci"), (3, "üçüncü"), (4, "dördüncü"), (6, "altıncı"), (9, "dokuzuncu")]
    + [(10, "onuncu"), (14, "on dördüncü"), (40, "kırkıncı"), (50, "ellinci"), (100, "yüzüncü")],
)
def test_turkish_ordinals_follow_vowel_harmony(n, said):
    assert ordinal(n) == said


_phones = espeak_phones


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_rv39hs_line_as_written_is_read_with_the_phones_of_the_line_as_said():
    voice = espeak_voice("tr")
    read = [symbol for symbol, _start, _end in script_warp._reading("Dr. Yılmaz 3. katta.", voice).phones]
    assert read == _phones("Doktor Yılmaz üçüncü katta.", voice)
