"""Custom map files as people write them by hand: every mistake is one DualTalkError line."""

from __future__ import annotations

import json

import pytest
from dualtalk.dualtalk_blender.rig.mapping import load_mapping, parse_mapping
from dualtalk.inference.core.errors import DualTalkError


def write(tmp_path, text: str):
    path = tmp_path / "map.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_channel_written_twice_is_refused_not_half_dropped(tmp_path):
    """The TD listed jawOpen twice (mouth key, then the teeth key) instead of one list. JSON keeps
    the last entry only, so the mouth key silently never moved; now the file is refused."""
    path = write(tmp_path, '{"map": {"jawOpen": "MouthOpen", "jawOpen": "TeethOpen"}}')
    with pytest.raises(DualTalkError, match="'jawOpen' appears twice") as err:
        load_mapping(path)
    assert "map.json" in str(err.value) and "\n" not in str(err.value)


def test_the_same_targets_in_one_list_still_mix(tmp_path):
    """What the refusal points to works: one entry, two targets."""
    path = write(tmp_path, '{"map": {"jawOpen": ["MouthOpen", {"key": "TeethOpen", "weight": 0.5}]}}')
    assert [(k.key, k.weight) for k in load_mapping(path).keys] == [("MouthOpen", 1.0), ("TeethOpen", 0.5)]


def test_a_number_too_long_for_python_is_one_line(tmp_path):
    """A map with a corrupted 5000-digit weight crashed with Python's own ValueError traceback."""
    path = write(tmp_path, '{"map": {"jawOpen": {"key": "A", "weight": ' + "9" * 5000 + "}}}")
    with pytest.raises(DualTalkError, match="is not valid JSON"):
        load_mapping(path)


def test_a_lone_surrogate_in_a_key_name_is_refused(tmp_path):
    """A map written by a tool that escaped broken text ("\\ud800") crashed with
    UnicodeEncodeError instead of naming the entry."""
    path = write(tmp_path, '{"map": {"jawOpen": "\\ud800"}}')
    with pytest.raises(DualTalkError, match=r"mapping.map\['jawOpen'\]: name is not valid Unicode"):
        load_mapping(path)


def test_a_broken_map_name_cannot_break_the_messages_that_show_it():
    """The map's "name" only labels messages; with a lone surrogate every later message about
    the map (missing targets...) failed to print."""
    mapping = parse_mapping({"name": "face\ud800", "map": {"jawOpen": "A"}})
    assert mapping.name.encode("utf-8")
    assert parse_mapping({"name": {"not": "text"}, "map": {"jawOpen": "A"}}).name == "custom"


@pytest.mark.parametrize(
    ("space", "written", "meant"),
    [
        ("arkit55", "eyeBlink_L", "eyeBlinkLeft"),  # the spelling rig presets accept
        ("arkit55", "MouthSmile_R", "mouthSmileRight"),
        ("flame56", "exp_0", "exp_00"),
        ("flame56", "Exp7", "exp_07"),
    ],
)
def test_a_channel_in_another_common_spelling_gets_a_hint(space, written, meant):
    """The TD wrote channels the way their rig spells them; the refusal named no alternative."""
    with pytest.raises(DualTalkError, match=f"did you mean {meant!r}"):
        parse_mapping({"space": space, "map": {written: "A"}})


def test_an_unrelated_name_gets_no_misleading_hint():
    with pytest.raises(DualTalkError) as err:
        parse_mapping({"map": {"blink": "A"}})
    assert "did you mean" not in str(err.value)


def test_duplicate_keys_are_refused_at_any_depth(tmp_path):
    """Nested objects too: a bone target with two weights kept only the second."""
    entry = '{"bone": "Jaw", "axis": "X", "weight": 1, "weight": 0.3}'
    path = write(tmp_path, '{"map": {"jawOpen": [' + entry + "]}}")
    with pytest.raises(DualTalkError, match="'weight' appears twice"):
        load_mapping(path)
    json.loads(path.read_text())  # plain JSON accepts it: the refusal is ours


def test_a_map_saved_by_notepad_with_a_byte_order_mark_reads(tmp_path):
    """Windows Notepad saves "UTF-8" with a byte-order mark in front; the file was refused as
    "not valid JSON (line 1: Unexpected UTF-8 BOM)" though nothing in it was wrong."""
    path = tmp_path / "map.json"
    path.write_text('{"map": {"jawOpen": "MouthOpen"}}', encoding="utf-8-sig")
    assert [k.key for k in load_mapping(path).keys] == ["MouthOpen"]


@pytest.mark.parametrize(
    "data",
    [
        {"jawOpen": 5},
        {"version": 1, "jawOpen": "MouthOpen", "eyeBlinkLeft": "Blink_L"},
        {"space": "flame56", "exp_00": "Smile"},
        {"eyeBlink_L": "Blink_L"},  # a channel as rig presets spell it
    ],
)
def test_channels_written_at_the_top_level_are_pointed_under_map(data):
    """Review 25, R15: the likeliest first mistake, ``{"jawOpen": 5}``, read only ``unknown field(s)
    jawOpen``; the line now says where channel names go."""
    with pytest.raises(DualTalkError) as err:
        parse_mapping(data)
    line = str(err.value)
    assert line.startswith("mapping: unknown field(s) ") and "\n" not in line
    assert line.endswith('; channel names go under "map" (see docs/blender.md, Custom maps)'), line


def test_an_unknown_field_that_is_no_channel_gets_no_map_hint():
    with pytest.raises(DualTalkError) as err:
        parse_mapping({"map": {"jawOpen": "X"}, "colour": 1})
    assert str(err.value) == "mapping: unknown field(s) colour"
