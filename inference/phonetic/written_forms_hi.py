"""A Hindi script line as it is said, for espeak-ng's Hindi voice to read.

espeak-ng reads a Hindi line's numbers (150, १५०, 1,50,000) and "25%" (प्रतिशत) right, but "150 रु." as
"ru" where the speaker says रुपये, drops "₹" (₹150 is read "ek sau pachaas", no rupees), reads "Rs." in
English ("ar es"), "डॉ. शर्मा" as "do" and "Dr. शर्मा" in English, each with a sentence's end after
it ("प्रो.", "कि.मी." too). :func:`as_said` writes those as said: an amount with its रुपये (एक रुपया for one) after it, wherever
the sign or abbreviation was written.

It also says what espeak-ng reads digit by digit or in English where a Hindi speaker says words: a clock
time (5:30 बजे साढ़े पाँच बजे, 9:45 पौने दस, 5:15 सवा पाँच, 5:10 पाँच बजकर दस मिनट; espeak-ng: "paanch tees"),
a date as India writes it (15/08 15 अगस्त), a half or a quarter before a measure (1/2 किलो आधा किलो), a number
and a half (1.5 लाख डेढ़ लाख, 2.5 किलो ढाई किलो), °C (डिग्री सेल्सियस), a phone number (digit by digit, not
"nau arab..."), and 1st-10th as said in English (1st क्लास फ़र्स्ट क्लास). A date or a time is read only where
the line says it is one (15/08 को, 5:30 बजे, सुबह 6:30): a score is "10 में से 8" (टेस्ट में 8/10), another
fraction "3 बटा 4", and a verse (यूहन्ना 3:16) or a version (Python 3.5) is left as written.

A half, a third or a quarter before a noun is said as a word that agrees with it (:func:`_fraction_of`):
आधा as any adjective in -ा, so 1/2 रोटी आधी रोटी, 1/2 लोग आधे लोग, 1/2 घंटे में आधे घंटे में, 1/2 घंटा आधा
घंटा; a quarter of a whole is चौथाई (1/4 हिस्सा एक चौथाई हिस्सा; पाव and पौना are for weights and times). 2/3
or 3/4 before a time or a thing counted in whole numbers is an estimate, as Hindi writes one (2/3 दिन 2-3
दिन, दो-तीन दिन; no one writes a third of a day so); before people it is a part of them (3/4 छात्र तीन
चौथाई छात्र), as 1/2 लोग is आधे लोग.

Any other fraction before a noun (:func:`_other_fraction`) is an estimate where its numbers are neighbours
or share a factor and things or people are counted (4/5 दिन 4-5 दिन, 5/6 लोग 5-6 लोग, 10/15 मिनट 10-15
मिनट, 2/4 दिन दो-चार दिन), the n-th part for 1/n of a whole (1/10 हिस्सा दसवाँ हिस्सा), a share of people
or things counted "b में से a" (2/5 छात्र 5 में से 2 छात्र, 3/5 मैच जीते 5 में से 3 मैच, हर 3/10 बच्चे);
else "a बटा b" as before (2/5 हिस्सा).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

Said = str | Callable[[re.Match[str]], str]

_DEVANAGARI = "\u0900-\u097f"
_WORD = "\u0900-\u0963\u0966-\u097f"  # Devanagari without its full stops (। ॥), the letters of a word
# a whole number in Western or Devanagari digits, Indian (1,50,000) or Western (150,000) grouping
_AMOUNT = rf"(?<![\w.,{_DEVANAGARI}])(?P<n>\d+(?:,\d+)*(?:\.\d+)?)"
_RUPEE_AFTER = r"\s*(?:रु\.|रू\.|₹|Rs\.?(?![A-Za-z]))"
_RUPEE_BEFORE = r"(?:₹|Rs\.?|रु\.|रू\.)\s*"


def _rupees(m: re.Match[str]) -> str:
    n = m.group("n")
    return f"{n} {'रुपया' if n in ('1', '१') else 'रुपये'}"


def _abbreviation(written: str, said: str) -> tuple[re.Pattern[str], Said]:
    """``written`` (ending in its full stop) read as ``said`` where a word follows it."""
    return re.compile(rf"(?<![\w{_DEVANAGARI}.])" + re.escape(written) + r"\s*(?=\S)"), f"{said} "


# a clock time as Hindi says it: 5:30 साढ़े पाँच, 5:15 सवा पाँच, 5:45 पौने छह, 1:30 डेढ़, 2:30 ढाई, any other
# minute "5 बजकर 10 मिनट" (espeak-ng read "paanch tees"); a 24-hour time (14:30) is left, as timetables say it
_HALF_PAST = {1: "डेढ़", 2: "ढाई"}


# what tells a clock time from a verse (यूहन्ना 3:16) or a score (स्कोर 11:05): बजे or a.m./p.m. after it, a
# part of the day before it (सुबह, शाम, रात), or "at/from/until" after it (10:50 पर, 9:30 से, 6:00 तक)
_TIME_AFTER = re.compile(r"\s*(?:बजे|बजकर|पर|से|तक|[aApP]\.?\s?[mM]\.?(?![A-Za-z]))")
_TIME_BEFORE = re.compile(r"(?:सुबह|शाम|रात|दोपहर|सवेरे|तड़के|भोर|समय|टाइम|वक़्त|वक्त)\s*(?:के\s*)?$")


def _clock(m: re.Match[str]) -> str:
    h, minutes, baje = int(m.group("h")), int(m.group("mm")), m.group("baje") or ""
    if not 1 <= h <= 12 or minutes > 59:
        return m.group(0)
    told = baje or _TIME_AFTER.match(m.string, m.end()) or _TIME_BEFORE.search(m.string, 0, m.start())
    if not told:
        return m.group(0)  # a verse, a score or a ratio: read as written
    if minutes == 0:
        said = f"{h}"
    elif minutes == 30:
        said = _HALF_PAST.get(h, f"साढ़े {h}")
    elif minutes == 15:
        said = f"सवा {h}"
    elif minutes == 45:
        said = f"पौने {h % 12 + 1}"
    else:
        return f"{h} बजकर {minutes} मिनट"  # बजे is said in बजकर
    return said + baje


# a date written day/month(/year), as India writes it: 15/08 15 अगस्त, 26/01/2024 26 जनवरी 2024
_MONTHS = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर")
# a half, a quarter, three quarters or a third before a measure: 1/2 किलो आधा किलो (espeak-ng: "ek slash do")
_FRACTIONS = {(1, 2): "आधा", (1, 4): "पाव", (3, 4): "पौना", (1, 3): "एक तिहाई", (2, 3): "दो तिहाई"}
# the measures that are pieces of a whole, whose quarter is चौथाई too (पाव रोटी is a loaf)
_PIECES = "हिस्सा|हिस्से|रोटी|प्लेट|कटोरी|बोतल"
# before a noun that is no measure a quarter is चौथाई (1/4 हिस्सा एक चौथाई हिस्सा; पाव and पौना weigh)
_OF_A_WHOLE = {**_FRACTIONS, (1, 4): "एक चौथाई", (3, 4): "तीन चौथाई"}
# आधा and पौना agree with their noun as an adjective in -ा does: आधा किलो, आधी रोटी, आधे लोग, आधे घंटे में
_AGREES = {"आधा": ("आधी", "आधे"), "पौना": ("पौनी", "पौने")}
# feminine nouns a fraction is said of (the rest are read by their ending: -ी feminine, -ियाँ/-ें/-एँ
# feminine plural); masculine nouns in -ी; people, whose half is many (आधे लोग; आधा दिन is half a day)
_FEMININE = (
    "प्लेट|बोतल|आबादी|जनता|रकम|क़ीमत|कीमत|रात|सीट|टीम|दुनिया|किताब|चाय|कक्षा|क्लास|उम्र|तनख़्वाह|तनख्वाह|फ़ीस|फीस|"
    "बात|ज़मीन|जमीन|सड़क|दूरी|आबादी|संख्या|आय|कमाई|ताक़त|ताकत|शक्ति|क्षमता|मात्रा"
)
_MASCULINE_IN_I = "पानी|आदमी|कर्मचारी|हाथी|घी|दही|मोती|साथी|विद्यार्थी|भाई|जी|मंत्री|सिपाही|यात्री"
_PEOPLE = "लोग|छात्र|सदस्य|मज़दूर|मजदूर|किसान|मरीज़|मरीज|दोस्त|कर्मचारी|यात्री|विद्यार्थी"
# the words after a/b that are no noun of it: postpositions, the verb to be, joining words
_POSTPOSITIONS = "में|से|को|का|की|के|पर|तक|ने"
_NOT_A_NOUN = rf"(?:{_POSTPOSITIONS}|है|हैं|था|थे|थी|थीं|हो|और|या|भी|ही|तो|नहीं|न|यानी)"
# times and things counted in whole numbers: 2/3 दिन, 3/4 ओवर mean "two or three days", "three or four
# overs" (दो-तीन दिन), how Hindi writes an estimate, since no one counts a third of a day so; people are not
# here: 1/2 लोग is half of them (आधे लोग), 3/4 छात्र three quarters of the class (तीन चौथाई छात्र)
_COUNTED = (
    "दिन|दिनों|बार|ओवर|साल|सालों|महीने|महीनों|हफ़्ते|हफ्ते|घंटे|घंटों|मिनट|गाने|सवाल|सवालों|रन|विकेट|गोल|मैच|"
    "चक्कर|स्टेशन|किताबें|गाड़ियाँ|कमरे"
)
_MEASURES = (
    "किलो|ग्राम|लीटर|कप|गिलास|चम्मच|दर्जन|घंटे|घंटा|मीटर|किलोमीटर|हिस्सा|हिस्से|रोटी|प्लेट|कटोरी|बोतल|kg|km|litre|liter"
)


# a score or a rating (टेस्ट में 8/10, 4/5 स्टार): said "10 में से 8", never a date
_SCORE_AFTER = re.compile(r"\s*(?:स्टार|अंक|नंबर|मार्क्स|में\s*से|रेटिंग|पॉइंट|पॉइंट्स)(?![\u0900-\u097f])")
_SCORE_BEFORE = re.compile(
    r"(?:स्कोर|रेटिंग|अंक|नंबर|मार्क्स|टेस्ट|परीक्षा|इम्तिहान|पेपर|क्विज़|क्विज)\s*(?:में|का|की|के|है|था|रहा)?\s*:?\s*$"
)
# what says a day/month is a date: को, से, तक or तारीख after it (15/08 को), तारीख/दिनांक before it
_DATE_AFTER = re.compile(r"\s*(?:को|से|तक|तारीख|की\s+तारीख)(?![\u0900-\u097f])")
_DATE_BEFORE = re.compile(r"(?:तारीख|दिनांक|तिथि)\s*(?:है|थी|को)?\s*:?\s*$")


def _slashed(m: re.Match[str]) -> str:
    """a/b as a Hindi speaker reads it: a date only where the line says so (a year part, को/से/तक/तारीख
    around it, or a day above the month or written 08 that no score or fraction is), a half or a quarter
    before a measure (1/2 किलो आधा किलो), a score or rating "b में से a" (टेस्ट में 8/10, 4/5 स्टार), any
    other fraction "a बटा b" (3/4 ओवर); espeak-ng read the slash in English."""
    a, b, year = int(m.group("a")), int(m.group("b")), m.group("y")
    after, text = m.string[m.end() :], m.string
    measure = re.match(rf"\s*(?:{_MEASURES})", after)
    if not year and (a, b) in _FRACTIONS and measure:
        whole = re.match(rf"\s*(?:{_PIECES})(?![{_WORD}])", after)  # 1/4 रोटी एक चौथाई, not पाव
        return _agreeing((_OF_A_WHOLE if whole else _FRACTIONS)[(a, b)], after)
    score = not year and (_SCORE_AFTER.match(after) or _SCORE_BEFORE.search(text, 0, m.start()))
    written_as_date = a > b or m.group("a").startswith("0") or m.group("b").startswith("0")
    told = year or written_as_date or _DATE_AFTER.match(after) or _DATE_BEFORE.search(text, 0, m.start())
    if (
        not (year or score or written_as_date or _DATE_BEFORE.search(text, 0, m.start()))
        and (a, b) in _FRACTIONS
    ):
        said = _fraction_of(a, b, after)
        if said:
            return said
    if not (year or score or told) and a < b and (a, b) not in _FRACTIONS:
        said = _other_fraction(a, b, after, text[: m.start()])
        if said:
            return said
    if 1 <= a <= 31 and 1 <= b <= 12 and told and not score:
        return f"{a} {_MONTHS[b - 1]}" + (f" {year}" if year else "")
    if year or a > b or b == 0:
        return m.group(0)
    return f"{b} में से {a}" if score else f"{a} बटा {b}"


def _agreeing(fraction: str, after: str) -> str:
    """आधा or पौना in the form its noun asks (any other fraction word is the same in every form): आधी
    before a feminine noun (आधी रोटी, आधी आबादी), आधे before a masculine one that is plural (आधे लोग) or
    oblique, a postposition after it (आधे घंटे में, आधे दिन की छुट्टी), or before a postposition with no
    noun (आधे से ज़्यादा), else आधा (आधा किलो, आधा घंटा)."""
    if fraction not in _AGREES:
        return fraction
    feminine, plural = _AGREES[fraction]
    word = re.match(rf"\s*([{_WORD}]+)(?:\s+([{_WORD}]+))?", after)
    if word is None:
        return fraction
    noun, next_word = word[1], word[2] or ""
    if re.fullmatch(_POSTPOSITIONS, noun):
        return plural  # आधे से ज़्यादा, आधे में
    if re.fullmatch(_FEMININE, noun) or (
        re.search(r"(?:ी|ियाँ|ियों|ें|एँ|ाएँ)$", noun) and not re.fullmatch(_MASCULINE_IN_I, noun)
    ):
        return feminine
    if noun.endswith(("े", "ों")) or re.fullmatch(_PEOPLE, noun):
        return plural  # आधे लोग, आधे बच्चे: half of many
    return plural if re.fullmatch(_POSTPOSITIONS, next_word) else fraction


def _fraction_of(a: int, b: int, after: str) -> str | None:
    """A half, a third or a quarter before a noun, or before से ज़्यादा/कम, said as a Hindi speaker says
    it (1/2 लोग आधे लोग, 1/2 रोटी आधी रोटी, 1/4 हिस्सा एक चौथाई हिस्सा, 1/2 से ज़्यादा आधे से ज़्यादा); 2/3
    and 3/4 before a thing counted in whole numbers are an estimate (2/3 दिन 2-3 दिन, दो-तीन दिन). None
    where no noun follows (a/b alone, or before a verb: the date and score rules then read it)."""
    word = re.match(rf"\s*([{_WORD}]+)", after)
    if word is None:
        return None
    if re.fullmatch(_NOT_A_NOUN, word[1]):
        if word[1] == "से" and re.match(r"\s*से\s+(?:ज़्यादा|ज्यादा|अधिक|कम|ऊपर|कुछ)", after):
            return _agreeing(_OF_A_WHOLE[(a, b)], after)
        return None
    if b == a + 1 and a >= 2 and re.fullmatch(_COUNTED, word[1]):
        return f"{a}-{b}"
    return _agreeing(_OF_A_WHOLE[(a, b)], after)


# people and other things counted whose share a fraction gives (2/5 छात्र पाँच में से दो छात्र), beyond
# :data:`_PEOPLE`; any noun after हर ("every": हर 3/10 बच्चे हर दस में से तीन बच्चे) is one
_GROUP = rf"{_PEOPLE}|बच्चे|बच्चों|डॉक्टर|महिलाएँ|महिलाओं|पुरुष|युवा|भारतीय|उम्मीदवार|परिवार|घर|कंपनियाँ|स्कूल"
# a plural noun (रोटियाँ, किताबें, बच्चे, घरों): a thing counted in whole numbers
_PLURAL = rf"[{_WORD}]+(?:ियाँ|ियों|ें|ों|ए|े)"
# 1/n of a whole as the n-th part (1/10 हिस्सा दसवाँ हिस्सा); -वाँ agrees as any -ा adjective (दसवें हिस्से में)
_NTH = {5: "पाँचवाँ", 6: "छठा", 7: "सातवाँ", 8: "आठवाँ", 9: "नौवाँ", 10: "दसवाँ", 12: "बारहवाँ", 15: "पंद्रहवाँ",
        20: "बीसवाँ", 25: "पच्चीसवाँ", 50: "पचासवाँ", 100: "सौवाँ"}  # fmt: skip
_PART = "हिस्सा|हिस्से|भाग"


def _other_fraction(a: int, b: int, after: str, before: str) -> str | None:
    """A fraction that is no half, third or quarter before a noun, as a Hindi speaker reads it in a
    sentence: an estimate before things counted or people where its two numbers are neighbours or share
    a factor (4/5 दिन 4-5 दिन, 5/6 लोग 5-6 लोग, 10/15 मिनट 10-15 मिनट, 2/4 दिन दो-चार दिन: no one writes
    four fifths of a day or 10/15 for two thirds); 1/n of a whole its n-th part (1/10 हिस्सा दसवाँ हिस्सा);
    a share of people or things counted "b में से a" (2/5 छात्र पाँच में से दो छात्र, 3/5 मैच, हर 3/10 बच्चे
    हर दस में से तीन); None for anything else (2/5 हिस्सा stays "2 बटा 5", how the fraction is read aloud)."""
    word = re.match(rf"\s*([{_WORD}]+)(?:\s+([{_WORD}]+))?", after)
    if word is None or re.fullmatch(_NOT_A_NOUN, word[1]):
        return None
    noun, next_word = word[1], word[2] or ""
    every = re.search(r"(?:^|\s)हर\s*$", before) is not None
    neighbours = b == a + 1 or math.gcd(a, b) > 1
    if a == 1 and b in _NTH and re.fullmatch(_PART, noun):
        oblique = noun == "हिस्से" or re.fullmatch(_POSTPOSITIONS, next_word)
        nth = _NTH[b]
        return (nth[:-3] + "वें" if nth.endswith("वाँ") else nth[:-1] + "े") if oblique else nth
    counted = re.fullmatch(rf"{_COUNTED}|{_GROUP}|{_PLURAL}", noun) is not None
    if neighbours and counted and not every:
        return f"{a}-{b}"
    return f"{b} में से {a}" if every or counted else None


# a number and a half before a quantity: 1.5 लाख डेढ़ लाख, 2.5 किलो ढाई किलो, 3.5 घंटे साढ़े तीन घंटे (espeak-ng
# said "ek dashamlav paanch"); 0.5 आधा
def _and_a_half(m: re.Match[str]) -> str:
    n = int(m.group("i"))
    return {0: "आधा", 1: "डेढ़", 2: "ढाई"}.get(n, f"साढ़े {n}")


# English ordinals as Hindi speakers say them, in Devanagari (1st क्लास फ़र्स्ट क्लास: espeak-ng said "ek")
_ORDINALS = {1: "फ़र्स्ट", 2: "सेकंड", 3: "थर्ड", 4: "फ़ोर्थ", 5: "फ़िफ़्थ", 6: "सिक्स्थ", 7: "सेवंथ", 8: "एटथ",
             9: "नाइंथ", 10: "टेंथ"}  # fmt: skip

_RULES: list[tuple[re.Pattern[str], Said]] = [
    # a phone number digit by digit: a mobile's ten digits from 6-9, or 6+ digits after नंबर/फ़ोन/मोबाइल
    # (espeak-ng read 9876543210 as "nau arab sattaasi karod...")
    (
        re.compile(r"(?<![\d.,])(?:[6-9]\d{9}|(?<=नंबर )\d{6,}|(?<=फ़ोन )\d{6,}|(?<=मोबाइल )\d{6,})(?![\d.,])"),
        lambda m: " ".join(m.group(0)),
    ),
    # "24/7", "24x7": always open, said in English (a date rule would make it 24 जुलाई)
    (re.compile(r"(?<![\d/])24\s*[/xX×]\s*7(?![\d/])"), lambda m: "ट्वेंटी फ़ोर सेवन"),
    (re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<mm>\d{2})(?![\d:])(?P<baje>\s*बजे)?"), _clock),
    (re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"), _slashed),
    # not a version after a Latin name (Python 3.5, Android 2.5: said as written)
    (
        re.compile(r"(?<![\d.,])(?<![A-Za-z]\s)(?<![A-Za-z])(?P<i>\d)\.5(?!\d)(?=\s*[\u0900-\u097fA-Za-z])"),
        _and_a_half,
    ),
    (re.compile(r"(?<![\d.,])(?P<n>\d+)\s*(?:°\s*C|℃)"), lambda m: f"{m.group('n')} डिग्री सेल्सियस"),
    (re.compile(r"(?<![\d.,])(?P<n>\d+)\s*°"), lambda m: f"{m.group('n')} डिग्री"),
    (
        re.compile(r"(?<![\d.,])(?P<n>10|[1-9])(?:st|nd|rd|th)(?![A-Za-z])"),
        lambda m: _ORDINALS[int(m.group("n"))],
    ),
    (re.compile(_AMOUNT + _RUPEE_AFTER), _rupees),
    (re.compile(_RUPEE_BEFORE + _AMOUNT[_AMOUNT.index("(?P<n>") :]), _rupees),
    (re.compile(_AMOUNT + r"\s*(?:कि\.\s*मी\.|km(?![A-Za-z]))"), lambda m: f"{m.group('n')} किलोमीटर"),
    (re.compile(_AMOUNT + r"\s*kg(?![A-Za-z])"), lambda m: f"{m.group('n')} किलो"),
    _abbreviation("डॉ.", "डॉक्टर"),
    _abbreviation("डा.", "डॉक्टर"),
    _abbreviation("प्रो.", "प्रोफ़ेसर"),
    _abbreviation("Dr.", "डॉक्टर"),  # read in English ("(en)dɒktə") and ending the sentence
]


def as_said(text: str) -> str:
    """``text`` (a Hindi line) with its rupees, units and titles written as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text
