"""A TD re-generates frames of a take whose record of its recording lost a field (a script that
rewrote the record, a file merged by hand): every DualTalk that kept that record wrote the recording's
files, start and end, so one missing is damage. Before, ``animate --range`` stopped on "internal error
(KeyError: 'start')" (review 33u: a take's ``audio`` without ``start``); now the record is damaged in
one line naming the file, the action and the field, and a whole take is still made over it."""

from __future__ import annotations

import json
from pathlib import Path

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import records
from robustness_util import assert_refused, make_kit, run_cli, write_stereo

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict[str, Path]:
    """Ann and Bob's take animate made from talk.wav (its record of the recording whole)."""
    from dualtalk import cli

    root = make_kit(tmp_path_factory.mktemp("lacking"))
    audio = write_stereo(root / "in" / "talk.wav", seconds=1.2)
    out = root / "take.blend"
    assert cli.main(["animate", "--blend", str(root / "in" / "scene.blend"), "--audio", str(audio),
                     "--out", str(out), *CHARS]) == 0  # fmt: skip
    return {"root": root, "blend": out, "audio": audio}


@pytest.mark.parametrize("field", ["start", "end", "files"])
def test_a_record_without_its_part_is_damaged_not_a_keyerror(take, field, tmp_path, capsys):
    bpy.ops.wm.open_mainfile(filepath=str(take["blend"]))
    for action in bpy.data.actions:
        if "dualtalk" in action.keys():
            record = json.loads(action["dualtalk"])
            if isinstance(record.get("audio"), dict):
                del record["audio"][field]
                action["dualtalk"] = json.dumps(record)
    lacking = tmp_path / "lacking.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(lacking))

    code, err, _ = run_cli(capsys, ["animate", "--blend", str(lacking), "--audio", str(take["audio"]),
                                    "--range", "5-15", "--out", str(tmp_path / "r.blend"), *CHARS])  # fmt: skip
    line = assert_refused(code, err, f"its 'audio' lacks '{field}'")
    assert "lacking.blend: DualTalk's record 'dualtalk' on action" in line
    assert not (tmp_path / "r.blend").exists()

    code, err, _ = run_cli(capsys, ["animate", "--blend", str(lacking), "--audio", str(take["audio"]),
                                    "--take", "again", "--out", str(tmp_path / "w.blend"), *CHARS])  # fmt: skip
    assert code == 0, err


def test_the_reader_names_what_is_missing():
    record = {"take": "t", "audio": {"files": ["talk.wav"], "end": 2.0, "swap": False, "fingerprint": ""}}
    with pytest.raises(records.DamagedRecord, match="its 'audio' lacks 'start'"):
        records.action_record(json.dumps(record))
    record["audio"]["start"] = 0.0
    assert records.action_record(json.dumps(record))["audio"]["start"] == 0.0
