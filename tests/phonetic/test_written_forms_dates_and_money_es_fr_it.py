"""A script from Madrid, Paris or Rome, typed as its writer types a date, a price, a century and a
room: "el 12/10/2026", "$5", "s. XXI", "la hab. 12", "15 min.", "le 12/10/2026", "il 12/10/2026".

espeak-ng read the slashes ("doce barra diez barra dos mil veintiséis"; French "douze dix deux mille
vingt-six", no month), the dollar before the number ("dólar cinco"), "s." as "ese", "hab." as "ab",
"min." as "min", and the line was warped onto the voice all the same: on four Spanish clips closure
fell 100 % -> 88 %, rounding 0.999 -> 0.875 (review rv41c F2), and "$5", "$20", "20 USD" took closure
100 % -> 83 % (F3). Portuguese and German already said their dates; now Spanish, French and Italian
do, with each one's words (el doce de octubre de, le douze octobre, il dodici ottobre; the first of a
month premier / primo), and an amount with a currency sign is said amount first. The phones espeak-ng
speaks for the line as written are those of the line said in words (as near as espeak-ng's digits and
words are to each other: "2026" and "dos mil veintiséis" differ by a diphthong)."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from espeak_phones import espeak_phones

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


@pytest.mark.parametrize(
    ("voice", "written", "said"),
    [
        # the review's four Spanish lines, as the actor said them
        (
            "es",
            "Nos vemos el 12/10/2026 en Madrid.",
            "Nos vemos el doce de octubre de dos mil veintiséis en Madrid.",
        ),
        (
            "es",
            "Nací el 05/03/1990, en Barcelona.",
            "Nací el cinco de marzo de mil novecientos noventa, en Barcelona.",
        ),
        (
            "es",
            "El plazo termina el 31/12/2025, por la mañana.",
            "El plazo termina el treinta y uno de diciembre de dos mil veinticinco, por la mañana.",
        ),
        (
            "es",
            "Es un palacio del s. XXI, la hab. 12 está libre en 15 min.",
            "Es un palacio del siglo veintiuno, la habitación doce está libre en quince minutos.",
        ),
        ("es", "Hasta el 3/4 no vuelvo.", "Hasta el tres de abril no vuelvo."),
        ("es", "Llego en 1 min. Luego hablamos.", "Llego en un minuto. Luego hablamos."),
        ("es", "Un piso de 3 hab. en el centro.", "Un piso de tres habitaciones en el centro."),
        # money: Spain's $ is the dollar, Latin America's the peso; US$ and USD are dollars in both
        ("es", "Cuesta $5, más o menos.", "Cuesta cinco dólares, más o menos."),
        ("es", "Me pagaron $20 por el mapa.", "Me pagaron veinte dólares por el mapa."),
        ("es", "Son 1.400 $ y 20 USD.", "Son mil cuatrocientos dólares y veinte dólares."),
        ("es", "Cuesta $1 o $21.", "Cuesta un dólar o veintiún dólares."),
        ("es-419", "Cuesta $50 o US$ 3.", "Cuesta cincuenta pesos o tres dólares."),
        # French and Italian dates
        (
            "fr",
            "Rendez-vous le 12/10/2026 à Paris.",
            "Rendez-vous le douze octobre deux mille vingt-six à Paris.",
        ),
        ("fr", "Depuis le 1/3, tout va bien.", "Depuis le premier mars, tout va bien."),
        ("it", "Ci vediamo il 12/10/2026 a Roma.", "Ci vediamo il dodici ottobre duemilaventisei a Roma."),
        ("it", "Dal 1/3 al 15/3 sono via.", "Dal primo marzo al quindici marzo sono via."),
        ("it", "L'ho comprato l'08/05/2024.", "L'ho comprato l'otto maggio duemilaventiquattro."),
        # everyday lines a native speaker reads otherwise than espeak-ng did: "pe ele", "ce eme",
        # "grados ce", "av", "min", "tre gradi piano", "kappa gi", "pi zza", "dollaro" after "250"
        ("es", "Quedamos en la pl. Mayor a las 7.", "Quedamos en la plaza Mayor a las siete."),
        ("es", "Pesa 500 g y mide 30 cm.", "Pesa quinientos gramos y mide treinta centímetros."),
        ("es", "Hace 35 °C en Sevilla.", "Hace treinta y cinco grados en Sevilla."),
        ("fr", "J'habite 12 av. Victor-Hugo.", "J'habite douze avenue Victor-Hugo."),
        ("fr", "On a mis 45 min pour arriver.", "On a mis quarante-cinq minutes pour arriver."),
        ("fr", "Il fait 35 °C à Marseille.", "Il fait trente-cinq degrés à Marseille."),
        ("fr", "Ça coûte $20 là-bas.", "Ça coûte vingt dollars là-bas."),
        ("it", "Abito al 3° piano.", "Abito al terzo piano."),
        (
            "it",
            "Ci vediamo in p.zza Garibaldi tra 45 min.",
            "Ci vediamo in piazza Garibaldi tra quarantacinque minuti.",
        ),
        ("it", "Pesa 2 kg e misura 30 cm.", "Pesa due chili e misura trenta centimetri."),
        ("it", "Ci sono 35 °C a Napoli.", "Ci sono trentacinque gradi a Napoli."),
        ("it", "Mi è costato $250.", "Mi è costato duecentocinquanta dollari."),
    ],
)
def test_a_date_price_or_abbreviation_is_read_as_it_is_said(voice, written, said):
    spoken = script_warp.spoken_line(written, voice)
    near = SequenceMatcher(None, espeak_phones(spoken, voice), espeak_phones(said, voice)).ratio()
    assert near >= 0.95, (spoken, near)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        # a fraction, not a day: "1/2" alone, "el 3/4 de la población", "il 3/4 della torta"
        ("es", "Añade 1/2 taza de leche."),
        ("es", "Vota el 3/4 de la población."),
        ("it", "Ho mangiato il 3/4 della torta."),
        ("fr", "Prends 1/2 verre d'eau."),
        # a day or month out of range is no date; an amount written the American way is left alone
        ("es", "El marcador fue 45/13/2020."),
        ("es", "Cuesta $1,500 o $5.99."),
        ("it", "Fa 25° oggi."),  # degrees, not an ordinal: only a noun counted in order makes 3° terzo
    ],
)
def test_a_fraction_or_a_foreign_amount_is_left_as_written(language, written):
    assert script_warp.spoken_line(written, espeak_voice(language)) == written


@pytest.mark.parametrize(
    ("voice", "written", "spelled"),
    [
        # a form whose letters cost few phones but espeak-ng still spells ("grados ce") or stops at
        # (the full stop of "av." ends a clause: a pause mid-line)
        ("es", "Hace 35 °C en Sevilla.", "°C"),
        ("fr", "Il fait 35 °C à Marseille.", "°C"),
        ("it", "Ci sono 35 °C a Napoli.", "°C"),
        ("fr", "J'habite 12 av. Victor-Hugo.", "av."),
        ("es", "Quedamos en la pl. Mayor.", "pl."),
    ],
)
def test_a_unit_or_abbreviation_is_not_left_for_espeak_to_spell(voice, written, spelled):
    assert spelled not in script_warp.spoken_line(written, voice)
