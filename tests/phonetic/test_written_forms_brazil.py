"""A Brazilian Portuguese script (pt-br, pt_BR) read by the Brazilian voice with Brazil's own words.

A Brazilian animator picks Portuguese (Brazil) and pastes "Corri 5 km em 1 hora." The Brazilian
voice reads the line, and its digits as Brazil says them (16, 17, 19: dezesseis, dezessete, dezenove;
Portugal's voice says dezasseis, dezassete, dezanove), but the forms rewritten before it reads the line
were Portugal's: "quilómetros" (open ó; Brazil says quilômetros), "50 cêntimos" (Brazil: centavos),
and "no dia 1 de maio" stayed "um de maio" where Brazil says "primeiro de maio". Units other than km
were spelled out by either variety (2 kg "capa gê", 500 g "gê", 30 °C "grau cê", 100 m "eme"), US$ as
"us cifrão", 25/12/2024 as three numbers, and a count before a feminine noun was said in the masculine
("dois horas", "vinte e um pessoas"): 2 of 10 hand-made Brazilian lines had the phones of the line
as said. Readings: Brazilian usage as taught in Brazilian schools (primeiro for the first of a
month; quilômetro, centavo in the Acordo Ortográfico's Brazilian spelling)."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from espeak_phones import espeak_phones

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


@pytest.mark.parametrize("language", ["pt-br", "pt_BR", "pt-BR"])
def test_a_brazilian_script_is_read_by_the_brazilian_voice(language):
    assert espeak_voice(language) == "pt-br"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Corri 5 km em 1 hora, a 10 km/h.", "Corri 5 quilômetros em uma hora, a 10 quilômetros por hora."),
        ("O euro estava a 0,50 € a mais.", "O euro estava a 50 centavos a mais."),
        ("A festa é no dia 1 de maio, às 20h30.", "A festa é no dia 1º de maio, às 20 horas e 30."),
        ("Chego dia 1 e saio em 1/6.", "Chego dia 1º e saio em 1º de junho."),
    ],
)
def test_brazil_s_own_words_where_they_differ_from_portugal_s(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("pt_BR")) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Corri 5 km em 1 hora.", "Corri 5 quilómetros em uma hora."),
        ("O euro estava a 0,50 € a mais.", "O euro estava a 50 cêntimos a mais."),
        ("A festa é no dia 1 de maio.", "A festa é no dia 1 de maio."),
    ],
)
def test_portugal_keeps_its_own_words(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("pt")) == spoken


@pytest.mark.parametrize("language", ["pt-br", "pt"])
@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Comprei 2 kg de arroz e 500 g de feijão.", "Comprei 2 quilos de arroz e 500 gramas de feijão."),
        ("Fez 30 °C e bebemos 2 l de água.", "Fez 30 graus e bebemos 2 litros de água."),
        ("Ela mede 1,70 m e o muro 3 cm.", "Ela mede 1,70 metros e o muro 3 centímetros."),
        (
            "Foram 2 horas com 21 pessoas e 32 crianças.",
            "Foram duas horas com vinte e uma pessoas e trinta e duas crianças.",
        ),
        ("O voo de 25/12/2024 custa US$ 300.", "O voo de 25 de dezembro de 2024 custa 300 dólares."),
        ("Abre à 0h na Av. Paulista, pág. 3.", "Abre à zero hora na avenida Paulista, página 3."),
    ],
)
def test_units_dates_dollars_and_feminine_counts_in_either_variety(language, written, spoken):
    assert script_warp.spoken_line(written, espeak_voice(language)) == spoken


@pytest.mark.parametrize(
    "line",
    [
        "Tenho 12 pessoas e 11 horas.",  # doze, onze: no feminine of their own
        "Use 1/2 xícara de leite.",  # half a cup, not a date
        "Ficou em 1° lugar.",  # an ordinal typed with the degree sign is no temperature
        "Custa R$ 17,50 e 10% de desconto.",  # already said right (R$ rewritten the same before)
    ],
)
def test_look_alikes_are_not_rewritten_otherwise(line):
    expected = line.replace("R$ 17,50", "17 reais e 50")
    assert script_warp.spoken_line(line, espeak_voice("pt_BR")) == expected


_phones = espeak_phones


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Corri 5 km em 1 hora.", "Corri cinco quilômetros em uma hora."),
        ("O euro estava a 0,50 € a mais.", "O euro estava a cinquenta centavos a mais."),
        (
            "Comprei 2 kg de arroz e 500 g de feijão.",
            "Comprei dois quilos de arroz e quinhentos gramas de feijão.",
        ),
        ("Foram 2 horas com 21 pessoas.", "Foram duas horas com vinte e uma pessoas."),
    ],
)
def test_the_line_as_written_is_read_with_the_phones_of_the_line_as_said(written, said):
    voice = espeak_voice("pt_BR")
    read = [symbol for symbol, _start, _end in script_warp._reading(written, voice).phones]
    assert read == _phones(said, voice)


@pytest.mark.parametrize(
    ("n", "brazil", "portugal"),
    [(16, "dezesseis", "dezasseis"), (17, "dezessete", "dezassete"), (19, "dezenove", "dezanove")],
)
def test_digits_are_said_the_brazilian_way_by_the_brazilian_voice(n, brazil, portugal):
    """16, 17 and 19 are left as digits: each variety's voice says its own number word (the digits'
    phones are nearer that word's than the other variety's, read by the same voice)."""
    for language, own, other in (("pt_BR", brazil, portugal), ("pt", portugal, brazil)):
        voice = espeak_voice(language)
        read = [s for s, _a, _b in script_warp._reading(str(n), voice).phones]
        near = SequenceMatcher(None, read, _phones(own, voice)).ratio()
        assert near > SequenceMatcher(None, read, _phones(other, voice)).ratio()
