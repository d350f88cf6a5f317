"""A .blend from elsewhere (a colleague's, an asset library, a script's slip) whose DualTalk records are
damaged: one nested 100,000 deep, or of another shape (a list where an object belongs, ``"fps": 0``,
``"start_frame": 1e300``). Before, each was read with plain ``json.loads`` and trusted: ``animate``
ended in "internal error (RecursionError ...)" or an AttributeError, exit 1; Remove Take stopped on
an internal error and Export FBX raised a traceback (review 29a, finding 12).

Now each record has one reader (``scene/records.py``). A record that only helps is read as absent:
the scene's markers and frame range, a sound strip's pair, a layer action's take record in a whole
take. One whose absence would cost the animator's work is refused in one line naming the file, the
object and the record: the keys DualTalk wrote (a take would replace hand edits unsaid), what a
datablock was before its first take (Remove Take restores from it), and the take record a range is
placed by."""

from __future__ import annotations

from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers, records
from robustness_util import assert_refused, make_kit, run_cli, write_stereo

DEEP = "[" * 100_000 + "]" * 100_000
CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--quiet"]
ENGINE = ["--engine", "lite", "--device", "cpu"]
HOLDERS = {  # record -> what holds it
    "dualtalk_markers": lambda: [bpy.context.scene],
    "dualtalk_range": lambda: [bpy.context.scene],
    "dualtalk": lambda: [a for a in bpy.data.actions if "dualtalk" in a.keys()],
    "dualtalk_keys": lambda: [a for a in bpy.data.actions if "dualtalk_keys" in a.keys()],
    "dualtalk_before": lambda: [k for k in bpy.data.shape_keys if "dualtalk_before" in k.keys()],
    "dualtalk_pair": lambda: [
        s for s in bpy.context.scene.sequence_editor.strips_all if "dualtalk_pair" in s
    ],
    "dualtalk_plays": lambda: [
        s for s in bpy.context.scene.sequence_editor.strips_all if "dualtalk_plays" in s
    ],
}
ACTION_SHAPES = {  # the take record of another shape, as the review found it trusted
    "list": "[]",
    "text": '"x"',
    "fields": '{"start_frame": "x", "take": [1], "character": {}, "fps": "y"}',
    "fps 0": '{"fps": 0, "start_frame": 1}',
    "far frame": '{"fps": 25, "start_frame": 1e300}',
}


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict[str, Path]:
    """Ann and Bob's take (motion files and their recording): every record DualTalk keeps is there."""
    root = make_kit(tmp_path_factory.mktemp("records"))
    audio = write_stereo(root / "in" / "talk.wav", seconds=1.2)
    out = root / "take.blend"
    kit = ["--motion-a", str(root / "in" / "A.npz"), "--motion-b", str(root / "in" / "B.npz")]
    code = _cli(["animate", "--blend", str(root / "in" / "scene.blend"), *kit, "--audio", str(audio),
                 "--out", str(out), *CHARS])  # fmt: skip
    assert code == 0
    return {"root": root, "blend": out, "audio": audio}


def _cli(argv: list[str]) -> int:
    from dualtalk import cli

    return cli.main(argv)


