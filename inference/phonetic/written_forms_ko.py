"""A Korean script line as it is said, for espeak-ng's Korean voice to read.

espeak-ng reads every digit in a Korean line with the Sino-Korean numbers (일, 이, 삼...), which is
right for money, years, days, minutes and floors but not for what Koreans count with their native
numbers: "3시" is 세 시, not 삼 시; "사과 3개" 세 개; "20살" 스무 살; "책 2권" 두 권. It reads "6월" as 육 월
(said 유월), drops a decimal's point ("1.5배" 일 오 배), reads "3:30" as 삼 삼십, and reads what is not
Hangul in English or not at all: "5kg" kay-gee, "50%" percent, "2~3개" tilde, "$10" 십, "KBS" kay-bee-ess,
"3/1" slash. Each of those puts sounds under the lips that the actor never made.

:func:`as_said` rewrites those forms into Hangul words, or into digits and Hangul espeak-ng reads
right ("3:30" -> "세 시 30분": it says the minutes 삼십 itself). Native numbers are used only where the
counter after the number takes them without doubt (시 for 1-12, 개, 명, 살, 마리, 권, 잔, 시간, 번째...);
a counter that is said both ways takes its native number only with the words that tell: 번 with
번이나, 번씩, 번 만에 or a verb after it (3번 봤어 세 번), a word of how often before it (하루에 3번, 벌써
3번이야), 번도 before a negation (1번도 안 봤어 한 번도), 번의 (3번의 기회), 중 or 모두 after it, or a thing
done (3번 전화를 했는데): :func:`_times` (3번 출구, 1번 후보, 정답은 3번이야 일 번, 삼 번: a numbered thing;
before 누르다, 고르다, 선택하다 or 찍다 the key or the choice, 2번 누르세요 이 번, unless a thing pressed is
named before it, 버튼을 2번 누르세요 두 번, or a key by what it does or a thing typed before 누르다 or
입력하다, 전원 2번 누르세요, 홈 2번 누르세요, 비밀번호 2번 입력하세요, F5를 2번 누르세요 두 번; 사진 3번
찍었어 세 번; 정답을 3번 찍었어 삼 번, the answer chosen),
대 after a machine (차 3대 세 대; 3대 1, 20대 삼 대, 이십 대), 분 after a person
unless a word of time follows (손님 3분 세 분; 3분 후, 선생님 10분 뒤에 삼 분, 십 분): :func:`_by_context`. A number
after 제 (제3장) is an ordinal, said in Sino-Korean. A range is said "A에서 B", each end by its own
rule (9시~18시 아홉 시에서 18시, 1950-1953년 1950에서 1953년); a phone number is one only where no counter
or unit follows it (1500-2000원 is a price). Readings follow the National Institute of Korean
Language's standard usage (표준국어대사전: 세 시, 유월, 시월, 스무 살, 첫 번째, 두세 개, 서너 명).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Said = Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Said]

# the native numbers before a counter (한 개, 스무 살, 스물한 명) and said alone (하나, 스물)
_ONES_BEFORE = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")
_ONES_ALONE = ("", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉")
_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")
_SINO_DIGITS = "영일이삼사오육칠팔구"  # a digit said on its own (a decimal's, a phone number's)

# counters that take the native numbers (1-99) whatever comes after them, longest first; each with
# what may not follow it (개월 and 개국 are Sino-Korean: 삼 개월, 삼 개국)
_NATIVE_COUNTERS: tuple[tuple[str, str], ...] = (
    ("정거장", ""),  # stops on a line: 세 정거장 (3정거장 was 삼 정거장)
    ("번째", ""),
    ("시간", ""),
    ("사람", ""),
    ("켤레", ""),
    ("그릇", ""),
    ("송이", ""),
    ("자루", ""),
    ("봉지", ""),
    ("상자", ""),
    ("가지", ""),
    ("군데", ""),
    ("마리", ""),
    ("바퀴", ""),
    ("조각", ""),
    ("개", "월|국|년|소|교"),
    ("명", ""),
    ("살", ""),
    ("권", ""),
    ("잔", ""),
    ("병", ""),
    ("벌", ""),
    ("곳", ""),
    ("달", "러"),  # 달러 is a currency, said with Sino-Korean numbers
    ("장", ""),
    ("통", ""),
    ("알", ""),
    ("끼", ""),
    ("채", ""),
)
# 번 takes the native number where the words after it say "times": 세 번이나, 두 번씩, 세 번 만에
_TIMES_AFTER = r"(?:이나|씩|만에|만|밖에|정도|쯤|이상|이하|연속|째|\s+(?:만에|더|다시|정도|이상|연속))"
# an hour of the clock (1-12) is native; 13-24 are said with Sino-Korean numbers (십사 시)
_HOUR = "시"
_HOUR_NOT_AFTER = "간|즌|리즈"  # 시간 is its own counter; 시즌, 시리즈 are words
# consecutive small numbers before a native counter said as one word: 두세 개, 서너 명
_PAIRS = {(1, 2): "한두", (2, 3): "두세", (3, 4): "서너", (4, 5): "네다섯", (5, 6): "대여섯"}

_RANGE = r"\s*[~〜～\-]\s*"
# the part of the day written before a range's second hour: 오전 9시~오후 6시
_DAYTIME = r"(?:오전|오후|새벽|아침|낮|저녁|밤)"
# a counter or unit after a number (once units are in Hangul): what tells an amount, a year or a
# price from a phone number ("1950-1953년", "1500-2000원"), and makes "A-B" a range (A에서 B)
_AMOUNT_WORDS = (
    "년대|년|개월|원|달러|유로|엔|파운드|명|개|건|회|세|대|층|일|주|시간|분|초|배|점|등|위|호|권|"
    "만|억|천|가구|곳|마리|채|톤|평|킬로|센티|밀리|미터|그램|리터|퍼센트|도|바이트|기가|메가|테라"
)
_NOT_AFTER_NUMBER = r"(?<![\d.,:/\-~〜～])"  # the number is not the tail of 1.5, 1,000, 3:30, 3/1
# 제3장, 제 2권: an ordinal, said in Sino-Korean (제 as a prefix only: 문제 3개 is 세 개)
_ORDINAL = r"(?<!(?<![가-힣])제)(?<!(?<![가-힣])제 )"

# Latin letters as Koreans name them (KBS 케이비에스, TV 티브이, A형 에이형)
_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (
            "에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 더블유 엑스 "
            "와이 제트"
        ).split(),
        strict=True,
    )
)
# units after a number (longest first: km/h before km before m), said as Koreans say them
_UNITS: tuple[tuple[str, str], ...] = (
    ("km/h", "킬로미터"),
    ("kcal", "킬로칼로리"),
    ("km", "킬로미터"),
    ("㎞", "킬로미터"),
    ("cm", "센티미터"),
    ("㎝", "센티미터"),
    ("mm", "밀리미터"),
    ("㎜", "밀리미터"),
    ("m²", "제곱미터"),
    ("㎡", "제곱미터"),
    ("m", "미터"),
    ("kg", "킬로그램"),
    ("㎏", "킬로그램"),
    ("mg", "밀리그램"),
    ("g", "그램"),
    ("ml", "밀리리터"),
    ("mL", "밀리리터"),
    ("㎖", "밀리리터"),
    ("ℓ", "리터"),
    ("L", "리터"),
    ("l", "리터"),
    ("GB", "기가바이트"),
    ("MB", "메가바이트"),
    ("TB", "테라바이트"),
    ("°C", "도"),
    ("℃", "도"),
    ("°", "도"),
    ("%", "퍼센트"),
    ("％", "퍼센트"),
)
_CURRENCY_BEFORE = {"US$": "달러", "$": "달러", "€": "유로", "£": "파운드", "₩": "원", "￦": "원"}


def native(n: int, alone: bool = False) -> str | None:
    """``n`` (1-99) in native Korean numbers: before a counter (한, 스무, 스물한) or ``alone`` (하나,
    스물); None outside 1-99, where Koreans count with Sino-Korean numbers (백 명)."""
    if not 1 <= n <= 99:
        return None
    tens, ones = divmod(n, 10)
    if not ones:
        return "스무" if n == 20 and not alone else _TENS[tens]
    return _TENS[tens] + (_ONES_ALONE if alone else _ONES_BEFORE)[ones]


def as_said(text: str) -> str:
    """``text`` with the written forms espeak-ng's Korean voice misreads rewritten as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text


