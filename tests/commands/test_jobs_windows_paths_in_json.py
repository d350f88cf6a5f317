"""A Windows path pasted into a job file as Explorer copies it (``C:\\shots\\a.wav``, single backslashes;
review 33x F16). JSON reads a backslash as an escape: ``\\s`` or ``\\U`` is no JSON ("is not valid JSON
(line 1: Invalid \\escape)", no column, no fix), and ``audio\\take.wav`` is "audio", a tab, "ake.wav"
("path contains control characters"). Each now says where, what, and how to write it."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.commands.jobs import load_jobs
from dualtalk.inference.core.errors import DualTalkError

HEAD = '{"shots": [{"name": "s1", "blend": "scenes/x.blend", "char_a": "Ann", "char_b": "Bob",\n'


def _refusal(tmp_path, audio: str) -> str:
    path = tmp_path / "job.json"
    path.write_text(HEAD + f' "audio": "{audio}", "out": "out/a.blend"}}]}}\n', encoding="utf-8")
    with pytest.raises(DualTalkError) as err:
        load_jobs(path)
    return str(err.value)


FIX = "a backslash in a JSON string starts an escape: write paths with '/' between folders (or '\\\\')"


@pytest.mark.parametrize(
    "audio, column, said",
    [("C:\\shots\\a.wav", 14, "\\s"), ("C:\\Users\\ana\\a.wav", 14, "\\U"), ("C:\\users\\a.wav", 14, "\\u")],
)
def test_a_pasted_windows_path_says_where_and_how_to_write_it(tmp_path, audio, column, said):
    assert _refusal(tmp_path, audio) == (
        f"job file job.json is not valid JSON (line 2, column {column}: '{said}' is no JSON escape; {FIX})"
    )


def test_a_backslash_that_json_reads_as_a_tab_is_said_to_be_one(tmp_path):
    assert _refusal(tmp_path, "audio\\take.wav") == (
        "shot 's1'.audio: path 'audio\\take.wav' contains control characters ('\\t' in the file: a backslash "
        "in a JSON string starts an escape); write '/' between folders"
    )
