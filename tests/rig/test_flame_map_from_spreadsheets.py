"""The FLAME/ARKit map as a spreadsheet or editor saves it: Excel's "CSV UTF-8" (a byte-order mark),
Excel's "Unicode Text" (UTF-16, tabs), a German/French Excel's CSV (``;`` and decimal commas), a JSON
file from Notepad (a byte-order mark). Each reads as the same matrix the plain file gives."""

from __future__ import annotations

import json

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.flame_arkit import MAP_COLS, MAP_ROWS, load_arkit_flame_map
from dualtalk.inference.core.errors import DualTalkError


@pytest.fixture
def matrix():
    return np.round(np.random.default_rng(3).normal(0.0, 0.5, (MAP_ROWS, MAP_COLS)), 6)


def rows(m, sep, decimal="."):
    return [sep.join(f"{v:.6f}".replace(".", decimal) for v in row) for row in m]


def test_excel_csv_utf8_with_its_byte_order_mark(tmp_path, matrix):
    p = tmp_path / "map.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows(matrix, ",")).encode())  # was: '\ufeff0.76' is no float
    assert np.array_equal(load_arkit_flame_map(p), matrix)


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path, matrix):
    p = tmp_path / "map.txt"
    p.write_bytes("\r\n".join(rows(matrix, "\t")).encode("utf-16"))
    assert np.array_equal(load_arkit_flame_map(p), matrix)


def test_a_german_excel_csv_with_semicolons_and_decimal_commas(tmp_path, matrix):
    p = tmp_path / "map.csv"
    p.write_text("\r\n".join(rows(matrix, ";", decimal=",")), encoding="utf-8")  # was: '0,76;1,2' no float
    assert np.array_equal(load_arkit_flame_map(p), matrix)


def test_a_json_map_saved_by_notepad(tmp_path, matrix):
    p = tmp_path / "map.json"
    p.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"matrix": matrix.tolist()}).encode()
    )  # was: Unexpected UTF-8 BOM
    assert np.array_equal(load_arkit_flame_map(p), matrix)


def test_a_windows_1252_csv_is_one_line_saying_how_to_save_it(tmp_path, matrix):
    p = tmp_path / "map.csv"
    p.write_bytes(b"# Jos\xe9's map\n" + "\n".join(rows(matrix, ",")).encode())
    with pytest.raises(DualTalkError, match=r"map\.csv .*save it as UTF-8"):
        load_arkit_flame_map(p)


def test_comma_separated_values_still_read_as_before(tmp_path, matrix):
    p = tmp_path / "map.csv"
    p.write_text("# ARKit rows x FLAME columns\n" + "\n".join(rows(matrix, ",")) + "\n", encoding="utf-8")
    assert np.array_equal(load_arkit_flame_map(p), matrix)
    p.write_text("\n".join(rows(matrix[:, :50], ",")), encoding="utf-8")
    with pytest.raises(DualTalkError, match="expected a 51 x 103"):
        load_arkit_flame_map(p)
