"""A Mandarin script line as it is said, for espeak-ng's cmn-latn-pinyin voice to read.

espeak-ng reads most numbers in a Han line right (100元 yi bai yuan, 28块 er shi ba kuai, 3点 san dian)
but not all: "25%" is read "er shi wu" and then the English word "percent" (said 百分之二十五, with its
/p/ and /f/ under the lips), a decimal loses its point ("3.5" san wu: said 三点五), a year is read as a
count ("2024年" er qian ling er shi si nian: said digit by digit 二零二四年), "3:30" loses its 点 (san
san shi), "10000" is read "shi qian" (ten thousand is 一万), and "¥" is dropped. :func:`as_said`
rewrites those forms; every other number is left for espeak-ng to read.

Two is said 两 before a measure word (2个 两个, 2本书 两本书, 2点 两点, 2000元 两千元, 20000人 两万人) and 二
everywhere else: in a number's tens and ones (12, 20, 一万二千), a year (二零二四年), a date or label (2月,
2号, 第2个, 2楼), a decimal (2.5 二点五). At a number's head before 千, 万 and 亿 两 is what speakers say
(两千块, 两万人; 现代汉语词典, 两: "used before 千, 万, 亿"), 二百 and 两百 both: 百 keeps espeak-ng's 二.
A phone number, a QQ or room number and a postcode are said digit by digit, 1 as 幺 (yao), as they are
read out (an 11-digit mobile number was read as 一百三十八亿...): a number of a phone's shape, or after
电话, 手机号, 号码, 房间 and the like. A number followed by a currency or measure word is an amount, whatever
comes before it (这部手机3999元 三千九百九十九元, 投资15000000000元 一百五十亿元).
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_NOT_AFTER = r"(?<![0-9A-Za-z.:])"  # not the tail of 1.5, 3:30, a model name's A4
_NOT_BEFORE = r"(?![0-9.:])"


def number(n: int) -> str:
    """``n`` (0 to 999 999 999 999) in Chinese numerals: 10 十, 105 一百零五, 10500 一万零五百."""
    if n == 0:
        return "零"
    out = ""
    gap = False  # a group of zeros since the last one said
    for value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        group = n // value % 10000
        if group == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _below_10000(group, first=not out) + unit
        gap = False
    return out


def amount(n: int) -> str:
    """``n`` as an amount is said: :func:`number`, with 两 for a 2 at its head before 千, 万 or 亿 (两万)."""
    said = number(n)
    return "两" + said[1:] if said[:2] in ("二千", "二万", "二亿") else said


def _below_10000(n: int, first: bool) -> str:
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = zero or bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_DIGITS[d] + unit)
    said = "".join(parts)
    return said[1:] if first and said.startswith("一十") else said  # 十五, not 一十五, at a number's head


def _digit_by_digit(digits: str) -> str:
    return "".join(_DIGITS[int(d)] for d in digits)


# a 4-digit number before 年 that counts years, not a calendar year: above 2100, or a round thousand
# before 前, 来, 间, 多, 之久, 左右, 的历史 (5000年的历史 wu qian nian, was read 五零零零年)
_YEARS_COUNTED = r"\s*年(?P<c>前(?!后)|来|间|多|之久|左右|的历史|历史)?"
# a yuan amount after ¥: thousands commas (¥1,299) and a 万 or 亿 after it, before the 元 said (¥1.5万)
_YUAN = r"[¥￥]\s*(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d.]|,\d)(?P<k>\s*[万亿])?(?P<u>\s*[元块])?"


def _years_counted(m: re.Match[str]) -> str:
    """5000年, 3000年前 as a count of years (五千年, 三千年前); a calendar year (2024年, 1000年) as written."""
    n = int(m.group("y"))
    counted = n > 2100 or (n % 1000 == 0 and m.group("c"))
    if not counted or "公元" in m.string[max(0, m.start() - 3) : m.start()]:  # 公元前3000年: a year
        return m.group(0)
    return amount(n) + m.group(0)[len(m.group("y")) :]  # (两千五百年)


def _yuan(m: re.Match[str]) -> str:
    """¥1,000 -> 1000元, ¥1.5万 -> 1.5万元, ￥28块 -> 28块: the whole amount, then what it is counted in."""
    return m.group("n").replace(",", "") + (m.group("k") or "").strip() + (m.group("u") or "元")


def _decimal(m: re.Match[str]) -> str:
    whole = int(m.group("w"))
    return (number(whole) if whole >= 10000 else m.group("w")) + "点" + _digit_by_digit(m.group("f"))


def _clock(m: re.Match[str]) -> str:
    hour, minutes = int(m.group("h")), int(m.group("mm"))
    if hour > 24 or minutes > 59:
        return m.group(0)
    said = "两" if hour == 2 else str(hour)  # two o'clock is 两点
    if minutes == 0:
        return f"{said}点"
    if minutes == 30:
        return f"{said}点半"
    return f"{said}点" + ("零" if minutes < 10 else "") + f"{number(minutes)}分"


_AMOUNT = r"(?P<n>\d+(?:\.\d+)?)"
# measure words (and 千 万 亿 百 written after a digit) before which a lone 2 is said 两; 年 not as 年级,
# 点 not as a decimal written in Han (2点5); 月, 号, 楼, 层, 路, 班 are names or dates and keep 二
_MEASURES = (
    "个|本|只|位|次|件|张|条|块|元|杯|瓶|碗|双|对|把|辆|台|部|家|间|岁|天|斤|公斤|千克|克|米|公里|里|小时|钟头|"
    "分钟|秒钟|秒|周|星期|礼拜|种|份|句|遍|趟|回|顿|套|枝|支|朵|棵|头|匹|封|篇|首|倍|毛|角|名|口|场|声|步|片|"
    "颗|粒|根|座|所|门|节|排|行|批|群|样|项|道|桌|盒|包|袋|箱|罐|壶|盘|锅|架|艘|幅|处|笔|副|人|千|万|亿|百|"
    "年(?!级)|点(?![0-9零一二三四五六七八九])"
)
# a 2 after these is a place in an order or a date (第2个, 星期2, 初2), said 二
_ORDER_BEFORE = r"(?<!第)(?<!星期)(?<!礼拜)(?<!周)(?<!初)(?<![-~～/])"
# words before a number that is read out digit by digit (a phone, QQ or room number, a postcode);
# 手机 alone is not one: 这部手机3999元 is a price (手机号 is)
_CODE_BEFORE = (
    r"(?:电话|手机号|号码|编号|卡号|尾号|账号|工号|学号|QQ|qq|微信|邮编|房间|房号|密码)[是为：:\s号]*$"
)
_CODE_DIGITS = "零幺二三四五六七八九"
# a currency or measure word after a number makes it an amount, never a code (手机3999元, 15000000000元)
_AMOUNT_AFTER = re.compile(
    r"\s*(?:多|余)?(?:元|块|毛|角|美元|欧元|日元|港币|人民币|万|亿|千|百|人(?!工)|个(?!人)|位|名|件|张|台|部|岁|天|次|倍|"
    r"斤|公斤|千克|克|吨|米|公里|千米|平方米|平米|[%％])"
)


def _coded(m: re.Match[str]) -> str:
    """A phone number or code digit by digit (1 as 幺); a number that is none, or that a currency or
    measure word follows (an amount), is left as written."""
    digits = m.group(0)
    plain = digits.replace("-", "")
    if "-" not in digits and _AMOUNT_AFTER.match(m.string, m.end()):
        return digits
    phone = (len(plain) == 11 and plain[0] == "1") or (plain[0] == "0" and len(plain) >= 7)
    if phone or re.search(_CODE_BEFORE, m.string[max(0, m.start() - 8) : m.start()]):
        return "".join(_CODE_DIGITS[int(d)] for d in plain)
    return digits


def _two(m: re.Match[str]) -> str:
    """2000-2999 before a measure word as an amount (两千五百米); a lone 2: 两."""
    return amount(int(m.group("n"))) if len(m.group("n")) == 4 else "两"


def as_said(text: str) -> str:
    """``text`` (a Mandarin line, its full-width digits already folded) with the forms espeak-ng
    misreads rewritten: %, decimals, years, clock times, 10 000 and up, ¥, a phone number, 两."""
    text = re.sub(rf"{_NOT_AFTER}(?:0\d{{2,3}}-\d{{7,8}}|\d{{3,12}}){_NOT_BEFORE}(?!\s*年)", _coded, text)
    text = re.sub(rf"{_NOT_AFTER}(?P<h>\d{{1,2}}):(?P<mm>\d{{2}}){_NOT_BEFORE}", _clock, text)
    text = re.sub(rf"{_NOT_AFTER}(?P<y>\d{{4}}){_YEARS_COUNTED}", _years_counted, text)
    text = re.sub(rf"{_NOT_AFTER}(?P<y>\d{{4}})(?=\s*年)", lambda m: _digit_by_digit(m.group("y")), text)
    text = re.sub(rf"{_NOT_AFTER}{_AMOUNT}\s*[%％]", lambda m: f"百分之{m.group('n')}", text)
    text = re.sub(_YUAN, _yuan, text)
    text = re.sub(  # (after ¥: ¥2000 两千元)
        rf"{_NOT_AFTER}{_ORDER_BEFORE}(?P<n>2|2\d{{3}}){_NOT_BEFORE}(?=\s*多?\s*(?:{_MEASURES}))", _two, text
    )
    text = re.sub(rf"{_NOT_AFTER}(?P<w>\d+)\.(?P<f>\d+){_NOT_BEFORE}", _decimal, text)
    return re.sub(
        rf"{_NOT_AFTER}(?P<n>[1-9]\d{{4,11}}){_NOT_BEFORE}", lambda m: amount(int(m.group("n"))), text
    )
