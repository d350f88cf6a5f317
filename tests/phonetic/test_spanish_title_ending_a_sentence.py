"""A Spanish writer ends a sentence on a title: "Esperamos al Dr. Después llegó tarde." The one full
stop is the abbreviation's and the sentence's, so the title is said and the stop stays (espeak-ng
pauses there); before, the stop went with the abbreviation and the two sentences ran together
(review rv41e F3). A surname after a title, even one that starts with a particle (Del Río, La Rosa),
keeps the title and name together with no pause."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Esperamos al Dr. Después llegó tarde.", "Esperamos al doctor. Después llegó tarde."),
        ("Llamé a la Sra. Luego comimos.", "Llamé a la señora. Luego comimos."),
        ("Vino el Sr. ¿Y usted?", "Vino el señor. ¿Y usted?"),
    ],
)
def test_a_title_that_ends_a_sentence_keeps_the_sentences_stop(written, said):
    assert as_said(written, "es") == said


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Hablé con el Sr. García ayer.", "Hablé con el señor García ayer."),
        ("el Sr. Del Río", "el señor Del Río"),
        ("la Sra. La Rosa", "la señora La Rosa"),
    ],
)
def test_a_title_before_a_name_runs_on_into_it(written, said):
    assert as_said(written, "es") == said
