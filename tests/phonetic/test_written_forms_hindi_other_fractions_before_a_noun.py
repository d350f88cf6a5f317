"""A Hindi script with a fraction that is no half, third or quarter before a noun: 4/5 दिन, 5/6 लोग, 2/5
छात्र, 1/10 हिस्सा.

espeak-ng was handed "4 बटा 5 दिन" ("four by five days") where a Hindi writer's 4/5 दिन is an estimate, four
or five days (चार-पाँच दिन), and "2 बटा 5 छात्र" where a speaker says "five of whom two", पाँच में से दो छात्र;
1/10 हिस्सा is the tenth part, दसवाँ हिस्सा. A fraction of a whole with no such reading (2/5 हिस्सा) is read
"दो बटा पाँच" as before, and a date (4/5 को) or a score (टेस्ट में 4/5) keep theirs."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # neighbours or numbers sharing a factor before things counted or people: an estimate
        ("मुझे 4/5 दिन लगेंगे।", "मुझे 4-5 दिन लगेंगे।"),
        ("कल 5/6 लोग आए थे।", "कल 5-6 लोग आए थे।"),
        ("वह 10/15 मिनट में पहुँचेगा।", "वह 10-15 मिनट में पहुँचेगा।"),
        ("उसने 4/5 रोटियाँ खा लीं।", "उसने 4-5 रोटियाँ खा लीं।"),
        ("2/4 दिन की बात है।", "2-4 दिन की बात है।"),
        ("मैं 5/6 बार फोन कर चुका हूँ।", "मैं 5-6 बार फोन कर चुका हूँ।"),
        # a share of people or things counted: b में से a
        ("2/5 छात्र फेल हो गए।", "5 में से 2 छात्र फेल हो गए।"),
        ("हर 3/10 बच्चे कुपोषित हैं।", "हर 10 में से 3 बच्चे कुपोषित हैं।"),
        ("हमने 3/5 मैच जीते।", "हमने 5 में से 3 मैच जीते।"),
        # 1/n of a whole: its n-th part, agreeing as an adjective in -ा
        ("अपनी कमाई का 1/10 हिस्सा बचाओ।", "अपनी कमाई का दसवाँ हिस्सा बचाओ।"),
        ("ज़मीन के 1/6 हिस्से में पेड़ हैं।", "ज़मीन के छठे हिस्से में पेड़ हैं।"),
        # as before: a fraction of a whole, a bare a/b, a date, a score
        ("ज़मीन का 2/5 हिस्सा बेच दिया।", "ज़मीन का 2 बटा 5 हिस्सा बेच दिया।"),
        ("जवाब 2/5 है।", "जवाब 2 बटा 5 है।"),
        ("हम 4/5 को मिलेंगे।", "हम 4 मई को मिलेंगे।"),
        ("टेस्ट में 4/5 आए।", "टेस्ट में 5 में से 4 आए।"),
    ],
)
def test_another_fraction_before_a_noun_is_read_as_a_hindi_speaker_says_it(written, spoken):
    assert as_said(written, "hi") == spoken