def _digits(run: str, zero: str = "영") -> str:
    """Digits said one by one (a decimal's fraction: 점 일사; a phone number's: 공일공)."""
    return "".join(zero if d == "0" else _SINO_DIGITS[int(d)] for d in run)


def _counted(m: re.Match[str]) -> str:
    """A number (or a range of two) before a native counter, said with native numbers."""
    counter = m.group("c")
    b = int(m.group("n"))
    said_b = "첫" if (counter == "번째" and b == 1) else native(b)
    if said_b is None:
        return m.group(0)
    if m.group("a") is None:
        return f"{said_b} {counter}"
    a = int(m.group("a"))
    if (a, b) in _PAIRS and counter != _HOUR:
        return f"{_PAIRS[(a, b)]} {counter}"
    if a >= b and "-" in m.group(0):
        return m.group(0)  # 3-1개 is no range
    # each end as it is said alone: 0~5개 0개에서 다섯 개 (espeak-ng says 0 영)
    said_a = "첫" if (counter == "번째" and a == 1) else native(a)
    first = f"{said_a} {counter}" if said_a else f"{a}{counter}"
    return f"{first}에서 {said_b} {counter}"


def _said_hour(h: int) -> str | None:
    """One hour: 1-12 native (세 시, 열두 시); 0 and 13-24 Sino-Korean, left for espeak-ng (18시 십팔 시)."""
    if 1 <= h <= 12:
        return f"{native(h)} 시"
    return f"{h}시" if h <= 24 else None


