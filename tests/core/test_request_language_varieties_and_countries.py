"""A script's language typed as a variety or a country, or a tag pasted with a space: the hint names
the language meant. "Portuguese (BR)" was told 'Portuguese', Portugal's variety, which reads
quilómetro and cêntimos; "Japan" was told 'Japans' (Dutch) and "China" 'Chino' (Spanish); a pasted
'PT-BR ' was refused with no hint, though '  english  ' was read (review rv40a F3)."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.language_names import tag_for
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic.script_languages import espeak_voice


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Portuguese (BR)", "Portuguese (Brazil)"), ("Português (BR)", "Português (Brasil)"),
     ("Portuguese BR", "Portuguese (Brazil)"), ("Brazilian Portugese", "Brazilian Portuguese")],
)  # fmt: skip
def test_a_variety_typed_short_is_told_that_varietys_name(typed, meant):
    with pytest.raises(DualTalkError) as refused:
        Request(transcript="t.txt", transcript_language=typed).validate()
    assert str(refused.value).endswith(f"(did you mean {meant!r}?)")
    assert tag_for(meant) == "pt-br"


@pytest.mark.parametrize(
    ("typed", "meant", "tag"),
    [("Japan", "Japanese", "ja"), ("China", "Chinese", "cmn"), ("Brazil", "Portuguese (Brazil)", "pt-br"),
     ("中国", "中文", "cmn"), ("Mexico", "Spanish", "es")],
)  # fmt: skip
def test_a_country_is_told_its_languages_name_in_the_letters_typed(typed, meant, tag):
    with pytest.raises(DualTalkError, match="espeak-ng speaks no such language") as refused:
        espeak_voice(typed, "--transcript-language")
    assert f"(did you mean {meant!r}? " in str(refused.value)
    assert tag_for(meant) == tag


@pytest.mark.parametrize(
    ("typed", "meant"), [("Mandarim", "Mandarin"), ("ptbr", "pt-br"), ("Japanse", "Japanese")]
)
def test_a_latin_slip_is_told_a_latin_name_or_the_tag(typed, meant):
    with pytest.raises(DualTalkError, match=rf"did you mean {meant!r}\?"):
        espeak_voice(typed, "--transcript-language")


@pytest.mark.parametrize("pasted", ["PT-BR ", " pt-br", "\tja\n"])
def test_a_tag_pasted_with_spaces_around_it_is_read(pasted):
    request = Request(transcript="t.txt", transcript_language=pasted, transcript_language_b=pasted).validate()
    assert request.transcript_language == pasted.strip()
    assert espeak_voice(request.transcript_language) in ("pt-br", "ja")
