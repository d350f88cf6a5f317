"""A path with a blank at either end of a name (pasted with its trailing space, a job file's
``"talk.wav "``): "not found: .../talk.wav" named a file the user could see was there (review 33x, F7)."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.inputs import check_input_file


@pytest.fixture
def talk(tmp_path):
    (tmp_path / "talk.wav").write_bytes(b"RIFF")
    return tmp_path / "talk.wav"


def _refusal(path) -> str:
    with pytest.raises(DualTalkError) as err:
        check_input_file(path, "audio file")
    return str(err.value)


def test_a_name_ending_with_a_space_is_quoted_and_the_file_without_it_named(talk):
    assert (
        _refusal(f"{talk} ") == f"audio file not found: '{talk} ' (the name ends with a blank; {talk} exists)"
    )


def test_a_name_beginning_with_a_tab_or_a_folder_ending_with_a_space_is_said_too(talk):
    tabbed = talk.parent / "\ttalk.wav"
    assert (
        _refusal(tabbed)
        == f"audio file not found: {str(tabbed)!r} (the name begins with a blank; {talk} exists)"
    )
    spaced = f"{talk.parent} /talk.wav"
    assert _refusal(spaced) == (
        f"audio file not found: '{spaced}' (a folder's name begins or ends with a blank; {talk} exists)"
    )


def test_a_plain_missing_file_keeps_its_plain_line(talk):
    assert _refusal(talk.parent / "other.wav") == f"audio file not found: {talk.parent / 'other.wav'}"
    assert _refusal(talk.parent / "gone.wav ") == (
        f"audio file not found: '{talk.parent / 'gone.wav '}' (the name ends with a blank)"
    )
