"""A Brazilian studio's Portuguese script given Script Language Mandarin (``cmn``, ``zh``): before,
it passed for pinyin, as most of its words fit the shapes the check took for pinyin (any initial
with any final: "muito" as mu-i-to, "bebe", "perto", "bonito", "café"), and espeak-ng's Mandarin
reading was drawn. Now pinyin is the syllables Mandarin has, and the letters and words pinyin never
writes (ã, ç, 'não', 'muito') name Portuguese; pinyin itself, with tone marks, tone numbers or
none, is never questioned."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.script_guess import is_pinyin, looks_other
from dualtalk.inference.phonetic.script_languages import wrong_language

PORTUGUESE = [
    "Meu pai bebe muito café de manhã.",
    "Você quer ir à praia amanhã?",
    "Não sei, mas acho que vai chover.",
    "A menina comprou um bolo de banana.",
    "O barco passou bem perto da ponte.",
]


@pytest.mark.parametrize("language", ["cmn", "zh", "cmn-latn-pinyin", "zh_TW"])
def test_a_portuguese_script_given_as_mandarin_is_refused_naming_portuguese(language):
    why, code = wrong_language(PORTUGUESE, language)
    assert code == "pt-br", why
    assert why.startswith("its lines look Portuguese (") and "ã" in why.split(")")[0], why
    assert "not pinyin (give --transcript-language pt-br|pt if it is Portuguese)" in why


@pytest.mark.parametrize("line", ["Meu pai bebe muito café de manhã.", "Você pode me ajudar com isso?",
                                  "Não sei onde deixei as chaves."])  # fmt: skip
def test_a_single_portuguese_line_as_mandarin_is_named_too(line):
    guess = looks_other([line], "cmn")
    assert guess is not None and guess.code == "pt", line


@pytest.mark.parametrize("word", ["muito", "bebe", "perto", "bonito", "café", "mercado", "kadar", "war"])
def test_words_of_other_languages_are_not_pinyin(word):
    assert not is_pinyin(word)


@pytest.mark.parametrize(
    "word",
    ["ni3", "hǎo", "Zhōngguó", "xièxie", "Xī'ān", "nǚ", "lüe", "nv3", "lve4", "nǎr", "yìdiǎnr", "wan2r",
     "shénme", "zěnmeyàng", "jiějie", "qiong2", "zhuàng", "shuāng", "er2", "ńg", "hm", "ê", "yo", "juéde",
     "pai", "de", "women"],
)  # fmt: skip
def test_every_kind_of_pinyin_word_is_pinyin(word):
    assert is_pinyin(word)


@pytest.mark.parametrize(
    "lines",
    [["Nǐ è bú è? Wǒmen kěyǐ diǎn wàimài.", "Wǒ bù zhīdào yàoshi fàng zài nǎlǐ le."],
     ["ni3 e4 bu2 e4? wo3 men5 ke3 yi3 dian3 wai4 mai4.", "ta1 qu4 na3r4 le5?"],
     ["ni hao, ni jintian zenmeyang?", "wo xiang qu shangdian mai niunai he mianbao."],
     ["Wǒ ài Běijīng, yě ài Shànghǎi.", "Xièxie nǐ, zàijiàn!"],
     ["Li Ming: wo3 de5 peng2 you5 Maria lai2 le5."]],
)  # fmt: skip
def test_pinyin_is_never_questioned(lines):
    assert wrong_language(lines, "cmn") == ("", "")
