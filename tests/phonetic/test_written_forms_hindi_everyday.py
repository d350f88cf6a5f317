"""A Hindi script's everyday written forms: a train at 5:30, a date 15/08, half a kilo, 1.5 lakh, 40°C.

Read through espeak-ng's Hindi voice, twenty everyday lines put words no Hindi speaker says under the lips:
"ट्रेन 5:30 बजे आएगी" was "paanch tees baje" (said साढ़े पाँच बजे), "रात 9:45" "nau paintaalis" (पौने दस),
"15/08 को" "pandrah slash shunya aath" (15 अगस्त), "1/2 किलो" "ek slash do kilo" (आधा किलो), "1.5 लाख" "ek
dashamlav paanch laakh" (डेढ़ लाख), "40°C" with an English "see", "9876543210" as nine arab and more, "1st
क्लास" as "ek klaas", "24x7" with an English "ex". Each is now written as said; a 24-hour time, a plain count
and a percentage are left as espeak-ng reads them right."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("ट्रेन 5:30 बजे आएगी।", "ट्रेन साढ़े 5 बजे आएगी।"),
        ("रात 9:45 पर फ़िल्म है।", "रात पौने 10 पर फ़िल्म है।"),
        ("मैं 5:15 बजे निकलूँगा।", "मैं सवा 5 बजे निकलूँगा।"),
        ("1:30 बजे खाना है।", "डेढ़ बजे खाना है।"),
        ("2:30 बजे मिलो।", "ढाई बजे मिलो।"),
        ("5:10 बजे आना।", "5 बजकर 10 मिनट आना।"),
        ("12:45 पर मीटिंग है।", "पौने 1 पर मीटिंग है।"),
        ("मेरा जन्मदिन 15/08 को है।", "मेरा जन्मदिन 15 अगस्त को है।"),
        ("परीक्षा 26/01/2025 को है।", "परीक्षा 26 जनवरी 2025 को है।"),
        ("मुझे 1/2 किलो दूध दो।", "मुझे आधा किलो दूध दो।"),
        ("उसने 1.5 लाख रुपये दिए।", "उसने डेढ़ लाख रुपये दिए।"),
        ("2.5 किलो चावल लाओ।", "ढाई किलो चावल लाओ।"),
        ("3.5 घंटे लगेंगे।", "साढ़े 3 घंटे लगेंगे।"),
        ("आज तापमान 40°C है।", "आज तापमान 40 डिग्री सेल्सियस है।"),
        ("मेरा नंबर 9876543210 है।", "मेरा नंबर 9 8 7 6 5 4 3 2 1 0 है।"),
        ("पहली बार 1st क्लास में बैठा।", "पहली बार फ़र्स्ट क्लास में बैठा।"),
        ("दुकान 24x7 खुली रहती है।", "दुकान ट्वेंटी फ़ोर सेवन खुली रहती है।"),
        ("अस्पताल 24/7 खुला है।", "अस्पताल ट्वेंटी फ़ोर सेवन खुला है।"),
    ],
)
def test_an_everyday_written_form_is_written_as_said(written, spoken):
    assert as_said(written, "hi") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "मैं सुबह 7 बजे उठता हूँ।",
        "ट्रेन 14:30 पर छूटेगी।",  # a 24-hour time, as timetables say it
        "उसे 90% अंक मिले।",
        "हम 2-3 दिन में लौटेंगे।",
        "उसकी कीमत 1.25 लाख है।",  # a decimal other than a half: espeak-ng's दशमलव
        "स्कोर 3:1 रहा।",
    ],
)
def test_what_espeak_reads_as_said_is_left(line):
    assert as_said(line, "hi") == line


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_a_time_as_written_is_read_with_the_phones_of_the_time_as_said():
    # the hour stays a digit, which the voice reads as the word (पाँच); "tees" is gone
    voice = espeak_voice("hi")
    read = [symbol for symbol, _start, _end in script_warp._reading("ट्रेन 5:30 बजे आएगी।", voice).phones]
    assert read == espeak_phones("ट्रेन साढ़े 5 बजे आएगी।", voice)
    assert read != espeak_phones("ट्रेन 5:30 बजे आएगी।", voice)
