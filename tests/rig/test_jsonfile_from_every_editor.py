"""Maps and job files saved by Windows tools (review 33x, F1, F2, F8): PowerShell 5.1's ``>`` and
``Out-File`` write UTF-16, Notepad a UTF-8 byte-order mark; both read like plain UTF-8."""

from __future__ import annotations

import json

import pytest
from dualtalk.dualtalk_blender.commands.jobs import load_jobs
from dualtalk.dualtalk_blender.rig.mapping import load_mapping
from dualtalk.inference.core.errors import DualTalkError

MAP = {"name": "Señora", "map": {"jawOpen": "Boca_Abierta", "mouthSmileLeft": "Sonrisa_Izq_José"}}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_a_map_saved_as_utf16_or_with_a_bom_loads_like_utf8(tmp_path, encoding):
    """A UTF-16 map was "mapping file map.json is not UTF-8 text"."""
    text = json.dumps(MAP, indent=2, ensure_ascii=False).replace("\n", "\r\n")
    plain, other = tmp_path / "plain.json", tmp_path / "map.json"
    plain.write_text(text, encoding="utf-8")
    raw = text.encode(encoding)
    other.write_bytes(b"\xfe\xff" + raw if encoding == "utf-16-be" else raw)
    assert load_mapping(other).keys == load_mapping(plain).keys
    assert load_mapping(other).name == "Señora"


def test_a_job_file_from_powershell_out_file_runs_its_shots(tmp_path):
    (tmp_path / "escena.blend").write_bytes(b"BLENDER")
    (tmp_path / "José.wav").write_bytes(b"RIFF")
    job = {"shots": [{"name": "café", "blend": "escena.blend", "char_a": "José", "char_b": "María",
                      "audio": "José.wav", "out": "out/café.blend"}]}  # fmt: skip
    path = tmp_path / "job.json"
    path.write_bytes(json.dumps(job, indent=2, ensure_ascii=False).replace("\n", "\r\n").encode("utf-16"))
    (shot,) = load_jobs(path)
    assert (shot.name, shot.char_a, shot.out) == ("café", "José", tmp_path / "out" / "café.blend")
    assert shot.req.audio == str(tmp_path / "José.wav")


def test_a_job_file_in_the_windows_code_page_names_the_line_and_the_fix(tmp_path):
    path = tmp_path / "job.json"
    path.write_bytes('{\r\n  "shots": [\r\n    {"name": "café"}\r\n  ]\r\n}\r\n'.encode("cp1252"))
    with pytest.raises(DualTalkError) as err:
        load_jobs(path)
    assert str(err.value) == (
        "job file job.json is not UTF-8 text (line 3, byte 0xE9: '\"café\"}' if it was saved as "
        "Windows-1252 / Latin-1); save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"
    )


def test_a_map_padded_with_nul_bytes_is_called_binary_not_bad_json(tmp_path):
    """It was "is not valid JSON (line 5: Extra data)"."""
    path = tmp_path / "map.json"
    path.write_bytes(json.dumps(MAP).encode() + b"\n" + b"\x00" * 512)
    with pytest.raises(DualTalkError) as err:
        load_mapping(path)
    assert (
        str(err.value)
        == "mapping file map.json holds NUL bytes (line 2), so it is binary, not a JSON text file"
    )