def damaged(take: dict[str, Path], prop: str, value: str, name: str) -> Path:
    """The take saved as ``name`` with every ``prop`` record set to ``value``."""
    bpy.ops.wm.open_mainfile(filepath=str(take["blend"]))
    holders = HOLDERS[prop]()
    assert holders, prop
    for holder in holders:
        holder[prop] = value
    path = take["root"] / name
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def animate(path: Path, out: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    argv = ["animate", "--blend", str(path), "--audio", str(path.parent / "in" / "talk.wav"), *ENGINE]
    return run_cli(capsys, [*argv, "--out", str(out), *extra, *CHARS])


# -- the readers ---------------------------------------------------------------------------------

READERS = {
    "dualtalk": records.action_record,
    "dualtalk_keys": records.digest_record,
    "dualtalk_before": records.before_record,
    "dualtalk_range": records.scene_range_record,
    "dualtalk_pair": records.pair_record,
    "dualtalk_plays": records.plays_record,
    "dualtalk_markers": records.entries,
}
WRONG = [("dualtalk", s) for s in ACTION_SHAPES.values()] + [  # fmt: skip
    ("dualtalk", '{"fps": Infinity}'),
    ("dualtalk", '{"audio": {"start": -1e300}}'),
    ("dualtalk", '{"rest": [1, 2]}'),
    ("dualtalk", '{"audio": {"lips": {"lip_release": 7, "lip_rounding": 0.5}}}'),
    ("dualtalk", '{"audio": {"lips": {"lip_release": 0.75}}}'),
    ("dualtalk", '{"audio": {"lips": "0.75"}}'),
    ("dualtalk", 5),
    ("dualtalk_keys", "[]"),
    ("dualtalk_keys", '{"x": 5}'),
    ("dualtalk_before", "[]"),
    ("dualtalk_before", '{"values": [["key_blocks[\\"jawOpen\\"].value", 0, NaN]]}'),
    ("dualtalk_before", '{"kept": [{"track": 1}]}'),
    ("dualtalk_before", '{"influence": "y"}'),
    ("dualtalk_range", '{"before": [1, 1e300], "set": [1, 30]}'),
    ("dualtalk_range", '{"before": "x", "set": [1, 30]}'),
    ("dualtalk_pair", '"Ann"'),
    ("dualtalk_pair", "[[], {}]"),
    ("dualtalk_markers", '{"pair": 1}'),
    ("dualtalk_plays", 5),
    ("dualtalk_plays", 1e300),
    ("dualtalk_plays", "1e300"),
    ("dualtalk_plays", '["talk.wav", "0f3a"]'),
    ("dualtalk_plays", '{"file": "talk.wav"}'),
    ("dualtalk_plays", '{"file": 5, "sound": "0f3a"}'),
    ("dualtalk_plays", '{"file": "talk.wav", "sound": ["0f3a"]}'),
]


@pytest.mark.parametrize("prop,value", [(p, DEEP) for p in READERS] + WRONG)
def test_every_reader_says_why_a_record_is_damaged_and_never_raises_anything_else(prop, value):
    with pytest.raises(records.DamagedRecord) as caught:
        READERS[prop](value)
    assert "\n" not in str(caught.value) and str(caught.value)


def test_the_records_dualtalk_writes_read_back_as_they_were(take):
    bpy.ops.wm.open_mainfile(filepath=str(take["blend"]))
    for prop, holders in HOLDERS.items():
        for holder in holders():
            READERS[prop](holder[prop])  # no DamagedRecord
    assert records.frame(1048574.0, "frame") == 1048574
    assert records.scene_range_record('{"before": [1, 250], "set": [1, 30], "fps": 0.0}')["fps"] == 0.0


# -- animate and --range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prop",
    ["dualtalk_markers", "dualtalk_range", "dualtalk", "dualtalk_before", "dualtalk_pair", "dualtalk_plays"],
)
def test_a_deep_record_that_only_helps_is_read_as_absent_by_a_whole_take_and_a_range(take, prop, capsys):
    path = damaged(take, prop, DEEP, f"deep_{prop}.blend")
    out = take["root"] / f"o_{prop}.blend"
    code, err, _out = animate(path, out, capsys, "--motion-a", str(take["root"] / "in" / "A.npz"),
                              "--motion-b", str(take["root"] / "in" / "B.npz"))  # fmt: skip
    assert code == 0, err
    if prop == "dualtalk":  # a range is placed by the take record: refused, as below
        return
    code, err, out_text = animate(path, take["root"] / f"r_{prop}.blend", capsys, "--range", "5-10")
    assert code == 0, err
    assert "re-generated frames 5-10" in out_text


