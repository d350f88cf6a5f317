"""A Hindi line with a score, a rating, a fraction or a verse: "टेस्ट में 8/10", "4/5 स्टार", "यूहन्ना 3:16".

Session 41 taught the Hindi reader India's day/month dates (15/08 को: 15 अगस्त) and clock times (5:30 बजे:
साढ़े 5 बजे), but it took every a/b with b up to 12 for a date and every h:mm for a time, so a test score was
said as a month ("8/10 मिले" 8 अक्टूबर मिले), a film's stars too (4/5 स्टार: 4 मई स्टार), and a Bible verse as a
clock (यूहन्ना 3:16: 3 बजकर 16 मिनट) (review rv41d F3). A Hindi speaker says a date only where the line says
so (को, से, तक, तारीख, a year, 15/08 that no score is) and a time where it does (बजे, सुबह, पर); a score or
rating is "10 में से 8", another fraction "3 बटा 4", and a verse or a version as written."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("मुझे टेस्ट में 8/10 मिले।", "मुझे टेस्ट में 10 में से 8 मिले।"),
        ("इस फ़िल्म को 4/5 स्टार मिले।", "इस फ़िल्म को 5 में से 4 स्टार मिले।"),
        # (lang42: before a noun 3/4 ओवर is an estimate, 1/2 लोग a half; see
        # test_written_forms_hindi_fractions_before_a_noun.py)
        ("मैच 3/4 ओवर में खत्म।", "मैच 3-4 ओवर में खत्म।"),
        ("आधे यानी 1/2 लोग नहीं आए।", "आधे यानी आधे लोग नहीं आए।"),
        ("उसका हिस्सा 2/5 है।", "उसका हिस्सा 2 बटा 5 है।"),
    ],
)
def test_a_score_a_rating_or_a_fraction_is_no_date(written, spoken):
    assert as_said(written, "hi") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "यूहन्ना 3:16 पढ़ो।",  # a verse
        "स्कोर 11:05 है।",  # a score
        "Python 3.5 में लिखा है।",  # a version (was साढ़े 3)
    ],
)
def test_a_verse_a_score_or_a_version_is_read_as_written(line):
    assert as_said(line, "hi") == line


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("मीटिंग 5/10 को है।", "मीटिंग 5 अक्टूबर को है।"),
        ("छुट्टी 5/10 से 9/10 तक है।", "छुट्टी 5 अक्टूबर से 9 अक्टूबर तक है।"),
        ("दिनांक 3/4 है।", "दिनांक 3 अप्रैल है।"),
        ("15/08 स्वतंत्रता दिवस है।", "15 अगस्त स्वतंत्रता दिवस है।"),
        ("ट्रेन 10:50 पर है।", "ट्रेन 10 बजकर 50 मिनट पर है।"),
        ("सुबह 6:30 उठो।", "सुबह साढ़े 6 उठो।"),
    ],
)
def test_a_date_or_a_time_the_line_names_is_said_as_one(written, spoken):
    assert as_said(written, "hi") == spoken