def _hour(m: re.Match[str]) -> str:
    """An hour of the clock, or a range of two read end by end with 에서 between (9시~18시 아홉 시에서
    18시, 11시~1시 열한 시에서 한 시, 오전 9시~오후 6시 아홉 시에서 오후 여섯 시)."""
    h = _said_hour(int(m.group("n")))
    if m.group("a") is None:
        return h or m.group(0)
    a = _said_hour(int(m.group("a")))
    if a is None or h is None:
        return m.group(0)
    return f"{a}에서 {m.group('when') or ''}{h}"


def _clock(m: re.Match[str]) -> str:
    """3:30 -> 세 시 30분 (the minutes stay digits: espeak-ng says 삼십 분 itself)."""
    h, minutes = int(m.group("h")), int(m.group("mm"))
    if h > 24 or minutes > 59:
        return m.group(0)
    hour = f"{native(h)} 시" if 1 <= h <= 12 else f"{h}시"
    return hour + (f" {minutes}분" if minutes else "")


def _date(m: re.Match[str]) -> str:
    """2024.3.1. / 2024-03-01 / 2024. 3. 1. -> 2024년 3월 1일; anything else as written."""
    month, day = int(m.group("m")), int(m.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return f"{int(m.group('y'))}년 {month}월 {day}일"


_AMOUNT_AFTER = r"(?=\s*(?:이상|이하|정도|가량|만큼|쯤|씩|의\b))"
# a particle alone after the number (1/3이, 2/3을): a fraction when the parts are halves, thirds or
# quarters (1/2, 1/3, 1/4, 2/3, 3/4), the fractions Korean prose writes with a slash; other pairs
# (5/6이, 1/15가) stay dates
_PARTICLE_AFTER = r"(?=(?:이|가|을|를|은|는|도|만)(?![가-힣]))"
# "X의 1/3": a part of something (인구의 1/3), a fraction whatever follows
_PART_OF = re.compile(r"의\s*$")
# a half, a third, a quarter, two thirds, three quarters: 2/4 before a particle stays a date (2월 4일은)
_COMMON_FRACTIONS = frozenset({(1, 2), (1, 3), (1, 4), (2, 3), (3, 4)})
# ... unless the words after the particle say what happens on a day: 1/2은 휴무, 3/4은 휴무입니다 (2일,
# 4일), as 2/4은 휴무 is (review rv40a F6: the sentence read as a date or a fraction by its digits)
_DAY_AFTER = (
    r"(?:이|가|을|를|은|는|도|만)\s*(?:휴무|휴일|공휴일|휴관|휴업|휴진|휴강|휴교|쉬는\s*날|쉽니다|쉬어요|연휴|"
    r"생일|기념일|마감|개학|개강|방학|종강|출시|개봉|오픈|정상\s*영업|[월화수목금토일]요일|설날|명절)"
)


def _slashed(m: re.Match[str]) -> str:
    """3/1 a date (3월 1일); 1/2 before words of amount (1/2 이상, 1/2의), after "X의" (인구의 1/3) or
    a half, third or quarter before a particle alone (1/3이) a fraction (3분의 1)."""
    a, b = int(m.group("a")), int(m.group("b"))
    rest = m.string[m.end() :]
    part = (
        re.match(_AMOUNT_AFTER, rest)
        or _PART_OF.search(m.string, max(0, m.start() - 4), m.start())
        or (
            (a, b) in _COMMON_FRACTIONS and re.match(_PARTICLE_AFTER, rest) and not re.match(_DAY_AFTER, rest)
        )
    )
    if a < b and (part or not (1 <= a <= 12 and 1 <= b <= 31)):
        return f"{b}분의 {a}"
    return f"{a}월 {b}일" if 1 <= a <= 12 and 1 <= b <= 31 else m.group(0)


def _decimal(m: re.Match[str]) -> str:
    return f"{m.group('i')} 점 {_digits(m.group('f'))}"


# words that say a number to call comes next (고객센터 1600-1650, 전화 1588-1700): a phone number even
# where its second half is above its first
_PHONE_BEFORE = re.compile(r"(?:전화|번호|센터|문의|연락|☎|[Tt][Ee][Ll]\.?)[^\d]{0,8}$")


def _phone(m: re.Match[str]) -> str:
    """010-1234-5678, 1588-1234: digit by digit with 공. A 4-4 pair is a nationwide service number
    (15xx, 16xx, 18xx) only where no counter or unit follows (1500-2000원, 1600-1700명) and the second
    number is no range's end (1592-1598: a span of years, said 천오백구십이에서 천오백구십팔) unless the
    words before say it is a number to call (고객센터 1600-1650)."""
    groups = m.group(0).split("-")
    if len(groups) == 2:
        a, b = int(groups[0]), int(groups[1])
        called = _PHONE_BEFORE.search(m.string, max(0, m.start() - 16), m.start())
        if re.match(rf"\s?(?:{_AMOUNT_WORDS})", m.string[m.end() :]) or (a < b < a + 1000 and not called):
            return m.group(0)
    return " ".join(_digits(group, "공") for group in groups)


def _hyphen_range(m: re.Match[str]) -> str:
    """1950-1953년 -> 1950에서 1953년: two rising numbers joined by a hyphen before a counter or unit,
    or two years of one millennium (1592-1598); a score (3-2로) or a code is left."""
    a, b = int(m.group("a").replace(",", "")), int(m.group("b").replace(",", ""))
    counted = re.match(rf"\s?(?:{_AMOUNT_WORDS})", m.string[m.end() :])
    years = len(m.group("a")) == len(m.group("b")) == 4 and a < b < a + 1000
    if a < b and (counted or years):
        return f"{m.group('a')}에서 {m.group('b')}"
    return m.group(0)


def _spelled(m: re.Match[str]) -> str:
    """Capital letters that are no word Koreans read as one (KBS, TV, OECD; not NASA, FIFA) named
    letter by letter."""
    letters = m.group(0)
    if len(letters) == 4 and re.fullmatch(r"(?:[^AEIOU][AEIOU]){2}|(?:[AEIOU][^AEIOU]){2}", letters):
        return letters  # NASA, NATO, FIFA, UNIT: read as a word, as English reads it
    return "".join(_LETTERS[ch] for ch in letters)


def _unit_rule() -> Rule:
    words = dict(_UNITS)
    names = "|".join(re.escape(u) for u, _w in _UNITS)

    def said(m: re.Match[str]) -> str:
        word = words[m.group("u")]
        if m.group("u") == "km/h":
            return f"시속 {m.group('n')}{word}"
        return f"{m.group('n')}{word}"

    # from a number's first digit only (a digit after a digit or a comma starts no number: a long run
    # of digits is read once, not once per digit)
    number = r"(?<![\d,.])(?P<n>\d[\d,]*(?:\.\d+)?|\d+\s*(?:점\s*[영일이삼사오육칠팔구]+))"
    return re.compile(rf"{number}\s*(?P<u>{names})(?![A-Za-z])"), said


def _below_zero(m: re.Match[str]) -> str:
    """A minus before a temperature: 영하, unless the line already says it (영하 -5℃)."""
    return "" if m.string[: m.start()].rstrip().endswith("영하") else "영하 "


def _currency(m: re.Match[str]) -> str:
    return f"{m.group('n')}{_CURRENCY_BEFORE[m.group('s')]}"


# Counters said with either number, the words around them telling which (standard usage, written
# down here): 대 counts machines and vehicles with native numbers (차 3대 세 대) but is Sino-Korean in
# a score (3대 1 삼 대 일), a "top N" (3대 명산 삼 대), an age group (20대 이십 대) and generations (3대째);
# 번 counts times with native numbers (3번 봤어 세 번) but names a numbered thing in Sino-Korean (3번 출구
# 삼 번, 3번이 정답); 분 counts minutes in Sino-Korean (3분 후 삼 분) and people, politely, with native
# numbers (손님 3분이 세 분이, 3분께서), unless a word of time follows (선생님 10분 뒤에: minutes). Where
# nothing tells, each keeps espeak-ng's Sino-Korean reading: 번 is native where the clause says times
# (a verb after it, 번이나, 번 더, 하루에 3번, 1번도 안, 3번의, 3번 중, 3번 전화를 했는데: _times); before
# any other word, or alone (정답은 3번이야), it names a numbered thing (1번 후보, 3번 문항), the safer
# default, as a noun after 번 more often is what it numbers.
_MACHINES = (
    "차|자동차|승용차|버스|택시|트럭|자전거|오토바이|비행기|헬기|배|기차|컴퓨터|노트북|카메라|기계|"
    "휴대폰|핸드폰|스마트폰|전화기|텔레비전|티브이|TV|냉장고|세탁기|에어컨|선풍기|드론|로봇|프린터|모니터|"
    "피아노|차량|엘리베이터"
)
# a machine named before the number, in the same clause: 차 3대, 자동차가 2대, 노트북도 3대나
_MACHINE_BEFORE = re.compile(rf"(?:{_MACHINES})(?:이|가|은|는|도|를|을|만)?\s*$")
# after 대: words of its own (대학, 대회, 대표...), a generation (3대째) or the score's second number
_DAE_NOT = re.compile(r"(?:학|회|표|비|신|상|째|결|전|륙|양|첩|\s*[:\d])")
# things called by a number (3번 출구, 143번 버스, 10번 선수): 번 is then Sino-Korean
_NUMBERED = (
    "출구", "입구", "버스", "마을버스", "선수", "타자", "문제", "질문", "보기", "답", "정답", "방", "채널",
    "트랙", "게이트", "홈", "승강장", "플랫폼", "창구", "테이블", "좌석", "자리", "칸", "곡", "노선", "국도",
    "줄", "카드", "사진", "파일", "항목", "환자", "고객", "라인", "레인", "코스", "부스", "홀", "교실", "사물함",
    "아이언", "도로", "차", "차량", "지역", "호선", "타석", "레일",
)  # fmt: skip
# a numbered thing as the word after 번, with the particle it may carry (3번 출구로, 3번 방에서)
_NUMBERED_WORD = re.compile(
    rf"(?:{'|'.join(_NUMBERED)})(?:으로|로|에서|에|이|가|을|를|은|는|의|도|까지|부터|이야|이에요|예요|입니다|(?:이었|였)[가-힣]*)?(?![가-힣])"
)
# what after 분 says minutes, even after a person (선생님 10분 뒤에 십 분, 어르신 5분 기다리세요 오 분):
# 분기, 분야, 분석... and the words of time, with or without a space before them
_MINUTES_AFTER = re.compile(
    r"(?:기|야|석|의|량|류|명|마다|\s*(?:간|만|후|뒤|전|동안|안|내|이내|쯤|정도|늦|일찍|지나|지났|넘|이상|이하|"
    r"걸|남|기다|거리|간격|마다|씩|밖에|동안|째|후에|뒤에))"
)
# the word after 번 that makes it a count of times (3번 봤어 세 번, 두 번 해요): a verb in the past or
# future (봤어, 갔다, 먹었어요, 하겠다), in a common ending (해요, 하세요, 봐, 가서, 합니다), or an adverb
# of times (10번 넘게 말했어, 3번 또 졌어); any other
# word is taken for the numbered thing it names (1번 후보, 3번 문항이: 일 번, 삼 번), espeak-ng's reading
_TIMES_VERB = re.compile(
    r"[가-힣]*(?:[었았였했됐봤갔왔줬쳤졌셨웠렸켰혔겠]|시도|반복|연습)[가-힣]*"
    r"|(?:해|하|봐|보|가|와|오|먹어|읽어|들어|써|불러|만나|물어|말해|전화해)"
    r"(?:|요|서|도|야|라|고|면|자|세요|십시오|ㅂ니다|죠|지요|는데|니까|려고|게요|ㄹ게요)"
    r"|합니다|봅니다|갑니다|옵니다|[가-힣]+(?:어요|아요|해요|세요|습니다)"
    r"|넘게|가까이|남짓|또|계속|연달아|연거푸|내리|거듭|자꾸|벌써|이미|씩이나|정도|이상|이하|더|다시"
)
# the words before a number that say how often (하루에 3번, 일주일에 2번, 매일 2번, 주 3번) or how many
# times in all (벌써 3번, 총 5번, 딱 1번, 단 1번도): 번 then counts times, whatever follows it
_HOW_OFTEN_BEFORE = re.compile(
    r"(?:^|\s)(?:(?:하루|일주일|한\s?주|주|한\s?달|달|한\s?해|해|\d+\s?(?:년|달|주|주일|시간|분|개월))에|"
    r"하루|매일|매주|매달|매월|매년|날마다|주|월|연|총|모두|합해서|벌써|이미|딱|단|겨우|고작|무려|최소|최대|"
    r"적어도|많아야|최소한|약|대략|거의|또|여러|평생|지금까지)\s*$"
)
# things done that are counted in times (3번 실패 끝에, 2번 우승, 3번 전화), with the particle they may carry
_ACT_NOUNS = (
    "전화|연락|우승|준우승|실패|성공|도전|시도|방문|수술|결혼|이혼|이사|여행|경고|실수|만남|외출|식사|"
    "양치|샤워|산책|운동|입원|출장|재발|반복|연습|졸업|낙방|탈락|지각|결석|클릭|재생|기회|경험|노크"
)
_ACTS = re.compile(rf"(?:{_ACT_NOUNS})(?:을|를|이|가|은|는|도|만|의|에|끝에|만에|째)?")
# nouns of doing said with 하다 (3번 청소를 했어, 2번 공부를 했는데: times); a noun after 번 that names a
# thing (1번 과제를 해야 돼, 3번 역할을 해 줘, 5번 방식을 할까: task 1, role 3) is no count of times, whatever
# verb follows it, so only these and :data:`_ACTS` make "N번 X를 하다" times
_DONE_WITH_HADA = (
    "청소|공부|세수|빨래|설거지|요리|면접|통화|회의|검사|점검|확인|저장|충전|주문|예약|취소|신고|설명|부탁|"
    "사과|인사|칭찬|고백|청혼|거절|약속|말|얘기|이야기|대답|답장|기도|포옹|키스|뽀뽀|악수|박수|농담|거짓말|"
    "하품|재채기|기침|심호흡|스트레칭|면도|목욕|화장|염색|파마|다이어트|금연|세차|다림질|출근|등교|복습|예습|"
    f"투표|기부|헌혈|봉사|{_ACT_NOUNS}"
)
# a form of 하다 as a word of its own (해, 해요, 했어, 했는데, 하고, 한 적, 할게, 합니다); not the words that
# only begin with its letters: 하나 (one), 한 개 (한 before a counter is read as a number too, but 한 alone
# after an object is 하다's), 해결했어, 할인, 합격
_HADA = (
    r"(?:했[가-힣]*|해(?:요|서|도|야|라|줘|줘요|봐|봐요|보자|놓|둬|버렸[가-힣]*)?|"
    r"하(?:다|고|자|면|는|는데|니|니까|지|지만|죠|세요|셨[가-힣]*|십시오|려고|러|기|게|겠[가-힣]*|던)|"
    r"한(?:다|다고|대|데)?|합(?:니다|시다|니까)|할(?:게|게요|까|까요|래|래요|거야)?)(?![가-힣])"
)
# verbs of pressing and choosing: right after N번 with nothing pressed named before it, N번 is the key or
# the choice (2번 누르세요 "press 2" as a phone menu says it, 3번 골라 "pick number 3", 정답은 3번 찍었어);
# with a thing pressed before it, or a word of how often, it counts presses (버튼을 2번 누르세요 "press the
# button twice", 벨을 3번 눌렀어, 하루에 2번 누르세요)
_CHOOSING = re.compile(
    r"\s*(?:누르|눌러|눌렀|누릅|누른|누를|선택|고르|골라|골랐|고릅|고른|고를|택하|택해|택했|택한|찍|입력)"
)
_PRESSABLE = "버튼|단추|벨|초인종|키|스위치|엔터|리모컨|경적|클랙슨|셔터|마우스|화면|페달|레버|도장"
_PRESSED_BEFORE = re.compile(rf"(?:[가-힣]+(?:을|를)|(?:{_PRESSABLE})(?:도|만|은|는)?)\s*$")
# keys named by what they are (전원 2번 누르세요, 홈 2번 누르세요: "twice"), before a verb of pressing only (탭 2번
# 선택하세요 is tab 2), with no 은/는 (a topic before a press is a menu's item: 전원은 2번 누르세요); a Latin key
# name (Enter, ESC, F5) or a key written with 을/를 (F5를, #을) too. Words that name a menu's item as often as
# a key (확인, 취소, 재생, 삭제: 예약 취소 2번 누르세요 "cancelling, press 2") are keys only with 버튼 or 키.
_KEYS = (
    "전원|리셋|볼륨|음량|홈|뒤로가기|스페이스바|스페이스|시프트|쉬프트|컨트롤|알트|백스페이스|별표|샵|우물 정자|"
    "우물정자|자판|건반|셔터"
)
_LATIN_KEYS = r"[Ee]nter|ENTER|[Ee]sc|ESC|[Tt]ab|TAB|[Ss]hift|SHIFT|[Cc]trl|CTRL|[Aa]lt|ALT|[Ss]pace|OK|[Hh]ome|F\d{1,2}"
# what is typed, before 입력하다 (비밀번호 2번 입력하세요: type it twice)
_TYPED = "비밀번호|암호|인증번호|아이디|이메일|코드"
_PRESSING = re.compile(r"\s*(?:누르|눌러|눌렀|누릅|누른|누를|입력)")
_KEY_BEFORE = re.compile(
    rf"(?:(?<![가-힣])(?:{_KEYS})|(?<![A-Za-z])(?:{_LATIN_KEYS})(?:\s?키)?)(?:을|를|도|만)?\s*$"
    r"|[A-Za-z0-9#*+]+(?:을|를)\s*$"
)
_TYPED_BEFORE = re.compile(rf"(?<![가-힣])(?:{_TYPED})(?:을|를|도|만)?\s*$")
# what is photographed (사진 3번 찍었어 세 번: 사진 is a numbered thing elsewhere, 사진 3번 photo 3)
_TAKEN_BEFORE = re.compile(r"(?:사진|셀카|셀피|영상|동영상|엑스레이)(?:을|를|도|만)?\s*$")
# an answer chosen, named with 을/를 before a verb of choosing (정답을 3번 찍었어, 답을 2번 골랐어): the choice
_ANSWER_BEFORE = re.compile(r"(?<![가-힣])(?:정답|답|보기)(?:을|를)\s*$")
_PEOPLE = "손님|고객|어르신|선생님|교수님|부모님|할머니|할아버지|어른|분들|의사 선생님|환자"
_PEOPLE_BEFORE = re.compile(rf"(?:{_PEOPLE})(?:이|가|은|는|도|께서)?\s*$")


def _by_context(m: re.Match[str]) -> str:
    """A number before 대, 번 or 분, said with native numbers only where the words around say so
    (:data:`_MACHINES`, :data:`_NUMBERED`, :data:`_PEOPLE`); else as written (espeak-ng: 삼 대)."""
    counter, before, after = m.group("c"), m.string[max(0, m.start() - 16) : m.start()], m.string[m.end() :]
    before = re.split(r"[.,!?;:…\n]", before)[-1]  # the same clause only
    if counter == "대":
        native_here = bool(_MACHINE_BEFORE.search(before)) and not _DAE_NOT.match(after)
    elif counter == "분":
        native_here = bool(
            _PEOPLE_BEFORE.search(before) or re.match(r"께", after)
        ) and not _MINUTES_AFTER.match(after)
    else:
        native_here = _times(before, after)
    return _counted(m) if native_here else m.group(0)


def _times(before: str, after: str) -> bool:
    """Whether 번 after a number counts times (세 번), by the words around it in its clause: a verb
    after it (3번 봤어), with 은/는/도 between (2번은 이겼어), a negation after 번도 (1번도 안 봤어, 한 번도),
    번의 before a noun (3번의 기회), a count's own word after it (3번 중, 3번 모두), a noun done with
    하다 (3번 전화를 했는데, 2번 우승을 했어요), or a word before the number that says how often (하루에 3번
    약을, 매일 2번, 벌써 3번이야); never before or after a numbered thing (3번 출구, 버스 3번)."""
    # 전원 2번 누르세요, 홈 2번 누르세요, F5를 2번 누르세요, 사진 3번 찍었어: twice, three times
    if (
        (_PRESSING.match(after) and _KEY_BEFORE.search(before))
        or (re.match(r"\s*입력", after) and _TYPED_BEFORE.search(before))
        or (re.match(r"\s*찍", after) and _TAKEN_BEFORE.search(before))
    ):
        return True
    if re.search(rf"(?:{'|'.join(_NUMBERED)})\s*$", before) or _NUMBERED_WORD.match(after.lstrip()):
        return False
    if _HOW_OFTEN_BEFORE.search(before):
        return True
    if _CHOOSING.match(after):
        return bool(_PRESSED_BEFORE.search(before)) and not _ANSWER_BEFORE.search(before)
    if re.match(rf"도\s+(?:안|못|[가-힣]*(?:없|않))|의\s+(?!{_NUMBERED_WORD.pattern})[가-힣]", after):
        return True
    word = re.match(r"(?:은|는|도)?\s+([가-힣]+)", after)
    if word is None:
        return False
    if _TIMES_VERB.fullmatch(word[1]) or re.fullmatch(
        r"(?:중|중에|중에서|모두|다|전부|내내|동안|안에)", word[1]
    ):
        return True
    done = re.match(rf"(?:은|는|도)?\s+(?:{_DONE_WITH_HADA})(?:을|를)\s+{_HADA}", after)
    return done is not None or _ACTS.fullmatch(word[1]) is not None


def _context_rule() -> re.Pattern[str]:
    return re.compile(
        rf"{_ORDINAL}{_NOT_AFTER_NUMBER}(?:(?P<a>\d{{1,2}}){_RANGE})?(?P<n>\d{{1,2}})\s?(?P<c>대|번|분)(?![지호])"
    )


def _counter_rule() -> re.Pattern[str]:
    counters = "|".join(
        f"{re.escape(c)}(?!{not_after})" if not_after else re.escape(c) for c, not_after in _NATIVE_COUNTERS
    )
    return re.compile(
        rf"{_ORDINAL}{_NOT_AFTER_NUMBER}(?:(?P<a>\d{{1,2}}){_RANGE})?(?P<n>\d{{1,2}})\s?"
        rf"(?P<c>{counters}|번(?={_TIMES_AFTER}))"
    )


_RULES: list[Rule] = [
    # dates, phone numbers and clock times first: their dots, hyphens and colons are not decimals or ranges
    (
        re.compile(
            r"(?<![\d.])(?P<y>(?:19|20)\d\d)\s*([.\-/])\s*(?P<m>\d{1,2})\s*\2\s*(?P<d>\d{1,2})(?![\d])\.?"
        ),
        _date,
    ),
    (re.compile(r"(?<![\d\-])(?:0\d{1,2}-\d{3,4}-\d{4}|1[568]\d\d-\d{4})(?![\d\-])"), _phone),
    (re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<mm>\d{2})(?![\d:])"), _clock),
    (re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/])"), _slashed),
    # 6월 유월, 10월 시월
    (re.compile(r"(?<![\d.,])6\s?월"), lambda m: "유월"),
    (re.compile(r"(?<![\d.,])10\s?월"), lambda m: "시월"),
    # money written with its sign before the amount
    (re.compile(r"(?P<s>US\$|[$€£₩￦])\s*(?P<n>\d[\d,]*(?:\.\d+)?)"), _currency),
    # temperatures below zero: -5℃ 영하 5도, -5~3도 영하 5에서 3도; "영하 -5℃" says 영하 once
    (
        re.compile(r"(?<![\w\d])[-−](?=\d[\d.]*(?:\s*[~〜～]\s*[-−]?\d[\d.]*)?\s*(?:°C|℃|°|도))"),
        _below_zero,
    ),
    # a range with a decimal at either end (3.5~4.5kg): 에서 before the decimal's point is said
    (re.compile(r"(?<=\d)\s*[~〜～]\s*(?=\d+\.\d)"), lambda m: "에서 "),
    (re.compile(r"(?P<x>\d\.\d+)\s*[~〜～]\s*(?=\d)"), lambda m: f"{m.group('x')}에서 "),
    # a decimal's point is said (점) and its digits one by one
    (re.compile(r"(?<![\d.,])(?P<i>\d[\d,]*)\.(?P<f>\d+)(?![\d.])"), _decimal),
    _unit_rule(),
    # an hour of the clock (세 시), alone or a range (3~5시)
    (
        re.compile(
            rf"{_ORDINAL}{_NOT_AFTER_NUMBER}(?:(?P<a>\d{{1,2}})\s?(?:시\s?)?{_RANGE}(?P<when>{_DAYTIME}\s?)?)?"
            rf"(?P<n>\d{{1,2}})\s?시"
            rf"(?!{_HOUR_NOT_AFTER})"
        ),
        _hour,
    ),
    (_counter_rule(), _counted),
    (_context_rule(), _by_context),
    # a number that doubles (2배 두 배; 10배 and over are said both ways and left)
    (re.compile(rf"{_NOT_AFTER_NUMBER}(?<!\d)([2-9])\s?배"), lambda m: f"{native(int(m.group(1)))} 배"),
    # two rising numbers joined by a hyphen before a counter or unit, or two years: 1950-1953년
    (re.compile(r"(?<![\d.,:/\-])(?P<a>\d[\d,]*)\s?-\s?(?P<b>\d[\d,]*)(?![\d,\-])"), _hyphen_range),
    # any other range: 2~3일 2에서 3일, 아홉 시~18시, 9:00~오후 6:00 (espeak-ng reads a tilde as the
    # English word); from a number or a time said before, to a number, a part of the day or 영하
    (re.compile(rf"(?<=[\d시분])\s*[~〜～]\s*(?=\d|(?:{_DAYTIME}|영하)\s?\S)"), lambda m: "에서 "),
    # a tilde drawn out after a word (안녕~, ~까지) is no sound
    (re.compile(r"[~〜～]+(?=\s|$)"), lambda m: ""),
    (re.compile(r"[~〜～]+"), lambda m: " "),
    # capital letters: KBS, TV, A형
    (re.compile(r"(?<![A-Za-z])[A-Z]{2,4}(?![A-Za-z])"), _spelled),
    (re.compile(r"(?<![A-Za-z])[A-Z](?=[가-힣])"), lambda m: _LETTERS[m.group(0)]),
]