@pytest.mark.parametrize("shape", list(ACTION_SHAPES.values()), ids=list(ACTION_SHAPES))
def test_a_whole_take_over_a_take_record_of_another_shape_reads_it_as_absent(take, shape, capsys, tmp_path):
    """The whole take writes its own record; the earlier take's actions, whose record no longer says
    which take they were, stay in the file (kept with a fake user, as another take's would)."""
    path = damaged(take, "dualtalk", shape, "shape.blend")
    kit = ["--motion-a", str(take["root"] / "in" / "A.npz"), "--motion-b", str(take["root"] / "in" / "B.npz")]
    code, err, _out = animate(path, tmp_path / "o.blend", capsys, *kit)
    assert code == 0, err
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "o.blend"))
    ann = bpy.data.objects["Ann"]
    assert layers.take_meta(ann)["take"] == "o" and layers.take_meta(ann)["start_frame"] == 1


@pytest.mark.parametrize("shape", [DEEP, *ACTION_SHAPES.values()], ids=["deep", *ACTION_SHAPES])
def test_a_range_on_a_damaged_take_record_is_one_line_naming_the_action(take, shape, capsys, tmp_path):
    path = damaged(take, "dualtalk", shape, "shape.blend")
    code, err, _out = animate(path, tmp_path / "r.blend", capsys, "--range", "5-10")
    line = assert_refused(code, err, "shape.blend: DualTalk's record 'dualtalk' on action 'DualTalk_take_Ann")
    assert "is damaged (" in line and "Generate the whole take again" in line
    assert not (tmp_path / "r.blend").exists()


@pytest.mark.parametrize("shape", [DEEP, "[]", '{"x": 5}'], ids=["deep", "list", "number"])
def test_damaged_records_of_the_keys_dualtalk_wrote_stop_a_take_before_it_replaces_hand_edits(
    take, shape, capsys, tmp_path
):
    """Without the record, keys the animator edited in DualTalk's layers would be replaced unsaid."""
    path = damaged(take, "dualtalk_keys", shape, "keys.blend")
    kit = ["--motion-a", str(take["root"] / "in" / "A.npz"), "--motion-b", str(take["root"] / "in" / "B.npz")]
    for extra in (kit, ["--range", "5-10"]):
        code, err, _out = animate(path, tmp_path / "o.blend", capsys, *extra)
        line = assert_refused(
            code, err, "keys.blend: DualTalk's record 'dualtalk_keys' on action 'DualTalk_take_"
        )
        assert (
            "cannot be told from DualTalk's, so nothing was changed" in line
            and ".pop('dualtalk_keys')" in line
        )
        assert not (tmp_path / "o.blend").exists()


# -- the add-on: Remove Take and Export FBX ----------------------------------------------------------


@pytest.fixture
def addon(tmp_path):
    ah.fresh_scene_with_addon(tmp_path / "models")
    yield
    ah.disable_addon()


def _open_in_addon(path: Path):
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene = bpy.context.scene
    scene.dualtalk.char_a, scene.dualtalk.char_b = bpy.data.objects["Ann"], bpy.data.objects["Bob"]
    return scene


def _status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


@pytest.mark.parametrize("prop", list(HOLDERS))
def test_export_fbx_and_remove_take_on_a_deep_record_never_raise_an_internal_error(
    take, addon, prop, tmp_path
):
    path = damaged(take, prop, DEEP, f"addon_{prop}.blend")
    scene = _open_in_addon(path)
    assert bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "x.fbx")) == {"FINISHED"}
    assert (tmp_path / "x.fbx").is_file()
    if prop == "dualtalk_before":
        return  # refused: below
    assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}, _status()
    assert "internal error" not in _status() and _status().startswith("DualTalk: removed take 'take'")
    assert not [a for a in bpy.data.actions if "dualtalk" in a.keys()]
    if prop == "dualtalk_range":
        assert "the scene's frame range stays as it is: DualTalk's record 'dualtalk_range'" in _status()
    del scene


