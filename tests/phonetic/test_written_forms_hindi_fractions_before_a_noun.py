"""A Hindi fraction before a noun: "1/2 लोग", "1/2 रोटी", "1/2 घंटे में", "2/3 दिन".

Session 41 read "1/2 लोग" as "1 बटा 2 लोग" and "1/2 रोटी" as "आधा रोटी": a Hindi speaker says आधे लोग and
आधी रोटी, the half agreeing with its noun as any adjective in -ा does (आधा घंटा, आधे घंटे में). A quarter of a
whole is चौथाई (1/4 हिस्सा एक चौथाई हिस्सा; पाव weighs: पाव किलो), and 2/3 or 3/4 before a time or a thing
counted in whole numbers is how Hindi writes an estimate (2/3 दिन: दो-तीन दिन); before people it is a part of
them, as 1/2 लोग is (3/4 छात्र: तीन चौथाई छात्र)."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("1/2 लोग नहीं आए।", "आधे लोग नहीं आए।"),
        ("मुझे 1/2 रोटी दो।", "मुझे आधी रोटी दो।"),
        ("1/2 आबादी गाँव में रहती है।", "आधी आबादी गाँव में रहती है।"),
        ("1/2 घंटे में आता हूँ।", "आधे घंटे में आता हूँ।"),
        ("बस 1/2 घंटा लगेगा।", "बस आधा घंटा लगेगा।"),
        ("कल 1/2 दिन की छुट्टी है।", "कल आधे दिन की छुट्टी है।"),
        ("1/2 किलो का पैकेट लाओ।", "आधे किलो का पैकेट लाओ।"),
        ("1/2 से ज़्यादा लोग सहमत हैं।", "आधे से ज़्यादा लोग सहमत हैं।"),
        ("3/4 रोटी बची है।", "तीन चौथाई रोटी बची है।"),
        ("1/4 हिस्सा तुम्हारा है।", "एक चौथाई हिस्सा तुम्हारा है।"),
        ("1/3 छात्र फेल हुए।", "एक तिहाई छात्र फेल हुए।"),
        ("पाव भर नहीं, 1/4 किलो चाहिए।", "पाव भर नहीं, पाव किलो चाहिए।"),
        ("वह 2/3 दिन में लौटेगा।", "वह 2-3 दिन में लौटेगा।"),
        ("इस बार 3/4 छात्र पास हुए।", "इस बार तीन चौथाई छात्र पास हुए।"),
    ],
)
def test_a_fraction_before_a_noun_is_said_as_hindi_says_it(written, spoken):
    assert as_said(written, "hi") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("हम 1/2 को मिलेंगे।", "हम 1 फ़रवरी को मिलेंगे।"),  # a date: को after it
        ("इस फ़िल्म को 4/5 स्टार मिले।", "इस फ़िल्म को 5 में से 4 स्टार मिले।"),  # a rating
        ("जवाब 1/2 है।", "जवाब 1 बटा 2 है।"),  # no noun after it
    ],
)
def test_a_date_a_rating_or_a_bare_fraction_is_read_as_before(written, spoken):
    assert as_said(written, "hi") == spoken
