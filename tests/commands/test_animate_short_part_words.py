"""``animate`` reads the shot's audio itself before the engine runs; a tenth of a second inside A's
line (``--recognise --start 1 --end 1.1``) said "no speech detected in either stream" there too, and
then drew A's words (review 29a, nit 10g; tests/engine/test_short_part_words.py is ``infer``'s story).

Recognition is replaced by fixed words (it is tested in tests/phonetic/test_recognise.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from robustness_util import run_cli
from test_animate_recognised_words import heard  # noqa: F401  (the fixture)
from test_blender_animate import build_scene, two_voices


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("short_part") / "in.blend")


def test_a_tenth_of_a_second_inside_as_line_is_not_called_speechless(scene, tmp_path, heard, capsys):  # noqa: F811
    audio = two_voices(tmp_path / "talk.wav")  # A talks through the first 1.5 s
    argv = ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--audio", str(audio), "--recognise", "--start", "1", "--end", "1.1",
            "--engine", "lite", "--device", "cpu", "--out", str(tmp_path / "shot.blend")]  # fmt: skip
    code, err, line = run_cli(capsys, argv)
    assert code == 0, err
    assert "no speech detected" not in "\n".join(err), err
    assert "lips from the recognised words" in line, line
