"""A Bulgarian script in the past tense, a Ukrainian one that points with он: words the neighbour
writes itself are no sign of Russian. "Мария е купила нова кола, а Иван е купил къща." was refused as
Russian ('купила', 'купил', "which Bulgarian does not use"; review rv40a F2), although the l-participle
is everyday Bulgarian; a Ukrainian line with он ("there") twice was refused the same way."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.script_languages import LOOKS_SAID, wrong_language

BULGARIAN_PAST = [
    "Мария е купила нова кола, а Иван е купил къща.",
    "Той купил ли е хляб? Купила съм мляко.",
    "Вчера купих билети, а ти какво купи?",
]
UKRAINIAN_POINTING = ["Он вона йде, он там, бачиш?", "Так, бачу."]


@pytest.mark.parametrize(
    ("lines", "language"),
    [(BULGARIAN_PAST, "bg"), (UKRAINIAN_POINTING, "uk")],
    ids=["Bulgarian", "Ukrainian"],
)
def test_the_neighbours_own_words_are_not_taken_for_russian(lines, language):
    assert wrong_language(lines, language) == ("", "")


def test_russian_in_the_past_tense_given_as_bulgarian_is_still_named_russian():
    why, looks = wrong_language(["Что ты купила сегодня?", "Это очень хорошо."], "bg")
    assert why.startswith(f"{LOOKS_SAID} Russian (")
    assert looks == "ru"