BEFORE_SHAPES = {
    "deep": DEEP,
    "list": "[]",
    "values": '{"values": 5}',
    "kept": '{"kept": [{"track": 1}]}',
    "influence": '{"animation_data": true, "influence": "y"}',
}


@pytest.mark.parametrize("shape", list(BEFORE_SHAPES.values()), ids=list(BEFORE_SHAPES))
def test_remove_take_refuses_a_damaged_before_record_in_one_line_and_changes_nothing(take, addon, shape):
    """Read as absent, the record would put the animator's shape keys at rest instead of their values."""
    path = damaged(take, "dualtalk_before", shape, "before.blend")
    scene = _open_in_addon(path)
    before = ah.scene_fingerprint(scene)
    with pytest.raises(RuntimeError) as caught:
        bpy.ops.dualtalk.remove_take()
    message = str(caught.value).strip()
    assert "\n" not in message and "Traceback" not in message and "internal error" not in message
    assert (
        "before.blend: DualTalk's record 'dualtalk_before' on the shape keys of 'Ann' is damaged (" in message
    )
    assert "bpy.data.shape_keys['Key'].pop('dualtalk_before')" in message
    assert ah.scene_fingerprint(scene) == before


@pytest.mark.parametrize(
    "prop,value",
    [("dualtalk_markers", '[["DT Ann speaks", Infinity]]'), ("dualtalk_markers", '[{"markers": [["DT", 1e300]]}]'),
     ("dualtalk_pair", '[["Ann"], {"x": 1}]'), ("dualtalk_range", '{"before": [1, 1e300], "set": [1, 30]}')],
)  # fmt: skip
def test_remove_take_reads_a_helping_record_of_another_shape_as_absent(take, addon, prop, value):
    _open_in_addon(damaged(take, prop, value, "shape.blend"))
    assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}, _status()
    assert _status().startswith("DualTalk: removed take 'take'")


PLAYS_SHAPES = {  # what a sound strip plays, damaged: each read as DualTalk's strip, as a damaged pair
    "deep": DEEP,
    "number": "5",
    "far": "1e300",
    "list": '["talk.wav", "0f3a"]',
    "file a number": '{"file": 5, "sound": "0f3a"}',
    "token a list": '{"file": "talk.wav", "sound": ["0f3a"]}',
}


@pytest.mark.parametrize("shape", list(PLAYS_SHAPES.values()), ids=list(PLAYS_SHAPES))
def test_a_damaged_plays_record_leaves_the_take_one_dialogue_strip(take, addon, shape, tmp_path):
    """The strip still plays the take's recording: it is DualTalk's and goes with the take. Before, a
    record of the wrong field types read as the animator's copy of it: Remove Take kept it, saying
    "it plays talk.wav, not the take's recording", and a Generate after played the dialogue twice."""
    scene = _open_in_addon(damaged(take, "dualtalk_plays", shape, "plays.blend"))
    assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}, _status()
    assert _status().startswith("DualTalk: removed take 'take'") and "kept the sound strip" not in _status()
    assert not [s for s in scene.sequence_editor.strips_all if s.type == "SOUND"], _status()


@pytest.mark.parametrize("shape", list(PLAYS_SHAPES.values()), ids=list(PLAYS_SHAPES))
def test_a_whole_take_over_a_damaged_plays_record_plays_its_recording_once(take, shape, capsys, tmp_path):
    path = damaged(take, "dualtalk_plays", shape, "plays.blend")
    kit = ["--motion-a", str(take["root"] / "in" / "A.npz"), "--motion-b", str(take["root"] / "in" / "B.npz")]
    code, err, _out = animate(path, tmp_path / "o.blend", capsys, *kit)
    assert code == 0, err
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "o.blend"))
    sounds = [s for s in bpy.context.scene.sequence_editor.strips_all if s.type == "SOUND"]
    assert len(sounds) == 1, [(s.name, s.sound.filepath) for s in sounds]
