"""A recording copied from a Mac keeps its name decomposed (NFD: ``e`` + a combining accent); the TD
types ``josé.wav`` on Linux, composed (NFC). The two look the same, and "audio file not found:
.../josé.wav" named a file ``ls`` showed right there. Now the line says the folder holds it under
another spelling and how to proceed; the file is not silently used in its place."""

from __future__ import annotations

import unicodedata

import pytest
from dualtalk.cli import main
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.inputs import check_input_file

NFC = unicodedata.normalize("NFC", "josé.wav")
NFD = unicodedata.normalize("NFD", "josé.wav")


def test_a_name_typed_composed_for_a_file_stored_decomposed_says_so(tmp_path, capsys):
    (tmp_path / NFD).write_bytes(b"RIFF")  # a real decomposed name on disk
    assert NFC != NFD and not (tmp_path / NFC).exists()
    capsys.readouterr()
    assert main(["infer", "--audio", str(tmp_path / NFC), "--out", str(tmp_path / "take")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert err == [
        f"error: audio file not found: {tmp_path / NFC} ({tmp_path / NFD} is there, its name in decomposed "
        "form (NFD, as macOS writes names): 'jose\\u0301.wav'; rename it, or give the name as the folder "
        "lists it)"
    ]
    assert not (tmp_path / "take").exists()


def test_a_folder_stored_composed_typed_decomposed_is_named(tmp_path):
    folder = unicodedata.normalize("NFC", "Åsa takes")
    (tmp_path / folder).mkdir()
    typed = tmp_path / unicodedata.normalize("NFD", "Åsa takes") / "A.npz"
    with pytest.raises(DualTalkError) as refused:
        check_input_file(typed, "motion file")
    assert str(refused.value) == (
        f"motion file not found: {typed} ({tmp_path / folder} is there, its name in composed form (NFC): "
        "'\\xc5sa takes'; rename it, or give the name as the folder lists it)"
    )


def test_a_name_missing_in_every_spelling_is_plain_not_found(tmp_path):
    with pytest.raises(DualTalkError) as refused:
        check_input_file(tmp_path / NFC, "audio file")
    assert str(refused.value) == f"audio file not found: {tmp_path / NFC}"
